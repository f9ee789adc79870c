"""The typed settings of one connection: where the PBX is, how to log in, and dial defaults.

One frozen object carries everything the console needs, so the CLI, the demo and (later) named
profiles from a config file all produce the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from simotui.api.client import Credentials
from simotui.api.dates import DEFAULT_PBX_TIMEZONE
from simotui.numbers import DEFAULT_COUNTRY_CODE
from simotui.secret import Secret


@dataclass(frozen=True, slots=True)
class DialDefaults:
    """Values the dial form starts with."""

    context: str = "main_routing"
    """Dialplan context that reaches the callee (an Outgoing Route must match it)."""
    caller_id: str = ""
    """Caller ID to present; empty means "the caller's own number"."""
    trunk_name: str = ""
    """Trunk that reaches a PSTN caller; empty for extensions."""
    timeout: int = 30
    """Seconds the first party may ring."""
    call_limit: int | None = None
    """Maximum talk time in seconds; None sends none."""


@dataclass(frozen=True, slots=True)
class CampaignDefaults:
    """Values the dial form starts with in campaign mode (reference §5.8)."""

    trunk_manager_id: str = ""
    """Autodialer trunk manager; empty picks the first active one the PBX lists."""
    announcement_id: str = ""
    """Announcement played to the first party; empty plays none."""
    interface_context: str = "simotui"
    """Context of the Autodialer Route component that hands the call to the responder."""
    interface_text: str = "bridge"
    """Row (output) of that component; empty takes its first ``any`` row."""
    tries: int = 1
    """Attempts at the first party."""
    try_interval: int = 60
    """Seconds between attempts."""
    remove_when_done: bool = True
    """Remove the one-contact campaign once its call is final."""


@dataclass(frozen=True, slots=True)
class HooksSettings:
    """The bridge responder: the web service Simotel's Exten API / Trunk API component calls."""

    listen: str | None = None
    """``HOST:PORT`` to listen on; None leaves the responder off (campaign mode needs it)."""
    username: str = ""
    """Basic-auth username Simotel is told to send; empty accepts requests without auth."""
    password: Secret | None = None
    """Basic-auth password."""
    allowed_ips: tuple[str, ...] = ()
    """Addresses or networks allowed to call; empty allows any."""
    trusted_proxies: tuple[str, ...] = ()
    """Proxies whose ``X-Forwarded-For`` is believed (the peer's own address otherwise)."""
    insecure: bool = False
    """Allow listening beyond loopback with neither Basic auth nor an allow-list."""

    @property
    def protection(self) -> str:
        """How the responder is protected, in words (the status line shows it)."""
        parts = []
        if self.username or self.password is not None:
            parts.append("Basic auth")
        if self.allowed_ips:
            parts.append(f"{len(self.allowed_ips)} allowed address(es)")
        return " + ".join(parts) or "open"


@dataclass(frozen=True, slots=True)
class EventsSettings(HooksSettings):
    """The event receiver Simotel pushes its events to (§7); hardened as the responder is."""

    relay: str | None = None
    """Forward every event as received to this URL too (a site's existing integration)."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything one console session needs to talk to one Simotel."""

    base_url: str
    """The PBX, e.g. ``https://pbx.example.com``."""
    credentials: Credentials
    """Authentication mode and secrets."""
    profile: str = "default"
    """Name shown in the status line."""
    request_timeout: float = 10.0
    """Seconds to wait for any one request."""
    verify: bool | str = True
    """TLS verification: True, False, or a CA bundle path."""
    pbx_timezone: str = DEFAULT_PBX_TIMEZONE
    """The PBX's time zone, in which it reads and writes local dates."""
    poll_interval: float | None = 3.0
    """Seconds between polls of tracked calls; None polls only on demand."""
    page_size: int = 500
    """Records per page when the poller fetches CDRs."""
    dial: DialDefaults = field(default_factory=DialDefaults)
    """Dial form defaults."""
    campaign: CampaignDefaults = field(default_factory=CampaignDefaults)
    """Campaign-mode defaults."""
    hooks: HooksSettings = field(default_factory=HooksSettings)
    """The bridge responder."""
    events: EventsSettings = field(default_factory=EventsSettings)
    """The event receiver (off unless ``events.listen`` is set)."""
    country_code: str = DEFAULT_COUNTRY_CODE
    """The PBX's country: a number typed as ``+CC…`` or ``00CC…`` is dialled as ``0…``; empty
    rewrites nothing."""
    downloads: Path | None = None
    """Where exports and recordings are saved; None is :func:`simotui.paths.downloads_dir`."""
    read_only: bool = False
    """The profile's ``readonly``: nothing that changes the PBX is offered or sent."""
    archive_after: float | None = None
    """Seconds after its end a settled call leaves the live panel (None: it stays; the journal
    and the history keep it either way)."""
    bell_on: tuple[str, ...] = ()
    """Call states (or groups: failed, not answered, unknown, ended) that ring the bell and
    notify when a call reaches one; empty: no bell (see :mod:`simotui.calls.bell`)."""
