"""A running bridge responder and who to tell about the requests it answered.

The responder must listen before Simotel (or the demo's simulator) is told its URL, so it is
started outside the app; the app attaches a listener once it runs. No Textual here.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from simotui.calls.bridges import BridgeBook, BridgeRequestSeen
from simotui.errors import ConfigError
from simotui.listen import parse_listen
from simotui.responder.stats import ResponderStats
from simotui.settings import HooksSettings

Listener = Callable[[BridgeRequestSeen], None]


@dataclass
class BridgeLink:
    """The pending-call book the responder answers from, its URL, and the app's listener."""

    book: BridgeBook = field(default_factory=BridgeBook)
    url: str | None = None
    stats: ResponderStats = field(default_factory=ResponderStats)
    protection: str = ""
    """How the running responder is protected, in words ("Basic auth + 1 allowed address(es)")."""
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


@contextmanager
def running_bridge(hooks: HooksSettings) -> Iterator[BridgeLink]:
    """A BridgeLink whose responder listens as configured for as long as the block lasts.

    With no listen address the link has no responder (campaign calls still dial, unbridged).
    """
    link = BridgeLink()
    if hooks.listen is None:
        yield link
        return
    # Imported here: the console imports this module, and the server (uvicorn, Starlette) only
    # when a responder is actually started.
    from simotui.responder.responder import start_responder

    try:
        host, port = parse_listen(hooks.listen, any_port=True)
    except ValueError as exc:
        raise ConfigError(f"hooks listen address: {exc}") from None
    problem = open_listener_problem(hooks, host)
    if problem:
        raise ConfigError(problem)
    try:
        handle = start_responder(
            link.book,
            host,
            port,
            username=hooks.username,
            password=hooks.password,
            allowed_ips=hooks.allowed_ips,
            trusted_proxies=hooks.trusted_proxies,
            on_request=link.deliver,
            stats=link.stats,
        )
    except OSError as exc:
        raise ConfigError(
            f"the bridge responder cannot listen on {hooks.listen}: {exc.strerror or exc}"
        ) from None
    link.url = handle.url
    link.protection = hooks.protection
    try:
        yield link
    finally:
        handle.stop()
        link.url = None


def open_listener_problem(
    hooks: HooksSettings, host: str, *, what: str = "bridge responder", table: str = "hooks"
) -> str | None:
    """Why a listener (the responder, or the event receiver) must not listen on ``host`` as configured."""
    if _loopback(host) or hooks.protection != "open" or hooks.insecure:
        return None
    if what == "bridge responder":
        risk = "ask where a call goes and learn the second party's number"
    else:
        risk = "feed the console events of calls that never happened"
    return (
        f"the {what} would listen on {hooks.listen} with neither Basic auth nor an IP "
        f"allow-list: anyone who can reach it could {risk}. Set {table}.username and "
        f"{table}.password, or {table}.allowed_ips (Simotel's address) — or {table}.insecure = true "
        "to listen open anyway."
    )


def _loopback(host: str) -> bool:
    """Whether a listen host is reachable from this machine only."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
