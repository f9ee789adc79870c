"""The bridge responder as the console sees it: the book of pending calls, and who to tell.

The responder must listen before Simotel (or the demo's simulator) is told its URL, so it is
started outside the app; the app attaches a listener once it runs. No Textual here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from simotui.errors import ConfigError
from simotui.hooks import BridgeBook, BridgeRequestSeen, start_responder
from simotui.settings import HooksSettings

Listener = Callable[[BridgeRequestSeen], None]


@dataclass
class BridgeLink:
    """The pending-call book the responder answers from, its URL, and the app's listener."""

    book: BridgeBook = field(default_factory=BridgeBook)
    url: str | None = None
    _listener: Listener | None = None
    _early: list[BridgeRequestSeen] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def running(self) -> bool:
        """Whether a responder is listening for Simotel."""
        return self.url is not None

    def listen(self, listener: Listener | None) -> None:
        """Send every request seen to ``listener`` (from the responder's thread); None detaches."""
        with self._lock:
            self._listener = listener
            early, self._early = self._early, []
        if listener is not None:
            for seen in early:
                listener(seen)

    def deliver(self, seen: BridgeRequestSeen) -> None:
        """Called by the responder for each request; kept until a listener attaches."""
        with self._lock:
            listener = self._listener
            if listener is None:
                self._early.append(seen)
                return
        listener(seen)


def parse_listen(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6) into its parts.

    Raises:
        ConfigError: the text is not such an address.
    """
    host, sep, port = text.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(f"hooks listen address must be HOST:PORT, not {text!r}")
    return host, int(port)


@contextmanager
def running_bridge(hooks: HooksSettings) -> Iterator[BridgeLink]:
    """A BridgeLink whose responder listens as configured for as long as the block lasts.

    With no listen address the link has no responder (campaign calls still dial, unbridged).
    """
    link = BridgeLink()
    if hooks.listen is None:
        yield link
        return
    host, port = parse_listen(hooks.listen)
    try:
        handle = start_responder(
            link.book,
            host,
            port,
            username=hooks.username,
            password=hooks.password,
            allowed_ips=hooks.allowed_ips,
            on_request=link.deliver,
        )
    except OSError as exc:
        raise ConfigError(
            f"the bridge responder cannot listen on {hooks.listen}: {exc.strerror or exc}"
        ) from None
    link.url = handle.url
    try:
        yield link
    finally:
        handle.stop()
        link.url = None
