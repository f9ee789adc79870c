"""Fixtures for simulator tests: a frozen-clock PBX and a loopback server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from simotui.sim import SimulatedPbx, SimulatorHandle, build_pbx, start_simulator

from .helpers import AUTH, KEY_HEADER, frozen_config


@pytest.fixture
def pbx() -> SimulatedPbx:
    """A seeded PBX on a frozen clock (advance it with ``pbx.advance``)."""
    return build_pbx(frozen_config())


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    """A real uvicorn server on 127.0.0.1 (free port), frozen clock, some history."""
    handle = start_simulator(frozen_config(history=300), host="127.0.0.1", port=0)
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def client(sim: SimulatorHandle) -> Iterator[httpx.Client]:
    """An httpx client for ``sim`` sending both Basic auth and the API key."""
    with httpx.Client(base_url=sim.url, auth=AUTH, headers=KEY_HEADER, timeout=10) as c:
        yield c
