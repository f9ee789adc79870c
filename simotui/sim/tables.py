"""An in-memory Mongo-like collection: rows sorted by a time key, plus an ``_id`` index.

Searches must stay fast with 100,000 rows, so a date range is two ``bisect`` calls and a
slice, and the ordered-cursor endpoints walk a sorted list of ``_id`` strings (24-hex
strings of equal length sort like the ObjectIds they encode).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Table(Generic[T]):
    """Rows of one report kind, sorted by ``time_key`` and indexed by ``id_key``."""

    def __init__(self, time_key: Callable[[T], float], id_key: Callable[[T], str]) -> None:
        """Create an empty table keyed by the two functions."""
        self._time_key = time_key
        self._id_key = id_key
        self._times: list[float] = []
        self._rows: list[T] = []
        self._ids: list[str] = []
        self._by_id: dict[str, T] = {}

    def __len__(self) -> int:
        """Number of rows."""
        return len(self._rows)

    def __iter__(self) -> Iterator[T]:
        """Rows in time order."""
        return iter(self._rows)

    def add(self, row: T) -> None:
        """Insert one row, keeping both orders."""
        key = self._time_key(row)
        at = bisect.bisect_right(self._times, key)
        self._times.insert(at, key)
        self._rows.insert(at, row)
        oid = self._id_key(row)
        bisect.insort(self._ids, oid)
        self._by_id[oid] = row

    def add_many(self, rows: Iterable[T]) -> None:
        """Insert many rows at once (one sort instead of many inserts)."""
        new = list(rows)
        if not new:
            return
        merged = sorted([*self._rows, *new], key=self._time_key)
        self._rows = merged
        self._times = [self._time_key(r) for r in merged]
        for row in new:
            self._by_id[self._id_key(row)] = row
        self._ids = sorted(self._by_id)

    def get(self, oid: str) -> T | None:
        """The row with this ``_id``, if any."""
        return self._by_id.get(oid)

    def between(self, lo: float | None, hi: float | None) -> list[T]:
        """Rows whose time key lies in ``[lo, hi]`` (``None`` = unbounded), in time order."""
        start = 0 if lo is None else bisect.bisect_left(self._times, lo)
        stop = len(self._times) if hi is None else bisect.bisect_right(self._times, hi)
        if start == 0 and stop == len(self._rows):
            return self._rows
        return self._rows[start:stop]

    def after_id(self, last_id: str, limit: int) -> list[T]:
        """Up to ``limit`` rows with ``_id`` greater than ``last_id`` (``""`` = from the start)."""
        at = bisect.bisect_right(self._ids, last_id) if last_id else 0
        return [self._by_id[oid] for oid in self._ids[at : at + limit]]

    def last_id(self) -> str:
        """The greatest ``_id`` stored, or ``""``."""
        return self._ids[-1] if self._ids else ""
