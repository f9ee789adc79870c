"""The poll loop: cycles of a tracker, one at a time, backing off while the server is away.

The console runs it in a worker, the command line awaits it; both get a :class:`CycleReport`
after every cycle. It never overlaps itself (the next cycle is planned only once the last one
was applied), and it never stops on its own: a cycle that fails — the server's fault or ours
(a parse that blows the stack, a bug) — is reported, and the loop tries again after a backoff.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from simotui.calls.polling import PollResult
from simotui.calls.tracker import CallTracker
from simotui.errors import SimotuiError

MIN_INTERVAL, MAX_INTERVAL = 1.0, 60.0
BACKOFF_CEILING = 60.0
#: While pushed events arrive, polls are this many times further apart (at most RELAXED_MAX s):
#: a pushed Cdr wakes the loop anyway, so polls only catch what events lost.
RELAX = 3.0
RELAXED_MAX = 30.0


class PollCrashed(SimotuiError):
    """A poll cycle failed on our side (not the server's): reported, and tried again."""

    default_title = "Poller error"


@dataclass(frozen=True, slots=True)
class CycleReport:
    """What one cycle did: its result and the calls it changed, or why it failed."""

    at: datetime
    result: PollResult | None = None
    changed: frozenset[str] = frozenset()
    error: SimotuiError | None = None
    retry_in: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the cycle reached the server and its answers were applied."""
        return self.error is None


def next_backoff(previous: float, interval: float, rng: random.Random | None = None) -> float:
    """Seconds to wait after a failed cycle: doubling from the interval, jittered, up to a ceiling.

    The jitter (±20 %) keeps many consoles that lost the same PBX from coming back in step.
    """
    base = min(max(interval, MIN_INTERVAL), BACKOFF_CEILING) if previous <= 0 else previous * 2
    base = min(base, BACKOFF_CEILING)
    jitter = (rng or random).uniform(0.8, 1.2)
    return round(min(base * jitter, BACKOFF_CEILING), 2)


@dataclass(slots=True)
class PollLoop:
    """Polls a tracker every ``interval`` seconds (None: only when woken) until cancelled."""

    tracker: CallTracker
    report: Callable[[CycleReport], None]
    interval: float | None = 3.0
    paused: bool = False
    push_healthy: Callable[[], bool] | None = None
    """Whether pushed events are arriving now (the console's receiver); polls then relax."""
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _backoff: float = 0.0

    def next_delay(self) -> float | None:
        """Seconds until the next cycle: the backoff after a failure, else the interval — relaxed
        while push is healthy; None waits to be woken."""
        if self._backoff:
            return self._backoff
        if self.interval is None:
            return None
        if self.push_healthy is not None and self.push_healthy():
            return max(self.interval, min(self.interval * RELAX, RELAXED_MAX))
        return self.interval

    def wake(self) -> None:
        """Poll now (even while paused)."""
        self._wake.set()

    async def cycle(self) -> CycleReport:
        """One cycle, whatever happens inside it; never raises but for cancellation."""
        try:
            result, changed = await self.tracker.poll()
        except SimotuiError as error:
            return self._failed(error)
        except Exception as exc:
            return self._failed(PollCrashed(f"a poll cycle failed: {type(exc).__name__}: {exc}"))
        self._backoff = 0.0
        return CycleReport(self.tracker.clock(), result, frozenset(changed))

    def _failed(self, error: SimotuiError) -> CycleReport:
        self._backoff = next_backoff(self._backoff, self.interval or MIN_INTERVAL)
        return CycleReport(self.tracker.clock(), error=error, retry_in=self._backoff)

    async def run(self) -> None:
        """Loop: poll when something waits and we are not paused (or were woken), then sleep."""
        while True:
            forced = self._wake.is_set()
            self._wake.clear()
            if (forced or not self.paused) and self.tracker.wants_polling():
                self.report(await self.cycle())
            delay = self.next_delay()
            try:
                if delay is None:
                    await self._wake.wait()
                else:
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except TimeoutError:
                pass
