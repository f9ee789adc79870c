"""Detail screens: one CDR from the report browser, or one tracked call with all its legs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, tzinfo
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Label, ProgressBar, Static

from simotui import display, paths
from simotui.api.client import SimotelClient
from simotui.api.models import Cdr, OriginateRequest
from simotui.calls.dials import CallMode, CampaignDial
from simotui.calls.model import Call
from simotui.calls.states import CallState
from simotui.display import tries_text
from simotui.errors import SimotuiError
from simotui.ui.clipboard import copy_text
from simotui.ui.masking import follow_masking, masker
from simotui.ui.messages import DialPrefilled, LiveCallWanted
from simotui.ui.widgets.cdr_view import CdrView
from simotui.ui.widgets.live_calls import call_label, state_label
from simotui.ui.widgets.status_line import StatusLine
from simotui.ui.workers import ReportsDeadWorkers


class CdrDetailScreen(ReportsDeadWorkers, Screen[None]):
    """Every field of a CDR and its route steps; jump to its live row or dial from it."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="cdr.back"),
        Binding("d", "dial_from", "Dial from this", id="cdr.dial"),
        Binding("g", "go_live", "Live row", id="cdr.live"),
        Binding("s", "save_recording", "Save recording", id="cdr.save-recording"),
        Binding("y", "copy_cuid", "Copy cuid", id="cdr.copy"),
    ]

    def __init__(
        self,
        cdr: Cdr,
        tz: tzinfo,
        status_line: Callable[[], StatusLine],
        *,
        tracked: bool,
        client: SimotelClient | None = None,
        downloads: Path | None = None,
    ) -> None:
        super().__init__()
        self.cdr = cdr
        self.tz = tz
        self.status_line = status_line
        self.tracked = tracked
        self.client = client
        # Never silently the directory simotui was started from.
        self.downloads = downloads if downloads is not None else paths.downloads_dir()
        """Where a recording is saved (the profile's ``downloads``; created when first used)."""

    def on_mount(self) -> None:
        follow_masking(self)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-scroll"):
            title = masker(self)(f"CDR {self.cdr.cuid}  ·  {self.cdr.src} → {self.cdr.dst}")
            yield Label(title, classes="screen-title", markup=False)
            yield CdrView(self.cdr, self.tz)
        progress = ProgressBar(id="recording-progress", show_eta=False)
        progress.display = False
        yield progress
        yield self.status_line()
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        from simotui.ui.access import allowed

        if not allowed(self, action):
            return False
        if action == "go_live":
            return self.tracked
        if action == "save_recording":
            return bool(self.cdr.record) and self.client is not None
        return True

    def action_copy_cuid(self) -> None:
        """Put the call's cuid on the clipboard (OSC 52; works over SSH where the terminal allows)."""
        copy_text(self.app, self.cdr.cuid, "cuid")

    def action_save_recording(self) -> None:
        """Download this call's recording into the downloads directory, with progress."""
        if self.cdr.record and self.client is not None:
            self._download(self.cdr.record)

    @work(exclusive=True, group="recording", exit_on_error=False, description="Download a recording")
    async def _download(self, record: str) -> None:
        assert self.client is not None
        bar = self.query_one("#recording-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)

        def advance(received: int, total: int | None) -> None:
            bar.update(total=total, progress=received)

        target = self.downloads / Path(record).name
        try:
            self.downloads.mkdir(parents=True, exist_ok=True, mode=0o700)
            saved = await self.client.reports.save_audio(record, target, advance)
        except (SimotuiError, OSError) as error:
            message = error.message if isinstance(error, SimotuiError) else (error.strerror or str(error))
            self.notify(f"{record}: {message}", title="Recording not saved", severity="error", timeout=10)
        else:
            self.notify(f"Saved {saved.size:,} bytes ({saved.content_type}) to {saved.path}", timeout=8)
        finally:
            bar.display = False

    def action_dial_from(self) -> None:
        """Prefill the dial form with this CDR's parties (nothing is sent)."""
        request = OriginateRequest(caller=self.cdr.src, callee=self.cdr.dst, context="", caller_id="")
        self.app.post_message(DialPrefilled(request))

    def action_go_live(self) -> None:
        """Show this call's row in the live panel."""
        if self.cdr.originated_call_id:
            self.app.post_message(LiveCallWanted(self.cdr.originated_call_id))


class CallDetailScreen(Screen[None]):
    """A tracked call: the request sent, what is known, and every CDR leg found."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="call.back"),
        Binding("t", "copy_timeline(False)", "Copy timeline", id="call.copy-timeline"),
        Binding("m", "copy_timeline(True)", "Copy Markdown", id="call.copy-markdown"),
        Binding("w", "save_timeline", "Save timeline", id="call.save-timeline"),
    ]

    def __init__(self, call: Call, tz: tzinfo, now: datetime, status_line: Callable[[], StatusLine]) -> None:
        super().__init__()
        self.call = call
        self.tz = tz
        self.now = now
        self.status_line = status_line

    def timeline(self, markdown: bool) -> str:
        """The call's timeline for a ticket, numbers masked when masking is on."""
        from simotui.calls.ticket import timeline_markdown, timeline_text

        build = timeline_markdown if markdown else timeline_text
        return build(self.call, self.tz, masker(self))

    def action_copy_timeline(self, markdown: bool) -> None:
        """Copy the timeline over OSC 52 (text, or Markdown for a ticket)."""
        copy_text(self.app, self.timeline(markdown), "timeline (Markdown)" if markdown else "timeline")

    def action_save_timeline(self) -> None:
        """Save the Markdown timeline in the downloads directory (0600: it may hold numbers)."""
        import os
        from pathlib import Path

        from simotui.private import private_fd

        folder = Path(getattr(self.app, "downloads", Path.cwd()))
        target = folder / f"call-{self.call.call_id or self.call.campaign_id or self.call.key}-timeline.md"
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            with os.fdopen(private_fd(target), "w", encoding="utf-8") as handle:
                handle.write(self.timeline(markdown=True))
        except OSError as exc:
            self.notify(f"Cannot write {target}: {exc.strerror or exc}", severity="error", timeout=8)
            return
        self.notify(f"Saved the timeline to {target}", timeout=6)

    def on_mount(self) -> None:
        follow_masking(self)

    def compose(self) -> ComposeResult:
        call = self.call
        mask = masker(self)
        with VerticalScroll(id="detail-scroll"):
            parties = mask(f"{call.caller} → {call.callee}")
            title = f"Campaign call {parties}" if call.mode is CallMode.CAMPAIGN else f"Call {parties}"
            yield Label(f"{title}  ·  {call_label(call)}", classes="screen-title", markup=False)
            when = "Accepted" if call.placement.placed else "Requested"
            facts = [
                f"State: {state_label(call, stale=False)} — {call.meaning}",
                f"Disposition: {display.disposition(call.disposition)}   "
                f"Elapsed: {display.duration(call.elapsed(self.now))}",
                f"{when}: {display.both_calendars(call.started_at, self.tz)}",
            ]
            if call.state.is_final:
                facts.append(f"Ended: {display.both_calendars(call.ended_at, self.tz)}")
            else:
                facts.append(
                    f"Given up on at: {display.clock_time(call.deadline, self.tz)} (if nothing is found)"
                )
            yield Static(mask("\n".join(facts)), classes="call-state", markup=False)
            dial = call.dial
            yield Label("Request sent", classes="section-title")
            if isinstance(dial, CampaignDial):
                yield Static(_campaign_summary(call, dial, mask, self.tz), classes="request-body")
                yield from _campaign_report(call, self.tz)
            else:
                body = json.dumps(dial.to_api(), indent=2, ensure_ascii=False)
                sent = f"POST call/originate/act   (key {call.key}, placement: {call.placement.value})\n"
                yield Static(mask(sent + body), classes="request-body", markup=False)
            yield Label("Timeline", classes="section-title")
            yield Static(_timeline(call, mask, self.tz), classes="call-timeline")
            if not call.legs:
                yield Label(_no_legs_text(call), classes="section-title")
            for number, leg in enumerate(call.legs, start=1):
                yield CdrView(leg, self.tz, title=f"Leg {number} of {len(call.legs)}")
        yield self.status_line()
        yield Footer()


def _campaign_summary(call: Call, dial: CampaignDial, mask: Callable[[str], str], tz: tzinfo) -> Table:
    """What the campaign-mode dial asked for, and what became of its campaign."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    for label, value in (
        ("Campaign", f"{call.campaign_id or '—'}   (autodialer/campaigns/add, one number)"),
        (
            "First party",
            f"{dial.caller}  (the campaign's number, {tries_text(dial.tries)}, {dial.try_interval} s apart)",
        ),
        ("Second party", dial.callee + (f" via trunk {dial.trunk_name}" if dial.trunk_name else "")),
        ("Route", f"Autodialer Route {dial.interface_context!r}, row {dial.interface_text or 'any'!r}"),
        ("Call limit", f"{dial.call_limit} s" if dial.call_limit else "—"),
        ("Campaign name", call.campaign_name or "—"),
        (
            "Bridged as",
            f"{call.bridge_unique_id} at {display.clock_time(call.bridged_at, tz)}"
            if call.bridge_unique_id
            else "— (the responder has not been asked)",
        ),
        ("Cleanup", call.cleanup or "—"),
    ):
        table.add_row(label, Text(mask(value)))
    return table


def _campaign_report(call: Call, tz: tzinfo) -> Iterator[Widget]:
    """The first party's autodialer report row and its tries."""
    row = call.report
    if row is None:
        yield Label("No autodialer report row yet.", classes="section-title")
        return
    yield Label(
        f"First party: {display.disposition(row.disposition)} after {tries_text(row.try_count)} — "
        f"autodialer: {display.report_status(row.status)} (row {row.id})",
        classes="section-title",
    )
    tries: DataTable[str] = DataTable(cursor_type="row", show_cursor=False, classes="tries-table")
    tries.add_columns("#", "Started", "Disposition", "Cause", "Cause text", "Wait", "cdr_id")
    for number, attempt in enumerate(row.tries, start=1):
        tries.add_row(
            str(number),
            display.gregorian(attempt.started_at, tz),
            display.disposition(attempt.disposition),
            "—" if attempt.cause is None else str(attempt.cause),
            attempt.cause_text or "—",
            f"{attempt.wait} s",
            attempt.cdr_id,
        )
    yield tries


def _timeline(call: Call, mask: Callable[[str], str], tz: tzinfo) -> Table:
    """Every fact known about the call in time order, each with where it came from."""
    from simotui.calls.timeline import timeline

    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(style="dim")
    table.add_column()
    for moment in timeline(call):
        table.add_row(display.clock_time(moment.at, tz), moment.source, Text(mask(moment.text)))
    return table


def _no_legs_text(call: Call) -> str:
    """Why a call has no CDR leg to show."""
    if call.state in (CallState.FIRST_NO_ANSWER, CallState.FIRST_BUSY, CallState.FIRST_LOST):
        return f"No second leg ({call.state.value}): nobody was bridged."
    if call.state is CallState.NOT_BRIDGED:
        return "No second leg: the call was not handed on to the second party."
    if call.state in (CallState.NO_CDR, CallState.NO_TRACE):
        return "No CDR arrived."
    if call.state in (CallState.REFUSED, CallState.NOT_SENT):
        return "No call was placed."
    return "No CDR leg found yet."
