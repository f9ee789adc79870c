"""Demo mode: the bridge responder, the event receiver and a simulator in-process on free loopback ports.

The responder starts first so the simulator's dialplan can be pointed at it: a campaign-mode
dial in the demo then goes the whole way (autodialer → Autodialer Route → Exten API → responder
→ second party), as it would on a real Simotel configured for §5.8 of the reference. The
event receiver starts before the simulator too, which pushes every event to it (G4 style, as
a Simotel's API settings would) and runs some background traffic (``DEMO_TRAFFIC`` calls a
minute) so the PBX view has calls the console did not place.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from simotui.api.client import Credentials
from simotui.events.link import EventLink, running_receiver
from simotui.responder.link import BridgeLink, running_bridge
from simotui.secret import Secret
from simotui.settings import EventsSettings, HooksSettings, Settings
from simotui.sim import SimConfig, SimulatorHandle, start_simulator

DEMO_HISTORY = 3000
DEMO_TRAFFIC = 6.0


@dataclass(frozen=True)
class DemoSession:
    """What the console needs to run on the demo: settings, the bridge, the simulator."""

    settings: Settings
    bridge: BridgeLink
    sim: SimulatorHandle
    events: EventLink = field(default_factory=EventLink)


@contextmanager
def demo_session(
    *, seed: int = 1, speed: float = 1.0, poll_interval: float | None = 3.0, traffic: float = DEMO_TRAFFIC
) -> Iterator[DemoSession]:
    """Run the responder, the receiver and a simulator with history for as long as the block lasts."""
    with (
        running_bridge(HooksSettings(listen="127.0.0.1:0")) as bridge,
        running_receiver(EventsSettings(listen="127.0.0.1:0")) as events,
    ):
        config = SimConfig(
            seed=seed,
            speed=speed,
            history=DEMO_HISTORY,
            component_api_url=bridge.url,
            events_url=events.url,
            traffic=traffic,
        )
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
                events=EventsSettings(listen=(events.url or "").removeprefix("http://")),
            )
            yield DemoSession(settings, bridge, sim, events)
        finally:
            sim.stop()
