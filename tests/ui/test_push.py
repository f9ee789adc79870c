"""The console on a simulator that pushes its events to the console's receiver (real loopback
HTTP both ways): the row moves with each event, the pushed CDR makes the poll read the row,
the detail's timeline says where each fact came from, and the status line shows push health."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace

import pytest
from rich.console import Console
from textual.widgets import Static

from simotui.calls.states import CallState
from simotui.events.link import EventLink, running_receiver
from simotui.settings import EventsSettings
from simotui.sim import SimConfig, SimulatorHandle, start_simulator
from simotui.ui.app import make_app
from simotui.ui.screens.details import CallDetailScreen
from simotui.ui.widgets.live_table import LiveTable

from .helpers import calls_of, settings_for, sim_clock, wait_until
from .test_console import SIZE, dial


@pytest.fixture
def pushing() -> Iterator[tuple[SimulatorHandle, EventLink]]:
    with running_receiver(EventsSettings(listen="127.0.0.1:0")) as link:
        sim = start_simulator(SimConfig(seed=7, speed=0, events_url=link.url))
        try:
            yield sim, link
        finally:
            sim.stop()


async def test_a_row_moves_with_each_pushed_event(pushing: tuple[SimulatorHandle, EventLink]) -> None:
    sim, link = pushing
    # No poll interval: only the dial's own refresh and a pushed CDR make the console poll.
    settings = replace(settings_for(sim, poll_interval=None), bell_on=("answered",))
    app = make_app(settings, clock=sim_clock(sim), events=link)
    async with app.run_test(size=SIZE) as pilot:
        await dial(pilot, "557", "552")
        await wait_until(pilot, lambda: len(app.tracker.calls) == 1)
        (call,) = calls_of(app)
        table = app.screen.query_one("#live-table", LiveTable)
        # The caller's phone rang the moment the originate was taken: no time has passed.
        await wait_until(pilot, lambda: str(table.get_row(call.key)[2]) == "1st ringing", what="1st ringing")
        seen = ["1st ringing"]
        for _ in range(300):
            state = app.tracker.calls[call.key].state
            if state.is_final:
                break
            sim.pbx.advance(1)
            assert sim.events.wait_idle(10)
            await pilot.pause(0.05)
            shown = str(table.get_row(call.key)[2])
            if shown != seen[-1]:
                seen.append(shown)
        await wait_until(pilot, lambda: app.tracker.calls[call.key].state.is_final, what="the CDR")
        final = app.tracker.calls[call.key]
        assert final.state is CallState.ANSWERED, final
        # The profile's bell_on chose "answered": one notification says so.
        said = [n.message for n in app._notifications]
        assert said.count("557 → 552: answered") == 1, said
        for word in ("2nd ringing", "bridged"):
            assert word in seen, seen
        assert seen.index("2nd ringing") < seen.index("bridged")
        await wait_until(pilot, lambda: "push" in app.status.events)
        assert app.events.stats.gaps == 0  # its Cdr was pushed: no gap
        table.focus()
        table.move_cursor(call.key)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CallDetailScreen))
        timeline = app.screen.query_one(".call-timeline", Static)
        console = Console(width=160, record=True, file=io.StringIO())
        console.print(timeline.content)
        text = console.export_text()
        for fact in (
            "originate sent",
            "1st party 557 ringing",
            "2nd party 552 answered",
            "CDR pushed: ANSWERED",
        ):
            assert fact in text, text
        assert "push" in text and "poll" in text and "request" in text
