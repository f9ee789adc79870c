"""StatsStrip: the dashboard's one line of figures for this session's calls (f8 for the rest)."""

from __future__ import annotations

from datetime import tzinfo

from textual.widgets import Static

from simotui.calls.stats import session_stats, strip_text
from simotui.calls.tracker import CallTracker

EVERY = 2.0
"""Seconds between recomputations (cheap: one pass over the tracked calls)."""


class StatsStrip(Static):
    """``placed 12 · answered 75% · talk 1:02 · wait 0:08 · 2 going · f8 stats``."""

    def __init__(self, tracker: CallTracker, tz: tzinfo, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.tracker = tracker
        self.tz = tz
        self._text = ""

    def on_mount(self) -> None:
        self.recompute()
        self.set_interval(EVERY, self.recompute)

    def recompute(self) -> None:
        """Figures from the tracker's calls now (drawn again only when they changed)."""
        now = self.tracker.clock()
        midnight = now.astimezone(self.tz).replace(hour=0, minute=0, second=0, microsecond=0)
        text = strip_text(session_stats(self.tracker.calls.values(), midnight)) + " · f8 stats"
        if text != self._text:
            self._text = text
            self.update(text)
