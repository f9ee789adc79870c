"""Colours of table cells by call state and disposition.

Table cells cannot carry CSS classes, so the one mapping from a state to its colour lives here;
everything else is styled in ``app.tcss``.
"""

from __future__ import annotations

STATE_STYLES = {
    "waiting for CDR": "bold dark_orange",
    "completed": "",
    "no CDR": "bold magenta",
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


def disposition_style(value: str) -> str:
    """The style of a disposition cell; unknown dispositions are shown plain."""
    return _DISPOSITION_STYLES.get(value, "")
