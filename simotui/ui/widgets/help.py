"""ConsoleHelp: Textual's key panel for the focused widget, and the colour of every call state."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import HelpPanel, KeyPanel, Markdown, Static

from simotui.calls.states import CallState
from simotui.ui.styles import state_style


def state_legend() -> Text:
    """Every state in its own colour: the ends first, then the states of calls still going."""
    text = Text()
    text.append("Ends: ", style="bold")
    for state in CallState:
        if state.is_final:
            text.append(state.value, style=state_style(state))
            text.append("  ")
    text.append("\nGoing: ", style="bold")
    for state in CallState:
        if not state.is_final:
            text.append(state.value, style=state_style(state))
            text.append("  ")
    return text


class ConsoleHelp(HelpPanel):
    """The help panel (f1, ?): the keys of what has the focus, and a legend of the state colours."""

    DEFAULT_CSS = """
    ConsoleHelp #state-legend {
        height: auto;
        padding: 1 0 0 0;
        border-top: hkey $foreground 30%;
    }
    """

    def compose(self) -> ComposeResult:
        yield Markdown(id="widget-help")
        yield KeyPanel(id="keys-help")
        yield Static(state_legend(), id="state-legend")
