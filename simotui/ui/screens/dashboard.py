"""DashboardScreen: the dial form, recent dials and the live panel of the calls placed.

The screen asks the call core for everything: a submitted form becomes the tracker's proposal,
the confirmation's answer confirms or cancels it, and a worker sends it — once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer

from simotui.api.client import SimotelClient
from simotui.calls.dials import CallMode, CampaignDial, Dial
from simotui.calls.model import CLEANUP_FAILED, Call
from simotui.calls.states import CallState
from simotui.calls.tracker import CallTracker, DialBlocked, Proposal, ProposalBatch
from simotui.dialing import campaign_default_values, campaign_values, default_values, form_values
from simotui.directory import Directory
from simotui.errors import ReadOnlyRefused, SimotuiError
from simotui.settings import Settings
from simotui.ui.focus import focus_now
from simotui.ui.masking import masker
from simotui.ui.messages import DialPrefilled, DialSettled
from simotui.ui.screens.confirm import ConfirmDialScreen
from simotui.ui.widgets.dial_form import DialForm
from simotui.ui.widgets.live_calls import LiveCallsPanel, call_label
from simotui.ui.widgets.recent_dials import RecentDials
from simotui.ui.widgets.stats_strip import StatsStrip
from simotui.ui.widgets.status_line import StatusLine
from simotui.ui.workers import ReportsDeadWorkers

NO_RESPONDER = (
    "The bridge responder is not running (no hooks listen address): Simotel will ring the caller "
    "but get no second party from simotui."
)


class DashboardScreen(ReportsDeadWorkers, Screen[None]):
    """Dial, then watch: the screen the console opens on."""

    BINDINGS = [
        # Priority, and the form focuses its caller at once: ctrl+n then digits in one burst fill it.
        Binding("ctrl+n", "new_dial", "New dial", id="dashboard.new-dial", priority=True),
        # Priority: the focus moves when ctrl+l is read, so a Space right after it marks a row.
        Binding("ctrl+l", "focus_live", "Live", id="dashboard.live", priority=True),
        # Priority: the focused field is an Input, which takes ctrl+e as "end of line".
        Binding("ctrl+e", "focus_recent", "Recent", show=False, id="dashboard.recent", priority=True),
    ]

    def __init__(
        self,
        settings: Settings,
        client: SimotelClient,
        tracker: CallTracker,
        directory: Directory,
        tz: tzinfo,
        status_line: Callable[[], StatusLine],
        *,
        responder_running: Callable[[], bool],
    ) -> None:
        super().__init__()
        self.settings = settings
        self.client = client
        self.tracker = tracker
        self.directory = directory
        self.tz = tz
        self.status_line = status_line
        self.responder_running = responder_running

    def compose(self) -> ComposeResult:
        values = {**default_values(self.settings.dial), **campaign_default_values(self.settings.campaign)}
        with Horizontal(id="top"):
            yield DialForm(self.directory, values, country_code=self.settings.country_code, id="dial-form")
            yield RecentDials(id="recent")
        yield LiveCallsPanel(
            self.tracker,
            interval=self.settings.poll_interval,
            tz=self.tz,
            id="live",
            archive_after=self.settings.archive_after,
        )
        yield StatsStrip(self.tracker, self.tz, id="stats-strip")
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

    @property
    def live_or_none(self) -> LiveCallsPanel | None:
        """The live panel, or None while the screen is not composed yet or being taken down
        (messages still arrive while the app leaves)."""
        found = self.query(LiveCallsPanel)
        return found.first() if found else None

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
        self.confirm(event.dial)

    def confirm(self, dial: Dial) -> None:
        """Ask before sending: the tracker's proposal on screen; its answer sends at most once."""
        try:
            proposal = self.tracker.propose(dial)
        except (DialBlocked, ReadOnlyRefused) as blocked:
            self.notify(blocked.message, title=blocked.title, severity="warning", timeout=4)
            return
        warnings = [proposal.warning] if proposal.warning else []
        if isinstance(dial, CampaignDial):
            title = f"Campaign call {dial.caller} → {dial.callee}?"
            if not self.responder_running():
                warnings.append(NO_RESPONDER)
        else:
            title = f"Dial {dial.caller} → {dial.callee}?"
        screen = ConfirmDialScreen(
            title,
            proposal.service,
            proposal.body,
            warning="\n".join(warnings),
            on_abandoned=lambda: self.tracker.cancel(proposal),
        )
        self.app.push_screen(screen, lambda yes: self._answered(proposal, bool(yes)))

    def _answered(self, proposal: Proposal, yes: bool) -> None:
        if not yes:
            self.tracker.cancel(proposal)
            self.notify("Not dialled", timeout=2)
            return
        call = self.tracker.confirm(proposal)
        if call is None:
            return
        self.live.track(call.key)
        self.query_one(RecentDials).remember(proposal.dial)
        # Ready for the next call: the parties go (recent dials keeps them for a redial), the rest
        # of the form stays as set.
        self.form.fill({"caller": "", "callee": ""})
        self.notify(masker(self)(f"Dialling {call.caller} → {call.callee}…"), timeout=2)
        self._send(call.key)

    @work(group="dial", exit_on_error=False, description="Send one dial")
    async def _send(self, key: str) -> None:
        """Send the confirmed dial's one request (the tracker never sends a key twice)."""
        self.post_message(DialSettled(await self.tracker.send(key)))

    @on(DialSettled)
    def _on_dial_settled(self, message: DialSettled) -> None:
        message.stop()
        call = message.outcome.call
        # Toasts follow the masking switch like every screen does.
        what = masker(self)(f"{call.caller} → {call.callee}")
        if call.state is CallState.MAYBE_PLACED:
            self.notify(
                f"{what}: the answer was lost ({call.note}). The call MAY HAVE BEEN PLACED; it was NOT "
                "retried. simotui is looking for it in the reports — do not dial it again.",
                title="Outcome unknown",
                severity="error",
                timeout=15,
            )
        elif call.state in (CallState.REFUSED, CallState.NOT_SENT):
            self.notify(
                f"{what}: {call.state.value}: {call.note}", title="Not placed", severity="error", timeout=12
            )
        elif call.mode is CallMode.CAMPAIGN:
            self.notify(
                masker(self)(f"Campaign {call.campaign_id} created: ringing {call.caller}"), timeout=3
            )
        else:
            self.notify(f"Accepted: {call.call_id}", timeout=3)
        if message.outcome.journal_warning:
            self.notify(message.outcome.journal_warning, title="Journal", severity="warning", timeout=10)

    def show_figures(self) -> None:
        """The strip's figures, now (a call changed); nothing while the screen is taken down."""
        for strip in self.query(StatsStrip):
            strip.recompute()

    # -- campaign cleanup -----------------------------------------------------------------------

    def start_cleanups(self) -> None:
        """Remove the campaigns of campaign calls that just became final."""
        for call in self.tracker.due_cleanups():
            self._remove_campaign(call.key)

    @work(group="campaign-cleanup", exit_on_error=False, description="Remove a finished campaign")
    async def _remove_campaign(self, key: str) -> None:
        done = await self.tracker.remove_campaign(key)
        if done.cleanup.startswith(CLEANUP_FAILED):
            self.notify(
                f"{call_label(done)}: {done.cleanup}", title="Campaign cleanup", severity="error", timeout=10
            )

    def remove_campaign_of(self, call: Call) -> None:
        """Remove (again) the campaign of a finished campaign call."""
        if self.tracker.mark_cleanup(call.key) is not None:
            self._remove_campaign(call.key)

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
        # Focused now, not after the queued keys: ctrl+l then Space in one burst marks a row.
        self.set_focus(self.query_one("#live-table"))

    def action_focus_recent(self) -> None:
        focus_now(self.query_one(RecentDials))

    @on(LiveCallsPanel.CallChosen)
    def _on_call_chosen(self, event: LiveCallsPanel.CallChosen) -> None:
        event.stop()
        from simotui.ui.screens.details import CallDetailScreen

        self.app.push_screen(CallDetailScreen(event.call, self.tz, self.tracker.clock(), self.status_line))

    @on(LiveCallsPanel.RedialMarked)
    def _on_redial_marked(self, event: LiveCallsPanel.RedialMarked) -> None:
        event.stop()
        self.confirm_batch([call.dial for call in event.calls])

    def confirm_batch(self, dials: list[Dial]) -> None:
        """One confirmation listing every request; its ``y`` places one call per dial, once each."""
        try:
            batch = self.tracker.propose_batch(dials)
        except (DialBlocked, ReadOnlyRefused) as blocked:
            self.notify(blocked.message, title=blocked.title, severity="warning", timeout=4)
            return
        warnings = [p.warning for p in batch.proposals if p.warning]
        if any(isinstance(p.dial, CampaignDial) for p in batch.proposals) and not self.responder_running():
            warnings.append(NO_RESPONDER)
        count = len(batch.proposals)
        services = sorted({p.service for p in batch.proposals})
        body = {f"#{i} {p.dial.caller} → {p.dial.callee}": p.body for i, p in enumerate(batch.proposals, 1)}
        screen = ConfirmDialScreen(
            f"Redial {count} call{'s' if count != 1 else ''}? (one call each)",
            " + ".join(services) + (f" ×{count}" if count > 1 else ""),
            body,
            warning="\n".join(dict.fromkeys(warnings)),
            on_abandoned=lambda: self.tracker.cancel_batch(batch),
        )
        self.app.push_screen(screen, lambda yes: self._batch_answered(batch, bool(yes)))

    def _batch_answered(self, batch: ProposalBatch, yes: bool) -> None:
        if not yes:
            self.tracker.cancel_batch(batch)
            self.notify("Not dialled", timeout=2)
            return
        calls = self.tracker.confirm_batch(batch)
        self.live.redialled()
        for call in calls:
            self.live.track(call.key)
            self._send(call.key)
        self.notify(f"Dialling {len(calls)} call(s)…", timeout=2)

    @on(LiveCallsPanel.RemoveRequested)
    def _on_remove_requested(self, event: LiveCallsPanel.RemoveRequested) -> None:
        event.stop()
        self.remove_campaign_of(event.call)
