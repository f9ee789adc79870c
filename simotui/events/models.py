"""Simotel's pushed events (reference §7) as typed, frozen models; no IO, no server, no Textual.

One class per documented event. Every field but the name is optional (§7.1: a field without a
value is left out), so an absent field is ``None`` — never ``""``. Times are aware UTC datetimes
(the payloads' Gregorian UTC strings with microseconds; the trunk events' float epochs). The
receiver builds these with :func:`simotui.events.parse.parse_event`; nothing else reads raw
payloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from simotui.api.models import Disposition


class ExtenState(StrEnum):
    """An extension's state as NewState reports it (§7.2)."""

    IDLE = "Idle"
    RINGING = "Ringing"
    IN_USE = "InUse"
    PAUSE = "Pause"
    UNAVAILABLE = "Unavailable"


@dataclass(frozen=True, slots=True)
class Event:
    """What every event has: its canonical name and, for call events, the call's id."""

    name: str
    unique_id: str | None = None
    """``unique_id`` (or the tables' ``cuid``): the PBX's id of the call, when the event has one."""

    @property
    def at(self) -> datetime | None:
        """The moment the event itself names, if it carries one."""
        return None


@dataclass(frozen=True, slots=True)
class NewState(Event):
    """An extension changed state."""

    exten: str = ""
    state: ExtenState = ExtenState.UNAVAILABLE
    participant: str | None = None
    direction: str | None = None
    """``in`` or ``out``."""
    queue: str | None = None
    dialer: bool | None = None
    """Whether the extension is the one dialling out (sent with InUse)."""


@dataclass(frozen=True, slots=True)
class ExtenChanged(Event):
    """ExtenAdded or ExtenRemoved: a user was created or deleted (``name`` says which)."""

    exten: str = ""
    state: ExtenState | None = None


@dataclass(frozen=True, slots=True)
class IncomingCall(Event):
    """A call entered the PBX through a trunk (``entry_point``)."""

    number: str | None = None
    entry_point: str | None = None
    originated_call_id: str | None = None


@dataclass(frozen=True, slots=True)
class OutgoingCall(Event):
    """A call leg left the PBX through a trunk (``outgoing_point``)."""

    number: str | None = None
    outgoing_point: str | None = None
    originated_call_id: str | None = None


@dataclass(frozen=True, slots=True)
class CdrEvent(Event):
    """A call ended (``Cdr``)."""

    starttime: datetime | None = None
    endtime: datetime | None = None
    src: str | None = None
    dst: str | None = None
    type: str | None = None
    disposition: Disposition | None = None
    duration: int | None = None
    billsec: int | None = None
    wait: int | None = None
    record: str | None = None
    entry_point: str | None = None
    outgoing_point: str | None = None
    originated_call_id: str | None = None
    poll_point: int | None = None
    poll_label: str | None = None
    """``poll_lable`` in the table (sic); either spelling is read."""

    @property
    def at(self) -> datetime | None:
        return self.endtime


@dataclass(frozen=True, slots=True)
class QueueTry:
    """One agent try of a CdrQueue's ``detail``."""

    src: str | None = None
    dst: str | None = None
    billsec: int | None = None
    wait: int | None = None
    disposition: Disposition | None = None
    comment: str | None = None
    tries: int | None = None


@dataclass(frozen=True, slots=True)
class CdrQueue(Event):
    """A queued caller was connected to an agent (numbers arrive as strings, §7.2)."""

    src: str | None = None
    dst: str | None = None
    queue: str | None = None
    billsec: int | None = None
    wait: int | None = None
    duration: int | None = None
    agent_wait: int | None = None
    disposition: Disposition | None = None
    hangup: str | None = None
    queue_status: str | None = None
    comment: str | None = None
    record: str | None = None
    answeredtime: datetime | None = None
    ringtime: datetime | None = None
    starttime: datetime | None = None
    endtime: datetime | None = None
    originated_call_id: str | None = None
    detail: tuple[QueueTry, ...] = ()

    @property
    def at(self) -> datetime | None:
        return self.endtime


@dataclass(frozen=True, slots=True)
class Transfer(Event):
    """A call was transferred (``transferer``, or the table's ``transfer``)."""

    transferer: str | None = None
    transferred_from: str | None = None
    transferred_to: str | None = None


@dataclass(frozen=True, slots=True)
class Survey(Event):
    """A caller rated a call in a Poll component (named with ``event``, §7.2)."""

    src: str | None = None
    dst: str | None = None
    queue: str | None = None
    date: datetime | None = None
    point: int | None = None
    label: str | None = None

    @property
    def at(self) -> datetime | None:
        return self.date


@dataclass(frozen=True, slots=True)
class VoiceMail(Event):
    """VoiceMail or VoiceMailEmail (``name`` says which)."""

    id: str | None = None
    number: str | None = None
    state: str | None = None
    date: datetime | None = None
    message: str | None = None
    caller: str | None = None
    filename: str | None = None
    duration: int | None = None
    receiver: str | None = None
    active: bool | None = None
    attached_file: bool | None = None

    @property
    def at(self) -> datetime | None:
        return self.date


@dataclass(frozen=True, slots=True)
class Fax(Event):
    """IncomingFax or OutgoingFax (``name`` says which); the fax's status words stay as sent."""

    fax_id: str | None = None
    entry_point: str | None = None
    src: str | None = None
    dst: str | None = None
    state: str | None = None
    date: datetime | None = None
    status: str | None = None
    """``FAXSTATUS`` of the ``description`` (incoming) or ``info`` (outgoing) object."""

    @property
    def at(self) -> datetime | None:
        return self.date


@dataclass(frozen=True, slots=True)
class TrunkEvent(Event):
    """TrunkNewState, TrunkAdded or TrunkRemoved (``name`` says which); dates are float epochs."""

    trunk_name: str | None = None
    trunk_type: str | None = None
    state: str | None = None
    """``Unavailable``, ``Deactivate`` or ``Ok``."""
    last_time: datetime | None = None
    date: datetime | None = None

    @property
    def at(self) -> datetime | None:
        return self.date


@dataclass(frozen=True, slots=True)
class AutoDialerTry:
    """One try of an AutoDialerReport's ``tries``."""

    cdr_id: str | None = None
    cause: str | None = None
    cause_text: str | None = None
    starttime: str | None = None
    """As sent: PBX-local, possibly a 12-hour clock without AM/PM (§7.2); not converted."""
    disposition: Disposition | None = None
    wait: int | None = None


@dataclass(frozen=True, slots=True)
class AutoDialerReport(Event):
    """A campaign number's report row was written or updated."""

    campaign_id: str | None = None
    campaign: str | None = None
    interface_context: str | None = None
    interface_text: str | None = None
    number: str | None = None
    disposition: Disposition | None = None
    try_count: int | None = None
    repeat: int | None = None
    billsec: int | None = None
    wait: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    tries: tuple[AutoDialerTry, ...] = ()


@dataclass(frozen=True, slots=True)
class ReservedCallInFront(Event):
    """A call joined a queue with call reservation."""

    queue_name: str | None = None
    caller_id: str | None = None
    date: datetime | None = None

    @property
    def at(self) -> datetime | None:
        return self.date


@dataclass(frozen=True, slots=True)
class Ping(Event):
    """``setting/ping/act`` was called (payload undocumented, §7.3)."""


@dataclass(frozen=True, slots=True)
class OtherEvent(Event):
    """An event with a name simotui does not model: accepted and counted, its fields kept."""

    fields: tuple[tuple[str, str], ...] = ()


#: Every event name simotui models, canonical spelling.
EVENT_NAMES = (
    "NewState",
    "ExtenAdded",
    "ExtenRemoved",
    "IncomingCall",
    "OutgoingCall",
    "Cdr",
    "CdrQueue",
    "Transfer",
    "Survey",
    "VoiceMail",
    "VoiceMailEmail",
    "IncomingFax",
    "OutgoingFax",
    "TrunkNewState",
    "TrunkAdded",
    "TrunkRemoved",
    "AutoDialerReport",
    "ReservedCallInFront",
    "Ping",
)
