"""LiveViewControls: filter, sort, columns, marks and bulk actions of the live panel.

The rules are :class:`~simotui.panel_view.PanelView`'s (pure, tested by property); this widget
base owns the keys and hands the result to the table: which rows, in which order, which columns,
which marks. The live panel inherits it and calls :meth:`LiveViewControls.apply_view` after each
render. Keys as in sngrep and htop: ``/`` filters as you type, ``esc`` clears, Space marks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from datetime import datetime, timedelta
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, SelectionList
from textual.widgets.selection_list import Selection

from simotui.calls.model import Call
from simotui.calls.records import calls_text, write_calls
from simotui.calls.tracker import CallTracker
from simotui.panel_view import PanelView
from simotui.ui.clipboard import copy_text
from simotui.ui.masking import masker
from simotui.ui.widgets.live_table import LiveTable

COLUMNS_STATE = "live_columns"
"""The state-file key that remembers the columns shown (comma-separated names)."""
FILTER_PLACEHOLDER = "filter: number, name, state, campaign   (Enter: keep, Esc: clear)"


class ColumnsScreen(ModalScreen[list[str] | None]):
    """Choose the live panel's columns: Space ticks, Enter keeps, Esc leaves them as they were."""

    DEFAULT_CSS = """
    ColumnsScreen { align: center middle; }
    ColumnsScreen > Vertical {
        width: 40; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    ColumnsScreen SelectionList { height: auto; max-height: 12; }
    """

    BINDINGS = [
        Binding("escape", "dismiss_none", "Cancel", id="columns.cancel"),
        Binding("enter", "keep", "Keep", id="columns.keep", priority=True),
    ]

    def __init__(self, columns: tuple[str, ...], shown: tuple[str, ...]) -> None:
        super().__init__()
        self.columns = columns
        self.shown = shown

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Columns"
            yield SelectionList[str](
                *(Selection(name, name, name in self.shown) for name in self.columns), id="columns-list"
            )
            yield Label("Space: show/hide   Enter: keep   Esc: cancel")

    def action_keep(self) -> None:
        chosen = self.query_one(SelectionList).selected
        self.dismiss([name for name in self.columns if name in chosen])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class FilterInput(Input):
    """The filter line; its Enter goes back to the table when read (a priority binding)."""

    BINDINGS = [Binding("enter", "done", "Keep filter", show=False, id="live.filter-done", priority=True)]

    def action_done(self) -> None:
        for node in self.ancestors:
            if isinstance(node, LiveViewControls):
                node.action_filter_done()
                return


class LiveViewControls(Widget):
    """The keys that choose what the live table shows and act on its marked rows."""

    # "/", and the filter's Enter and Esc, are priority bindings: they move the focus when they
    # are read, so the keys after them in one burst (SSH, a paste, tmux send-keys) land where they
    # were typed for — the filter, then the table — as Tab does in the form. The others act where
    # the focus is, in the order typed.
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="live.filter", priority=True),
        Binding(
            "escape", "clear_filter", "Clear filter/marks", show=False, id="live.clear-filter", priority=True
        ),
        Binding("space", "toggle_mark", "Mark", id="live.mark"),
        Binding("asterisk", "mark_all", "Mark all shown", show=False, id="live.mark-all"),
        Binding("s", "next_sort", "Sort by next column", show=False, id="live.sort"),
        Binding("S", "reverse_sort", "Reverse sort", show=False, id="live.sort-reverse"),
        Binding("c", "choose_columns", "Columns", show=False, id="live.columns"),
        Binding("R", "redial_marked", "Redial marked", show=False, id="live.redial-marked"),
        Binding("e", "export_marked('csv')", "Export CSV", show=False, id="live.export-csv"),
        Binding("E", "export_marked('json')", "Export JSON", show=False, id="live.export-json"),
        Binding("d,delete", "remove_rows", "Remove from panel", show=False, id="live.remove"),
    ]

    class RedialMarked(Message):
        """The user asked to redial these calls (one confirmation for them all)."""

        def __init__(self, calls: list[Call]) -> None:
            super().__init__()
            self.calls = calls

    tracker: CallTracker
    archive_after: float | None = None
    """Seconds after which a settled row leaves the panel by itself (None: it stays)."""

    def _view_setup(self, columns: tuple[str, ...]) -> None:
        self.view = PanelView(columns)
        self._texts: dict[str, tuple[Call, str]] = {}
        self._shown: list[str] = []
        self._title = ""
        self.archived = 0

    def compose_filter(self) -> ComposeResult:
        """The filter line (hidden until ``/``)."""
        field = FilterInput(placeholder=FILTER_PLACEHOLDER, id="live-filter", compact=True)
        field.display = False
        yield field

    @property
    def live_table(self) -> LiveTable:
        """The table the view arranges."""
        return self.query_one("#live-table", LiveTable)

    def load_columns(self) -> None:
        """Show the columns remembered from the last session."""
        from simotui.state import load_state

        saved = load_state().get(COLUMNS_STATE)
        if isinstance(saved, str) and saved:
            self.view.show_columns(saved.split(","))
            self.live_table.show_columns(self.view.visible_columns)

    # -- what is shown --------------------------------------------------------------------------

    def _search_text(self, key: str) -> str:
        call = self.tracker.calls[key]
        cached = self._texts.get(key)
        if cached is not None and cached[0] is call:
            return cached[1]
        directory = getattr(self.app, "directory", None)
        names = []
        if directory is not None:
            names = [directory.describe(call.caller), directory.describe(call.callee)]
        text = " ".join(
            (
                call.key,
                call.call_id,
                call.campaign_id,
                call.campaign_name,
                call.caller,
                call.callee,
                *names,
                call.state.value,
                str(call.disposition or ""),
                call.dial.trunk_name,
                "campaign" if call.campaign_id or call.campaign_name else "",
            )
        ).lower()
        self._texts[key] = (call, text)
        return text

    def _sort_value(self, key: str, column: int) -> Hashable | None:
        call = self.tracker.calls[key]
        leg = call.main_leg
        if column == 0:
            return call.call_id or call.campaign_id or call.key
        if column == 1:
            return (call.caller, call.callee)
        if column == 2:
            return call.state.value
        if column == 3:
            return call.elapsed(self._now).total_seconds()
        if column == 4:
            return leg.billsec if leg is not None else None
        if column == 5:
            return leg.wait if leg is not None else None
        return str(call.disposition) if call.disposition is not None else None

    def _archive(self, now: datetime) -> None:
        if not self.archive_after:
            return
        limit = timedelta(seconds=self.archive_after)
        due = [
            key
            for key, call in self.tracker.calls.items()
            if key not in self.view.removed
            and call.settled
            and call.ended_at is not None
            and now - call.ended_at >= limit
        ]
        if due:
            self.archived += len(due)
            self.view.forget(due)

    def panel_calls(self) -> dict[str, Call]:
        """The tracker's calls the panel shows (removed and archived ones left out), archiving first."""
        self._now = self.tracker.clock()
        self._archive(self._now)
        removed = self.view.removed
        if not removed:
            return dict(self.tracker.calls)
        return {key: call for key, call in self.tracker.calls.items() if key not in removed}

    def apply_view(self) -> None:
        """Show the rows that match, in order, with their marks, and say how many in the title."""
        table = self.live_table
        view = self.view
        self._now = self.tracker.clock()
        keys = [key for key in self.tracker.calls if key not in view.removed]
        shown = view.arrange(keys, self._search_text, self._sort_value) if view.active else keys
        self._shown = shown
        table.show_rows(shown)
        view.prune(self.tracker.calls)
        table.set_marks(view.marked)
        self._texts = {k: v for k, v in self._texts.items() if k in self.tracker.calls}
        parts = ["Live calls", view.title(len(shown), len(keys))]
        if view.sort_label():
            parts.append(view.sort_label())
        marked = sum(1 for key in shown if key in view.marked)
        if marked:
            parts.append(f"{marked} marked")
        if self.archived:
            parts.append(f"{self.archived} archived")
        title = " · ".join(parts)
        if title != self._title:
            self._title = title
            self.border_title = title

    # -- the filter -----------------------------------------------------------------------------

    def _focus_now(self, widget: Widget) -> None:
        # Now, not after the queued messages (Widget.focus defers it): the keys of a burst
        # typed after "/" (a paste, tmux send-keys, SSH) belong to the filter.
        self.screen.set_focus(widget)

    def action_filter(self) -> None:
        field = self.query_one("#live-filter", Input)
        field.display = True
        self._focus_now(field)

    @on(Input.Changed, "#live-filter")
    def _on_filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.view.query = event.value
        self.apply_view()

    def action_filter_done(self) -> None:
        field = self.query_one("#live-filter", Input)
        field.display = bool(field.value)
        self._focus_now(self.live_table)

    def check_view_action(self, action: str) -> bool:
        """Whether a view action applies now (all do; a hook for the panel's check_action)."""
        return True

    def action_clear_filter(self) -> None:
        field = self.query_one("#live-filter", Input)
        if field.value or self.screen.focused is field:
            field.value = ""
            self.view.query = ""
            field.display = False
            self._focus_now(self.live_table)
        elif self.view.marked:
            self.view.marked.clear()
        self.apply_view()

    # -- sorting and columns ----------------------------------------------------------------------

    def action_next_sort(self) -> None:
        self.view.next_sort()
        self.apply_view()

    def action_reverse_sort(self) -> None:
        if self.view.sort_column is None:
            self.view.next_sort()
        self.view.descending = not self.view.descending
        self.apply_view()

    @on(LiveTable.HeaderSelected, "#live-table")
    def _on_header_selected(self, event: LiveTable.HeaderSelected) -> None:
        event.stop()
        self.view.sort_by(event.column)
        self.apply_view()

    def action_choose_columns(self) -> None:
        self.app.push_screen(ColumnsScreen(self.view.columns, self.view.shown_names), self._columns_chosen)

    def _columns_chosen(self, names: list[str] | None) -> None:
        if names is None:
            return
        from simotui.state import remember

        self.view.show_columns(names)
        self.live_table.show_columns(self.view.visible_columns)
        remember(COLUMNS_STATE, ",".join(self.view.shown_names))
        self.apply_view()

    # -- marks and what acts on them ------------------------------------------------------------------

    def chosen_calls(self) -> list[Call]:
        """The marked calls shown, else the one under the cursor."""
        keys = self.view.chosen(self._shown, self.live_table.cursor_key)
        return [self.tracker.calls[key] for key in keys if key in self.tracker.calls]

    def action_toggle_mark(self) -> None:
        table = self.live_table
        key = table.cursor_key
        if key is None:
            return
        self.view.toggle_mark(key)
        # As in mc and htop: the cursor moves on, so Space Space Space marks three rows.
        table.action_cursor_down()
        self.apply_view()

    def action_mark_all(self) -> None:
        self.view.mark_all(self._shown)
        self.apply_view()

    def action_redial_marked(self) -> None:
        calls = self.chosen_calls()
        if calls:
            self.post_message(self.RedialMarked(calls))

    def redialled(self) -> None:
        """The marks have been acted on: a second ``R`` must not redial them again."""
        self.view.marked.clear()
        self.apply_view()

    def copy_rows(self) -> None:
        """Copy the marked rows (else the cursor's) as tab-separated lines of the columns shown."""
        table = self.live_table
        columns = table.shown_columns
        rows = [
            [table.get_row(call.key)[c] for c in columns] for call in self.chosen_calls() if call.key in table
        ]
        copy_text(self.app, calls_text(rows), f"{len(rows)} row(s)" if len(rows) != 1 else "row")

    def action_export_marked(self, fmt: str) -> None:
        calls = self.chosen_calls()
        if not calls:
            self.notify("No calls to export", severity="warning", timeout=3)
            return
        downloads = Path(getattr(self.app, "downloads", Path.cwd()))
        stamp = self._now.strftime("%Y%m%d-%H%M%S")
        self._export(calls, downloads / f"live-calls-{stamp}.{fmt}", fmt)

    @work(group="live-export", exit_on_error=False, description="Export live calls")
    async def _export(self, calls: list[Call], target: Path, fmt: str) -> None:
        tz = getattr(self, "tz", None) or self._now.tzinfo
        assert tz is not None
        try:
            count = await asyncio.to_thread(write_calls, calls, target, fmt, tz, masker(self))
        except OSError as exc:
            self.notify(f"Cannot write {target}: {exc.strerror or exc}", severity="error", timeout=8)
            return
        self.notify(f"Exported {count} call(s) to {target}", timeout=6)

    def action_remove_rows(self) -> None:
        calls = self.chosen_calls()
        going = [call for call in calls if not call.settled]
        done = [call.key for call in calls if call.settled]
        self.view.forget(done)
        if going:
            # Promise 2: a call still being followed stays where the user can see it end.
            self.notify(
                f"{len(going)} call(s) still being followed stay on the panel", severity="warning", timeout=4
            )
        if done:
            self.notify(f"Removed {len(done)} row(s) from the panel (the journal keeps them)", timeout=3)
        self.render_panel()

    def render_panel(self) -> None:
        """Render the rows again (the live panel's ``render_rows``)."""
        raise NotImplementedError
