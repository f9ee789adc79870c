"""Campaign mode end to end: console → autodialer → Autodialer Route → responder → second party.

Real loopback HTTP both ways: the console talks to the simulator, and the simulator's Exten API
component calls the console's bridge responder.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Select, Static

from simotui.api.models import Disposition
from simotui.calls.dials import CallMode
from simotui.calls.states import CallState
from simotui.responder.link import BridgeLink, running_bridge
from simotui.settings import CampaignDefaults, HooksSettings
from simotui.sim import SimConfig, SimulatorHandle, start_simulator
from simotui.ui.app import make_app
from simotui.ui.screens.confirm import ConfirmDialScreen
from simotui.ui.screens.details import CallDetailScreen
from simotui.ui.widgets.live_table import LiveTable

from .helpers import advance_until, settings_for, sim_clock, wait_until

SIZE = (100, 34)


@dataclass
class Rig:
    """A simulator whose dialplan calls a running bridge responder."""

    sim: SimulatorHandle
    bridge: BridgeLink


@pytest.fixture
def rig() -> Iterator[Rig]:
    with running_bridge(HooksSettings(listen="127.0.0.1:0")) as bridge:
        sim = start_simulator(SimConfig(seed=9, speed=0, component_api_url=bridge.url))
        try:
            yield Rig(sim, bridge)
        finally:
            sim.stop()


def requests_to(sim: SimulatorHandle, suffix: str) -> list[Any]:
    return [r for r in sim.requests if r.path.endswith(suffix)]


def campaign_app(rig: Rig, **campaign: Any) -> Any:
    settings = settings_for(rig.sim)
    from dataclasses import replace

    settings = replace(settings, campaign=CampaignDefaults(try_interval=10, **campaign))
    return make_app(settings, clock=sim_clock(rig.sim), bridge=rig.bridge)


async def campaign_dial(pilot: Any, caller: str, callee: str, **fields: str) -> None:
    app = pilot.app
    form = app.screen.query_one("#dial-form")
    if form.mode is not CallMode.CAMPAIGN:
        await pilot.press("ctrl+t")
    await wait_until(
        pilot,
        lambda: app.screen.query_one("#trunk_manager_id", Select).value != Select.NULL,
        what="trunk managers loaded",
    )
    for name, value in {"caller": caller, "callee": callee, **fields}.items():
        app.screen.query_one(f"#{name}", Input).value = value
    app.screen.query_one("#caller", Input).focus()
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen), what="confirmation")
    await pilot.press("y")


def only_call(app: Any) -> Any:
    (call,) = app.tracker.calls.values()
    return call


async def test_first_party_answers_second_party_bridged_with_its_cdr(rig: Rig) -> None:
    app = campaign_app(rig)
    async with app.run_test(size=SIZE) as pilot:
        await campaign_dial(pilot, "557", "552")
        await wait_until(pilot, lambda: len(app.tracker.calls) == 1, what="the campaign row")
        await wait_until(pilot, lambda: only_call(app).campaign_id != "", what="the campaign")
        call = only_call(app)
        assert call.mode is CallMode.CAMPAIGN and call.state is CallState.DIALLING_FIRST
        # The first party answers; Simotel asks the responder; the row says bridged while they talk.
        await advance_until(
            pilot, rig.sim, lambda: only_call(app).state is CallState.BRIDGED, step=1, what="bridged"
        )
        table = app.screen.query_one("#live-table", LiveTable)
        await wait_until(pilot, lambda: str(table.get_row(call.key)[2]) == "bridged")
        await advance_until(pilot, rig.sim, lambda: only_call(app).state.is_final, what="bridged CDR")
        done = only_call(app)
        assert done.state is CallState.ANSWERED
        assert done.bridge_unique_id is not None and done.bridged_at is not None
        assert done.main_leg is not None and done.main_leg.cuid == done.bridge_unique_id
        assert done.main_leg.dst == "552" and done.disposition == Disposition.ANSWERED
        await advance_until(pilot, rig.sim, lambda: only_call(app).report is not None, what="report row")
        assert only_call(app).first_party == Disposition.ANSWERED
        # One dial, one campaigns/add; the finished campaign is removed.
        assert len(requests_to(rig.sim, "autodialer/campaigns/add")) == 1
        await wait_until(pilot, lambda: only_call(app).cleanup == "campaign removed", what="cleanup")
        removes = requests_to(rig.sim, "autodialer/campaigns/remove")
        assert [r.body["_id"] for r in removes] == [done.campaign_id]
        await wait_until(pilot, lambda: str(table.get_row(done.key)[2]) == "answered")
        row = [str(c) for c in table.get_row(done.key)]
        assert row[0] == f"⟳ …{done.campaign_id[-6:]}" and row[6] == "ANSWERED"


async def test_first_party_never_answers_says_so_with_tries_and_cause(rig: Rig) -> None:
    app = campaign_app(rig)
    async with app.run_test(size=SIZE) as pilot:
        await campaign_dial(pilot, "09121234500", "552", tries="2")
        await wait_until(pilot, lambda: len(app.tracker.calls) == 1)
        await advance_until(
            pilot, rig.sim, lambda: only_call(app).state.is_final, step=10, what="not reached"
        )
        call = only_call(app)
        assert call.state is CallState.FIRST_NO_ANSWER and call.first_party == Disposition.NO_ANSWER
        assert call.report is not None and len(call.report.tries) == 2
        assert call.report.tries[0].cause == 16 and call.report.tries[0].cause_text == "Normal Clearing"
        assert call.bridge_unique_id is None
        table = app.screen.query_one("#live-table", LiveTable)
        await wait_until(pilot, lambda: str(table.get_row(call.key)[2]) == "1st: no answer")
        table.focus()
        hint = lambda: str(app.screen.query_one("#live-hint", Static).render())  # noqa: E731
        await wait_until(pilot, lambda: "the first party did not answer any try" in hint())
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CallDetailScreen))
        tries = app.screen.query_one(".tries-table", DataTable)
        assert tries.row_count == 2 and str(tries.get_row_at(0)[3]) == "16"


async def test_busy_first_party(rig: Rig) -> None:
    app = campaign_app(rig)
    async with app.run_test(size=SIZE) as pilot:
        await campaign_dial(pilot, "09121234599", "552")
        await wait_until(pilot, lambda: len(app.tracker.calls) == 1)
        await advance_until(pilot, rig.sim, lambda: only_call(app).state.is_final, step=10)
        call = only_call(app)
        assert call.state is CallState.FIRST_BUSY and call.first_party == Disposition.BUSY
        assert call.report is not None and call.report.tries[0].cause == 21


async def test_responder_down_ends_not_bridged_not_pending_forever() -> None:
    # Simotel is told a responder address where nothing listens.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    sim = start_simulator(SimConfig(seed=9, speed=0, component_api_url=dead_url))
    try:
        app = campaign_app(Rig(sim, BridgeLink()))
        async with app.run_test(size=SIZE) as pilot:
            await campaign_dial(pilot, "557", "553")
            await wait_until(pilot, lambda: len(app.tracker.calls) == 1)
            await advance_until(pilot, sim, lambda: only_call(app).state.is_final, step=5)
            call = only_call(app)
            assert call.state is CallState.NOT_BRIDGED
            assert call.first_party == Disposition.ANSWERED and call.bridge_unique_id is None
            assert not call.legs
            app.screen.query_one("#live-table", LiveTable).focus()
            hint = lambda: str(app.screen.query_one("#live-hint", Static).render())  # noqa: E731
            await wait_until(pilot, lambda: "no second leg was recorded" in hint())
    finally:
        sim.stop()


async def test_one_campaign_dial_sends_exactly_one_add_even_with_repeated_keys(rig: Rig) -> None:
    app = campaign_app(rig)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+t")
        await wait_until(
            pilot, lambda: app.screen.query_one("#trunk_manager_id", Select).value != Select.NULL
        )
        app.screen.query_one("#caller", Input).value = "558"
        app.screen.query_one("#callee", Input).value = "560"
        app.screen.query_one("#caller", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen))
        await pilot.press("y", "y", "enter", "enter", "y", "enter")
        await wait_until(pilot, lambda: len(app.tracker.calls) == 1 and only_call(app).campaign_id != "")
        await pilot.pause(0.3)
        adds = [
            r for r in requests_to(rig.sim, "autodialer/campaigns/add") if r.body.get("numbers") == ["558"]
        ]
        assert len(adds) == 1 and len(app.tracker.calls) == 1


async def test_failed_removal_is_shown_not_forgotten(rig: Rig) -> None:
    app = campaign_app(rig)
    async with app.run_test(size=SIZE) as pilot:
        rig.sim.settings.denied_services.add("autodialer/campaigns/remove")
        try:
            await campaign_dial(pilot, "09121234599", "552")
            await wait_until(pilot, lambda: len(app.tracker.calls) == 1)
            await advance_until(
                pilot, rig.sim, lambda: only_call(app).cleanup.startswith("campaign NOT removed"), step=10
            )
            call = only_call(app)
            assert "Access denied" in call.cleanup
            table = app.screen.query_one("#live-table", LiveTable)
            await wait_until(pilot, lambda: str(table.get_row(call.key)[2]).endswith("⚠"))
        finally:
            rig.sim.settings.denied_services.discard("autodialer/campaigns/remove")
        # x tries again, and now it works.
        app.screen.query_one("#live-table", LiveTable).focus()
        await pilot.press("x")
        await wait_until(pilot, lambda: only_call(app).cleanup == "campaign removed", what="retried removal")


async def test_status_line_counts_responder_refusals(rig: Rig) -> None:
    """A stranger knocking on the responder costs the console a number in its status line."""
    import httpx

    app = campaign_app(rig)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "responder 127.0.0.1" in app.status.responder, what="responder shown")
        assert "(open)" in app.status.responder  # loopback, no auth: said plainly
        async with httpx.AsyncClient() as client:
            for _ in range(3):
                await client.post(
                    rig.bridge.url or "", content=b"{bad", headers={"Content-Type": "application/json"}
                )
        await wait_until(pilot, lambda: "refused 3" in app.status.responder, what="refusals counted")
        assert "request body could not be read 3" in app.status.responder
