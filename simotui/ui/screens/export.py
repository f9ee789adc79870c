"""ExportScreen: the report view to a CSV or JSON file — this page or every page, with progress."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, RadioButton, RadioSet, Static
from textual.worker import Worker

from simotui.api.models import Page, Pagination
from simotui.errors import SimotuiError
from simotui.export import Format, export_records
from simotui.ui.workers import ReportsDeadWorkers


class ExportScreen(ReportsDeadWorkers, ModalScreen[None]):
    """Pick format, scope and file; Enter exports; Esc closes (and cancels a running export)."""

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical {
        width: 76; height: auto; border: thick $accent; background: $surface; padding: 0 1;
    }
    ExportScreen Horizontal { height: auto; }
    ExportScreen RadioSet { width: 1fr; }
    ExportScreen #export-path-row { margin: 1 0 0 0; height: 1; }
    ExportScreen #export-path { width: 1fr; }
    ExportScreen #export-result { color: $text-muted; height: auto; }
    ExportScreen #export-result.-error { color: $error; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="export.close"),
        Binding("enter", "start", "Export", id="export.start", priority=True),
    ]

    def __init__(
        self,
        name: str,
        fetch: Callable[[Pagination], Awaitable[Page[Any]]],
        page: Pagination,
        total: int,
        *,
        raw: Callable[[Any], Any],
        header: tuple[str, ...],
        row: Callable[[Any], tuple[str, ...]],
        folder: Path,
        now: datetime,
    ) -> None:
        super().__init__()
        self.report_name = name
        self.fetch = fetch
        self.page = page
        self.total = total
        self.raw = raw
        self.header = header
        self.row = row
        self.folder = folder
        self.stamp = now.strftime("%Y%m%d-%H%M%S")
        self._export_worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Export {self.report_name}", classes="section-title")
            with Horizontal():
                with RadioSet(id="export-format"):
                    yield RadioButton("CSV", value=True, id="format-csv")
                    yield RadioButton("JSON (records as the server sent them)", id="format-json")
                with RadioSet(id="export-scope"):
                    yield RadioButton(
                        f"This page ({self.page.count} from {self.page.start + 1})",
                        value=True,
                        id="scope-page",
                    )
                    yield RadioButton(f"Every page ({self.total:,} records)", id="scope-all")
            with Horizontal(id="export-path-row"):
                yield Label("Save to ", id="export-path-label")
                yield Input(str(self._default_path("csv")), id="export-path", compact=True)
            progress = ProgressBar(id="export-progress", show_eta=False)
            progress.display = False
            yield progress
            yield Static(
                "Enter: export (edit the path first to save elsewhere)   Esc: close", id="export-result"
            )

    def _default_path(self, fmt: Format) -> Path:
        slug = self.report_name.lower().replace(" ", "-")
        return self.folder / f"simotui-{slug}-{self.stamp}.{fmt}"

    @property
    def fmt(self) -> Format:
        """The chosen format."""
        return "json" if self.query_one("#format-json", RadioButton).value else "csv"

    @on(RadioSet.Changed, "#export-format")
    def _on_format_changed(self) -> None:
        path = self.query_one("#export-path", Input)
        current = Path(path.value)
        if current.suffix in (".csv", ".json"):
            path.value = str(current.with_suffix(f".{self.fmt}"))

    def action_start(self) -> None:
        if self._export_worker is not None and self._export_worker.is_running:
            return
        every = self.query_one("#scope-all", RadioButton).value
        self._export_worker = self._export(
            Path(self.query_one("#export-path", Input).value).expanduser(), self.fmt, every
        )

    @work(exclusive=True, group="export", exit_on_error=False, description="Export a report")
    async def _export(self, target: Path, fmt: Format, every: bool) -> None:
        bar = self.query_one("#export-progress", ProgressBar)
        result = self.query_one("#export-result", Static)
        bar.display = True
        bar.update(total=self.total if every else self.page.count, progress=0)

        def advance(done: int, total: int) -> None:
            bar.update(total=total, progress=done)

        if every:
            limit, start = None, 0
        else:
            limit, start = self.page.count, self.page.start

        async def fetch(page: Pagination) -> Page[Any]:
            # A one-page export starts where the browser is; a full one from the first record.
            return await self.fetch(Pagination(page.start + start, page.count, page.sorting))

        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            written = await export_records(
                fetch,
                target,
                fmt,
                sorting=self.page.sorting,
                raw=self.raw,
                header=self.header,
                row=self.row,
                page_size=self.page.count if not every else 500,
                limit=limit,
                on_progress=advance,
            )
        except (SimotuiError, OSError) as error:
            message = error.message if isinstance(error, SimotuiError) else (error.strerror or str(error))
            result.update(f"Not exported: {message}")
            result.add_class("-error")
        else:
            result.remove_class("-error")
            result.update(f"Wrote {written:,} records to {target}")
            self.notify(f"Exported {written:,} records to {target}", timeout=6)

    def action_close(self) -> None:
        if self._export_worker is not None:
            self._export_worker.cancel()
        self.dismiss(None)
