"""HistoryScreen: every dial the journal holds — search it, and redial one in two keys."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import tzinfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label

from simotui import display
from simotui.store.journal import JournalCall
from simotui.store.restore import CAMPAIGN, campaign_dial, originate_request
from simotui.tracking import Dial
from simotui.ui.journaling import JournalKeeper
from simotui.ui.masking import follow_masking, masker
from simotui.ui.messages import RedialWanted
from simotui.ui.styles import disposition_style
from simotui.ui.widgets.status_line import StatusLine


def dial_of(entry: JournalCall) -> Dial | None:
    """The dial a journal entry recorded, or None when it cannot be read back."""
    try:
        return campaign_dial(entry.request) if entry.mode == CAMPAIGN else originate_request(entry.request)
    except ValueError:
        return None


class HistoryScreen(Screen[None]):
    """Newest first; ``/`` searches (numbers, ids, states, errors); Enter redials after confirmation."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="history.back"),
        Binding("slash", "focus_search", "Search", id="history.search"),
        Binding("enter", "redial", "Redial", id="history.redial"),
    ]

    def __init__(self, keeper: JournalKeeper, tz: tzinfo, status_line: Callable[[], StatusLine]) -> None:
        super().__init__()
        self.keeper = keeper
        self.tz = tz
        self.status_line = status_line
        self.entries: dict[str, JournalCall] = {}

    def compose(self) -> ComposeResult:
        if self.keeper.journal is None:
            yield Label("No journal in this session (demo or no data directory).", classes="screen-title")
        else:
            yield Label(f"Journal: {self.keeper.journal.path}", classes="screen-title", markup=False)
        yield Input(placeholder="search numbers, ids, states…", id="history-search", compact=True)
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="history-table")
        table.add_columns(
            "Requested", "Mode", "Caller → Callee", "Outcome", "State", "Disposition", "Billsec"
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
        entries = await asyncio.to_thread(self.keeper.history, search)
        self._show(entries)

    def _show(self, entries: list[JournalCall]) -> None:
        table: DataTable[Text] = self.query_one(DataTable)
        table.clear()
        self.entries = {}
        mask = masker(self)
        for entry in entries:
            key = str(entry.request_id)
            self.entries[key] = entry
            request = entry.request.get("dial", entry.request)
            parties = f"{request.get('caller', '?')} → {request.get('callee', '?')}"
            outcome = entry.outcome.value + (f": {entry.error_message}" if entry.error_message else "")
            disposition = entry.disposition or display.DASH
            table.add_row(
                Text(display.gregorian(entry.requested_at, self.tz)),
                Text(entry.mode),
                Text(mask(parties)),
                Text(outcome[:40]),
                Text(entry.state or display.DASH),
                Text(disposition, style=disposition_style(disposition)),
                Text(display.DASH if entry.billsec is None else display.duration(entry.billsec)),
                key=key,
            )

    @on(Input.Submitted, "#history-search")
    def _on_search(self, event: Input.Submitted) -> None:
        event.stop()
        self._load(event.value)
        self.query_one(DataTable).focus()

    def action_focus_search(self) -> None:
        self.query_one("#history-search", Input).focus()

    def action_redial(self) -> None:
        table: DataTable[Text] = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        entry = self.entries.get(key)
        dial = dial_of(entry) if entry is not None else None
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
