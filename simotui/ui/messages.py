"""Messages that cross widgets: what workers learned, posted to the handlers that own state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.message import Message

from simotui.api.models import Cdr, OriginateRequest, OriginateResult
from simotui.errors import SimotuiError


@dataclass
class CallsPolled(Message):
    """A poll cycle fetched the CDRs covering every pending call."""

    cdrs: tuple[Cdr, ...]
    polled_at: datetime
    latency: float
    requests: int

    def can_replace(self, message: Message) -> bool:
        """Only the newest snapshot matters if the UI falls behind."""
        return isinstance(message, CallsPolled)


@dataclass
class PollFailed(Message):
    """A poll cycle failed; the poller backs off and keeps going."""

    error: SimotuiError
    failed_at: datetime
    retry_in: float


@dataclass
class ConnectionChecked(Message):
    """The start-up ping finished: ``error`` is None when the server answered."""

    latency: float | None
    error: SimotuiError | None


@dataclass
class DialRequested(Message):
    """The user confirmed a dial: send exactly one originate for it."""

    request: OriginateRequest


@dataclass
class CallOriginated(Message):
    """Simotel accepted an originate."""

    request: OriginateRequest
    result: OriginateResult
    accepted_at: datetime


@dataclass
class DialFailed(Message):
    """An originate was refused, or its outcome is unknown (timeout): never retried."""

    request: OriginateRequest
    error: SimotuiError


@dataclass
class DialPrefilled(Message):
    """Fill the dial form from elsewhere (a recent dial, a CDR), without sending anything."""

    request: OriginateRequest


@dataclass
class LiveCallWanted(Message):
    """Show a tracked call's row in the live panel."""

    call_id: str
