"""Tracked calls, direct and campaign: their states, poll windows, and matching what polls find.

Pure logic, no IO and no Textual: the poller feeds it CDR and autodialer report pages and the
clock, and the live panel renders what it holds.

A *direct* originate is only accepted by Simotel; its outcome arrives as CDR rows carrying
``originated_call_id`` (reference §9) — or never, when the first party does not answer (§3.3),
which is why a direct call without a CDR past its deadline becomes ``NO_CDR``.

A *campaign* call (§5.8) is a one-contact autodialer campaign whose number is the first party.
Its report row tells how the first party ended (ANSWERED, NO ANSWER, BUSY, LOST), per try; when
the first party answers, Simotel asks the bridge responder where to send the call, the responder
records the ``unique_id`` it was given, and the second leg's CDR carries that id as its cuid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from simotui.api.models import CampaignReportRow, CampaignRequest, Cdr, Disposition, OriginateRequest

# How long after the last possible hang-up a CDR may still take to reach the reports.
DEFAULT_GRACE = timedelta(seconds=30)
# Talk time assumed when the dial set no call_limit, to bound how long we wait for a CDR.
DEFAULT_ASSUMED_CALL_LIMIT = 3600
# Simotel writes a CDR's start a little before the originate id's epoch (reference §9: -1..+6 s).
WINDOW_MARGIN = timedelta(minutes=2)
# A campaign number rings at most this long per try (the autodialer's own ring timeout).
CAMPAIGN_RING = 30
# Simotel asks the responder the moment the first party answers; a report that says ANSWERED
# with no request seen this long after it means the call was never handed to the responder.
BRIDGE_GRACE = timedelta(seconds=30)
# The cleanup note of a campaign whose removal has been asked for and not yet answered.
CLEANUP_PENDING = "removing campaign…"


class CallState(StrEnum):
    """Where a tracked call is in its life."""

    ACCEPTED = "accepted"
    COMPLETED = "completed"
    NO_CDR = "no cdr"
    NOT_REACHED = "not reached"
    NOT_BRIDGED = "not bridged"

    @property
    def is_final(self) -> bool:
        """Whether polling has nothing more to learn about the call's outcome."""
        return self is not CallState.ACCEPTED


class CallMode(StrEnum):
    """How a call was placed."""

    DIRECT = "direct"
    CAMPAIGN = "campaign"


@dataclass(frozen=True, slots=True)
class CampaignDial:
    """A two-way call placed through a one-contact campaign: ``caller`` is the campaign's number.

    ``trunk_name`` and ``call_limit`` concern the second leg: the responder answers Simotel's
    Trunk API component with them when a trunk is set (a PSTN second party).
    """

    caller: str
    callee: str
    trunk_manager_id: str
    interface_context: str
    interface_text: str
    announcement_id: str = ""
    trunk_name: str = ""
    call_limit: int | None = None
    tries: int = 1
    try_interval: int = 60

    def campaign_request(self, name: str, start: datetime) -> CampaignRequest:
        """The ``campaigns/add`` request: one number, starting now, open long enough for every try."""
        span = self.tries * (CAMPAIGN_RING + self.try_interval) + 600
        return CampaignRequest(
            name=name,
            trunk_manager_id=self.trunk_manager_id,
            numbers=(self.caller,),
            interface_context=self.interface_context,
            interface_text=self.interface_text,
            tries=self.tries,
            try_interval=self.try_interval,
            start=start,
            end=start + timedelta(seconds=max(span, 3600)),
            announcement=self.announcement_id,
            description=f"simotui two-way call {self.caller} -> {self.callee}",
        )


Dial = OriginateRequest | CampaignDial


@dataclass(frozen=True, slots=True)
class TrackedCall:
    """One call followed to its end.

    ``call_id`` is the originated call id for a direct call, and a key simotui chose before
    sending for a campaign call (the bridge responder must know the call before Simotel asks).
    """

    call_id: str
    request: Dial
    accepted_at: datetime
    state: CallState = CallState.ACCEPTED
    legs: tuple[Cdr, ...] = ()
    completed_at: datetime | None = None
    grace: timedelta = DEFAULT_GRACE
    campaign_id: str = ""
    report: CampaignReportRow | None = None
    report_seen_at: datetime | None = None
    bridge_unique_id: str | None = None
    cleanup: str = ""

    @property
    def mode(self) -> CallMode:
        """Direct originate or campaign."""
        return CallMode.CAMPAIGN if isinstance(self.request, CampaignDial) else CallMode.DIRECT

    @property
    def deadline(self) -> datetime:
        """When, still without what it waits for, the call is given up on.

        Direct: timeout + call_limit + grace after acceptance. Campaign: every try's ring and
        interval, then — once the first party answered — the talk time, plus grace.
        """
        request = self.request
        talk = request.call_limit or DEFAULT_ASSUMED_CALL_LIMIT
        if isinstance(request, OriginateRequest):
            ring = request.timeout if request.timeout is not None else 30
            return self.accepted_at + timedelta(seconds=ring + talk) + self.grace
        if self.report is not None and self.report.disposition == Disposition.ANSWERED:
            since = self.report_seen_at or self.accepted_at
            if self.bridge_unique_id is None:
                return since + BRIDGE_GRACE
            return since + timedelta(seconds=CAMPAIGN_RING + talk) + self.grace
        attempts = request.tries * (CAMPAIGN_RING + request.try_interval)
        return self.accepted_at + timedelta(seconds=attempts) + self.grace * 2

    @property
    def main_leg(self) -> Cdr | None:
        """The leg that tells the outcome: an answered row first, else the latest row."""
        if not self.legs:
            return None
        answered = [leg for leg in self.legs if leg.disposition == Disposition.ANSWERED]
        pool = answered or list(self.legs)
        return max(pool, key=lambda leg: (leg.start or self.accepted_at, leg.id))

    @property
    def first_leg_disposition(self) -> Disposition | None:
        """How the first party ended, when the campaign report says it."""
        return self.report.disposition if self.report is not None else None

    @property
    def disposition(self) -> Disposition | None:
        """The outcome: the bridged leg's CDR, else (campaign) how the first party ended."""
        leg = self.main_leg
        if leg is not None:
            return leg.disposition
        return self.first_leg_disposition

    @property
    def wants_cdrs(self) -> bool:
        """Whether the next poll's CDR search must cover this call."""
        if self.state is not CallState.ACCEPTED:
            return False
        return self.mode is CallMode.DIRECT or self.bridge_unique_id is not None

    @property
    def wants_reports(self) -> bool:
        """Whether the next poll's autodialer report search must cover this call."""
        if self.mode is not CallMode.CAMPAIGN or not self.campaign_id:
            return False
        return self.state is CallState.ACCEPTED or (self.report is None and self.state is CallState.COMPLETED)

    def elapsed(self, now: datetime) -> timedelta:
        """Time since acceptance, frozen once the call is final."""
        end = self.completed_at if self.completed_at is not None else now
        return max(end - self.accepted_at, timedelta(0))

    def with_legs(self, legs: Iterable[Cdr], now: datetime) -> TrackedCall:
        """The call after a poll found these CDR rows for it (rows are merged by ``_id``)."""
        by_id = {leg.id: leg for leg in self.legs}
        changed = False
        for leg in legs:
            if by_id.get(leg.id) != leg:
                by_id[leg.id] = leg
                changed = True
        if not changed:
            return self
        merged = tuple(sorted(by_id.values(), key=lambda leg: (leg.start or self.accepted_at, leg.id)))
        # The call ended when its last leg did, as the PBX recorded it; the poll time only
        # stands in when no leg carries an end time.
        ends = [leg.endtime for leg in merged if leg.endtime is not None]
        completed_at = max(ends) if ends else now
        return replace(self, legs=merged, state=CallState.COMPLETED, completed_at=completed_at)

    def with_report(self, row: CampaignReportRow, now: datetime) -> TrackedCall:
        """The call after a poll found its campaign report row."""
        if row == self.report:
            return self
        updated = replace(self, report=row, report_seen_at=self.report_seen_at or now)
        if updated.state is not CallState.ACCEPTED or not isinstance(self.request, CampaignDial):
            return updated
        answered = row.disposition == Disposition.ANSWERED
        if not answered and row.try_count >= self.request.tries:
            return replace(updated, state=CallState.NOT_REACHED, completed_at=_last_try_end(row) or now)
        return updated

    def with_bridge(self, unique_id: str) -> TrackedCall:
        """The call after the responder handed it to its second party under ``unique_id``."""
        if self.bridge_unique_id == unique_id:
            return self
        return replace(self, bridge_unique_id=unique_id)

    @property
    def ready_for_cleanup(self) -> bool:
        """Whether a campaign call's campaign can go: final, and its report row already read.

        A call bridged before its report row appeared keeps the campaign until the row arrives,
        since removing a campaign can take its report rows with it.
        """
        if self.mode is not CallMode.CAMPAIGN or not self.campaign_id or not self.state.is_final:
            return False
        return self.report is not None or self.state is not CallState.COMPLETED

    def with_cleanup(self, note: str) -> TrackedCall:
        """The call after its campaign was removed (or could not be)."""
        return replace(self, cleanup=note)

    def expired(self, now: datetime) -> TrackedCall:
        """The call after its deadline has passed without what it was waiting for."""
        if self.state is not CallState.ACCEPTED or self.legs or now < self.deadline:
            return self
        if self.mode is CallMode.CAMPAIGN and self.report is not None:
            return replace(self, state=CallState.NOT_BRIDGED, completed_at=self.deadline)
        return replace(self, state=CallState.NO_CDR, completed_at=self.deadline)


def _last_try_end(row: CampaignReportRow) -> datetime | None:
    """When the last attempt ended, as the report tells it (its start plus its ring)."""
    if not row.tries or row.tries[-1].started_at is None:
        return None
    last = row.tries[-1]
    return last.started_at + timedelta(seconds=last.wait) if last.started_at else None


def outcome_text(call: TrackedCall) -> str:
    """What a user should read about a final call, in words."""
    if call.state is CallState.NOT_REACHED:
        first = call.first_leg_disposition
        return (
            {
                Disposition.NO_ANSWER: "first party did not answer",
                Disposition.BUSY: "first party busy",
                Disposition.LOST: "first party lost (never rang)",
            }.get(first, f"first party: {first}")
            if first
            else "first party not reached"
        )
    if call.state is CallState.NOT_BRIDGED:
        if call.bridge_unique_id is None:
            return "first party answered; Simotel never asked the responder for the second party"
        return "first party answered and was handed on, but no CDR of the second leg arrived"
    if call.state is CallState.NO_CDR:
        if call.mode is CallMode.CAMPAIGN:
            return "no report row arrived for the campaign"
        return "no CDR: the first party most likely never answered"
    if call.state is CallState.COMPLETED:
        if call.mode is CallMode.CAMPAIGN:
            return f"bridged: the first party answered, the second leg ended {call.disposition or '—'}"
        return f"completed: {call.disposition or '—'}"
    if call.mode is CallMode.CAMPAIGN:
        report = call.report
        if report is not None and report.disposition == Disposition.ANSWERED:
            return "first party answered; waiting for the second leg's CDR"
        if report is not None and report.tries:
            return f"try {report.try_count}: {report.tries[-1].disposition or '—'}, retrying"
        return "the autodialer is dialling the first party"
    return "waiting"


def cdrs_by_originated_id(
    cdrs: Iterable[Cdr], wanted: Mapping[str, object] | None = None
) -> dict[str, list[Cdr]]:
    """Index CDR rows by every originate id they carry (field first, then the comment)."""
    index: dict[str, list[Cdr]] = {}
    for cdr in cdrs:
        for call_id in cdr.originated_call_ids:
            if wanted is None or call_id in wanted:
                index.setdefault(call_id, []).append(cdr)
    return index


@dataclass(frozen=True, slots=True)
class PollWindow:
    """One date range that covers every call a search is for."""

    start: datetime
    end: datetime


def _window(starts: list[datetime], now: datetime) -> PollWindow | None:
    if not starts:
        return None
    return PollWindow(start=min(starts) - WINDOW_MARGIN, end=now + WINDOW_MARGIN)


def poll_window(calls: Iterable[TrackedCall], now: datetime) -> PollWindow | None:
    """The date range of the next CDR search, or None when no call needs one."""
    return _window([call.accepted_at for call in calls if call.wants_cdrs], now)


def report_window(calls: Iterable[TrackedCall], now: datetime) -> PollWindow | None:
    """The date range of the next autodialer report search, or None when no call needs one."""
    return _window([call.accepted_at for call in calls if call.wants_reports], now)


@dataclass(slots=True)
class CallBook:
    """Every tracked call by id; applies poll results and deadlines, returning what changed."""

    calls: dict[str, TrackedCall] = field(default_factory=dict)

    def add(self, call: TrackedCall) -> None:
        """Start tracking a call."""
        self.calls[call.call_id] = call

    def pending(self) -> list[TrackedCall]:
        """Calls still waiting for their outcome."""
        return [call for call in self.calls.values() if call.state is CallState.ACCEPTED]

    def _set(self, updated: TrackedCall, changed: set[str]) -> None:
        if updated is not self.calls[updated.call_id]:
            self.calls[updated.call_id] = updated
            changed.add(updated.call_id)

    def apply_cdrs(self, cdrs: Iterable[Cdr], now: datetime) -> set[str]:
        """Match CDR rows to calls (originate id, or the bridged unique id); expire overdue calls."""
        rows = list(cdrs)
        changed: set[str] = set()
        for call_id, legs in cdrs_by_originated_id(rows, self.calls).items():
            if self.calls[call_id].mode is CallMode.DIRECT:
                self._set(self.calls[call_id].with_legs(legs, now), changed)
        bridged: dict[str, str] = {
            call.bridge_unique_id: call.call_id
            for call in self.calls.values()
            if call.mode is CallMode.CAMPAIGN and call.bridge_unique_id
        }
        if bridged:
            by_call: dict[str, list[Cdr]] = {}
            for cdr in rows:
                owner = bridged.get(cdr.cuid) or bridged.get(cdr.uniqueid)
                if owner is not None:
                    by_call.setdefault(owner, []).append(cdr)
            for owner, legs in by_call.items():
                self._set(self.calls[owner].with_legs(legs, now), changed)
        self._expire(now, changed)
        return changed

    def apply_reports(self, rows: Iterable[CampaignReportRow], now: datetime) -> set[str]:
        """Match autodialer report rows to campaign calls by campaign id and number."""
        by_key = {
            (call.campaign_id, call.request.caller): call.call_id
            for call in self.calls.values()
            if call.mode is CallMode.CAMPAIGN and call.campaign_id
        }
        changed: set[str] = set()
        for row in rows:
            call_id = by_key.get((row.campaign_id, row.number))
            if call_id is not None:
                self._set(self.calls[call_id].with_report(row, now), changed)
        self._expire(now, changed)
        return changed

    def apply_bridge(self, call_id: str, unique_id: str) -> set[str]:
        """Record that the responder handed a campaign call on under ``unique_id``."""
        call = self.calls.get(call_id)
        if call is None:
            return set()
        changed: set[str] = set()
        self._set(call.with_bridge(unique_id), changed)
        return changed

    def apply_cleanup(self, call_id: str, note: str) -> set[str]:
        """Record what became of a finished call's campaign."""
        call = self.calls.get(call_id)
        if call is None:
            return set()
        changed: set[str] = set()
        self._set(call.with_cleanup(note), changed)
        return changed

    def expire(self, now: datetime) -> set[str]:
        """Give up on calls past their deadline."""
        changed: set[str] = set()
        self._expire(now, changed)
        return changed

    def _expire(self, now: datetime, changed: set[str]) -> None:
        for call in self.pending():
            self._set(call.expired(now), changed)
