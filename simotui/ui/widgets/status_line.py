"""StatusLine: connection state, server, profile, last poll and its latency — on every screen."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from textual.signal import Signal
from textual.widgets import Static

from simotui import display

STATE_SYMBOLS = {"connected": "●", "connecting": "…", "unreachable": "✕", "error": "✕"}


@dataclass(frozen=True, slots=True)
class ConnectionStatus:
    """What the status line says; the app replaces it and publishes the new one."""

    server: str
    profile: str
    state: str = "connecting"
    detail: str = ""
    last_poll: datetime | None = None
    latency: float | None = None
    pending: int = 0
    responder: str = ""
    """The bridge responder: where it listens, how it is protected, what it refused."""
    read_only: bool = False
    """A read-only profile (said first: it changes what every key does)."""
    events: str = ""
    """Pushed events' health: rate, age of the last, refusals (empty: no receiver)."""

    def with_changes(self, **changes: object) -> ConnectionStatus:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


def status_text(status: ConnectionStatus, tz: tzinfo) -> str:
    """The text of the line."""
    parts = [f"{STATE_SYMBOLS.get(status.state, '?')} {status.state}"]
    if status.read_only:
        parts.insert(0, "READ-ONLY")
    # What went wrong comes right after the state: at 80 columns the end of the line is cut off,
    # and a fault that is said past the edge is not said.
    if status.detail:
        parts.append(status.detail)
    parts.append(f"{status.profile} @ {status.server}")
    # A latency is the last answer's: beside "✕ unreachable" it would claim an answer there is not.
    if status.latency is not None and status.state not in ("unreachable", "error"):
        parts.append(f"{status.latency * 1000:.0f} ms")
    if status.last_poll is not None:
        parts.append(f"polled {display.clock_time(status.last_poll, tz)}")
    if status.pending:
        parts.append(f"{status.pending} pending")
    if status.events:
        parts.append(status.events)
    if status.responder:
        parts.append(status.responder)
    return "  │  ".join(parts)


class StatusLine(Static):
    """One line at the foot of a screen; every screen has its own, all fed by one signal."""

    def __init__(self, signal: Signal[ConnectionStatus], current: ConnectionStatus, tz: tzinfo) -> None:
        super().__init__("", classes="status-line", markup=False)
        self.signal = signal
        self.current = current
        self.tz = tz

    def on_mount(self) -> None:
        self.signal.subscribe(self, self.show)
        self.show(self.current)

    def show(self, status: ConnectionStatus) -> None:
        """Render a status."""
        self.current = status
        self.update(status_text(status, self.tz))
        for state in STATE_SYMBOLS:
            self.set_class(status.state == state, f"-{state}")
