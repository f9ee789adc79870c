"""Benchmark: one live-panel refresh (rows computed + diffed) with 1,000 and 10,000 tracked calls.

Run: .venv/bin/python bench/refresh.py

The panel redraws every second so elapsed times tick. The baseline recomputes every row; the
panel's RowCache recomputes only rows that can change (calls still waiting). Printed as the
cached time and its ratio to the baseline measured in the same run; nothing asserts a time.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from simotui.api.dates import pbx_zone
from simotui.api.models import Cdr, OriginateRequest
from simotui.board import CallBoard
from simotui.calls.book import CallBook
from simotui.calls.model import Call, Placement
from simotui.ui.widgets.live_calls import COLUMNS, RowCache, row_cells

NOW = datetime(2026, 11, 22, 10, tzinfo=UTC)
TEHRAN = pbx_zone("Asia/Tehran")
PENDING_SHARE = 0.01


def book_of(count: int) -> CallBook:
    """``count`` calls, 1% still waiting, the rest answered."""
    book = CallBook()
    request = OriginateRequest("557", "09121234567", "main_routing", "557", call_limit=60)
    for i in range(count):
        at = NOW - timedelta(seconds=i)
        book.add(
            Call(
                f"k{i}", request, at, placement=Placement.ACCEPTED, answered_at=at, call_id=f"orig.call.{i}.1"
            )
        )
    settled = count - int(count * PENDING_SHARE)
    legs = [
        Cdr.from_api(
            {"_id": f"r{i}", "originated_call_id": f"orig.call.{i}.1", "disposition": "ANSWERED"}, TEHRAN
        )
        for i in range(settled)
    ]
    book.apply_cdrs(legs)
    return book


def median_ms(refresh: Callable[[datetime], object], seconds: int = 15) -> float:
    """Median time of a refresh, one simulated second apart (after one warm-up)."""
    refresh(NOW)
    samples = []
    for second in range(1, seconds + 1):
        started = time.perf_counter()
        refresh(NOW + timedelta(seconds=second))
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    """Measure both ways at two sizes."""
    print(f"{'tracked calls':>14} {'every row':>11} {'row cache':>11} {'ratio':>7}")
    for count in (1_000, 10_000):
        book = book_of(count)
        plain: CallBoard[str] = CallBoard(width=len(COLUMNS))
        cached: CallBoard[str] = CallBoard(width=len(COLUMNS))
        cache = RowCache()

        def every_row(now: datetime, book: CallBook = book, board: CallBoard[str] = plain) -> object:
            return board.apply({k: row_cells(c, now, False) for k, c in book.calls.items()})

        def with_cache(
            now: datetime, book: CallBook = book, board: CallBoard[str] = cached, rows: RowCache = cache
        ) -> object:
            return board.apply(rows.snapshot(book.calls, now, False, str))

        base = median_ms(every_row)
        fast = median_ms(with_cache)
        print(f"{count:>14,} {base:8.1f} ms {fast:8.1f} ms {fast / base:6.2f}×")


if __name__ == "__main__":
    main()
