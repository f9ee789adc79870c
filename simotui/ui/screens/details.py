"""Detail screens: one CDR from the report browser, or one tracked call with all its legs."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, tzinfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from simotui import display
from simotui.api.models import Cdr, OriginateRequest
from simotui.tracking import CallState, TrackedCall
from simotui.ui.messages import DialPrefilled, LiveCallWanted
from simotui.ui.widgets.cdr_view import CdrView
from simotui.ui.widgets.live_calls import NO_CDR_EXPLANATION, state_label
from simotui.ui.widgets.status_line import StatusLine


class CdrDetailScreen(Screen[None]):
    """Every field of a CDR and its route steps; jump to its live row or dial from it."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="cdr.back"),
        Binding("d", "dial_from", "Dial from this", id="cdr.dial"),
        Binding("g", "go_live", "Live row", id="cdr.live"),
    ]

    def __init__(self, cdr: Cdr, tz: tzinfo, status_line: Callable[[], StatusLine], *, tracked: bool) -> None:
        super().__init__()
        self.cdr = cdr
        self.tz = tz
        self.status_line = status_line
        self.tracked = tracked

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-scroll"):
            yield Label(f"CDR {self.cdr.cuid}  ·  {self.cdr.src} → {self.cdr.dst}", classes="screen-title")
            yield CdrView(self.cdr, self.tz)
        yield self.status_line()
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go_live":
            return self.tracked
        return True

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

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="call.back")]

    def __init__(
        self, call: TrackedCall, tz: tzinfo, now: datetime, status_line: Callable[[], StatusLine]
    ) -> None:
        super().__init__()
        self.call = call
        self.tz = tz
        self.now = now
        self.status_line = status_line

    def compose(self) -> ComposeResult:
        call = self.call
        with VerticalScroll(id="detail-scroll"):
            yield Label(f"Call {call.call_id}", classes="screen-title")
            yield Static(
                f"State: {state_label(call, stale=False)}   "
                f"Disposition: {display.disposition(call.disposition)}"
                f"   Elapsed: {display.duration(call.elapsed(self.now))}\n"
                f"Accepted: {display.both_calendars(call.accepted_at, self.tz)}   "
                f"No-CDR deadline: {display.clock_time(call.deadline, self.tz)}",
                classes="call-state",
            )
            if call.state is CallState.NO_CDR:
                yield Static(NO_CDR_EXPLANATION, classes="explanation")
            yield Label("Request sent", classes="section-title")
            body = json.dumps(call.request.to_api(), indent=2, ensure_ascii=False)
            yield Static("POST call/originate/act\n" + body, classes="request-body")
            if not call.legs:
                yield Label("No CDR leg found yet.", classes="section-title")
            for number, leg in enumerate(call.legs, start=1):
                yield CdrView(leg, self.tz, title=f"Leg {number} of {len(call.legs)}")
        yield self.status_line()
        yield Footer()
