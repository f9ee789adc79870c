"""CdrView: one CDR, every field normalised, dates in both calendars, the route as a timeline."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import tzinfo

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Label, Static

from simotui import display
from simotui.api.models import Cdr
from simotui.ui.masking import masker
from simotui.ui.styles import disposition_style

# Keys shown in the sections above; anything else the server sent is listed under "Other fields".
SHOWN_KEYS = frozenset(
    {
        "_id",
        "type",
        "cuid",
        "uniqueid",
        "clid",
        "src",
        "dst",
        "dcontext",
        "channel",
        "dstchannel",
        "lastapp",
        "lastdata",
        "start",
        "answer",
        "starttime",
        "endtime",
        "duration",
        "billsec",
        "wait",
        "disposition",
        "amaflags",
        "accountcode",
        "userfield",
        "sequence",
        "comment",
        "originated_call_id",
        "did",
        "entry_point",
        "outgoing_point",
        "hangup",
        "record",
        "route",
        "details",
        "qnum",
        "queue_id",
        "tries",
        "last_try",
        "dst_name",
        "billsec_hhmmss",
        "wait_hhmmss",
        "duration_hhmmss",
        "v",
    }
)


def _grid(rows: Iterable[tuple[str, str | Text]], mask: Callable[[str], str] = str) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in rows:
        if value not in ("", None):
            table.add_row(label, Text(mask(value)) if isinstance(value, str) else value)
    return table


def cdr_summary(cdr: Cdr, tz: tzinfo, mask: Callable[[str], str] = str) -> Table:
    """The fields of a CDR as label/value rows (empty values are left out)."""
    both = display.both_calendars
    disposition = display.disposition(cdr.disposition)
    return _grid(
        [
            ("Disposition", Text(disposition, style=disposition_style(disposition))),
            ("Type", cdr.type),
            ("From → To", f"{cdr.src} → {cdr.dst}"),
            ("Caller ID", cdr.clid),
            ("Start", both(cdr.start, tz)),
            ("Answer", both(cdr.answer, tz) if cdr.answer else ""),
            ("Start time", both(cdr.starttime, tz)),
            ("End time", both(cdr.endtime, tz)),
            ("Duration", f"{display.duration(cdr.duration)}  ({cdr.duration} s)"),
            ("Billsec", f"{display.duration(cdr.billsec)}  ({cdr.billsec} s)"),
            ("Wait", f"{display.duration(cdr.wait)}  ({cdr.wait} s)"),
            ("Hang-up by", cdr.hangup or ""),
            ("Context", cdr.dcontext),
            ("Channel", cdr.channel),
            ("Dest. channel", cdr.dstchannel),
            ("Last app", f"{cdr.lastapp} {cdr.lastdata}".strip()),
            ("DID", cdr.did or ""),
            ("Entry point", cdr.entry_point or ""),
            ("Outgoing point", cdr.outgoing_point or ""),
            ("Queue", f"{cdr.queue_number or ''} {cdr.queue_id or ''}".strip()),
            ("Originated", cdr.originated_call_id or ""),
            ("Comment", cdr.comment),
            ("Recording", cdr.record or ""),
            ("Account code", cdr.accountcode),
            ("Sequence", "" if cdr.sequence is None else str(cdr.sequence)),
            ("cuid / uniqueid", f"{cdr.cuid} / {cdr.uniqueid}"),
            ("Row id", cdr.id),
        ],
        mask,
    )


def other_fields(cdr: Cdr, mask: Callable[[str], str] = str) -> Table | None:
    """Fields the server sent that simotui does not name, shown as sent."""
    extra = [(key, repr(value)) for key, value in cdr.raw.items() if key not in SHOWN_KEYS]
    return _grid(extra, mask) if extra else None


class CdrView(Vertical):
    """Renders one CDR: summary, route timeline, retries, and any other fields."""

    def __init__(self, cdr: Cdr, tz: tzinfo, *, title: str = "", id: str | None = None) -> None:
        super().__init__(id=id, classes="cdr-view")
        self.cdr = cdr
        self.tz = tz
        self.title = title

    def compose(self) -> ComposeResult:
        cdr = self.cdr
        if self.title:
            yield Label(self.title, classes="section-title")
        mask = masker(self)
        yield Static(cdr_summary(cdr, self.tz, mask), classes="cdr-summary")
        yield Label(
            f"Route ({len(cdr.route)} steps)" if cdr.route else "Route: none recorded",
            classes="section-title",
        )
        if cdr.route:
            table: DataTable[Text] = DataTable(classes="route-table", cursor_type="row", show_cursor=False)
            table.add_columns("#", "Step", "Name", "Ended at", "Duration")
            for number, step in enumerate(cdr.route, start=1):
                ended = (
                    step.ended_at.astimezone(self.tz).strftime("%H:%M:%S.%f")[:-3] if step.ended_at else "—"
                )
                cells = (str(number), step.type, step.name, ended, display.seconds_precise(step.duration))
                table.add_row(*(Text(cell) for cell in cells))
            yield table
        if cdr.details:
            yield Label(f"Retries ({len(cdr.details)})", classes="section-title")
            retries = [
                (
                    display.both_calendars(d.at, self.tz),
                    f"{d.status or '—'}  exten {d.exten}  billsec {d.billsec}",
                )
                for d in cdr.details
            ]
            yield Static(_grid(retries, mask))
        extra = other_fields(cdr, mask)
        if extra is not None:
            yield Label("Other fields", classes="section-title")
            yield Static(extra)
