"""What a pushed Simotel event says about a call this console placed: its progress, as a fact.

Events (§7) tell a call's life as it happens — the first party's phone rings, it answers, the
second party's rings, it answers, both hang up, the CDR is written — but they may be lost,
duplicated or reordered, and they carry no time of their own (but the Cdr). So an event only
ever adds a :class:`PushFact`: a :class:`Phase` reached, at the PBX time it arrived. A call's
progress is the furthest phase any fact reached, so a late or repeated event never moves it
back; and progress never decides a final state: only what polls find (the CDR, the report row,
a deadline polls have looked past) ends a call (see :mod:`simotui.calls.model`). A pushed Cdr
wakes the poller instead, which reads the real row at once.

Matching (the events name no call of ours but the Cdr/OutgoingCall's ``originated_call_id``):

- a direct call's ``originated_call_id`` (OutgoingCall, Cdr), once its answer gave it;
- else the PBX's ``unique_id`` the call was bound to by its first event;
- else, to bind it: a NewState of the caller's extension with the callee as ``participant``
  (Ringing or InUse), or an OutgoingCall to the caller, for the oldest direct call of those
  parties that is still within its first party's ring window and not bound yet. (The first
  NewState is emitted before the originate's answer reaches us, so a call still *sending*
  can be bound; its state shows the progress once it is accepted.)

Campaign calls are not followed by events yet (their report rows and the bridge request do).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import TYPE_CHECKING

from simotui.events import models as ev

if TYPE_CHECKING:
    from simotui.calls.model import Call


class Phase(IntEnum):
    """How far a call has gone, as events tell it (ordered: a call only moves forward)."""

    FIRST_RINGING = 1
    FIRST_ANSWERED = 2
    SECOND_RINGING = 3
    TALKING = 4
    HUNG_UP = 5


#: Facts a call keeps (a storm of duplicates must not grow it without end).
FACT_LIMIT = 40


@dataclass(frozen=True, slots=True)
class PushFact:
    """One event's news about a call: what it said, when it arrived (PBX time), the phase it implies."""

    at: datetime
    text: str
    phase: Phase | None = None
    name: str = ""
    """The event's name (NewState, Cdr...)."""


def phase_of(event: ev.Event, caller: str, callee: str) -> tuple[Phase | None, str] | None:
    """The phase ``event`` implies for a call between ``caller`` and ``callee``, and its words.

    None when the event says nothing about this call (another extension, an event kind that
    tells no progress).
    """
    if isinstance(event, ev.NewState):
        state = event.state
        if event.exten == caller:
            who, ringing, answered = "1st", Phase.FIRST_RINGING, Phase.FIRST_ANSWERED
        elif event.exten == callee:
            who, ringing, answered = "2nd", Phase.SECOND_RINGING, Phase.TALKING
        else:
            return None
        if state is ev.ExtenState.RINGING:
            return ringing, f"{who} party {event.exten} ringing"
        if state is ev.ExtenState.IN_USE:
            return answered, f"{who} party {event.exten} answered" + (
                " (dialling out)" if event.dialer else ""
            )
        if state is ev.ExtenState.IDLE:
            return Phase.HUNG_UP, f"{who} party {event.exten} idle"
        return None, f"{who} party {event.exten} {state.value}"
    if isinstance(event, ev.OutgoingCall):
        via = f" via {event.outgoing_point}" if event.outgoing_point else ""
        if event.number == caller:
            return Phase.FIRST_RINGING, f"1st leg out to {caller}{via}"
        if event.number == callee:
            return Phase.SECOND_RINGING, f"2nd leg out to {callee}{via}"
        return None
    if isinstance(event, ev.CdrEvent):
        words = event.disposition.value if event.disposition is not None else "no disposition"
        talk = f", talked {event.billsec} s" if event.billsec else ""
        return Phase.HUNG_UP, f"CDR pushed: {words}{talk}"
    if isinstance(event, ev.Transfer):
        return None, f"transferred {event.transferred_from or '?'} → {event.transferred_to or '?'}"
    return None


def binds(event: ev.Event, caller: str, callee: str) -> bool:
    """Whether ``event`` can be a call's first sign of life (see the module docstring)."""
    if isinstance(event, ev.NewState):
        return (
            event.exten == caller
            and event.state in (ev.ExtenState.RINGING, ev.ExtenState.IN_USE)
            and event.participant in (None, callee)
        )
    return isinstance(event, ev.OutgoingCall) and event.number == caller


def cdr_not_pushed(call: Call) -> bool:
    """Whether a direct call ended by a polled CDR no pushed Cdr had announced (a gap in the events,
    or a Cdr still on its way when the poll found the row)."""
    return (
        call.state.is_final
        and bool(call.legs)
        and bool(call.call_id)
        and not any(fact.name == "Cdr" for fact in call.pushed)
    )
