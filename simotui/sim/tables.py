"""An in-memory Mongo-like collection: rows sorted by a time key, an ``_id`` index, and (for the big
report tables) indexes on what searches filter and sort on.

Searches must stay fast with 100,000 rows. A date range is two ``bisect`` calls giving a
``Window`` (a view of the rows in range, copied only page by page); the ordered-cursor endpoints
walk a sorted list of ``_id`` strings (24-hex strings of equal length sort like the ObjectIds they
encode). An ``indexed`` table also keeps, built on first use and then maintained on every insert:

- a ``FieldIndex`` per filtered field: the rows of each distinct value, in time order (an exact
  condition is one dict lookup; an ``alike`` one matches the needle against the distinct values,
  remembering recent needles);
- a ``SortedView`` per sort field: every row ordered by that field, then by time.

Rows with equal time keys keep their insertion order everywhere (``seq``), which is the order the
plain sorted list has, so an indexed search returns exactly the rows the linear one would
(``simotui.sim.query.find``). Only tables whose rows never change after insertion are indexed:
an index would not see a change made in place.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")
Getter = Callable[[Any], Any]

#: Recent ``alike`` needles whose matching values a field index remembers.
ALIKE_MEMORY = 64


class Window(Sequence[T]):
    """Rows ``start:stop`` of a list, without copying them (slices copy only what they cover)."""

    __slots__ = ("_rows", "_start", "_stop")

    def __init__(self, rows: list[T], start: int, stop: int) -> None:
        """A view of ``rows[start:stop]``."""
        self._rows = rows
        self._start = start
        self._stop = max(start, stop)

    def __len__(self) -> int:
        """Rows in the window."""
        return self._stop - self._start

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        """One row, or a list of the rows a slice covers."""
        if isinstance(index, slice):
            begin, end, step = index.indices(len(self))
            if step == 1:
                return self._rows[self._start + begin : self._start + max(begin, end)]
            return [self._rows[self._start + i] for i in range(begin, end, step)]
        length = len(self)
        if index < 0:
            index += length
        if not 0 <= index < length:
            raise IndexError("window index out of range")
        return self._rows[self._start + index]

    def __iter__(self) -> Iterator[T]:
        """The rows in order."""
        return iter(self._rows[self._start : self._stop])


class Group(Generic[T]):
    """The rows of one distinct value, in table order (time, then insertion)."""

    __slots__ = ("rows", "times")

    def __init__(self) -> None:
        """An empty group."""
        self.times: list[float] = []
        self.rows: list[T] = []

    def add(self, time: float, row: T) -> None:
        """Insert after every row of an equal or earlier time (the newest insertion goes last)."""
        at = bisect.bisect_right(self.times, time)
        self.times.insert(at, time)
        self.rows.insert(at, row)

    def span(self, lo: float | None, hi: float | None) -> tuple[int, int]:
        """Positions of the rows whose time lies in ``[lo, hi]``."""
        start = 0 if lo is None else bisect.bisect_left(self.times, lo)
        stop = len(self.times) if hi is None else bisect.bisect_right(self.times, hi)
        return start, max(start, stop)


class FieldIndex(Generic[T]):
    """Rows grouped by the value of one field (``None`` values are in no group).

    For ``alike`` conditions it also remembers, for the last ``ALIKE_MEMORY`` needles, the rows of
    every value containing the needle merged into one group, kept up to date on insert.
    """

    def __init__(self, get: Getter) -> None:
        """An empty index of the field ``get`` reads."""
        self.get = get
        self.groups: dict[Any, Group[T]] = {}
        self._lowered: list[tuple[str, Any]] = []
        self._alike: OrderedDict[str, Group[T]] = OrderedDict()

    def add(self, row: T, time: float) -> None:
        """Index one row."""
        value = self.get(row)
        if value is None:
            return
        group = self.groups.get(value)
        if group is None:
            group = self.groups[value] = Group()
            if isinstance(value, str):
                self._lowered.append((value.lower(), value))
        group.add(time, row)
        if self._alike and isinstance(value, str):
            lowered = value.lower()
            for needle, merged in self._alike.items():
                if needle in lowered:
                    merged.add(time, row)

    def containing(self, needle: str, order: Callable[[T], tuple[float, int]], limit: int) -> Group[T] | None:
        """The rows whose value contains ``needle`` (lower case), in table order, as one group.

        ``None`` when more than ``limit`` distinct values contain it (checking rows one by one
        is then as cheap, and the merged group would hold most of the table).
        """
        merged = self._alike.get(needle)
        if merged is not None:
            self._alike.move_to_end(needle)
            return merged
        values = [value for lowered, value in self._lowered if needle in lowered]
        if len(values) > limit:
            return None
        rows = [row for value in values for row in self.groups[value].rows]
        rows.sort(key=order)
        merged = Group()
        merged.rows = rows
        merged.times = [order(row)[0] for row in rows]
        self._alike[needle] = merged
        if len(self._alike) > ALIKE_MEMORY:
            self._alike.popitem(last=False)
        return merged


def null_first(value: Any) -> tuple[bool, Any]:
    """Mongo's order: missing/null values before everything else."""
    return (value is not None, value if value is not None else 0)


class SortedView(Generic[T]):
    """Every row ordered by one field (nulls first), then by time and insertion."""

    def __init__(self, get: Getter) -> None:
        """An empty view of the field ``get`` reads."""
        self.get = get
        self.keys: list[tuple[bool, Any, float, int]] = []
        self.rows: list[T] = []

    def fill(self, rows: Iterable[tuple[float, int, T]]) -> None:
        """Add many ``(time, seq, row)`` at once (one sort)."""
        entries = [(*null_first(self.get(row)), time, seq, row) for time, seq, row in rows]
        entries.extend((*key, row) for key, row in zip(self.keys, self.rows, strict=True))
        entries.sort()  # seq is unique, so rows themselves are never compared
        self.keys = [(e[0], e[1], e[2], e[3]) for e in entries]
        self.rows = [e[4] for e in entries]

    def add(self, row: T, time: float, seq: int) -> None:
        """Insert one row."""
        flag, value = null_first(self.get(row))
        key = (flag, value, time, seq)
        at = bisect.bisect_right(self.keys, key)
        self.keys.insert(at, key)
        self.rows.insert(at, row)

    def run_start(self, end: int) -> int:
        """First position of the run of equal field values that ends just before ``end``."""
        keys = self.keys
        flag, value = keys[end - 1][0], keys[end - 1][1]
        # Most runs at either end of a view are short: a few steps back beat a bisect.
        start = end - 1
        for _ in range(8):
            if start == 0 or keys[start - 1][0] != flag or keys[start - 1][1] != value:
                return start
            start -= 1
        return bisect.bisect_left(keys, (flag, value), 0, start)


class Table(Generic[T]):
    """Rows of one report kind, sorted by ``time_key`` and indexed by ``id_key``.

    With ``indexed=True`` the table also maintains the field indexes and sorted views that
    ``simotui.sim.query.find`` asks for (rows must not change once added).
    """

    def __init__(
        self, time_key: Callable[[T], float], id_key: Callable[[T], str], *, indexed: bool = False
    ) -> None:
        """Create an empty table keyed by the two functions."""
        self._time_key = time_key
        self._id_key = id_key
        self._times: list[float] = []
        self._rows: list[T] = []
        self._ids: list[str] = []
        self._by_id: dict[str, T] = {}
        self.indexed = indexed
        """Whether searches may use field indexes and sorted views."""
        self._seq: dict[int, int] = {}
        self._next_seq = 0
        self._fields: dict[Getter, FieldIndex[T]] = {}
        self._sorts: dict[Getter, SortedView[T]] = {}

    def __len__(self) -> int:
        """Number of rows."""
        return len(self._rows)

    def __iter__(self) -> Iterator[T]:
        """Rows in time order."""
        return iter(self._rows)

    def add(self, row: T) -> None:
        """Insert one row, keeping every order and index."""
        key = self._time_key(row)
        at = bisect.bisect_right(self._times, key)
        self._times.insert(at, key)
        self._rows.insert(at, row)
        oid = self._id_key(row)
        bisect.insort(self._ids, oid)
        self._by_id[oid] = row
        if self.indexed:
            seq = self._next_seq
            self._next_seq += 1
            self._seq[id(row)] = seq
            for index in self._fields.values():
                index.add(row, key)
            for view in self._sorts.values():
                view.add(row, key, seq)

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
        if self.indexed:
            for row in new:
                self._seq[id(row)] = self._next_seq
                self._next_seq += 1
            # Rebuilt on next use: one pass over the rows is cheaper than many inserts.
            self._fields.clear()
            self._sorts.clear()

    def get(self, oid: str) -> T | None:
        """The row with this ``_id``, if any."""
        return self._by_id.get(oid)

    def span(self, lo: float | None, hi: float | None) -> tuple[int, int]:
        """Positions of the rows whose time key lies in ``[lo, hi]`` (``None`` = unbounded)."""
        start = 0 if lo is None else bisect.bisect_left(self._times, lo)
        stop = len(self._times) if hi is None else bisect.bisect_right(self._times, hi)
        return start, max(start, stop)

    def window(self, lo: float | None, hi: float | None) -> Window[T]:
        """The rows whose time key lies in ``[lo, hi]``, as a view (nothing copied)."""
        start, stop = self.span(lo, hi)
        return Window(self._rows, start, stop)

    def between(self, lo: float | None, hi: float | None) -> list[T]:
        """Rows whose time key lies in ``[lo, hi]`` (``None`` = unbounded), in time order."""
        start, stop = self.span(lo, hi)
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

    # ----------------------------------------------------------------- indexes
    def time_of(self, row: T) -> float:
        """The row's time key."""
        return self._time_key(row)

    def order_of(self, row: T) -> tuple[float, int]:
        """The row's place in table order: (time key, insertion number); indexed tables only."""
        return self._time_key(row), self._seq[id(row)]

    def field_index(self, get: Getter) -> FieldIndex[T]:
        """The index of the field ``get`` reads (built on first use)."""
        index = self._fields.get(get)
        if index is None:
            index = FieldIndex(get)
            for time, row in zip(self._times, self._rows, strict=True):
                index.add(row, time)
            self._fields[get] = index
        return index

    def has_sorted_view(self, get: Getter) -> bool:
        """Whether the sorted view of ``get`` is built already."""
        return get in self._sorts

    def sorted_view(self, get: Getter) -> SortedView[T]:
        """The rows ordered by the field ``get`` reads (built on first use)."""
        view = self._sorts.get(get)
        if view is None:
            view = SortedView(get)
            seq = self._seq
            view.fill((time, seq[id(row)], row) for time, row in zip(self._times, self._rows, strict=True))
            self._sorts[get] = view
        return view
