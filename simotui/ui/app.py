"""SimotuiApp and make_app: the console, built the same way by the CLI, the demo and the tests."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from functools import partial

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from simotui.agents import AgentDesk
from simotui.api.client import Exchange, SimotelClient
from simotui.api.dates import pbx_zone
from simotui.api.models import Cdr
from simotui.calls.bell import Bell, bell_states
from simotui.calls.bridges import BridgeRequestSeen
from simotui.calls.clock import PbxClock
from simotui.calls.journal import JournalWriter
from simotui.calls.poller import next_backoff
from simotui.calls.states import CallState
from simotui.calls.tracker import CallTracker
from simotui.directory import Directory
from simotui.errors import ApiUnavailable, SimotuiError, fault_words
from simotui.events.link import EventLink
from simotui.events.pbx import PbxView
from simotui.httplog import HttpLog
from simotui.responder.link import BridgeLink
from simotui.settings import Settings
from simotui.shutdown import ExitWatchdog, TerminalWatch
from simotui.store.journal import Journal
from simotui.ui.messages import (
    BridgeRequested,
    CallsChanged,
    ConnectionChecked,
    DialPrefilled,
    EventsArrived,
    LiveCallWanted,
    PollCycled,
    RedialWanted,
)
from simotui.ui.screens.dashboard import DashboardScreen
from simotui.ui.widgets.status_line import ConnectionStatus, StatusLine
from simotui.ui.workers import WorkerDied

Clock = Callable[[], datetime]
REFUSAL_CHECK_SECONDS = 2.0
REFUSAL_TOAST_EVERY = 30.0
#: Push is healthy (polls relax) while the last event is younger than this, in seconds.
PUSH_FRESH = 30.0
#: Seconds between redraws of the PBX view while events keep coming.
PBX_REDRAW = 0.25


class SimotuiApp(App[None]):
    """The Simotel console. Builds no client and does no IO in ``__init__``."""

    CSS_PATH = "app.tcss"
    TITLE = "simotui"
    ENABLE_COMMAND_PALETTE = True
    # Below 90 columns the side panels give their room to the form and tables.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-wide")]

    BINDINGS = [
        Binding("ctrl+r", "show_reports", "Reports", id="app.reports"),
        Binding("f3", "toggle_masking", "Mask", id="app.mask"),
        Binding("f4", "show_http_log", "HTTP log", show=False, id="app.http-log"),
        Binding("f5", "show_history", "History", show=False, id="app.history"),
        Binding("f7", "show_queues", "Queues", show=False, id="app.queues"),
        Binding("f8", "show_stats", "Stats", show=False, id="app.stats"),
        Binding("f6", "show_pbx", "PBX", show=False, id="app.pbx"),
        Binding("f1", "toggle_help", "Help", id="app.help"),
        # Priority, or a number field would take it (and refuse it). A field that can type "?"
        # still gets it: Textual drops the bindings of keys the focused widget consumes.
        Binding("question_mark", "toggle_help", "Help", show=False, id="app.help-question", priority=True),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        # Priority: focus moves when the Tab is read, not when the field it leaves gets round to
        # it, so type-ahead after a Tab (a burst over SSH, a paste, tmux send-keys) lands in the
        # field it was typed for.
        Binding("tab", "next_field", "Next field", show=False, id="app.next-field", priority=True),
        Binding(
            "shift+tab",
            "previous_field",
            "Previous field",
            show=False,
            id="app.previous-field",
            priority=True,
        ),
    ]

    mask_numbers: reactive[bool] = reactive(False)
    """Show phone numbers as ``0912***4567`` on every screen (for screens shared in tickets)."""

    def __init__(
        self,
        settings: Settings,
        client: SimotelClient,
        clock: Clock | None = None,
        bridge: BridgeLink | None = None,
        http_log: HttpLog | None = None,
        journal: Journal | None = None,
        profiles: Sequence[str] = (),
        keys: Mapping[str, str] | None = None,
        events: EventLink | None = None,
    ) -> None:
        super().__init__()
        self.events = events or EventLink()
        """The event receiver Simotel pushes to (none running when not configured)."""
        self.pbx_view = PbxView()
        """Every call and extension the PBX's events tell of (the PBX view renders it)."""
        self.pbx_changed: Signal[None] = Signal(self, "pbx-changed")
        self._pbx_redraw_due = False
        self.call_bell = Bell(bell_states(settings.bell_on))
        """Rings and notifies when a call reaches a state the profile's ``bell_on`` chose."""
        self._muted_bell: frozenset[CallState] = frozenset()
        self._gaps_seen: set[str] = set()
        self.profiles = tuple(profiles)
        self.keys = dict(keys or {})
        """The config's ``[keys]``: binding id → keys, applied over the defaults on mount."""
        self.switch_to: str | None = None
        """A profile the user chose to continue on; the command line reopens the console on it."""
        # An empty log is falsy (it has a length): test for None, or a given log would be replaced.
        self.http_log = http_log if http_log is not None else HttpLog()
        self.mask_changed: Signal[bool] = Signal(self, "mask-changed")
        self.settings = settings
        from simotui import paths

        self.downloads = settings.downloads or paths.downloads_dir()
        """Where exports and recordings are saved (created when first used)."""
        self.client = client
        # Read-only is enforced where every request passes (the client), whatever the UI offers.
        client.read_only = client.read_only or settings.read_only
        # Pages of hundreds of CDRs are read on a worker thread, not on the loop that takes keys.
        client.offload = True
        self.bridge = bridge or BridgeLink()
        self.tz = pbx_zone(settings.pbx_timezone)
        self.tracker = CallTracker(
            client,
            clock=clock if clock is not None else PbxClock(),
            tz=self.tz,
            journal=JournalWriter(journal, settings.profile),
            bridges=self.bridge.book,
            page_size=settings.page_size,
            remove_finished_campaigns=settings.campaign.remove_when_done,
            on_change=self._calls_changed,
        )
        self.directory = Directory()
        self.status = ConnectionStatus(
            server=client.base_url, profile=settings.profile, read_only=client.read_only
        )
        self.status_changed: Signal[ConnectionStatus] = Signal(self, "status-changed")
        self.dashboard: DashboardScreen | None = None
        self._poller_backoff = 0.0
        self._last_refusal_toast = float("-inf")
        self._refusals_shown = -1
        self._monotonic = time.monotonic
        # Flushes the journal and ends the process if an exit after a hang-up gets stuck.
        self.exit_watchdog = ExitWatchdog(self.tracker.journal.close)
        self.agent_desk = AgentDesk(
            self.client.pbx.pause_agent, self.client.pbx.resume_agent, lambda: self.clock()
        )
        """Queue agents' pauses and resumes: each once, never retried (the queues screen sends them)."""
        self._main_loop: asyncio.AbstractEventLoop | None = None
        self._terminal_watch: TerminalWatch | None = None

    @property
    def read_only(self) -> bool:
        """A read-only profile: nothing that changes the PBX is offered (nor sent: the client refuses)."""
        return self.client.read_only

    @property
    def clock(self) -> Clock:
        """The PBX's time, as the call core keeps it."""
        return self.tracker.clock

    # -- status line ------------------------------------------------------------------------------

    def new_status_line(self) -> StatusLine:
        """A status line for a screen; every one follows :attr:`status_changed`."""
        return StatusLine(self.status_changed, self.status, self.tz)

    def set_status(self, **changes: object) -> None:
        """Change what the status lines say."""
        self.status = self.status.with_changes(**changes)
        self.status_changed.publish(self.status)

    # -- lifecycle ------------------------------------------------------------------------------

    def _apply_keys(self) -> None:
        from simotui.keymap import keymap_problems, usable_keymap

        if not self.keys:
            return
        self.set_keymap(usable_keymap(self.keys))
        problems = keymap_problems(self.keys)
        if problems:
            self.notify(
                "; ".join(problems) + " (ignored; `simotui config check` lists them)",
                title="[keys]",
                severity="warning",
                timeout=10,
            )

    def _remember_theme(self) -> None:
        """Start on the theme chosen last time, and keep whatever is chosen now."""
        from simotui.state import load_state, remember

        saved = load_state().get("theme")
        if isinstance(saved, str) and saved in self.available_themes:
            self.theme = saved
        self.theme_changed_signal.subscribe(self, lambda theme: remember("theme", theme.name))

    def on_mount(self) -> None:
        self._apply_keys()
        self._remember_theme()
        restored, problems = self.tracker.restore()
        self.call_bell.know(restored)
        self.dashboard = DashboardScreen(
            self.settings,
            self.client,
            self.tracker,
            self.directory,
            self.tz,
            self.new_status_line,
            responder_running=lambda: self.bridge.running,
        )
        self.push_screen(self.dashboard)
        if restored:
            self.notify(
                f"Tracking {len(restored)} call(s) again that were in flight when simotui last stopped.",
                timeout=8,
            )
        for problem in problems:
            self.notify(problem, title="Journal", severity="warning")
        self._catch_hang_up()
        self.bridge.listen(self._bridge_request_seen)
        self.events.listen(self._events_waiting)
        self._show_responder()
        # Refusals by the responder's own checks are only counted: read the counts now and then.
        self.set_interval(REFUSAL_CHECK_SECONDS, self._show_responder)
        self.client.observer = self._exchange_seen
        self._check_connection()

    def _calls_changed(self, keys: set[str]) -> None:
        self.post_message(CallsChanged(frozenset(keys)))

    @on(CallsChanged)
    def _on_calls_changed(self, message: CallsChanged) -> None:
        if self.call_bell.states:
            self._ring_for(message.keys)
        if self.events.running:
            self._count_gaps(message.keys)
        live = self.dashboard.live_or_none if self.dashboard is not None else None
        if self.dashboard is not None and live is not None:
            live.render_rows()
            self.dashboard.start_cleanups()
            self.dashboard.show_figures()

    def _restart_polling(self) -> None:
        live = self.dashboard.live_or_none if self.dashboard is not None else None
        if live is not None:
            live.start_polling()

    def _count_gaps(self, keys: frozenset[str]) -> None:
        """A call that ended by a polled CDR its pushed Cdr never announced is a gap in the events."""
        from simotui.calls.pushed import cdr_not_pushed

        for key in keys:
            call = self.tracker.calls.get(key)
            if call is not None and key not in self._gaps_seen and call.state.is_final:
                self._gaps_seen.add(key)
                if cdr_not_pushed(call):
                    self.events.stats.gap()

    def _ring_for(self, keys: frozenset[str]) -> None:
        from simotui.ui.masking import masker

        calls = [self.tracker.calls[key] for key in keys if key in self.tracker.calls]
        rung = self.call_bell.reached(calls)
        if not rung:
            return
        self.bell()
        mask = masker(self)
        for call in rung[:3]:
            self.notify(mask(f"{call.caller} → {call.callee}: {call.state.value}"), title="Call", timeout=6)
        if len(rung) > 3:
            self.notify(f"and {len(rung) - 3} more call(s)", title="Call", timeout=6)

    def _toggle_bell(self) -> None:
        if self.call_bell.states:
            self._muted_bell, self.call_bell.states = self.call_bell.states, frozenset()
            self.notify("Bell off", timeout=2)
        else:
            self.call_bell.states = self._muted_bell or bell_states(["answered", "failed", "no CDR"])
            self.notify("Bell on: " + ", ".join(sorted(s.value for s in self.call_bell.states)), timeout=4)

    def _bridge_request_seen(self, seen: BridgeRequestSeen) -> None:
        """Called on the responder's thread: post_message is thread-safe, nothing else here is."""
        self.post_message(BridgeRequested(seen.call_id, seen.unique_id, seen.src, seen.refused))

    @on(BridgeRequested)
    def _on_bridge_requested(self, message: BridgeRequested) -> None:
        if message.call_key is not None:
            self.tracker.bridge_seen(message.call_key, message.unique_id)
            return
        # Counted in the status line; a toast now and then, never one per request.
        now = self._monotonic()
        if now - self._last_refusal_toast >= REFUSAL_TOAST_EVERY:
            self._last_refusal_toast = now
            from simotui.ui.masking import masker

            self.notify(
                masker(self)(
                    f"The bridge responder refused a request for {message.src or 'an unknown number'}: "
                    f"{message.refused} (further refusals are counted in the status line)"
                ),
                severity="warning",
                timeout=8,
            )
        self._show_responder()

    def _events_waiting(self) -> None:
        """Called on the receiver's thread, once per burst: post_message is thread-safe."""
        self.post_message(EventsArrived())

    @on(EventsArrived)
    def _on_events_arrived(self, _message: EventsArrived) -> None:
        events = self.events.drain()
        if not events:
            return
        try:
            _changed, cdr_pushed = self.tracker.events_seen(events)
            moved = self.pbx_view.apply(events, self.clock())
        except Exception as exc:  # a bug of ours must not end the console; the polls carry on
            reason = f"{type(exc).__name__}: {exc}"
            self.http_log.record(Exchange("TASK", "pushed events", None, 0.0, 0, f"failed: {reason}"))
            self.set_status(detail=f"pushed events could not be applied ({reason}); polling goes on")
            return
        if cdr_pushed and self.dashboard is not None and self.dashboard.is_mounted:
            self.dashboard.live.request_refresh()  # the real CDR row is there now: read it
        if moved and not self._pbx_redraw_due:
            # Drawn at most every PBX_REDRAW seconds: at 100 events a second one redraw per
            # event would cost the loop more than all the events together.
            self._pbx_redraw_due = True
            self.set_timer(PBX_REDRAW, self._pbx_redraw)

    def _pbx_redraw(self) -> None:
        self._pbx_redraw_due = False
        self.pbx_changed.publish(None)

    def _push_healthy(self) -> bool:
        age = self.events.stats.age()
        return age is not None and age < PUSH_FRESH

    def _show_events(self) -> None:
        if self.events.running:
            text = f"push {self.events.stats.summary().removeprefix('events ')}"
            dashboard = self.dashboard
            loop = dashboard.live.loop if dashboard is not None and dashboard.is_mounted else None
            if loop is not None:
                loop.push_healthy = self._push_healthy  # polls relax while events arrive
            if loop is not None and loop.interval is not None and self._push_healthy():
                text += f" · polls every {loop.next_delay():g} s"
            if text != self.status.events:
                self.set_status(events=text)

    def _show_responder(self) -> None:
        self._show_events()
        if not self.bridge.running:
            return
        stats = self.bridge.stats
        total = stats.refused_total
        if total == self._refusals_shown and self.status.responder:
            return
        self._refusals_shown = total
        where = (self.bridge.url or "").removeprefix("http://")
        text = f"responder {where} ({self.bridge.protection or 'loopback'})"
        summary = stats.summary()
        self.set_status(responder=f"{text} · {summary}" if summary else text)

    def _fatal_error(self) -> None:
        """Textual's crash report, without the locals: they hold the client, its auth headers and
        the call parties, and the report is printed to a terminal that may be shared or logged."""
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()

    async def on_unmount(self) -> None:
        if self._terminal_watch is not None:
            self._terminal_watch.stop()  # a profile switch starts another app on this terminal
        self.bridge.listen(None)
        self.events.listen(None)
        await self.client.aclose()
        self.http_log.close()
        # Every queued journal write lands before the process ends.
        self.tracker.journal.close()

    @on(Worker.StateChanged)
    def _on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.post_message(WorkerDied(event.worker))

    @on(WorkerDied)
    def _on_worker_died(self, message: WorkerDied) -> None:
        """Nothing stops silently: say what died and why where the user looks, and recover."""
        worker = message.worker
        error = worker.error
        what = worker.description or worker.name or "a background task"
        reason = f"{type(error).__name__}: {error}"
        self.http_log.record(Exchange("TASK", what, None, 0.0, 0, f"died: {reason}"))
        if worker.group == "poll:live-calls" and self.dashboard is not None:
            self._poller_backoff = next_backoff(self._poller_backoff, self.settings.poll_interval or 1.0)
            self.set_status(
                state="error", detail=f"{what} stopped ({reason}); restarting in {self._poller_backoff:g} s"
            )
            self.set_timer(self._poller_backoff, self._restart_polling)
        else:
            self.set_status(detail=f"{what} failed: {reason}")
        self.notify(f"{what} failed: {reason}", title="Internal error", severity="error", timeout=10)

    def _catch_hang_up(self) -> None:
        """Exit within seconds, journal flushed, when the SSH session or the terminal goes away.

        Caught outside the event loop: a terminal that stopped taking output blocks the loop
        (see :mod:`simotui.shutdown`), so neither asyncio's signal handlers nor a timer would
        run. A plain signal handler runs in the main thread even then; a thread watches for a
        terminal that vanished without a SIGHUP (a pty that was never the controlling one).
        """
        if self.is_headless:
            return
        self._main_loop = asyncio.get_running_loop()
        for hang_up in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(ValueError, OSError):  # not the main thread
                signal.signal(hang_up, self._on_hang_up_signal)
        self._terminal_watch = TerminalWatch(sys.__stdin__, partial(self.hang_up, 128 + signal.SIGHUP))
        self._terminal_watch.start()

    def _on_hang_up_signal(self, signum: int, _frame: object) -> None:
        self.hang_up(128 + signum)

    def hang_up(self, code: int) -> None:
        """Leave because the user can no longer see us: any thread, any state of the loop."""
        self.exit_watchdog.arm(code)
        if self._main_loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already closed
                self._main_loop.call_soon_threadsafe(self.exit, None, code)

    def _toggle_campaign_removal(self) -> None:
        self.tracker.remove_finished_campaigns = not self.tracker.remove_finished_campaigns
        state = "removed" if self.tracker.remove_finished_campaigns else "kept"
        self.notify(f"Finished campaigns will be {state}", timeout=3)

    def switch_profile(self, name: str) -> None:
        """Leave this profile for another; its in-flight calls stay in the journal for later."""
        self.switch_to = name
        self.exit()

    def action_show_history(self) -> None:
        # Screens the first frame does not need are imported when first opened.
        from simotui.ui.screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen(self.tracker.journal, self.tz, self.new_status_line))

    def action_show_stats(self) -> None:
        from simotui.ui.screens.stats import StatsScreen

        if not isinstance(self.screen, StatsScreen):
            self.push_screen(
                StatsScreen(
                    self.client,
                    self.tracker,
                    self.tz,
                    self.new_status_line,
                    page_size=self.settings.page_size,
                )
            )

    def action_show_pbx(self) -> None:
        from simotui.ui.screens.pbx import PbxScreen

        if not isinstance(self.screen, PbxScreen):
            self.push_screen(
                PbxScreen(
                    self.pbx_view,
                    self.pbx_changed,
                    self.clock,
                    self.tz,
                    self.new_status_line,
                    receiving=self.events.running,
                    directory=self.directory,
                )
            )

    def _exchange_seen(self, exchange: Exchange) -> None:
        self.http_log.record(exchange)
        self.tracker.observe(exchange)

    def watch_mask_numbers(self, on: bool) -> None:
        self.mask_changed.publish(on)

    def action_toggle_masking(self) -> None:
        self.mask_numbers = not self.mask_numbers
        self.notify("Phone numbers masked" if self.mask_numbers else "Phone numbers shown", timeout=2)

    def action_show_http_log(self) -> None:
        from simotui.ui.screens.http_log import HttpLogScreen

        if not isinstance(self.screen, HttpLogScreen):
            self.push_screen(HttpLogScreen(self.http_log, self.tz, self.new_status_line))

    @work(exclusive=True, group="connection", exit_on_error=False, description="Ping the server")
    async def _check_connection(self) -> None:
        try:
            latency = await self.client.setting.ping()
        except SimotuiError as error:
            self.post_message(ConnectionChecked(None, error))
        else:
            self.post_message(ConnectionChecked(latency, None))

    @on(ConnectionChecked)
    def _on_connection_checked(self, message: ConnectionChecked) -> None:
        if message.error is None:
            self.set_status(state="connected", latency=message.latency, detail="")
        else:
            state = "unreachable" if isinstance(message.error, ApiUnavailable) else "error"
            self.set_status(state=state, detail=f"{fault_words(message.error)}: {message.error.message}")
            self.notify(message.error.message, title=message.error.title, severity="error", timeout=10)

    @on(PollCycled)
    def _on_poll_cycled(self, message: PollCycled) -> None:
        report = message.report
        pending = len(self.tracker.book.pending())
        if report.ok and report.result is not None:
            self._poller_backoff = 0.0
            skipped = ""
            if report.result.rejected:
                count = len(report.result.rejected)
                plural = "s" if count != 1 else ""
                skipped = f"{count} unreadable record{plural} skipped: {report.result.rejected[0]}"
            self.set_status(
                state="connected",
                latency=report.result.latency if report.result.requests else self.status.latency,
                last_poll=report.at,
                pending=pending,
                detail=skipped,
            )
            return
        error = report.error
        assert error is not None
        state = "unreachable" if isinstance(error, ApiUnavailable) else "error"
        # The fault's own words first: at 80 columns the message behind them may be cut.
        what = f"{fault_words(error)}: {error.message}"
        self.set_status(state=state, pending=pending, detail=f"{what} — retrying in {report.retry_in:g} s")

    # -- navigation -----------------------------------------------------------------------------

    def open_cdr(self, cdr: Cdr) -> None:
        """Show one CDR's detail."""
        from simotui.ui.screens import details

        tracked = bool(cdr.originated_call_id and self.tracker.book.by_call_id(cdr.originated_call_id))
        self.push_screen(
            details.CdrDetailScreen(
                cdr,
                self.tz,
                self.new_status_line,
                tracked=tracked,
                client=self.client,
                downloads=self.downloads,
            )
        )

    def action_show_queues(self) -> None:
        from simotui.ui.screens.queues import QueuesScreen

        if not isinstance(self.screen, QueuesScreen):
            self.push_screen(
                QueuesScreen(
                    self.client,
                    self.agent_desk,
                    self.clock,
                    self.tz,
                    self.new_status_line,
                    readonly=self.settings.read_only,
                )
            )

    def action_show_reports(self) -> None:
        from simotui.ui.screens.reports import ReportsScreen

        if isinstance(self.screen, ReportsScreen):
            return
        self.push_screen(ReportsScreen(self.client, self.tz, self.clock, self.new_status_line, self.open_cdr))

    def action_toggle_help(self) -> None:
        from simotui.ui.widgets.help import ConsoleHelp

        panels = self.screen.query(ConsoleHelp)
        if panels:
            panels.remove()
        else:
            self.screen.mount(ConsoleHelp())

    def action_next_field(self) -> None:
        self.screen.focus_next()

    def action_previous_field(self) -> None:
        self.screen.focus_previous()

    def _back_to_dashboard(self) -> DashboardScreen | None:
        while len(self.screen_stack) > 2 and self.screen is not self.dashboard:
            self.pop_screen()
        return self.dashboard

    @on(DialPrefilled)
    def _on_dial_prefilled(self, message: DialPrefilled) -> None:
        dashboard = self._back_to_dashboard()
        if dashboard is not None:
            dashboard.prefill(message)
            self.notify("Form filled: check it, then Enter to dial.", timeout=4)

    @on(RedialWanted)
    def _on_redial_wanted(self, message: RedialWanted) -> None:
        dashboard = self._back_to_dashboard()
        if dashboard is not None:
            dashboard.redial(message.dial, confirm=True)

    @on(LiveCallWanted)
    def _on_live_call_wanted(self, message: LiveCallWanted) -> None:
        dashboard = self._back_to_dashboard()
        call = self.tracker.book.by_call_id(message.call_id)
        if dashboard is not None and (call is None or not dashboard.live.focus_call(call.key)):
            self.notify("That call is not tracked in this session.", severity="warning")

    # -- command palette ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        dashboard = self.dashboard
        yield SystemCommand("Reports", "Browse CDRs and campaign reports", self.action_show_reports)
        yield SystemCommand("Help", "Show the keys of the current view", self.action_toggle_help)
        yield SystemCommand("Check connection", "Ping the server again", self._check_connection)
        yield SystemCommand("History", "Every dial in the journal: search, redial", self.action_show_history)
        yield SystemCommand("Queues", "The queues and their agents: pause, resume", self.action_show_queues)
        yield SystemCommand(
            "Stats", "This session's calls and today's CDRs in figures", self.action_show_stats
        )
        bell = "on" if self.call_bell.states else "off"
        yield SystemCommand(
            f"Bell: {bell}",
            "Ring and notify when a call reaches a chosen state (profile bell_on; default answered, failed, no CDR)",
            self._toggle_bell,
        )
        yield SystemCommand(
            "PBX view",
            "Every call in progress and every extension's state (pushed events)",
            self.action_show_pbx,
        )
        for name in self.profiles:
            if name != self.settings.profile:
                yield SystemCommand(
                    f"Profile: {name}",
                    f"Switch to profile {name} (calls in flight here resume when you come back)",
                    partial(self.switch_profile, name),
                )
        yield SystemCommand(
            "Mask numbers", "Show or hide phone numbers on every screen", self.action_toggle_masking
        )
        yield SystemCommand(
            "HTTP log", "Every request sent to Simotel, with status and latency", self.action_show_http_log
        )
        if dashboard is not None:
            live = dashboard.live
            yield SystemCommand(
                "New dial",
                "Clear the dial form and focus the caller",
                self._command(dashboard.action_new_dial),
            )
            yield SystemCommand(
                "Live calls", "Focus the live panel", self._command(dashboard.action_focus_live)
            )
            yield SystemCommand(
                "Pause / resume polling", "Stop or restart the background poller", live.action_toggle_pause
            )
            yield SystemCommand("Refresh now", "Poll the tracked calls now", live.action_refresh_now)
            yield SystemCommand("Poll faster", "Halve the poll interval", lambda: live.action_slower(-1))
            yield SystemCommand("Poll slower", "Double the poll interval", lambda: live.action_slower(1))
            removal = "on" if self.tracker.remove_finished_campaigns else "off"
            yield SystemCommand(
                f"Remove finished campaigns: {removal}",
                "Switch whether one-contact campaigns are removed once their call is final",
                self._toggle_campaign_removal,
            )
            yield SystemCommand(
                "Recent dials",
                "Redial, swap legs or edit a recent dial",
                self._command(dashboard.action_focus_recent),
            )

    def _command(self, action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            self._back_to_dashboard()
            action()

        return run


def make_app(
    settings: Settings,
    client: SimotelClient | None = None,
    clock: Clock | None = None,
    bridge: BridgeLink | None = None,
    http_log: HttpLog | None = None,
    journal: Journal | None = None,
    profiles: Sequence[str] = (),
    keys: Mapping[str, str] | None = None,
    events: EventLink | None = None,
) -> SimotuiApp:
    """Build the console: the one factory the CLI, the demo, the tests and the screenshots use.

    Args:
        settings: the connection and defaults.
        client: a ready client; built from ``settings`` when None.
        clock: the PBX's time; by default estimated from the PBX's answers (tests give the
            simulator's virtual clock).
        bridge: the running bridge responder for campaign mode; none when None.
        http_log: where HTTP exchanges are kept (and written); an in-memory one when None.
        journal: where dials and call states are recorded and restored from; none when None.
        profiles: the config file's profiles, offered in the palette to switch to.
        keys: the config file's ``[keys]`` (binding id → keys), applied with ``set_keymap``.
        events: the running event receiver; none when None (the console polls only).
    """
    if client is None:
        client = SimotelClient(
            settings.base_url,
            settings.credentials,
            timeout=settings.request_timeout,
            verify=settings.verify,
            pbx_timezone=settings.pbx_timezone,
        )
    return SimotuiApp(settings, client, clock, bridge, http_log, journal, profiles, keys, events)
