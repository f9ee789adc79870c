"""One poll cycle: what it asks Simotel for every pending call, at a cost set by what is new.

Simotel has no "active calls" endpoint and no ``originated_call_id`` filter (reference §9): CDRs
are found by reading what the PBX wrote and matching locally (:mod:`simotui.calls.book`).

**CDRs: a window, then the cursor.** A call nobody has looked for yet is looked for with one CDR
search over the date window that covers it (and every other such call). From then on, each cycle
reads only the CDRs *inserted* since the last cycle, through the ordered cursor
``reports/cdr/ordered/id`` (§1.7, "the right tool for tailing new CDRs"), starting from an
ObjectId made of the last cycle's time minus ``CURSOR_OVERLAP``. So a cycle costs what the PBX
wrote since the last one — one request on a quiet PBX — however many calls are tracked and
however many of their CDRs already arrived.

Where a real PBX's order could make that unsafe: ObjectIds start with their second of insertion
and are generated where the row is written; rows from different writers in the same second can
arrive slightly out of order. The cursor therefore re-reads ``CURSOR_OVERLAP`` (5 s) of inserts
every cycle, and nothing is concluded from the cursor alone: a call is given up on ("no CDR",
"no trace") only after a search of its own — by its parties, over its whole window — found
nothing. The cursor's coverage stops just short of a call's deadline for that reason.

**Reports and campaigns.** Autodialer report rows are updated in place (a retry rewrites its
row), which a cursor by ``_id`` would not see again, so campaign calls keep one report search
over their window; a campaign whose creation answer was lost is looked for by name.

**Old calls** (requested over ``RECENT`` ago: restored after a long stop) get searches of their
own by caller and callee, a few a cycle, instead of a window over hours of other calls.

A plan records the PBX time it was made at (``as_of``): a complete, successful cycle proves that
whatever its calls wait for had not reached the reports by then. That, and nothing else, moves
their deadlines forward.
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
    CursorPage,
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
MAX_CURSOR_PAGES = 100
# The ordered cursor's documented page (reference §1.7): a shorter page is its end.
CURSOR_PAGE = 20
# Ascending start time keeps the offsets of already-seen rows stable while new calls end.
OLDEST_FIRST = {"starttime": 1}
# Autodialer report rows are dated by their first dial; the same reasoning applies.
REPORTS_OLDEST_FIRST = {"date": 1}
CAMPAIGNS_NEWEST_FIRST = {"date": -1}
# Searches look this far around the calls they cover: a CDR's start can precede the originate
# id's epoch by a second, and our estimate of the PBX's clock can be off.
WINDOW_MARGIN = timedelta(minutes=2)
# Inserts the cursor reads again each cycle, for rows whose ObjectId came a little out of order.
CURSOR_OVERLAP = timedelta(seconds=5)
# Calls requested longer ago than this are looked for one by one (see plan_cycle).
RECENT = timedelta(hours=1)
TARGETS_PER_CYCLE = 8


def object_id_at(moment: datetime) -> str:
    """The smallest ObjectId of a second: the cursor's starting point for rows inserted since then."""
    return f"{max(int(moment.timestamp()), 0):08x}" + "0" * 16


@dataclass(frozen=True, slots=True)
class Window:
    """One date range that covers every call a search is for."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Target:
    """A search for one call by its parties: an old call, or one about to be given up on."""

    key: str
    caller: str
    callee: str
    campaign_id: str
    cdrs: bool
    reports: bool
    window: Window


@dataclass(frozen=True, slots=True)
class PollPlan:
    """What one cycle will ask for, and which calls it covers when it all succeeds.

    ``keys`` are covered up to ``as_of``; ``tailed`` only by the cursor, so up to just before
    their deadline (see the module docstring).
    """

    as_of: datetime
    cdr_window: Window | None = None
    cursor_from: datetime | None = None
    report_window: Window | None = None
    campaign_names: frozenset[str] = frozenset()
    targets: tuple[Target, ...] = ()
    keys: frozenset[str] = frozenset()
    tailed: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        """Whether there is nothing to ask the server."""
        return not (self.keys or self.tailed)


def plan_cycle(
    book: CallBook, now: datetime, tail: datetime | None = None, *, prefer_window: bool = False
) -> PollPlan:
    """The searches that cover every call still waiting for something.

    Args:
        book: the calls.
        now: the PBX's time.
        tail: the PBX time up to which the CDR cursor has read (None: it has not started).
        prefer_window: the window would cost fewer requests than the cursor (a burst of hang-ups:
            the cursor reads 20 rows a request, a window search 500).
    """
    window_starts: list[datetime] = []
    report_starts: list[datetime] = []
    full: set[str] = set()
    tailed: set[str] = set()
    searched: list[Call] = []
    for call in book:
        if not call.wants_polling:
            continue
        if call.requested_at < now - RECENT and (call.wants_cdrs or call.wants_reports):
            searched.append(call)
            continue
        if call.wants_reports:
            report_starts.append(call.requested_at)
        if not call.wants_cdrs:
            full.add(call.key)
            continue
        if tail is None or call.covered_until is None or prefer_window:
            window_starts.append(call.requested_at)  # never looked for (or cheaper so): the window
            full.add(call.key)
        elif call.deadline <= now:
            searched.append(call)  # its last look: a search of its own, not the cursor
        elif call.covered_until < tail - CURSOR_OVERLAP:
            window_starts.append(call.requested_at)  # fell behind the cursor (a failed cycle)
            full.add(call.key)
        else:
            tailed.add(call.key)
    searched.sort(key=lambda c: (c.covered_until or c.requested_at, c.key))
    targets = []
    for call in searched[:TARGETS_PER_CYCLE]:
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
        full.add(call.key)
    for call in searched[TARGETS_PER_CYCLE:]:
        if call.requested_at >= now - RECENT:
            tailed.add(call.key)  # its own search comes in a later cycle; the cursor meanwhile
    cursor_from = None
    if tail is not None and tailed:
        cursor_from = tail - CURSOR_OVERLAP
    names = frozenset(c.campaign_name for c in book if c.wants_campaign_search)
    return PollPlan(
        as_of=now,
        cdr_window=_window(window_starts, now),
        cursor_from=cursor_from,
        report_window=_window(report_starts, now),
        campaign_names=names,
        targets=tuple(targets),
        keys=frozenset(full),
        tailed=frozenset(tailed),
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
    cdrs_read: bool = False
    """The CDR searches of the plan (window and cursor) were all read to their end."""
    window_rows: int | None = None
    """How many CDRs the window search matched (its ``total``), when there was one."""
    cursor_requests: int | None = None
    """How many requests the cursor took, when it ran."""


@dataclass(slots=True)
class _Pages(Generic[T]):
    rows: list[T] = field(default_factory=list)
    rejected: list[RecordParseError] = field(default_factory=list)
    requests: int = 0
    truncated: bool = False

    def take(self, other: _Pages[T]) -> None:
        self.rows.extend(other.rows)
        self.rejected.extend(other.rejected)
        self.requests += other.requests
        self.truncated = self.truncated or other.truncated


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


async def every_insert(fetch: Callable[[str], Awaitable[CursorPage[T]]], since: datetime) -> _Pages[T]:
    """Every record inserted since a moment, through an ordered cursor, until a short page."""
    pages: _Pages[T] = _Pages()
    after = object_id_at(since)
    while True:
        page = await fetch(after)
        pages.requests += 1
        pages.rows.extend(page.records)
        pages.rejected.extend(page.rejected)
        read = len(page.records) + len(page.rejected)
        if read < CURSOR_PAGE or not page.last_id or page.last_id == after:
            return pages
        if pages.requests >= MAX_CURSOR_PAGES:
            pages.truncated = True
            return pages
        after = page.last_id


async def _cdr_page(client: SimotelClient, query: CdrQuery, page: Pagination) -> Page[Cdr]:
    return await client.reports.cdr_search(query, page, skip_bad=True)


async def _cdr_inserts(client: SimotelClient, after: str) -> CursorPage[Cdr]:
    return await client.reports.cdr_ordered(after, skip_bad=True)


async def _report_page(
    client: SimotelClient, query: CampaignReportQuery, page: Pagination
) -> Page[CampaignReportRow]:
    return await client.autodialer.search_reports(query, page, skip_bad=True)


async def _campaign_page(client: SimotelClient, page: Pagination) -> Page[Campaign]:
    return await client.autodialer.search_campaigns(CAMPAIGN_PREFIX, page=page, skip_bad=True)


async def fetch_cycle(client: SimotelClient, plan: PollPlan, page_size: int) -> PollResult:
    """Run the searches of a plan (no request at all when it is empty).

    Raises:
        SimotuiError: a search failed; nothing of the cycle is kept.
    """
    started = time.perf_counter()
    cdrs: _Pages[Cdr] = _Pages()
    reports: _Pages[CampaignReportRow] = _Pages()
    campaigns: _Pages[Campaign] = _Pages()
    window_rows = cursor_requests = None
    if plan.cdr_window is not None:
        query = CdrQuery(date_from=plan.cdr_window.start, date_to=plan.cdr_window.end)
        window = await every_page(partial(_cdr_page, client, query), page_size, OLDEST_FIRST)
        window_rows = len(window.rows) + len(window.rejected)
        cdrs.take(window)
    if plan.cursor_from is not None:
        inserts = await every_insert(partial(_cdr_inserts, client), plan.cursor_from)
        cursor_requests = inserts.requests
        cdrs.take(inserts)
    cdrs_read = not cdrs.truncated
    if plan.report_window is not None:
        report_query = CampaignReportQuery(date_from=plan.report_window.start, date_to=plan.report_window.end)
        reports.take(
            await every_page(partial(_report_page, client, report_query), page_size, REPORTS_OLDEST_FIRST)
        )
    for target in plan.targets:
        if target.cdrs:
            by_parties = CdrQuery(
                date_from=target.window.start,
                date_to=target.window.end,
                src=target.caller,
                dst=target.callee,
                alike=False,
            )
            cdrs.take(await every_page(partial(_cdr_page, client, by_parties), page_size, OLDEST_FIRST))
        if target.reports:
            by_number = CampaignReportQuery(
                campaign_id=target.campaign_id,
                number=target.caller,
                date_from=target.window.start,
                date_to=target.window.end,
                alike=False,
            )
            reports.take(
                await every_page(partial(_report_page, client, by_number), page_size, REPORTS_OLDEST_FIRST)
            )
    if plan.campaign_names:
        found = await every_page(partial(_campaign_page, client), page_size, CAMPAIGNS_NEWEST_FIRST)
        found.rows = [c for c in found.rows if c.name in plan.campaign_names]
        campaigns.take(found)
    return PollResult(
        plan=plan,
        cdrs=tuple(cdrs.rows),
        reports=tuple(reports.rows),
        campaigns=tuple(campaigns.rows),
        requests=cdrs.requests + reports.requests + campaigns.requests,
        latency=time.perf_counter() - started,
        truncated=cdrs.truncated or reports.truncated or campaigns.truncated,
        rejected=tuple(cdrs.rejected + reports.rejected + campaigns.rejected),
        cdrs_read=cdrs_read,
        window_rows=window_rows,
        cursor_requests=cursor_requests,
    )
