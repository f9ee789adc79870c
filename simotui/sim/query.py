"""Request idioms of the search endpoints: ``alike``, ``conditions``, ``date_range``, paging."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from simotui.sim.dates import parse_local
from simotui.sim.errors import OperationFailed, missing_field

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


def filter_rows(
    rows: Sequence[T],
    conds: dict[str, str],
    fields: dict[str, Callable[[T], str | None]],
    alike: bool,
) -> Sequence[T]:
    """Keep rows matching every non-empty condition named in ``fields`` (others are ignored)."""
    active = [(fields[name], needle) for name, needle in conds.items() if needle and name in fields]
    if not active:
        return rows
    if alike:
        lowered = [(get, needle.lower()) for get, needle in active]
        return [r for r in rows if all((v := get(r)) is not None and n in v.lower() for get, n in lowered)]
    return [r for r in rows if all(get(r) == needle for get, needle in active)]


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
        value = get(row)
        return (value is not None, value if value is not None else 0)

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
