"""Shared fixtures: a simulator on a free 127.0.0.1 port, and real clients talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from simotui.api import Credentials, SimotelClient
from simotui.secret import Secret
from simotui.sim import SimConfig, SimulatorHandle, start_simulator

# Fast enough that a whole call (ring, talk, hang-up) takes well under a second of real time.
TEST_SPEED = 200.0


def credentials_for(sim: SimulatorHandle) -> Credentials:
    """Credentials the simulator's account accepts (both headers)."""
    return Credentials(
        "both", sim.settings.username, Secret(sim.settings.password), Secret(sim.settings.api_key)
    )


@pytest.fixture(scope="session")
def sim() -> Iterator[SimulatorHandle]:
    """One simulator for the session, with history; tests must not depend on each other's calls."""
    handle = start_simulator(SimConfig(seed=7, speed=TEST_SPEED, history=2000))
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
async def client(sim: SimulatorHandle) -> AsyncIterator[SimotelClient]:
    """A real client of the session simulator, over loopback HTTP."""
    async with SimotelClient(sim.url, credentials_for(sim), timeout=10) as api:
        yield api
