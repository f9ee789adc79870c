"""What the bridge responder answered and refused: counters its threads write and the console reads.

No server imports here: the console holds these counts whether or not a responder runs.
"""

from __future__ import annotations

import threading
from collections import Counter


class ResponderStats:
    """What the responder answered and refused, counted from its threads, read by the console."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.answered = 0
        self.refused: Counter[str] = Counter()
        self.last_refused: tuple[str, str] | None = None
        """(reason, peer address) of the latest refusal."""

    def answer(self) -> None:
        with self._lock:
            self.answered += 1

    def refuse(self, reason: str, peer: str) -> None:
        with self._lock:
            self.refused[reason] += 1
            self.last_refused = (reason, peer)

    @property
    def refused_total(self) -> int:
        with self._lock:
            return sum(self.refused.values())

    def summary(self) -> str:
        """``refused 2,400 (IP not allowed 2,398, authentication failed 2)``, or ""."""
        with self._lock:
            total = sum(self.refused.values())
            if not total:
                return ""
            parts = ", ".join(f"{reason} {count:,}" for reason, count in self.refused.most_common(3))
            return f"refused {total:,} ({parts})"
