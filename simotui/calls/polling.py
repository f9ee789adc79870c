"""One poll cycle: a constant number of searches for every pending call, however many there are.

Simotel has no "active calls" endpoint and no ``originated_call_id`` filter (reference §9), so
a cycle asks for every CDR in the one date window that covers all pending calls, one autodialer
report search for the campaign calls, and — only while a campaign's creation answer was lost — one
campaign search by name; matching happens locally (:mod:`simotui.calls.book`). The number of
requests depends on how many records the PBX wrote in those windows, never on how many calls are
tracked.

A plan records the PBX time it was made at (``as_of``): a complete, successful cycle proves
that whatever its calls wait for had not reached the reports by then. That, and nothing else,
moves their deadlines forward.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Generic, TypeVar

from simotui.api.client import SimotelClient
from simotui.api.models import (
    Campaign,
    CampaignReportQuery,
    CampaignReportRow,
    Cdr,
    CdrQuery,
    Page,
    Pagination,
)
from simotui.calls.book import CallBook
from simotui.calls.dials import CAMPAIGN_PREFIX
from simotui.calls.model import Call
from simotui.errors import RecordParseError

T = TypeVar("T")

# A hard stop per search: a window this full means something is wrong; a truncated cycle still
# matches what it fetched, but proves nothing about what it did not.
MAX_PAGES_PER_CYCLE = 40
# Ascending start time keeps the offsets of already-seen rows stable while new calls end.
OLDEST_FIRST = {"starttime": 1}
# Autodialer report rows are dated by their first dial; the same reasoning applies.
REPORTS_OLDEST_FIRST = {"date": 1}
CAMPAIGNS_NEWEST_FIRST = {"date": -1}
# Searches look this far around the calls they cover: a CDR's start can precede the originate
# id's epoch by a second, and our estimate of the PBX's clock can be off.
WINDOW_MARGIN = timedelta(minutes=2)
# Calls requested longer ago than this are looked for one by one (see plan_cycle).
RECENT = timedelta(hours=1)
TARGETS_PER_CYCLE = 8


@dataclass(frozen=True, slots=True)
class Window:
    """One date range that covers every call a search is for."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Target:
    """A search for one old call by its parties: a window of its own keeps the shared one short."""

    key: str
    caller: str
    callee: str
    campaign_id: str
    cdrs: bool
    reports: bool
    window: Window


@dataclass(frozen=True, slots=True)
class PollPlan:
    """What one cycle will ask for, and which calls it covers when it all succeeds."""

    as_of: datetime
    cdr_window: Window | None = None
    report_window: Window | None = None
    campaign_names: frozenset[str] = frozenset()
    targets: tuple[Target, ...] = ()
    keys: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        """Whether there is nothing to ask the server."""
        return not self.keys


def plan_cycle(book: CallBook, now: datetime) -> PollPlan:
    """The searches that cover every call still waiting for something.

    Calls requested within ``RECENT`` share one CDR window and one report window. An older call
    (restored after a long stop, or followed for an hour) would stretch those windows over hours
    of other people's calls, so it gets a search of its own by caller and callee instead — at
    most ``TARGETS_PER_CYCLE`` a cycle, those looked for longest ago first.
    """
    cdr_starts: list[datetime] = []
    report_starts: list[datetime] = []
    keys: set[str] = set()
    old: list[Call] = []
    for call in book:
        if not call.wants_polling:
            continue
        if call.requested_at < now - RECENT and (call.wants_cdrs or call.wants_reports):
            old.append(call)
            continue
        if call.wants_cdrs:
            cdr_starts.append(call.requested_at)
        if call.wants_reports:
            report_starts.append(call.requested_at)
        keys.add(call.key)
    old.sort(key=lambda c: (c.covered_until or c.requested_at, c.key))
    targets = []
    for call in old[:TARGETS_PER_CYCLE]:
        end = min(now, call.deadline) + WINDOW_MARGIN
        window = Window(call.requested_at - WINDOW_MARGIN, end)
        targets.append(
            Target(
                call.key,
                call.caller,
                call.callee,
                call.campaign_id,
                call.wants_cdrs,
                call.wants_reports,
                window,
            )
        )
        keys.add(call.key)
    names = frozenset(c.campaign_name for c in book if c.wants_campaign_search)
    return PollPlan(
        as_of=now,
        cdr_window=_window(cdr_starts, now),
        report_window=_window(report_starts, now),
        campaign_names=names,
        targets=tuple(targets),
        keys=frozenset(keys),
    )


def _window(starts: list[datetime], now: datetime) -> Window | None:
    if not starts:
        return None
    return Window(start=min(starts) - WINDOW_MARGIN, end=now + WINDOW_MARGIN)


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one cycle fetched, and what it cost."""

    plan: PollPlan
    cdrs: tuple[Cdr, ...] = ()
    reports: tuple[CampaignReportRow, ...] = ()
    campaigns: tuple[Campaign, ...] = ()
    requests: int = 0
    latency: float = 0.0
    truncated: bool = False
    """A search hit the page limit: what it fetched is matched, but it proves no absence."""
    rejected: tuple[RecordParseError, ...] = ()
    """Records the server sent that could not be read; they were skipped, not guessed at."""


@dataclass(slots=True)
class _Pages(Generic[T]):
    rows: list[T] = field(default_factory=list)
    rejected: list[RecordParseError] = field(default_factory=list)
    requests: int = 0
    truncated: bool = False


async def every_page(
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


async def fetch_cycle(client: SimotelClient, plan: PollPlan, page_size: int) -> PollResult:
    """Run the searches of a plan (no request at all when it is empty).

    Raises:
        SimotuiError: a search failed; nothing of the cycle is kept.
    """
    started = time.perf_counter()
    requests = 0
    truncated = False
    rejected: list[RecordParseError] = []
    cdrs: list[Cdr] = []
    reports: list[CampaignReportRow] = []
    campaigns: list[Campaign] = []
    if plan.cdr_window is not None:
        query = CdrQuery(date_from=plan.cdr_window.start, date_to=plan.cdr_window.end)
        cdr_pages = await every_page(
            lambda page: client.reports.cdr_search(query, page, skip_bad=True), page_size, OLDEST_FIRST
        )
        cdrs, requests, truncated = list(cdr_pages.rows), cdr_pages.requests, cdr_pages.truncated
        rejected.extend(cdr_pages.rejected)
    if plan.report_window is not None:
        report_query = CampaignReportQuery(date_from=plan.report_window.start, date_to=plan.report_window.end)
        report_pages = await every_page(
            lambda page: client.autodialer.search_reports(report_query, page, skip_bad=True),
            page_size,
            REPORTS_OLDEST_FIRST,
        )
        reports = list(report_pages.rows)
        requests += report_pages.requests
        truncated = truncated or report_pages.truncated
        rejected.extend(report_pages.rejected)
    for target in plan.targets:
        if target.cdrs:
            by_parties = CdrQuery(
                date_from=target.window.start,
                date_to=target.window.end,
                src=target.caller,
                dst=target.callee,
                alike=False,
            )
            pages = await every_page(partial(_cdr_page, client, by_parties), page_size, OLDEST_FIRST)
            cdrs.extend(pages.rows)
            requests += pages.requests
            truncated = truncated or pages.truncated
            rejected.extend(pages.rejected)
        if target.reports:
            by_number = CampaignReportQuery(
                campaign_id=target.campaign_id,
                number=target.caller,
                date_from=target.window.start,
                date_to=target.window.end,
                alike=False,
            )
            rows = await every_page(partial(_report_page, client, by_number), page_size, REPORTS_OLDEST_FIRST)
            reports.extend(rows.rows)
            requests += rows.requests
            truncated = truncated or rows.truncated
            rejected.extend(rows.rejected)
    if plan.campaign_names:
        campaign_pages = await every_page(
            lambda page: client.autodialer.search_campaigns(CAMPAIGN_PREFIX, page=page, skip_bad=True),
            page_size,
            CAMPAIGNS_NEWEST_FIRST,
        )
        campaigns = [c for c in campaign_pages.rows if c.name in plan.campaign_names]
        requests += campaign_pages.requests
        truncated = truncated or campaign_pages.truncated
        rejected.extend(campaign_pages.rejected)
    return PollResult(
        plan=plan,
        cdrs=tuple(cdrs),
        reports=tuple(reports),
        campaigns=tuple(campaigns),
        requests=requests,
        latency=time.perf_counter() - started,
        truncated=truncated,
        rejected=tuple(rejected),
    )


async def _cdr_page(client: SimotelClient, query: CdrQuery, page: Pagination) -> Page[Cdr]:
    return await client.reports.cdr_search(query, page, skip_bad=True)


async def _report_page(
    client: SimotelClient, query: CampaignReportQuery, page: Pagination
) -> Page[CampaignReportRow]:
    return await client.autodialer.search_reports(query, page, skip_bad=True)
