"""The four API component kinds (§7.4): reached by an originate's context or a campaign row, each
sending its own name as ``app_name``, each answer shape routing the call as documented.

The web service is a canned loopback server; the PBX clock is frozen and driven by hand.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from simotui.sim import SimulatedPbx, build_pbx
from simotui.sim.config import ComponentSpec, demo_components
from simotui.sim.scenarios import BRIDGE_CONTEXT

from .bridge_helpers import add_bridge_campaign, canned_service, cdrs_by_cuid, report_rows
from .helpers import frozen_config

#: Each demo component: kind -> (its context, the answer its web service gives, whom it connects).
ANSWERS: dict[str, tuple[str, dict[str, Any], str]] = {
    "exten": ("api-exten", {"ok": "1", "extension": "552"}, "552"),
    "trunk": ("api-trunk", {"ok": "1", "trunk": "Center", "extension": "09121234567", "call_limit": "7"}, "09121234567"),
    "ivr": ("api-ivr", {"ok": "1", "case": "2"}, "553"),
    "smart": ("api-smart", {"ok": "1", "commands": "SayNumber(5201); SetExten('552'); SetLimitOnCall(20)"}, "552"),
}  # fmt: skip
STEPS = {"exten": "ExtenAPI", "trunk": "TrunkAPI", "ivr": "IVRAPI", "smart": "SmartAPI"}


def pbx_with(url: str, components: list[ComponentSpec] | None = None) -> SimulatedPbx:
    """A frozen PBX whose demo components all call ``url``."""
    return build_pbx(frozen_config(components=components or demo_components(url)))


def finish(pbx: SimulatedPbx) -> None:
    """Let the first party answer, ask the component, let the call end."""
    pbx.advance(10)
    pbx.run_component_calls()
    pbx.advance(300)
    assert pbx.pending_component_calls() == 0


@pytest.mark.parametrize("kind", list(ANSWERS))
def test_an_originate_through_a_component_context_asks_it_for_the_second_leg(kind: str) -> None:
    context, answer, connected = ANSWERS[kind]
    with canned_service(json.dumps(answer).encode()) as service:
        pbx = pbx_with(service.url)
        call_id = pbx.originate("557", "7777", context, "557")
        finish(pbx)
    call = pbx.originated[call_id]
    [asked] = pbx.component_calls
    expected = {"src": "557", "dst": "7777", "data": "", "unique_id": call.cuid, "app_name": f"{kind}Api"}
    if kind == "smart":
        expected["originated_call_id"] = call_id  # only Smart API sends it, and only for originates
    assert asked.request == expected
    assert json.loads(service.requests[0][2]) == expected
    assert (asked.outcome, asked.second_disposition) == ("bridged", "ANSWERED")
    [cdr] = cdrs_by_cuid(pbx, call.cuid)
    assert cdr["_id"] == call.cdr_id and call.state == "ended" and call.result == "ANSWERED"
    assert (cdr["originated_call_id"], cdr["comment"]) == (call_id, f"originated call: {call_id}")
    assert (cdr["src"], cdr["dst"], cdr["dcontext"], cdr["disposition"]) == (
        "557",
        connected,
        context,
        "ANSWERED",
    )
    steps = [step["type"] for step in cdr["route"]]
    assert steps == ["OutgoingRoute", STEPS[kind], "Trunk" if kind == "trunk" else "Extension"]
    if kind == "trunk":
        assert 0 < cdr["billsec"] <= 7 and cdr["outgoing_point"] == "Center"
    if kind == "smart":
        assert cdr["route"][1]["duration"] >= 2  # SayNumber took its time before SetExten dialled
        assert asked.delay == 2 and 0 < cdr["billsec"] <= 20


@pytest.mark.parametrize("kind", list(ANSWERS))
def test_a_campaign_row_leads_to_each_kind(kind: str) -> None:
    _, answer, connected = ANSWERS[kind]
    with canned_service(json.dumps(answer).encode()) as service:
        pbx = pbx_with(service.url)
        oid = add_bridge_campaign(pbx, "557", interface_text=kind)
        finish(pbx)
    [asked] = pbx.component_calls
    assert asked.request["app_name"] == f"{kind}Api" and asked.request["dst"] == kind
    assert "originated_call_id" not in asked.request  # a campaign call is no originate
    [cdr] = cdrs_by_cuid(pbx, asked.unique_id)
    assert (cdr["dst"], cdr["dcontext"], cdr["disposition"]) == (connected, BRIDGE_CONTEXT, "ANSWERED")
    assert [s["type"] for s in cdr["route"]][:2] == ["AutodialerRoute", STEPS[kind]]
    assert report_rows(pbx, oid)[0]["disposition"] == "ANSWERED"


def test_the_app_name_is_whatever_the_administrator_named_the_component() -> None:
    with canned_service(b'{"ok":"1","extension":"552"}') as service:
        spec = ComponentSpec("exten", "routeToSales", "to-sales", service.url, style="rest")
        pbx = pbx_with(service.url, [spec])
        pbx.originate("557", "88", "to-sales", "557")
        finish(pbx)
    [asked] = pbx.component_calls
    assert asked.request["app_name"] == "routeToSales"
    assert service.requests[0][1] == "/ExtenAPI"  # Rest style appends the component type


def test_an_ivr_case_with_no_output_hangs_up_with_a_failed_cdr() -> None:
    with canned_service(b'{"ok":"1","case":"9"}') as service:
        pbx = pbx_with(service.url)
        call_id = pbx.originate("557", "7777", "api-ivr", "557")
        finish(pbx)
    [asked] = pbx.component_calls
    assert asked.outcome == "invalid" and "case '9'" in asked.error
    [cdr] = cdrs_by_cuid(pbx, pbx.originated[call_id].cuid)
    assert cdr["disposition"] == "FAILED" and [s["type"] for s in cdr["route"]] == ["OutgoingRoute", "IVRAPI"]


def test_smart_commands_that_fail_leave_through_output_e() -> None:
    """An unknown function stops the run; output ``e`` of the demo component dials 200 (never answers)."""
    with canned_service(b'{"ok":"1","commands":"SayDigit(12); Explode()"}') as service:
        pbx = pbx_with(service.url)
        call_id = pbx.originate("557", "7777", "api-smart", "557")
        finish(pbx)
    [asked] = pbx.component_calls
    assert (asked.case, asked.extension, asked.second_disposition) == ("e", "200", "NO ANSWER")
    assert "Explode" in asked.error
    assert pbx.originated[call_id].result == "NO ANSWER"


def test_smart_commands_that_connect_nobody_play_and_hang_up() -> None:
    with canned_service(b'{"ok":"1","commands":"PlayAnnouncement(\'azan\'); SayNumber(5)"}') as service:
        pbx = pbx_with(service.url)
        call_id = pbx.originate("557", "7777", "api-smart", "557")
        finish(pbx)
    [asked] = pbx.component_calls
    assert asked.outcome == "played" and asked.delay == 12 + 2  # the azan announcement is 12 s
    [cdr] = cdrs_by_cuid(pbx, pbx.originated[call_id].cuid)
    assert cdr["disposition"] == "ANSWERED" and cdr["dst"] == "7777" and cdr["billsec"] >= 14
