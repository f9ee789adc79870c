"""SimulatedPbx: the façade over one simulated Simotel's directory, reports and engines.

The PBX owns the data (directory, dialplan, report tables) and hands the moving parts to
one engine each: ``events`` (the virtual-time heap: ``now``, ``sync``, ``advance``),
``originate`` (``call/originate/act``), ``autodialer`` (campaigns), ``component_calls``
(dialplan API components asking a web service) and ``cdrs`` (the one CDR builder). Other
code and tests use this façade (``pbx.originate``, ``pbx.advance``, ``pbx.originated``,
``pbx.run_component_calls``, ``pbx.lock``, ``pbx.pinned``, ...); the engines are reachable
as ``pbx.events``, ``pbx.originate_engine``, ``pbx.autodialer`` and ``pbx.component_engine``.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from zoneinfo import ZoneInfo

import httpx

from simotui.sim.autodialer import Autodialer, CampaignAnswerHandler, CampaignRun, play_announcement
from simotui.sim.cdrs import CdrBuilder
from simotui.sim.clock import VirtualClock
from simotui.sim.component_calls import ComponentCalls
from simotui.sim.components import ComponentCall
from simotui.sim.config import SimConfig
from simotui.sim.events import EventHeap
from simotui.sim.ids import CallIdFactory, ObjectIdFactory, OriginateIdFactory
from simotui.sim.models import (
    AgentSession,
    Announcement,
    ApiComponent,
    AttemptInfo,
    AutodialerRoute,
    Campaign,
    CampaignReport,
    CdrRecord,
    Contact,
    Context,
    Fax,
    Group,
    InboxMessage,
    ListEntry,
    MusicOnHold,
    PbxAnnouncement,
    PollRecord,
    Queue,
    QueueStat,
    SoundFile,
    Trunk,
    TrunkManager,
    User,
    Voicemail,
)
from simotui.sim.originate import OriginatedCall, OriginateEngine
from simotui.sim.outcomes import DEFAULT_TIMEOUT, LegPlan, Outcome, plan_leg
from simotui.sim.rowcache import RowCache
from simotui.sim.tables import Table
from simotui.sim.webhooks import Webhooks, event_names


class SimulatedPbx:
    """A Simotel PBX in memory: directory, reports and the call engines on a virtual clock."""

    def __init__(self, config: SimConfig | None = None, clock: VirtualClock | None = None) -> None:
        """An empty PBX (``build_pbx`` seeds it); ``clock`` overrides the one built from config."""
        self.config = config or SimConfig()
        self.seed = self.config.seed
        self.tz = ZoneInfo(self.config.timezone)
        if clock is None:
            origin = self.config.start_time
            if origin is not None and origin.tzinfo is None:
                origin = origin.replace(tzinfo=self.tz)  # a naive origin is read as PBX-local
            start = origin.timestamp() if origin is not None else None
            clock = VirtualClock(start=start, speed=self.config.speed)
        self.clock = clock
        self.lock = threading.RLock()
        self.rng = random.Random(f"simotel-pbx|{self.seed}")
        self.object_ids = ObjectIdFactory(self.rng)
        self.call_ids = CallIdFactory(self.rng)
        self.originate_ids = OriginateIdFactory()
        """Issues originate ids; a control-plane reset hands it to the new PBX (ids stay unique)."""
        # directory
        self.users: dict[str, User] = {}
        self.trunks: dict[str, Trunk] = {}
        self.queues: dict[str, Queue] = {}
        self.contexts: dict[str, Context] = {}
        self.trunk_managers: dict[str, TrunkManager] = {}
        self.announcements: dict[str, Announcement] = {}
        self.groups: dict[str, Group] = {}
        self.campaigns: dict[str, Campaign] = {}
        self.contacts: dict[str, Contact] = {}
        self.music_on_hold: dict[str, MusicOnHold] = {}
        self.pbx_announcements: dict[str, PbxAnnouncement] = {}
        self.blacklist: dict[str, ListEntry] = {}
        self.whitelist: dict[str, ListEntry] = {}
        self.voicemails: dict[str, Voicemail] = {}
        self.files: dict[str, SoundFile] = {}
        """Files on the PBX by server-side name: uploads, and the seed's announcements and faxes."""
        self.upload_rng = random.Random(f"simotel-uploads|{self.seed}")
        """Draws the numbers in uploaded file names (apart from ``rng``, which ids and calls use)."""
        # reports
        # The big tables, whose rows never change once stored, keep search indexes (``tables``).
        self.cdrs: Table[CdrRecord] = Table(lambda r: r.starttime, lambda r: r.oid, indexed=True)
        self.queue_reports: Table[CdrRecord] = Table(lambda r: r.starttime, lambda r: r.oid, indexed=True)
        self.queue_stats: Table[QueueStat] = Table(lambda r: r.starttime, lambda r: r.oid, indexed=True)
        self.agent_sessions: Table[AgentSession] = Table(lambda r: r.start, lambda r: r.oid)
        self.open_agent_sessions: dict[tuple[str, str, str], AgentSession] = {}
        """Sessions still open, by (agent, queue number, ``inout``/``pause``)."""
        self.polls: Table[PollRecord] = Table(lambda r: r.date, lambda r: r.oid, indexed=True)
        self.campaign_reports: Table[CampaignReport] = Table(lambda r: r.date, lambda r: r.oid)
        self.reports_by_campaign: dict[str, list[CampaignReport]] = {}
        self.attempt_info: dict[str, AttemptInfo] = {}
        self.faxes: Table[Fax] = Table(lambda r: r.date, lambda r: r.oid)
        self.inbox: Table[InboxMessage] = Table(lambda r: r.date, lambda r: r.oid)
        self.recordings: dict[str, int] = {}
        """Recording file name -> talk seconds, for ``reports/audio/download``."""
        self.rendered = RowCache()
        """Report rows as each endpoint renders them, built once (``rowcache``)."""
        # dialplan: Autodialer Route components by context, API components by name
        self.autodialer_routes: dict[str, AutodialerRoute] = {}
        self.api_components: dict[str, ApiComponent] = {}
        self.campaign_answer_handler: CampaignAnswerHandler = play_announcement
        self.webhooks = Webhooks(self, event_names(self.config.events_only))
        """Simotel's pushed events (§7), emitted as the engines reach them (``webhooks``)."""
        self.pinned: dict[str, Outcome] = {}
        """Numbers whose dialled outcome is pinned (control plane), overriding ``outcomes``."""
        self.wakeup = threading.Event()
        """Set when whoever drives the PBX in the background should look again: an event was
        scheduled before all others, the clock changed, or a component call was queued."""
        self.clock.on_change(self.wakeup.set)
        # engines
        self.events = EventHeap(self.clock, self.lock, on_sooner=self.wakeup.set)
        self.cdr_builder = CdrBuilder(self)
        self.originate_engine = OriginateEngine(self, self.cdr_builder)
        self.autodialer = Autodialer(self)
        self.component_engine = ComponentCalls(self, self.cdr_builder)
        from simotui.sim.traffic import Traffic  # it draws numbers from scenarios, which imports us

        self.traffic = Traffic(self)
        """Background calls nobody placed through the API (``traffic``); started by ``build_pbx``."""

    # ------------------------------------------------------------------ time
    @property
    def now(self) -> float:
        """Virtual now: the time of the event being processed, else of the last sync."""
        return self.events.now

    def sync(self) -> float:
        """Process every event due by ``clock.now()``; returns that time."""
        return self.events.sync()

    def advance(self, seconds: float) -> float:
        """Move the clock forward ``seconds`` and process what became due (for tests)."""
        return self.events.advance(seconds)

    def advance_to(self, target: float) -> None:
        """Process, in time order, every scheduled event due at or before ``target``."""
        self.events.advance_to(target)

    def schedule(self, at: float, action: Callable[[], None]) -> None:
        """Run ``action`` when virtual time reaches ``at`` (ties run in scheduling order)."""
        self.events.schedule(at, action)

    def pending_events(self) -> int:
        """How many events are still scheduled."""
        return self.events.pending()

    def next_event_at(self) -> float | None:
        """Virtual time of the earliest scheduled event, if any."""
        return self.events.next_at()

    # ------------------------------------------------------------- directory
    @property
    def extensions(self) -> set[str]:
        """Numbers of all extensions."""
        return set(self.users)

    def find_trunk(self, name: str) -> Trunk | None:
        """A trunk by name, case-insensitively (the docs send both ``Cisco`` and ``cisco``)."""
        trunk = self.trunks.get(name)
        if trunk is not None:
            return trunk
        lowered = name.lower()
        for candidate in self.trunks.values():
            if candidate.name.lower() == lowered:
                return candidate
        return None

    def trunk_by_oid(self, oid: str) -> Trunk | None:
        """A trunk by ``_id``."""
        for trunk in self.trunks.values():
            if trunk.oid == oid:
                return trunk
        return None

    def new_oid(self, at: float | None = None) -> str:
        """A fresh ObjectId stamped with ``at`` (default: now)."""
        return self.object_ids.new(self.now if at is None else at)

    def blocked(self, number: str) -> bool:
        """Whether the PBX refuses to dial ``number``: blacklisted and not whitelisted."""
        listed = {entry.number for entry in self.blacklist.values()}
        if number not in listed:
            return False
        return number not in {entry.number for entry in self.whitelist.values()}

    def plan_leg(
        self, caller: str, callee: str, *, timeout: int = DEFAULT_TIMEOUT, call_limit: int | None = None
    ) -> LegPlan:
        """The fate of a leg that dials ``callee`` for ``caller``.

        A blacklisted ``callee`` (not also whitelisted) fails like an unreachable number, before
        pins and the outcome rules: the PBX never dials it.
        """
        if self.blacklist and self.blocked(callee):
            return LegPlan(Outcome.FAIL, 0, 0)
        return plan_leg(
            self.seed, caller, callee, self.users, timeout=timeout, call_limit=call_limit, pins=self.pinned
        )

    # --------------------------------------------------------------- storage
    def store_cdr(self, record: CdrRecord) -> None:
        """Insert a CDR row (its ``oid`` must already carry the insertion time)."""
        self.cdrs.add(record)
        if record.record:
            self.recordings[record.record] = record.billsec

    def recording_name(self, start: float, cuid: str) -> str:
        """``<YYYYMMDD>_<cuid>.<fmt>``, the Simotel recording file name (§4.3)."""
        return self.cdr_builder.recording_name(start, cuid)

    def store_queue_stat(self, row: QueueStat) -> None:
        """Insert a ``queue_stat`` row."""
        self.queue_stats.add(row)

    def store_queue_report(self, row: CdrRecord) -> None:
        """Insert a ``queue_report`` (agent try) row."""
        self.queue_reports.add(row)
        if row.record:
            self.recordings[row.record] = row.billsec

    def add_campaign_report(self, report: CampaignReport) -> None:
        """Store an autodialer report row and index it by campaign."""
        self.campaign_reports.add(report)
        self.reports_by_campaign.setdefault(report.campaign_id, []).append(report)

    # -------------------------------------------------------------- originate
    @property
    def originated(self) -> dict[str, OriginatedCall]:
        """Every originated call by its id (kept after it ends)."""
        return self.originate_engine.calls

    def originate(
        self,
        caller: str,
        callee: str,
        context: str,
        caller_id: str,
        trunk_name: str = "",
        timeout: int = DEFAULT_TIMEOUT,
        call_limit: int | None = None,
    ) -> str:
        """Queue a two-leg call and return its ``orig.call.<epoch>.<6 digits>`` id at once."""
        return self.originate_engine.originate(
            caller, callee, context, caller_id, trunk_name, timeout, call_limit
        )

    # -------------------------------------------------------------- campaigns
    @property
    def campaign_runs(self) -> dict[str, CampaignRun]:
        """The running campaigns' bookkeeping, by campaign id."""
        return self.autodialer.runs

    def add_campaign(self, campaign: Campaign) -> None:
        """Store a new campaign and schedule its start (it must carry its own ``oid``)."""
        self.autodialer.add(campaign)

    def update_campaign(self, oid: str, changes: dict[str, object]) -> None:
        """Apply field changes (a waiting campaign is rescheduled); raises ``OperationFailed``."""
        self.autodialer.update(oid, changes)

    def remove_campaign(self, oid: str) -> None:
        """Delete a campaign, cancelling its pending dials. Raises ``OperationFailed``."""
        self.autodialer.remove(oid)

    def campaign_numbers(self, campaign: Campaign) -> list[str]:
        """The campaign's numbers followed by its groups' numbers, without duplicates."""
        return self.autodialer.numbers(campaign)

    def on_campaign_answered(self, campaign: Campaign, number: str, answered_at: float) -> int:
        """Seam for what an answered campaign call does next; returns its billsec."""
        return self.campaign_answer_handler(self, campaign, number, answered_at)

    # ------------------------------------------------ API components (§5.8)
    @property
    def component_calls(self) -> list[ComponentCall]:
        """Every API component call, in the order the calls reached the component."""
        return self.component_engine.calls

    @property
    def component_ready(self) -> threading.Event:
        """Set when a component call is queued (wakes the server's ticker): ``wakeup``."""
        return self.wakeup

    def pending_component_calls(self) -> int:
        """Component calls queued or in flight (answers not applied yet)."""
        return self.component_engine.pending()

    def run_component_calls(self, client: httpx.Client | None = None) -> int:
        """Make every queued component call, outside the lock; returns how many were made."""
        return self.component_engine.run(client)
