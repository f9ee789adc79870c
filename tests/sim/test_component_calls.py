"""Originate via campaign (§5.8) on a frozen clock: Autodialer Route → API component → second leg.

The component's web service is real (loopback HTTP); the PBX is driven by hand with
``pbx.advance`` and ``pbx.run_component_calls``, as the server's ticker would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from simotui.calls.bridges import BridgeBook, BridgeRequestSeen, BridgeTarget
from simotui.responder.responder import start_responder
from simotui.sim import SimulatedPbx, build_pbx
from simotui.sim.component_calls import COMPONENT_HANGUP_DELAY
from simotui.sim.scenarios import ANNOUNCE_TEXT, BRIDGE_COMPONENT, BRIDGE_CONTEXT

from .bridge_helpers import add_bridge_campaign, canned_service, cdrs_by_cuid, report_rows, wait_until
from .helpers import frozen_config


@pytest.fixture
def book() -> BridgeBook:
    """557 (answers after 3 s with seed 7) is to be bridged to 552 (answers, records calls)."""
    book = BridgeBook()
    book.expect(BridgeTarget("call-1", "557", "552"))
    return book


@pytest.fixture
def seen() -> list[BridgeRequestSeen]:
    return []


@pytest.fixture
def responder_url(book: BridgeBook, seen: list[BridgeRequestSeen]) -> Iterator[str]:
    with start_responder(book, on_request=seen.append) as handle:
        yield handle.url


def pbx_for(url: str | None, **config: Any) -> SimulatedPbx:
    """A frozen PBX whose demo component calls ``url``."""
    return build_pbx(frozen_config(component_api_url=url, **config))


def run_call(pbx: SimulatedPbx, number: str, **fields: Any) -> str:
    """Add a bridge campaign, let the first party answer, consult the component, finish the call."""
    oid = add_bridge_campaign(pbx, number, **fields)
    pbx.advance(10)  # the number is dialled and (if it answers) reaches the component
    pbx.run_component_calls()
    pbx.advance(300)
    assert pbx.pending_component_calls() == 0
    return oid


def only_row(pbx: SimulatedPbx, oid: str) -> dict[str, Any]:
    [row] = report_rows(pbx, oid)
    return row


def test_exten_api_bridges_to_the_second_party(
    responder_url: str, book: BridgeBook, seen: list[BridgeRequestSeen]
) -> None:
    pbx = pbx_for(responder_url)
    oid = run_call(pbx, "557")
    [call] = pbx.component_calls
    assert call.request == {
        "src": "557",
        "dst": "bridge",
        "data": "",
        "unique_id": call.unique_id,
        "app_name": BRIDGE_COMPONENT,  # the component's own name in the dialplan (§7.4)
    }
    assert call.outcome == "bridged" and call.extension == "552" and call.method == "POST"
    assert call.response == {"ok": "1", "extension": "552"} and call.second_disposition == "ANSWERED"
    assert book.unique_id_for("call-1") == call.unique_id
    wait_until(lambda: len(seen) == 1)
    assert [s.call_id for s in seen] == ["call-1"]

    [cdr] = cdrs_by_cuid(pbx, call.unique_id)
    assert cdr["_id"] == call.cdr_id
    assert (cdr["cuid"], cdr["uniqueid"]) == (call.unique_id, call.unique_id)
    assert (cdr["src"], cdr["dst"], cdr["disposition"], cdr["type"]) == ("557", "552", "ANSWERED", "local")
    assert cdr["dcontext"] == BRIDGE_CONTEXT and cdr["lastdata"] == "SIP/552,30,TtKk"
    assert [(s["type"], s["name"]) for s in cdr["route"]] == [
        ("AutodialerRoute", "simotui-autodialer"),
        ("ExtenAPI", BRIDGE_COMPONENT),
        ("Extension", "Extension"),
    ]
    assert cdr["record"].endswith(f"_{call.unique_id}.wav")  # 552 records its calls

    row = only_row(pbx, oid)
    assert row["disposition"] == "ANSWERED" and row["number"] == "557"
    [attempt] = row["tries"]
    assert (attempt["cause"], attempt["cause-txt"], attempt["disposition"]) == (
        "16",
        "Normal Clearing",
        "ANSWERED",
    )
    assert attempt["cdr_id"]["$oid"]
    # The first party's talk time covers waiting for the component, ringing 552 and the talk.
    assert row["billsec"] > cdr["billsec"] > 0
    assert pbx.campaigns[oid].status == "completed"


def test_trunk_api_dials_through_the_named_trunk_within_the_call_limit(book: BridgeBook) -> None:
    book.forget("call-1")
    book.expect(BridgeTarget("call-2", "557", "09121234567", trunk="center", call_limit=7))
    with start_responder(book) as responder:
        pbx = pbx_for(responder.url, component_kind="trunk")
        oid = run_call(pbx, "557")
    [call] = pbx.component_calls
    assert call.request["app_name"] == BRIDGE_COMPONENT
    assert (call.outcome, call.trunk, call.call_limit) == ("bridged", "center", 7)
    [cdr] = cdrs_by_cuid(pbx, call.unique_id)
    assert (cdr["dst"], cdr["type"], cdr["outgoing_point"]) == ("09121234567", "outgoing", "Center")
    assert [s["type"] for s in cdr["route"]] == ["AutodialerRoute", "TrunkAPI", "Trunk"]
    assert cdr["route"][-1]["name"] == "Center"
    assert cdr["lastdata"] == "SIP/Center/09121234567,30,TtKk"
    assert cdr["disposition"] == "ANSWERED" and 0 < cdr["billsec"] <= 7
    assert only_row(pbx, oid)["disposition"] == "ANSWERED"


def test_trunk_api_answer_naming_an_unknown_trunk_fails_the_second_leg(book: BridgeBook) -> None:
    book.forget("call-1")
    book.expect(BridgeTarget("call-2", "557", "09121234567", trunk="NoSuchTrunk"))
    with start_responder(book) as responder:
        pbx = pbx_for(responder.url, component_kind="trunk")
        oid = run_call(pbx, "557")
    [cdr] = cdrs_by_cuid(pbx, pbx.component_calls[0].unique_id)
    assert cdr["disposition"] == "FAILED" and cdr["lastapp"] == "Hangup"
    assert only_row(pbx, oid)["disposition"] == "ANSWERED"


@pytest.mark.parametrize(
    ("second", "disposition"),
    [("09121234567", "ANSWERED"), ("09121234599", "BUSY"), ("200", "NO ANSWER"), ("123", "FAILED")],
)
def test_second_leg_follows_the_outcome_rules(second: str, disposition: str) -> None:
    book = BridgeBook()
    book.expect(BridgeTarget("call-1", "557", second))
    with start_responder(book) as responder:
        pbx = pbx_for(responder.url)
        oid = run_call(pbx, "557")
    [cdr] = cdrs_by_cuid(pbx, pbx.component_calls[0].unique_id)
    assert cdr["dst"] == second and cdr["disposition"] == disposition
    if second.startswith("0912"):
        # An Exten API answer that is a PSTN number leaves through main_routing's trunk.
        assert cdr["type"] == "outgoing" and cdr["route"][-1]["type"] == "Trunk"
        assert cdr["outgoing_point"] == "Center"
    assert only_row(pbx, oid)["disposition"] == "ANSWERED"


@pytest.mark.parametrize(("method", "style"), [("GET", "g"), ("GET", "rest"), ("POST", "rest")])
def test_get_and_rest_styles(method: str, style: str) -> None:
    answer = json.dumps({"ok": "1", "extension": "552"}).encode()
    with canned_service(answer) as service:
        pbx = pbx_for(service.url + "/hooks", component_method=method, component_style=style)
        oid = run_call(pbx, "557")
    [(sent_method, path, body)] = service.requests
    [call] = pbx.component_calls
    expected_path = "/hooks/ExtenAPI" if style == "rest" else "/hooks"
    assert sent_method == method and path.split("?")[0] == expected_path
    if method == "GET":
        assert body == "" and f"unique_id={call.unique_id}" in path and f"app_name={BRIDGE_COMPONENT}" in path
    else:
        assert json.loads(body) == call.request
    assert call.outcome == "bridged" and len(cdrs_by_cuid(pbx, call.unique_id)) == 1
    assert only_row(pbx, oid)["disposition"] == "ANSWERED"


def assert_unbridged(pbx: SimulatedPbx, oid: str, outcome: str) -> None:
    """The component failed: ANSWERED first leg, short billsec, no second-leg CDR, nothing pending."""
    [call] = pbx.component_calls
    assert call.state == "done" and call.outcome == outcome, (call.outcome, call.error)
    assert call.cdr_id is None and cdrs_by_cuid(pbx, call.unique_id) == []
    row = only_row(pbx, oid)
    assert row["disposition"] == "ANSWERED"
    assert row["tries"][0]["cause"] == "16"
    assert 0 < row["billsec"] <= 10 + COMPONENT_HANGUP_DELAY  # the 10 s the test let pass, at most
    assert pbx.campaigns[oid].status == "completed"
    assert pbx.pending_component_calls() == 0


def test_responder_down_ends_the_call_unbridged() -> None:
    with canned_service(b"") as service:
        url = service.url  # a port that is closed once the block ends
    pbx = pbx_for(url)
    assert_unbridged(pbx, run_call(pbx, "557"), "unreachable")


def test_slow_responder_times_out() -> None:
    answer = json.dumps({"ok": "1", "extension": "552"}).encode()
    with canned_service(answer, delay=0.6) as service:
        pbx = pbx_for(service.url, component_timeout=0.2)
        oid = run_call(pbx, "557")
    assert_unbridged(pbx, oid, "timeout")
    assert pbx.component_calls[0].real_seconds < 0.5


def test_refusing_responder(seen: list[BridgeRequestSeen]) -> None:
    with start_responder(BridgeBook(), on_request=seen.append) as responder:
        pbx = pbx_for(responder.url)
        oid = run_call(pbx, "557")
    assert_unbridged(pbx, oid, "refused")
    assert pbx.component_calls[0].response == {"ok": "0"}


@pytest.mark.parametrize(
    ("body", "status", "outcome"),
    [
        (b"<html>busy</html>", 200, "invalid"),
        (b'["ok"]', 200, "invalid"),
        (b'{"ok":"1"}', 200, "invalid"),
        (b'{"ok":"1","extension":"552"}', 500, "http-error"),
    ],
)
def test_unusable_answers(body: bytes, status: int, outcome: str) -> None:
    with canned_service(body, status=status) as service:
        pbx = pbx_for(service.url)
        oid = run_call(pbx, "557")
    assert_unbridged(pbx, oid, outcome)


def test_trunk_api_answer_without_trunk_is_invalid() -> None:
    with canned_service(b'{"ok":"1","extension":"552"}') as service:
        pbx = pbx_for(service.url, component_kind="trunk")
        oid = run_call(pbx, "557")
    assert_unbridged(pbx, oid, "invalid")


def test_unconfigured_component_fails_without_any_request() -> None:
    pbx = pbx_for(None)
    oid = add_bridge_campaign(pbx, "557")
    pbx.advance(10)
    assert pbx.pending_component_calls() == 0  # nothing to wait for: there is no URL
    pbx.advance(300)
    assert_unbridged(pbx, oid, "unconfigured")


def test_queued_calls_wait_for_run_component_calls(responder_url: str, seen: list[BridgeRequestSeen]) -> None:
    """Without a ticker nothing is sent until someone runs the queue; the call stays up meanwhile."""
    pbx = pbx_for(responder_url)
    oid = add_bridge_campaign(pbx, "557")
    pbx.advance(10)
    assert pbx.pending_component_calls() == 1 and pbx.component_calls[0].state == "queued"
    pbx.advance(60)
    assert seen == [] and report_rows(pbx, oid) == [] and pbx.campaigns[oid].status == "running"
    assert pbx.run_component_calls() == 1 and pbx.run_component_calls() == 0
    pbx.advance(300)
    assert only_row(pbx, oid)["disposition"] == "ANSWERED"


def test_empty_interface_text_takes_the_any_row(responder_url: str) -> None:
    pbx = pbx_for(responder_url)
    run_call(pbx, "557", interface_text="")
    [call] = pbx.component_calls
    assert call.outcome == "bridged" and call.request["dst"] == BRIDGE_CONTEXT


@pytest.mark.parametrize(
    "fields", [{"interface_text": ANNOUNCE_TEXT}, {"interface_context": "auto"}, {"interface_context": ""}]
)
def test_other_rows_and_contexts_play_the_announcement(responder_url: str, fields: dict[str, str]) -> None:
    pbx = pbx_for(responder_url)
    oid = run_call(pbx, "557", **fields)
    assert pbx.component_calls == []
    row = only_row(pbx, oid)
    assert row["disposition"] == "ANSWERED" and 7 <= row["billsec"] <= 11  # the 9 s announcement


@pytest.mark.parametrize(
    ("number", "disposition", "cause"),
    [
        ("09121234500", "NO ANSWER", ("16", "Normal Clearing")),
        ("09121234599", "BUSY", ("21", "Call Rejected")),
    ],
)
def test_first_party_that_does_not_answer_never_reaches_the_component(
    responder_url: str, seen: list[BridgeRequestSeen], number: str, disposition: str, cause: tuple[str, str]
) -> None:
    pbx = pbx_for(responder_url)
    oid = run_call(pbx, number, **{"try": "2", "try_interval": "60"})
    row = only_row(pbx, oid)
    assert row["disposition"] == disposition and row["try"] == 2
    assert [(t["cause"], t["cause-txt"]) for t in row["tries"]] == [cause, cause]
    assert pbx.component_calls == [] and seen == []
