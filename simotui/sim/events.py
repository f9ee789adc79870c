"""The virtual-time event heap every engine schedules on.

Nothing in the simulator runs in the background. Every change is an event on a heap keyed
by virtual time; ``sync()`` (called before each HTTP request, and by the server's ticker)
processes, in time order, every event due by ``clock.now()``. Handlers read the event's own
time from ``now``, so a request that arrives after a long pause still stores rows stamped
with the right times. ``on_sooner`` is called when an event is scheduled before every other
one, so a ticker sleeping until the earliest event can wake up and sleep less.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable

from simotui.sim.clock import VirtualClock


class EventHeap:
    """Actions scheduled at virtual times, run in time order (ties in scheduling order)."""

    def __init__(
        self, clock: VirtualClock, lock: threading.RLock, on_sooner: Callable[[], object] | None = None
    ) -> None:
        """Schedule on ``clock``; every run holds ``lock`` (the PBX's); ``on_sooner``: see above."""
        self.clock = clock
        self.lock = lock
        self.on_sooner = on_sooner
        self._events: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._now = float("-inf")

    @property
    def now(self) -> float:
        """Virtual now: the time of the event being processed, else of the last sync."""
        return self._now if self._now != float("-inf") else self.clock.now()

    def sync(self) -> float:
        """Process every event due by ``clock.now()``; returns that time."""
        with self.lock:
            target = self.clock.now()
            self.advance_to(target)
            return target

    def advance(self, seconds: float) -> float:
        """Move the clock forward ``seconds`` and process what became due (for tests)."""
        with self.lock:
            self.clock.advance(seconds)
            return self.sync()

    def advance_to(self, target: float) -> None:
        """Process, in time order, every scheduled event due at or before ``target``."""
        with self.lock:
            while self._events and self._events[0][0] <= target:
                at, _, action = heapq.heappop(self._events)
                self._now = max(self._now, at)
                action()
            self._now = max(self._now, target)

    def schedule(self, at: float, action: Callable[[], None]) -> None:
        """Run ``action`` when virtual time reaches ``at`` (ties run in scheduling order)."""
        sooner = not self._events or at < self._events[0][0]
        heapq.heappush(self._events, (at, next(self._seq), action))
        if sooner and self.on_sooner is not None:
            self.on_sooner()

    def pending(self) -> int:
        """How many events are still scheduled."""
        return len(self._events)

    def next_at(self) -> float | None:
        """Virtual time of the earliest scheduled event, if any."""
        with self.lock:
            return self._events[0][0] if self._events else None
