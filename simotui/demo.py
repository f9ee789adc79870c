"""Demo mode: a simulator started in-process on a free loopback port, and settings to reach it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from simotui.api.client import Credentials
from simotui.secret import Secret
from simotui.settings import Settings
from simotui.sim import SimConfig, start_simulator

DEMO_HISTORY = 3000


@contextmanager
def demo_settings(
    *, seed: int = 1, speed: float = 1.0, poll_interval: float | None = 3.0
) -> Iterator[Settings]:
    """Run a simulator with a history of past calls for as long as the block lasts.

    Args:
        seed: the simulator's seed.
        speed: the simulator's virtual-clock speed.
        poll_interval: the console's poll interval.
    """
    sim = start_simulator(SimConfig(seed=seed, speed=speed, history=DEMO_HISTORY))
    try:
        credentials = Credentials(
            "both", sim.settings.username, Secret(sim.settings.password), Secret(sim.settings.api_key)
        )
        yield Settings(base_url=sim.url, credentials=credentials, profile="demo", poll_interval=poll_interval)
    finally:
        sim.stop()
