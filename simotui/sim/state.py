"""SimulatedPbx: directory, virtual-time event heap, originate call engine and autodialer.

Nothing here runs in the background. Every change is an event on a heap keyed by virtual
time; ``sync()`` (called before each HTTP request, and by the server's ticker) processes, in
time order, every event due by ``clock.now()``. Handlers read the event's own time from
``self.now``, so a request that arrives after a long pause still stores rows stamped with
the right times.

The one outward call, an Exten API / Trunk API component asking a web service where to
send an answered campaign call (§5.8), is only queued by the event handlers: it must not be
made under ``lock`` (it would stall every request for up to its timeout).
``run_component_calls()`` (the ticker's job, or a test's) makes the queued calls outside the
lock and applies each answer under it, at the virtual time the answer arrived.
"""

from __future__ import annotations

import heapq
import itertools
import random
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import Protocol
from zoneinfo import ZoneInfo

import httpx

from simotui.sim.clock import VirtualClock
from simotui.sim.components import (
    APP_NAMES,
    ROUTE_STEPS,
    ComponentCall,
    ComponentReply,
    perform,
    redact,
    target_url,
)
from simotui.sim.config import SimConfig
from simotui.sim.dates import local, next_hour
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
    Context,
    Group,
    PollRecord,
    Queue,
    QueueStat,
    ReportTry,
    RouteStep,
    Trunk,
    TrunkManager,
    User,
)
from simotui.sim.outcomes import DEFAULT_TIMEOUT, LegPlan, Outcome, leg_rng, plan_leg
from simotui.sim.tables import Table

#: Seconds between the end of a campaign attempt and its report row becoming visible (§5.7).
REPORT_LAG = 2.0
#: How long the autodialer lets a campaign number ring before giving up.
CAMPAIGN_RING_TIMEOUT = 30
#: How long a failed originate spool takes to be written as an ``OutgoingSpoolFailed`` row.
SPOOL_FAIL_DELAY = 1.0
#: How long an answered campaign call stays up after its API component failed to route it.
COMPONENT_HANGUP_DELAY = 1.0
#: At most this many component calls run at once (Simotel asks for each call independently).
COMPONENT_WORKERS = 8

OK_MESSAGE = "Requested operation is done successfully"
FAILED_MESSAGE = "Requested operation failed"

CAUSES: dict[str, tuple[str | None, str | None]] = {
    "ANSWERED": ("16", "Normal Clearing"),
    "NO ANSWER": ("16", "Normal Clearing"),
    "BUSY": ("21", "Call Rejected"),
    "LOST": (None, None),
}


class OperationFailed(Exception):
    """A valid request whose operation failed: HTTP 200, ``success`` 0 and this message."""

    def __init__(self, message: str = FAILED_MESSAGE) -> None:
        """Carry the exact Simotel message."""
        super().__init__(message)
        self.message = message


def missing_field(name: str) -> OperationFailed:
    """The documented ``Field '<name>':value is missing`` failure."""
    return OperationFailed(f"Field '{name}':value is missing")


def is_pstn(number: str) -> bool:
    """A number that can only be reached through a trunk (digits, longer than an extension)."""
    return number.isdigit() and len(number) > 5


@dataclass
class OriginatedCall:
    """The live state of one ``call/originate/act`` request (kept after it ends, for tests)."""

    id: str
    caller: str
    callee: str
    context: str
    caller_id: str
    trunk_name: str
    timeout: int
    call_limit: int | None
    created: float
    cuid: str
    sequence: int
    state: str = "dialing-caller"
    """``dialing-caller`` → ``dialing-callee`` → ``talking`` → ``ended``."""
    result: str | None = None
    """Final disposition written to the CDR, or ``no-cdr:<why>`` when nothing was stored."""
    caller_answered_at: float | None = None
    callee_answered_at: float | None = None
    ended_at: float | None = None
    channel: str = ""
    dstchannel: str = ""
    cdr_id: str | None = None


class CampaignAnswerHandler(Protocol):
    """What happens after a campaign number answers; returns the talk time (billsec).

    The default plays the campaign's announcement. Calls whose ``interface_context`` and
    ``interface_text`` lead to an API component never reach the handler: they are bridged
    through that component's web service instead (``run_component_calls``).
    """

    def __call__(self, pbx: SimulatedPbx, campaign: Campaign, number: str, answered_at: float, /) -> int:
        """Handle the answered call and return its billsec."""
        ...


def play_announcement(pbx: SimulatedPbx, campaign: Campaign, number: str, answered_at: float) -> int:
    """Default campaign behaviour: play the announcement (about 10 s) and hang up."""
    ann = pbx.announcements.get(campaign.announcement)
    base = ann.seconds if ann is not None else 10
    rng = leg_rng(pbx.seed, f"announcement:{campaign.announcement}", number)
    return max(1, base + rng.randint(-2, 2))


@dataclass
class CampaignRun:
    """Bookkeeping of one running campaign."""

    campaign_id: str
    pending: deque[tuple[str, int]] = field(default_factory=deque)
    active: int = 0
    outstanding: int = 0
    tick_scheduled: bool = False
    reports: dict[str, CampaignReport] = field(default_factory=dict)


@dataclass(frozen=True)
class _Answered:
    """A campaign call whose first party answered into an API component."""

    campaign_id: str
    trunk_manager_id: str
    number: str
    attempt: int
    dialled_at: float
    answered_at: float
    wait: int
    channel: str
    repeat: int
    interface_text: str
    first_trunk: str | None
    """Trunk the first party was dialled through (the trunk manager's)."""
    route: AutodialerRoute
    component: ApiComponent


@dataclass
class _Bridge:
    """One component call in flight, with what is needed to finish the campaign attempt."""

    answered: _Answered
    call: ComponentCall
    component: ApiComponent
    """A copy taken when the call was queued, so later edits do not affect it."""
    sequence: int


@dataclass(frozen=True)
class _Attempt:
    campaign_id: str
    trunk_manager_id: str
    number: str
    attempt: int
    dialled_at: float
    ended_at: float
    disposition: str
    billsec: int
    wait: int
    channel: str
    repeat: int


class SimulatedPbx:
    """A Simotel PBX in memory: directory, reports and the call engine on a virtual clock."""

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
        # reports
        self.cdrs: Table[CdrRecord] = Table(lambda r: r.starttime, lambda r: r.oid)
        self.queue_reports: Table[CdrRecord] = Table(lambda r: r.starttime, lambda r: r.oid)
        self.queue_stats: Table[QueueStat] = Table(lambda r: r.starttime, lambda r: r.oid)
        self.agent_sessions: Table[AgentSession] = Table(lambda r: r.start, lambda r: r.oid)
        self.polls: Table[PollRecord] = Table(lambda r: r.date, lambda r: r.oid)
        self.campaign_reports: Table[CampaignReport] = Table(lambda r: r.date, lambda r: r.oid)
        self.reports_by_campaign: dict[str, list[CampaignReport]] = {}
        self.attempt_info: dict[str, AttemptInfo] = {}
        self.recordings: dict[str, int] = {}
        """Recording file name -> talk seconds, for ``reports/audio/download``."""
        # engine
        self.originated: dict[str, OriginatedCall] = {}
        self.campaign_runs: dict[str, CampaignRun] = {}
        self.campaign_answer_handler: CampaignAnswerHandler = play_announcement
        self.pinned: dict[str, Outcome] = {}
        """Numbers whose dialled outcome is pinned (control plane), overriding ``outcomes``."""
        # dialplan: Autodialer Route components by context, API components by name
        self.autodialer_routes: dict[str, AutodialerRoute] = {}
        self.api_components: dict[str, ApiComponent] = {}
        self.component_calls: list[ComponentCall] = []
        """Every API component call, in the order the calls reached the component."""
        self.component_ready = threading.Event()
        """Set when a component call is queued (wakes the server's ticker)."""
        self._component_queue: deque[_Bridge] = deque()
        self._components_in_flight = 0
        self._events: list[tuple[float, int, Callable[[], None]]] = []
        self._event_seq = itertools.count()
        self._start_tokens: dict[str, int] = {}
        self._now = float("-inf")

    # ------------------------------------------------------------------ time
    @property
    def now(self) -> float:
        """Virtual now: the time of the event being processed, else of the last sync."""
        return self._now if self._now != float("-inf") else self.clock.now()

    def sync(self) -> float:
        """Process every event due by ``clock.now()``; returns that time."""
        with self.lock:
            target = self.clock.now()
            self.advance_to(target)
            return target

    def advance(self, seconds: float) -> float:
        """Move the clock forward ``seconds`` and process what became due (for tests)."""
        with self.lock:
            self.clock.advance(seconds)
            return self.sync()

    def advance_to(self, target: float) -> None:
        """Process, in time order, every scheduled event due at or before ``target``."""
        with self.lock:
            while self._events and self._events[0][0] <= target:
                at, _, action = heapq.heappop(self._events)
                self._now = max(self._now, at)
                action()
            self._now = max(self._now, target)

    def schedule(self, at: float, action: Callable[[], None]) -> None:
        """Run ``action`` when virtual time reaches ``at`` (ties run in scheduling order)."""
        heapq.heappush(self._events, (at, next(self._event_seq), action))

    def pending_events(self) -> int:
        """How many events are still scheduled."""
        return len(self._events)

    def next_event_at(self) -> float | None:
        """Virtual time of the earliest scheduled event, if any."""
        with self.lock:
            return self._events[0][0] if self._events else None

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

    # --------------------------------------------------------------- storage
    def store_cdr(self, record: CdrRecord) -> None:
        """Insert a CDR row (its ``oid`` must already carry the insertion time)."""
        self.cdrs.add(record)
        if record.record:
            self.recordings[record.record] = record.billsec

    def recording_name(self, start: float, cuid: str) -> str:
        """``<YYYYMMDD>_<cuid>.<fmt>``, the Simotel recording file name (§4.3)."""
        return f"{local(start, self.tz):%Y%m%d}_{cuid}.{self.config.record_format}"

    # -------------------------------------------------------------- originate
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
        with self.lock:
            t0 = self.sync()
            call_id = self.originate_ids.new(t0, self.rng)
            cuid, seq = self.call_ids.cuid(t0)
            call = OriginatedCall(
                id=call_id,
                caller=caller,
                callee=callee,
                context=context,
                caller_id=caller_id,
                trunk_name=trunk_name,
                timeout=max(1, timeout),
                call_limit=call_limit,
                created=t0,
                cuid=cuid,
                sequence=seq,
            )
            self.originated[call_id] = call
            first = self._plan_first_leg(call)
            if first.outcome is Outcome.FAIL:
                self.schedule(t0 + SPOOL_FAIL_DELAY, lambda: self._spool_failed(call))
            elif first.outcome is Outcome.BUSY:
                self.schedule(t0 + first.ring, lambda: self._end_without_cdr(call, "busy"))
            elif first.outcome is Outcome.NO_ANSWER:
                self.schedule(t0 + call.timeout, lambda: self._end_without_cdr(call, "no-answer"))
            else:
                self.schedule(t0 + first.ring, lambda: self._caller_answered(call))
            return call_id

    def _plan_first_leg(self, call: OriginatedCall) -> LegPlan:
        if call.caller not in self.users and is_pstn(call.caller):
            # A PSTN first party needs the trunk it is reached through (§3.1).
            trunk = self.find_trunk(call.trunk_name) if call.trunk_name else None
            if trunk is None or trunk.active != "yes":
                return LegPlan(Outcome.FAIL, 0, 0)
        elif call.caller in self.users and self.users[call.caller].active != "yes":
            return LegPlan(Outcome.FAIL, 0, 0)
        return plan_leg(
            self.seed, call.callee, call.caller, self.users, timeout=call.timeout, pins=self.pinned
        )

    def _caller_channel(self, call: OriginatedCall) -> str:
        if call.caller in self.users:
            return self.call_ids.channel(call.caller)
        trunk = self.find_trunk(call.trunk_name)
        return self.call_ids.channel(trunk.name if trunk else call.trunk_name)

    def _end_without_cdr(self, call: OriginatedCall, why: str) -> None:
        # The first party never answered: Simotel stores and sends no CDR (§3.3).
        call.state = "ended"
        call.ended_at = self.now
        call.result = f"no-cdr:{why}"

    def _spool_failed(self, call: OriginatedCall) -> None:
        t = self.now
        rng = leg_rng(self.seed, call.id, "spool")
        d = round(rng.uniform(0.04, 0.055), 6)
        record = CdrRecord(
            oid=self.new_oid(t),
            type="local",
            cuid=call.cuid,
            uniqueid=call.cuid,
            clid=f'"" <{call.caller_id}>',
            src=call.caller,
            dst=call.callee,
            dcontext=call.context,
            channel="OutgoingSpoolFailed",
            dstchannel="",
            lastapp="Hangup",
            lastdata="",
            start=call.created,
            answer=None,
            duration=1,
            billsec=0,
            wait=1,
            disposition="FAILED",
            sequence=call.sequence,
            starttime=call.created,
            endtime=t,
            comment=f"originated call: {call.id}",
            originated_call_id=call.id,
            route=[("OutgoingRoute", "Outgoing Route", d, call.created + d)],
        )
        self.store_cdr(record)
        call.state = "ended"
        call.ended_at = t
        call.result = "FAILED"
        call.cdr_id = record.oid

    def _second_leg_plan(self, call: OriginatedCall) -> LegPlan:
        ctx = self.contexts.get(call.context)
        if ctx is None or ctx.outgoing_route is None:
            return LegPlan(Outcome.FAIL, 0, 0)
        if call.callee not in self.users and is_pstn(call.callee) and ctx.trunk is None:
            return LegPlan(Outcome.FAIL, 0, 0)
        return plan_leg(
            self.seed,
            call.caller,
            call.callee,
            self.users,
            timeout=call.timeout,
            call_limit=call.call_limit,
            pins=self.pinned,
        )

    def _caller_answered(self, call: OriginatedCall) -> None:
        t = self.now
        call.caller_answered_at = t
        call.state = "dialing-callee"
        call.channel = self._caller_channel(call)
        second = self._second_leg_plan(call)
        if second.outcome is Outcome.ANSWER:
            self.schedule(t + second.ring, lambda: self._callee_answered(call, second))
        elif second.outcome is Outcome.NO_ANSWER:
            self.schedule(t + call.timeout, lambda: self._finish(call, "NO ANSWER"))
        elif second.outcome is Outcome.BUSY:
            self.schedule(t + second.ring, lambda: self._finish(call, "BUSY"))
        else:
            self.schedule(t + 1, lambda: self._finish(call, "FAILED"))

    def _callee_answered(self, call: OriginatedCall, plan: LegPlan) -> None:
        call.callee_answered_at = self.now
        call.state = "talking"
        self.schedule(self.now + plan.talk, lambda: self._finish(call, "ANSWERED"))

    def _finish(self, call: OriginatedCall, disposition: str) -> None:
        end = self.now
        call.state = "ended"
        call.ended_at = end
        call.result = disposition
        record = self._originate_cdr(call, disposition, end)
        self.store_cdr(record)
        call.cdr_id = record.oid

    def _originate_cdr(self, call: OriginatedCall, disposition: str, end: float) -> CdrRecord:
        ctx = self.contexts.get(call.context)
        routed = ctx is not None and ctx.outgoing_route is not None
        callee_is_ext = call.callee in self.users
        caller_is_ext = call.caller in self.users
        pstn_trunk = ctx.trunk if ctx is not None and not callee_is_ext else None
        dialled = disposition != "FAILED"
        started = call.caller_answered_at if call.caller_answered_at is not None else call.created
        rng = leg_rng(self.seed, call.id, "route")

        record_file: str | None = None
        if disposition == "ANSWERED":
            callee_user = self.users.get(call.callee)
            caller_user = self.users.get(call.caller)
            records = (
                (callee_user is not None and callee_user.call_record == "yes")
                or (caller_user is not None and caller_user.call_record == "yes")
                or (pstn_trunk is not None and ctx is not None and ctx.record_pstn)
            )
            if records:
                record_file = self.recording_name(call.created, call.cuid)

        route: list[RouteStep] | None = None
        if routed and ctx is not None and ctx.outgoing_route is not None:
            t = started
            d = round(rng.uniform(0.01, 0.05), 6)
            t += d
            route = [("OutgoingRoute", ctx.outgoing_route, d, t)]
            if dialled and callee_is_ext:
                route.append(("Extension", "Extension", round(end - t, 6), end))
            elif dialled and pstn_trunk is not None:
                d = round(rng.uniform(0.004, 0.008), 6)
                t += d
                route.append(("Switcher", "Switcher", d, t))
                if record_file is not None:
                    for kind, name in (("Answer", "Answer"), ("MixMonitor", "Mix Monitor")):
                        d = round(rng.uniform(0.004, 0.008), 6)
                        t += d
                        route.append((kind, name, d, t))
                route.append(("Trunk", pstn_trunk, round(end - t, 6), end))

        if dialled and callee_is_ext:
            dstchannel = self.call_ids.channel(call.callee)
            lastdata = f"SIP/{call.callee},{call.timeout},TtKk"
        elif dialled and pstn_trunk is not None:
            dstchannel = self.call_ids.channel(pstn_trunk)
            lastdata = f"SIP/{pstn_trunk}/{call.callee},{call.timeout},TtKk"
        else:
            dstchannel, lastdata = "", ""
        call.dstchannel = dstchannel

        outgoing_point: str | None = None
        if pstn_trunk is not None and dialled:
            outgoing_point = pstn_trunk
        elif not caller_is_ext and call.trunk_name:
            trunk = self.find_trunk(call.trunk_name)
            outgoing_point = trunk.name if trunk is not None else call.trunk_name

        answered = call.callee_answered_at if disposition == "ANSWERED" else None
        connect = answered if answered is not None else end
        hangup: str | None = None
        if disposition == "ANSWERED":
            hangup = "callee" if rng.random() < 0.5 else "caller"
        return CdrRecord(
            oid=self.new_oid(end),
            type="local" if caller_is_ext and callee_is_ext else "outgoing",
            cuid=call.cuid,
            uniqueid=call.cuid,
            clid=f'"" <{call.caller_id}>',
            src=call.caller,
            dst=call.callee,
            dcontext=call.context,
            channel=call.channel,
            dstchannel=dstchannel,
            lastapp="Dial" if dialled else "Hangup",
            lastdata=lastdata,
            start=call.created,
            answer=answered,
            duration=int(end - call.created),
            billsec=int(end - answered) if answered is not None else 0,
            wait=int(connect - call.created),
            disposition=disposition,
            sequence=call.sequence,
            starttime=started,
            endtime=end,
            comment=f"originated call: {call.id}",
            outgoing_point=outgoing_point,
            originated_call_id=call.id,
            route=route,
            hangup=hangup,
            record=record_file,
        )

    # -------------------------------------------------------------- campaigns
    def add_campaign(self, campaign: Campaign) -> None:
        """Store a new campaign and schedule its start (it must carry its own ``oid``)."""
        with self.lock:
            self.campaigns[campaign.oid] = campaign
            self._schedule_start(campaign, campaign.date)

    def _schedule_start(self, campaign: Campaign, reference: float) -> None:
        token = self._start_tokens.get(campaign.oid, 0) + 1
        self._start_tokens[campaign.oid] = token
        created = max(reference, campaign.date)
        if campaign.status != "waiting" or campaign.end <= created:
            # A window that is already over never runs: the campaign stays "waiting",
            # as the documented "test" campaign (2021 window, created 2023) does.
            return
        oid = campaign.oid
        self.schedule(max(campaign.start, created), lambda: self._campaign_start(oid, token))

    def update_campaign(self, oid: str, changes: dict[str, object]) -> None:
        """Apply field changes (a waiting campaign is rescheduled); raises ``OperationFailed``."""
        with self.lock:
            campaign = self.campaigns.get(oid)
            if campaign is None:
                raise OperationFailed()
            for name, value in changes.items():
                setattr(campaign, name, value)
            if campaign.status == "waiting":
                self._schedule_start(campaign, self.now)

    def remove_campaign(self, oid: str) -> None:
        """Delete a campaign, cancelling its pending dials. Raises ``OperationFailed``."""
        with self.lock:
            if self.campaigns.pop(oid, None) is None:
                raise OperationFailed()
            self.campaign_runs.pop(oid, None)
            self._start_tokens.pop(oid, None)

    def campaign_numbers(self, campaign: Campaign) -> list[str]:
        """The campaign's numbers followed by its groups' numbers, without duplicates."""
        numbers: list[str] = []
        for number in campaign.numbers:
            if number and number not in numbers:
                numbers.append(number)
        for gid in campaign.groups:
            group = self.groups.get(gid)
            if group is None:
                continue
            for number in group.numbers:
                if number and number not in numbers:
                    numbers.append(number)
        return numbers

    def _campaign_start(self, oid: str, token: int) -> None:
        campaign = self.campaigns.get(oid)
        if campaign is None or self._start_tokens.get(oid) != token:
            return
        if campaign.status != "waiting" or self.now > campaign.end:
            return
        campaign.status = "running"
        run = CampaignRun(campaign_id=oid)
        numbers = self.campaign_numbers(campaign)
        run.pending.extend((n, 1) for n in numbers)
        run.outstanding = len(numbers)
        self.campaign_runs[oid] = run
        if run.outstanding == 0:
            self._campaign_complete(campaign)
            return
        self._campaign_tick(oid)

    def _schedule_tick(self, run: CampaignRun, at: float) -> None:
        if run.tick_scheduled:
            return
        run.tick_scheduled = True
        oid = run.campaign_id
        self.schedule(at, lambda: self._campaign_tick(oid))

    @staticmethod
    def _trunk_manager_open(tm: TrunkManager, at: float, tz: ZoneInfo) -> bool:
        if tm.status != "active":
            return False
        if not tm.active_times:
            return True
        dt = local(at, tz)
        return str(dt.hour) in tm.active_times.get(str(dt.isoweekday()), [])

    def _campaign_tick(self, oid: str) -> None:
        run = self.campaign_runs.get(oid)
        campaign = self.campaigns.get(oid)
        if run is None or campaign is None:
            return
        run.tick_scheduled = False
        t = self.now
        if t > campaign.end and run.pending:
            # The window closed: numbers never dialled get no report row.
            run.outstanding -= len(run.pending)
            run.pending.clear()
            self._campaign_maybe_complete(campaign, run)
            return
        tm = self.trunk_managers.get(campaign.trunk_manager_id)
        if tm is not None and not self._trunk_manager_open(tm, t, self.tz):
            wait_until = next_hour(t, self.tz) if tm.status == "active" else t + 60
            self._schedule_tick(run, wait_until)
            return
        capacity = _int_or(tm.capacity, 1) if tm is not None else 1
        interval = max(1.0, float(_int_or(tm.dial_interval, 1))) if tm is not None else 1.0
        if run.pending and run.active < max(1, capacity):
            number, attempt = run.pending.popleft()
            self._campaign_dial(campaign, run, tm, number, attempt)
        if run.pending:
            self._schedule_tick(run, t + interval)

    def _campaign_dial(
        self,
        campaign: Campaign,
        run: CampaignRun,
        tm: TrunkManager | None,
        number: str,
        attempt: int,
    ) -> None:
        t = self.now
        run.active += 1
        if tm is not None:
            tm.current_capacity += 1
        trunk = self.trunk_by_oid(tm.trunk_oid) if tm is not None else None
        channel = self.call_ids.channel(trunk.name if trunk is not None else "autodialer")
        if tm is None or trunk is None:
            plan = LegPlan(Outcome.FAIL, 0, 0)
        else:
            plan = plan_leg(
                self.seed,
                "autodialer",
                number,
                self.users,
                timeout=CAMPAIGN_RING_TIMEOUT,
                pins=self.pinned,
            )
        if plan.outcome is Outcome.ANSWER:
            answered = t + plan.ring
            routed = self._campaign_component(campaign)
            if routed is not None:
                route, component = routed
                answered_call = _Answered(
                    campaign_id=campaign.oid,
                    trunk_manager_id=tm.oid if tm is not None else "",
                    number=number,
                    attempt=attempt,
                    dialled_at=t,
                    answered_at=answered,
                    wait=plan.ring,
                    channel=channel,
                    repeat=campaign.repeat,
                    interface_text=campaign.interface_text,
                    first_trunk=trunk.name if trunk is not None else None,
                    route=route,
                    component=component,
                )
                # The attempt ends when the bridged call does, which depends on the web service.
                self.schedule(answered, lambda: self._reach_component(answered_call))
                return
            billsec = self.on_campaign_answered(campaign, number, answered)
            end, disposition, wait = answered + billsec, "ANSWERED", plan.ring
        elif plan.outcome is Outcome.NO_ANSWER:
            end, disposition, wait, billsec = t + plan.ring, "NO ANSWER", plan.ring, 0
        elif plan.outcome is Outcome.BUSY:
            end, disposition, wait, billsec = t + plan.ring, "BUSY", plan.ring, 0
        else:
            end, disposition, wait, billsec = t, "LOST", 0, 0
        result = _Attempt(
            campaign_id=campaign.oid,
            trunk_manager_id=tm.oid if tm is not None else "",
            number=number,
            attempt=attempt,
            dialled_at=t,
            ended_at=end,
            disposition=disposition,
            billsec=billsec,
            wait=wait,
            channel=channel,
            repeat=campaign.repeat,
        )
        self.schedule(end, lambda: self._campaign_attempt_ended(result))

    def on_campaign_answered(self, campaign: Campaign, number: str, answered_at: float) -> int:
        """Seam for what an answered campaign call does next; returns its billsec."""
        return self.campaign_answer_handler(self, campaign, number, answered_at)

    # ------------------------------------------------ API components (§5.8)
    def _campaign_component(self, campaign: Campaign) -> tuple[AutodialerRoute, ApiComponent] | None:
        """The Autodialer Route and API component an answered call of ``campaign`` goes to."""
        if not campaign.interface_context:
            return None
        route = self.autodialer_routes.get(campaign.interface_context)
        if route is None:
            return None
        output = route.output_for(campaign.interface_text)
        component = self.api_components.get(output) if output is not None else None
        if component is None:
            return None
        return route, component

    def _reach_component(self, answered: _Answered) -> None:
        """The first party answered: queue the component's question (never asked under the lock)."""
        component = replace(answered.component)
        unique_id, sequence = self.call_ids.cuid(self.now)
        fields = {
            "src": answered.number,
            "dst": answered.interface_text or answered.route.context,
            "data": "",
            "unique_id": unique_id,
            "app_name": APP_NAMES[component.kind],
        }
        call = ComponentCall(
            component=component.name,
            kind=component.kind,
            method=component.method,
            url=redact(target_url(component)) if component.url else "",
            request=fields,
            campaign_id=answered.campaign_id,
            number=answered.number,
            queued_at=self.now,
        )
        self.component_calls.append(call)
        bridge = _Bridge(answered, call, component, sequence)
        if not component.url:
            self._apply_component_reply(bridge, ComponentReply("unconfigured", error="no URL configured"))
            return
        self._component_queue.append(bridge)
        self.component_ready.set()

    def pending_component_calls(self) -> int:
        """Component calls queued or in flight (answers not applied yet)."""
        with self.lock:
            return len(self._component_queue) + self._components_in_flight

    def run_component_calls(self, client: httpx.Client | None = None) -> int:
        """Make every queued component call, outside the lock; returns how many were made.

        Each answer is applied under the lock at the virtual time it arrived. ``client``
        is reused when given (the ticker keeps one); otherwise one is opened for the batch.
        """
        with self.lock:
            batch = list(self._component_queue)
            self._component_queue.clear()
            self._components_in_flight += len(batch)
            for bridge in batch:
                bridge.call.state = "calling"
        if not batch:
            return 0
        http = client if client is not None else httpx.Client()
        try:
            if len(batch) == 1:
                self._finish_component_call(
                    batch[0], perform(http, batch[0].component, batch[0].call.request)
                )
            else:
                workers = min(COMPONENT_WORKERS, len(batch))
                with ThreadPoolExecutor(workers, thread_name_prefix="simotel-component") as pool:
                    futures = {pool.submit(perform, http, b.component, b.call.request): b for b in batch}
                    for future in as_completed(futures):
                        self._finish_component_call(futures[future], future.result())
        finally:
            if client is None:
                http.close()
        return len(batch)

    def _finish_component_call(self, bridge: _Bridge, reply: ComponentReply) -> None:
        with self.lock:
            self._components_in_flight -= 1
            self.sync()
            self._apply_component_reply(bridge, reply)

    def _apply_component_reply(self, bridge: _Bridge, reply: ComponentReply) -> None:
        """Record the answer, then dial the second party or hang up (at ``self.now``)."""
        t = self.now
        call = bridge.call
        call.state = "done"
        call.outcome = reply.outcome
        call.status_code = reply.status_code
        call.response = reply.response
        call.error = reply.error
        call.real_seconds = reply.real_seconds
        call.answered_at = t
        if reply.outcome != "bridged" or reply.extension is None:
            # Simotel has nowhere to send the call: it hangs up on the first party, who did
            # answer (ANSWERED, short billsec), and no CDR of a second leg is written.
            self._end_answered_attempt(bridge.answered, t + COMPONENT_HANGUP_DELAY)
            return
        call.extension = reply.extension
        call.trunk = reply.trunk
        call.call_limit = reply.call_limit
        self._dial_bridged_leg(bridge, reply.extension, reply.trunk, reply.call_limit)

    def _end_answered_attempt(self, answered: _Answered, end: float) -> None:
        result = _Attempt(
            campaign_id=answered.campaign_id,
            trunk_manager_id=answered.trunk_manager_id,
            number=answered.number,
            attempt=answered.attempt,
            dialled_at=answered.dialled_at,
            ended_at=end,
            disposition="ANSWERED",
            billsec=max(1, int(end - answered.answered_at)),
            wait=answered.wait,
            channel=answered.channel,
            repeat=answered.repeat,
        )
        self.schedule(end, lambda: self._campaign_attempt_ended(result))

    def _dial_bridged_leg(
        self, bridge: _Bridge, extension: str, trunk_name: str | None, limit: int | None
    ) -> None:
        """Dial the party the component named and schedule the end of the whole call."""
        t = self.now
        answered = bridge.answered
        component = bridge.component
        via_trunk: str | None = None
        reachable = True
        if component.kind == "trunk":
            trunk = self.find_trunk(trunk_name or "")
            reachable = trunk is not None and trunk.active == "yes"
            via_trunk = trunk.name if trunk is not None else trunk_name
        elif extension not in self.users and is_pstn(extension):
            ctx = self.contexts.get(component.context)
            via_trunk = ctx.trunk if ctx is not None and ctx.outgoing_route is not None else None
            reachable = via_trunk is not None
        plan = plan_leg(
            self.seed,
            answered.number,
            extension,
            self.users,
            timeout=DEFAULT_TIMEOUT,
            call_limit=limit,
            pins=self.pinned,
        )
        if not reachable:
            plan = LegPlan(Outcome.FAIL, 0, 0)
        callee_answered: float | None = None
        if plan.outcome is Outcome.ANSWER:
            callee_answered = t + plan.ring
            end, disposition = callee_answered + plan.talk, "ANSWERED"
        elif plan.outcome is Outcome.NO_ANSWER:
            end, disposition = t + plan.ring, "NO ANSWER"
        elif plan.outcome is Outcome.BUSY:
            end, disposition = t + plan.ring, "BUSY"
        else:
            end, disposition = t + 1, "FAILED"
        bridge.call.second_disposition = disposition

        def finished() -> None:
            record = self._bridged_cdr(bridge, extension, via_trunk, disposition, callee_answered, end)
            self.store_cdr(record)
            bridge.call.cdr_id = record.oid

        self.schedule(end, finished)
        self._end_answered_attempt(answered, end)

    def _bridged_cdr(
        self,
        bridge: _Bridge,
        extension: str,
        via_trunk: str | None,
        disposition: str,
        callee_answered: float | None,
        end: float,
    ) -> CdrRecord:
        """The CDR of the second leg: ``cuid`` is the ``unique_id`` the component was sent."""
        answered = bridge.answered
        component = bridge.component
        call = bridge.call
        unique_id = call.unique_id
        dialled = disposition != "FAILED"
        rng = leg_rng(self.seed, unique_id, "route")
        t = answered.answered_at + round(rng.uniform(0.01, 0.05), 6)
        route: list[RouteStep] = [
            ("AutodialerRoute", answered.route.name, round(t - answered.answered_at, 6), t)
        ]
        reached = call.answered_at if call.answered_at is not None else t
        route.append((ROUTE_STEPS[component.kind], component.name, round(max(0.0, reached - t), 6), reached))
        callee_is_ext = extension in self.users and via_trunk is None
        if dialled and callee_is_ext:
            route.append(("Extension", "Extension", round(end - reached, 6), end))
            dstchannel = self.call_ids.channel(extension)
            lastdata = f"SIP/{extension},{DEFAULT_TIMEOUT},TtKk"
        elif dialled and via_trunk is not None:
            route.append(("Trunk", via_trunk, round(end - reached, 6), end))
            dstchannel = self.call_ids.channel(via_trunk)
            lastdata = f"SIP/{via_trunk}/{extension},{DEFAULT_TIMEOUT},TtKk"
        else:
            dstchannel, lastdata = "", ""
        caller_is_ext = answered.number in self.users
        record_file: str | None = None
        if disposition == "ANSWERED":
            users = (self.users.get(answered.number), self.users.get(extension))
            ctx = self.contexts.get(component.context)
            records = any(u is not None and u.call_record == "yes" for u in users) or (
                component.kind == "exten" and via_trunk is not None and ctx is not None and ctx.record_pstn
            )
            if records:
                record_file = self.recording_name(answered.dialled_at, unique_id)
        hangup: str | None = None
        if disposition == "ANSWERED":
            hangup = "callee" if rng.random() < 0.5 else "caller"
        connect = callee_answered if callee_answered is not None else end
        outgoing_point: str | None = None
        if via_trunk is not None and dialled:
            outgoing_point = via_trunk
        elif not caller_is_ext:
            outgoing_point = answered.first_trunk  # the first party was reached through it
        return CdrRecord(
            oid=self.new_oid(end),
            type="local" if caller_is_ext and callee_is_ext else "outgoing",
            cuid=unique_id,
            uniqueid=unique_id,
            clid=f'"" <{answered.number}>',
            src=answered.number,
            dst=extension,
            dcontext=answered.route.context,
            channel=answered.channel,
            dstchannel=dstchannel,
            lastapp="Dial" if dialled else "Hangup",
            lastdata=lastdata,
            start=answered.dialled_at,
            answer=callee_answered,
            duration=int(end - answered.dialled_at),
            billsec=int(end - callee_answered) if callee_answered is not None else 0,
            wait=int(connect - answered.dialled_at),
            disposition=disposition,
            sequence=bridge.sequence,
            starttime=answered.answered_at,
            endtime=end,
            outgoing_point=outgoing_point,
            route=route,
            hangup=hangup,
            record=record_file,
        )

    def _campaign_attempt_ended(self, attempt: _Attempt) -> None:
        run = self.campaign_runs.get(attempt.campaign_id)
        campaign = self.campaigns.get(attempt.campaign_id)
        # The channel is freed on the trunk manager that dialled it, even if the campaign
        # was since removed or moved to another trunk manager.
        tm = self.trunk_managers.get(attempt.trunk_manager_id)
        if tm is not None:
            tm.current_capacity = max(0, tm.current_capacity - 1)
        if run is None or campaign is None:
            return
        run.active -= 1
        max_tries = max(1, _int_or(campaign.tries, 1))
        retry = attempt.disposition != "ANSWERED" and attempt.attempt < max_tries
        self.schedule(self.now + REPORT_LAG, lambda: self._campaign_report(attempt, not retry))
        if retry:
            delay = max(0, _int_or(campaign.try_interval, 600))
            self.schedule(self.now + delay, lambda: self._campaign_requeue(attempt))
        if run.pending:
            self._schedule_tick(run, self.now)

    def _campaign_requeue(self, attempt: _Attempt) -> None:
        run = self.campaign_runs.get(attempt.campaign_id)
        campaign = self.campaigns.get(attempt.campaign_id)
        if run is None or campaign is None:
            return
        if self.now > campaign.end:
            run.outstanding -= 1
            self._campaign_maybe_complete(campaign, run)
            return
        run.pending.append((attempt.number, attempt.attempt + 1))
        self._schedule_tick(run, self.now)

    def _campaign_report(self, attempt: _Attempt, final: bool) -> None:
        campaign = self.campaigns.get(attempt.campaign_id)
        run = self.campaign_runs.get(attempt.campaign_id)
        if campaign is None or run is None:
            return
        t = self.now
        cdr_id = self.new_oid(t)
        cause, cause_txt = CAUSES[attempt.disposition]
        self.attempt_info[cdr_id] = AttemptInfo(
            dcontext=campaign.interface_context,
            channel=attempt.channel,
            duration=attempt.wait + attempt.billsec,
            wait=attempt.wait,
        )
        try_row = ReportTry(
            cdr_id=cdr_id,
            cause=cause,
            cause_txt=cause_txt,
            starttime=attempt.dialled_at,
            disposition=attempt.disposition,
            wait=attempt.wait,
        )
        report = run.reports.get(attempt.number)
        if report is None:
            report = CampaignReport(
                oid=self.new_oid(t),
                campaign_id=campaign.oid,
                campaign=campaign.name,
                window_start=campaign.start,
                window_end=campaign.end,
                date=attempt.dialled_at,
                interface_context=campaign.interface_context,
                interface_text=campaign.interface_text,
                trunk_manager_id=campaign.trunk_manager_id,
                announcement=campaign.announcement,
                number=attempt.number,
                disposition=attempt.disposition,
                repeat=attempt.repeat,
                billsec=attempt.billsec,
                wait=attempt.wait,
                tries=[try_row],
            )
            run.reports[attempt.number] = report
            self.add_campaign_report(report)
        else:
            report.tries.append(try_row)
            report.disposition = attempt.disposition
            report.billsec = attempt.billsec
            report.wait = attempt.wait
        if final:
            run.outstanding -= 1
            self._campaign_maybe_complete(campaign, run)

    def add_campaign_report(self, report: CampaignReport) -> None:
        """Store an autodialer report row and index it by campaign."""
        self.campaign_reports.add(report)
        self.reports_by_campaign.setdefault(report.campaign_id, []).append(report)

    def _campaign_maybe_complete(self, campaign: Campaign, run: CampaignRun) -> None:
        if run.outstanding <= 0 and not run.pending and run.active <= 0:
            self._campaign_complete(campaign)

    def _campaign_complete(self, campaign: Campaign) -> None:
        campaign.status = "completed"
        campaign.finished = True
        campaign.hs = campaign.repeat
        self.campaign_runs.pop(campaign.oid, None)

    # ----------------------------------------------------------- misc rows
    def store_queue_stat(self, row: QueueStat) -> None:
        """Insert a ``queue_stat`` row."""
        self.queue_stats.add(row)

    def store_queue_report(self, row: CdrRecord) -> None:
        """Insert a ``queue_report`` (agent try) row."""
        self.queue_reports.add(row)
        if row.record:
            self.recordings[row.record] = row.billsec


def _int_or(value: object, default: int) -> int:
    """``int(value)`` for ints and digit strings, else ``default``."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return default
    return default
