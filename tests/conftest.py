"""Shared fixtures: a simulator on a free 127.0.0.1 port, and real clients talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from simotui.api import Credentials, SimotelClient
from simotui.secret import Secret
from simotui.sim import SimConfig, SimulatorHandle, start_simulator

OVERRIDE_VARIABLES = (
    "SIMOTUI_URL",
    "SIMOTUI_USERNAME",
    "SIMOTUI_PASSWORD",
    "SIMOTUI_API_KEY",
    "SIMOTUI_AUTH",
    "SIMOTUI_PROFILE",
    "SIMOTUI_TIMEZONE",
    "SIMOTUI_POLL_INTERVAL",
)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the developer's config, journal, logs or SIMOTUI_* settings."""
    monkeypatch.setenv("SIMOTUI_CONFIG", str(tmp_path / "config.toml"))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DOWNLOAD_DIR"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    for name in OVERRIDE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def credentials_for(sim: SimulatorHandle) -> Credentials:
    """Credentials the simulator's account accepts (both headers)."""
    return Credentials(
        "both", sim.settings.username, Secret(sim.settings.password), Secret(sim.settings.api_key)
    )


@pytest.fixture(scope="session")
def sim() -> Iterator[SimulatorHandle]:
    """One simulator for the session, with history, on a frozen clock.

    Virtual time passes only when a test advances it (``sim.pbx.advance``), so how fast or busy
    the machine is changes nothing a test sees. Tests must not depend on each other's calls.
    """
    handle = start_simulator(SimConfig(seed=7, speed=0, history=2000))
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
async def client(sim: SimulatorHandle) -> AsyncIterator[SimotelClient]:
    """A real client of the session simulator, over loopback HTTP."""
    async with SimotelClient(sim.url, credentials_for(sim), timeout=10) as api:
        yield api
