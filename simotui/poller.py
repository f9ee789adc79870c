"""One poll cycle over every pending call: a constant number of CDR searches, however many calls.

Simotel has no "active calls" endpoint and no ``originated_call_id`` filter (reference §9), so
the poller asks for every CDR in the one date window that covers all pending calls, page by
page, and the matching happens locally. The number of requests depends on how many CDRs the
PBX wrote in that window, never on how many calls are tracked.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from simotui.api.client import SimotelClient
from simotui.api.models import CampaignReportQuery, CampaignReportRow, Cdr, CdrQuery, Page, Pagination
from simotui.errors import RecordParseError
from simotui.tracking import TrackedCall, poll_window, report_window

T = TypeVar("T")

# A hard stop per cycle: a window this full means something is wrong, and the next cycle
# picks up where the matching left off anyway.
MAX_PAGES_PER_CYCLE = 40
# Ascending start time keeps the offsets of already-seen rows stable while new calls end.
OLDEST_FIRST = {"starttime": 1}
# Autodialer report rows are dated by their first dial; the same reasoning applies.
REPORTS_OLDEST_FIRST = {"date": 1}


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one cycle fetched, and what it cost."""

    cdrs: tuple[Cdr, ...]
    requests: int
    latency: float
    truncated: bool
    rejected: tuple[RecordParseError, ...] = ()


@dataclass(slots=True)
class _Pages(Generic[T]):
    rows: list[T] = field(default_factory=list)
    rejected: list[RecordParseError] = field(default_factory=list)
    requests: int = 0
    truncated: bool = False


async def _every_page(
    fetch: Callable[[Pagination], Awaitable[Page[T]]], page_size: int, sorting: Mapping[str, int]
) -> _Pages[T]:
    """Every record of a search (at most MAX_PAGES_PER_CYCLE pages), with the unreadable ones apart."""
    pages: _Pages[T] = _Pages()
    offset = 0
    while True:
        page = await fetch(Pagination(offset, page_size, sorting))
        pages.requests += 1
        pages.rows.extend(page.records)
        pages.rejected.extend(page.rejected)
        offset += len(page.records) + len(page.rejected)
        if not (page.records or page.rejected) or offset >= page.total:
            return pages
        if pages.requests >= MAX_PAGES_PER_CYCLE:
            pages.truncated = True
            return pages


async def fetch_pending_cdrs(
    client: SimotelClient, calls: Iterable[TrackedCall], now: datetime, page_size: int
) -> PollResult:
    """Fetch every CDR in the window covering the pending calls; no request if none is pending."""
    window = poll_window(calls, now)
    if window is None:
        return PollResult((), 0, 0.0, False)
    query = CdrQuery(date_from=window.start, date_to=window.end)
    started = time.perf_counter()
    pages = await _every_page(
        lambda page: client.reports.cdr_search(query, page, skip_bad=True), page_size, OLDEST_FIRST
    )
    return PollResult(
        tuple(pages.rows),
        pages.requests,
        time.perf_counter() - started,
        pages.truncated,
        tuple(pages.rejected),
    )


@dataclass(frozen=True, slots=True)
class ReportPollResult:
    """The autodialer report rows one cycle fetched, and what it cost."""

    rows: tuple[CampaignReportRow, ...]
    requests: int
    truncated: bool
    rejected: tuple[RecordParseError, ...] = ()


async def fetch_pending_reports(
    client: SimotelClient, calls: Iterable[TrackedCall], now: datetime, page_size: int
) -> ReportPollResult:
    """Fetch every autodialer report row in the window covering the pending campaign calls.

    One search without a campaign filter covers every campaign call at once; rows are matched
    to calls by campaign id and number afterwards.
    """
    window = report_window(calls, now)
    if window is None:
        return ReportPollResult((), 0, False)
    query = CampaignReportQuery(date_from=window.start, date_to=window.end)
    pages = await _every_page(
        lambda page: client.autodialer.search_reports(query, page, skip_bad=True),
        page_size,
        REPORTS_OLDEST_FIRST,
    )
    return ReportPollResult(tuple(pages.rows), pages.requests, pages.truncated, tuple(pages.rejected))


@dataclass(frozen=True, slots=True)
class CycleResult:
    """Everything one poll cycle learned: CDRs for direct and bridged calls, campaign report rows."""

    cdrs: tuple[Cdr, ...]
    reports: tuple[CampaignReportRow, ...]
    requests: int
    latency: float
    truncated: bool
    rejected: tuple[RecordParseError, ...] = ()
    """Records the server sent that could not be read; they were skipped, not guessed at."""


async def poll_cycle(
    client: SimotelClient, calls: Iterable[TrackedCall], now: datetime, page_size: int
) -> CycleResult:
    """One cycle: at most one CDR search and one report search (plus their further pages)."""
    snapshot = list(calls)
    started = time.perf_counter()
    cdrs = await fetch_pending_cdrs(client, snapshot, now, page_size)
    reports = await fetch_pending_reports(client, snapshot, now, page_size)
    return CycleResult(
        cdrs=cdrs.cdrs,
        reports=reports.rows,
        requests=cdrs.requests + reports.requests,
        latency=time.perf_counter() - started,
        truncated=cdrs.truncated or reports.truncated,
        rejected=cdrs.rejected + reports.rejected,
    )


def next_backoff(previous: float, interval: float, ceiling: float = 60.0) -> float:
    """Seconds to wait after a failed cycle: doubling from the poll interval up to a ceiling."""
    if previous <= 0:
        return min(max(interval, 1.0), ceiling)
    return min(previous * 2, ceiling)
