"""Reading one delivery of a pushed event into a typed model (§7.1, §7.2); pure, no server.

Two steps, each with its own failure (:class:`EventError`, whose ``reason`` the receiver counts):

1. :func:`fields_of` — a request's fields, in every style Simotel delivers them: G4 POST (a JSON
   body naming itself with ``event_name``), Rest4 POST (``<url>/<Event>``, the name in the path,
   any case), GET (query parameters; a nested list or object arrives as JSON text), and the
   legacy v2/v3 form bodies (fields, or JSON in an ``api_data`` field as the PHP SDK reads it).
   Query parameters are merged under the body.
2. :func:`parse_event` — those fields as one of :mod:`simotui.events.models`.

Lenient where real deliveries differ from the documentation: the name in any case (``CDR``,
``Cdr``, ``cdr_queue``), in ``event_name``, ``event`` (Survey) or the Rest path; ``unique_id`` or
``cuid``; ``transferer`` or ``transfer``; ``dialer`` or ``dialing``; ``poll_lable`` or
``poll_label``; numbers as integers or digit strings; booleans as ``yes``/``true``/``True``;
a field sent empty is absent. Strict where a value is there but cannot mean anything: a count
that is not a number, a time that is not a time, an extension state not in the reference.
Where the reference is silent: an AutoDialerReport is recognised without a name by its
``campaign_id`` and ``tries`` (its sample has none); a name simotui does not model becomes an
:class:`~simotui.events.models.OtherEvent` (accepted), a delivery with no name at all is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from simotui.api.models import Disposition
from simotui.events import models as m
from simotui.hardening import MAX_DEPTH, json_depth

T = TypeVar("T")

BAD_JSON = "body is not a JSON object"
TOO_DEEP = "JSON nested too deep"
NO_NAME = "no event name"
BAD_FIELD = "bad field"


class EventError(ValueError):
    """A delivery that is not an event; ``reason`` is the short word it is counted under."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def _squash(name: str) -> str:
    return name.replace("_", "").replace("-", "").replace(" ", "").lower()


_CANONICAL = {_squash(name): name for name in m.EVENT_NAMES}
_CANONICAL.update({"extenremove": "ExtenRemoved", "extendelete": "ExtenRemoved", "cdrs": "Cdr"})


def canonical_name(text: str) -> str | None:
    """``CDR``/``cdr``/``Cdr`` → ``Cdr``; None for a name simotui does not model."""
    return _CANONICAL.get(_squash(text))


# -- step 1: the fields of a request ----------------------------------------------------------


def _json_object(text: str) -> dict[str, Any]:
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        raise EventError(BAD_JSON) from None
    if not isinstance(parsed, dict):
        raise EventError(BAD_JSON)
    if json_depth(parsed, MAX_DEPTH) > MAX_DEPTH:
        raise EventError(TOO_DEEP)
    return parsed


def _form(text: str) -> dict[str, Any]:
    fields: dict[str, Any] = dict(parse_qsl(text, keep_blank_values=True))
    packed = fields.get("api_data")
    if isinstance(packed, str) and packed.strip().startswith("{"):
        return _json_object(packed)
    return fields


def fields_of(
    method: str, path: str, query: Iterable[tuple[str, str]], content_type: str, body: bytes
) -> tuple[dict[str, Any], str | None]:
    """A delivery's fields and the event name its path gives (Rest style), if any.

    ``path`` is the part of the URL path after the receiver's own base (``/NewState`` or ``/``).

    Raises:
        EventError: the body is neither JSON, nor form fields, nor empty.
    """
    fields: dict[str, Any] = dict(query)
    text = body.decode("utf-8", errors="replace").strip()
    if method.upper() != "GET" and text:
        media = content_type.split(";", 1)[0].strip().lower()
        if media == "application/x-www-form-urlencoded" or (
            media in ("", "text/plain") and not text.startswith("{") and "=" in text
        ):
            fields.update(_form(text))
        else:
            fields.update(_json_object(text))
    segment = path.rstrip("/").rpartition("/")[2].strip()
    return fields, segment or None


# -- step 2: the event ------------------------------------------------------------------------


def _text(fields: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = fields.get(key)
        if value is None or isinstance(value, dict | list):
            continue
        if isinstance(value, bool):
            return "yes" if value else "no"
        text = str(value).strip()
        if text:
            return text
    return None


def _int(fields: Mapping[str, Any], key: str) -> int | None:
    value = fields.get(key)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if number.is_integer():
            return int(number)
        raise EventError(BAD_FIELD, f"{key} is not a whole number") from None


_TRUE = frozenset({"yes", "true", "1", "y", "on"})
_FALSE = frozenset({"no", "false", "0", "n", "off"})


def _bool(fields: Mapping[str, Any], *keys: str) -> bool | None:
    for key in keys:
        value = fields.get(key)
        if isinstance(value, bool):
            return value
        text = _text(fields, key)
        if text is None:
            continue
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise EventError(BAD_FIELD, f"{key} is not yes or no")
    return None


_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S")


def _time(fields: Mapping[str, Any], *keys: str) -> datetime | None:
    """A Gregorian UTC time (§7.1), or a float epoch (the trunk events)."""
    for key in keys:
        value = fields.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                return datetime.fromtimestamp(float(value), UTC)
            except (OverflowError, OSError, ValueError):
                raise EventError(BAD_FIELD, f"{key} is not a time") from None
        text = _text(fields, key)
        if text is None:
            continue
        for fmt in _TIME_FORMATS:
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=UTC)
            except ValueError:
                continue
        try:
            return datetime.fromtimestamp(float(text), UTC)
        except (OverflowError, OSError, ValueError):
            raise EventError(BAD_FIELD, f"{key} is not a time") from None
    return None


def _disposition(fields: Mapping[str, Any], key: str = "disposition") -> Disposition | None:
    text = _text(fields, key)
    return Disposition.parse(text) if text is not None else None


def _nested(fields: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """A list of objects, sent as JSON or (GET) as JSON text."""
    value = fields.get(key)
    if isinstance(value, str) and value.strip():
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise EventError(BAD_FIELD, f"{key} is not a list") from None
    if value is None or value == "":
        return []
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise EventError(BAD_FIELD, f"{key} is not a list of objects")
    return value


def _object(fields: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = fields.get(key)
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return {}
    return value if isinstance(value, dict) else {}


_STATES = {state.value.lower(): state for state in m.ExtenState}
_STATES.update({"inuse": m.ExtenState.IN_USE, "in use": m.ExtenState.IN_USE, "busy": m.ExtenState.IN_USE})


def _state(fields: Mapping[str, Any], *, required: bool) -> m.ExtenState | None:
    text = _text(fields, "state")
    if text is None:
        if required:
            raise EventError(BAD_FIELD, "state is missing")
        return None
    state = _STATES.get(text.lower())
    if state is None:
        raise EventError(BAD_FIELD, f"state {text[:20]!r} is not an extension state")
    return state


def _uid(fields: Mapping[str, Any]) -> str | None:
    return _text(fields, "unique_id", "cuid", "uniqueid")


def _new_state(name: str, f: Mapping[str, Any]) -> m.Event:
    exten = _text(f, "exten", "number")
    if exten is None:
        raise EventError(BAD_FIELD, "exten is missing")
    return m.NewState(
        name,
        _uid(f),
        exten=exten,
        state=_state(f, required=True) or m.ExtenState.UNAVAILABLE,
        participant=_text(f, "participant"),
        direction=_text(f, "direction"),
        queue=_text(f, "queue"),
        dialer=_bool(f, "dialer", "dialing"),
    )


def _exten_changed(name: str, f: Mapping[str, Any]) -> m.Event:
    exten = _text(f, "exten", "number")
    if exten is None:
        raise EventError(BAD_FIELD, "exten is missing")
    return m.ExtenChanged(name, _uid(f), exten=exten, state=_state(f, required=False))


def _incoming(name: str, f: Mapping[str, Any]) -> m.Event:
    return m.IncomingCall(
        name,
        _uid(f),
        number=_text(f, "number"),
        entry_point=_text(f, "entry_point"),
        originated_call_id=_text(f, "originated_call_id"),
    )


def _outgoing(name: str, f: Mapping[str, Any]) -> m.Event:
    return m.OutgoingCall(
        name,
        _uid(f),
        number=_text(f, "number"),
        # The table calls it entry_point; the sample outgoing_point.
        outgoing_point=_text(f, "outgoing_point", "entry_point"),
        originated_call_id=_text(f, "originated_call_id"),
    )


def _cdr(name: str, f: Mapping[str, Any]) -> m.Event:
    return m.CdrEvent(
        name,
        _uid(f),
        starttime=_time(f, "starttime", "start_time"),
        endtime=_time(f, "endtime", "end_time"),
        src=_text(f, "src"),
        dst=_text(f, "dst"),
        type=_text(f, "type"),
        disposition=_disposition(f),
        duration=_int(f, "duration"),
        billsec=_int(f, "billsec"),
        wait=_int(f, "wait"),
        record=_text(f, "record"),
        entry_point=_text(f, "entry_point"),
        outgoing_point=_text(f, "outgoing_point"),
        originated_call_id=_text(f, "originated_call_id"),
        poll_point=_int(f, "poll_point"),
        poll_label=_text(f, "poll_label", "poll_lable"),
    )


def _cdr_queue(name: str, f: Mapping[str, Any]) -> m.Event:
    detail = tuple(
        m.QueueTry(
            src=_text(d, "src"),
            dst=_text(d, "dst"),
            billsec=_int(d, "billsec"),
            wait=_int(d, "wait"),
            disposition=_disposition(d),
            comment=_text(d, "comment"),
            tries=_int(d, "tries"),
        )
        for d in _nested(f, "detail")
    )
    return m.CdrQueue(
        name,
        _uid(f),
        src=_text(f, "src"),
        dst=_text(f, "dst"),
        queue=_text(f, "queue"),
        billsec=_int(f, "billsec"),
        wait=_int(f, "wait"),
        duration=_int(f, "duration"),
        agent_wait=_int(f, "agent_wait"),
        disposition=_disposition(f),
        hangup=_text(f, "hangup"),
        queue_status=_text(f, "queue_status"),
        comment=_text(f, "comment"),
        record=_text(f, "record"),
        answeredtime=_time(f, "answeredtime"),
        ringtime=_time(f, "ringtime"),
        starttime=_time(f, "starttime"),
        endtime=_time(f, "endtime"),
        originated_call_id=_text(f, "originated_call_id"),
        detail=detail,
    )


def _transfer(name: str, f: Mapping[str, Any]) -> m.Event:
    return m.Transfer(
        name,
        _uid(f),
        transferer=_text(f, "transferer", "transfer"),
        transferred_from=_text(f, "transferred_from"),
        transferred_to=_text(f, "transferred_to"),
    )


def _survey(name: str, f: Mapping[str, Any]) -> m.Event:
    return m.Survey(
        name,
        _uid(f),
        src=_text(f, "src"),
        dst=_text(f, "dst"),
        queue=_text(f, "queue"),
        date=_time(f, "date"),
        point=_int(f, "point"),
        label=_text(f, "label"),
    )


def _voicemail(name: str, f: Mapping[str, Any]) -> m.Event:
    return m.VoiceMail(
        name,
        _uid(f),
        id=_text(f, "id"),
        number=_text(f, "number"),
        state=_text(f, "state"),
        date=_time(f, "date"),
        message=_text(f, "message"),
        caller=_text(f, "caller"),
        filename=_text(f, "filename"),
        duration=_int(f, "duration"),
        receiver=_text(f, "receiver"),
        active=_bool(f, "active"),
        attached_file=_bool(f, "attached_file"),
    )


def _fax(name: str, f: Mapping[str, Any]) -> m.Event:
    info = _object(f, "description") or _object(f, "info")
    return m.Fax(
        name,
        _uid(f),
        fax_id=_text(f, "fax_id"),
        entry_point=_text(f, "entry_point"),
        src=_text(f, "src"),
        dst=_text(f, "dst"),
        state=_text(f, "state"),
        date=_time(f, "date"),
        status=_text(info, "FAXSTATUS"),
    )


def _trunk(name: str, f: Mapping[str, Any]) -> m.Event:
    return m.TrunkEvent(
        name,
        _uid(f),
        trunk_name=_text(f, "trunk_name"),
        trunk_type=_text(f, "trunk_type"),
        state=_text(f, "state"),
        last_time=_time(f, "last_time"),
        date=_time(f, "date"),
    )


def _autodialer(name: str, f: Mapping[str, Any]) -> m.Event:
    tries = tuple(
        m.AutoDialerTry(
            cdr_id=_text(t, "cdr_id"),
            cause=_text(t, "cause"),
            cause_text=_text(t, "cause-txt", "cause_txt"),
            starttime=_text(t, "starttime"),
            disposition=_disposition(t),
            wait=_int(t, "wait"),
        )
        for t in _nested(f, "tries")
    )
    return m.AutoDialerReport(
        name,
        _uid(f),
        campaign_id=_text(f, "campaign_id"),
        campaign=_text(f, "campaign"),
        interface_context=_text(f, "interface_context"),
        interface_text=_text(f, "interface_text"),
        number=_text(f, "number"),
        disposition=_disposition(f),
        try_count=_int(f, "try"),
        repeat=_int(f, "repeat"),
        billsec=_int(f, "billsec"),
        wait=_int(f, "wait"),
        start=_time(f, "start"),
        end=_time(f, "end"),
        tries=tries,
    )


def _reserved(name: str, f: Mapping[str, Any]) -> m.Event:
    return m.ReservedCallInFront(
        name,
        _uid(f),
        queue_name=_text(f, "queue_name"),
        caller_id=_text(f, "caller_id"),
        date=_time(f, "date"),
    )


def _ping(name: str, f: Mapping[str, Any]) -> m.Event:
    return m.Ping(name, _uid(f))


_BUILDERS: dict[str, Callable[[str, Mapping[str, Any]], m.Event]] = {
    "NewState": _new_state,
    "ExtenAdded": _exten_changed,
    "ExtenRemoved": _exten_changed,
    "IncomingCall": _incoming,
    "OutgoingCall": _outgoing,
    "Cdr": _cdr,
    "CdrQueue": _cdr_queue,
    "Transfer": _transfer,
    "Survey": _survey,
    "VoiceMail": _voicemail,
    "VoiceMailEmail": _voicemail,
    "IncomingFax": _fax,
    "OutgoingFax": _fax,
    "TrunkNewState": _trunk,
    "TrunkAdded": _trunk,
    "TrunkRemoved": _trunk,
    "AutoDialerReport": _autodialer,
    "ReservedCallInFront": _reserved,
    "Ping": _ping,
}


def event_name_of(fields: Mapping[str, Any], path_name: str | None = None) -> str:
    """The name the delivery gives itself: body (``event_name``, ``event``), then the Rest path
    (when its last part is an event's name).

    Raises:
        EventError: it names itself nowhere (and is not a nameless AutoDialerReport).
    """
    for key in ("event_name", "event"):
        text = _text(fields, key)
        if text:
            return text
    # The path's last part is a Rest name only when it is one: a G4 URL has a path of its own.
    if path_name and canonical_name(path_name) is not None:
        return path_name
    if "campaign_id" in fields and "tries" in fields:
        return "AutoDialerReport"
    raise EventError(NO_NAME)


def parse_event(fields: Mapping[str, Any], path_name: str | None = None) -> m.Event:
    """One delivery's fields as a typed event.

    Raises:
        EventError: no name, or a field that is there but cannot mean what it must.
    """
    raw = event_name_of(fields, path_name)
    name = canonical_name(raw)
    if name is None:
        kept = tuple(sorted((str(k), _text(fields, k) or "") for k in fields))[:50]
        return m.OtherEvent(raw[:60], _uid(fields), fields=kept)
    return _BUILDERS[name](name, fields)


def parse_delivery(
    method: str, path: str, query: Iterable[tuple[str, str]], content_type: str, body: bytes
) -> m.Event:
    """:func:`fields_of` then :func:`parse_event`."""
    fields, path_name = fields_of(method, path, query, content_type, body)
    return parse_event(fields, path_name)


def typed(event: m.Event, kind: type[T]) -> T | None:
    """``event`` if it is a ``kind``, else None (for readers that want one kind)."""
    return event if isinstance(event, kind) else None
