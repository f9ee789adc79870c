"""One running simulator's moving parts, held in one place so a reset can swap the PBX.

The HTTP face, the control plane, the ticker and the test handle all reach the PBX through
``SimRuntime.pbx``. A reset builds a fresh PBX from the same config on the same clock (virtual
time never runs backwards), hands it the originate-id factory (ids stay unique for the life of
the simulator), swaps it in, empties the request log and puts the startup faults back. The
account settings are kept, and so is the event delivery (target, chaos, counts): the new PBX's
events go to it, the old one's no longer do. Requests already in flight finish against the old PBX.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from simotui.sim.build import build_pbx
from simotui.sim.config import SimSettings
from simotui.sim.delivery import EventDelivery
from simotui.sim.faults import FaultInjector, FaultSpec
from simotui.sim.reqlog import RequestLog
from simotui.sim.state import SimulatedPbx


class SimRuntime:
    """The PBX (swappable), account settings, request log and faults of one simulator.

    Args:
        pbx: the PBX to serve.
        settings: the account's live settings.
        requests: the request log.
        startup_faults: the spec in force at start, and again after every reset.
        control: whether the control plane is served.
        events: where the PBX's pushed events go (default: kept, sent nowhere).
    """

    def __init__(
        self,
        pbx: SimulatedPbx,
        settings: SimSettings,
        requests: RequestLog,
        startup_faults: FaultSpec,
        *,
        control: bool = False,
        events: EventDelivery | None = None,
    ) -> None:
        self._pbx = pbx
        self.events = events if events is not None else EventDelivery(pbx.seed)
        pbx.webhooks.sink = self.events.submit
        self.settings = settings
        self.requests = requests
        self.startup_faults = startup_faults
        self.control = control
        self.faults = FaultInjector(pbx.seed, self._virtual_now)
        self.faults.set(startup_faults)
        self._listeners: list[Callable[[SimulatedPbx], None]] = []
        self._reset_lock = threading.Lock()

    @property
    def pbx(self) -> SimulatedPbx:
        """The PBX being served now."""
        return self._pbx

    def _virtual_now(self) -> float:
        return self._pbx.clock.now()

    def on_reset(self, listener: Callable[[SimulatedPbx], None]) -> None:
        """Call ``listener(new_pbx)`` after each reset (the ticker follows the PBX this way)."""
        self._listeners.append(listener)

    def reset(self) -> SimulatedPbx:
        """Replace the PBX with a freshly built one, as described in the module docstring."""
        with self._reset_lock:
            old = self._pbx
            fresh = build_pbx(old.config, clock=old.clock)
            with old.lock:
                fresh.originate_ids = old.originate_ids
                old.webhooks.sink = None
                fresh.webhooks.sink = self.events.submit
                self._pbx = fresh
            for listener in self._listeners:
                listener(fresh)
            self.requests.clear()
            self.faults.set(self.startup_faults)
            return fresh
