"""LiveCallsPanel: the calls this console originated, refreshed in place by a background poller."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, tzinfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import DataTable, Static

from simotui import display
from simotui.api.client import SimotelClient
from simotui.api.models import Disposition
from simotui.board import CallBoard
from simotui.errors import SimotuiError
from simotui.poller import next_backoff, poll_cycle
from simotui.tracking import CLEANUP_PENDING, CallBook, CallMode, CallState, TrackedCall, outcome_text
from simotui.ui.clipboard import copy_text
from simotui.ui.journaling import JournalKeeper
from simotui.ui.masking import masker
from simotui.ui.messages import CallsPolled, CampaignFinished, PollFailed
from simotui.ui.styles import STATE_STYLES, disposition_style

COLUMNS = ("Call", "Caller → Callee", "State", "Elapsed", "Disposition", "Billsec", "Wait")
STATE_COLUMN = 2
DISPOSITION_COLUMN = 4
MIN_INTERVAL, MAX_INTERVAL = 1.0, 60.0

NO_CDR_EXPLANATION = (
    "No CDR arrived by timeout + call limit + grace: the first party most likely never answered "
    "(Simotel records no CDR then). Dial in campaign mode to know for sure."
)


_FIRST_PARTY = {
    Disposition.NO_ANSWER: "1st: no answer",
    Disposition.BUSY: "1st: busy",
    Disposition.LOST: "1st: lost",
}


def state_label(call: TrackedCall, stale: bool) -> str:
    """The state column: what we know, marked when the server could not be asked lately."""
    label = _state_word(call)
    if call.cleanup.startswith("campaign NOT removed"):
        label += " ⚠"
    return f"{label} (stale)" if stale and call.state is CallState.ACCEPTED else label


def _state_word(call: TrackedCall) -> str:
    campaign = call.mode is CallMode.CAMPAIGN
    if call.state is CallState.ACCEPTED:
        if not campaign:
            return "waiting for CDR"
        if call.report is not None and call.report.disposition == Disposition.ANSWERED:
            return "bridging"
        if call.report is not None:
            return f"retrying (try {call.report.try_count})"
        return "dialling 1st"
    if call.state is CallState.NOT_REACHED:
        first = call.first_leg_disposition
        return _FIRST_PARTY.get(first, f"1st: {first}") if first else "1st: not reached"
    if call.state is CallState.NO_CDR:
        return "no report" if campaign else "no CDR"
    if call.state is CallState.NOT_BRIDGED:
        return "not bridged"
    return "completed"


def call_label(call: TrackedCall) -> str:
    """The call column: the originated id, or the campaign for a campaign call."""
    if call.mode is CallMode.CAMPAIGN:
        return f"campaign {call.campaign_id[-8:]}" if call.campaign_id else "campaign"
    return display.short_call_id(call.call_id)


def row_cells(
    call: TrackedCall, now: datetime, stale: bool, mask: Callable[[str], str] = str
) -> tuple[str, ...]:
    """The cells of one call's row (``mask`` hides phone numbers when masking is on)."""
    leg = call.main_leg
    return (
        call_label(call),
        mask(f"{call.request.caller} → {call.request.callee}"),
        state_label(call, stale),
        display.duration(call.elapsed(now)),
        display.disposition(call.disposition),
        display.duration(leg.billsec) if leg else display.DASH,
        display.duration(leg.wait) if leg else display.DASH,
    )


class RowCache:
    """Cells of settled rows, reused while nothing they show can change.

    The panel redraws every second so that elapsed times tick; only calls still waiting have
    cells that change with the clock, so a final call's cells are computed once per version
    of the call (calls are immutable: an update is a new object), staleness and masking.
    """

    def __init__(self) -> None:
        self._rows: dict[str, tuple[TrackedCall, bool, bool, tuple[str, ...]]] = {}

    def snapshot(
        self, calls: dict[str, TrackedCall], now: datetime, stale: bool, mask: Callable[[str], str]
    ) -> dict[str, tuple[str, ...]]:
        """The cells of every call, computing only those that may have changed."""
        masked = mask is display.mask_numbers
        rows: dict[str, tuple[str, ...]] = {}
        for call_id, call in calls.items():
            cached = self._rows.get(call_id)
            if cached is not None and cached[0] is call and cached[1:3] == (stale, masked):
                rows[call_id] = cached[3]
                continue
            cells = row_cells(call, now, stale, mask)
            if call.state.is_final:
                self._rows[call_id] = (call, stale, masked, cells)
            rows[call_id] = cells
        return rows


class LiveCallsPanel(Widget):
    """A table of tracked calls whose rows a non-overlapping poller updates in place."""

    BINDINGS = [
        Binding("enter", "open_call", "Details", id="live.details"),
        Binding("p", "toggle_pause", "Pause", id="live.pause"),
        Binding("space", "refresh_now", "Refresh", id="live.refresh"),
        Binding("plus,equals_sign", "slower(-1)", "Faster", show=False, id="live.faster"),
        Binding("minus", "slower(1)", "Slower", show=False, id="live.slower"),
        Binding("x", "remove_campaign", "Remove campaign", show=False, id="live.remove-campaign"),
        Binding("y", "copy_cell", "Copy value", show=False, id="live.copy-cell"),
        Binding("Y", "copy_row", "Copy row", show=False, id="live.copy-row"),
    ]

    paused: reactive[bool] = reactive(False)
    stale: reactive[bool] = reactive(False)
    interval: reactive[float | None] = reactive[float | None](3.0)

    class CallChosen(Message):
        """The user asked for the details of a call."""

        def __init__(self, call: TrackedCall) -> None:
            super().__init__()
            self.call = call

    class RemoveRequested(Message):
        """The user asked to remove (again) the campaign of a finished campaign call."""

        def __init__(self, call: TrackedCall) -> None:
            super().__init__()
            self.call = call

    def __init__(
        self,
        book: CallBook,
        client: SimotelClient,
        clock: Callable[[], datetime],
        *,
        interval: float | None,
        page_size: int,
        tz: tzinfo,
        keeper: JournalKeeper | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.book = book
        self.client = client
        self.clock = clock
        self.page_size = page_size
        self.tz = tz
        self.keeper = keeper
        self.board: CallBoard[str] = CallBoard(width=len(COLUMNS))
        self.rows = RowCache()
        self._wake = asyncio.Event()
        self.set_reactive(LiveCallsPanel.interval, interval)

    def compose(self) -> ComposeResult:
        table: DataTable[Text] = DataTable(id="live-table", cursor_type="row", zebra_stripes=True)
        for label in COLUMNS:
            table.add_column(label, key=label)
        yield table
        yield Static("No calls yet: fill the form above and press Enter.", id="live-empty")
        yield Static("", id="live-hint")

    def on_mount(self) -> None:
        self.border_title = "Live calls"
        self.render_rows()
        self.set_interval(1.0, self.render_rows)
        mask_changed = getattr(self.app, "mask_changed", None)
        if mask_changed is not None:
            mask_changed.subscribe(self, lambda _on: self.render_rows())
        self.poll_calls()

    # -- the poller ---------------------------------------------------------------------------

    @work(
        exclusive=True, group="poll:live-calls", exit_on_error=False, description="Poll CDRs of tracked calls"
    )
    async def poll_calls(self) -> None:
        """Loop: fetch the CDR window of all pending calls, post the result, sleep; never overlap."""
        backoff = 0.0
        while True:
            forced = self._wake.is_set()
            self._wake.clear()
            calls = list(self.book.calls.values())
            if (forced or not self.paused) and any(c.wants_cdrs or c.wants_reports for c in calls):
                try:
                    result = await poll_cycle(self.client, calls, self.clock(), self.page_size)
                except SimotuiError as error:
                    backoff = next_backoff(backoff, self.interval or MIN_INTERVAL)
                    self.post_message(PollFailed(error, self.clock(), backoff))
                else:
                    backoff = 0.0
                    self.post_message(
                        CallsPolled(
                            result.cdrs,
                            result.reports,
                            self.clock(),
                            result.latency,
                            result.requests,
                            tuple(error.message for error in result.rejected),
                        )
                    )
            elif self.book.pending():
                # Nothing to ask the server, but deadlines still pass (e.g. waiting for the bridge).
                self.call_later(self._expire)
            delay = backoff or self.interval
            try:
                if delay is None:
                    await self._wake.wait()
                else:
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except TimeoutError:
                pass

    def request_refresh(self) -> None:
        """Poll now, even while paused."""
        self._wake.set()

    # -- state from messages ------------------------------------------------------------------

    @on(CallsPolled)
    def _on_calls_polled(self, message: CallsPolled) -> None:
        changed = self.book.apply_reports(message.reports, message.polled_at)
        changed |= self.book.apply_cdrs(message.cdrs, message.polled_at)
        self.stale = False
        self._after_change(changed)

    @on(PollFailed)
    def _on_poll_failed(self, message: PollFailed) -> None:
        self.stale = True
        # Deadlines still pass while the server is away; only CDRs need the server.
        self._after_change(self.book.expire(message.failed_at))

    def _expire(self) -> None:
        self._after_change(self.book.expire(self.clock()))

    def _after_change(self, changed: set[str]) -> None:
        """Journal each change, render, and hand every campaign call that just became final to its cleanup."""
        for call_id in changed:
            call = self.book.calls[call_id]
            if self.keeper is not None:
                self.keeper.record_state(call)
            if call.ready_for_cleanup and not call.cleanup:
                self.book.apply_cleanup(call_id, CLEANUP_PENDING)
                self.post_message(CampaignFinished(call_id, call.campaign_id))
        self.render_rows()

    def bridged(self, call_key: str, unique_id: str) -> None:
        """The responder handed a campaign call to its second party: look for that CDR."""
        self._after_change(self.book.apply_bridge(call_key, unique_id))
        self.request_refresh()

    def cleaned_up(self, call_key: str, note: str) -> None:
        """Show (and journal) what became of a finished call's campaign."""
        self._after_change(self.book.apply_cleanup(call_key, note))

    def track(self, call: TrackedCall) -> None:
        """Start showing a newly accepted call, put the cursor on it and poll soon."""
        self.book.add(call)
        self.render_rows()
        table = self.query_one("#live-table", DataTable)
        table.move_cursor(row=table.get_row_index(call.call_id))
        self.request_refresh()

    # -- rendering ----------------------------------------------------------------------------

    def _update_hint(self) -> None:
        call = self.selected_call()
        hint = self.query_one("#live-hint", Static)
        if call is not None and call.mode is CallMode.CAMPAIGN:
            parts = [outcome_text(call)]
            if call.state is CallState.ACCEPTED:
                parts.append(f"given up at {display.clock_time(call.deadline, self.tz)}")
            if call.cleanup:
                parts.append(call.cleanup + (" (x: try again)" if "NOT removed" in call.cleanup else ""))
            hint.update(" · ".join(parts))
        elif call is not None and call.state is CallState.NO_CDR:
            hint.update(NO_CDR_EXPLANATION)
        elif call is not None and call.state is CallState.ACCEPTED:
            hint.update(
                f"Waiting for the CDR; without one by {display.clock_time(call.deadline, self.tz)} "
                "the call is marked 'no CDR'."
            )
        else:
            hint.update("")

    @on(DataTable.RowHighlighted, "#live-table")
    def _on_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._update_hint()

    def render_rows(self) -> None:
        """Diff the book against the table and apply only the changes (cursor and scroll stay)."""
        now = self.clock()
        snapshot = self.rows.snapshot(self.book.calls, now, self.stale, masker(self))
        diff = self.board.apply(snapshot)
        self.query_one("#live-empty").display = not snapshot
        if diff.is_empty:
            return
        table: DataTable[Text] = self.query_one("#live-table", DataTable)
        with self.app.batch_update():
            for key in diff.removed:
                table.remove_row(key)
            for key, cells in diff.added.items():
                table.add_row(*(self._cell(i, v) for i, v in enumerate(cells)), key=key)
            for key, changes in diff.changed.items():
                for index, value in changes.items():
                    table.update_cell(key, COLUMNS[index], self._cell(index, value), update_width=True)
        self._update_hint()

    @staticmethod
    def _cell(index: int, value: str) -> Text:
        if index == STATE_COLUMN:
            return Text(value, style=STATE_STYLES.get(value.removesuffix(" (stale)"), ""))
        if index == DISPOSITION_COLUMN:
            return Text(value, style=disposition_style(value))
        return Text(value)

    def watch_stale(self, stale: bool) -> None:
        self.set_class(stale, "-stale")

    def watch_paused(self, paused: bool) -> None:
        self.set_class(paused, "-paused")
        self._update_subtitle()

    def watch_interval(self, interval: float | None) -> None:
        self._update_subtitle()

    def _update_subtitle(self) -> None:
        every = "manual" if self.interval is None else f"every {self.interval:g} s"
        self.border_subtitle = f"paused · {every}" if self.paused else every

    # -- actions ------------------------------------------------------------------------------

    def selected_call(self) -> TrackedCall | None:
        """The call under the cursor."""
        table = self.query_one("#live-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.book.calls.get(key or "")

    def action_open_call(self) -> None:
        call = self.selected_call()
        if call is not None:
            self.post_message(self.CallChosen(call))

    @on(DataTable.RowSelected, "#live-table")
    def _on_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_call()

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        self.notify("Polling paused" if self.paused else "Polling resumed", timeout=2)
        if not self.paused:
            self.request_refresh()

    def action_remove_campaign(self) -> None:
        call = self.selected_call()
        if call is None or call.mode is not CallMode.CAMPAIGN or not call.state.is_final:
            self.notify("Only a finished campaign call's campaign can be removed", severity="warning")
            return
        self.book.apply_cleanup(call.call_id, CLEANUP_PENDING)
        self.render_rows()
        self.post_message(self.RemoveRequested(call))

    def action_copy_cell(self) -> None:
        table: DataTable[Text] = self.query_one("#live-table", DataTable)
        if table.row_count:
            copy_text(self.app, str(table.get_cell_at(table.cursor_coordinate)), "value")

    def action_copy_row(self) -> None:
        table: DataTable[Text] = self.query_one("#live-table", DataTable)
        if table.row_count:
            copy_text(self.app, "\t".join(str(cell) for cell in table.get_row_at(table.cursor_row)), "row")

    def action_refresh_now(self) -> None:
        self.request_refresh()

    def action_slower(self, step: int) -> None:
        current = self.interval or 3.0
        factor = 2.0 if step > 0 else 0.5
        self.interval = min(max(current * factor, MIN_INTERVAL), MAX_INTERVAL)
        self.request_refresh()

    def focus_call(self, call_id: str) -> bool:
        """Move the cursor to a call's row; False when it is not tracked."""
        table = self.query_one("#live-table", DataTable)
        if call_id not in self.book.calls:
            return False
        table.move_cursor(row=table.get_row_index(call_id))
        table.focus()
        return True
