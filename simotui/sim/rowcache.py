"""Each report row rendered once per endpoint view, so a search does not re-format rows it served.

Rendering a CDR (Jalali dates, ``$date`` objects, ``*_hhmmss``) costs more than finding it, and
clients ask for the same pages again and again (a console polls its window every few seconds).
``RowCache`` keeps the rendered ``dict`` of a record per view (``"cdr"``, ``"quick"``, ...),
keyed by the record object itself, bounded by a count of records (the oldest go first). Each
row is a ``jsonout.Encoded`` dict, so it is also encoded to JSON only once.

Rendered rows are shared: nothing may change one after it is handed out. A record changed in
place (a campaign report row gets a new try) must be ``forget``-ten by whoever changes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from simotui.sim.jsonout import Encoded

T = TypeVar("T")
Row = dict[str, Any]

#: Records whose rendered rows are kept (several views each); about 2 KiB per view.
DEFAULT_LIMIT = 20_000


class RowCache:
    """Rendered rows by (record, view), at most ``limit`` records."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        """An empty cache of at most ``limit`` records."""
        self.limit = max(1, limit)
        # id(record) -> (record, {view: row}); the record is kept so its id cannot be reused.
        self._rows: dict[int, tuple[object, dict[str, Row]]] = {}

    def __len__(self) -> int:
        """Records with at least one rendered view."""
        return len(self._rows)

    def render(self, view: str, records: Iterable[T], build: Callable[[T], Row]) -> list[Row]:
        """The rendered rows of ``records`` in ``view``, building (and keeping) the missing ones."""
        out: list[Row] = []
        cache = self._rows
        for record in records:
            entry = cache.get(id(record))
            if entry is None:
                views: dict[str, Row] = {}
                self._make_room()
                cache[id(record)] = (record, views)
            else:
                views = entry[1]
            row = views.get(view)
            if row is None:
                row = views[view] = Encoded(build(record))
            out.append(row)
        return out

    def forget(self, record: object) -> None:
        """Drop every rendered view of ``record`` (it changed)."""
        self._rows.pop(id(record), None)

    def clear(self) -> None:
        """Drop everything."""
        self._rows.clear()

    def _make_room(self) -> None:
        if len(self._rows) < self.limit:
            return
        # Dicts keep insertion order: drop the oldest tenth in one go rather than one per miss.
        drop = max(1, self.limit // 10)
        for key in list(self._rows)[:drop]:
            del self._rows[key]
