"""The PBX's time, as its answers tell it: the one clock a call's life is measured by.

Every time a call carries — when it was requested, accepted, looked for — is the PBX's, never
the console's: the PBX writes the CDRs, dates the reports, opens and closes campaign windows,
and its clock can be minutes off ours (or, in a simulator, run faster than real time). Simotel
sends an HTTP ``Date`` header with each answer; :class:`PbxClock` keeps the recent ones and
predicts the PBX's now from the latest, advancing at the rate the samples show.

The header has whole seconds, so an estimate is good to about a second; every margin that
depends on the clock (search windows, send slack, deadlines' grace) is many times that.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

Clock = Callable[[], datetime]
"""Anything that tells the current (PBX) time as an aware datetime."""

# Samples further apart than this give a rate worth believing (the header has 1 s resolution).
RATE_SPAN = 20.0
# A rate this close to 1 is a real PBX whose clock ticks like ours; the difference is noise.
RATE_SNAP = 0.15
MAX_SAMPLES = 64
MIN_SPACING = 1.0


def parse_http_date(value: str | None) -> datetime | None:
    """An HTTP ``Date`` header as an aware UTC datetime, or None when absent or unreadable."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class PbxClock:
    """Predicts the PBX's time from the ``Date`` headers of its answers; our own time until then.

    Thread-safe: the client reports answers from the event loop, a CLI may ask from elsewhere.
    """

    def __init__(
        self,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._wall = wall
        self._monotonic = monotonic
        self._samples: deque[tuple[float, float]] = deque(maxlen=MAX_SAMPLES)
        self._lock = threading.Lock()

    def observe(self, server_time: datetime, received: float | None = None) -> None:
        """Record that the PBX said ``server_time`` in an answer received at monotonic ``received``."""
        at = self._monotonic() if received is None else received
        # The header is truncated to the second: half a second is the best single guess.
        sample = (at, server_time.timestamp() + 0.5)
        with self._lock:
            if len(self._samples) >= 2 and at - self._samples[-2][0] < MIN_SPACING:
                # Keep the newest answer, but keep samples apart so they span enough for a rate.
                self._samples[-1] = sample
            else:
                self._samples.append(sample)

    def observe_header(self, value: str | None, received: float | None = None) -> None:
        """Record a ``Date`` header's value (ignored when absent or unreadable)."""
        moment = parse_http_date(value)
        if moment is not None:
            self.observe(moment, received)

    @property
    def rate(self) -> float:
        """PBX seconds per second of ours, as the samples show (1.0 until they span enough)."""
        with self._lock:
            return self._rate()

    def _rate(self) -> float:
        if len(self._samples) < 2:
            return 1.0
        first_at, first_server = self._samples[0]
        last_at, last_server = self._samples[-1]
        span = last_at - first_at
        if span < RATE_SPAN:
            return 1.0
        rate = (last_server - first_server) / span
        if rate <= 0 or abs(rate - 1.0) < RATE_SNAP:
            return 1.0
        return rate

    @property
    def offset(self) -> float | None:
        """Seconds the PBX is ahead of our wall clock now (None before any answer)."""
        with self._lock:
            if not self._samples:
                return None
        return self().timestamp() - self._wall()

    def __call__(self) -> datetime:
        """The PBX's now."""
        with self._lock:
            if not self._samples:
                return datetime.fromtimestamp(self._wall(), UTC)
            rate = self._rate()
            at, server = self._samples[-1]
            now = self._monotonic()
        return datetime.fromtimestamp(server + (now - at) * rate, UTC)
