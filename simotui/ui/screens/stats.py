"""StatsScreen: the shape of the day — this session's calls and today's CDRs in figures.

The session's figures come from the tracker at once; today's are read from a CDR search of the
PBX's day, paged in a worker with a progress bar. A search that fails says so on the screen (and
``r`` tries again); nothing is shown as a figure that was not read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import tzinfo

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, ProgressBar, Sparkline, Static

from simotui import display
from simotui.api.client import SimotelClient
from simotui.api.models import Cdr, CdrQuery, Pagination
from simotui.calls.stats import (
    SPARK_MINUTES,
    DayStats,
    Figures,
    SessionStats,
    day_stats,
    percent,
    seconds_text,
    session_stats,
)
from simotui.calls.tracker import CallTracker
from simotui.errors import SimotuiError
from simotui.ui.widgets.status_line import StatusLine
from simotui.ui.workers import ReportsDeadWorkers

OLDEST_FIRST = {"starttime": 1}


def figures_line(name: str, figures: Figures) -> str:
    """``Center  12 calls · 9 answered (75%) · talk 1:02 · wait 0:08``."""
    return (
        f"{name}  {figures.total} call{'s' if figures.total != 1 else ''} · {figures.answered} answered ({percent(figures.answer_rate)}) · "
        f"talk {seconds_text(figures.average_talk)} · wait {seconds_text(figures.average_wait)}"
    )


def counts_line(counts: Mapping[str, int]) -> str:
    """``answered 9 · 2nd: busy 2``, or a dash."""
    return " · ".join(f"{name} {count}" for name, count in counts.items()) or display.DASH


def session_text(stats: SessionStats) -> str:
    """The session block."""
    lines = [
        f"Calls placed this session: {stats.total} (today: {stats.placed_today}; {stats.going} still going)",
        f"Answered: {stats.placed.answered} of {stats.placed.total} ended "
        f"({percent(stats.placed.answer_rate)}) · "
        f"average talk {seconds_text(stats.placed.average_talk)} · "
        f"average wait {seconds_text(stats.placed.average_wait)}",
        f"First party: {counts_line(stats.first_party)}",
        f"Second party: {counts_line(stats.second_party)}",
    ]
    if stats.per_trunk:
        lines.append("Per trunk:")
        lines += [f"  {figures_line(name, f)}" for name, f in stats.per_trunk.items()]
    if stats.per_campaign:
        lines.append("Per campaign:")
        lines += [f"  {figures_line(name, f)}" for name, f in stats.per_campaign.items()]
    return "\n".join(lines)


def day_text(stats: DayStats) -> str:
    """The block of today's CDRs."""
    overall = stats.overall
    lines = [
        f"Total calls: {overall.total} · answered {overall.answered} ({percent(overall.answer_rate)}) · "
        f"average talk {seconds_text(overall.average_talk)} · average wait {seconds_text(overall.average_wait)}",
        f"Outcomes: {counts_line(dict(sorted(stats.dispositions.items())))}",
    ]
    if stats.per_trunk:
        lines.append("Per trunk:")
        lines += [f"  {figures_line(name, f)}" for name, f in stats.per_trunk.items()]
    return "\n".join(lines)


class StatsScreen(ReportsDeadWorkers, Screen[None]):
    """This session's calls and today's CDRs; ``r`` reads today's CDRs again."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="stats.back"),
        Binding("r", "reload", "Reload", id="stats.reload"),
    ]

    def __init__(
        self,
        client: SimotelClient,
        tracker: CallTracker,
        tz: tzinfo,
        status_line: Callable[[], StatusLine],
        *,
        page_size: int = 500,
    ) -> None:
        super().__init__()
        self.client = client
        self.tracker = tracker
        self.tz = tz
        self.status_line = status_line
        self.page_size = page_size
        self.day: DayStats | None = None
        """Today's figures, once every page was read."""
        self.cdrs: list[Cdr] = []
        self.error: SimotuiError | None = None

    def compose(self) -> ComposeResult:
        yield Label("Stats", classes="screen-title", id="stats-title")
        with VerticalScroll(id="stats-body"):
            yield Label("This session", classes="stats-heading")
            yield Static("", id="stats-session", markup=False)
            yield Label("Today (CDRs of the PBX's day)", classes="stats-heading")
            with Horizontal(id="stats-progress-row"):
                yield ProgressBar(id="stats-progress", show_eta=False)
                yield Static("", id="stats-progress-text", markup=False)
            yield Static("", id="stats-day", markup=False)
            yield Label(f"Answered per minute, last {SPARK_MINUTES} min", classes="stats-heading")
            yield Sparkline([0] * SPARK_MINUTES, id="stats-spark")
        yield self.status_line()
        yield Footer()

    def on_mount(self) -> None:
        self.show_session()
        self.set_interval(2.0, self.show_session)
        self.action_reload()

    def show_session(self) -> None:
        """The session's figures, from the tracker (cheap: recomputed every two seconds)."""
        now = self.tracker.clock()
        midnight = now.astimezone(self.tz).replace(hour=0, minute=0, second=0, microsecond=0)
        self.session = session_stats(self.tracker.calls.values(), midnight)
        for shown in self.query("#stats-session").results(Static):  # none while taken down
            shown.update(session_text(self.session))

    def action_reload(self) -> None:
        self._load_today()

    @work(exclusive=True, group="stats:cdrs", exit_on_error=False, description="Read today's CDRs")
    async def _load_today(self) -> None:
        bar = self.query_one("#stats-progress", ProgressBar)
        words = self.query_one("#stats-progress-text", Static)
        day = self.query_one("#stats-day", Static)
        bar.update(total=None, progress=0)
        words.update("reading today's CDRs…")
        words.remove_class("-error")
        now = self.tracker.clock()
        midnight = now.astimezone(self.tz).replace(hour=0, minute=0, second=0, microsecond=0)
        query = CdrQuery(date_from=midnight, date_to=now)
        rows: list[Cdr] = []
        offset = 0
        try:
            while True:
                page = await self.client.reports.cdr_search(
                    query, Pagination(offset, self.page_size, OLDEST_FIRST), skip_bad=True
                )
                rows.extend(page.records)
                offset += len(page.records)
                bar.update(total=max(page.total, 1), progress=offset)
                words.update(f"{offset:,} of {page.total:,} CDRs")
                if not page.records or offset >= page.total:
                    break
        except SimotuiError as error:
            self.error = error
            words.update(f"Today's CDRs could not be read: {error.title}: {error.message} (r: try again)")
            words.add_class("-error")
            self.notify(error.message, title="Stats: today's CDRs", severity="error", timeout=8)
            return
        self.error = None
        self.cdrs = rows
        self.day = day_stats(rows, now)
        bar.update(total=max(offset, 1), progress=max(offset, 1))
        words.update(f"{offset:,} CDRs read at {display.clock_time(now, self.tz)}")
        day.update(day_text(self.day))
        self.query_one("#stats-spark", Sparkline).data = list(self.day.answered_per_minute)
