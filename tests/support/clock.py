"""The session simulator's clock, for tests that cannot advance it step by step themselves."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from simotui.sim import SimulatorHandle


@contextmanager
def clock_running(sim: SimulatorHandle, speed: float = 100.0) -> Iterator[None]:
    """Let the session simulator's clock run while a subprocess waits on it, then freeze it again.

    Only for tests that cannot advance it themselves (a CLI ``--wait`` in another process); they
    wait for the process to finish, however long a loaded machine makes that take.
    """
    sim.pbx.clock.set_speed(speed)
    try:
        yield
    finally:
        sim.pbx.clock.freeze()
