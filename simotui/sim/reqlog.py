"""The simulator's request log: what each request was, what the PBX did with it, what the client got.

It is bounded by entry count and by stored body bytes, so a long run or a few huge campaign
uploads cannot grow it without end: the oldest entries go first. Bodies are kept as the raw
bytes the client sent (parsed JSON takes several times the memory) and parsed again on
``RecordedRequest.body``; only requests that passed authentication and whose body parsed are
stored with a body. Entries carry a sequence number that keeps counting across evictions, so
"what arrived since I last looked" survives a full log: ``log.since(log.total)``.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

#: Default bound on the number of entries kept.
MAX_ENTRIES = 10_000
#: Default bound on the bytes of request bodies kept (the rest of an entry is small).
MAX_BODY_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request under the simulator's API tree, or a 404 outside it.

    ``status`` is what the client was sent (``None``: no status line at all, because the
    connection was reset or the request is being held); ``pbx_status`` is what the PBX's own
    logic answered (``None``: a fault struck *before* processing, so the PBX never saw it).
    A request whose answer a fault replaced has both, e.g. ``pbx_status`` 200 and ``status`` 502.
    """

    method: str
    path: str
    status: int | None
    at: float
    """Real epoch time the request was answered (or its fault began)."""
    seq: int = 0
    """Position in the log since it was last cleared; keeps counting when old entries go."""
    pbx_status: int | None = None
    virtual_at: float | None = None
    """The PBX's (virtual) clock when the request was handled."""
    fault: str | None = None
    """The fault applied, e.g. ``"error5xx@after"``, ``"reset@before"``, ``"restart"``."""
    size: int = 0
    """Length of the request body in bytes, stored or not."""
    raw: bytes | None = None
    """The stored body (authenticated, parseable requests only)."""

    @property
    def processed(self) -> bool:
        """True when the request reached the PBX logic (whatever the client then saw)."""
        return self.pbx_status is not None

    @property
    def body(self) -> Any:
        """The parsed JSON body, or ``None`` when none was stored (empty, refused, unparseable)."""
        if self.raw is None:
            return None
        return json.loads(self.raw)


class RequestLog(Sequence[RecordedRequest]):
    """A thread-safe, bounded sequence of ``RecordedRequest`` (oldest first).

    Indexing and ``len`` see the entries still kept; ``total`` counts every entry recorded
    since the last ``clear()``, and ``since(n)`` returns the kept entries whose ``seq >= n``.
    """

    def __init__(self, max_entries: int = MAX_ENTRIES, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        """An empty log that keeps at most ``max_entries`` and ``max_body_bytes`` of bodies."""
        if max_entries < 1 or max_body_bytes < 0:
            raise ValueError("a request log keeps at least one entry and a non-negative byte budget")
        self.max_entries = max_entries
        self.max_body_bytes = max_body_bytes
        self._entries: deque[RecordedRequest] = deque()
        self._bytes = 0
        self._total = 0
        self._lock = threading.Lock()

    @property
    def total(self) -> int:
        """How many entries were recorded since the last ``clear()`` (kept or evicted)."""
        with self._lock:
            return self._total

    @property
    def dropped(self) -> int:
        """How many of those were evicted to stay within the bounds."""
        with self._lock:
            return self._total - len(self._entries)

    @property
    def body_bytes(self) -> int:
        """Bytes of bodies currently kept."""
        with self._lock:
            return self._bytes

    def record(
        self,
        method: str,
        path: str,
        status: int | None,
        at: float,
        *,
        pbx_status: int | None = None,
        virtual_at: float | None = None,
        fault: str | None = None,
        size: int = 0,
        raw: bytes | None = None,
    ) -> RecordedRequest:
        """Append one entry (its body dropped if it alone exceeds the byte budget), evicting as needed."""
        if raw is not None and len(raw) > self.max_body_bytes:
            raw = None
        with self._lock:
            entry = RecordedRequest(
                method, path, status, at, self._total, pbx_status, virtual_at, fault, size, raw
            )
            self._total += 1
            self._entries.append(entry)
            self._bytes += len(raw) if raw is not None else 0
            while len(self._entries) > self.max_entries or self._bytes > self.max_body_bytes:
                old = self._entries.popleft()
                self._bytes -= len(old.raw) if old.raw is not None else 0
            return entry

    def since(self, seq: int) -> list[RecordedRequest]:
        """The kept entries recorded at or after sequence number ``seq``."""
        with self._lock:
            if not self._entries or seq <= self._entries[0].seq:
                return list(self._entries)
            skip = seq - self._entries[0].seq
            return list(self._entries)[skip:]

    def clear(self) -> None:
        """Forget every entry and restart the sequence at 0."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._total = 0

    def __len__(self) -> int:
        """How many entries are kept."""
        with self._lock:
            return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> RecordedRequest: ...

    @overload
    def __getitem__(self, index: slice) -> list[RecordedRequest]: ...

    def __getitem__(self, index: int | slice) -> RecordedRequest | list[RecordedRequest]:
        """A kept entry by position (or a list for a slice), oldest first."""
        with self._lock:
            if isinstance(index, slice):
                return list(self._entries)[index]
            return self._entries[index]

    def __iter__(self) -> Iterator[RecordedRequest]:
        """Iterate over a snapshot, so requests arriving meanwhile do not disturb the loop."""
        with self._lock:
            snapshot = list(self._entries)
        return iter(snapshot)
