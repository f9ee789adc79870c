"""Request idioms of the search endpoints: ``alike``, ``conditions``, ``date_range``, paging."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from simotui.sim.dates import parse_local
from simotui.sim.errors import OperationFailed, missing_field
from simotui.sim.tables import Group, Table, Window, null_first

T = TypeVar("T")
SortKey = Callable[[Any], Any]

DEFAULT_PAGE_SIZE = 20
_TRUTHY = {"true", "1", "yes", "on"}


def truthy(value: object) -> bool:
    """``alike``: ``true``, ``"true"``, ``1``, ``"1"`` and ``"yes"`` mean similar-match."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == 1
    if isinstance(value, str):
        return value.strip().lower() in _TRUTHY
    return False


def conditions(body: dict[str, Any]) -> dict[str, str]:
    """The ``conditions`` object as strings; ``""``/absent means no filter at all."""
    raw = body.get("conditions")
    if not isinstance(raw, dict):
        return {}
    out: dict[str, str] = {}
    for key, value in raw.items():
        if value is None or isinstance(value, dict | list):
            continue
        out[str(key)] = str(value).strip() if not isinstance(value, bool) else str(value).lower()
    return out


def matches(value: str | None, needle: str, alike: bool) -> bool:
    """Empty needle: no filter. Alike: case-insensitive substring. Otherwise exact equality."""
    if not needle:
        return True
    if value is None:
        return False
    if alike:
        return needle.lower() in value.lower()
    return value == needle


Active = list[tuple[Callable[[Any], str | None], str]]


def _active(conds: dict[str, str], fields: dict[str, Callable[[T], str | None]]) -> Active:
    return [(fields[name], needle) for name, needle in conds.items() if needle and name in fields]


def _keep(rows: Iterable[T], active: Active, alike: bool) -> list[T]:
    """The rows matching every condition in ``active`` (see ``matches``)."""
    if alike:
        lowered = [(get, needle.lower()) for get, needle in active]
        return [r for r in rows if all((v := get(r)) is not None and n in v.lower() for get, n in lowered)]
    return [r for r in rows if all(get(r) == needle for get, needle in active)]


def filter_rows(
    rows: Sequence[T],
    conds: dict[str, str],
    fields: dict[str, Callable[[T], str | None]],
    alike: bool,
) -> Sequence[T]:
    """Keep rows matching every non-empty condition named in ``fields`` (others are ignored)."""
    active = _active(conds, fields)
    if not active:
        return rows
    return _keep(rows, active, alike)


def date_range(
    body: dict[str, Any], tz: ZoneInfo, *, required: bool
) -> tuple[float | None, float | None] | None:
    """Parse ``date_range`` (PBX-local; Gregorian, or Jalali when the year < 1700).

    Returns ``None`` when absent and not required; raises the documented
    ``Field 'date_range':value is missing`` when required, and "Requested operation
    failed" for an unreadable date.
    """
    raw = body.get("date_range")
    if not isinstance(raw, dict) or not (raw.get("from") or raw.get("to")):
        if required:
            raise missing_field("date_range")
        return None
    lo = hi = None
    try:
        if raw.get("from"):
            lo = parse_local(str(raw["from"]), tz)
        if raw.get("to"):
            hi = parse_local(str(raw["to"]), tz, end_of_minute=True)
    except (ValueError, OverflowError) as exc:
        raise OperationFailed() from exc
    return lo, hi


@dataclass(frozen=True)
class Page:
    """Parsed ``pagination``: 0-based ``start``, page ``count``, and the sort to apply and echo."""

    start: int
    count: int
    sorting: dict[str, int]

    def echo(self, total: int) -> dict[str, Any]:
        """The ``pagination`` object sent back."""
        return {
            "start": self.start,
            "count": self.count,
            "sorting": dict(self.sorting),
            "total": total,
        }


def _as_int(value: object, default: int) -> int:
    if isinstance(value, bool):
        raise OperationFailed()
    if value is None or value == "":
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError as exc:
            raise OperationFailed() from exc
    raise OperationFailed()


def pagination(body: dict[str, Any], default_sort: dict[str, int]) -> Page:
    """Parse ``pagination``; an empty ``sorting`` means the endpoint default (echoed back)."""
    raw = body.get("pagination")
    if not isinstance(raw, dict):
        raw = {}
    start = max(0, _as_int(raw.get("start"), 0))
    count = _as_int(raw.get("count"), DEFAULT_PAGE_SIZE)
    if count <= 0:
        count = DEFAULT_PAGE_SIZE
    sorting_raw = raw.get("sorting")
    sorting: dict[str, int] = {}
    if isinstance(sorting_raw, dict):
        for name, direction in sorting_raw.items():
            value = _as_int(direction, 1)
            if value not in (1, -1):
                raise OperationFailed()
            sorting[str(name)] = value
    elif sorting_raw not in (None, "", []):
        raise OperationFailed()
    return Page(start, count, sorting or dict(default_sort))


def _null_first(get: SortKey) -> SortKey:
    # Mongo sorts missing/null values before everything else.
    def key(row: Any) -> tuple[bool, Any]:
        return null_first(get(row))

    return key


def sort_and_page(
    rows: Sequence[T],
    page: Page,
    keys: dict[str, SortKey],
    natural: str | None,
) -> list[T]:
    """Sort by ``page.sorting`` then slice one page.

    ``rows`` arrive ascending by the ``natural`` field, so sorting on it alone is a
    slice from one end (no copy of 100,000 rows). Unknown sort fields leave the
    natural order, as Mongo does for a field no document has.
    """
    known = [(name, direction) for name, direction in page.sorting.items() if name in keys]
    if len(known) == 1 and known[0][0] == natural:
        n = len(rows)
        if known[0][1] == 1:
            return list(rows[page.start : page.start + page.count])
        hi = max(0, n - page.start)
        lo = max(0, hi - page.count)
        return list(reversed(rows[lo:hi]))
    ordered = list(rows)
    for name, direction in reversed(known):
        ordered.sort(key=_null_first(keys[name]), reverse=direction == -1)
    return ordered[page.start : page.start + page.count]


def _slice(rows: Sequence[T], page: Page, direction: int) -> list[T]:
    """One page of rows already in natural order, ascending (1) or descending (-1)."""
    if direction == 1:
        return list(rows[page.start : page.start + page.count])
    hi = max(0, len(rows) - page.start)
    lo = max(0, hi - page.count)
    return list(reversed(rows[lo:hi]))


def _natural_direction(known: list[tuple[str, int]], natural: str | None) -> int | None:
    """The direction of a page that is a slice of the natural order, or ``None`` if it needs sorting."""
    if not known:
        return 1  # unknown fields only: the natural order, ascending (see sort_and_page)
    if len(known) == 1 and known[0][0] == natural:
        return known[0][1]
    return None


#: An ``alike`` condition matching more distinct values than this is checked row by row instead.
MAX_MERGED_VALUES = 2_000


def _driver(
    table: Table[T], lo: float | None, hi: float | None, active: Active, alike: bool, scan_cost: int
) -> tuple[Window[T], Active] | None:
    """The rows in range matching the most selective indexed condition, and the conditions left.

    ``None`` when every condition matches so many distinct values that scanning the window
    (``scan_cost`` rows) is cheaper.
    """
    best: tuple[Window[T], int] | None = None
    limit = min(MAX_MERGED_VALUES, scan_cost // 8)
    for position, (get, needle) in enumerate(active):
        index = table.field_index(get)
        group: Group[T] | None
        if alike:
            group = index.containing(needle.lower(), table.order_of, limit)
            if group is None:
                continue
        else:
            group = index.groups.get(needle)
            if group is None:
                return Window([], 0, 0), []  # no row has this exact value
        start, stop = group.span(lo, hi)
        if best is None or stop - start < len(best[0]):
            best = (Window(group.rows, start, stop), position)
    if best is None:
        return None
    window, position = best
    return window, [condition for i, condition in enumerate(active) if i != position]


def _walk(
    table: Table[T],
    matching: int,
    lo: float | None,
    hi: float | None,
    get: SortKey,
    direction: int,
    page: Page,
    accept: Callable[[T], bool] | None,
) -> list[T] | None:
    """One page sorted on ``get`` by walking its sorted view, skipping rows out of range (or not
    ``accept``-ed); ``matching`` is how many rows qualify.

    ``None`` when sorting the qualifying rows is expected (or turns out) to be cheaper.
    """
    everything = len(table)
    need = page.start + page.count
    if matching == 0:
        return []
    if need * everything > 2 * matching * matching:
        return None  # few rows qualify: sorting just them beats walking past all the others
    view = table.sorted_view(get)
    keys, rows = view.keys, view.rows
    budget = 4 * matching + 4 * need
    out: list[T] = []
    skip = page.start
    visited = 0
    lowest = float("-inf") if lo is None else lo
    highest = float("inf") if hi is None else hi
    # Ascending: one pass. Descending: runs of equal values from the top, each run in natural
    # order, as a stable reverse sort leaves them.
    runs: Iterator[tuple[int, int]]
    runs = iter([(0, len(keys))]) if direction == 1 else _runs_downwards(view.run_start, len(keys))
    for start, stop in runs:
        for i in range(start, stop):
            visited += 1
            if visited > budget:
                return None
            if lowest <= keys[i][2] <= highest and (accept is None or accept(rows[i])):
                if skip:
                    skip -= 1
                    continue
                out.append(rows[i])
                if len(out) == page.count:
                    return out
    return out


def _runs_downwards(run_start: Callable[[int], int], end: int) -> Iterator[tuple[int, int]]:
    while end > 0:
        start = run_start(end)
        yield start, end
        end = start


def _acceptor(
    active: Active, alike: bool, matched: Sequence[T], need: int, everything: int
) -> Callable[[T], bool]:
    """The walk's test of one row: the conditions again, or membership of ``matched`` when the
    walk is expected to visit more rows than ``matched`` holds (a set is then cheaper)."""
    if need * everything > len(matched) * len(matched):
        chosen = {id(row) for row in matched}
        return lambda row: id(row) in chosen
    if len(active) == 1:  # the usual case, without the generator of the general one
        get, needle = active[0]
        if alike:
            low = needle.lower()
            return lambda r: (v := get(r)) is not None and low in v.lower()
        return lambda r: get(r) == needle
    if alike:
        lowered = [(get, needle.lower()) for get, needle in active]
        return lambda r: all((v := get(r)) is not None and n in v.lower() for get, n in lowered)
    return lambda r: all(get(r) == needle for get, needle in active)


def find(
    table: Table[T],
    lo: float | None,
    hi: float | None,
    conds: dict[str, str],
    fields: dict[str, Callable[[T], str | None]],
    alike: bool,
    page: Page,
    keys: dict[str, SortKey],
    natural: str | None,
) -> tuple[list[T], int]:
    """One page of a search and its total: ``filter_rows`` then ``sort_and_page`` over
    ``table.between(lo, hi)``, with the same answer, using the indexes of an indexed table.

    A date range is a window (nothing copied); conditions start from the most selective field
    index (a window of one value's rows, or of the rows of every value containing an ``alike``
    needle) and check the others row by row; a page in natural order is then a slice, and a page
    sorted on one other field walks that field's sorted view when few rows are skipped.
    """
    if not table.indexed:
        rows = filter_rows(table.between(lo, hi), conds, fields, alike)
        return sort_and_page(rows, page, keys, natural), len(rows)
    active = _active(conds, fields)
    known = [(name, direction) for name, direction in page.sorting.items() if name in keys]
    direction = _natural_direction(known, natural)
    matched: Sequence[T] = table.window(lo, hi)
    if active:
        driven = _driver(table, lo, hi, active, alike, len(matched))
        if driven is None:
            matched = _keep(matched, active, alike)
        else:
            matched, rest = driven
            if rest:
                matched = _keep(matched, rest, alike)
    if direction is not None:
        return _slice(matched, page, direction), len(matched)
    if len(known) == 1:
        accept: Callable[[T], bool] | None = None
        if active:
            accept = _acceptor(active, alike, matched, page.start + page.count, len(table))
        walked = _walk(table, len(matched), lo, hi, keys[known[0][0]], known[0][1], page, accept)
        if walked is not None:
            return walked, len(matched)
    return sort_and_page(matched, page, keys, natural), len(matched)
