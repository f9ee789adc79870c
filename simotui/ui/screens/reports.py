"""ReportsScreen: the CDR browser and the autodialer report browser, side by side in tabs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Label, Static, TabbedContent, TabPane

from simotui import display
from simotui.api.client import SimotelClient
from simotui.api.models import CampaignReportQuery, CampaignReportRow, Cdr, CdrQuery, Page, Pagination
from simotui.export import CDR_CSV_FIELDS, REPORT_CSV_FIELDS, cdr_csv_row, report_csv_row
from simotui.ui.focus import focus_now
from simotui.ui.masking import masker
from simotui.ui.widgets.live_table import LiveTable
from simotui.ui.widgets.report_browser import Column, FilterField, ReportBrowser, ReportKind, default_window
from simotui.ui.widgets.status_line import StatusLine


def cdr_kind(client: SimotelClient, tz: tzinfo) -> ReportKind[Cdr]:
    """The CDR search browser: ``reports/cdr/search``."""

    async def fetch(filters: Mapping[str, Any], page: Pagination) -> Page[Cdr]:
        query = CdrQuery(
            date_from=filters.get("since"),
            date_to=filters.get("until"),
            src=filters.get("src", ""),
            dst=filters.get("dst", ""),
            cuid=filters.get("cuid", ""),
            alike=filters.get("alike", True),
        )
        if query.cuid and query.date_from is None and query.date_to is None:
            return await client.reports.quick_search(query, page, skip_bad=True)
        return await client.reports.cdr_search(query, page, skip_bad=True)

    return ReportKind(
        name="CDRs",
        filters=(
            FilterField("src", "from", 9),
            FilterField("dst", "to", 10),
            FilterField("cuid", "cuid", 12),
            FilterField("since", "since (Gregorian)", 16, is_date=True),
            FilterField("until", "until", 16, is_date=True),
        ),
        columns=(
            Column("Start", "starttime", lambda c: display.gregorian(c.start, tz)),
            Column("From", "src", lambda c: c.src),
            Column("To", "dst", lambda c: c.dst),
            Column("Type", "type", lambda c: c.type),
            Column(
                "Disposition",
                "disposition",
                lambda c: display.disposition(c.disposition),
                is_disposition=True,
            ),
            Column("Billsec", "billsec", lambda c: display.duration(c.billsec)),
            Column("Wait", "wait", lambda c: display.duration(c.wait)),
            Column("Route", None, lambda c: " › ".join(step.type for step in c.route)),
            Column("cuid", "cuid", lambda c: c.cuid),
        ),
        default_sort={"starttime": -1},
        fetch=fetch,
        key=lambda c: c.id,
        raw=lambda c: dict(c.raw),
        csv_header=CDR_CSV_FIELDS,
        csv_row=lambda c: tuple(cdr_csv_row(c, tz)),
    )


def campaign_report_kind(client: SimotelClient, tz: tzinfo) -> ReportKind[CampaignReportRow]:
    """The autodialer report browser: ``autodialer/reports/search``."""

    async def fetch(filters: Mapping[str, Any], page: Pagination) -> Page[CampaignReportRow]:
        query = CampaignReportQuery(
            campaign_id=filters.get("campaign_id", ""),
            number=filters.get("number", ""),
            disposition=filters.get("disposition", "").upper(),
            date_from=filters.get("since"),
            date_to=filters.get("until"),
            alike=filters.get("alike", True),
        )
        return await client.autodialer.search_reports(query, page, skip_bad=True)

    return ReportKind(
        name="Campaign reports",
        filters=(
            FilterField("campaign_id", "campaign id", 11),
            FilterField("number", "number", 10),
            FilterField("disposition", "disposition", 10),
            FilterField("since", "since (Gregorian)", 16, is_date=True),
            FilterField("until", "until", 16, is_date=True),
        ),
        columns=(
            Column("Dialled", "date", lambda r: display.gregorian(r.dialled_at, tz)),
            Column("Campaign", "campaign", lambda r: r.campaign),
            Column("Number", "number", lambda r: r.number),
            Column(
                "Disposition",
                "disposition",
                lambda r: display.disposition(r.disposition),
                is_disposition=True,
            ),
            Column("Tries", "try", lambda r: str(r.try_count)),
            Column("Billsec", "billsec", lambda r: display.duration(r.billsec)),
            Column("Wait", "wait", lambda r: display.duration(r.wait)),
            # How far the autodialer got with the number; how the call went is the disposition.
            Column("Autodialer", "status", lambda r: display.report_status(r.status)),
        ),
        default_sort={"date": -1},
        fetch=fetch,
        key=lambda r: r.id,
        raw=lambda r: dict(r.raw),
        csv_header=REPORT_CSV_FIELDS,
        csv_row=lambda r: tuple(report_csv_row(r, tz)),
    )


class CampaignRowScreen(ModalScreen[None]):
    """The tries of one autodialer report row: when, outcome, Q.850 cause, wait, cdr id."""

    DEFAULT_CSS = """
    CampaignRowScreen { align: center middle; }
    CampaignRowScreen > Vertical {
        width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,enter", "dismiss", "Close", id="tries.close")]

    def __init__(self, row: CampaignReportRow, tz: tzinfo) -> None:
        super().__init__()
        self.row = row
        self.tz = tz

    def compose(self) -> ComposeResult:
        row = self.row
        summary = Table.grid(padding=(0, 2))
        summary.add_column(style="bold")
        summary.add_column()
        for label, value in (
            ("Campaign", f"{row.campaign}  ({row.campaign_id})"),
            ("Number", row.number),
            ("Disposition", display.disposition(row.disposition)),
            ("Autodialer", f"{display.report_status(row.status)} ({row.status or '—'})"),
            ("Dialled", display.both_calendars(row.dialled_at, self.tz)),
            (
                "Window",
                f"{display.gregorian(row.window_start, self.tz)} → "
                f"{display.gregorian(row.window_end, self.tz)}",
            ),
            ("Billsec / wait", f"{row.billsec} s / {row.wait} s"),
            ("Route", f"{row.interface_context or '—'} / {row.interface_text or '—'}"),
        ):
            summary.add_row(label, Text(masker(self)(value)))
        with Vertical():
            yield Label(f"Report row {row.id}", classes="section-title")
            yield Static(summary)
            yield Label(f"Tries ({len(row.tries)})", classes="section-title")
            table: DataTable[str] = DataTable(cursor_type="row", show_cursor=False, id="tries-table")
            table.add_columns("#", "Started", "Disposition", "Cause", "Cause text", "Wait", "cdr_id")
            for number, attempt in enumerate(row.tries, start=1):
                table.add_row(
                    str(number),
                    display.gregorian(attempt.started_at, self.tz),
                    display.disposition(attempt.disposition),
                    "—" if attempt.cause is None else str(attempt.cause),
                    attempt.cause_text or "—",
                    f"{attempt.wait} s",
                    attempt.cdr_id,
                )
            yield table

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)


class ReportsScreen(Screen[None]):
    """CDRs and campaign reports, each a server-paged browser; Enter opens a record."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="reports.back"),
        Binding("c", "show_tab('cdrs')", "CDRs", id="reports.cdrs"),
        Binding("a", "show_tab('campaigns')", "Campaign reports", id="reports.campaigns"),
    ]

    def __init__(
        self,
        client: SimotelClient,
        tz: tzinfo,
        clock: Callable[[], datetime],
        status_line: Callable[[], StatusLine],
        on_open_cdr: Callable[[Cdr], None],
    ) -> None:
        super().__init__()
        self.client = client
        self.tz = tz
        self.clock = clock
        self.status_line = status_line
        self.on_open_cdr = on_open_cdr

    def compose(self) -> ComposeResult:
        since, until = default_window(self.clock, self.tz)
        with TabbedContent(initial="cdrs"):
            with TabPane("CDRs", id="cdrs"):
                yield ReportBrowser(
                    cdr_kind(self.client, self.tz),
                    self.tz,
                    self.clock,
                    initial={"since": since, "until": until},
                    id="cdr-browser",
                )
            with TabPane("Campaign reports", id="campaigns"):
                yield ReportBrowser(
                    campaign_report_kind(self.client, self.tz),
                    self.tz,
                    self.clock,
                    initial={"since": since, "until": until},
                    id="campaign-browser",
                )
        yield self.status_line()
        yield Footer()

    def on_mount(self) -> None:
        focus_now(self.query_one("#cdr-browser").query_one(LiveTable))

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        focus_now(self.query_one(f"#{'cdr' if tab == 'cdrs' else 'campaign'}-browser").query_one(LiveTable))

    @on(ReportBrowser.RecordChosen)
    def _on_record_chosen(self, event: ReportBrowser.RecordChosen) -> None:
        event.stop()
        if isinstance(event.record, Cdr):
            self.on_open_cdr(event.record)
        elif isinstance(event.record, CampaignReportRow):
            self.app.push_screen(CampaignRowScreen(event.record, self.tz))

    def search_cdrs(self, filters: Mapping[str, str]) -> None:
        """Show the CDR tab filtered as given."""
        self.action_show_tab("cdrs")
        self.query_one("#cdr-browser", ReportBrowser).set_filters(filters)
