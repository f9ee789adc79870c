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
        yield Label(self._title(), classes="screen-title", id="http-log-title")
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="http-log-table")
        table.add_column("#", key="seq")
        table.add_columns("Time", "Method", "Service", "Status", "Latency", "Size")
        yield table
        yield self.status_line()
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_rows()
        self.set_interval(0.5, self.refresh_rows)

    def _title(self) -> str:
        count = self.http_log.total
        return (
            f"HTTP log · {count:,} exchange{'s' if count != 1 else ''} with Simotel, newest first "
            "(headers and bodies are never kept)"
        )

    def refresh_rows(self) -> None:
        """Add the exchanges that finished since the last look (the log only grows), newest on top.

        The cursor stays on the exchange it was on; on the top row it follows the newest.
        """
        new = self.http_log.since(self._shown)
        tables = self.query(DataTable)
        if not new or not tables:  # no table: being taken down while the app leaves
            return
        table: DataTable[Text] = tables.first(DataTable)
        following = table.cursor_row <= 0
        current = (
            None
            if following or not table.row_count
            else table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        )
        first = self.http_log.total - len(new) + 1
        for seq, entry in enumerate(new, start=first):
            table.add_row(*self._cells(seq, entry), key=str(seq))
        self._shown = self.http_log.total
        table.sort("seq", key=lambda cell: int(cell.plain), reverse=True)
        if current is not None:
            table.move_cursor(row=table.get_row_index(current), scroll=False)
        else:
            table.move_cursor(row=0)
        self.query_one("#http-log-title", Label).update(self._title())

    def _cells(self, seq: int, entry: LoggedExchange) -> tuple[Text, ...]:
        x = entry.exchange
        failed = x.status is None or x.status >= 400
        status = str(x.status) if x.status is not None else (x.error or "failed")
        return (
            Text(str(seq)),
            Text(entry.at.astimezone(self.tz).strftime("%H:%M:%S.%f")[:-3]),
            Text(x.method),
            Text(x.service),
            Text(status, style="bold red" if failed else "green"),
            Text(f"{x.elapsed * 1000:.0f} ms"),
            Text(f"{x.size:,} B"),
        )
