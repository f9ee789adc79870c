"""Building the console against a simulator, and waiting for it, in Pilot tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from textual.pilot import Pilot

from simotui.api import Credentials, SimotelClient
from simotui.calls.model import Call
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


#: A safety net, not a window: a state that is coming arrives long before this on any machine.
PATIENCE = 60.0


async def wait_until(
    pilot: Pilot[None], condition: Callable[[], bool], within: float = PATIENCE, what: str = ""
) -> None:
    """Let the app run until ``condition()`` holds; fail after ``within`` real seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await pilot.pause(0.05)


async def advance_until(
    pilot: Pilot[None],
    sim: SimulatorHandle,
    condition: Callable[[], bool],
    *,
    step: float = 5.0,
    steps: int = 400,
    what: str = "",
) -> None:
    """Let the PBX's time pass, ``step`` virtual seconds at a time, polling after each, until
    ``condition()`` holds. Time moves only here, so the machine's speed changes nothing."""
    app = pilot.app
    assert isinstance(app, SimotuiApp)
    for _ in range(steps):
        if condition():
            return
        sim.pbx.advance(step)
        cycles = app.tracker.counts.cycles
        if app.dashboard is not None:
            app.dashboard.live.request_refresh()
        await wait_until(
            pilot,
            lambda before=cycles: app.tracker.counts.cycles > before or condition(),
            what=f"a poll ({what})",
        )
    raise AssertionError(f"{what or condition} did not happen in {steps * step:g} virtual seconds")


def calls_of(app: SimotuiApp) -> list[Call]:
    """The console's calls, oldest first."""
    return list(app.tracker.calls.values())


async def burst(pilot: Pilot[None], *keys: str) -> None:
    """Keys arriving at once, as SSH delivers a burst: all queued before any is handled."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    app = pilot.app
    driver = app._driver
    assert driver is not None
    # As App._press_keys builds them, but sent all at once instead of one per idle loop.
    for key in keys:
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        original = REPLACED_KEYS.get(name, name)
        try:
            char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
        except KeyError:
            char = name if len(name) == 1 else None
        event = events.Key(name, char)
        event.set_sender(app)
        driver.send_message(event)
    await pilot.pause(0.2)


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
