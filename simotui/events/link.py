"""A running event receiver and who to tell about the events it took.

Like the bridge responder, the receiver must listen before Simotel (or the demo's simulator) is
told its URL, so it is started outside the app and the app attaches once it runs. Events are
handed over in batches: the receiver's threads append to a buffer and wake the listener only
when the buffer goes from empty to not empty, so a burst of hundreds costs the console one
message, and the console takes every event buffered in one go (:meth:`EventLink.drain`).
No Textual here.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from simotui.errors import ConfigError
from simotui.events.models import Event
from simotui.events.stats import EventStats
from simotui.listen import parse_listen
from simotui.settings import EventsSettings

#: Events kept for the console beyond this are dropped, oldest first (the polls fill the gap).
BUFFER_LIMIT = 50_000

Wake = Callable[[], None]


@dataclass
class EventLink:
    """The receiver's URL, its counts, and the events waiting for the console."""

    url: str | None = None
    stats: EventStats = field(default_factory=EventStats)
    protection: str = ""
    relay: str | None = None
    _wake: Wake | None = None
    _buffer: deque[Event] = field(default_factory=lambda: deque(maxlen=BUFFER_LIMIT))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def running(self) -> bool:
        """Whether a receiver is listening for Simotel."""
        return self.url is not None

    def listen(self, wake: Wake | None) -> None:
        """Call ``wake`` (from the receiver's thread) when events wait; None detaches."""
        with self._lock:
            self._wake = wake
            waiting = bool(self._buffer)
        if wake is not None and waiting:
            wake()

    def deliver(self, event: Event) -> None:
        """Called by the receiver for each event it accepted."""
        with self._lock:
            was_empty = not self._buffer
            self._buffer.append(event)
            wake = self._wake if was_empty else None
        if wake is not None:
            wake()

    def drain(self) -> list[Event]:
        """Every event waiting, oldest first."""
        with self._lock:
            events = list(self._buffer)
            self._buffer.clear()
        return events


@contextmanager
def running_receiver(events: EventsSettings) -> Iterator[EventLink]:
    """An EventLink whose receiver listens as configured for as long as the block lasts.

    With no listen address the link has no receiver (the console polls, as without events).

    Raises:
        ConfigError: the address is bad, an open listener beyond loopback was not allowed, or
            the port cannot be had.
    """
    link = EventLink(relay=events.relay)
    if events.listen is None:
        yield link
        return
    from simotui.events.receiver import start_receiver
    from simotui.responder.link import open_listener_problem

    try:
        host, port = parse_listen(events.listen, any_port=True)
    except ValueError as exc:
        raise ConfigError(f"events listen address: {exc}") from None
    problem = open_listener_problem(events, host, what="event receiver", table="events")
    if problem:
        raise ConfigError(problem)
    try:
        handle = start_receiver(
            link.deliver,
            host,
            port,
            username=events.username,
            password=events.password,
            allowed_ips=events.allowed_ips,
            trusted_proxies=events.trusted_proxies,
            stats=link.stats,
            relay_url=events.relay,
        )
    except OSError as exc:
        raise ConfigError(
            f"the event receiver cannot listen on {events.listen}: {exc.strerror or exc}"
        ) from None
    link.url = handle.url
    link.protection = events.protection
    try:
        yield link
    finally:
        handle.stop()
        link.url = None
