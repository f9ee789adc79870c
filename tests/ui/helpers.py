"""Building the console against a simulator, and waiting for it, in Pilot tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from textual.pilot import Pilot

from simotui.api import Credentials, SimotelClient
from simotui.secret import Secret
from simotui.settings import Settings
from simotui.sim import SimulatorHandle
from simotui.ui.app import SimotuiApp, make_app


def sim_clock(sim: SimulatorHandle) -> Callable[[], datetime]:
    """The simulator's virtual clock as aware datetimes, so deadlines follow simulated time."""
    return lambda: datetime.fromtimestamp(sim.pbx.clock.now(), UTC)


def settings_for(
    sim: SimulatorHandle, *, poll_interval: float | None = 0.2, base_url: str | None = None
) -> Settings:
    """Settings of a console connected to a simulator."""
    return Settings(
        base_url=base_url or sim.url,
        credentials=Credentials(
            "both", sim.settings.username, Secret(sim.settings.password), Secret(sim.settings.api_key)
        ),
        profile="test",
        poll_interval=poll_interval,
        request_timeout=5.0,
    )


def app_for(
    sim: SimulatorHandle, *, poll_interval: float | None = 0.2, client: SimotelClient | None = None
) -> SimotuiApp:
    """The console on a simulator over real loopback HTTP, on the simulator's clock."""
    return make_app(settings_for(sim, poll_interval=poll_interval), client=client, clock=sim_clock(sim))


async def wait_until(
    pilot: Pilot[None], condition: Callable[[], bool], within: float = 10.0, what: str = ""
) -> None:
    """Let the app run until ``condition()`` holds; fail after ``within`` real seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await pilot.pause(0.05)


def originates(sim: SimulatorHandle, caller: str | None = None) -> list[object]:
    """The originate requests the simulator received (for one caller, when given)."""
    return [
        r
        for r in sim.requests
        if r.path.endswith("call/originate/act")
        and (caller is None or (isinstance(r.body, dict) and r.body.get("caller") == caller))
    ]


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type characters one key at a time."""
    await pilot.press(*text)
