"""Pushed events parsed at the boundary: every documented sample, every delivery style, the
leniencies real deliveries need, and garbage refused with a reason (never a crash)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simotui.api.models import Disposition
from simotui.events import models as m
from simotui.events.parse import (
    BAD_FIELD,
    BAD_JSON,
    NO_NAME,
    TOO_DEEP,
    EventError,
    canonical_name,
    fields_of,
    parse_delivery,
    parse_event,
)

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "doc_samples"
EVENT_SAMPLES = sorted(SAMPLES.glob("event-*.json"))

KINDS = {
    "NewState": m.NewState,
    "ExtenAdded": m.ExtenChanged,
    "ExtenRemoved": m.ExtenChanged,
    "IncomingCall": m.IncomingCall,
    "OutgoingCall": m.OutgoingCall,
    "Cdr": m.CdrEvent,
    "CdrQueue": m.CdrQueue,
    "Transfer": m.Transfer,
    "Survey": m.Survey,
    "VoiceMail": m.VoiceMail,
    "VoiceMailEmail": m.VoiceMail,
    "IncomingFax": m.Fax,
    "OutgoingFax": m.Fax,
    "AutoDialerReport": m.AutoDialerReport,
    "ReservedCallInFront": m.ReservedCallInFront,
}


def sample(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / name).read_text())["request"]
    return data


def test_every_event_sample_is_here() -> None:
    assert len(EVENT_SAMPLES) == 23


@pytest.mark.parametrize("path", EVENT_SAMPLES, ids=lambda p: p.stem)
def test_every_documented_sample_parses_to_its_kind(path: Path) -> None:
    doc = json.loads(path.read_text())
    event = parse_event(doc["request"])
    assert event.name == doc["event"]
    assert isinstance(event, KINDS[doc["event"]])
    expected_uid = doc["request"].get("unique_id")
    assert event.unique_id == expected_uid


def test_cdr_fields_typed_and_absent_fields_none() -> None:
    first = parse_event(sample("event-cdr-1.json"))
    assert isinstance(first, m.CdrEvent)
    assert first.starttime == datetime(2021, 1, 16, 6, 30, 37, 471398, tzinfo=UTC)
    assert first.disposition == Disposition.ANSWERED
    assert (first.billsec, first.wait, first.duration) == (9, 11, None)
    assert first.record == "20210116_1610778618.378.mp3"
    second = parse_event(sample("event-cdr-2.json"))
    assert isinstance(second, m.CdrEvent)
    assert second.record is None and second.billsec is None  # absent, not ""
    assert second.disposition == Disposition.NO_ANSWER


def test_new_state_and_queue_numbers_as_strings() -> None:
    state = parse_event(sample("event-new_state-2.json"))
    assert isinstance(state, m.NewState)
    assert (state.exten, state.state, state.participant, state.direction, state.queue) == (
        "991",
        m.ExtenState.IN_USE,
        "992",
        "out",
        "902",
    )
    idle = parse_event(sample("event-new_state-1.json"))
    assert isinstance(idle, m.NewState) and idle.participant is None and idle.dialer is None
    queue = parse_event(sample("event-cdr_queue.json"))
    assert isinstance(queue, m.CdrQueue)
    assert (queue.billsec, queue.agent_wait) == (31, 3)
    assert queue.detail[0].tries == 1 and queue.detail[0].comment is None


def test_autodialer_report_without_a_name_is_recognised() -> None:
    report = parse_event(sample("event-AutoDialerReport.json"))
    assert isinstance(report, m.AutoDialerReport)
    assert (report.try_count, report.repeat) == (1, 27)
    assert report.end == datetime(2023, 2, 10, 19, 9, tzinfo=UTC)
    assert report.tries[0].cause_text == "Normal Clearing"


@pytest.mark.parametrize("spelling", ["Cdr", "CDR", "cdr", "cDr"])
def test_name_in_any_case(spelling: str) -> None:
    event = parse_event({**sample("event-cdr-1.json"), "event_name": spelling})
    assert event.name == "Cdr"


def test_leniencies() -> None:
    assert canonical_name("cdr_queue") == "CdrQueue" and canonical_name("NEWSTATE") == "NewState"
    by_cuid = parse_event({"event_name": "NewState", "exten": "557", "state": "ringing", "cuid": "1.2"})
    assert by_cuid.unique_id == "1.2"
    assert isinstance(by_cuid, m.NewState) and by_cuid.state is m.ExtenState.RINGING
    survey = parse_event({"event": "survey", "point": "5"})
    assert isinstance(survey, m.Survey) and survey.point == 5
    transfer = parse_event({"event_name": "Transfer", "transfer": "993"})
    assert isinstance(transfer, m.Transfer) and transfer.transferer == "993"
    dialing = parse_event({"event_name": "NewState", "exten": "1", "state": "InUse", "dialing": "yes"})
    assert isinstance(dialing, m.NewState) and dialing.dialer is True
    empty = parse_event({"event_name": "Cdr", "record": "", "billsec": ""})
    assert isinstance(empty, m.CdrEvent) and empty.record is None and empty.billsec is None
    trunk = parse_event({"event_name": "TrunkNewState", "date": 1675683148.9241338, "state": "Ok"})
    assert isinstance(trunk, m.TrunkEvent) and trunk.date is not None and trunk.date.year == 2023
    mail = parse_event(sample("event-voicemail_email-1.json"))
    assert isinstance(mail, m.VoiceMail) and mail.active is True and mail.attached_file is False
    other = parse_event({"event_name": "SomethingNew", "x": "1"})
    assert isinstance(other, m.OtherEvent) and other.fields == (("event_name", "SomethingNew"), ("x", "1"))


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({}, NO_NAME),
        ({"exten": "1"}, NO_NAME),
        ({"event_name": "NewState", "state": "Idle"}, BAD_FIELD),
        ({"event_name": "NewState", "exten": "1", "state": "Dancing"}, BAD_FIELD),
        ({"event_name": "Cdr", "billsec": "nine"}, BAD_FIELD),
        ({"event_name": "Cdr", "starttime": "yesterday"}, BAD_FIELD),
        ({"event_name": "CdrQueue", "detail": "[1,2]"}, BAD_FIELD),
        ({"event_name": "VoiceMailEmail", "active": "perhaps"}, BAD_FIELD),
    ],
)
def test_bad_fields_are_refused_with_a_reason(fields: dict[str, Any], reason: str) -> None:
    with pytest.raises(EventError) as caught:
        parse_event(fields)
    assert caught.value.reason == reason


# -- delivery styles ----------------------------------------------------------------------------


def _get_query(payload: dict[str, Any]) -> list[tuple[str, str]]:
    # As the simulator (and Simotel) send GET: strings as they are, anything else as JSON text.
    return [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in payload.items()]


@pytest.mark.parametrize("path", EVENT_SAMPLES, ids=lambda p: p.stem)
def test_every_style_gives_the_same_event(path: Path) -> None:
    doc = json.loads(path.read_text())
    payload = doc["request"]
    body = json.dumps(payload).encode()
    g4 = parse_delivery("POST", "/", [], "application/json", body)
    rest = parse_delivery("POST", f"/{doc['event'].lower()}", [], "application/json", body)
    get = parse_delivery("GET", "/", _get_query(payload), "", b"")
    rest_get = parse_delivery("GET", f"/{doc['event']}", _get_query(payload), "", b"")
    form = parse_delivery(
        "POST", "/", [], "application/x-www-form-urlencoded", urlencode(_get_query(payload)).encode()
    )
    packed = parse_delivery(
        "POST",
        "/",
        [],
        "application/x-www-form-urlencoded",
        urlencode({"api_data": json.dumps(payload)}).encode(),
    )
    if isinstance(g4, m.OtherEvent):  # kept fields are text in every style
        return
    assert g4 == rest == get == rest_get == form == packed


def test_rest_path_names_an_event_whose_body_does_not() -> None:
    event = parse_delivery("POST", "/call/NEWSTATE", [], "application/json", b'{"exten":"5","state":"Idle"}')
    assert isinstance(event, m.NewState) and event.exten == "5"


def test_form_without_content_type() -> None:
    event = parse_delivery("POST", "/", [], "", b"event_name=Ping")
    assert isinstance(event, m.Ping)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", BAD_JSON),
        (b"[1,2,3]", BAD_JSON),
        (b'{"event_name":', BAD_JSON),
        (b"[" * 5000 + b"]" * 5000, BAD_JSON),
        (b'{"a":' * 20 + b"1" + b"}" * 20, TOO_DEEP),
    ],
)
def test_bodies_that_are_not_events(body: bytes, reason: str) -> None:
    with pytest.raises(EventError) as caught:
        fields_of("POST", "/", [], "application/json", body)
    assert caught.value.reason == reason


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from([*m.EVENT_NAMES, "cdr", "NEWSTATE", "x"]),
    fields=st.dictionaries(
        st.sampled_from(
            [
                "exten",
                "state",
                "unique_id",
                "billsec",
                "starttime",
                "detail",
                "tries",
                "active",
                "date",
                "point",
            ]
        ),
        json_values,
        max_size=6,
    ),
)
def test_any_payload_parses_or_is_refused_with_a_reason(name: str, fields: dict[str, Any]) -> None:
    try:
        event = parse_event({"event_name": name, **fields})
    except EventError as error:
        assert error.reason in (BAD_FIELD, NO_NAME)
    else:
        assert isinstance(event, m.Event)


@settings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=200), content_type=st.sampled_from(["", "application/json", "text/plain"]))
def test_any_body_is_read_or_refused(body: bytes, content_type: str) -> None:
    try:
        parse_delivery("POST", "/", [], content_type, body)
    except EventError:
        pass
