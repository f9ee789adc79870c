"""Colours of table cells by call state (through its tone) and by disposition.

Table cells cannot carry CSS classes, so the one mapping from a state to its colour lives here,
looked up by the state itself — never by the words in a cell. Everything else is styled in
``app.tcss``.
"""

from __future__ import annotations

from simotui.calls.states import CallState, Tone

TONE_STYLES: dict[Tone, str] = {
    Tone.LIVE: "bold dark_orange",
    Tone.GOOD: "bold green",
    Tone.WARN: "yellow",
    Tone.BAD: "bold red",
    Tone.UNKNOWN: "bold magenta",
}

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
    """The style of a state cell."""
    return TONE_STYLES[state.tone]


def disposition_style(value: str) -> str:
    """The style of a disposition cell; unknown dispositions are shown plain."""
    return _DISPOSITION_STYLES.get(value, "")
