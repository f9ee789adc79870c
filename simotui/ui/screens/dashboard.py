"""DashboardScreen: the dial form, recent dials and the live panel of originated calls."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, tzinfo

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer

from simotui.api.client import SimotelClient
from simotui.api.models import OriginateRequest
from simotui.dialing import default_values, form_values
from simotui.directory import Directory
from simotui.errors import ApiTimeout, SimotuiError
from simotui.settings import Settings
from simotui.tracking import CallBook, TrackedCall
from simotui.ui.messages import CallOriginated, DialFailed, DialPrefilled, DialRequested
from simotui.ui.screens.confirm import ConfirmDialScreen
from simotui.ui.widgets.dial_form import DialForm
from simotui.ui.widgets.live_calls import LiveCallsPanel
from simotui.ui.widgets.recent_dials import RecentDials
from simotui.ui.widgets.status_line import StatusLine

# A submit of the very request just confirmed, this soon after, is a key held down, not a wish.
REPEAT_GUARD_SECONDS = 2.0


class DashboardScreen(Screen[None]):
    """Dial, then watch: the screen the console opens on."""

    BINDINGS = [
        Binding("ctrl+n", "new_dial", "New dial", id="dashboard.new-dial"),
        Binding("ctrl+l", "focus_live", "Live calls", id="dashboard.live"),
        Binding("ctrl+e", "focus_recent", "Recent", show=False, id="dashboard.recent"),
    ]

    def __init__(
        self,
        settings: Settings,
        client: SimotelClient,
        book: CallBook,
        directory: Directory,
        clock: Callable[[], datetime],
        tz: tzinfo,
        status_line: Callable[[], StatusLine],
    ) -> None:
        super().__init__()
        self.settings = settings
        self.client = client
        self.book = book
        self.directory = directory
        self.clock = clock
        self.tz = tz
        self.status_line = status_line
        self._in_flight = 0
        # The last confirmed request and when (monotonic): a key held down must not dial twice.
        self._last_confirmed: tuple[OriginateRequest, float] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield DialForm(self.directory, default_values(self.settings.dial), id="dial-form")
            yield RecentDials(id="recent")
        yield LiveCallsPanel(
            self.book,
            self.client,
            self.clock,
            interval=self.settings.poll_interval,
            page_size=self.settings.page_size,
            tz=self.tz,
            id="live",
        )
        yield self.status_line()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#dial-form").border_title = "Dial"
        self.query_one("#caller").focus()
        self._load_directory()

    @property
    def form(self) -> DialForm:
        """The dial form."""
        return self.query_one(DialForm)

    @property
    def live(self) -> LiveCallsPanel:
        """The live panel."""
        return self.query_one(LiveCallsPanel)

    # -- directory ----------------------------------------------------------------------------

    @work(exclusive=True, group="directory", exit_on_error=False, description="Load extensions and trunks")
    async def _load_directory(self) -> None:
        try:
            users = await self.client.pbx.search_users("")
            trunks = await self.client.pbx.search_trunks("")
        except SimotuiError as error:
            self.notify(f"Suggestions unavailable: {error.message}", title=error.title, severity="warning")
            return
        self.directory.load(users, trunks)
        self.form.refresh_hint()

    # -- dialling -----------------------------------------------------------------------------

    @on(DialForm.Submitted)
    def _on_form_submitted(self, event: DialForm.Submitted) -> None:
        event.stop()
        if self._is_repeat(event.request):
            self.notify("Just dialled that: wait a moment to dial it again.", severity="warning", timeout=3)
            return
        self.confirm(event.request)

    def _is_repeat(self, request: OriginateRequest) -> bool:
        if self._last_confirmed is None:
            return False
        last, at = self._last_confirmed
        return last == request and time.monotonic() - at < REPEAT_GUARD_SECONDS

    def confirm(self, request: OriginateRequest) -> None:
        """Ask before sending; the answer sends at most one originate."""

        def answered(dial: bool | None) -> None:
            if dial:
                self._last_confirmed = (request, time.monotonic())
                self.post_message(DialRequested(request))
            else:
                self.notify("Not dialled", timeout=2)

        self.app.push_screen(ConfirmDialScreen(request), answered)

    @on(DialRequested)
    def _on_dial_requested(self, message: DialRequested) -> None:
        message.stop()
        self._in_flight += 1
        self.notify(f"Dialling {message.request.caller} → {message.request.callee}…", timeout=2)
        self._send_originate(message.request)

    @work(group="dial", exit_on_error=False, description="Send one originate")
    async def _send_originate(self, request: OriginateRequest) -> None:
        """Send the request once. Never retried: a lost answer must not become a second call."""
        try:
            result = await self.client.calls.originate(request)
        except SimotuiError as error:
            self.post_message(DialFailed(request, error))
        else:
            self.post_message(CallOriginated(request, result, self.clock()))

    @on(CallOriginated)
    def _on_call_originated(self, message: CallOriginated) -> None:
        self._in_flight -= 1
        call = TrackedCall(
            message.result.originated_call_id, message.request, accepted_at=message.accepted_at
        )
        self.live.track(call)
        self.query_one(RecentDials).remember(message.request)
        self.notify(f"Accepted: {message.result.originated_call_id}", timeout=3)

    @on(DialFailed)
    def _on_dial_failed(self, message: DialFailed) -> None:
        self._in_flight -= 1
        self.query_one(RecentDials).remember(message.request)
        error = message.error
        if isinstance(error, ApiTimeout):
            text = (
                f"No answer from Simotel: the call {message.request.caller} → {message.request.callee} "
                "may or may not have been placed. It was NOT retried; check the CDR report before "
                "dialling again."
            )
        else:
            text = f"{message.request.caller} → {message.request.callee}: {error.message}"
        self.notify(text, title=error.title, severity="error", timeout=12)

    # -- prefill --------------------------------------------------------------------------------

    @on(RecentDials.Chosen)
    def _on_recent_chosen(self, event: RecentDials.Chosen) -> None:
        event.stop()
        self.form.fill(form_values(event.request))
        if event.confirm:
            self.form.submit()

    def prefill(self, message: DialPrefilled) -> None:
        """Fill the form from elsewhere, keeping context/timeout defaults where the source has none."""
        values = form_values(message.request)
        defaults = default_values(self.settings.dial)
        self.form.fill({key: value or defaults[key] for key, value in values.items()})

    # -- actions ------------------------------------------------------------------------------

    def action_new_dial(self) -> None:
        self.form.fill(default_values(self.settings.dial))

    def action_focus_live(self) -> None:
        self.query_one("#live-table").focus()

    def action_focus_recent(self) -> None:
        self.query_one(RecentDials).focus()

    @on(LiveCallsPanel.CallChosen)
    def _on_call_chosen(self, event: LiveCallsPanel.CallChosen) -> None:
        event.stop()
        from simotui.ui.screens.details import CallDetailScreen

        self.app.push_screen(CallDetailScreen(event.call, self.tz, self.clock(), self.status_line))
