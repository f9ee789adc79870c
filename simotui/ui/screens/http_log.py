"""HttpLogScreen: every request simotui sent to Simotel — method, service, status, latency, size."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label

from simotui.httplog import HttpLog, LoggedExchange
from simotui.ui.widgets.status_line import StatusLine


class HttpLogScreen(Screen[None]):
    """The newest exchanges first; rows are added as requests finish."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="http-log.back")]

    def __init__(self, log: HttpLog, tz: tzinfo, status_line: Callable[[], StatusLine]) -> None:
        super().__init__()
        self.http_log = log
        self.tz = tz
        self.status_line = status_line
        self._shown = 0

    def compose(self) -> ComposeResult:
        yield Label("HTTP exchanges with Simotel (headers and bodies are never kept)", classes="screen-title")
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="http-log-table")
        table.add_columns("Time", "Method", "Service", "Status", "Latency", "Size")
        yield table
        yield self.status_line()
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_rows()
        self.set_interval(0.5, self.refresh_rows)

    def refresh_rows(self) -> None:
        """Add the exchanges that finished since the last look (the log only grows)."""
        table: DataTable[Text] = self.query_one(DataTable)
        for entry in self.http_log.since(self._shown):
            table.add_row(*self._cells(entry))
        self._shown = self.http_log.total

    def _cells(self, entry: LoggedExchange) -> tuple[Text, ...]:
        x = entry.exchange
        failed = x.status is None or x.status >= 400
        status = str(x.status) if x.status is not None else (x.error or "failed")
        return (
            Text(entry.at.astimezone(self.tz).strftime("%H:%M:%S.%f")[:-3]),
            Text(x.method),
            Text(x.service),
            Text(status, style="bold red" if failed else "green"),
            Text(f"{x.elapsed * 1000:.0f} ms"),
            Text(f"{x.size:,} B"),
        )
