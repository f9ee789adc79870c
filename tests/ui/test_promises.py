"""The promises through the console: a lost answer is followed, nothing stops silently, and the
console keeps the PBX's time even when the PBX's clock runs faster than ours."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from textual.widgets import Input, Select

from simotui.calls.dials import CallMode
from simotui.calls.model import Placement
from simotui.calls.states import CallState
from simotui.responder.link import BridgeLink, running_bridge
from simotui.settings import CampaignDefaults, HooksSettings
from simotui.sim import SimConfig, SimulatorHandle, start_simulator
from simotui.ui.app import make_app
from simotui.ui.screens.confirm import ConfirmDialScreen
from simotui.ui.widgets.live_table import LiveTable
from simotui.ui.widgets.status_line import StatusLine

from .helpers import advance_until, app_for, calls_of, settings_for, wait_until

SIZE = (100, 32)


@pytest.fixture
def lossy() -> Iterator[SimulatorHandle]:
    """A PBX behind a gateway that answers 502/503/504 to every originate after forwarding it."""
    handle = start_simulator(SimConfig(seed=6, speed=0, faults="originate:error5xx@after=1"))
    yield handle
    handle.stop()


async def dial(pilot, caller: str, callee: str) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    app.screen.query_one("#caller", Input).value = caller
    app.screen.query_one("#callee", Input).value = callee
    app.screen.query_one("#caller", Input).focus()
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen), what="the confirmation")
    await pilot.press("y")


async def test_a_lost_answer_is_shown_as_maybe_placed_and_the_call_followed(lossy: SimulatorHandle) -> None:
    app = app_for(lossy)
    async with app.run_test(size=SIZE) as pilot:
        await dial(pilot, "557", "552")
        await wait_until(
            pilot, lambda: bool(calls_of(app)) and calls_of(app)[0].state is not CallState.SENDING
        )
        (call,) = calls_of(app)
        assert call.state is CallState.MAYBE_PLACED and call.placement is Placement.UNKNOWN
        table = app.screen.query_one("#live-table", LiveTable)
        await wait_until(pilot, lambda: str(table.get_row(call.key)[2]) == "may have been placed")
        toasts = " ".join(str(n.message) for n in app._notifications)
        assert "MAY HAVE BEEN PLACED" in toasts and "NOT" in toasts and "retried" in toasts
        await advance_until(pilot, lossy, lambda: app.tracker.calls[call.key].state.is_final, what="found")
        done = app.tracker.calls[call.key]
        assert done.placement is Placement.FOUND and done.state is CallState.ANSWERED
        assert done.call_id == next(iter(lossy.pbx.originated))
        assert sum(1 for r in lossy.requests if r.path.endswith("call/originate/act")) == 1


async def test_a_dead_poll_worker_says_so_and_polling_comes_back(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        status = lambda: app.screen.query_one(StatusLine).current  # noqa: E731
        await wait_until(pilot, lambda: status().state == "connected")
        await dial(pilot, "557", "553")
        await wait_until(pilot, lambda: calls_of(app)[0].state is CallState.WAITING)
        live = app.screen.query_one("#live")
        original = live._cycled  # type: ignore[attr-defined]
        failures = {"left": 1}

        def broken(report: object) -> None:
            if failures["left"]:
                failures["left"] -= 1
                raise RecursionError("maximum recursion depth exceeded while decoding a JSON object")
            original(report)

        live.loop.report = broken  # type: ignore[attr-defined]
        live.request_refresh()  # type: ignore[attr-defined]
        await wait_until(pilot, lambda: "stopped" in status().detail, what="the status line")
        assert status().state == "error" and "RecursionError" in status().detail
        logged = [entry.exchange for entry in app.http_log]
        assert any(x.method == "TASK" and "RecursionError" in (x.error or "") for x in logged)
        # Restarted after its backoff: polls reach the server again and the state says so.
        await wait_until(pilot, lambda: status().state == "connected", what="the poller back")
        key = calls_of(app)[0].key
        await advance_until(pilot, sim, lambda: app.tracker.calls[key].state.is_final, what="followed anyway")


async def test_a_poll_cycle_that_raises_is_reported_and_retried(
    sim: SimulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simotui.calls import tracker as tracker_module

    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        status = lambda: app.screen.query_one(StatusLine).current  # noqa: E731
        await wait_until(pilot, lambda: status().state == "connected")
        await dial(pilot, "557", "554")
        await wait_until(pilot, lambda: calls_of(app)[0].state is CallState.WAITING)
        real_fetch = tracker_module.fetch_cycle
        failures = {"left": 2}

        async def fetch(*args, **kwargs):  # type: ignore[no-untyped-def]
            if failures["left"]:
                failures["left"] -= 1
                raise RecursionError("deeply nested answer")
            return await real_fetch(*args, **kwargs)

        monkeypatch.setattr(tracker_module, "fetch_cycle", fetch)
        app.dashboard.live.request_refresh()  # type: ignore[union-attr]
        await wait_until(pilot, lambda: "poller error" in status().detail, what="the cycle's failure")
        assert "RecursionError" in status().detail and "retrying in" in status().detail
        await wait_until(pilot, lambda: status().state == "connected", within=120, what="recovery")
        assert failures["left"] == 0


async def test_a_campaign_dials_on_a_pbx_whose_clock_runs_twenty_times_faster() -> None:
    """The campaign window comes from the PBX's clock (its Date headers), not ours."""
    with running_bridge(HooksSettings(listen="127.0.0.1:0")) as bridge:
        fast = start_simulator(SimConfig(seed=9, speed=20, component_api_url=bridge.url))
        try:
            await _campaign_on(fast, bridge)
        finally:
            fast.stop()


async def _campaign_on(fast: SimulatorHandle, bridge: BridgeLink) -> None:
    settings = replace(settings_for(fast), campaign=CampaignDefaults(try_interval=10))
    app = make_app(settings, bridge=bridge)  # no test clock: the console estimates the PBX's
    async with app.run_test(size=(100, 34)) as pilot:
        await wait_until(pilot, lambda: app.status.state == "connected")
        await pilot.press("ctrl+t")
        await wait_until(
            pilot, lambda: app.screen.query_one("#trunk_manager_id", Select).value != Select.NULL
        )
        # Let our estimate of the PBX's clock see it run: a minute of PBX time per 3 s of ours.
        for _ in range(30):
            await app.client.setting.ping()
            await pilot.pause(1.0)
        assert app.tracker.clock.rate > 10  # type: ignore[attr-defined]
        await dial(pilot, "557", "552")
        await wait_until(pilot, lambda: bool(calls_of(app)) and calls_of(app)[0].campaign_id != "")
        (call,) = calls_of(app)
        assert call.mode is CallMode.CAMPAIGN
        campaign = fast.pbx.campaigns.get(call.campaign_id)
        assert campaign is not None
        await wait_until(
            pilot, lambda: app.tracker.calls[call.key].state.is_final, within=120, what="dialled"
        )
        assert app.tracker.calls[call.key].state is CallState.ANSWERED


async def test_calls_changing_while_the_dashboard_is_taken_down_crash_nothing(sim: SimulatorHandle) -> None:
    """While the app leaves, its screens lose their widgets before the last messages arrive: a
    call changing then (the soak saw one) must not raise in the app's handlers."""
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.status.state == "connected")
        await dial(pilot, "557", "553")
        await wait_until(pilot, lambda: len(app.tracker.calls) == 1)
        dashboard = app.dashboard
        assert dashboard is not None
        await dashboard.live.remove()
        (call,) = calls_of(app)
        app._calls_changed({call.key})  # as the tracker reports a change
        await pilot.pause(0.2)
        assert app.is_running and app.return_code is None


async def test_calls_changing_while_the_live_panel_loses_its_children_crash_nothing(
    sim: SimulatorHandle,
) -> None:
    """One level down: the panel still there, its table and hint already removed (seen in a full
    run with both cores busy: the children go first when the app leaves)."""
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.status.state == "connected")
        await dial(pilot, "557", "554")
        await wait_until(pilot, lambda: len(app.tracker.calls) == 1)
        dashboard = app.dashboard
        assert dashboard is not None
        live = dashboard.live
        await live.query_one("#live-empty").remove()
        await live.query_one("#live-table").remove()
        (call,) = calls_of(app)
        app._calls_changed({call.key})
        live.render_rows()  # the tick, too
        await pilot.pause(0.2)
        assert app.is_running and app.return_code is None
