"""The autodialer engine: campaigns wait, run and complete on the event heap (§5.5-5.7).

A campaign starts at ``start`` (never when its window is already over), dials one number per
``dial_interval`` while fewer than ``capacity`` calls are up and the trunk manager is open,
retries what was not answered, writes a report row ``REPORT_LAG`` after each number's first
attempt ends and completes when every number is done. An answered number either plays the
campaign's announcement (``campaign_answer_handler``) or, when its ``interface_context`` and
``interface_text`` lead to an API component, is handed to ``component_calls``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from simotui.sim.dates import local, next_hour
from simotui.sim.errors import OperationFailed
from simotui.sim.models import (
    ApiComponent,
    AttemptInfo,
    AutodialerRoute,
    Campaign,
    CampaignReport,
    ReportTry,
    TrunkManager,
)
from simotui.sim.outcomes import LegPlan, Outcome, leg_rng

if TYPE_CHECKING:
    from simotui.sim.state import SimulatedPbx

#: Seconds between the end of a campaign attempt and its report row becoming visible (§5.7).
REPORT_LAG = 2.0
#: How long the autodialer lets a campaign number ring before giving up.
CAMPAIGN_RING_TIMEOUT = 30

CAUSES: dict[str, tuple[str | None, str | None]] = {
    "ANSWERED": ("16", "Normal Clearing"),
    "NO ANSWER": ("16", "Normal Clearing"),
    "BUSY": ("21", "Call Rejected"),
    "LOST": (None, None),
}


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
class Answered:
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


@dataclass(frozen=True)
class Attempt:
    """One finished dial of a campaign number."""

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


def int_or(value: object, default: int) -> int:
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


def trunk_manager_open(tm: TrunkManager, at: float, tz: ZoneInfo) -> bool:
    """Whether ``tm`` may dial at ``at``: active, and the local hour is in ``active_times``."""
    if tm.status != "active":
        return False
    if not tm.active_times:
        return True
    dt = local(at, tz)
    return str(dt.hour) in tm.active_times.get(str(dt.isoweekday()), [])


class Autodialer:
    """Runs the campaigns of one PBX (``runs``: the running ones, by campaign id)."""

    def __init__(self, pbx: SimulatedPbx) -> None:
        """Dial on ``pbx``'s heap."""
        self.pbx = pbx
        self.runs: dict[str, CampaignRun] = {}
        self._start_tokens: dict[str, int] = {}

    # -------------------------------------------------------------- lifecycle
    def add(self, campaign: Campaign) -> None:
        """Store a new campaign and schedule its start (it must carry its own ``oid``)."""
        pbx = self.pbx
        with pbx.lock:
            pbx.campaigns[campaign.oid] = campaign
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
        self.pbx.schedule(max(campaign.start, created), lambda: self._start(oid, token))

    def update(self, oid: str, changes: dict[str, object]) -> None:
        """Apply field changes (a waiting campaign is rescheduled); raises ``OperationFailed``."""
        pbx = self.pbx
        with pbx.lock:
            campaign = pbx.campaigns.get(oid)
            if campaign is None:
                raise OperationFailed()
            for name, value in changes.items():
                setattr(campaign, name, value)
            if campaign.status == "waiting":
                self._schedule_start(campaign, pbx.now)

    def remove(self, oid: str) -> None:
        """Delete a campaign, cancelling its pending dials. Raises ``OperationFailed``."""
        pbx = self.pbx
        with pbx.lock:
            if pbx.campaigns.pop(oid, None) is None:
                raise OperationFailed()
            self.runs.pop(oid, None)
            self._start_tokens.pop(oid, None)

    def numbers(self, campaign: Campaign) -> list[str]:
        """The campaign's numbers followed by its groups' numbers, without duplicates."""
        numbers: list[str] = []
        for number in campaign.numbers:
            if number and number not in numbers:
                numbers.append(number)
        for gid in campaign.groups:
            group = self.pbx.groups.get(gid)
            if group is None:
                continue
            for number in group.numbers:
                if number and number not in numbers:
                    numbers.append(number)
        return numbers

    def _start(self, oid: str, token: int) -> None:
        pbx = self.pbx
        campaign = pbx.campaigns.get(oid)
        if campaign is None or self._start_tokens.get(oid) != token:
            return
        if campaign.status != "waiting" or pbx.now > campaign.end:
            return
        campaign.status = "running"
        run = CampaignRun(campaign_id=oid)
        numbers = self.numbers(campaign)
        run.pending.extend((n, 1) for n in numbers)
        run.outstanding = len(numbers)
        self.runs[oid] = run
        if run.outstanding == 0:
            self._complete(campaign)
            return
        self._tick(oid)

    def _schedule_tick(self, run: CampaignRun, at: float) -> None:
        if run.tick_scheduled:
            return
        run.tick_scheduled = True
        oid = run.campaign_id
        self.pbx.schedule(at, lambda: self._tick(oid))

    # ---------------------------------------------------------------- dialling
    def _tick(self, oid: str) -> None:
        pbx = self.pbx
        run = self.runs.get(oid)
        campaign = pbx.campaigns.get(oid)
        if run is None or campaign is None:
            return
        run.tick_scheduled = False
        t = pbx.now
        if t > campaign.end and run.pending:
            # The window closed: numbers never dialled get no report row.
            run.outstanding -= len(run.pending)
            run.pending.clear()
            self._maybe_complete(campaign, run)
            return
        tm = pbx.trunk_managers.get(campaign.trunk_manager_id)
        if tm is not None and not trunk_manager_open(tm, t, pbx.tz):
            wait_until = next_hour(t, pbx.tz) if tm.status == "active" else t + 60
            self._schedule_tick(run, wait_until)
            return
        capacity = int_or(tm.capacity, 1) if tm is not None else 1
        interval = max(1.0, float(int_or(tm.dial_interval, 1))) if tm is not None else 1.0
        if run.pending and run.active < max(1, capacity):
            number, attempt = run.pending.popleft()
            self._dial(campaign, run, tm, number, attempt)
        if run.pending:
            self._schedule_tick(run, t + interval)

    def _dial(
        self,
        campaign: Campaign,
        run: CampaignRun,
        tm: TrunkManager | None,
        number: str,
        attempt: int,
    ) -> None:
        pbx = self.pbx
        t = pbx.now
        run.active += 1
        if tm is not None:
            tm.current_capacity += 1
        trunk = pbx.trunk_by_oid(tm.trunk_oid) if tm is not None else None
        channel = pbx.call_ids.channel(trunk.name if trunk is not None else "autodialer")
        if tm is None or trunk is None:
            plan = LegPlan(Outcome.FAIL, 0, 0)
        else:
            plan = pbx.plan_leg("autodialer", number, timeout=CAMPAIGN_RING_TIMEOUT)
        if trunk is not None and plan.outcome is not Outcome.FAIL:
            pbx.webhooks.outgoing_call(number, trunk.name, pbx.webhooks.call_id())
        if plan.outcome is Outcome.ANSWER:
            answered = t + plan.ring
            routed = self.component_for(campaign)
            if routed is not None:
                route, component = routed
                answered_call = Answered(
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
                pbx.schedule(answered, lambda: pbx.component_engine.reach(answered_call))
                return
            billsec = pbx.on_campaign_answered(campaign, number, answered)
            end, disposition, wait = answered + billsec, "ANSWERED", plan.ring
        elif plan.outcome is Outcome.NO_ANSWER:
            end, disposition, wait, billsec = t + plan.ring, "NO ANSWER", plan.ring, 0
        elif plan.outcome is Outcome.BUSY:
            end, disposition, wait, billsec = t + plan.ring, "BUSY", plan.ring, 0
        else:
            end, disposition, wait, billsec = t, "LOST", 0, 0
        result = Attempt(
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
        pbx.schedule(end, lambda: self.attempt_ended(result))

    def component_for(self, campaign: Campaign) -> tuple[AutodialerRoute, ApiComponent] | None:
        """The Autodialer Route and API component an answered call of ``campaign`` goes to."""
        pbx = self.pbx
        if not campaign.interface_context:
            return None
        route = pbx.autodialer_routes.get(campaign.interface_context)
        if route is None:
            return None
        output = route.output_for(campaign.interface_text)
        component = pbx.api_components.get(output) if output is not None else None
        if component is None:
            return None
        return route, component

    def end_answered(self, answered: Answered, end: float) -> None:
        """An answered attempt that went to an API component hangs up at ``end``."""
        result = Attempt(
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
        self.pbx.schedule(end, lambda: self.attempt_ended(result))

    # ------------------------------------------------------------ bookkeeping
    def attempt_ended(self, attempt: Attempt) -> None:
        """Free the channel, schedule the report row and any retry."""
        pbx = self.pbx
        run = self.runs.get(attempt.campaign_id)
        campaign = pbx.campaigns.get(attempt.campaign_id)
        # The channel is freed on the trunk manager that dialled it, even if the campaign
        # was since removed or moved to another trunk manager.
        tm = pbx.trunk_managers.get(attempt.trunk_manager_id)
        if tm is not None:
            tm.current_capacity = max(0, tm.current_capacity - 1)
        if run is None or campaign is None:
            return
        run.active -= 1
        max_tries = max(1, int_or(campaign.tries, 1))
        retry = attempt.disposition != "ANSWERED" and attempt.attempt < max_tries
        pbx.schedule(pbx.now + REPORT_LAG, lambda: self._report(attempt, not retry))
        if retry:
            delay = max(0, int_or(campaign.try_interval, 600))
            pbx.schedule(pbx.now + delay, lambda: self._requeue(attempt))
        if run.pending:
            self._schedule_tick(run, pbx.now)

    def _requeue(self, attempt: Attempt) -> None:
        pbx = self.pbx
        run = self.runs.get(attempt.campaign_id)
        campaign = pbx.campaigns.get(attempt.campaign_id)
        if run is None or campaign is None:
            return
        if pbx.now > campaign.end:
            run.outstanding -= 1
            self._maybe_complete(campaign, run)
            return
        run.pending.append((attempt.number, attempt.attempt + 1))
        self._schedule_tick(run, pbx.now)

    def _report(self, attempt: Attempt, final: bool) -> None:
        pbx = self.pbx
        campaign = pbx.campaigns.get(attempt.campaign_id)
        run = self.runs.get(attempt.campaign_id)
        if campaign is None or run is None:
            return
        t = pbx.now
        cdr_id = pbx.new_oid(t)
        cause, cause_txt = CAUSES[attempt.disposition]
        pbx.attempt_info[cdr_id] = AttemptInfo(
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
                oid=pbx.new_oid(t),
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
            pbx.add_campaign_report(report)
        else:
            report.tries.append(try_row)
            report.disposition = attempt.disposition
            report.billsec = attempt.billsec
            report.wait = attempt.wait
            pbx.rendered.forget(report)  # changed in place: its rendered row is stale
        pbx.webhooks.autodialer_report(report)
        if final:
            run.outstanding -= 1
            self._maybe_complete(campaign, run)

    def _maybe_complete(self, campaign: Campaign, run: CampaignRun) -> None:
        if run.outstanding <= 0 and not run.pending and run.active <= 0:
            self._complete(campaign)

    def _complete(self, campaign: Campaign) -> None:
        campaign.status = "completed"
        campaign.finished = True
        campaign.hs = campaign.repeat
        self.runs.pop(campaign.oid, None)
