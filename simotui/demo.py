"""Demo mode: the bridge responder and a simulator in-process on free loopback ports.

The responder starts first so the simulator's dialplan can be pointed at it: a campaign-mode
dial in the demo then goes the whole way (autodialer → Autodialer Route → Exten API → responder
→ second party), as it would on a real Simotel configured for §5.8 of the reference.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from simotui.api.client import Credentials
from simotui.responder.link import BridgeLink, running_bridge
from simotui.secret import Secret
from simotui.settings import HooksSettings, Settings
from simotui.sim import SimConfig, SimulatorHandle, start_simulator

DEMO_HISTORY = 3000


@dataclass(frozen=True)
class DemoSession:
    """What the console needs to run on the demo: settings, the bridge, the simulator."""

    settings: Settings
    bridge: BridgeLink
    sim: SimulatorHandle


@contextmanager
def demo_session(
    *, seed: int = 1, speed: float = 1.0, poll_interval: float | None = 3.0
) -> Iterator[DemoSession]:
    """Run the responder and a simulator with history for as long as the block lasts."""
    with running_bridge(HooksSettings(listen="127.0.0.1:0")) as bridge:
        config = SimConfig(seed=seed, speed=speed, history=DEMO_HISTORY, component_api_url=bridge.url)
        sim = start_simulator(config)
        try:
            credentials = Credentials(
                "both", sim.settings.username, Secret(sim.settings.password), Secret(sim.settings.api_key)
            )
            listen = (bridge.url or "").removeprefix("http://")
            settings = Settings(
                base_url=sim.url,
                credentials=credentials,
                profile="demo",
                poll_interval=poll_interval,
                hooks=HooksSettings(listen=listen),
            )
            yield DemoSession(settings, bridge, sim)
        finally:
            sim.stop()
