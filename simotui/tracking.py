"""Tracked originated calls: their states, the poll window that covers them, CDR matching.

Pure logic, no IO and no Textual: the live panel's poller feeds it CDR pages and the clock, and
renders what it returns. A direct originate is only *accepted* by Simotel; its outcome arrives as
CDR rows carrying ``originated_call_id`` (reference §9) — or never, when the first party does not
answer (§3.3), which is why a call without a CDR past its deadline becomes ``NO_CDR``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from simotui.api.models import Cdr, Disposition, OriginateRequest

# How long after the last possible hang-up a CDR may still take to reach the reports.
DEFAULT_GRACE = timedelta(seconds=30)
# Talk time assumed when the dial set no call_limit, to bound how long we wait for a CDR.
DEFAULT_ASSUMED_CALL_LIMIT = 3600
# Simotel writes a CDR's start a little before the originate id's epoch (reference §9: -1..+6 s).
WINDOW_MARGIN = timedelta(minutes=2)


class CallState(StrEnum):
    """Where a tracked call is in its life."""

    ACCEPTED = "accepted"
    COMPLETED = "completed"
    NO_CDR = "no cdr"

    @property
    def is_final(self) -> bool:
        """Whether polling has nothing more to learn about the call."""
        return self is not CallState.ACCEPTED


@dataclass(frozen=True, slots=True)
class TrackedCall:
    """One originated call followed to its end."""

    call_id: str
    request: OriginateRequest
    accepted_at: datetime
    state: CallState = CallState.ACCEPTED
    legs: tuple[Cdr, ...] = ()
    completed_at: datetime | None = None
    grace: timedelta = DEFAULT_GRACE

    @property
    def deadline(self) -> datetime:
        """When, still without a CDR, the call is declared ``NO_CDR``: timeout + call_limit + grace."""
        ring = self.request.timeout if self.request.timeout is not None else 30
        talk = self.request.call_limit or DEFAULT_ASSUMED_CALL_LIMIT
        return self.accepted_at + timedelta(seconds=ring + talk) + self.grace

    @property
    def main_leg(self) -> Cdr | None:
        """The leg that tells the outcome: an answered row first, else the latest row."""
        if not self.legs:
            return None
        answered = [leg for leg in self.legs if leg.disposition == Disposition.ANSWERED]
        pool = answered or list(self.legs)
        return max(pool, key=lambda leg: (leg.start or self.accepted_at, leg.id))

    @property
    def disposition(self) -> Disposition | None:
        """The outcome of the main leg, once a CDR exists."""
        leg = self.main_leg
        return leg.disposition if leg else None

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

    def expired(self, now: datetime) -> TrackedCall:
        """The call after its deadline has passed with no CDR."""
        if self.state is CallState.ACCEPTED and not self.legs and now >= self.deadline:
            return replace(self, state=CallState.NO_CDR, completed_at=self.deadline)
        return self


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
    """The one CDR date range that covers every pending call."""

    start: datetime
    end: datetime


def poll_window(calls: Iterable[TrackedCall], now: datetime) -> PollWindow | None:
    """The date range of the next CDR search, or None when no call is pending."""
    pending = [call.accepted_at for call in calls if call.state is CallState.ACCEPTED]
    if not pending:
        return None
    return PollWindow(start=min(pending) - WINDOW_MARGIN, end=now + WINDOW_MARGIN)


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

    def apply_cdrs(self, cdrs: Iterable[Cdr], now: datetime) -> set[str]:
        """Match CDR rows to calls by originate id and expire overdue calls; return changed ids."""
        changed: set[str] = set()
        for call_id, legs in cdrs_by_originated_id(cdrs, self.calls).items():
            updated = self.calls[call_id].with_legs(legs, now)
            if updated is not self.calls[call_id]:
                self.calls[call_id] = updated
                changed.add(call_id)
        for call in self.pending():
            updated = call.expired(now)
            if updated is not call:
                self.calls[call.call_id] = updated
                changed.add(call.call_id)
        return changed
