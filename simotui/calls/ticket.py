"""A call's timeline as text or Markdown, for a ticket: every moment the console knows, in order.

Pure: built from the call (its request, Simotel's answer, the events it pushed, the campaign's
tries, the bridge, each
CDR leg's start, answer and end, its final state). Times are the PBX's, in its zone; ``mask``
hides phone numbers (the console passes its masking switch), ids and extensions stay readable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from simotui import display
from simotui.calls.dials import CampaignDial
from simotui.calls.model import Call, Placement

Mask = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Moment:
    """One line of the timeline."""

    at: datetime | None
    what: str


def moments(call: Call) -> list[Moment]:
    """Everything known of a call, oldest first (moments with no time last, in order)."""
    dial = call.dial
    out: list[Moment] = []
    if isinstance(dial, CampaignDial):
        asked = f"campaign requested (autodialer/campaigns/add): {dial.caller} first, then {dial.callee}"
    else:
        asked = (
            f"originate requested (call/originate/act): {dial.caller} → {dial.callee}, context {dial.context}"
        )
    if dial.trunk_name:
        asked += f", trunk {dial.trunk_name}"
    out.append(Moment(call.requested_at, f"{asked} [key {call.key}]"))
    answer = {
        Placement.ACCEPTED: f"Simotel accepted it: {call.call_id or call.campaign_id}",
        Placement.FOUND: f"its answer was lost; found in the reports: {call.call_id or call.campaign_id}",
        Placement.UNKNOWN: f"its answer was lost: may have been placed ({call.note})",
        Placement.REFUSED: f"refused by Simotel: {call.note}",
        Placement.NOT_SENT: f"not sent: {call.note}",
        Placement.SENDING: "being sent",
    }[call.placement]
    out.append(Moment(call.answered_at, answer))
    for fact in call.pushed:
        out.append(Moment(fact.at, f"pushed by Simotel: {fact.text}"))
    if call.report is not None:
        for number, attempt in enumerate(call.report.tries, start=1):
            cause = f", cause {attempt.cause} {attempt.cause_text or ''}".rstrip() if attempt.cause else ""
            out.append(
                Moment(
                    attempt.started_at,
                    f"first party try {number}: {display.disposition(attempt.disposition)}{cause}, "
                    f"wait {attempt.wait} s",
                )
            )
    if call.bridged_at is not None:
        out.append(Moment(call.bridged_at, f"bridged to {call.callee} as {call.bridge_unique_id}"))
    for number, leg in enumerate(call.legs, start=1):
        name = f"leg {number} ({leg.src} → {leg.dst}, cuid {leg.cuid})"
        out.append(Moment(leg.start, f"{name} started"))
        if leg.answer is not None:
            out.append(Moment(leg.answer, f"{name} answered"))
        if leg.endtime is not None:
            out.append(
                Moment(
                    leg.endtime,
                    f"{name} ended: {display.disposition(leg.disposition)}, billsec {leg.billsec} s, "
                    f"wait {leg.wait} s" + (f", recording {leg.record}" if leg.record else ""),
                )
            )
    if call.state.is_final:
        out.append(Moment(call.ended_at, f"final: {call.state.value} — {call.meaning}"))
    else:
        out.append(Moment(None, f"now: {call.state.value} — {call.meaning}"))
    if call.cleanup:
        out.append(Moment(None, call.cleanup))
    # By the second, stably: the PBX writes whole seconds, so a leg that started within the
    # request's second stays after the request that caused it.
    timed = sorted((m for m in out if m.at is not None), key=lambda m: int(m.at.timestamp()) if m.at else 0)
    return timed + [m for m in out if m.at is None]


def _title(call: Call) -> str:
    kind = "Campaign call" if isinstance(call.dial, CampaignDial) else "Call"
    ident = call.call_id or call.campaign_id or f"key {call.key}"
    return f"{kind} {call.caller} → {call.callee} ({ident}): {call.state.value}"


def _when(moment: datetime | None, tz: tzinfo) -> str:
    return display.gregorian(moment, tz) if moment is not None else " " * 19


def timeline_text(call: Call, tz: tzinfo, mask: Mask = str) -> str:
    """Plain text: a title line, then ``YYYY-MM-DD HH:MM:SS  what`` a line."""
    lines = [_title(call), *(f"{_when(m.at, tz)}  {m.what}" for m in moments(call))]
    return mask("\n".join(lines)) + "\n"


def timeline_markdown(call: Call, tz: tzinfo, mask: Mask = str) -> str:
    """Markdown: a heading and a two-column table (times in the PBX's zone)."""
    zone = getattr(tz, "key", None) or str(tz)
    lines = [f"### {_title(call)}", "", f"| Time ({zone}) | Event |", "|---|---|"]
    for m in moments(call):
        what = m.what.replace("|", "\\|")
        lines.append(f"| {display.gregorian(m.at, tz) if m.at else ''} | {what} |")
    return mask("\n".join(lines)) + "\n"
