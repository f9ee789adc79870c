"""``simotui campaign-report``: autodialer report rows (one per campaign number), every page."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime, tzinfo

from simotui.api.models import CampaignReportQuery, CampaignReportRow, Page, Pagination
from simotui.commands.args import WHEN_HELP, ExitCode, add_format_options, phone_number, positive_int
from simotui.commands.common import Connection, connect, parse_moment, print_pages, say
from simotui.export import REPORT_CSV_FIELDS, each_page, report_csv_row

# Report rows carry their dial time in ``date``.
OLDEST_FIRST = {"date": 1}


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add ``campaign-report``."""
    parser = commands.add_parser(
        "campaign-report",
        parents=[parent],
        help="autodialer report rows, all pages",
        description="Search autodialer reports (autodialer/reports/search): one row per campaign number "
        "with its tries, every page as it arrives, oldest first. Dates are optional. --json prints "
        "a JSON array of the rows as the server sent them, --csv one row each, otherwise a table.",
    )
    parser.add_argument("--campaign-id", default="", help="the campaign's id")
    parser.add_argument(
        "--number", type=phone_number, default="", help="the dialled number (substring unless --exact)"
    )
    parser.add_argument("--disposition", default="", help="ANSWERED, BUSY, NO ANSWER, ...")
    parser.add_argument("--since", help=f"first minute: {WHEN_HELP}")
    parser.add_argument("--until", help=f"last minute: {WHEN_HELP}")
    parser.add_argument("--exact", action="store_true", help="match the filters exactly")
    parser.add_argument("--limit", type=positive_int, help="stop after N rows")
    add_format_options(parser, "report rows")
    parser.set_defaults(run=run)


def report_query(args: argparse.Namespace, tz: tzinfo, now: datetime) -> CampaignReportQuery:
    """The query the flags describe."""
    return CampaignReportQuery(
        campaign_id=args.campaign_id,
        number=args.number,
        disposition=args.disposition,
        date_from=parse_moment(args.since, tz, now, end=False) if args.since else None,
        date_to=parse_moment(args.until, tz, now, end=True) if args.until else None,
        alike=not args.exact,
    )


def table_row(row: CampaignReportRow, tz: tzinfo) -> str:
    """One line of the human-readable table."""
    when = f"{row.dialled_at.astimezone(tz):%Y-%m-%d %H:%M}" if row.dialled_at else "-" * 16
    disposition = str(row.disposition or "-")
    return (
        f"{when}  {row.campaign[:20]:<20}  {row.number:<13}  {disposition:<10} "
        f"tries {row.try_count:>2}  {row.billsec:>5}s"
    )


def run(args: argparse.Namespace) -> int:
    """Search and print."""
    connection = connect(args)
    return asyncio.run(_report(args, connection))


async def _report(args: argparse.Namespace, connection: Connection) -> int:
    tz = connection.tz
    query = report_query(args, tz, datetime.now(UTC))
    async with connection.client() as client:

        def fetch(page: Pagination) -> Awaitable[Page[CampaignReportRow]]:
            return client.autodialer.search_reports(query, page)

        pages = each_page(
            fetch, sorting=OLDEST_FIRST, page_size=connection.settings.page_size, limit=args.limit
        )
        count, _total = await print_pages(
            pages,
            args,
            header=REPORT_CSV_FIELDS,
            csv_row=lambda row: report_csv_row(row, tz),
            table_row=lambda row: table_row(row, tz),
            raw=lambda row: row.raw,
        )
    say(f"simotui: {count} report row{'s' if count != 1 else ''}")
    return ExitCode.OK
