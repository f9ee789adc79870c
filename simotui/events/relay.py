"""Forwarding every delivery as received to another URL: Simotel sends events to one URL only.

A site with an integration already listening must not lose it when simotui takes the events.
Each delivery that passed the receiver's checks (parsed or not: the other service may read
what simotui does not) is forwarded with the same method, the same path below the receiver's
base, the same query string, the same ``Content-Type`` and the very same body bytes. The
incoming ``Authorization`` is not forwarded (those are simotui's credentials); credentials in
the relay URL are sent as Basic auth instead.

Fire-and-forget: the receiver only queues (never waits); one daemon thread sends, in order,
with a short timeout and no retries. A full queue drops the delivery; drops and failures
(a non-2xx answer, a timeout, a refused connection) are counted in :class:`EventStats`.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass

import httpx

from simotui.events.stats import EventStats

log = logging.getLogger(__name__)

QUEUE_LIMIT = 1000
TIMEOUT = 2.0


@dataclass(frozen=True, slots=True)
class Forward:
    """One delivery as received."""

    method: str
    path: str
    """Below the receiver's base, e.g. ``/NewState`` or ``/``."""
    query: bytes
    """The raw query string (without ``?``)."""
    content_type: str | None
    body: bytes


def target_url(base: str, forward: Forward) -> str:
    """Where ``forward`` goes: the relay URL, the delivery's path below it, its query string."""
    path = forward.path if forward.path not in ("", "/") else ""
    url = base.rstrip("/") + path if path else base
    if forward.query:
        url += ("&" if "?" in url else "?") + forward.query.decode("latin-1")
    return url


class Relay:
    """A queue and the thread that empties it to ``url``."""

    def __init__(
        self, url: str, stats: EventStats, *, timeout: float = TIMEOUT, queue_limit: int = QUEUE_LIMIT
    ) -> None:
        self.url = url
        self.stats = stats
        self.timeout = timeout
        self._queue: queue.Queue[Forward | None] = queue.Queue(maxsize=queue_limit)
        self._thread = threading.Thread(target=self._run, name="simotui-event-relay", daemon=True)
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def submit(self, forward: Forward) -> None:
        """Queue one delivery; never blocks (a full queue drops it, counted)."""
        try:
            self._queue.put_nowait(forward)
        except queue.Full:
            self.stats.relay_drop()

    def stop(self, timeout: float = 5.0) -> None:
        """Send what is queued (within ``timeout``), then end the thread."""
        if not self._started:
            return
        try:
            self._queue.put(None, timeout=timeout)
        except queue.Full:
            pass
        self._thread.join(timeout)

    def idle(self) -> bool:
        """Whether nothing is queued (tests)."""
        return self._queue.unfinished_tasks == 0

    def _run(self) -> None:
        with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:
            while True:
                item = self._queue.get()
                try:
                    if item is None:
                        return
                    self._send(client, item)
                finally:
                    self._queue.task_done()

    def _send(self, client: httpx.Client, item: Forward) -> None:
        headers = {"Content-Type": item.content_type} if item.content_type else {}
        try:
            answer = client.request(
                item.method, httpx.URL(target_url(self.url, item)), content=item.body, headers=headers
            )
            ok = 200 <= answer.status_code < 300
        except (httpx.HTTPError, ValueError) as exc:
            log.info("event relay: %s %s failed: %s", item.method, item.path, type(exc).__name__)
            ok = False
        self.stats.relay_result(ok)
