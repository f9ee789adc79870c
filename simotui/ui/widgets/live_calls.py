"""LiveCallsPanel: the calls this console placed, rendered from the call core, updated in place.

The panel decides nothing about a call: the :class:`~simotui.calls.CallTracker` owns every call
and its state; the panel runs the tracker's poll loop in a worker, renders what the tracker
holds (diffed, so the cursor and scroll stay put), and asks the tracker for what the user wants.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from simotui import display
from simotui.board import CallBoard
from simotui.calls.dials import CallMode
from simotui.calls.model import CLEANUP_FAILED, Call
from simotui.calls.poller import MAX_INTERVAL, MIN_INTERVAL, CycleReport, PollLoop
from simotui.calls.states import CallState
from simotui.calls.timeline import phase_times
from simotui.calls.tracker import CallTracker
from simotui.ui.clipboard import copy_text
from simotui.ui.masking import masker
from simotui.ui.messages import PollCycled
from simotui.ui.styles import disposition_style, state_style
from simotui.ui.widgets.live_table import LiveTable
from simotui.ui.widgets.live_view import LiveViewControls
from simotui.ui.workers import ReportsDeadWorkers

# What an operator reads first comes first: at 80 columns everything up to Wait is on screen, the
# CDR's own disposition (the state already says it in words) is the one that may scroll.
COLUMNS = ("Call", "Caller → Callee", "State", "Elapsed", "Billsec", "Wait", "Disposition")
CALL_COLUMN = 0
STATE_COLUMN = 2
DISPOSITION_COLUMN = 6
CAMPAIGN_MARK = "⟳"
STALE = " (stale)"
CLEANUP_WARNING = " ⚠"


def state_label(call: Call, stale: bool) -> str:
    """The state column: the state's words, marked when the server could not be asked lately."""
    label = call.state.value
    if call.cleanup.startswith(CLEANUP_FAILED):
        label += CLEANUP_WARNING
    return label + STALE if stale and not call.state.is_final else label


def call_label(call: Call) -> str:
    """The call column: the originated id, the campaign, or simotui's key while neither is known."""
    if call.mode is CallMode.CAMPAIGN:
        return f"campaign …{call.campaign_id[-6:]}" if call.campaign_id else f"campaign #{call.key}"
    return display.short_call_id(call.call_id) if call.call_id else f"#{call.key}"


def row_label(call: Call) -> str:
    """The call column, short (``…600.702074``, ``⟳ …58605d`` for a campaign): the tail of the
    id is what tells two calls apart; the whole id is in the details and is what ``y`` copies."""
    if call.mode is CallMode.CAMPAIGN:
        return (
            f"{CAMPAIGN_MARK} …{call.campaign_id[-6:]}"
            if call.campaign_id
            else f"{CAMPAIGN_MARK} #{call.key}"
        )
    short = display.short_call_id(call.call_id)
    return (short if len(short) <= 11 else f"…{short[-10:]}") if call.call_id else f"#{call.key}"


def full_id(call: Call) -> str:
    """The id to copy for a call: the originated call id, the campaign id, or simotui's key."""
    return call.call_id or call.campaign_id or call.key


def row_cells(call: Call, now: datetime, stale: bool, mask: Callable[[str], str] = str) -> tuple[str, ...]:
    """The cells of one call's row (``mask`` hides phone numbers when masking is on)."""
    leg = call.main_leg
    return (
        row_label(call),
        mask(f"{call.caller} → {call.callee}"),
        state_label(call, stale),
        display.duration(call.elapsed(now)),
        display.duration(leg.billsec) if leg else display.DASH,
        display.duration(leg.wait) if leg else display.DASH,
        display.disposition(call.disposition),
    )


def explain(call: Call, tz: tzinfo) -> str:
    """The line under the table for the highlighted call: what its state means, and what is next."""
    parts = [call.meaning]
    phases = phase_times(call)
    if phases:
        parts.append(" → ".join(f"{words} {display.clock_time(at, tz)}" for words, at in phases))
    if not call.state.is_final:
        if call.state is CallState.WAITING:
            parts.append(f"'no CDR yet' after {display.clock_time(call.ring_deadline, tz)}")
        parts.append(f"given up on at {display.clock_time(call.deadline, tz)}")
    if call.cleanup:
        parts.append(call.cleanup + (" (x: try again)" if call.cleanup.startswith(CLEANUP_FAILED) else ""))
    return " · ".join(parts)


class RowCache:
    """Cells of settled rows, reused while nothing they show can change.

    The panel redraws every second so that elapsed times tick; only calls still going have
    cells that change with the clock, so a final call's cells are computed once per version
    of the call (calls are immutable: an update is a new object), staleness and masking.
    """

    def __init__(self) -> None:
        self._rows: dict[str, tuple[Call, bool, bool, tuple[str, ...]]] = {}

    def snapshot(
        self, calls: dict[str, Call], now: datetime, stale: bool, mask: Callable[[str], str]
    ) -> dict[str, tuple[str, ...]]:
        """The cells of every call, computing only those that may have changed."""
        masked = mask is display.mask_numbers
        rows: dict[str, tuple[str, ...]] = {}
        for key, call in calls.items():
            cached = self._rows.get(key)
            if cached is not None and cached[0] is call and cached[1:3] == (stale, masked):
                rows[key] = cached[3]
                continue
            cells = row_cells(call, now, stale, mask)
            if call.state.is_final:
                self._rows[key] = (call, stale, masked, cells)
            rows[key] = cells
        return rows


class LiveCallsPanel(ReportsDeadWorkers, LiveViewControls):
    """A table of tracked calls whose rows the tracker's poll loop updates in place."""

    BINDINGS = [
        Binding("enter", "open_call", "Details", id="live.details"),
        Binding("p", "toggle_pause", "Pause", id="live.pause"),
        # Space marks a row (live_view); polling now is r.
        Binding("r", "refresh_now", "Refresh", id="live.refresh"),
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

        def __init__(self, call: Call) -> None:
            super().__init__()
            self.call = call

    class RemoveRequested(Message):
        """The user asked to remove (again) the campaign of a finished campaign call."""

        def __init__(self, call: Call) -> None:
            super().__init__()
            self.call = call

    def __init__(
        self,
        tracker: CallTracker,
        *,
        interval: float | None,
        tz: tzinfo,
        id: str | None = None,
        archive_after: float | None = None,
    ) -> None:
        super().__init__(id=id)
        self.tracker = tracker
        self.archive_after = archive_after
        self._view_setup(COLUMNS)
        self.tz = tz
        self.board: CallBoard[str] = CallBoard(width=len(COLUMNS))
        self.rows = RowCache()
        self.loop = PollLoop(tracker, self._cycled, interval=interval)
        self._hint = ""
        self.set_reactive(LiveCallsPanel.interval, interval)

    def compose(self) -> ComposeResult:
        yield from self.compose_filter()
        yield LiveTable(COLUMNS, id="live-table")
        yield Static("No calls yet: fill the form above and press Enter.", id="live-empty")
        yield Static("", id="live-hint")

    def on_mount(self) -> None:
        self.border_title = "Live calls"
        self.load_columns()
        self.render_rows()
        # Looked up at each tick (not bound now), so whatever renders the rows renders the ticks.
        self.set_interval(1.0, lambda: self.render_rows())
        mask_changed = getattr(self.app, "mask_changed", None)
        if mask_changed is not None:
            mask_changed.subscribe(self, lambda _on: self.render_rows())
        self.start_polling()

    # -- the poller ---------------------------------------------------------------------------

    def start_polling(self) -> None:
        """Run the tracker's poll loop (again, after it died: the app's worker handler calls this)."""
        self.poll_calls()

    @work(exclusive=True, group="poll:live-calls", exit_on_error=False, description="Poll tracked calls")
    async def poll_calls(self) -> None:
        """The poll loop: one cycle at a time, never overlapping, backing off while the PBX is away."""
        await self.loop.run()

    def _cycled(self, report: CycleReport) -> None:
        self.post_message(PollCycled(report))

    def request_refresh(self) -> None:
        """Poll now, even while paused."""
        self.loop.wake()

    @on(PollCycled)
    def _on_poll_cycled(self, message: PollCycled) -> None:
        # Not stopped: the app's status line reads the same message.
        self.stale = not message.report.ok
        self.render_rows()

    def track(self, key: str) -> None:
        """Show a new call, put the cursor on it and poll soon."""
        self.render_rows()
        self.query_one("#live-table", LiveTable).move_cursor(key)
        self.request_refresh()

    # -- rendering ----------------------------------------------------------------------------

    def _update_hint(self) -> None:
        call = self.selected_call()
        text = masker(self)(explain(call, self.tz)) if call else ""
        # An update re-lays out the screen, even with the same text: only when it changed.
        if text != self._hint:
            self._hint = text
            self.query_one("#live-hint", Static).update(text)

    @on(LiveTable.RowHighlighted, "#live-table")
    def _on_row_highlighted(self, event: LiveTable.RowHighlighted) -> None:
        event.stop()
        self._update_hint()

    def render_rows(self) -> None:
        """Diff the tracker's calls against the table and apply only the changes."""
        empties, tables = self.query("#live-empty"), self.query("#live-table")
        if not empties or not tables:
            # Not composed yet, or being taken down while the app leaves (its children go first):
            # nothing to draw into, and the board must not count rows as shown.
            return
        empty, table = empties.first(), tables.first(LiveTable)
        now = self.tracker.clock()
        snapshot = self.rows.snapshot(self.panel_calls(), now, self.stale, masker(self))
        diff = self.board.apply(snapshot)
        if empty.display == bool(snapshot):
            empty.display = not snapshot
        if diff.is_empty:
            if self.view.active:
                self.apply_view()  # a sort by a ticking column, a call that changed state
            return
        table.update_rows(
            added={
                key: [self._cell(key, i, v) for i, v in enumerate(cells)] for key, cells in diff.added.items()
            },
            changed={
                key: {index: self._cell(key, index, value) for index, value in changes.items()}
                for key, changes in diff.changed.items()
            },
            removed=diff.removed,
        )
        self.apply_view()
        self._update_hint()

    def _cell(self, key: str, index: int, value: str) -> Text:
        if index == CALL_COLUMN and value.startswith(f"{CAMPAIGN_MARK} …"):
            # Campaign ids are ObjectIds: two made one after the other differ only in their
            # counter, the last digits. Those are the ones shown bold.
            head, tail = value[:-4], value[-4:]
            return Text.assemble((head, "dim"), (tail, "bold"))
        if index == STATE_COLUMN:
            call = self.tracker.calls.get(key)
            return Text(value, style=state_style(call.state) if call is not None else "")
        if index == DISPOSITION_COLUMN:
            return Text(value, style=disposition_style(value))
        return Text(value)

    def watch_stale(self, stale: bool) -> None:
        self.set_class(stale, "-stale")

    def watch_paused(self, paused: bool) -> None:
        self.loop.paused = paused
        self.set_class(paused, "-paused")
        self._update_subtitle()

    def watch_interval(self, interval: float | None) -> None:
        self.loop.interval = interval
        self._update_subtitle()

    def _update_subtitle(self) -> None:
        every = "manual" if self.interval is None else f"every {self.interval:g} s"
        self.border_subtitle = f"paused · {every}" if self.paused else every

    # -- actions ------------------------------------------------------------------------------

    def selected_call(self) -> Call | None:
        """The call under the cursor."""
        key = self.query_one("#live-table", LiveTable).cursor_key
        return self.tracker.calls.get(key) if key is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        from simotui.ui.access import allowed

        return allowed(self, action) and self.check_view_action(action)

    def action_open_call(self) -> None:
        call = self.selected_call()
        if call is not None:
            self.post_message(self.CallChosen(call))

    @on(LiveTable.RowSelected, "#live-table")
    def _on_row_selected(self, event: LiveTable.RowSelected) -> None:
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
        self.post_message(self.RemoveRequested(call))

    def action_copy_cell(self) -> None:
        call = self.selected_call()
        if call is not None:
            copy_text(self.app, full_id(call), "call id")

    def action_copy_row(self) -> None:
        self.copy_rows()

    def render_panel(self) -> None:
        self.render_rows()

    def action_refresh_now(self) -> None:
        self.request_refresh()

    def action_slower(self, step: int) -> None:
        current = self.interval or 3.0
        factor = 2.0 if step > 0 else 0.5
        self.interval = min(max(current * factor, MIN_INTERVAL), MAX_INTERVAL)
        self.request_refresh()

    def focus_call(self, key: str) -> bool:
        """Move the cursor to a call's row; False when it is not tracked."""
        table = self.query_one("#live-table", LiveTable)
        if key not in table:
            return False
        table.move_cursor(key)
        table.focus()
        return True
