"""Frozen models of what Simotel sends and receives, parsed at the boundary.

``from_api`` turns one JSON record into a model, normalising the quirks of reference §8 (calendars,
``$oid``/``$date``, numbers and booleans as strings, flag keys) and never deriving one field from
another (§8.9): what the server sent is what the model holds. ``raw`` keeps the record as sent, for
detail views. ``to_api`` renders a request body with the JSON types the documentation shows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from types import MappingProxyType
from typing import Any, ClassVar, Generic, TypeVar

from simotui.api.dates import format_request_time
from simotui.api.fields import RecordReader
from simotui.errors import RecordParseError

T = TypeVar("T")

_ORIGINATED_ID = re.compile(r"^orig\.call\.(\d+)\.(\d+)$")
_COMMENT_ID = re.compile(r"orig\.call\.\d+\.\d+")

# Keys of trunk records that carry credentials in clear text (reference §6.2): they are dropped
# from the kept raw record so no view, log or export can show them.
TRUNK_SECRET_KEYS = frozenset({"register_string", "more_options", "secret", "password"})


def _frozen(data: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(data))


def _without_flag_keys(data: Mapping[str, Any], *echoed: str | None) -> Mapping[str, Any]:
    """Drop the aggregation helpers (``"ANSWERED": 1``, ``"incoming": 1``; reference §8.6)."""
    flags = {key for key in echoed if key}
    return _frozen({k: v for k, v in data.items() if not (k in flags and v == 1)})


@dataclass(frozen=True, slots=True)
class Disposition:
    """A call outcome as the server wrote it; known values are constants, unknown ones are kept."""

    value: str

    ANSWERED: ClassVar[Disposition]
    NO_ANSWER: ClassVar[Disposition]
    BUSY: ClassVar[Disposition]
    FAILED: ClassVar[Disposition]
    CONGESTION: ClassVar[Disposition]
    LOST: ClassVar[Disposition]
    MISSED: ClassVar[Disposition]
    KNOWN: ClassVar[frozenset[str]] = frozenset(
        {"ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION", "LOST", "MISSED"}
    )

    @classmethod
    def parse(cls, text: str) -> Disposition:
        """Normalise case and spacing (webhook tables write ``No Answered``) into a disposition."""
        cleaned = " ".join(text.replace("_", " ").split()).upper()
        if cleaned in ("NO ANSWERED", "NOANSWER", "UNANSWERED"):
            cleaned = "NO ANSWER"
        if cleaned == "CONGESTED":
            cleaned = "CONGESTION"
        return cls(cleaned)

    @property
    def is_known(self) -> bool:
        """Whether simotui knows what this disposition means."""
        return self.value in self.KNOWN

    @property
    def is_answered(self) -> bool:
        """Whether the call was answered."""
        return self.value == "ANSWERED"

    def __str__(self) -> str:
        return self.value


Disposition.ANSWERED = Disposition("ANSWERED")
Disposition.NO_ANSWER = Disposition("NO ANSWER")
Disposition.BUSY = Disposition("BUSY")
Disposition.FAILED = Disposition("FAILED")
Disposition.CONGESTION = Disposition("CONGESTION")
Disposition.LOST = Disposition("LOST")
Disposition.MISSED = Disposition("MISSED")


def _disposition(reader: RecordReader, key: str = "disposition") -> Disposition | None:
    text = reader.optional_string(key)
    return Disposition.parse(text) if text and text.strip() else None


def originated_ids_in(comment: str) -> tuple[str, ...]:
    """The originate ids a CDR ``comment`` names (several, joined by ``". "``, on retried calls)."""
    return tuple(_COMMENT_ID.findall(comment))


# ---------------------------------------------------------------------------------------------
# Pages


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a paginated search: the records and the server's count of all matches."""

    records: tuple[T, ...]
    total: int
    start: int
    count: int
    sorting: Mapping[str, int]
    rejected: tuple[RecordParseError, ...] = ()
    """Records left out because they could not be read (only when asked to skip them)."""


@dataclass(frozen=True, slots=True)
class CursorPage(Generic[T]):
    """One step of an ordered cursor (``*/ordered/id``): rows after an id, and the id to go on from."""

    records: tuple[T, ...]
    last_id: str
    rejected: tuple[RecordParseError, ...] = ()
    """Records that could not be read (only when parsed with ``skip_bad``)."""


@dataclass(frozen=True, slots=True)
class Pagination:
    """The ``pagination`` block of a search request."""

    start: int = 0
    count: int = 20
    sorting: Mapping[str, int] = field(default_factory=dict)

    def to_api(self) -> dict[str, Any]:
        """Render as the documented request block (integers, ``{field: 1|-1}``)."""
        return {"start": self.start, "count": self.count, "sorting": dict(self.sorting)}


# ---------------------------------------------------------------------------------------------
# Calls and CDRs


@dataclass(frozen=True, slots=True)
class OriginateRequest:
    """A two-way call: Simotel rings ``caller`` first, then bridges ``callee`` (reference §3)."""

    caller: str
    callee: str
    context: str
    caller_id: str
    trunk_name: str = ""
    timeout: int | None = 30
    call_limit: int | None = None

    def to_api(self) -> dict[str, str]:
        """Render with every value as a string, as documented; unset optionals are left out."""
        body = {
            "caller": self.caller,
            "callee": self.callee,
            "context": self.context,
            "caller_id": self.caller_id,
            "trunk_name": self.trunk_name,
        }
        if self.timeout is not None:
            body["timeout"] = str(self.timeout)
        if self.call_limit is not None:
            body["call_limit"] = str(self.call_limit)
        return body


@dataclass(frozen=True, slots=True)
class OriginateResult:
    """The server's acceptance of an originate: the id the call's CDRs will carry."""

    originated_call_id: str
    accepted_epoch: int | None
    raw: Mapping[str, Any]

    @classmethod
    def from_api(cls, data: Any, tz: tzinfo) -> OriginateResult:
        """Parse ``data`` of the originate response."""
        reader = RecordReader("OriginateResult", data, tz)
        raw_id = reader.raw("originated_call_id")
        # The one id the call's CDRs will carry: anything but a non-empty string (a number, a
        # blank) cannot be matched to them, so the answer is unreadable, not an acceptance.
        if not isinstance(raw_id, str) or not raw_id.strip():
            raise reader.fail("originated_call_id", raw_id, "expected the call id as non-empty text")
        call_id = raw_id.strip()
        match = _ORIGINATED_ID.match(call_id)
        # The id format is documented but the id is opaque to us: accept others, just without epoch.
        epoch = int(match[1]) if match else None
        return cls(originated_call_id=call_id, accepted_epoch=epoch, raw=_frozen(reader.data))


@dataclass(frozen=True, slots=True)
class RouteStep:
    """One dialplan component a call went through (``route[]``), in order."""

    type: str
    name: str
    duration: float
    ended_at: datetime | None

    @classmethod
    def from_reader(cls, reader: RecordReader) -> RouteStep:
        """Parse one ``route[]`` item."""
        return cls(
            type=reader.string("type"),
            name=reader.string("name"),
            duration=reader.number("duration"),
            ended_at=reader.when("date"),
        )


@dataclass(frozen=True, slots=True)
class CdrDetail:
    """One ``details[]`` entry of an originate row with retries."""

    at: datetime | None
    billsec: int
    status: str | None
    exten: str
    comment: str

    @classmethod
    def from_reader(cls, reader: RecordReader) -> CdrDetail:
        """Parse one ``details[]`` item."""
        return cls(
            at=reader.when("date"),
            billsec=reader.integer("billsec"),
            status=reader.optional_string("status"),
            exten=reader.string("exten"),
            comment=reader.string("comment"),
        )


@dataclass(frozen=True, slots=True)
class Cdr:
    """One CDR row (reference §4.12). Several rows can share a ``cuid``; ``id`` is the row key."""

    id: str
    type: str
    cuid: str
    uniqueid: str
    clid: str
    src: str
    dst: str
    dcontext: str
    channel: str
    dstchannel: str
    lastapp: str
    lastdata: str
    start: datetime | None
    answer: datetime | None
    starttime: datetime | None
    endtime: datetime | None
    duration: int
    billsec: int
    wait: int
    disposition: Disposition | None
    amaflags: str
    accountcode: str
    userfield: str
    sequence: int | None
    comment: str
    originated_call_id: str | None
    did: str | None
    entry_point: str | None
    outgoing_point: str | None
    hangup: str | None
    record: str | None
    route: tuple[RouteStep, ...]
    details: tuple[CdrDetail, ...]
    queue_number: str | None
    queue_id: str | None
    tries: int | None
    last_try: datetime | None
    dst_name: str | None
    raw: Mapping[str, Any]

    @classmethod
    def from_api(cls, data: Any, tz: tzinfo) -> Cdr:
        """Parse one CDR record from any report endpoint."""
        r = RecordReader("Cdr", data, tz)
        return cls(
            id=r.object_id("_id"),
            type=r.string("type"),
            cuid=r.string("cuid"),
            uniqueid=r.string("uniqueid"),
            clid=r.string("clid"),
            src=r.string("src"),
            dst=r.string("dst"),
            dcontext=r.string("dcontext"),
            channel=r.string("channel"),
            dstchannel=r.string("dstchannel"),
            lastapp=r.string("lastapp"),
            lastdata=r.string("lastdata"),
            start=r.when("start"),
            answer=r.when("answer"),
            starttime=r.when("starttime"),
            endtime=r.when("endtime"),
            duration=r.integer("duration"),
            billsec=r.integer("billsec"),
            wait=r.integer("wait"),
            disposition=_disposition(r),
            amaflags=r.string("amaflags"),
            accountcode=r.string("accountcode"),
            userfield=r.string("userfield"),
            sequence=r.optional_integer("sequence"),
            comment=r.string("comment"),
            originated_call_id=r.optional_string("originated_call_id") or None,
            did=r.optional_string("did"),
            entry_point=r.optional_string("entry_point"),
            outgoing_point=r.optional_string("outgoing_point"),
            hangup=r.optional_string("hangup"),
            record=r.optional_string("record") or None,
            route=tuple(RouteStep.from_reader(step) for step in r.records("route")),
            details=tuple(CdrDetail.from_reader(item) for item in r.records("details")),
            queue_number=r.optional_string("qnum"),
            queue_id=r.optional_string("queue_id"),
            tries=r.optional_integer("tries"),
            last_try=r.when("last_try"),
            dst_name=r.optional_string("dst_name"),
            raw=_without_flag_keys(r.data, r.optional_string("disposition"), r.optional_string("type")),
        )

    @property
    def originated_call_ids(self) -> tuple[str, ...]:
        """Every originate id this row belongs to: its own field, then those its comment names."""
        ids = [self.originated_call_id] if self.originated_call_id else []
        ids.extend(i for i in originated_ids_in(self.comment) if i not in ids)
        return tuple(ids)

    @property
    def is_spool_failure(self) -> bool:
        """A failed originate or fax spool (``channel: OutgoingSpoolFailed``)."""
        return self.channel == "OutgoingSpoolFailed"


@dataclass(frozen=True, slots=True)
class CdrQuery:
    """Filters of a CDR or quick search (reference §4.1, §4.4).

    ``date_from``/``date_to`` are sent as Gregorian PBX-local minutes. When only ``cuid`` is
    given, ``date_range`` is sent as ``{}`` as the quick-search page requires.
    """

    date_from: datetime | None = None
    date_to: datetime | None = None
    src: str = ""
    dst: str = ""
    cuid: str = ""
    alike: bool = True

    def to_api(self, tz: tzinfo, pagination: Pagination) -> dict[str, Any]:
        """Render the documented request body."""
        date_range: dict[str, str] = {}
        if self.date_from is not None:
            date_range["from"] = format_request_time(self.date_from, tz)
        if self.date_to is not None:
            date_range["to"] = format_request_time(self.date_to, tz)
        return {
            "conditions": {"from": self.src, "to": self.dst, "cuid": self.cuid},
            "date_range": date_range,
            "pagination": pagination.to_api(),
            "alike": "true" if self.alike else "false",
        }


# ---------------------------------------------------------------------------------------------
# Autodialer


@dataclass(frozen=True, slots=True)
class CampaignRequest:
    """The body of ``autodialer/campaigns/add`` or ``update`` (reference §5.5)."""

    name: str
    trunk_manager_id: str
    numbers: Sequence[str] = ()
    groups: Sequence[str] = ()
    interface_context: str = ""
    interface_text: str = ""
    tries: int = 1
    try_interval: int = 600
    start: datetime | None = None
    end: datetime | None = None
    announcement: str = ""
    description: str = ""

    def to_api(self, tz: tzinfo, campaign_id: str | None = None) -> dict[str, Any]:
        """Render with counts as strings, dates as Gregorian PBX-local minutes, ``count`` as int."""
        body: dict[str, Any] = {}
        if campaign_id is not None:
            body["_id"] = campaign_id
        body.update(
            {
                "name": self.name,
                "trunk_manager_id": self.trunk_manager_id,
                "interface_context": self.interface_context,
                "interface_text": self.interface_text,
                "numbers": list(self.numbers),
                "groups": list(self.groups),
                "try_interval": str(self.try_interval),
                "try": str(self.tries),
                "announcement": self.announcement,
                "description": self.description,
                "count": len(self.numbers),
            }
        )
        if self.start is not None:
            body["start"] = format_request_time(self.start, tz)
        if self.end is not None:
            body["end"] = format_request_time(self.end, tz)
        return body


@dataclass(frozen=True, slots=True)
class Campaign:
    """A stored autodialer campaign (reference §5.5 search rows)."""

    id: str
    name: str
    trunk_manager_id: str
    interface_context: str
    interface_text: str
    numbers: tuple[str, ...]
    groups: tuple[str, ...]
    try_interval: int | None
    tries: int | None
    start: datetime | None
    end: datetime | None
    announcement: str
    description: str
    count: int | None
    repeat: int | None
    created: datetime | None
    status: str
    statistics: Mapping[str, Any] | None
    raw: Mapping[str, Any]

    @classmethod
    def from_api(cls, data: Any, tz: tzinfo) -> Campaign:
        """Parse one campaign search row."""
        r = RecordReader("Campaign", data, tz)
        stats = r.raw("statistics")
        if stats is not None and not isinstance(stats, Mapping):
            raise r.fail("statistics", stats, "expected an object")
        return cls(
            id=r.object_id("_id"),
            name=r.string("name"),
            trunk_manager_id=r.object_id("trunk_manager_id"),
            interface_context=r.string("interface_context"),
            interface_text=r.string("interface_text"),
            numbers=r.strings("numbers"),
            groups=r.strings("groups"),
            try_interval=r.optional_integer("try_interval"),
            tries=r.optional_integer("try"),
            start=r.when("start"),
            end=r.when("end"),
            announcement=r.object_id("announcement"),
            description=r.string("description"),
            count=r.optional_integer("count"),
            repeat=r.optional_integer("repeat"),
            created=r.when("date"),
            status=r.string("status"),
            statistics=_frozen(stats) if stats is not None else None,
            raw=_frozen(r.data),
        )


@dataclass(frozen=True, slots=True)
class CampaignTry:
    """One dialling attempt of a campaign number (``tries[]``)."""

    cdr_id: str
    cause: int | None
    cause_text: str | None
    started_at: datetime | None
    disposition: Disposition | None
    wait: int

    @classmethod
    def from_reader(cls, reader: RecordReader) -> CampaignTry:
        """Parse one ``tries[]`` item (``cause`` is a Q.850 code sent as a string)."""
        return cls(
            cdr_id=reader.object_id("cdr_id"),
            cause=reader.optional_integer("cause"),
            cause_text=reader.optional_string("cause-txt"),
            started_at=reader.when("starttime"),
            disposition=_disposition(reader),
            wait=reader.integer("wait"),
        )


@dataclass(frozen=True, slots=True)
class CampaignReportRow:
    """One autodialer report row: a number of a campaign run, with its tries (reference §5.6)."""

    id: str
    campaign_id: str
    campaign: str
    number: str
    disposition: Disposition | None
    status: str
    try_count: int
    repeat: int | None
    billsec: int
    wait: int
    dialled_at: datetime | None
    window_start: datetime | None
    window_end: datetime | None
    interface_context: str
    interface_text: str
    trunk_manager_id: str
    announcement: str
    input: str
    tries: tuple[CampaignTry, ...]
    raw: Mapping[str, Any]

    @classmethod
    def from_api(cls, data: Any, tz: tzinfo) -> CampaignReportRow:
        """Parse one autodialer report row."""
        r = RecordReader("CampaignReportRow", data, tz)
        return cls(
            id=r.object_id("_id"),
            campaign_id=r.object_id("campaign_id"),
            campaign=r.string("campaign"),
            number=r.string("number"),
            disposition=_disposition(r),
            status=r.string("status"),
            try_count=r.integer("try"),
            repeat=r.optional_integer("repeat"),
            billsec=r.integer("billsec"),
            wait=r.integer("wait"),
            dialled_at=r.when("date"),
            window_start=r.when("start"),
            window_end=r.when("end"),
            interface_context=r.string("interface_context"),
            interface_text=r.string("interface_text"),
            trunk_manager_id=r.object_id("trunk_manager_id"),
            announcement=r.object_id("announcement"),
            input=r.string("input"),
            tries=tuple(CampaignTry.from_reader(item) for item in r.records("tries")),
            raw=_without_flag_keys(r.data, r.optional_string("disposition")),
        )


@dataclass(frozen=True, slots=True)
class CampaignCallInfo:
    """``autodialer/reports/info``: the trimmed CDR of one campaign attempt (no ``cuid``)."""

    dcontext: str
    amaflags: str
    channel: str
    duration: int
    wait: int
    raw: Mapping[str, Any]

    @classmethod
    def from_api(cls, data: Any, tz: tzinfo) -> CampaignCallInfo:
        """Parse the info object."""
        r = RecordReader("CampaignCallInfo", data, tz)
        return cls(
            dcontext=r.string("dcontext"),
            amaflags=r.string("amaflags"),
            channel=r.string("channel"),
            duration=r.integer("duration"),
            wait=r.integer("wait"),
            raw=_frozen(r.data),
        )


@dataclass(frozen=True, slots=True)
class CampaignReportQuery:
    """Filters of ``autodialer/reports/search``; all optional (reference §5.6)."""

    campaign_id: str = ""
    number: str = ""
    disposition: str = ""
    date_from: datetime | None = None
    date_to: datetime | None = None
    alike: bool = True

    def to_api(self, tz: tzinfo, pagination: Pagination) -> dict[str, Any]:
        """Render the documented request body."""
        body: dict[str, Any] = {
            "alike": "true" if self.alike else "false",
            "pagination": pagination.to_api(),
            "conditions": {
                "disposition": self.disposition,
                "campaign_id": self.campaign_id,
                "number": self.number,
            },
        }
        if self.date_from is not None or self.date_to is not None:
            date_range: dict[str, str] = {}
            if self.date_from is not None:
                date_range["from"] = format_request_time(self.date_from, tz)
            if self.date_to is not None:
                date_range["to"] = format_request_time(self.date_to, tz)
            body["date_range"] = date_range
        return body


@dataclass(frozen=True, slots=True)
class TrunkManager:
    """An autodialer trunk manager (reference §5.4)."""

    id: str
    title: str
    trunk_id: str
    status: str
    active_times: Mapping[int, tuple[int, ...]]
    capacity: int | None
    dial_interval: int | None
    wait_cache_length: int | None
    current_capacity: int | None
    current_wait_cache_length: int | None
    created: datetime | None
    raw: Mapping[str, Any]

    @classmethod
    def from_api(cls, data: Any, tz: tzinfo) -> TrunkManager:
        """Parse one trunk-manager search row (weekday keys and hours are strings)."""
        r = RecordReader("TrunkManager", data, tz)
        times: dict[int, tuple[int, ...]] = {}
        hours_by_day = r.record("active_times")
        if hours_by_day is not None:
            for day in hours_by_day.data:
                try:
                    weekday = int(day)
                except ValueError:
                    raise hours_by_day.fail(day, day, "weekday key is not a number") from None
                values = hours_by_day.strings(day)
                hours: list[int] = []
                for index, hour in enumerate(values):
                    try:
                        hours.append(int(hour))
                    except ValueError:
                        raise hours_by_day.fail(f"{day}[{index}]", hour, "hour is not a number") from None
                times[weekday] = tuple(hours)
        return cls(
            id=r.object_id("_id"),
            title=r.string("title"),
            trunk_id=r.object_id("trunk_id"),
            status=r.string("status"),
            active_times=MappingProxyType(times),
            capacity=r.optional_integer("capacity"),
            dial_interval=r.optional_integer("dial_interval"),
            wait_cache_length=r.optional_integer("wait_cache_length"),
            current_capacity=r.optional_integer("current_capacity"),
            current_wait_cache_length=r.optional_integer("current_wait_cache_length"),
            created=r.when("date"),
            raw=_frozen(r.data),
        )

    @property
    def is_active(self) -> bool:
        """Whether the manager is switched on."""
        return self.status.lower() == "active"


@dataclass(frozen=True, slots=True)
class Announcement:
    """An autodialer announcement (audio played to an answering campaign number)."""

    id: str
    name: str
    filename: str
    description: str
    created: datetime | None
    raw: Mapping[str, Any]

    @classmethod
    def from_api(cls, data: Any, tz: tzinfo) -> Announcement:
        """Parse one announcement search row."""
        r = RecordReader("Announcement", data, tz)
        return cls(
            id=r.object_id("_id"),
            name=r.string("name"),
            filename=r.string("filename"),
            description=r.string("description"),
            created=r.when("date"),
            raw=_frozen(r.data),
        )


# ---------------------------------------------------------------------------------------------
# PBX directory


@dataclass(frozen=True, slots=True)
class User:
    """A PBX user (extension) as needed by a dial form (reference §6.1)."""

    id: str
    number: str
    name: str
    active: bool | None
    context: str
    user_type: str
    cid_number: str
    call_record: bool | None
    description: str
    queues: tuple[str, ...]
    created: datetime | None
    raw: Mapping[str, Any]

    @classmethod
    def from_api(cls, data: Any, tz: tzinfo) -> User:
        """Parse one users search row."""
        r = RecordReader("User", data, tz)
        return cls(
            id=r.object_id("_id"),
            number=r.string("number"),
            name=r.string("name"),
            active=r.flag("active"),
            context=r.string("context"),
            user_type=r.string("user_type"),
            cid_number=r.string("cid_number"),
            call_record=r.flag("call_record"),
            description=r.string("description"),
            queues=r.strings("queues"),
            created=r.when("date"),
            raw=_frozen(r.data),
        )


@dataclass(frozen=True, slots=True)
class Trunk:
    """A PBX trunk; its credential-bearing fields are not kept (reference §6.2)."""

    id: str
    name: str
    trunk_type: str
    active: bool | None
    context: str
    host: str
    port: int | None
    description: str
    created: datetime | None
    raw: Mapping[str, Any]

    @classmethod
    def from_api(cls, data: Any, tz: tzinfo) -> Trunk:
        """Parse one trunks search row, dropping the unmasked secrets from ``raw``."""
        r = RecordReader("Trunk", data, tz)
        redacted = {k: v for k, v in r.data.items() if k not in TRUNK_SECRET_KEYS}
        return cls(
            id=r.object_id("_id"),
            name=r.string("name"),
            trunk_type=r.string("trunk_type"),
            active=r.flag("active"),
            context=r.string("context"),
            host=r.string("host"),
            port=r.optional_integer("port"),
            description=r.string("description"),
            created=r.when("date"),
            raw=_frozen(redacted),
        )


@dataclass(frozen=True, slots=True)
class Queue:
    """A PBX queue (reference §6.3; every value arrives as a string)."""

    id: str
    name: str
    number: str
    strategy: str
    timeout: int | None
    call_record: bool | None
    music: str
    created: datetime | None
    raw: Mapping[str, Any]

    @classmethod
    def from_api(cls, data: Any, tz: tzinfo) -> Queue:
        """Parse one queues search row."""
        r = RecordReader("Queue", data, tz)
        return cls(
            id=r.object_id("_id"),
            name=r.string("name"),
            number=r.string("number"),
            strategy=r.string("strategy"),
            timeout=r.optional_integer("timeout"),
            call_record=r.flag("call_record"),
            music=r.string("music"),
            created=r.when("date"),
            raw=_frozen(r.data),
        )


@dataclass(frozen=True, slots=True)
class AgentSession:
    """One session of a queue agent (``reports/agent/search``, reference §4.10).

    ``inout`` is a membership (the agent was in the queue from ``start`` to ``end``); a session
    whose type names a pause is a pause. The reference documents only ``inout``: the API spelling
    of the UI's "Paused" type is unknown, so any type containing ``pause`` counts as one. A session
    still going on may have no ``end``, or end "now so far" (see :mod:`simotui.agents`).
    """

    id: str
    kind: str
    exten: str
    queue: str
    start: datetime | None
    end: datetime | None
    duration: int | None
    raw: Mapping[str, Any]

    @property
    def is_pause(self) -> bool:
        """Whether this session is a pause rather than a membership."""
        return "pause" in self.kind.lower()

    @classmethod
    def from_api(cls, data: Any, tz: tzinfo) -> AgentSession:
        """Parse one agent search row."""
        r = RecordReader("AgentSession", data, tz)
        return cls(
            id=r.object_id("_id"),
            kind=r.string("type"),
            exten=r.string("exten"),
            queue=r.string("qnum"),
            start=r.when("start"),
            end=r.when("end"),
            duration=r.optional_integer("duration"),
            raw=_frozen(r.data),
        )


__all__ = [
    "AgentSession",
    "Announcement",
    "Campaign",
    "CampaignCallInfo",
    "CampaignReportQuery",
    "CampaignReportRow",
    "CampaignRequest",
    "CampaignTry",
    "Cdr",
    "CdrDetail",
    "CdrQuery",
    "CursorPage",
    "Disposition",
    "OriginateRequest",
    "OriginateResult",
    "Page",
    "Pagination",
    "Queue",
    "RecordParseError",
    "RouteStep",
    "Trunk",
    "TrunkManager",
    "User",
    "originated_ids_in",
]
