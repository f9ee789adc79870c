"""A read-only profile in the console: the status line and the form say so, nothing that changes
the PBX is offered, and no key sequence sends anything — counted at the simulator."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Input, Static

from simotui.sim import SimulatorHandle
from simotui.ui.access import READ_ONLY_FORM
from simotui.ui.app import make_app
from simotui.ui.screens.confirm import ConfirmDialScreen
from simotui.ui.widgets.live_calls import LiveCallsPanel
from simotui.ui.widgets.status_line import StatusLine

from .helpers import burst, settings_for, sim_clock, wait_until

SIZE = (100, 32)
WRITES = ("call/originate/act", "autodialer/campaigns/add", "autodialer/campaigns/remove")


def writes(sim: SimulatorHandle, since: int) -> list[str]:
    return [r.path for r in sim.requests[since:] if r.path.endswith(WRITES)]


async def test_read_only_console_offers_and_sends_nothing(sim: SimulatorHandle) -> None:
    settings = replace(settings_for(sim), read_only=True)
    app = make_app(settings, clock=sim_clock(sim))
    before = len(sim.requests)
    async with app.run_test(size=SIZE) as pilot:
        status = app.screen.query_one(StatusLine)
        await wait_until(pilot, lambda: status.current.state == "connected")
        assert str(status.render()).startswith("READ-ONLY")
        assert READ_ONLY_FORM in str(app.screen.query_one("#dial-mode", Static).render())
        # Enter and a quick y, one at a time and in a burst: no confirmation, no call.
        app.screen.query_one("#caller", Input).value = "557"
        app.screen.query_one("#callee", Input).value = "552"
        app.screen.query_one("#caller", Input).focus()
        await pilot.press("enter", "y")
        await burst(pilot, "enter", "y", "enter", "y")
        assert not isinstance(app.screen, ConfirmDialScreen)
        assert not app.tracker.calls
        assert any("READ-ONLY" in str(n.message) for n in app._notifications)
        # Even asked directly, the dashboard's confirmation is refused by the tracker.
        assert app.dashboard is not None
        app.dashboard.confirm(app.dashboard.form._check()[0])  # type: ignore[arg-type]
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialScreen)
        live = app.screen.query_one(LiveCallsPanel)
        assert live.check_action("remove_campaign", ()) is False
        assert live.check_action("open_call", ()) is True
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "HistoryScreen")
        assert app.screen.check_action("redial", ()) is False
    assert writes(sim, before) == []
