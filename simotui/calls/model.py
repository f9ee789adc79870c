"""One call followed to its end: what is known about it, and the state that follows from that.

A :class:`Call` holds facts only — how the request went, the CDR rows and the campaign report row
polls found, the bridge the responder saw, how far successful polls have looked — and derives
its :class:`~simotui.calls.states.CallState` from them. Facts only accumulate, so a state can only
move forward, and two consoles that know the same facts say the same thing.

Deadlines pass on evidence, not on a wall clock: ``covered_until`` is the PBX time up to which
successful, complete polls have looked for the call. A call is given up on ("no CDR", "no trace",
"not bridged") only once that reaches its deadline — a poll that failed or timed out proves nothing.

Where the reference is silent, the time budgets below are ours:

- A CDR may take ``GRACE`` (30 s) after the last possible hang-up to reach the reports.
- The first party has stopped ringing ``RING_GRACE`` (10 s) after the originate's timeout.
- A dial without a call limit may talk for ``ASSUMED_CALL_LIMIT`` (1 h) before we stop looking.
- Simotel asks the responder the moment the first party answers; a report that says ANSWERED with
  no request seen ``BRIDGE_GRACE`` (30 s) later means the call was never handed on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from simotui.api.models import CampaignReportRow, Cdr, Disposition, OriginateRequest
from simotui.calls.dials import CAMPAIGN_RING, CallMode, CampaignDial, Dial, mode_of
from simotui.calls.pushed import FACT_LIMIT, Phase, PushFact
from simotui.calls.states import MEANINGS, CallState

GRACE = timedelta(seconds=30)
RING_GRACE = timedelta(seconds=10)
ASSUMED_CALL_LIMIT = 3600
BRIDGE_GRACE = timedelta(seconds=30)
DEFAULT_TIMEOUT = 30
# The cleanup note of a campaign whose removal has been asked for and not yet answered.
CLEANUP_PENDING = "removing campaign…"
CLEANUP_FAILED = "campaign NOT removed"


class Placement(StrEnum):
    """What became of the request that places a call."""

    SENDING = "sending"
    """Journalled and on its way (or the process died while it was)."""
    ACCEPTED = "accepted"
    """Simotel accepted it and gave the call's (or campaign's) id."""
    UNKNOWN = "unknown"
    """The answer was lost or unreadable after Simotel may have acted on it."""
    FOUND = "found"
    """Was unknown; the reports show Simotel placed it."""
    REFUSED = "refused"
    """Simotel answered with a documented error: nothing was placed."""
    NOT_SENT = "not sent"
    """The request never left (no connection, or the journal could not record it)."""

    @property
    def placed(self) -> bool:
        """Whether Simotel is known to have placed the call."""
        return self in (Placement.ACCEPTED, Placement.FOUND)


_DIRECT_ENDS = {
    "ANSWERED": CallState.ANSWERED,
    "NO ANSWER": CallState.SECOND_NO_ANSWER,
    "BUSY": CallState.SECOND_BUSY,
    "FAILED": CallState.SECOND_FAILED,
    "CONGESTION": CallState.SECOND_FAILED,
}
_FIRST_PARTY_ENDS = {
    "NO ANSWER": CallState.FIRST_NO_ANSWER,
    "BUSY": CallState.FIRST_BUSY,
    "LOST": CallState.FIRST_LOST,
    "FAILED": CallState.FIRST_FAILED,
}
_LEG_ENDS = frozenset(
    {
        CallState.ANSWERED,
        CallState.SECOND_NO_ANSWER,
        CallState.SECOND_BUSY,
        CallState.SECOND_FAILED,
        CallState.FIRST_FAILED,
        CallState.ENDED,
    }
)
# A direct call's state while pushed events tell how far it has gone (never final: polls end it).
_PROGRESS = {
    Phase.FIRST_RINGING: CallState.FIRST_RINGING,
    Phase.FIRST_ANSWERED: CallState.FIRST_ANSWERED,
    Phase.SECOND_RINGING: CallState.SECOND_RINGING,
    Phase.TALKING: CallState.BRIDGED,
    Phase.HUNG_UP: CallState.HUNG_UP,
}
_DIRECT_MEANINGS = {
    CallState.FIRST_ANSWERED: "the first party answered (pushed event); Simotel dials the second",
    CallState.BRIDGED: "both parties answered and are talking (pushed event); the CDR comes at hang-up",
}
_GIVEN_UP = frozenset({CallState.NO_CDR, CallState.NO_TRACE, CallState.NO_REPORT, CallState.NOT_BRIDGED})


def _latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


@dataclass(frozen=True, slots=True)
class Call:
    """A call this console (or an earlier run of it) asked Simotel to place.

    ``key`` is simotui's own id for the call, chosen before anything is sent: the journal, the
    bridge responder and the console know the call by it whether or not Simotel ever answered.
    Every time is the PBX's (see :mod:`simotui.calls.clock`).
    """

    key: str
    dial: Dial
    requested_at: datetime
    placement: Placement = Placement.SENDING
    answered_at: datetime | None = None
    """When the answer came back (or the wait for it ended), PBX time."""
    call_id: str = ""
    """The ``originated_call_id`` of a direct call, once known."""
    campaign_id: str = ""
    campaign_name: str = ""
    note: str = ""
    """Why it was refused, not sent, or why its answer is unknown."""
    legs: tuple[Cdr, ...] = ()
    report: CampaignReportRow | None = None
    report_seen_at: datetime | None = None
    bridge_unique_id: str | None = None
    bridged_at: datetime | None = None
    cleanup: str = ""
    covered_until: datetime | None = None
    """Successful, complete polls have looked for this call up to this PBX time."""
    pushed: tuple[PushFact, ...] = ()
    """What pushed events said about the call, in the order they arrived (see calls/pushed.py)."""
    push_uid: str | None = None
    """The PBX's ``unique_id`` the call's events carry, once one was matched to it."""
    state: CallState = field(init=False)
    ended_at: datetime | None = field(init=False)

    def __post_init__(self) -> None:
        state = self._derive_state()
        object.__setattr__(self, "state", state)
        object.__setattr__(self, "ended_at", self._derive_end(state))

    # -- what it is -----------------------------------------------------------------------------

    @property
    def mode(self) -> CallMode:
        """Direct originate or campaign."""
        return mode_of(self.dial)

    @property
    def caller(self) -> str:
        """The first party."""
        return self.dial.caller

    @property
    def callee(self) -> str:
        """The second party."""
        return self.dial.callee

    @property
    def started_at(self) -> datetime:
        """When the PBX started on the call: its acceptance when known, else the request."""
        if self.placement.placed and self.answered_at is not None:
            return self.answered_at
        return self.requested_at

    @property
    def talk_limit(self) -> int:
        """Seconds the conversation may last (the dial's call limit, else an hour)."""
        return self.dial.call_limit or ASSUMED_CALL_LIMIT

    # -- deadlines ----------------------------------------------------------------------------

    @property
    def ring_deadline(self) -> datetime:
        """A direct call: by now the first party has stopped ringing."""
        ring = self.dial.timeout if isinstance(self.dial, OriginateRequest) else None
        return self.started_at + timedelta(seconds=ring or DEFAULT_TIMEOUT) + RING_GRACE

    @property
    def deadline(self) -> datetime:
        """When, polls having looked this far without what the call waits for, it is given up on.

        Direct: timeout + talk limit + grace after acceptance (after the request when the answer
        was lost). Campaign: every try's ring and interval; once the first party answered, the
        bridge grace; once bridged, the second party's ring and the talk, plus grace.
        """
        dial = self.dial
        if isinstance(dial, OriginateRequest):
            ring = dial.timeout or DEFAULT_TIMEOUT
            base = self.started_at
            if self.placement is Placement.UNKNOWN and self.answered_at is not None:
                # The PBX may have accepted the call as late as the moment we stopped waiting.
                base = self.answered_at
            return base + timedelta(seconds=ring + self.talk_limit) + GRACE
        if self.bridged_at is not None:
            return self.bridged_at + timedelta(seconds=CAMPAIGN_RING + self.talk_limit) + GRACE
        if self.report is not None and self.report.disposition == Disposition.ANSWERED:
            return (self.report_seen_at or self.started_at) + BRIDGE_GRACE
        attempts = dial.tries * (CAMPAIGN_RING + dial.try_interval)
        return self.started_at + timedelta(seconds=attempts) + GRACE * 2

    def _past(self, moment: datetime) -> bool:
        return self.covered_until is not None and self.covered_until >= moment

    # -- the state ------------------------------------------------------------------------------

    def _derive_state(self) -> CallState:
        placement = self.placement
        if placement is Placement.SENDING:
            return CallState.SENDING
        if placement is Placement.NOT_SENT:
            return CallState.NOT_SENT
        if placement is Placement.REFUSED:
            return CallState.REFUSED
        if self.legs:
            return self._leg_state()
        if isinstance(self.dial, CampaignDial):
            return self._campaign_state()
        if placement is Placement.UNKNOWN:
            return CallState.NO_TRACE if self._past(self.deadline) else CallState.MAYBE_PLACED
        if self._past(self.deadline):
            return CallState.NO_CDR
        progress = self.progress
        if progress is not None:
            return _PROGRESS[progress]
        if self._past(self.ring_deadline):
            return CallState.NO_CDR_YET
        return CallState.WAITING

    @property
    def progress(self) -> Phase | None:
        """The furthest phase pushed events have told (None: no event has)."""
        phases = [fact.phase for fact in self.pushed if fact.phase is not None]
        return max(phases) if phases else None

    def phase_at(self, phase: Phase) -> datetime | None:
        """When an event first told that the call reached ``phase``."""
        return next((fact.at for fact in self.pushed if fact.phase is phase), None)

    def _leg_state(self) -> CallState:
        leg = self.main_leg
        assert leg is not None
        if leg.disposition is None:
            return CallState.ENDED
        if self.mode is CallMode.DIRECT and leg.disposition == Disposition.FAILED and leg.is_spool_failure:
            return CallState.FIRST_FAILED
        return _DIRECT_ENDS.get(leg.disposition.value, CallState.ENDED)

    def _campaign_state(self) -> CallState:
        dial = self.dial
        assert isinstance(dial, CampaignDial)
        report = self.report
        if report is not None and report.disposition is not None and not report.disposition.is_answered:
            if report.try_count >= dial.tries:
                return _FIRST_PARTY_ENDS.get(report.disposition.value, CallState.FIRST_LOST)
        if self.placement is Placement.UNKNOWN:
            return CallState.NO_TRACE if self._past(self.deadline) else CallState.MAYBE_PLACED
        if self.bridge_unique_id is not None:
            return CallState.NOT_BRIDGED if self._past(self.deadline) else CallState.BRIDGED
        if report is not None and report.disposition == Disposition.ANSWERED:
            return CallState.NOT_BRIDGED if self._past(self.deadline) else CallState.FIRST_ANSWERED
        if self._past(self.deadline):
            return CallState.NO_REPORT
        return CallState.RETRYING_FIRST if report is not None else CallState.DIALLING_FIRST

    def _derive_end(self, state: CallState) -> datetime | None:
        if not state.is_final:
            return None
        if state in _LEG_ENDS:
            ends = [leg.endtime for leg in self.legs if leg.endtime is not None]
            return max(ends) if ends else _latest(self.covered_until, self.started_at)
        if state in _GIVEN_UP:
            return self.deadline
        if state in (CallState.REFUSED, CallState.NOT_SENT):
            return self.answered_at or self.requested_at
        report = self.report
        if report is not None and report.tries and report.tries[-1].started_at is not None:
            last = report.tries[-1]
            assert last.started_at is not None
            return last.started_at + timedelta(seconds=last.wait)
        return _latest(self.report_seen_at, self.started_at)

    # -- what it says -------------------------------------------------------------------------

    @property
    def main_leg(self) -> Cdr | None:
        """The leg that tells the outcome: an answered row first, else the latest row."""
        if not self.legs:
            return None
        answered = [leg for leg in self.legs if leg.disposition == Disposition.ANSWERED]
        pool = answered or list(self.legs)
        return max(pool, key=lambda leg: (leg.start or self.started_at, leg.id))

    @property
    def first_party(self) -> Disposition | None:
        """How the first party of a campaign call ended, as its report row says."""
        return self.report.disposition if self.report is not None else None

    @property
    def disposition(self) -> Disposition | None:
        """The outcome: the main leg's CDR, else (campaign) how the first party ended."""
        leg = self.main_leg
        return leg.disposition if leg is not None else self.first_party

    @property
    def meaning(self) -> str:
        """What the state means for this call, in a sentence."""
        text = MEANINGS[self.state]
        if self.mode is CallMode.DIRECT:
            text = _DIRECT_MEANINGS.get(self.state, text)
            answered = any(
                f.phase is not None and Phase.FIRST_ANSWERED <= f.phase < Phase.HUNG_UP for f in self.pushed
            )
            if (
                self.state is CallState.HUNG_UP
                and not answered
                and not any(f.name == "Cdr" for f in self.pushed)
            ):
                text = (
                    "the first party's phone stopped ringing and no answer was pushed: if it never answered, "
                    "Simotel writes no CDR (still polled)"
                )
        if self.state is CallState.BRIDGED and self.bridged_at is not None:
            text = f"bridged to {self.callee}; waiting for the second leg's CDR"
        if self.state is CallState.RETRYING_FIRST and self.report is not None:
            last = self.report.tries[-1].disposition if self.report.tries else None
            text = f"try {self.report.try_count} of {self._tries}: {last or '—'}; the autodialer tries again"
        if self.note and self.state in (CallState.REFUSED, CallState.NOT_SENT, CallState.MAYBE_PLACED):
            text = f"{text} ({self.note})"
        return text

    @property
    def _tries(self) -> int:
        return self.dial.tries if isinstance(self.dial, CampaignDial) else 1

    def elapsed(self, now: datetime) -> timedelta:
        """Time since the PBX started on the call, frozen once it is final."""
        end = self.ended_at if self.ended_at is not None else now
        return max(end - self.started_at, timedelta(0))

    # -- what the next poll must look for ---------------------------------------------------------

    @property
    def wants_cdrs(self) -> bool:
        """Whether the next CDR search must cover this call."""
        if self.state.is_final or self.placement is Placement.SENDING:
            return False
        return self.mode is CallMode.DIRECT or self.bridge_unique_id is not None

    @property
    def wants_reports(self) -> bool:
        """Whether the next autodialer report search must cover this call."""
        if self.mode is not CallMode.CAMPAIGN or self.placement is Placement.SENDING:
            return False
        if not self.state.is_final:
            return True
        # A call bridged before its report row appeared keeps looking, for the cleanup's sake.
        return self.report is None and self.state in _LEG_ENDS and bool(self.campaign_id)

    @property
    def wants_campaign_search(self) -> bool:
        """Whether the next poll must look for this call's campaign by name (its answer was lost)."""
        return (
            self.mode is CallMode.CAMPAIGN and self.placement is Placement.UNKNOWN and not self.state.is_final
        )

    @property
    def wants_polling(self) -> bool:
        """Whether any search must cover this call."""
        return self.wants_cdrs or self.wants_reports or self.wants_campaign_search

    @property
    def ready_for_cleanup(self) -> bool:
        """Whether a campaign call's campaign can be removed: final, and its report row read.

        Removing a campaign can take its report rows with it, so a call bridged before its row
        appeared keeps the campaign until the row arrives (or the deadline plus grace passes).
        """
        if self.mode is not CallMode.CAMPAIGN or not self.campaign_id or not self.state.is_final:
            return False
        if self.report is not None or self.state not in _LEG_ENDS:
            return True
        return self._past(self.deadline + GRACE)

    @property
    def settled(self) -> bool:
        """Whether a restart has nothing left to do: final, and its campaign's cleanup done."""
        if not self.state.is_final:
            return False
        if self.mode is CallMode.CAMPAIGN and self.campaign_id:
            return self.cleanup not in ("", CLEANUP_PENDING)
        return True

    # -- new facts ------------------------------------------------------------------------------

    def with_legs(self, legs: Iterable[Cdr]) -> Call:
        """The call after a poll found these CDR rows for it (rows are merged by ``_id``)."""
        by_id = {leg.id: leg for leg in self.legs}
        changed = False
        for leg in legs:
            if by_id.get(leg.id) != leg:
                by_id[leg.id] = leg
                changed = True
        if not changed:
            return self
        merged = tuple(sorted(by_id.values(), key=lambda leg: (leg.start or self.started_at, leg.id)))
        return replace(self, legs=merged)

    def with_report(self, row: CampaignReportRow, now: datetime) -> Call:
        """The call after a poll found its campaign report row."""
        if row == self.report:
            return self
        return replace(self, report=row, report_seen_at=self.report_seen_at or now)

    def with_bridge(self, unique_id: str, at: datetime) -> Call:
        """The call after the responder handed it to its second party under ``unique_id``."""
        if self.bridge_unique_id == unique_id:
            return self
        return replace(self, bridge_unique_id=unique_id, bridged_at=self.bridged_at or at)

    def with_push(self, fact: PushFact, unique_id: str | None = None) -> Call:
        """The call after a pushed event said ``fact`` (bound to ``unique_id`` if not yet bound)."""
        uid = self.push_uid or unique_id
        same = any(old.text == fact.text and old.phase == fact.phase for old in self.pushed)
        if same and uid == self.push_uid:
            return self  # a duplicate: the first arrival is the fact
        facts = self.pushed if same else (*self.pushed, fact)[-FACT_LIMIT:]
        return replace(self, pushed=facts, push_uid=uid)

    def covered(self, until: datetime) -> Call:
        """The call after a successful, complete poll looked for it up to ``until``."""
        if self.covered_until is not None and self.covered_until >= until:
            return self
        return replace(self, covered_until=until)

    def found(self, *, call_id: str = "", campaign_id: str = "", at: datetime | None = None) -> Call:
        """The call whose lost answer the reports resolved: Simotel did place it."""
        return replace(
            self,
            placement=Placement.FOUND,
            call_id=call_id or self.call_id,
            campaign_id=campaign_id or self.campaign_id,
            answered_at=at or self.answered_at,
        )


def originate_epoch(call_id: str) -> datetime | None:
    """The PBX time an ``orig.call.<epoch>.<n>`` id was issued at (None for other forms)."""
    parts = call_id.split(".")
    if (
        len(parts) == 4
        and parts[0] == "orig"
        and parts[1] == "call"
        and parts[2].isascii()
        and parts[2].isdigit()
    ):
        return datetime.fromtimestamp(int(parts[2]), UTC)
    return None
