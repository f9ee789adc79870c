"""DashboardScreen: the dial form, recent dials and the live panel of the calls placed."""

from __future__ import annotations

import itertools
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
from simotui.api.models import CampaignRequest, OriginateRequest
from simotui.dialing import campaign_default_values, campaign_values, default_values, form_values
from simotui.directory import Directory
from simotui.errors import ApiTimeout, ApiUnavailable, SimotuiError
from simotui.hooks import BridgeBook, BridgeTarget
from simotui.settings import Settings
from simotui.tracking import CallBook, CallMode, CampaignDial, Dial, TrackedCall
from simotui.ui.journaling import JournalKeeper
from simotui.ui.messages import (
    BridgeRequested,
    CallOriginated,
    CampaignCleanedUp,
    CampaignCreated,
    CampaignFinished,
    DialFailed,
    DialPrefilled,
    DialRequested,
)
from simotui.ui.screens.confirm import ConfirmDialScreen
from simotui.ui.widgets.dial_form import DialForm
from simotui.ui.widgets.live_calls import LiveCallsPanel
from simotui.ui.widgets.recent_dials import RecentDials
from simotui.ui.widgets.status_line import StatusLine

# A submit of the very dial just confirmed, this soon after, is a key held down, not a wish.
REPEAT_GUARD_SECONDS = 2.0
_call_keys = itertools.count(1)


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
        bridge: BridgeBook,
        clock: Callable[[], datetime],
        tz: tzinfo,
        status_line: Callable[[], StatusLine],
        *,
        responder_running: Callable[[], bool],
        keeper: JournalKeeper | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.client = client
        self.book = book
        self.directory = directory
        self.bridge = bridge
        self.clock = clock
        self.tz = tz
        self.status_line = status_line
        self.responder_running = responder_running
        self.keeper = keeper or JournalKeeper(None, settings.profile)
        self.remove_finished_campaigns = settings.campaign.remove_when_done
        """Whether a campaign call's campaign is removed once the call is final (palette toggles)."""
        # The last confirmed dial and when (monotonic): a key held down must not dial twice.
        self._last_confirmed: tuple[Dial, float] | None = None

    def compose(self) -> ComposeResult:
        values = {**default_values(self.settings.dial), **campaign_default_values(self.settings.campaign)}
        with Horizontal(id="top"):
            yield DialForm(self.directory, values, id="dial-form")
            yield RecentDials(id="recent")
        yield LiveCallsPanel(
            self.book,
            self.client,
            self.clock,
            interval=self.settings.poll_interval,
            page_size=self.settings.page_size,
            tz=self.tz,
            keeper=self.keeper,
            id="live",
        )
        yield self.status_line()
        yield Footer()

    def on_mount(self) -> None:
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

    @work(exclusive=True, group="directory", exit_on_error=False, description="Load the PBX directory")
    async def _load_directory(self) -> None:
        try:
            users = await self.client.pbx.search_users("")
            trunks = await self.client.pbx.search_trunks("")
        except SimotuiError as error:
            self.notify(f"Suggestions unavailable: {error.message}", title=error.title, severity="warning")
        else:
            self.directory.load(users, trunks)
            self.form.refresh_hint()
        try:
            managers = await self.client.autodialer.search_trunk_managers("")
            announcements = await self.client.autodialer.search_announcements("")
        except SimotuiError as error:
            # The autodialer is an optional module (reference §5): direct mode works without it.
            self.directory.autodialer_error = error.message
        else:
            self.directory.load_autodialer(managers, announcements)
            campaign = self.settings.campaign
            self.form.load_campaign_options(campaign.trunk_manager_id, campaign.announcement_id)

    # -- dialling -----------------------------------------------------------------------------

    @on(DialForm.Submitted)
    def _on_form_submitted(self, event: DialForm.Submitted) -> None:
        event.stop()
        if self._is_repeat(event.dial):
            self.notify("Just dialled that: wait a moment to dial it again.", severity="warning", timeout=3)
            return
        self.confirm(event.dial)

    def _is_repeat(self, dial: Dial) -> bool:
        if self._last_confirmed is None:
            return False
        last, at = self._last_confirmed
        return last == dial and time.monotonic() - at < REPEAT_GUARD_SECONDS

    def confirm(self, dial: Dial) -> None:
        """Ask before sending; the answer sends at most one request."""
        campaign_request: CampaignRequest | None = None
        if isinstance(dial, CampaignDial):
            now = self.clock()
            name = f"simotui-{now.astimezone(self.tz):%Y%m%d-%H%M%S}-{dial.caller}"
            campaign_request = dial.campaign_request(name, now)
            warning = ""
            if not self.responder_running():
                warning = (
                    "The bridge responder is not running (no hooks listen address): Simotel will "
                    "ring the caller but get no second party from simotui."
                )
            screen = ConfirmDialScreen(
                f"Campaign call {dial.caller} → {dial.callee}?",
                "autodialer/campaigns/add",
                campaign_request.to_api(self.tz),
                warning=warning,
            )
        else:
            screen = ConfirmDialScreen(
                f"Dial {dial.caller} → {dial.callee}?", "call/originate/act", dial.to_api()
            )

        def answered(yes: bool | None) -> None:
            if yes:
                self._last_confirmed = (dial, time.monotonic())
                self.post_message(DialRequested(dial, campaign_request))
                # Ready for the next call: the parties go (recent dials keeps them for a redial),
                # the rest of the form stays as set.
                self.form.fill({"caller": "", "callee": ""})
            else:
                self.notify("Not dialled", timeout=2)

        self.app.push_screen(screen, answered)

    @on(DialRequested)
    def _on_dial_requested(self, message: DialRequested) -> None:
        message.stop()
        dial = message.dial
        self.notify(f"Dialling {dial.caller} → {dial.callee}…", timeout=2)
        if isinstance(dial, CampaignDial) and message.campaign_request is not None:
            call_key = f"campaign.{int(self.clock().timestamp())}.{next(_call_keys)}"
            # Registered before the campaign exists: the first party may answer, and Simotel ask
            # the responder, before the add's answer reaches us.
            self.bridge.expect(
                BridgeTarget(call_key, dial.caller, dial.callee, dial.trunk_name, dial.call_limit)
            )
            self._send_campaign(dial, message.campaign_request, call_key)
        elif isinstance(dial, OriginateRequest):
            self._send_originate(dial)

    @work(group="dial", exit_on_error=False, description="Send one originate")
    async def _send_originate(self, request: OriginateRequest) -> None:
        """Send the request once. Never retried: a lost answer must not become a second call."""
        try:
            request_id = await self.keeper.record_request(request, request.to_api())
        except SimotuiError as error:
            self.post_message(DialFailed(request, error))
            return
        try:
            result = await self.client.calls.originate(request)
        except SimotuiError as error:
            await self.keeper.record_failed(request_id, error)
            self.post_message(DialFailed(request, error))
        else:
            accepted_at = self.clock()
            warning = await self.keeper.record_accepted(request_id, result.originated_call_id, accepted_at)
            self.post_message(CallOriginated(request, result, accepted_at))
            if warning:
                self.notify(warning, title="Journal", severity="warning", timeout=10)

    @work(group="dial", exit_on_error=False, description="Create one one-contact campaign")
    async def _send_campaign(self, dial: CampaignDial, request: CampaignRequest, call_key: str) -> None:
        """Create the campaign once; never retried, for the same reason as an originate."""
        try:
            request_id = await self.keeper.record_request(dial, request.to_api(self.tz))
        except SimotuiError as error:
            self.bridge.forget(call_key)
            self.post_message(DialFailed(dial, error))
            return
        try:
            campaign_id = await self.client.autodialer.add_campaign(request)
        except SimotuiError as error:
            await self.keeper.record_failed(request_id, error)
            if not isinstance(error, ApiTimeout | ApiUnavailable):
                # A definite refusal: no campaign, nothing will ask the responder.
                self.bridge.forget(call_key)
            self.post_message(DialFailed(dial, error))
        else:
            accepted_at = self.clock()
            warning = await self.keeper.record_accepted(request_id, call_key, accepted_at, campaign_id)
            self.post_message(CampaignCreated(dial, call_key, campaign_id, accepted_at))
            if warning:
                self.notify(warning, title="Journal", severity="warning", timeout=10)

    @on(CallOriginated)
    def _on_call_originated(self, message: CallOriginated) -> None:
        call = TrackedCall(
            message.result.originated_call_id, message.request, accepted_at=message.accepted_at
        )
        self.live.track(call)
        self.query_one(RecentDials).remember(message.request)
        self.notify(f"Accepted: {message.result.originated_call_id}", timeout=3)

    @on(CampaignCreated)
    def _on_campaign_created(self, message: CampaignCreated) -> None:
        call = TrackedCall(
            message.call_key, message.dial, accepted_at=message.accepted_at, campaign_id=message.campaign_id
        )
        self.live.track(call)
        self.query_one(RecentDials).remember(message.dial)
        self.notify(f"Campaign {message.campaign_id} created: ringing {message.dial.caller}", timeout=3)

    @on(DialFailed)
    def _on_dial_failed(self, message: DialFailed) -> None:
        self.query_one(RecentDials).remember(message.dial)
        error = message.error
        what = f"{message.dial.caller} → {message.dial.callee}"
        if isinstance(error, ApiTimeout):
            thing = "campaign" if isinstance(message.dial, CampaignDial) else "call"
            text = (
                f"No answer from Simotel: the {thing} {what} may or may not have been placed. It was NOT "
                "retried; check the reports before dialling again."
            )
        else:
            text = f"{what}: {error.message}"
        self.notify(text, title=error.title, severity="error", timeout=12)

    # -- campaign bridge and cleanup ------------------------------------------------------------

    @on(BridgeRequested)
    def _on_bridge_requested(self, message: BridgeRequested) -> None:
        if message.call_key is None:
            self.notify(
                f"Refused a bridge request from Simotel for {message.src or 'an unknown number'}: "
                f"{message.refused}",
                severity="warning",
                timeout=8,
            )
            return
        self.live.bridged(message.call_key, message.unique_id)

    @on(CampaignFinished)
    def _on_campaign_finished(self, message: CampaignFinished) -> None:
        self.bridge.forget(message.call_key)
        if self.remove_finished_campaigns:
            self._remove_campaign(message.call_key, message.campaign_id)
        else:
            self.post_message(CampaignCleanedUp(message.call_key, "campaign kept (removal off)", False))

    @work(group="campaign-cleanup", exit_on_error=False, description="Remove a finished campaign")
    async def _remove_campaign(self, call_key: str, campaign_id: str) -> None:
        try:
            await self.client.autodialer.remove_campaign(campaign_id)
        except SimotuiError as error:
            self.post_message(CampaignCleanedUp(call_key, f"campaign NOT removed: {error.message}", True))
        else:
            self.post_message(CampaignCleanedUp(call_key, "campaign removed", False))

    @on(CampaignCleanedUp)
    def _on_campaign_cleaned_up(self, message: CampaignCleanedUp) -> None:
        self.live.cleaned_up(message.call_key, message.note)
        if message.failed:
            self.notify(message.note, title="Campaign cleanup", severity="error", timeout=10)

    def remove_campaign_of(self, call: TrackedCall) -> None:
        """Remove (again) the campaign of a finished campaign call."""
        if call.mode is CallMode.CAMPAIGN and call.campaign_id:
            self._remove_campaign(call.call_id, call.campaign_id)

    # -- prefill --------------------------------------------------------------------------------

    @on(RecentDials.Chosen)
    def _on_recent_chosen(self, event: RecentDials.Chosen) -> None:
        event.stop()
        self.redial(event.dial, confirm=event.confirm)

    def redial(self, dial: Dial, *, confirm: bool) -> None:
        """Put a dial in the form (in its mode) and, when asked, go to the confirmation."""
        if isinstance(dial, CampaignDial):
            self.form.mode = CallMode.CAMPAIGN
            self.form.fill(campaign_values(dial))
        else:
            self.form.mode = CallMode.DIRECT
            self.form.fill(form_values(dial))
        if confirm:
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

    @on(LiveCallsPanel.RemoveRequested)
    def _on_remove_requested(self, event: LiveCallsPanel.RemoveRequested) -> None:
        event.stop()
        self.remove_campaign_of(event.call)
