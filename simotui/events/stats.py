"""What the event receiver took, refused and relayed: counters its threads write, the console reads.

No server imports: the console holds these whether or not a receiver runs. Times are
``time.monotonic()`` seconds (health is about "how long ago", never about the PBX's clock).
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable

#: Seconds over which the rate of events is measured.
RATE_WINDOW = 60.0
#: Arrival times kept for the rate (a flood beyond this reads as "at least").
RATE_SAMPLES = 20_000


class EventStats:
    """Accepted events by name, refusals by reason, the relay's fate; thread-safe."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._now = now
        self.accepted: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self.last_refused: tuple[str, str] | None = None
        """(reason, peer address) of the latest refusal."""
        self.last_event_at: float | None = None
        self.relayed = 0
        self.relay_failed = 0
        self.relay_dropped = 0
        """Deliveries not relayed because the relay's queue was full."""
        self._arrivals: deque[float] = deque(maxlen=RATE_SAMPLES)
        self.gaps = 0
        """Tracked calls whose CDR only the polls found: its pushed Cdr never arrived."""

    def accept(self, name: str) -> None:
        with self._lock:
            at = self._now()
            self.accepted[name] += 1
            self.last_event_at = at
            self._arrivals.append(at)

    def refuse(self, reason: str, peer: str) -> None:
        with self._lock:
            self.refused[reason] += 1
            self.last_refused = (reason, peer)

    def relay_result(self, ok: bool) -> None:
        with self._lock:
            if ok:
                self.relayed += 1
            else:
                self.relay_failed += 1

    def gap(self) -> None:
        with self._lock:
            self.gaps += 1

    def relay_drop(self) -> None:
        with self._lock:
            self.relay_dropped += 1

    @property
    def accepted_total(self) -> int:
        with self._lock:
            return sum(self.accepted.values())

    @property
    def refused_total(self) -> int:
        with self._lock:
            return sum(self.refused.values())

    def age(self) -> float | None:
        """Seconds since the last event was accepted, or None if none ever was."""
        with self._lock:
            return None if self.last_event_at is None else max(0.0, self._now() - self.last_event_at)

    def rate(self) -> float:
        """Events a minute over the last ``RATE_WINDOW`` seconds."""
        with self._lock:
            since = self._now() - RATE_WINDOW
            while self._arrivals and self._arrivals[0] < since:
                self._arrivals.popleft()
            return len(self._arrivals) * 60.0 / RATE_WINDOW

    def summary(self) -> str:
        """``events 12/min, last 2 s ago · refused 3 (bad field 3) · relay failed 1``."""
        age = self.age()
        if age is None:
            parts = ["events: none yet"]
        else:
            parts = [f"events {self.rate():.0f}/min, last {_ago(age)}"]
        with self._lock:
            total = sum(self.refused.values())
            if total:
                top = ", ".join(f"{reason} {count:,}" for reason, count in self.refused.most_common(2))
                parts.append(f"refused {total:,} ({top})")
            if self.gaps:
                parts.append(f"{self.gaps:,} CDR(s) only polled")
            lost = self.relay_failed + self.relay_dropped
            if lost:
                parts.append(f"relay lost {lost:,}")
        return " · ".join(parts)


def _ago(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s ago"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min ago"
    return f"{seconds / 3600:.0f} h ago"
