"""ReportBrowser: server-side pages of CDRs or campaign report rows, with filters and sorting.

One widget serves both reports; a :class:`ReportKind` says what to ask and how rows look.
Pages come from the server (``start``/``count``/``sorting``), so the browser shows the server's
``total`` and never loads more than one page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Generic, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input

from simotui.api.dates import parse_local_string
from simotui.api.models import Page, Pagination
from simotui.errors import SimotuiError
from simotui.ui.clipboard import copy_text
from simotui.ui.focus import focus_now
from simotui.ui.masking import masker
from simotui.ui.styles import disposition_style
from simotui.ui.widgets.line import Line
from simotui.ui.widgets.live_table import LiveTable
from simotui.ui.workers import ReportsDeadWorkers

R = TypeVar("R")
PAGE_SIZES = (10, 20, 50, 100, 200)


@dataclass(frozen=True)
class FilterField:
    """One filter input: its key, placeholder and width."""

    key: str
    placeholder: str
    width: int
    is_date: bool = False


@dataclass(frozen=True)
class Column(Generic[R]):
    """One table column: its label, the server field it sorts by, and how to show a record."""

    label: str
    sort_field: str | None
    cell: Callable[[R], str]
    is_disposition: bool = False


@dataclass(frozen=True)
class ReportKind(Generic[R]):
    """What a browser shows: filters, columns, default sort, and how to fetch one page."""

    name: str
    filters: Sequence[FilterField]
    columns: Sequence[Column[R]]
    default_sort: Mapping[str, int]
    fetch: Callable[[Mapping[str, Any], Pagination], Awaitable[Page[R]]]
    key: Callable[[R], str]
    raw: Callable[[R], Any]
    """The record as the server sent it (JSON export)."""
    csv_header: tuple[str, ...]
    csv_row: Callable[[R], tuple[str, ...]]


@dataclass(frozen=True)
class BrowserState:
    """Where the browser is: filters, page, sort."""

    filters: Mapping[str, Any] = field(default_factory=dict)
    start: int = 0
    count: int = 20
    sorting: Mapping[str, int] = field(default_factory=dict)


def parse_filter_date(text: str, tz: tzinfo) -> datetime | None:
    """``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM`` (Gregorian, PBX time); empty means no bound.

    Raises:
        ValueError: the text is not such a date.
    """
    if not text.strip():
        return None
    moment = parse_local_string(text, tz)
    if moment.year < 1900:
        raise ValueError("type dates in Gregorian, e.g. 2026-11-22 08:00")
    return moment


class ReportBrowser(ReportsDeadWorkers, Widget, Generic[R]):
    """A filter bar, a page of records, and the page/sort position line."""

    BINDINGS = [
        Binding("pagedown,ctrl+f", "page(1)", "Next page", priority=True, id="report.next"),
        Binding("pageup,ctrl+b", "page(-1)", "Prev page", priority=True, id="report.prev"),
        Binding("s", "sort_by_cursor", "Sort", id="report.sort"),
        Binding("plus,equals_sign", "page_size(1)", "Bigger pages", show=False, id="report.bigger"),
        Binding("minus", "page_size(-1)", "Smaller pages", show=False, id="report.smaller"),
        Binding("slash", "focus_filters", "Filter", id="report.filter"),
        Binding("y", "copy_cell", "Copy value", show=False, id="report.copy-cell"),
        Binding("Y", "copy_row", "Copy row", show=False, id="report.copy-row"),
        Binding("e", "export", "Export", id="report.export"),
    ]

    class RecordChosen(Message):
        """The user opened a record."""

        def __init__(self, record: Any) -> None:
            super().__init__()
            self.record = record

    class PageLoaded(Message):
        """A page arrived for a state."""

        def __init__(self, page: Page[Any], state: BrowserState) -> None:
            super().__init__()
            self.page = page
            self.state = state

    class LoadFailed(Message):
        """A page could not be loaded."""

        def __init__(self, error: SimotuiError) -> None:
            super().__init__()
            self.error = error

    def __init__(
        self,
        kind: ReportKind[R],
        tz: tzinfo,
        clock: Callable[[], datetime],
        *,
        initial: Mapping[str, str] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="report-browser")
        self.kind = kind
        self.tz = tz
        self.clock = clock
        self.initial = dict(initial or {})
        self.state = BrowserState(sorting=dict(kind.default_sort))
        self.records: dict[str, R] = {}
        self.total: int | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="filter-bar"):
            for spec in self.kind.filters:
                widget = Input(
                    self.initial.get(spec.key, ""),
                    placeholder=spec.placeholder,
                    id=f"filter-{spec.key}",
                    compact=True,
                    select_on_focus=False,
                )
                widget.styles.width = spec.width
                yield widget
            yield Checkbox("similar", True, id="filter-alike", compact=True)
        table = LiveTable([column.label for column in self.kind.columns], cells=True, classes="report-table")
        yield table
        yield Line("", classes="report-position")

    def on_mount(self) -> None:
        self.border_title = self.kind.name
        self.search()
        mask_changed = getattr(self.app, "mask_changed", None)
        if mask_changed is not None:
            mask_changed.subscribe(self, lambda _on: self._refill())

    # -- querying -----------------------------------------------------------------------------

    def read_filters(self) -> dict[str, Any] | None:
        """The filters as typed, dates parsed; None (with a message shown) when a date is bad."""
        values: dict[str, Any] = {"alike": self.query_one("#filter-alike", Checkbox).value}
        for spec in self.kind.filters:
            text = self.query_one(f"#filter-{spec.key}", Input).value.strip()
            if spec.is_date:
                try:
                    values[spec.key] = parse_filter_date(text, self.tz)
                except ValueError as exc:
                    self._show_position(f"{spec.placeholder}: {exc}", error=True)
                    focus_now(self.query_one(f"#filter-{spec.key}", Input))
                    return None
            else:
                values[spec.key] = text
        return values

    def search(self) -> None:
        """Start again from the first page with the filters as typed."""
        filters = self.read_filters()
        if filters is not None:
            self.load(replace(self.state, filters=filters, start=0))

    def load(self, state: BrowserState) -> None:
        """Fetch the page a state describes."""
        self._show_position("loading…")
        self._fetch(state)

    @work(exclusive=True, group="reports:page", exit_on_error=False, description="Fetch a report page")
    async def _fetch(self, state: BrowserState) -> None:
        try:
            page = await self.kind.fetch(state.filters, Pagination(state.start, state.count, state.sorting))
        except SimotuiError as error:
            self.post_message(self.LoadFailed(error))
        else:
            self.post_message(self.PageLoaded(page, state))

    @on(PageLoaded)
    def _on_page_loaded(self, message: PageLoaded) -> None:
        message.stop()
        self.state = message.state
        self.total = message.page.total
        self.records = {}
        for record in message.page.records:
            self.records.setdefault(self.kind.key(record), record)
        self._refill()
        position = self._position_text(len(message.page.records))
        rejected = message.page.rejected
        if rejected:
            # Shown, never guessed at: the user sees that the page is short and why.
            position = f"{len(rejected)} unreadable record(s) left out ({rejected[0].message})  ·  {position}"
        self._show_position(position, error=bool(rejected))

    def _refill(self) -> None:
        """Show the records held; a new page is a new result set, so the table is refilled."""
        table = self.query_one(LiveTable)
        cursor = table.cursor_row
        table.clear()
        table.update_rows(
            added={
                key: [self._cell(column, record) for column in self.kind.columns]
                for key, record in self.records.items()
            }
        )
        if table.row_count:
            table.cursor_row = min(cursor, table.row_count - 1)

    @on(LoadFailed)
    def _on_load_failed(self, message: LoadFailed) -> None:
        message.stop()
        self._show_position(f"{message.error.title}: {message.error.message}", error=True)

    def _cell(self, column: Column[R], record: R) -> Text:
        value = column.cell(record)
        if column.is_disposition:
            return Text(value, style=disposition_style(value))
        return Text(masker(self)(value))

    def _position_text(self, shown: int) -> str:
        state = self.state
        total = self.total or 0
        if not shown:
            span = f"no records (total {total:,})"
        else:
            span = f"{state.start + 1:,}–{state.start + shown:,} of {total:,}"
        sort = ", ".join(f"{k} {'↑' if v > 0 else '↓'}" for k, v in state.sorting.items()) or "server default"
        return f"{span}  ·  sorted by {sort}  ·  {state.count} per page  ·  PgUp/PgDn pages, s sorts"

    def _show_position(self, text: str, *, error: bool = False) -> None:
        line = self.query_one(".report-position", Line)
        line.text = text
        line.set_class(error, "-error")

    # -- actions ------------------------------------------------------------------------------

    @on(Input.Submitted)
    def _on_filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search()
        focus_now(self.query_one(LiveTable))

    @on(Checkbox.Changed)
    def _on_alike_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.search()

    def action_page(self, step: int) -> None:
        state = self.state
        start = state.start + step * state.count
        if start < 0 or (self.total is not None and step > 0 and start >= self.total):
            self.app.bell()
            return
        self.load(replace(state, start=start))

    def action_page_size(self, step: int) -> None:
        sizes = PAGE_SIZES
        index = sizes.index(self.state.count) if self.state.count in sizes else 1
        count = sizes[min(max(index + step, 0), len(sizes) - 1)]
        self.load(replace(self.state, count=count, start=0))

    def sort_by(self, column: Column[R]) -> None:
        """Sort by a column on the server; the same column again flips the direction."""
        if column.sort_field is None:
            self.notify(f"The server cannot sort by {column.label}", severity="warning")
            return
        current = self.state.sorting.get(column.sort_field)
        direction = -1 if current == 1 else 1
        self.load(replace(self.state, sorting={column.sort_field: direction}, start=0))

    def action_sort_by_cursor(self) -> None:
        table = self.query_one(LiveTable)
        self.sort_by(self.kind.columns[table.cursor_column])

    @on(LiveTable.HeaderSelected)
    def _on_header_selected(self, event: LiveTable.HeaderSelected) -> None:
        event.stop()
        self.sort_by(self.kind.columns[event.column])

    @on(LiveTable.RowSelected)
    def _on_row_selected(self, event: LiveTable.RowSelected) -> None:
        event.stop()
        record = self.records.get(event.key)
        if record is not None:
            self.post_message(self.RecordChosen(record))

    def action_copy_cell(self) -> None:
        """Copy the cell under the cursor."""
        cell = self.query_one(LiveTable).cursor_cell
        if cell is not None:
            copy_text(self.app, cell, "value")

    def action_copy_row(self) -> None:
        table = self.query_one(LiveTable)
        if table.cursor_key is not None:
            copy_text(self.app, "\t".join(table.get_row(table.cursor_key)), "row")

    def action_export(self) -> None:
        """Write this page, or every page, of the current search to CSV or JSON."""
        from simotui.ui.screens.export import ExportScreen

        state = self.state
        filters = dict(state.filters)

        async def fetch(page: Pagination) -> Page[R]:
            return await self.kind.fetch(filters, page)

        self.app.push_screen(
            ExportScreen(
                self.kind.name,
                fetch,
                Pagination(state.start, state.count, dict(state.sorting)),
                self.total or 0,
                raw=self.kind.raw,
                header=self.kind.csv_header,
                row=self.kind.csv_row,
                folder=downloads_of(self.app),
                now=self.clock().astimezone(self.tz),
            )
        )

    def action_focus_filters(self) -> None:
        focus_now(self.query(Input).first())

    def set_filters(self, values: Mapping[str, str]) -> None:
        """Replace filter texts and search again."""
        for key, value in values.items():
            self.query_one(f"#filter-{key}", Input).value = value
        self.search()


def downloads_of(app: object) -> Path:
    """Where the app saves exports and recordings (the profile's ``downloads``, else the user's
    downloads directory): never silently the directory simotui was started from."""
    folder = getattr(app, "downloads", None)
    if isinstance(folder, Path):
        return folder
    from simotui import paths

    return paths.downloads_dir()


def default_window(clock: Callable[[], datetime], tz: tzinfo) -> tuple[str, str]:
    """The date filter texts of a fresh browser: the last 24 hours, Gregorian PBX time."""
    now = clock().astimezone(tz)
    since = now - timedelta(days=1)
    return since.strftime("%Y-%m-%d %H:%M"), (now + timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M")
