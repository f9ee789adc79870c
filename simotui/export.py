"""Writing records out: JSON arrays and CSV streamed page by page, for the CLI and the console.

No Textual here; the console's export dialog and ``simotui cdr search --json`` share it.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, tzinfo
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

from simotui.api.models import CampaignReportRow, Cdr, Page, Pagination
from simotui.private import private_fd

T = TypeVar("T")
Format = Literal["csv", "json"]


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def to_json(value: Any, *, indent: int | None = None) -> str:
    """JSON text of a value that may hold read-only mappings and datetimes."""
    return json.dumps(value, ensure_ascii=False, default=_plain, indent=indent)


class JsonArrayWriter:
    """Writes a JSON array one element at a time, so a consumer can start on the first page.

    The closing bracket is written only by :meth:`close`: output cut short by an error is not
    valid JSON, so ``jq`` fails instead of taking a partial answer for a whole one.
    """

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.count = 0
        self.stream.write("[")

    def write_all(self, records: Iterable[Any]) -> None:
        """Append records and flush."""
        for record in records:
            self.stream.write(",\n" if self.count else "\n")
            self.stream.write(to_json(record))
            self.count += 1
        self.stream.flush()

    def close(self) -> None:
        """End the array."""
        self.stream.write("\n]\n" if self.count else "]\n")
        self.stream.flush()


class CsvWriter:
    """Writes CSV rows with a header, flushing after every batch."""

    def __init__(self, stream: IO[str], header: Sequence[str]) -> None:
        self.stream = stream
        self.writer = csv.writer(stream, lineterminator="\n")
        self.writer.writerow(header)

    def write_all(self, rows: Iterable[Sequence[Any]]) -> None:
        """Append rows and flush."""
        self.writer.writerows(rows)
        self.stream.flush()


def cell(value: Any, tz: tzinfo) -> str:
    """One CSV or table cell: dates in ISO 8601 in the PBX zone, None as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(tz).isoformat()
    return str(value)


async def each_page(
    fetch: Callable[[Pagination], Awaitable[Page[T]]],
    *,
    sorting: Mapping[str, int],
    page_size: int,
    limit: int | None,
) -> AsyncIterator[Page[T]]:
    """Every page of a search, in order, stopping at ``limit`` records (the last page trimmed).

    Sort oldest first: rows written while paging then land after the rows already read, so no
    offset shifts under us.
    """
    offset = 0
    while limit is None or offset < limit:
        count = page_size if limit is None else min(page_size, limit - offset)
        page = await fetch(Pagination(offset, count, sorting))
        records = page.records if limit is None else page.records[: limit - offset]
        if records != page.records:
            page = replace(page, records=records)
        if page.records:
            yield page
        offset += len(page.records)
        if not page.records or offset >= page.total:
            return


async def export_records(
    fetch: Callable[[Pagination], Awaitable[Page[T]]],
    target: Path,
    fmt: Format,
    *,
    sorting: Mapping[str, int],
    raw: Callable[[T], Any],
    header: Sequence[str],
    row: Callable[[T], Sequence[Any]],
    page_size: int = 500,
    limit: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Fetch every page (or up to ``limit`` records) into ``target``; returns how many records.

    JSON holds each record as the server sent it; CSV one row per record under ``header``. The
    file is written beside the target and renamed when complete, so an error or a cancel never
    leaves a half file under the name the user chose.
    """
    partial = target.with_name(f".{target.name}.part")
    written = 0
    try:
        with os.fdopen(private_fd(partial), "w", encoding="utf-8", newline="") as stream:
            json_out = JsonArrayWriter(stream) if fmt == "json" else None
            csv_out = CsvWriter(stream, header) if fmt == "csv" else None
            async for page in each_page(fetch, sorting=sorting, page_size=page_size, limit=limit):
                if json_out is not None:
                    json_out.write_all(raw(record) for record in page.records)
                if csv_out is not None:
                    csv_out.write_all(row(record) for record in page.records)
                written += len(page.records)
                if on_progress is not None:
                    on_progress(written, page.total if limit is None else min(page.total, limit))
            if json_out is not None:
                json_out.close()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return written


# -- the columns of exported records -------------------------------------------------------

CDR_CSV_FIELDS = (
    "id",
    "cuid",
    "type",
    "start",
    "starttime",
    "answer",
    "endtime",
    "src",
    "dst",
    "clid",
    "disposition",
    "duration",
    "billsec",
    "wait",
    "originated_call_id",
    "record",
    "entry_point",
    "outgoing_point",
    "hangup",
    "dcontext",
    "channel",
    "comment",
)


def cdr_csv_row(cdr: Cdr, tz: tzinfo) -> list[str]:
    """One CSV row of a CDR, in CDR_CSV_FIELDS order."""
    return [cell(getattr(cdr, name), tz) for name in CDR_CSV_FIELDS]


REPORT_CSV_FIELDS = (
    "id",
    "campaign_id",
    "campaign",
    "number",
    "disposition",
    "status",
    "tries",
    "billsec",
    "wait",
    "dialled_at",
    "last_cause",
    "last_cause_text",
)


def report_csv_row(row: CampaignReportRow, tz: tzinfo) -> list[str]:
    """One CSV row, in REPORT_CSV_FIELDS order."""
    last = row.tries[-1] if row.tries else None
    values = (
        row.id,
        row.campaign_id,
        row.campaign,
        row.number,
        row.disposition,
        row.status,
        row.try_count,
        row.billsec,
        row.wait,
        row.dialled_at,
        last.cause if last else None,
        last.cause_text if last else None,
    )
    return [cell(value, tz) for value in values]
