"""Messages that cross widgets: what workers learned, posted to the handlers that own state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.message import Message

from simotui.api.models import CampaignReportRow, CampaignRequest, Cdr, OriginateRequest, OriginateResult
from simotui.errors import SimotuiError
from simotui.tracking import CampaignDial, Dial


@dataclass
class CallsPolled(Message):
    """A poll cycle fetched the CDRs and campaign report rows covering every pending call."""

    cdrs: tuple[Cdr, ...]
    reports: tuple[CampaignReportRow, ...]
    polled_at: datetime
    latency: float
    requests: int
    rejected: tuple[str, ...] = ()
    """Why records were skipped (one message each); empty when every record was read."""

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
    """The user confirmed a dial: send exactly one originate (or one ``campaigns/add``) for it."""

    dial: Dial
    campaign_request: CampaignRequest | None = None


@dataclass
class CallOriginated(Message):
    """Simotel accepted an originate."""

    request: OriginateRequest
    result: OriginateResult
    accepted_at: datetime


@dataclass
class CampaignCreated(Message):
    """Simotel stored the one-contact campaign of a campaign-mode dial."""

    dial: CampaignDial
    call_key: str
    campaign_id: str
    accepted_at: datetime


@dataclass
class DialFailed(Message):
    """An originate or campaign was refused, or its outcome is unknown (timeout): never retried."""

    dial: Dial
    error: SimotuiError


@dataclass
class BridgeRequested(Message):
    """Simotel asked the bridge responder for a call's second party (``call_key`` None: refused)."""

    call_key: str | None
    unique_id: str
    src: str
    refused: str | None


@dataclass
class CampaignFinished(Message):
    """A campaign call is final: its one-contact campaign may be removed."""

    call_key: str
    campaign_id: str


@dataclass
class CampaignCleanedUp(Message):
    """The outcome of removing a finished call's campaign: a note for the row."""

    call_key: str
    note: str
    failed: bool


@dataclass
class DialPrefilled(Message):
    """Fill the dial form from elsewhere (a recent dial, a CDR), without sending anything."""

    request: OriginateRequest


@dataclass
class LiveCallWanted(Message):
    """Show a tracked call's row in the live panel."""

    call_id: str


@dataclass
class RedialWanted(Message):
    """Put a past dial in the form and ask to confirm it (nothing is sent before that)."""

    dial: Dial
