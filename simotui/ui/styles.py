"""Colours of table cells by call state and by disposition.

Table cells cannot carry CSS classes, so the one mapping from a state to its colour lives here,
looked up by the state itself — never by the words in a cell. Every final state has a colour
of its own (at 3 a.m. "1st: busy" and "2nd: busy" must not look alike); the states of calls
still going share their tone's. Everything else is styled in ``app.tcss``.
"""

from __future__ import annotations

from simotui.calls.states import CallState, Tone

TONE_STYLES: dict[Tone, str] = {
    Tone.LIVE: "bold dodger_blue1",
    Tone.GOOD: "bold green",
    Tone.WARN: "yellow",
    Tone.BAD: "bold red",
    Tone.UNKNOWN: "bold magenta",
}
"""The colour of a state that has none of its own: those of calls still going."""

# The first party's ends are italic: the same family of colour as the second party's, told
# apart without reading the "1st"/"2nd".
FINAL_STYLES: dict[CallState, str] = {
    CallState.ANSWERED: "bold green",
    CallState.SECOND_NO_ANSWER: "yellow",
    CallState.SECOND_BUSY: "dark_orange",
    CallState.SECOND_FAILED: "bold red",
    CallState.FIRST_NO_ANSWER: "italic light_goldenrod2",
    CallState.FIRST_BUSY: "italic orange3",
    CallState.FIRST_FAILED: "italic indian_red1",
    CallState.FIRST_LOST: "italic hot_pink",
    CallState.NOT_BRIDGED: "deep_pink3",
    CallState.NO_CDR: "medium_purple1",
    CallState.NO_REPORT: "plum3",
    CallState.NO_TRACE: "bold magenta",
    CallState.REFUSED: "bold white on red3",
    CallState.NOT_SENT: "bold grey62",
    CallState.ENDED: "steel_blue1",
}
"""Every final state's own colour."""

_DISPOSITION_STYLES = {
    "ANSWERED": "bold green",
    "NO ANSWER": "yellow",
    "BUSY": "dark_orange",
    "FAILED": "bold red",
    "CONGESTION": "bold red",
    "LOST": "magenta",
    "MISSED": "yellow",
}


def state_style(state: CallState) -> str:
    """The style of a state cell: the state's own colour when final, else its tone's."""
    return FINAL_STYLES.get(state) or TONE_STYLES[state.tone]


def disposition_style(value: str) -> str:
    """The style of a disposition cell; unknown dispositions are shown plain."""
    return _DISPOSITION_STYLES.get(value, "")
