"""PbxScreen: every call in progress on the PBX and every extension's state, live from pushed events.

Not only this console's calls: whatever the PBX pushes (IncomingCall, OutgoingCall, NewState,
Cdr) through the event receiver, as the app's :class:`~simotui.events.pbx.PbxView` keeps it.
Both tables update in place (a :class:`~simotui.board.CallBoard` diff into a
:class:`~simotui.ui.widgets.live_table.LiveTable`), so the cursor stays where the user left
it. ``/`` filters both by any text of a row (a number, a trunk, a state); ``d`` puts the row's
parties in the dial form (nothing is sent: the form's Enter and the confirmation still decide).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.signal import Signal
from textual.widgets import Footer, Input, Label, Static

from simotui import display
from simotui.api.models import OriginateRequest
from simotui.board import CallBoard
from simotui.directory import Directory
from simotui.events.models import ExtenState
from simotui.events.pbx import ActiveCall, ExtenRow, PbxView
from simotui.ui.focus import focus_now
from simotui.ui.masking import follow_masking, masker
from simotui.ui.messages import DialPrefilled
from simotui.ui.widgets.live_table import LiveTable
from simotui.ui.widgets.status_line import StatusLine

CALL_COLUMNS = ("Call", "Kind", "From", "To", "Trunk", "Queue", "State", "For")
EXTEN_COLUMNS = ("Exten", "Name", "State", "With", "Dir", "Queue", "For")
#: The state of an extension the PBX has sent nothing about since the console started.
UNTOLD = "—"
NAME_WIDTH = 16
_EXTEN_STYLES = {
    ExtenState.IDLE: "green",
    ExtenState.RINGING: "bold yellow",
    ExtenState.IN_USE: "bold cyan",
    ExtenState.PAUSE: "magenta",
    ExtenState.UNAVAILABLE: "dim",
}
_CALL_STYLES = {"ringing": "bold yellow", "talking": "bold cyan"}


def call_cells(call: ActiveCall, now: datetime, mask: Callable[[str], str]) -> tuple[str, ...]:
    """One call's row."""
    # The tail tells two calls apart (ids are epoch.sequence); the whole id is in the events.
    tail = call.unique_id if len(call.unique_id) <= 10 else f"…{call.unique_id[-9:]}"
    kind = call.kind + (" (API)" if call.originated else "")
    return (
        tail,
        kind,
        mask(call.src) or display.DASH,
        mask(call.dst) or display.DASH,
        call.trunk or display.DASH,
        call.queue or display.DASH,
        call.state,
        display.duration(max(0, int((now - call.started_at).total_seconds()))),
    )


def exten_cells(row: ExtenRow, now: datetime, mask: Callable[[str], str], name: str = "") -> tuple[str, ...]:
    """One extension's row."""
    return (
        row.exten,
        _short(name),
        row.state.value,
        mask(row.participant) or display.DASH,
        row.direction or display.DASH,
        row.queue or display.DASH,
        display.duration(max(0, int((now - row.since).total_seconds()))),
    )


def untold_cells(exten: str, name: str) -> tuple[str, ...]:
    """An extension the PBX has not told about yet (known from the directory)."""
    return (exten, _short(name), UNTOLD, display.DASH, display.DASH, display.DASH, display.DASH)


def _short(name: str) -> str:
    return name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1] + "…"


def _matches(cells: tuple[str, ...], needle: str) -> bool:
    return not needle or any(needle in cell.lower() for cell in cells)


class PbxScreen(Screen[None]):
    """The PBX view and extension board (see the module docstring)."""

    DEFAULT_CSS = """
    PbxScreen .pbx-box {
        border: round $primary;
        height: 1fr;
    }
    PbxScreen #pbx-extens-box {
        height: 1fr;
    }
    PbxScreen #pbx-filter {
        margin: 0 1;
    }
    PbxScreen #pbx-summary {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape", "leave", "Back", id="pbx.back"),
        Binding("slash", "focus_filter", "Filter", id="pbx.filter"),
        Binding("d", "dial_from", "Dial", id="pbx.dial"),
    ]

    def __init__(
        self,
        view: PbxView,
        changed: Signal[None],
        clock: Callable[[], datetime],
        tz: tzinfo,
        status_line: Callable[[], StatusLine],
        receiving: bool,
        directory: Directory | None = None,
    ) -> None:
        super().__init__()
        self.directory = directory
        self.view = view
        self.changed = changed
        self.clock = clock
        self.tz = tz
        self.status_line = status_line
        self.receiving = receiving
        self.needle = ""
        self.call_board: CallBoard[str] = CallBoard(width=len(CALL_COLUMNS))
        self.exten_board: CallBoard[str] = CallBoard(width=len(EXTEN_COLUMNS))

    def compose(self) -> ComposeResult:
        yield Label("PBX: calls in progress and extensions, from pushed events", classes="screen-title")
        yield Input(placeholder="/ filter: a number, a trunk, a state…", id="pbx-filter", compact=True)
        with Vertical(id="pbx-calls-box", classes="pbx-box"):
            yield LiveTable(CALL_COLUMNS, id="pbx-calls")
        with Vertical(id="pbx-extens-box", classes="pbx-box"):
            yield LiveTable(EXTEN_COLUMNS, id="pbx-extens")
        yield Static("", id="pbx-summary", markup=False)
        yield self.status_line()
        yield Footer()

    def on_mount(self) -> None:
        follow_masking(self)
        self.query_one("#pbx-calls-box").border_title = "Calls in progress"
        self.query_one("#pbx-extens-box").border_title = "Extensions"
        self.changed.subscribe(self, lambda _none: self.render_rows())
        mask_changed = getattr(self.app, "mask_changed", None)
        if mask_changed is not None:
            mask_changed.subscribe(self, lambda _on: self.render_rows())
        self.set_interval(1.0, self.render_rows)
        self.render_rows()
        self.query_one("#pbx-calls", LiveTable).focus()

    # -- rendering ----------------------------------------------------------------------------

    def render_rows(self) -> None:
        """Diff the view against both tables; only what changed is drawn."""
        if not self.query("#pbx-calls") or not self.query("#pbx-extens") or not self.query("#pbx-summary"):
            return  # being taken down while the app leaves (the children go first)
        now = self.clock()
        mask = masker(self)
        calls = {
            uid: cells
            for uid, call in sorted(self.view.calls.items(), key=lambda item: item[1].started_at)
            if _matches(cells := call_cells(call, now, mask), self.needle)
        }
        users = self.directory.users if self.directory is not None else {}
        extens = {}
        for exten in sorted(set(self.view.extens) | set(users), key=_exten_order):
            user = users.get(exten)
            name = user.name if user is not None and user.name != exten else ""
            row = self.view.extens.get(exten)
            cells = exten_cells(row, now, mask, name) if row is not None else untold_cells(exten, name)
            if _matches(cells, self.needle):
                extens[exten] = cells
        self._apply(self.query_one("#pbx-calls", LiveTable), self.call_board, calls, self._call_cell)
        self._apply(self.query_one("#pbx-extens", LiveTable), self.exten_board, extens, self._exten_cell)
        self._summary(len(calls), len(extens))

    def _apply(
        self,
        table: LiveTable,
        board: CallBoard[str],
        snapshot: dict[str, tuple[str, ...]],
        cell: Callable[[int, str], Text],
    ) -> None:
        diff = board.apply(snapshot)
        if diff.is_empty:
            return
        table.update_rows(
            added={key: [cell(i, v) for i, v in enumerate(cells)] for key, cells in diff.added.items()},
            changed={
                key: {i: cell(i, v) for i, v in changes.items()} for key, changes in diff.changed.items()
            },
            removed=diff.removed,
        )

    @staticmethod
    def _call_cell(index: int, value: str) -> Text:
        return Text(value, style=_CALL_STYLES.get(value, "") if index == 6 else "")

    @staticmethod
    def _exten_cell(index: int, value: str) -> Text:
        if index == 2:
            try:
                return Text(value, style=_EXTEN_STYLES[ExtenState(value)])
            except ValueError:
                return Text(value)
        return Text(value)

    def _summary(self, calls: int, extens: int) -> None:
        if not self.receiving:
            text = (
                "No event receiver runs: set listen in the profile's [events] table and point "
                "Simotel's API settings (events) at it."
            )
        elif not self.view.events_applied:
            text = "Waiting for the PBX's first event…"
        else:
            busy = self.view.busy_extens()
            shown = f" (filter {self.needle!r})" if self.needle else ""
            known = len(self.view.extens) + sum(
                1
                for exten in (self.directory.users if self.directory is not None else {})
                if exten not in self.view.extens
            )
            text = f"{calls} call(s) in progress · {busy} of {known} extension(s) busy{shown}"
        summary = self.query_one("#pbx-summary", Static)
        if str(summary.content) != text:
            summary.update(text)

    # -- keys ---------------------------------------------------------------------------------

    def action_leave(self) -> None:
        if self.query_one("#pbx-filter", Input).has_focus:
            focus_now(self.query_one("#pbx-calls", LiveTable))
            return
        self.app.pop_screen()

    def action_focus_filter(self) -> None:
        focus_now(self.query_one("#pbx-filter", Input))

    @on(Input.Changed, "#pbx-filter")
    def _on_filter(self, event: Input.Changed) -> None:
        event.stop()
        self.needle = event.value.strip().lower()
        self.render_rows()

    @on(Input.Submitted, "#pbx-filter")
    def _on_filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        focus_now(self.query_one("#pbx-calls", LiveTable))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Typing "d" in the filter is a letter, not a dial.
        if action == "dial_from" and self.query_one("#pbx-filter", Input).has_focus:
            return False
        return True

    def action_dial_from(self) -> None:
        """Put the highlighted row's parties in the dial form (nothing is sent)."""
        request = self.dial_for_cursor()
        if request is None:
            self.notify("No row to dial from.", severity="warning", timeout=3)
            return
        self.app.post_message(DialPrefilled(request))

    def dial_for_cursor(self) -> OriginateRequest | None:
        """The dial the focused table's highlighted row suggests: a call's parties, or an
        extension (first party) and who it is with (second party, if any)."""
        extens = self.query_one("#pbx-extens", LiveTable)
        if extens.has_focus:
            key = extens.cursor_key
            if key is None:
                return None
            row = self.view.extens.get(key)
            callee = row.participant if row is not None else ""
            return OriginateRequest(caller=key, callee=callee, context="", caller_id="")
        calls = self.query_one("#pbx-calls", LiveTable)
        key = calls.cursor_key
        call = self.view.calls.get(key) if key is not None else None
        if call is None:
            return None
        return OriginateRequest(caller=call.src, callee=call.dst, context="", caller_id="")


def _exten_order(exten: str) -> tuple[int, int, str]:
    """Extensions by number (``99`` before ``100``), then anything else by text."""
    return (0, int(exten), exten) if exten.isascii() and exten.isdigit() else (1, 0, exten)
