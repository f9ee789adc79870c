"""The served simulator's background ticker: keeps virtual time moving and makes component calls.

Request handlers advance the clock lazily, which is enough for answers; but an answered
campaign call that must ask an API component's web service (§5.8) needs someone to notice
it and make that HTTP call outside ``pbx.lock`` and outside uvicorn's event loop. The ticker
is a daemon thread that calls ``pbx.sync()`` about every 50 ms (sooner when the next event
is due sooner), then ``pbx.run_component_calls()`` with its own ``httpx.Client``.
"""

from __future__ import annotations

import logging
import threading

import httpx

from simotui.sim.state import SimulatedPbx

log = logging.getLogger(__name__)

#: Longest real pause between two ticks.
TICK_SECONDS = 0.05
#: Shortest real pause, so a burst of due events cannot spin the thread.
MIN_TICK_SECONDS = 0.002


class Ticker:
    """Drives one ``SimulatedPbx`` from a daemon thread until ``stop()``."""

    def __init__(self, pbx: SimulatedPbx, interval: float = TICK_SECONDS) -> None:
        """Prepare (not start) a ticker for ``pbx``."""
        self.pbx = pbx
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="simotel-sim-ticker", daemon=True)

    def follow(self, pbx: SimulatedPbx) -> None:
        """Drive ``pbx`` from the next tick on (a control-plane reset swapped the PBX)."""
        previous = self.pbx
        self.pbx = pbx
        previous.component_ready.set()  # wake a tick that is waiting on the old PBX

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    @property
    def running(self) -> bool:
        """True while the thread is alive."""
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop and join; a component call in flight is waited for (it has its own timeout)."""
        self._stop.set()
        self.pbx.component_ready.set()
        if self._thread.is_alive():
            timeouts = [c.timeout for c in self.pbx.api_components.values()]
            self._thread.join(timeout=max(timeouts, default=1.0) * 2 + 5)

    def _pause(self) -> float:
        speed = self.pbx.clock.speed
        upcoming = self.pbx.next_event_at()
        if speed <= 0 or upcoming is None:
            return self.interval
        until = (upcoming - self.pbx.clock.now()) / speed
        return min(self.interval, max(MIN_TICK_SECONDS, until))

    def _run(self) -> None:
        with httpx.Client() as client:
            while not self._stop.is_set():
                pbx = self.pbx
                ready = pbx.component_ready
                # Cleared before the work, so a call queued meanwhile makes the wait return at once.
                ready.clear()
                try:
                    pbx.sync()
                    pbx.run_component_calls(client)
                except Exception:  # the ticker must outlive one bad event
                    log.exception("simulator ticker failed")
                ready.wait(self._pause())
