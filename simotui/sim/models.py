"""Internal records of the simulated PBX: times are epoch seconds (UTC instants), never strings.

``render.py`` turns these into the per-endpoint JSON shapes; nothing here knows about JSON
quirks except which optional fields a Mongo document may simply lack (``None`` = absent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

#: One ``route[]`` step: (component type, component name, duration seconds, end time).
RouteStep = tuple[str, str, float, float]


@dataclass(slots=True)
class Detail:
    """One ``details[]`` entry of an originate row that covers retries."""

    date: float
    billsec: int
    status: str | None
    exten: str
    comment: str | None


@dataclass(slots=True)
class CdrRecord:
    """A stored CDR row (``type`` incoming/outgoing/local, or ``queue_report`` for agent tries)."""

    oid: str
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
    start: float
    answer: float | None
    duration: int
    billsec: int
    wait: int
    disposition: str
    sequence: int
    starttime: float
    endtime: float
    comment: str = ""
    amaflags: str = "DOCUMENTATION"
    accountcode: str = ""
    userfield: str = ""
    v: int = 2
    did: str | None = None
    entry_point: str | None = None
    outgoing_point: str | None = None
    originated_call_id: str | None = None
    details: list[Detail] | None = None
    route: list[RouteStep] | None = None
    hangup: str | None = None
    record: str | None = None
    # queue_report rows only
    qnum: str | None = None
    queue_id: str | None = None
    tries: int | None = None
    last_try: float | None = None
    dst_name: str | None = None


@dataclass(slots=True)
class QueueStat:
    """A ``queue_stat`` row: one caller's stay in a queue (``reports/queue/search``)."""

    oid: str
    cuid: str
    queue_id: str
    qnum: str
    src: str
    dst: str
    dst_name: str
    duration: int
    wait: int
    agent_wait: int
    billsec: int
    starttime: float
    endtime: float
    ringtime: float | None
    answeredtime: float | None
    queue_status: str
    """``""`` on old rows that never recorded one."""
    disposition: str
    hangup: str
    v: int = 2
    legacy: bool = False
    """A row of the older schema (the queue-ordered sample, 2020): no ``cuid``, ``queue_id``,
    ``dst_name``, ``hangup`` or ``v``."""


@dataclass(slots=True)
class AgentSession:
    """An agent log-in/log-out session row (``reports/agent/search``)."""

    oid: str
    exten: str
    qnum: str
    start: float
    end: float | None
    """``None`` while the session is open (the agent is still in the queue, or still paused)."""
    type: str = "inout"
    """``inout`` (in the queue) or ``pause`` (paused in it)."""

    @property
    def duration(self) -> int:
        """Session length in whole seconds (0 while open; see ``duration_at``)."""
        return int(self.end - self.start) if self.end is not None else 0

    def end_at(self, now: float) -> float:
        """The session's end, or ``now`` while it is open."""
        return self.end if self.end is not None else max(self.start, now)

    def duration_at(self, now: float) -> int:
        """Whole seconds from the start to the end (or to ``now`` while open)."""
        return int(self.end_at(now) - self.start)


@dataclass(slots=True)
class PollRecord:
    """A survey answer row (``reports/poll/search``)."""

    oid: str
    uniqueid: str
    src: str
    dst: str
    point: int
    label: str
    qnum: str
    date: float


@dataclass(slots=True)
class User:
    """A PBX extension (``pbx/users``)."""

    oid: str
    number: str
    name: str
    date: float
    context: str = "main_routing"
    active: str = "yes"
    call_record: str = "no"
    secret: str = ""
    mapped: bool = False
    queues: list[str] = field(default_factory=list)
    email: str = ""
    description: str = ""
    callgroup: str = "1"
    pickupgroup: str = "1"
    options: dict[str, Any] = field(default_factory=dict)
    """Fields an API client set (``pbx/users/add``/``update``) beyond the ones above, as sent."""


@dataclass(slots=True)
class Trunk:
    """A PBX SIP trunk (``pbx/trunks``); its secrets are returned unmasked, like Simotel does."""

    oid: str
    name: str
    host: str
    username: str
    secret: str
    date: float
    active: str = "yes"
    context: str = "from-pstn"
    description: str = ""
    did: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    """Fields an API client set (``pbx/trunks/add``/``update``), as sent (``register_string``...)."""


@dataclass(slots=True)
class Queue:
    """A PBX queue (``pbx/queues``)."""

    oid: str
    name: str
    number: str
    date: float
    members: list[str] = field(default_factory=list)
    """Agent numbers in the queue, in the order they joined."""
    strategy: str = "ringall"
    music: str = "default"
    timeout: str = "30"
    call_record: str = "yes"
    paused: set[str] = field(default_factory=set)
    """Members currently paused (``pbx/queues/pauseagent``)."""
    penalties: dict[str, str] = field(default_factory=dict)
    """Member -> ``penalty`` as sent to ``addagent``."""
    sources: dict[str, str] = field(default_factory=dict)
    """Member -> ``source`` (the extension it answers at) as sent to ``addagent``."""
    options: dict[str, Any] = field(default_factory=dict)
    """Fields an API client set (``pbx/queues/add``/``update``), as sent."""


@dataclass(slots=True)
class Context:
    """A dialplan context as far as originate needs it: its Outgoing Route and trunk, if any."""

    name: str
    outgoing_route: str | None
    trunk: str | None
    record_pstn: bool = False
    component: str | None = None
    """An API component the Outgoing Route leads every number into (instead of a trunk or an
    extension): an originate through this context asks that component where to go."""


#: What an Autodialer Route row leads to when it names no API component: the campaign's announcement.
ANNOUNCEMENT_OUTPUT = "Announcement"


@dataclass(slots=True)
class ApiComponent:
    """An Exten / Trunk / IVR / Smart API dialplan component and the web service it asks (§7.4)."""

    name: str
    """The component's own name in the dialplan, sent as ``app_name``."""
    kind: Literal["exten", "trunk", "ivr", "smart"] = "exten"
    url: str | None = field(default=None, repr=False)
    """The web service; ``None`` = not configured (every call through it fails). Kept out of
    ``repr`` because it may carry Basic credentials."""
    style: Literal["g", "rest"] = "g"
    """G sends to ``url`` itself; Rest appends the component type (``/ExtenAPI``...)."""
    method: Literal["POST", "GET"] = "POST"
    timeout: float = 1.0
    """Real seconds (``simotel.ini [client_api_service] client_api_caller_timeout``)."""
    context: str = "main_routing"
    """Where an answer naming a PSTN number is dialled (its Outgoing Route's trunk)."""
    cases: dict[str, str] = field(default_factory=dict)
    """IVR API / Smart API outputs: case -> the number that output dials."""

    @property
    def app_name(self) -> str:
        """What Simotel sends as ``app_name``: the component's own name (§7.4)."""
        return self.name


@dataclass(slots=True)
class AutodialerRoute:
    """An Autodialer Route dialplan component: answered campaign calls enter it by ``context``."""

    name: str
    context: str
    rows: list[tuple[str, str]]
    """(row text, output) in order; the text ``any`` matches every ``interface_text``."""

    def output_for(self, interface_text: str) -> str | None:
        """The output of the row whose text equals ``interface_text``, else of the first ``any`` row."""
        text = interface_text.strip()
        if text:
            for row_text, output in self.rows:
                if row_text == text:
                    return output
        for row_text, output in self.rows:
            if row_text == "any":
                return output
        return None


@dataclass(slots=True)
class TrunkManager:
    """An autodialer trunk manager (``autodialer/trunks``)."""

    oid: str
    title: str
    trunk_oid: str
    date: float
    status: str = "active"
    active_times: dict[str, list[str]] = field(default_factory=dict)
    capacity: str = "5"
    dial_interval: str = "1"
    wait_cache_length: str = "100"
    current_capacity: int = 0
    current_wait_cache_length: int = 0


@dataclass(slots=True)
class Announcement:
    """An autodialer announcement; ``file_data`` is ``None`` on records that predate that field."""

    oid: str
    name: str
    filename: str
    description: str
    date: float
    file_data: str | None = ""
    seconds: int = 10


@dataclass(slots=True)
class Group:
    """An autodialer number group."""

    oid: str
    name: str
    description: str
    numbers: list[str]
    date: float


@dataclass(slots=True)
class Campaign:
    """An autodialer campaign as stored (run-time bookkeeping lives in ``state.CampaignRun``)."""

    oid: str
    name: str
    trunk_manager_id: str
    interface_context: str
    interface_text: str
    numbers: list[str]
    groups: list[str]
    try_interval: str
    tries: str
    start: float
    end: float
    announcement: str
    description: str
    count: int
    date: float
    repeat: int = 1
    status: str = "waiting"
    hs: int | None = None
    finished: bool = False


@dataclass(slots=True)
class ReportTry:
    """One attempt in an autodialer report row's ``tries[]``."""

    cdr_id: str
    cause: str | None
    cause_txt: str | None
    starttime: float
    disposition: str
    wait: int


@dataclass(slots=True)
class AttemptInfo:
    """What ``autodialer/reports/info`` returns for a ``tries[].cdr_id``."""

    dcontext: str
    channel: str
    duration: int
    wait: int
    amaflags: str = "DOCUMENTATION"


@dataclass(slots=True)
class CampaignReport:
    """An autodialer report row: one (campaign run x number)."""

    oid: str
    campaign_id: str
    campaign: str
    window_start: float
    window_end: float
    date: float
    interface_context: str
    interface_text: str
    trunk_manager_id: str
    announcement: str
    number: str
    disposition: str
    repeat: int
    billsec: int
    wait: int
    tries: list[ReportTry] = field(default_factory=list)
    status: str = "in-process"
    input: str = ""

    @property
    def try_count(self) -> int:
        """Attempts made so far (the row's ``try``)."""
        return len(self.tries)


@dataclass(slots=True)
class SoundFile:
    """A file the PBX keeps: uploaded through an ``*/upload`` service, or part of the seed."""

    name: str
    """The server-side name the upload answered with (what ``add`` requests refer to)."""
    kind: Literal["announcement", "fax", "group", "autodialer-announcement", "music"]
    content: bytes
    content_type: str
    date: float
    seconds: int = 10
    """Playing time (audio), for announcements campaigns play."""
    numbers: list[str] = field(default_factory=list)
    """The numbers found in an uploaded group CSV."""


@dataclass(slots=True)
class MusicOnHold:
    """A music-on-hold class (``pbx/musiconholds/search``) and its files (name, bytes, date)."""

    oid: str
    name: str
    date: float
    path: str
    files: list[tuple[str, int, float]]


@dataclass(slots=True)
class PbxAnnouncement:
    """A PBX announcement (``pbx/announcements``): ``comment`` where the autodialer's say description."""

    oid: str
    name: str
    filename: str
    comment: str
    date: float


@dataclass(slots=True)
class ListEntry:
    """A black- or whitelist entry (``pbx/blacklists``, ``pbx/whitelists``)."""

    oid: str
    number: str
    comment: str
    date: float
    labels: list[str] = field(default_factory=list)
    """Whitelist labels (blacklist entries have none and render none)."""


@dataclass(slots=True)
class Fax:
    """An outgoing fax (``pbx/faxes``): ``SENDING`` until the PBX has tried it, then SENT or FAILED."""

    oid: str
    src: str
    dst: str
    ext: str
    trunk: str
    file: str
    description: str
    date: float
    status: str = "SENDING"
    type: str = "outbox"
    channel: str = ""


@dataclass(slots=True)
class Voicemail:
    """A voicemail box (``voicemails/voicemails``); ``flags`` are the yes/no options, as sent."""

    oid: str
    name: str
    number: str
    password: str
    email: str
    date: float
    flags: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class InboxMessage:
    """A voicemail left in a box (``voicemails/inbox/search``); no ``filename`` when not saved."""

    oid: str
    number: str
    caller_id: str
    voice_mail_id: str
    date: float
    filename: str | None
    duration: int
    read: bool = False
    v: int = 2


@dataclass(slots=True)
class Contact:
    """An autodialer contact (``autodialer/contacts``)."""

    oid: str
    name: str
    number: str
    description: str
    date: float
