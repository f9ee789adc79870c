"""HistoryScreen: every dial the journal holds, and every confirmation answered no, with who did
each — search it, and redial one in two keys."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import tzinfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label

from simotui import display
from simotui.calls.audit import CANCELLED, HistoryRow, history_rows
from simotui.calls.dials import dial_from_json
from simotui.calls.journal import JournalWriter
from simotui.calls.states import CallState
from simotui.ui.focus import focus_now
from simotui.ui.masking import follow_masking, masker
from simotui.ui.messages import RedialWanted
from simotui.ui.styles import disposition_style, state_style
from simotui.ui.widgets.status_line import StatusLine
from simotui.ui.workers import ReportsDeadWorkers


class HistoryScreen(ReportsDeadWorkers, Screen[None]):
    """Newest first; ``/`` searches (numbers, ids, states, errors); Enter redials after confirmation."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="history.back"),
        Binding("slash", "focus_search", "Search", id="history.search"),
        Binding("enter", "redial", "Redial", id="history.redial"),
    ]

    def __init__(self, journal: JournalWriter, tz: tzinfo, status_line: Callable[[], StatusLine]) -> None:
        super().__init__()
        self.journal = journal
        self.tz = tz
        self.status_line = status_line
        self.entries: dict[str, HistoryRow] = {}

    def compose(self) -> ComposeResult:
        if self.journal.journal is None:
            yield Label("No journal in this session (demo or no data directory).", classes="screen-title")
        else:
            yield Label(f"Journal: {self.journal.journal.path}", classes="screen-title", markup=False)
        yield Input(placeholder="search numbers, ids, states…", id="history-search", compact=True)
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="history-table")
        table.add_columns(
            "Requested", "Mode", "Caller → Callee", "State", "Disposition", "Billsec", "Operator", "Note"
        )
        yield table
        yield self.status_line()
        yield Footer()

    def on_mount(self) -> None:
        follow_masking(self)
        self.query_one(DataTable).focus()
        self._load("")

    @work(exclusive=True, group="history", exit_on_error=False, description="Read the journal")
    async def _load(self, search: str) -> None:
        entries = await asyncio.to_thread(history_rows, self.journal, search)
        self._show(entries)

    def _show(self, entries: list[HistoryRow]) -> None:
        table: DataTable[Text] = self.query_one(DataTable)
        table.clear()
        self.entries = {}
        mask = masker(self)
        for index, entry in enumerate(entries):
            key = f"{entry.kind}:{entry.key}:{index}"
            self.entries[key] = entry
            parties = f"{entry.caller} → {entry.callee}"
            disposition = entry.disposition or display.DASH
            try:
                style = state_style(CallState(entry.state))
            except ValueError:
                style = "dim" if entry.state == CANCELLED else ""
            table.add_row(
                Text(display.gregorian(entry.at, self.tz)),
                Text(entry.mode),
                Text(mask(parties)),
                Text(entry.state, style=style),
                Text(disposition, style=disposition_style(disposition)),
                Text(display.DASH if entry.billsec is None else display.duration(entry.billsec)),
                Text(entry.who),
                Text(mask(entry.note[:60])),
                key=key,
            )

    @on(Input.Submitted, "#history-search")
    def _on_search(self, event: Input.Submitted) -> None:
        event.stop()
        self._load(event.value)
        self.query_one(DataTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        from simotui.ui.access import allowed

        return allowed(self, action)

    def action_focus_search(self) -> None:
        focus_now(self.query_one("#history-search", Input))

    def action_redial(self) -> None:
        table: DataTable[Text] = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        entry = self.entries.get(key)
        dial = None
        data = entry.request.get("dial") if entry is not None else None
        if isinstance(data, Mapping):
            try:
                dial = dial_from_json(data)
            except ValueError:
                dial = None
        if dial is None:
            self.notify(
                "That entry cannot be redialled (its request cannot be read back)", severity="warning"
            )
            return
        self.app.post_message(RedialWanted(dial))

    @on(DataTable.RowSelected, "#history-table")
    def _on_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_redial()
