"""Leaving for sure: a watchdog that ends the process a few seconds after a hang-up.

When SSH drops while the console redraws hard, the terminal stops taking output: Textual's
writer thread blocks on the pty, its queue fills, and the event loop blocks putting the next
frame into it. Nothing scheduled on that loop runs again — not an exit, not a signal handler
asyncio installed, not a check of the terminal. So the hang-up is caught outside the loop (a
plain signal handler, a thread that watches the terminal) and arms this watchdog, which gives the
orderly exit ``grace`` seconds, then flushes what must not be lost (the journal) and ends the
process with ``os._exit`` — within ``deadline`` even if the flush itself hangs.

No Textual here: the console wires it up (:mod:`simotui.ui.app`).
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
from collections.abc import Callable
from typing import TextIO

#: The orderly exit gets this long after a hang-up before the watchdog takes over...
GRACE_SECONDS = 2.5
#: ...and the process is gone by this long after it, flushed or not.
DEADLINE_SECONDS = 4.5
TERMINAL_CHECK_SECONDS = 0.5


def terminal_gone(stream: TextIO | None) -> bool:
    """Whether the terminal on ``stream`` hung up or closed (POLLHUP/POLLERR/POLLNVAL)."""
    if stream is None:
        return True
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    try:
        events = poller.poll(0)
    except OSError:
        return True
    return any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, mask in events)


class ExitWatchdog:
    """Ends the process ``grace`` seconds after :meth:`arm` unless it has ended by then.

    ``flush`` runs on the watchdog's thread before the forced exit (it must be safe to call while
    the main thread is stuck, and twice); ``exit`` is ``os._exit`` outside tests.
    """

    def __init__(
        self,
        flush: Callable[[], None],
        *,
        grace: float = GRACE_SECONDS,
        deadline: float = DEADLINE_SECONDS,
        exit: Callable[[int], None] = os._exit,
    ) -> None:
        self.flush = flush
        self.grace = grace
        self.deadline = deadline
        self._exit = exit
        self._armed = threading.Event()
        self._forced = threading.Event()
        self._lock = threading.Lock()
        self.code: int | None = None
        self.forced_exit: int | None = None
        """The code of the forced exit, once the watchdog has taken over (for tests)."""

    @property
    def armed(self) -> bool:
        return self._armed.is_set()

    def arm(self, code: int) -> None:
        """Start counting (once: a second call only hurries a stuck exit along, see :meth:`force`)."""
        with self._lock:
            if self._armed.is_set():
                self._forced.set()
                return
            self.code = code
            self._armed.set()
        threading.Thread(target=self._watch, name="simotui-exit-watchdog", daemon=True).start()

    def force(self) -> None:
        """Flush and exit now (a second SIGTERM means the user is done waiting)."""
        self._forced.set()

    def _watch(self) -> None:
        self._forced.wait(self.grace)
        code = self.code if self.code is not None else 1
        flusher = threading.Thread(target=self._flush, name="simotui-exit-flush", daemon=True)
        flusher.start()
        flusher.join(max(0.0, self.deadline - self.grace))
        self.forced_exit = code
        self._exit(code)

    def _flush(self) -> None:
        with contextlib.suppress(Exception):  # exiting regardless: a failed flush must not stop it
            self.flush()


class TerminalWatch:
    """A thread that calls ``on_gone`` once when the terminal hangs up — it runs even when the
    event loop is blocked on a terminal that stopped taking output."""

    def __init__(
        self, stream: TextIO | None, on_gone: Callable[[], None], every: float = TERMINAL_CHECK_SECONDS
    ) -> None:
        self.stream = stream
        self.on_gone = on_gone
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="simotui-terminal-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            if terminal_gone(self.stream):
                self.on_gone()
                return
