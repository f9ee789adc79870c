"""``simotui cdr search``: CDRs matching filters, every page, streamed as they arrive."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime, tzinfo

from simotui.api.models import Cdr, CdrQuery, Page, Pagination
from simotui.commands.args import WHEN_HELP, ExitCode, add_format_options, phone_number, positive_int
from simotui.commands.common import Connection, connect, parse_moment, print_pages, say
from simotui.export import CDR_CSV_FIELDS, cdr_csv_row, each_page

# Oldest first keeps the offsets of rows already printed stable while new calls end.
OLDEST_FIRST = {"starttime": 1}


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add ``cdr search``."""
    cdr = commands.add_parser("cdr", help="search CDRs", description="Call detail records.")
    actions = cdr.add_subparsers(dest="cdr_action", metavar="ACTION", required=True)
    search = actions.add_parser(
        "search",
        parents=[parent],
        help="CDRs matching filters, all pages",
        description="Search CDRs (reports/cdr/search; by --cuid alone, reports/quick/search) and print "
        "every page as it arrives, oldest first. Without --since, --until or --cuid: today. "
        "--json prints a JSON array of the records as the server sent them (streamed; left "
        "unterminated if an error cuts it short), --csv one row per CDR, otherwise a table.",
    )
    search.add_argument(
        "--from", dest="src", type=phone_number, default="", help="calling number (substring unless --exact)"
    )
    search.add_argument(
        "--to", dest="dst", type=phone_number, default="", help="called number (substring unless --exact)"
    )
    search.add_argument("--cuid", default="", help="call unique id")
    search.add_argument("--since", help=f"first minute: {WHEN_HELP} (default today)")
    search.add_argument("--until", help=f"last minute: {WHEN_HELP} (default end of today)")
    search.add_argument("--exact", action="store_true", help="match the filters exactly")
    search.add_argument("--limit", type=positive_int, help="stop after N records")
    add_format_options(search, "CDRs")
    search.set_defaults(run=run_search)


def cdr_query(args: argparse.Namespace, tz: tzinfo, now: datetime) -> tuple[CdrQuery, bool]:
    """The query the flags describe, and whether to send it as a quick search (by cuid alone)."""
    since = parse_moment(args.since, tz, now, end=False) if args.since else None
    until = parse_moment(args.until, tz, now, end=True) if args.until else None
    alike = not args.exact
    if args.cuid and since is None and until is None:
        return CdrQuery(src=args.src, dst=args.dst, cuid=args.cuid, alike=alike), True
    if since is None and until is None:
        since = parse_moment("today", tz, now, end=False)
    if since is not None and until is None:
        until = max(
            parse_moment("today", tz, now, end=True), parse_moment(f"{since:%Y-%m-%d}", tz, now, end=True)
        )
    query = CdrQuery(date_from=since, date_to=until, src=args.src, dst=args.dst, cuid=args.cuid, alike=alike)
    return query, False


def table_row(cdr: Cdr, tz: tzinfo) -> str:
    """One line of the human-readable table."""
    start = cdr.start or cdr.starttime
    when = f"{start.astimezone(tz):%Y-%m-%d %H:%M:%S}" if start else "-" * 19
    disposition = str(cdr.disposition or "-")
    return f"{when}  {cdr.src:>13} → {cdr.dst:<13}  {disposition:<10} {cdr.billsec:>5}s  {cdr.cuid}"


def run_search(args: argparse.Namespace) -> int:
    """Search and print."""
    connection = connect(args)
    return asyncio.run(_search(args, connection))


async def _search(args: argparse.Namespace, connection: Connection) -> int:
    tz = connection.tz
    query, quick = cdr_query(args, tz, datetime.now(UTC))
    async with connection.client() as client:
        search = client.reports.quick_search if quick else client.reports.cdr_search

        def fetch(page: Pagination) -> Awaitable[Page[Cdr]]:
            return search(query, page)

        pages = each_page(
            fetch, sorting=OLDEST_FIRST, page_size=connection.settings.page_size, limit=args.limit
        )
        count, total = await print_pages(
            pages,
            args,
            header=CDR_CSV_FIELDS,
            csv_row=lambda cdr: cdr_csv_row(cdr, tz),
            table_row=lambda cdr: table_row(cdr, tz),
            raw=lambda cdr: cdr.raw,
        )
    say(f"simotui: {count} CDR{'s' if count != 1 else ''}" + (f" of {total}" if total > count else ""))
    return ExitCode.OK
