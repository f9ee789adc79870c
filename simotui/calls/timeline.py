"""A call's timeline (sngrep's ladder, in words): every fact known about it, in time order,
each saying where it came from.

Sources: ``request`` (what this console sent and what came back), ``push`` (Simotel's pushed
events, timed when they arrived), ``poll`` (the CDR rows and report row polls found, timed by the
PBX's own times in them), ``bridge`` (the responder handing a campaign call on). Pure: built
from a :class:`~simotui.calls.model.Call` when shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from simotui.calls.model import Call, Placement
from simotui.calls.pushed import Phase

REQUEST, PUSH, POLL, BRIDGE = "request", "push", "poll", "bridge"


@dataclass(frozen=True, slots=True)
class Moment:
    """One fact on the timeline."""

    at: datetime
    source: str
    text: str


def timeline(call: Call) -> list[Moment]:
    """Every fact known about ``call``, oldest first (ties: request, push, poll, bridge)."""
    moments = [
        Moment(call.requested_at, REQUEST, f"{'campaign add' if call.campaign_name else 'originate'} sent")
    ]
    if call.answered_at is not None and call.placement is not Placement.SENDING:
        answers = {
            Placement.ACCEPTED: f"accepted ({call.call_id or call.campaign_id or 'no id'})",
            Placement.FOUND: f"found in the reports ({call.call_id or call.campaign_id})",
            Placement.UNKNOWN: "answer lost: may have been placed",
            Placement.REFUSED: "refused",
            Placement.NOT_SENT: "not sent",
        }
        moments.append(Moment(call.answered_at, REQUEST, answers[call.placement]))
    for fact in call.pushed:
        moments.append(Moment(fact.at, PUSH, fact.text))
    for number, leg in enumerate(call.legs, start=1):
        name = f"CDR leg {number}" if len(call.legs) > 1 else "CDR"
        if leg.start is not None:
            moments.append(Moment(leg.start, POLL, f"{name}: started ({leg.src} → {leg.dst})"))
        if leg.answer is not None:
            moments.append(Moment(leg.answer, POLL, f"{name}: answered"))
        if leg.endtime is not None:
            ended = leg.disposition.value if leg.disposition is not None else "no disposition"
            moments.append(Moment(leg.endtime, POLL, f"{name}: ended {ended}, billsec {leg.billsec} s"))
    if call.report is not None and call.report_seen_at is not None:
        row = call.report
        first = row.disposition.value if row.disposition is not None else "no disposition"
        moments.append(Moment(call.report_seen_at, POLL, f"report row: {first} after {row.try_count} try(s)"))
    if call.bridged_at is not None:
        moments.append(Moment(call.bridged_at, BRIDGE, f"responder handed it on as {call.bridge_unique_id}"))
    order = {REQUEST: 0, PUSH: 1, POLL: 2, BRIDGE: 3}
    return sorted(moments, key=lambda m: (m.at, order[m.source]))


_PHASE_WORDS = {
    Phase.FIRST_RINGING: "1st ringing",
    Phase.FIRST_ANSWERED: "answered",
    Phase.SECOND_RINGING: "2nd ringing",
    Phase.TALKING: "bridged",
    Phase.HUNG_UP: "hung up",
}


def phase_times(call: Call) -> list[tuple[str, datetime]]:
    """Each phase pushed events told, in order, with when it was first told (for the row's hint)."""
    out = []
    for phase in Phase:
        at = call.phase_at(phase)
        if at is not None:
            out.append((_PHASE_WORDS[phase], at))
    return out
