"""Messages that cross widgets: what the call core and the workers learnt, for the widgets to show."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from simotui.api.models import OriginateRequest
from simotui.calls.dials import Dial
from simotui.calls.poller import CycleReport
from simotui.calls.tracker import SendOutcome
from simotui.errors import SimotuiError


@dataclass
class CallsChanged(Message):
    """The tracker changed these calls (any source: a send, a poll, the responder, a restore)."""

    keys: frozenset[str]


@dataclass
class PollCycled(Message):
    """A poll cycle ended: applied, or failed (the loop backs off and keeps going)."""

    report: CycleReport


@dataclass
class DialSettled(Message):
    """A confirmed dial's request was sent, once, and its answer is known (or known to be lost)."""

    outcome: SendOutcome


@dataclass
class ConnectionChecked(Message):
    """The start-up ping finished: ``error`` is None when the server answered."""

    latency: float | None
    error: SimotuiError | None


@dataclass
class BridgeRequested(Message):
    """Simotel asked the bridge responder for a call's second party (``call_key`` None: refused)."""

    call_key: str | None
    unique_id: str
    src: str
    refused: str | None


@dataclass
class DialPrefilled(Message):
    """Fill the dial form from elsewhere (a recent dial, a CDR), without sending anything."""

    request: OriginateRequest


@dataclass
class LiveCallWanted(Message):
    """Show a tracked call's row in the live panel (by its originated call id)."""

    call_id: str


@dataclass
class RedialWanted(Message):
    """Put a past dial in the form and ask to confirm it (nothing is sent before that)."""

    dial: Dial


@dataclass
class EventsArrived(Message):
    """The event receiver has events waiting (posted once per burst; the app drains them all)."""
