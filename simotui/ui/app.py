"""SimotuiApp and make_app: the console, built the same way by the CLI, the demo and the tests."""

from __future__ import annotations

import asyncio
import contextlib
import select
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import TextIO

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.signal import Signal

from simotui.api.client import Exchange, SimotelClient
from simotui.api.dates import pbx_zone
from simotui.api.models import Cdr
from simotui.bridging import BridgeLink
from simotui.directory import Directory
from simotui.errors import ApiUnavailable, SimotuiError
from simotui.hooks import BridgeRequestSeen, BridgeTarget
from simotui.httplog import HttpLog
from simotui.settings import Settings
from simotui.store.journal import Journal
from simotui.tracking import CallBook, CampaignDial
from simotui.ui.journaling import JournalKeeper, restored
from simotui.ui.messages import (
    BridgeRequested,
    CallsPolled,
    ConnectionChecked,
    DialPrefilled,
    LiveCallWanted,
    PollFailed,
    RedialWanted,
)
from simotui.ui.screens.dashboard import DashboardScreen
from simotui.ui.screens.details import CdrDetailScreen
from simotui.ui.screens.history import HistoryScreen
from simotui.ui.screens.http_log import HttpLogScreen
from simotui.ui.screens.reports import ReportsScreen
from simotui.ui.widgets.status_line import ConnectionStatus, StatusLine

Clock = Callable[[], datetime]
TERMINAL_CHECK_SECONDS = 1.0


def terminal_gone(stream: TextIO | None) -> bool:
    """Whether the terminal on ``stream`` hung up or closed (POLLHUP/POLLERR/POLLNVAL, or EOF)."""
    if stream is None:
        return True
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    try:
        events = poller.poll(0)
    except OSError:
        return True
    return any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, mask in events)


def system_clock() -> datetime:
    """The real time, timezone-aware."""
    return datetime.now(UTC)


class SimotuiApp(App[None]):
    """The Simotel console. Builds no client and does no IO in ``__init__``."""

    CSS_PATH = "app.tcss"
    TITLE = "simotui"
    ENABLE_COMMAND_PALETTE = True
    # Below 90 columns the side panels give their room to the form and tables.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-wide")]

    BINDINGS = [
        Binding("ctrl+r", "show_reports", "Reports", id="app.reports"),
        Binding("f3", "toggle_masking", "Mask numbers", id="app.mask"),
        Binding("f4", "show_http_log", "HTTP log", show=False, id="app.http-log"),
        Binding("f5", "show_history", "History", show=False, id="app.history"),
        Binding("f1", "toggle_help", "Help", id="app.help"),
        Binding("question_mark", "toggle_help", "Help", show=False, id="app.help-question"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    mask_numbers: reactive[bool] = reactive(False)
    """Show phone numbers as ``0912***4567`` on every screen (for screens shared in tickets)."""

    def __init__(
        self,
        settings: Settings,
        client: SimotelClient,
        clock: Clock = system_clock,
        bridge: BridgeLink | None = None,
        http_log: HttpLog | None = None,
        journal: Journal | None = None,
        profiles: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.keeper = JournalKeeper(journal, settings.profile)
        self.profiles = tuple(profiles)
        self.switch_to: str | None = None
        """A profile the user chose to continue on; the command line reopens the console on it."""
        self.http_log = http_log or HttpLog()
        self.mask_changed: Signal[bool] = Signal(self, "mask-changed")
        self.settings = settings
        self.client = client
        self.clock = clock
        self.bridge = bridge or BridgeLink()
        self.tz = pbx_zone(settings.pbx_timezone)
        self.book = CallBook()
        self.directory = Directory()
        self.status = ConnectionStatus(server=client.base_url, profile=settings.profile)
        self.status_changed: Signal[ConnectionStatus] = Signal(self, "status-changed")
        self.dashboard: DashboardScreen | None = None

    # -- status line ------------------------------------------------------------------------------

    def new_status_line(self) -> StatusLine:
        """A status line for a screen; every one follows :attr:`status_changed`."""
        return StatusLine(self.status_changed, self.status, self.tz)

    def set_status(self, **changes: object) -> None:
        """Change what the status lines say."""
        self.status = self.status.with_changes(**changes)
        self.status_changed.publish(self.status)

    # -- lifecycle ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        restored = self._restore_calls()
        self.dashboard = DashboardScreen(
            self.settings,
            self.client,
            self.book,
            self.directory,
            self.bridge.book,
            self.clock,
            self.tz,
            self.new_status_line,
            responder_running=lambda: self.bridge.running,
            keeper=self.keeper,
        )
        self.push_screen(self.dashboard)
        if restored:
            self.notify(
                f"Tracking {restored} call(s) again that were in flight when simotui last stopped.", timeout=8
            )
        self._catch_hang_up()
        self.bridge.listen(self._bridge_request_seen)
        self.client.observer = self._exchange_seen
        self._check_connection()

    def _bridge_request_seen(self, seen: BridgeRequestSeen) -> None:
        """Called on the responder's thread: post_message is thread-safe, nothing else here is."""
        if self.dashboard is not None:
            self.dashboard.post_message(BridgeRequested(seen.call_id, seen.unique_id, seen.src, seen.refused))

    async def on_unmount(self) -> None:
        self.bridge.listen(None)
        await self.client.aclose()
        self.http_log.close()
        # Every queued journal write lands before the process ends.
        self.keeper.close()

    def _restore_calls(self) -> int:
        """Track again the calls the journal says were in flight for this profile."""
        count = 0
        for entry in self.keeper.in_flight():
            try:
                call = restored(entry)
            except ValueError as exc:
                self.notify(f"Journal entry {entry.request_id} cannot be resumed: {exc}", severity="warning")
                continue
            self.book.add(call)
            request = call.request
            if isinstance(request, CampaignDial) and call.bridge_unique_id is None:
                self.bridge.book.expect(
                    BridgeTarget(
                        call.call_id, request.caller, request.callee, request.trunk_name, request.call_limit
                    )
                )
            count += 1
        return count

    def _catch_hang_up(self) -> None:
        """Exit cleanly (journal flushed) when the SSH session or terminal goes away."""
        if self.is_headless:
            return
        loop = asyncio.get_running_loop()
        for hang_up in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(hang_up, self.exit, None, 128 + hang_up)
        # Not every lost terminal comes with a SIGHUP (a pty that was never the controlling
        # one, stdin at end of file), and the input thread then spins on a read that always
        # returns nothing: look for the hang-up ourselves.
        self.set_interval(TERMINAL_CHECK_SECONDS, self._check_terminal)

    def _check_terminal(self) -> None:
        if terminal_gone(sys.__stdin__):
            self.exit(None, 129)

    def _toggle_campaign_removal(self) -> None:
        if self.dashboard is not None:
            self.dashboard.remove_finished_campaigns = not self.dashboard.remove_finished_campaigns
            state = "removed" if self.dashboard.remove_finished_campaigns else "kept"
            self.notify(f"Finished campaigns will be {state}", timeout=3)

    def switch_profile(self, name: str) -> None:
        """Leave this profile for another; its in-flight calls stay in the journal for later."""
        self.switch_to = name
        self.exit()

    def action_show_history(self) -> None:
        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen(self.keeper, self.tz, self.new_status_line))

    def _exchange_seen(self, exchange: Exchange) -> None:
        self.http_log.record(exchange)

    def watch_mask_numbers(self, on: bool) -> None:
        self.mask_changed.publish(on)

    def action_toggle_masking(self) -> None:
        self.mask_numbers = not self.mask_numbers
        self.notify("Phone numbers masked" if self.mask_numbers else "Phone numbers shown", timeout=2)

    def action_show_http_log(self) -> None:
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
            self.set_status(state=state, detail=f"{message.error.title}: {message.error.message}")
            self.notify(message.error.message, title=message.error.title, severity="error", timeout=10)

    @on(CallsPolled)
    def _on_calls_polled(self, message: CallsPolled) -> None:
        skipped = ""
        if message.rejected:
            count = len(message.rejected)
            skipped = f"{count} unreadable record{'s' if count != 1 else ''} skipped: {message.rejected[0]}"
        self.set_status(
            state="connected",
            latency=message.latency,
            last_poll=message.polled_at,
            pending=len(self.book.pending()),
            detail=skipped,
        )

    @on(PollFailed)
    def _on_poll_failed(self, message: PollFailed) -> None:
        state = "unreachable" if isinstance(message.error, ApiUnavailable) else "error"
        self.set_status(
            state=state,
            pending=len(self.book.pending()),
            detail=f"{message.error.message} — retrying in {message.retry_in:g} s",
        )

    # -- navigation -----------------------------------------------------------------------------

    def open_cdr(self, cdr: Cdr) -> None:
        """Show one CDR's detail."""
        tracked = bool(cdr.originated_call_id and cdr.originated_call_id in self.book.calls)
        self.push_screen(
            CdrDetailScreen(cdr, self.tz, self.new_status_line, tracked=tracked, client=self.client)
        )

    def action_show_reports(self) -> None:
        if isinstance(self.screen, ReportsScreen):
            return
        self.push_screen(ReportsScreen(self.client, self.tz, self.clock, self.new_status_line, self.open_cdr))

    def action_toggle_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def _back_to_dashboard(self) -> DashboardScreen | None:
        while len(self.screen_stack) > 2 and self.screen is not self.dashboard:
            self.pop_screen()
        return self.dashboard

    @on(DialPrefilled)
    def _on_dial_prefilled(self, message: DialPrefilled) -> None:
        dashboard = self._back_to_dashboard()
        if dashboard is not None:
            dashboard.prefill(message)
            self.notify("Form filled from the CDR: check it, then Enter to dial.", timeout=4)

    @on(RedialWanted)
    def _on_redial_wanted(self, message: RedialWanted) -> None:
        dashboard = self._back_to_dashboard()
        if dashboard is not None:
            dashboard.redial(message.dial, confirm=True)

    @on(LiveCallWanted)
    def _on_live_call_wanted(self, message: LiveCallWanted) -> None:
        dashboard = self._back_to_dashboard()
        if dashboard is not None and not dashboard.live.focus_call(message.call_id):
            self.notify("That call is not tracked in this session.", severity="warning")

    # -- command palette ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        dashboard = self.dashboard
        yield SystemCommand("Reports", "Browse CDRs and campaign reports", self.action_show_reports)
        yield SystemCommand("Help", "Show the keys of the current view", self.action_toggle_help)
        yield SystemCommand("Check connection", "Ping the server again", self._check_connection)
        yield SystemCommand("History", "Every dial in the journal: search, redial", self.action_show_history)
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
            removal = "on" if dashboard.remove_finished_campaigns else "off"
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
    clock: Clock = system_clock,
    bridge: BridgeLink | None = None,
    http_log: HttpLog | None = None,
    journal: Journal | None = None,
    profiles: Sequence[str] = (),
) -> SimotuiApp:
    """Build the console: the one factory the CLI, the demo, the tests and the screenshots use.

    Args:
        settings: the connection and defaults.
        client: a ready client; built from ``settings`` when None.
        clock: the time source (tests give the simulator's virtual clock).
        bridge: the running bridge responder for campaign mode; none when None.
        http_log: where HTTP exchanges are kept (and written); an in-memory one when None.
        journal: where dials and call states are recorded and restored from; none when None.
        profiles: the config file's profiles, offered in the palette to switch to.
    """
    if client is None:
        client = SimotelClient(
            settings.base_url,
            settings.credentials,
            timeout=settings.request_timeout,
            verify=settings.verify,
            pbx_timezone=settings.pbx_timezone,
        )
    return SimotuiApp(settings, client, clock, bridge, http_log, journal, profiles)
