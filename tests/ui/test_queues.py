"""The queues screen: an agent paused and resumed behind a confirmation, once per intent.

Each test has its own simulator (pauses are state the PBX keeps) with the control plane on, so
what the PBX received is counted there, not assumed from our side.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from textual.widgets import DataTable

from simotui.agents import ChangeOutcome
from simotui.sim import SimConfig, SimulatorHandle, start_simulator
from simotui.sim.control import SimControl
from simotui.ui.screens.confirm import ConfirmDialScreen
from simotui.ui.screens.queues import QueuesScreen

from .helpers import app_for, burst, wait_until

SIZE = (100, 30)


@pytest.fixture
def qsim() -> Iterator[SimulatorHandle]:
    handle = start_simulator(SimConfig(seed=7, speed=0, control=True))
    try:
        yield handle
    finally:
        handle.stop()


def agents(screen: QueuesScreen) -> dict[str, str]:
    return {agent.agent: agent.state for agent in screen.agents}


async def open_sales(pilot, app) -> QueuesScreen:  # type: ignore[no-untyped-def]
    """The queues screen, queue 900 (Sales: agents 555, 557, 570) chosen, the agents table focused."""
    await wait_until(pilot, lambda: app.status.state == "connected")
    await pilot.press("f7")
    await wait_until(pilot, lambda: isinstance(app.screen, QueuesScreen))
    screen = app.screen
    assert isinstance(screen, QueuesScreen)
    await wait_until(pilot, lambda: bool(screen.queues), what="the queues")
    table = screen.query_one("#queues-table", DataTable)
    table.move_cursor(row=[q.number for q in screen.queues].index("900"))
    await wait_until(pilot, lambda: screen.queue_number == "900" and len(screen.agents) == 3, what="Sales")
    screen.query_one("#agents-table", DataTable).focus()
    return screen


async def test_pause_then_resume_an_agent_each_after_a_confirmation(qsim: SimulatorHandle) -> None:
    app = app_for(qsim)
    with SimControl(qsim.url) as ctl:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_sales(pilot, app)
            assert agents(screen) == {"555": "in queue", "557": "in queue", "570": "in queue"}
            await pilot.press("p")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen) and app.screen.shown)
            confirm = app.screen
            assert isinstance(confirm, ConfirmDialScreen)
            assert confirm.heading.startswith("Pause agent 555") and "queue 900 Sales" in confirm.heading
            assert confirm.service == "pbx/queues/pauseagent" and confirm.body == {
                "queue": "900",
                "agent": "555",
            }
            assert ctl.processed("pauseagent") == 0  # nothing is sent before the answer
            await pilot.press("y")
            await wait_until(pilot, lambda: screen.last_result is not None, what="the answer")
            await wait_until(pilot, lambda: agents(screen).get("555") == "paused", what="555 paused")
            assert screen.last_result is not None and screen.last_result.outcome is ChangeOutcome.DONE
            assert ctl.processed("pauseagent") == 1
            paused = next(q for q in ctl.queues() if q["number"] == "900")
            assert [m["agent"] for m in paused["members"] if m["paused"]] == ["555"]

            await pilot.press("u")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen) and app.screen.shown)
            await pilot.press("y")
            await wait_until(pilot, lambda: agents(screen).get("555") == "in queue", what="555 resumed")
            assert ctl.processed("resumeagent") == 1 and ctl.processed("pauseagent") == 1


async def test_a_burst_of_keys_sends_one_pause(qsim: SimulatorHandle) -> None:
    """p y p y y typed ahead in one burst: keys before the question was drawn are dropped, and
    while a change of that agent is on its way no other is offered."""
    app = app_for(qsim)
    with SimControl(qsim.url) as ctl:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_sales(pilot, app)
            await burst(pilot, "p", "y", "p", "y", "y")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen) and app.screen.shown)
            await burst(pilot, "y", "y", "p", "y")
            await wait_until(pilot, lambda: agents(screen).get("555") == "paused", what="555 paused")
            await pilot.pause()
            assert ctl.processed("pauseagent") == 1


async def test_declining_sends_nothing_and_frees_the_agent(qsim: SimulatorHandle) -> None:
    app = app_for(qsim)
    with SimControl(qsim.url) as ctl:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_sales(pilot, app)
            await pilot.press("p")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen) and app.screen.shown)
            await pilot.press("n")
            await wait_until(pilot, lambda: app.screen is screen)
            assert ctl.processed("pauseagent") == 0
            await pilot.press("p")  # offered again: the declined intent let go of the agent
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen) and app.screen.shown)
            await pilot.press("escape")
            assert ctl.processed("pauseagent") == 0


async def test_a_lost_answer_after_the_pause_is_may_have_been_applied_and_not_retried(
    qsim: SimulatorHandle,
) -> None:
    app = app_for(qsim)
    with SimControl(qsim.url) as ctl:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_sales(pilot, app)
            ctl.set_faults("pauseagent:error5xx@after=1")
            await pilot.press("p")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen) and app.screen.shown)
            await pilot.press("y")
            await wait_until(pilot, lambda: screen.last_result is not None, what="the answer")
            result = screen.last_result
            assert result is not None and result.outcome is ChangeOutcome.UNKNOWN
            assert "may have been applied" in result.summary and "not retried" in result.summary
            ctl.clear_faults()
            # The screen looks instead of assuming: the PBX did pause the agent.
            await wait_until(pilot, lambda: agents(screen).get("555") == "paused", what="555 seen paused")
            assert ctl.processed("pauseagent") == 1
            assert len(ctl.requests("pauseagent")) == 1  # one request in all: never retried


async def test_a_refused_pause_says_so(qsim: SimulatorHandle) -> None:
    """An agent who left the queue meanwhile: Simotel's documented refusal, nothing changed."""
    app = app_for(qsim)
    with SimControl(qsim.url) as ctl:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_sales(pilot, app)
            _remove_agent(qsim, "900", "555")  # someone else, at the PBX's own console
            await pilot.press("p")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen) and app.screen.shown)
            await pilot.press("y")
            await wait_until(pilot, lambda: screen.last_result is not None, what="the answer")
            assert screen.last_result is not None
            assert screen.last_result.outcome is ChangeOutcome.REFUSED
            assert "Requested operation failed" in screen.last_result.summary
            assert ctl.processed("pauseagent") == 1


def _remove_agent(sim: SimulatorHandle, queue: str, agent: str) -> None:
    settings = sim.settings
    answer = httpx.post(
        f"{sim.url}/api/v4/pbx/queues/removeagent",
        json={"queue": queue, "agent": agent},
        auth=(settings.username, settings.password),
        headers={"X-APIKEY": settings.api_key},
    ).json()
    assert answer["data"]["message"] == "Removed successfully"


async def test_a_read_only_profile_offers_no_agent_change(qsim: SimulatorHandle) -> None:
    from dataclasses import replace

    from simotui.ui.app import make_app

    from .helpers import settings_for, sim_clock

    app = make_app(replace(settings_for(qsim), read_only=True), clock=sim_clock(qsim))
    with SimControl(qsim.url) as ctl:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_sales(pilot, app)
            await pilot.press("p")
            await pilot.pause(0.2)
            assert app.screen is screen  # no confirmation
            assert ctl.processed("pauseagent") == 0 and ctl.requests("pauseagent") == []
