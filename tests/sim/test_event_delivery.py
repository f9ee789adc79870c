"""Pushed events reach a web service on 127.0.0.1 in each delivery style, counted, with seeded chaos.

The receiver (``receiver.Receiver``) records what arrives; tests wait for a number of arrivals
with a generous safety timeout and never time anything.
"""

from __future__ import annotations

import base64
import json
import threading

import httpx
import pytest

from simotui.sim import SimConfig, start_simulator
from simotui.sim.cli import build_parser, config_from
from simotui.sim.control import SimControl, SimControlError
from simotui.sim.delivery import ChaosSpec, ChaosSpecError, EventDelivery, EventTarget, parse_chaos
from simotui.sim.webhooks import PushedEvent

from .helpers import AUTH, KEY_HEADER, frozen_config
from .receiver import SAFETY, Receiver

CDR = {
    "event_name": "Cdr",
    "starttime": "2024-05-20 06:30:00.000000",
    "endtime": "2024-05-20 06:30:20.000000",
    "src": "557",
    "dst": "552",
    "type": "local",
    "disposition": "ANSWERED",
    "duration": 20,
    "billsec": 15,
    "wait": 5,
    "unique_id": "1716186600.5001",
}


def _events(count: int) -> list[PushedEvent]:
    out = []
    for n in range(1, count + 1):
        payload = {
            "event_name": "NewState",
            "exten": "557",
            "state": "Idle",
            "unique_id": f"17161866{n:02d}.1",
        }
        out.append(PushedEvent(n, 1716186600.0 + n, "NewState", payload))
    return out


def _deliver(target: EventTarget, events: list[PushedEvent], chaos: ChaosSpec | None = None) -> EventDelivery:
    delivery = EventDelivery(7, target, chaos)
    delivery.start()
    for event in events:
        delivery.submit(event)
    assert delivery.wait_idle(SAFETY)
    delivery.stop()
    return delivery


# ----------------------------------------------------------------------------- styles
def test_g4_posts_the_json_to_the_url_with_basic_auth() -> None:
    with Receiver() as receiver:
        event = PushedEvent(1, 1716186620.0, "Cdr", CDR)
        delivery = _deliver(EventTarget(receiver.url, "g4", ("hook", "pa:ss")), [event])
        [got] = receiver.wait_for(1)
    assert (got.method, got.path) == ("POST", "/hook")
    assert got.headers["content-type"] == "application/json"
    assert got.headers["authorization"] == "Basic " + base64.b64encode(b"hook:pa:ss").decode()
    assert got.body == CDR
    counts = delivery.counts()
    assert (counts["submitted"], counts["sent"], counts["failed"], counts["pending"]) == (1, 1, 0, 0)
    [record] = delivery.recent()
    assert (record.state, record.status, record.method) == ("sent", 200, "POST")


def test_rest4_posts_to_url_slash_event_name() -> None:
    with Receiver() as receiver:
        _deliver(EventTarget(receiver.url, "rest4"), [PushedEvent(1, 0.0, "Cdr", CDR)])
        [got] = receiver.wait_for(1)
    assert (got.method, got.path, got.body) == ("POST", "/hook/Cdr", CDR)
    assert "authorization" not in got.headers


def test_get_sends_the_fields_as_query_parameters() -> None:
    payload = {
        "event_name": "CdrQueue",
        "unique_id": "1.2",
        "billsec": "31",
        "detail": [{"src": "992", "tries": "1"}],
    }
    with Receiver() as receiver:
        _deliver(EventTarget(receiver.url, "get"), [PushedEvent(1, 0.0, "CdrQueue", payload)])
        [got] = receiver.wait_for(1)
    assert (got.method, got.path, got.body) == ("GET", "/hook", None)
    assert got.query["event_name"] == "CdrQueue" and got.query["billsec"] == "31"
    assert json.loads(got.query["detail"]) == payload["detail"]  # nested values travel as JSON


def test_credentials_in_the_url_are_basic_auth_and_failures_are_counted() -> None:
    with Receiver(status=500) as receiver:
        url = receiver.url.replace("http://", "http://u:p@")
        delivery = _deliver(EventTarget(url, "g4"), [PushedEvent(1, 0.0, "Cdr", CDR)])
        [got] = receiver.wait_for(1)
    assert got.headers["authorization"] == "Basic " + base64.b64encode(b"u:p").decode()
    assert delivery.counts()["failed"] == 1
    [record] = delivery.recent()
    assert (record.state, record.status, record.error) == ("failed", 500, "HTTP 500")
    assert "u:p@" not in (record.url or "")  # the password is never shown


def test_an_unreachable_receiver_fails_quickly_and_counts() -> None:
    with Receiver() as receiver:
        dead = receiver.url
    delivery = _deliver(EventTarget(dead, "g4", timeout=2.0), [PushedEvent(1, 0.0, "Cdr", CDR)])
    [record] = delivery.recent()
    assert record.state == "failed" and record.error and delivery.counts()["failed"] == 1


def test_submitting_never_waits_for_a_slow_receiver() -> None:
    with Receiver() as receiver:
        receiver.gate = threading.Event()  # the receiver holds every request until released
        delivery = EventDelivery(7, EventTarget(receiver.url, "g4", timeout=SAFETY))
        delivery.start()
        try:
            for event in _events(20):
                delivery.submit(event)  # would hang here if submitting waited for the network
            assert delivery.counts()["pending"] == 20
            receiver.gate.set()
            assert delivery.wait_idle(SAFETY)
            assert len(receiver.wait_for(20)) == 20
        finally:
            delivery.stop()


def test_without_a_target_events_are_kept_but_not_sent() -> None:
    delivery = EventDelivery(7)
    delivery.submit(PushedEvent(1, 0.0, "Ping", {"event_name": "Ping"}))
    [record] = delivery.recent()
    assert record.state == "unsent" and delivery.counts()["unsent"] == 1 and delivery.idle()


# ------------------------------------------------------------------------------ chaos
def test_chaos_specs_parse_and_print_back() -> None:
    spec = parse_chaos("drop=0.1, duplicate=0.05,reorder=0.2,delay=0.3:2,upper")
    assert spec == ChaosSpec(drop=0.1, duplicate=0.05, reorder=0.2, delay=0.3, delay_seconds=2.0, upper=1.0)
    assert parse_chaos(str(spec)) == spec and parse_chaos("").empty
    for bad in ("explode=1", "drop=2", "drop=x", "delay=0.5:-1"):
        with pytest.raises(ChaosSpecError):
            parse_chaos(bad)


def _chaotic_run(spec: str) -> tuple[list[str], list[tuple[int, str, list[str]]]]:
    with Receiver() as receiver:
        delivery = _deliver(EventTarget(receiver.url, "rest4"), _events(40), parse_chaos(spec))
        fates = [(d.seq, d.state, d.chaos) for d in delivery.recent()]
        sent = sum(
            1 for _, state, chaos in fates if state == "sent" for _ in range(1 + ("duplicate" in chaos))
        )
        got = receiver.wait_for(sent)
    return [f"{g.path}:{g.body['unique_id']}:{g.name}" for g in got], fates


def test_drop_duplicate_reorder_and_upper_are_deterministic_for_a_seed() -> None:
    spec = "drop=0.15,duplicate=0.15,reorder=0.15,upper=0.2"
    first, fates = _chaotic_run(spec)
    again, fates_again = _chaotic_run(spec)
    assert (first, fates) == (again, fates_again)
    dropped = [seq for seq, state, _ in fates if state == "dropped"]
    duplicated = [seq for seq, _, chaos in fates if "duplicate" in chaos]
    reordered = [seq for seq, _, chaos in fates if "reorder" in chaos]
    upper = [seq for seq, _, chaos in fates if "upper" in chaos]
    assert dropped and duplicated and reordered and upper  # the seed exercises every kind
    ids = [item.split(":")[1] for item in first]
    expected: list[str] = []
    held: str | None = None
    for seq, state, chaos in fates:
        uid = f"17161866{seq:02d}.1"
        if state == "dropped":
            continue
        copies = [uid, uid] if "duplicate" in chaos else [uid]
        if "reorder" in chaos and held is None:
            expected += copies[1:]
            held = uid
            continue
        expected += copies
        if held is not None:
            expected.append(held)
            held = None
    if held is not None:
        expected.append(held)
    assert ids == expected
    for item in first:
        path, uid, name = item.split(":")
        seq = int(uid[8:10])
        if seq in upper:
            assert path == "/hook/NEWSTATE" and name == "NEWSTATE"
        else:
            assert path == "/hook/NewState" and name == "NewState"
    plain, _ = _chaotic_run("")
    assert [p.split(":")[1] for p in plain] == [f"17161866{n:02d}.1" for n in range(1, 41)]


def test_a_delayed_event_is_still_delivered_and_counted() -> None:
    with Receiver() as receiver:
        delivery = _deliver(EventTarget(receiver.url, "g4"), _events(3), parse_chaos("delay=1:0.2"))
        got = receiver.wait_for(3)
    assert sorted(g.body["unique_id"] for g in got) == sorted(e.payload["unique_id"] for e in _events(3))
    assert delivery.counts()["delayed"] == 3


# ---------------------------------------------------------------- through the server
def test_a_served_simulator_pushes_an_originate_and_shows_it_on_the_control_plane() -> None:
    with Receiver() as receiver:
        sim = start_simulator(frozen_config(control=True, events_url=receiver.url, events_style="rest4"))
        try:
            with httpx.Client(base_url=sim.url, auth=AUTH, headers=KEY_HEADER, timeout=10) as client:
                body = {"caller": "557", "callee": "552", "context": "main_routing", "caller_id": "557"}
                call_id = client.post("/api/v4/call/originate/act", json=body).json()["data"][
                    "originated_call_id"
                ]
                client.put("/api/v4/setting/ping/act")
            with SimControl(sim.url) as control:
                control.advance(300)
                got = receiver.wait_for(8)
                assert sim.events.wait_idle(SAFETY)
                shown = control.events(limit=100)
                cdrs = control.events(name="Cdr")["events"]
        finally:
            sim.stop()
    paths = [g.path for g in got]
    assert paths == [
        "/hook/NewState",
        "/hook/Ping",
        "/hook/NewState",
        "/hook/NewState",
        "/hook/NewState",
        "/hook/NewState",
        "/hook/NewState",
        "/hook/Cdr",
    ]
    assert got[-1].body["originated_call_id"] == call_id
    assert shown["target"]["style"] == "rest4" and shown["counts"]["sent"] == 8
    assert [e["event"] for e in shown["events"]][-1] == "Cdr" and shown["states"]["557"] == "Idle"
    assert len(cdrs) == 1 and cdrs[0]["payload"]["originated_call_id"] == call_id


def test_the_control_plane_points_events_elsewhere_and_switches_chaos() -> None:
    sim = start_simulator(frozen_config(control=True))
    try:
        with Receiver() as receiver, SimControl(sim.url) as control:
            assert control.events()["target"] is None
            control.set_events_target(receiver.url, "get", auth="ops:secret")
            assert control.set_event_chaos("upper") == "upper=1"
            with httpx.Client(base_url=sim.url, auth=AUTH, headers=KEY_HEADER, timeout=10) as client:
                client.put("/api/v4/setting/ping/act")
            [got] = receiver.wait_for(1)
            assert (got.method, got.query) == ("GET", {"event_name": "PING"})
            assert got.headers["authorization"].startswith("Basic ")
            control.clear_event_chaos()
            state = control.events()
            assert state["chaos"] == "" and state["target"]["auth"] == "ops:***"
            control.clear_events()
            assert control.events()["counts"]["submitted"] == 0
            with pytest.raises(SimControlError) as bad:
                control.set_event_chaos("explode")
            assert bad.value.status == 400
            with pytest.raises(SimControlError):
                control.set_events_target("ftp://nowhere", "g4")
            control.set_events_target(None)
            assert control.events()["target"] is None
    finally:
        sim.stop()


def test_a_reset_keeps_the_delivery_and_the_old_pbx_stops_pushing() -> None:
    with Receiver() as receiver:
        sim = start_simulator(frozen_config(control=True, events_url=receiver.url))
        try:
            old = sim.pbx
            with SimControl(sim.url) as control:
                control.reset()
                old.webhooks.ping()  # the old PBX is no longer served: its events go nowhere
                with httpx.Client(base_url=sim.url, auth=AUTH, headers=KEY_HEADER, timeout=10) as client:
                    client.put("/api/v4/setting/ping/act")
                [got] = receiver.wait_for(1)
                assert got.body == {"event_name": "Ping"} and sim.events.wait_idle(SAFETY)
                assert control.events()["counts"]["submitted"] == 1
        finally:
            sim.stop()


def test_cli_flags_configure_events_and_traffic() -> None:
    args = build_parser().parse_args(
        [
            "--events-url", "http://127.0.0.1:9000/events",
            "--events-style", "rest4",
            "--events-auth", "hook:secret",
            "--events-only", "Cdr,NewState",
            "--events-chaos", "drop=0.1,upper",
            "--traffic", "12",
        ]
    )  # fmt: skip
    config = config_from(args)
    assert (config.events_url, config.events_style, config.events_auth) == (
        "http://127.0.0.1:9000/events",
        "rest4",
        "hook:secret",
    )
    assert (config.events_only, config.events_chaos, config.traffic) == (
        "Cdr,NewState",
        "drop=0.1,upper",
        12.0,
    )
    defaults = config_from(build_parser().parse_args([]))
    assert defaults.events_url is None and defaults.events_style == "g4" and defaults.traffic == 0
    for bad in (["--events-chaos", "explode"], ["--events-auth", "nocolon"], ["--events-only", "Hangup"]):
        with pytest.raises(SystemExit):
            build_parser().parse_args(bad)
    assert SimConfig().events_timeout > 0
