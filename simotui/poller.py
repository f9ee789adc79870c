"""One poll cycle over every pending call: a constant number of CDR searches, however many calls.

Simotel has no "active calls" endpoint and no ``originated_call_id`` filter (reference §9), so
the poller asks for every CDR in the one date window that covers all pending calls, page by
page, and the matching happens locally. The number of requests depends on how many CDRs the
PBX wrote in that window, never on how many calls are tracked.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from simotui.api.client import SimotelClient
from simotui.api.models import Cdr, CdrQuery, Pagination
from simotui.tracking import TrackedCall, poll_window

# A hard stop per cycle: a window this full means something is wrong, and the next cycle
# picks up where the matching left off anyway.
MAX_PAGES_PER_CYCLE = 40
# Ascending start time keeps the offsets of already-seen rows stable while new calls end.
OLDEST_FIRST = {"starttime": 1}


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one cycle fetched, and what it cost."""

    cdrs: tuple[Cdr, ...]
    requests: int
    latency: float
    truncated: bool


async def fetch_pending_cdrs(
    client: SimotelClient, calls: Iterable[TrackedCall], now: datetime, page_size: int
) -> PollResult:
    """Fetch every CDR in the window covering the pending calls; no request if none is pending."""
    window = poll_window(calls, now)
    if window is None:
        return PollResult((), 0, 0.0, False)
    query = CdrQuery(date_from=window.start, date_to=window.end)
    started = time.perf_counter()
    rows: list[Cdr] = []
    requests = 0
    offset = 0
    truncated = False
    while True:
        page = await client.reports.cdr_search(query, Pagination(offset, page_size, OLDEST_FIRST))
        requests += 1
        rows.extend(page.records)
        offset += len(page.records)
        if not page.records or offset >= page.total:
            break
        if requests >= MAX_PAGES_PER_CYCLE:
            truncated = True
            break
    return PollResult(tuple(rows), requests, time.perf_counter() - started, truncated)


def next_backoff(previous: float, interval: float, ceiling: float = 60.0) -> float:
    """Seconds to wait after a failed cycle: doubling from the poll interval up to a ceiling."""
    if previous <= 0:
        return min(max(interval, 1.0), ceiling)
    return min(previous * 2, ceiling)
