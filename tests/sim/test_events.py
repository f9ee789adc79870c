"""Pushed events (§7): each kind in its documented shape, at the right virtual moments of a call.

Every test runs on a frozen clock advanced by hand and reads ``pbx.webhooks.log``; nothing here
is sent anywhere (``test_event_delivery`` does that).
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest

from simotui.sim import SimulatedPbx, build_pbx
from simotui.sim.autodialer import REPORT_LAG
from simotui.sim.dates import gregorian
from simotui.sim.outcomes import Outcome
from simotui.sim.services.autodialer.campaigns import add as campaign_add
from simotui.sim.services.pbx.users import add as user_add
from simotui.sim.services.pbx.users import remove as user_remove
from simotui.sim.services.pbx.users import update as user_update
from simotui.sim.services.setting import ping
from simotui.sim.webhooks import PushedEvent, event_names

from .helpers import TEHRAN, frozen_config, json_type, load_sample

UTC_US = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")

#: Fields the event tables document that no sample shows, with their JSON type.
TABLE_ONLY: dict[str, dict[str, str]] = {
    "Cdr": {
        "duration": "int",
        "entry_point": "string",
        "outgoing_point": "string",
        "originated_call_id": "string",
        "poll_point": "int",
        "poll_lable": "string",
    },
    "NewState": {"dialer": "string"},
    "IncomingCall": {"originated_call_id": "string"},
    "OutgoingCall": {"originated_call_id": "string"},
    "CdrQueue": {"originated_call_id": "string", "comment": "string"},
    # The sample has none; the table lists it, and G4 receivers route on it.
    "AutoDialerReport": {"event_name": "string"},
    # Undocumented (§7.3): the reference's assumption.
    "Ping": {"event_name": "string"},
}
SAMPLES: dict[str, tuple[str, ...]] = {
    "Cdr": ("event-cdr-1.json", "event-cdr-2.json"),
    "NewState": ("event-new_state-1.json", "event-new_state-2.json", "event-new_state-delivery-example.json"),
    "IncomingCall": ("event-incoming_call.json",),
    "OutgoingCall": ("event-outgoing_call.json",),
    "CdrQueue": ("event-cdr_queue.json",),
    "AutoDialerReport": ("event-AutoDialerReport.json",),
    "ExtenAdded": ("event-exten_added.json",),
    "ExtenRemoved": ("event-exten_remove.json",),
    "Survey": ("event-survey.json",),
}


def documented(name: str) -> dict[str, str]:
    """Every documented field of event ``name`` and its JSON type (samples, then the table)."""
    types: dict[str, str] = {}
    for sample in SAMPLES.get(name, ()):
        for key, value in load_sample(sample)["request"].items():
            types.setdefault(key, json_type(value))
    types.update({k: v for k, v in TABLE_ONLY.get(name, {}).items() if k not in types})
    return types


def shape_problems(event: PushedEvent) -> list[str]:
    """How ``event`` strays from its documented keys and JSON types (nested lists: their items)."""
    allowed = documented(event.name)
    problems = []
    for key, value in event.payload.items():
        if key not in allowed:
            problems.append(f"{event.name}: undocumented key {key!r}")
        elif json_type(value) != allowed[key]:
            problems.append(f"{event.name}.{key}: documented {allowed[key]}, got {json_type(value)}")
        if value is None or value == "":
            problems.append(f"{event.name}.{key}: sent without a value")
    for sample in SAMPLES.get(event.name, ()):
        request = load_sample(sample)["request"]
        for key in ("detail", "tries"):
            if key in request and key in event.payload:
                first = request[key][0]
                for item in event.payload[key]:
                    for field, value in item.items():
                        if field not in first or json_type(value) != json_type(first[field]):
                            problems.append(f"{event.name}.{key}[].{field}: {json_type(value)}")
    return problems


def events(pbx: SimulatedPbx, name: str | None = None) -> list[PushedEvent]:
    return [e for e in pbx.webhooks.log if name is None or e.name == name]


def brief(pbx: SimulatedPbx, t0: float) -> list[tuple[float, str, str, str]]:
    """(seconds after t0, event, extension or number, state) of every event so far."""
    out = []
    for e in pbx.webhooks.log:
        p = e.payload
        who = str(p.get("exten", p.get("number", p.get("src", ""))))
        out.append((e.at - t0, e.name, who, str(p.get("state", p.get("disposition", "")))))
    return out


@pytest.fixture
def frozen() -> SimulatedPbx:
    pbx = build_pbx(frozen_config())
    assert list(pbx.webhooks.log) == []  # building (past campaigns included) pushes nothing
    return pbx


# --------------------------------------------------------------------------- one originate
def test_an_originate_rings_answers_talks_and_ends_at_the_planned_moments(frozen: SimulatedPbx) -> None:
    pbx = frozen
    t0 = pbx.now
    first = pbx.plan_leg("552", "557")  # the caller's leg is planned as (callee, caller)
    second = pbx.plan_leg("557", "552")
    assert first.outcome is second.outcome is Outcome.ANSWER
    call_id = pbx.originate("557", "552", "main_routing", "557")
    cuid = pbx.originated[call_id].cuid
    assert brief(pbx, t0) == [(0.0, "NewState", "557", "Ringing")]
    pbx.advance(first.ring - 0.5)
    assert len(pbx.webhooks.log) == 1  # nothing before the caller answers
    pbx.advance(0.5)
    r1 = float(first.ring)
    assert brief(pbx, t0)[1:] == [(r1, "NewState", "557", "InUse"), (r1, "NewState", "552", "Ringing")]
    pbx.advance(second.ring)
    r2 = r1 + second.ring
    assert brief(pbx, t0)[3:] == [(r2, "NewState", "552", "InUse")]
    pbx.advance(second.talk)
    end = r2 + second.talk
    assert brief(pbx, t0)[4:] == [
        (end, "NewState", "557", "Idle"),
        (end, "NewState", "552", "Idle"),
        (end, "Cdr", "557", "ANSWERED"),
    ]
    log = events(pbx)
    assert all(e.payload["unique_id"] == cuid for e in log)
    ringing, caller_up, callee_ringing, callee_up, caller_idle, _, cdr = (e.payload for e in log)
    assert ringing == {
        "event_name": "NewState",
        "exten": "557",
        "state": "Ringing",
        "participant": "552",
        "direction": "in",
        "unique_id": cuid,
    }
    assert (
        caller_up["dialer"] == "yes" and caller_up["direction"] == "out" and caller_up["participant"] == "552"
    )
    assert callee_ringing["participant"] == "557" and "dialer" not in callee_ringing
    assert callee_up["dialer"] == "no" and callee_up["direction"] == "in"
    assert caller_idle == {"event_name": "NewState", "exten": "557", "state": "Idle", "unique_id": cuid}
    stored = pbx.cdrs.get(pbx.originated[call_id].cdr_id or "")
    assert stored is not None
    assert cdr["originated_call_id"] == call_id and cdr["type"] == "local"
    assert (cdr["duration"], cdr["billsec"], cdr["wait"]) == (stored.duration, stored.billsec, stored.wait)
    assert UTC_US.match(cdr["starttime"]) and UTC_US.match(cdr["endtime"])
    assert cdr["starttime"][:19] == gregorian(t0, ZoneInfo("UTC"))
    assert all(not shape_problems(e) for e in log), [shape_problems(e) for e in log]


def test_a_caller_who_never_answers_rings_then_goes_idle_and_sends_no_cdr(frozen: SimulatedPbx) -> None:
    pbx = frozen
    pbx.pinned["557"] = Outcome.NO_ANSWER
    t0 = pbx.now
    pbx.originate("557", "552", "main_routing", "557", timeout=20)
    pbx.advance(60)
    assert brief(pbx, t0) == [(0.0, "NewState", "557", "Ringing"), (20.0, "NewState", "557", "Idle")]


def test_a_caller_who_cannot_be_dialled_sends_nothing(frozen: SimulatedPbx) -> None:
    pbx = frozen
    pbx.originate("123", "552", "main_routing", "557")  # no such extension: a spool failure
    pbx.advance(60)
    assert events(pbx) == []
    assert any(r.channel == "OutgoingSpoolFailed" for r in pbx.cdrs)


def test_busy_or_ringing_out_callees_still_end_in_a_cdr(frozen: SimulatedPbx) -> None:
    pbx = frozen
    pbx.pinned["552"] = Outcome.BUSY
    pbx.originate("557", "552", "main_routing", "557")
    pbx.advance(120)
    names = [(e.name, e.payload.get("exten"), e.payload.get("state")) for e in events(pbx)]
    assert ("NewState", "552", "Ringing") not in names  # a busy phone does not ring
    [cdr] = events(pbx, "Cdr")
    assert cdr.payload["disposition"] == "BUSY" and "billsec" not in cdr.payload  # no talk: no billsec
    pbx.webhooks.log.clear()
    pbx.pinned["552"] = Outcome.NO_ANSWER
    pbx.originate("557", "552", "main_routing", "557", timeout=25)
    pbx.advance(120)
    states = [(e.payload.get("exten"), e.payload.get("state")) for e in events(pbx, "NewState")]
    assert states == [
        ("557", "Ringing"),
        ("557", "InUse"),
        ("552", "Ringing"),
        ("557", "Idle"),
        ("552", "Idle"),
    ]
    assert events(pbx, "Cdr")[0].payload["disposition"] == "NO ANSWER"


def test_legs_through_trunks_send_outgoing_call(frozen: SimulatedPbx) -> None:
    pbx = frozen
    t0 = pbx.now
    call_id = pbx.originate("521", "09121234567", "main_routing", "557")
    first = pbx.plan_leg("09121234567", "521")
    pbx.advance(first.ring)
    [outgoing] = events(pbx, "OutgoingCall")
    assert outgoing.at - t0 == first.ring  # the second leg leaves when the caller answers
    assert outgoing.payload == {
        "event_name": "OutgoingCall",
        "number": "09121234567",
        "unique_id": pbx.originated[call_id].cuid,
        "outgoing_point": "Center",
        "originated_call_id": call_id,
    }
    pbx.advance(120)
    [cdr] = events(pbx, "Cdr")
    assert cdr.payload["type"] == "outgoing" and cdr.payload["outgoing_point"] == "Center"
    pbx.webhooks.log.clear()
    pstn_caller = pbx.originate("09371234567", "521", "main_routing", "557", trunk_name="Cisco")
    [first_leg] = events(pbx, "OutgoingCall")  # the first leg leaves through trunk_name at once
    assert first_leg.at == pbx.now and first_leg.payload["number"] == "09371234567"
    assert (
        first_leg.payload["outgoing_point"] == "Cisco"
        and first_leg.payload["originated_call_id"] == pstn_caller
    )
    for event in events(pbx):
        assert not shape_problems(event)


# --------------------------------------------------------------------------- the others
def test_users_added_and_removed_and_ping(frozen: SimulatedPbx) -> None:
    pbx = frozen
    user_add(pbx, {"name": "New Agent", "number": "77777", "secret": "s3cret"})
    oid = pbx.users["77777"].oid
    user_update(pbx, {"_id": oid, "number": "77778"})
    user_remove(pbx, {"_id": oid})
    ping(pbx, {})
    assert [e.payload for e in events(pbx)] == [
        {"event_name": "ExtenAdded", "exten": "77777", "state": "Unavailable"},
        {"event_name": "ExtenRemoved", "exten": "77777", "state": "Unavailable"},
        {"event_name": "ExtenAdded", "exten": "77778", "state": "Unavailable"},
        {"event_name": "ExtenRemoved", "exten": "77778", "state": "Unavailable"},
        {"event_name": "Ping"},
    ]
    for event in events(pbx):
        assert not shape_problems(event)
    for name in ("ExtenAdded", "ExtenRemoved"):
        [sample] = SAMPLES[name]
        payload = next(e.payload for e in events(pbx, name))
        assert set(payload) == set(load_sample(sample)["request"])


def test_a_campaign_sends_outgoing_call_per_dial_and_autodialer_report_per_attempt(
    frozen: SimulatedPbx,
) -> None:
    pbx = frozen
    numbers = ["09121234567", "09121234500"]  # answers; rings out (retried once)
    body = {
        "name": "push-test",
        "trunk_manager_id": "5ec63107ce4f6d12c43e250f",
        "numbers": numbers,
        "try_interval": "60",
        "try": "2",
        "start": gregorian(pbx.now, TEHRAN)[:16],
        "end": gregorian(pbx.now + 86400, TEHRAN)[:16],
        "announcement": "653e02b6959ca20a2f1b7293",
    }
    campaign_add(pbx, body)
    pbx.advance(3600)
    dials = events(pbx, "OutgoingCall")
    assert [e.payload["number"] for e in dials] == ["09121234567", "09121234500", "09121234500"]
    assert len({e.payload["unique_id"] for e in dials}) == 3
    reports = events(pbx, "AutoDialerReport")
    assert [(r.payload["number"], r.payload["try"], r.payload["disposition"]) for r in reports] == [
        ("09121234567", 1, "ANSWERED"),
        ("09121234500", 1, "NO ANSWER"),
        ("09121234500", 2, "NO ANSWER"),
    ]
    assert len(reports[2].payload["tries"]) == 2
    answered = reports[0].payload
    # Each report comes REPORT_LAG after its attempt ends: the dial, the ringing, the talk.
    assert reports[0].at == dials[0].at + answered["wait"] + answered["billsec"] + REPORT_LAG
    sample = load_sample("event-AutoDialerReport.json")["request"]
    payload = reports[0].payload
    assert set(sample) <= set(payload) | {"interface_context", "interface_text"}  # empty: left out
    assert UTC_US.match(payload["start"]) and re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", payload["end"])
    for event in [*dials, *reports]:
        assert not shape_problems(event)


def test_traffic_events_match_their_documented_shapes() -> None:
    pbx = build_pbx(frozen_config(traffic=20))
    pbx.advance(3 * 3600)
    seen = {e.name for e in pbx.webhooks.log}
    assert {"IncomingCall", "NewState", "CdrQueue", "Cdr", "OutgoingCall", "Survey"} <= seen
    problems = [p for e in pbx.webhooks.log for p in shape_problems(e)]
    assert problems == []
    queue_states = [e for e in events(pbx, "NewState") if "queue" in e.payload]
    assert queue_states and all(e.payload["queue"] in pbx.queues for e in queue_states)
    cdr_queue = events(pbx, "CdrQueue")[0].payload
    assert set(cdr_queue) <= set(documented("CdrQueue"))
    for key in ("billsec", "wait", "duration", "agent_wait"):
        assert isinstance(cdr_queue[key], str)  # strings here, integers in Cdr (§7.2)
    for key in ("answeredtime", "ringtime", "starttime", "endtime"):
        assert UTC_US.match(cdr_queue[key])
    survey = events(pbx, "Survey")[0].payload
    assert survey["event"] == "Survey" and "event_name" not in survey and isinstance(survey["point"], int)


def test_events_not_ticked_are_not_sent() -> None:
    pbx = build_pbx(frozen_config(events_only="cdr, Ping"))
    pbx.originate("557", "552", "main_routing", "557")
    ping(pbx, {})
    pbx.advance(300)
    assert [e.name for e in events(pbx)] == ["Ping", "Cdr"]
    assert pbx.webhooks.states["557"] == "Idle"  # states are kept even when NewState is not sent
    assert event_names(None) is None
    with pytest.raises(ValueError, match="unknown event"):
        event_names("Cdr,Hangup")


def test_an_originate_into_an_unconfigured_component_ends_with_the_caller_idle_and_a_cdr(
    frozen: SimulatedPbx,
) -> None:
    pbx = frozen
    t0 = pbx.now
    call_id = pbx.originate("557", "552", "api-exten", "557")  # extenApi has no web service here
    pbx.advance(120)
    trail = brief(pbx, t0)
    assert [(name, who, state) for _, name, who, state in trail] == [
        ("NewState", "557", "Ringing"),
        ("NewState", "557", "InUse"),
        ("NewState", "557", "Idle"),
        ("Cdr", "557", "FAILED"),
    ]
    assert events(pbx, "Cdr")[0].payload["originated_call_id"] == call_id
