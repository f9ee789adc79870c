"""The served simulator's background ticker: keeps virtual time moving and makes component calls.

Request handlers advance the clock lazily, which is enough for answers; but events must also
happen when nobody asks (a call ends, a webhook event goes out, a campaign dials), and an
answered call that must ask an API component's web service (§5.8) needs someone to make that
HTTP call outside ``pbx.lock`` and outside uvicorn's event loop. The ticker is a daemon thread
that runs ``pbx.sync()`` and ``pbx.run_component_calls()``, then sleeps until the earliest
scheduled event is due in real time -- indefinitely when nothing is scheduled or the clock is
frozen. ``pbx.wakeup`` ends the sleep early: it is set when an event is scheduled before every
other one, when the clock's speed or time changes, and when a component call is queued.
"""

from __future__ import annotations

import logging
import threading

import httpx

from simotui.sim.state import SimulatedPbx

log = logging.getLogger(__name__)

#: Shortest real pause, so a burst of due events cannot spin the thread.
MIN_TICK_SECONDS = 0.002


class Ticker:
    """Drives one ``SimulatedPbx`` from a daemon thread until ``stop()``."""

    def __init__(self, pbx: SimulatedPbx) -> None:
        """Prepare (not start) a ticker for ``pbx``."""
        self.pbx = pbx
        self.wakeups = 0
        """Rounds of work done since the start (each ends in a sleep); for tests."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="simotel-sim-ticker", daemon=True)

    def follow(self, pbx: SimulatedPbx) -> None:
        """Drive ``pbx`` from the next tick on (a control-plane reset swapped the PBX)."""
        previous = self.pbx
        self.pbx = pbx
        previous.wakeup.set()  # end a sleep on the old PBX

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
        self.pbx.wakeup.set()
        if self._thread.is_alive():
            timeouts = [c.timeout for c in self.pbx.api_components.values()]
            self._thread.join(timeout=max(timeouts, default=1.0) * 2 + 5)

    def pause(self) -> float | None:
        """Real seconds until the earliest event is due; ``None``: nothing will fall due by itself."""
        pbx = self.pbx
        speed = pbx.clock.speed
        upcoming = pbx.next_event_at()
        if speed <= 0 or upcoming is None:
            return None
        until = (upcoming - pbx.clock.now()) / speed
        return min(threading.TIMEOUT_MAX, max(MIN_TICK_SECONDS, until))

    def _run(self) -> None:
        with httpx.Client() as client:
            while not self._stop.is_set():
                pbx = self.pbx
                wakeup = pbx.wakeup
                # Cleared before the work, so anything scheduled meanwhile makes the wait return at once.
                wakeup.clear()
                self.wakeups += 1
                try:
                    pbx.sync()
                    pbx.run_component_calls(client)
                except Exception:  # the ticker must outlive one bad event
                    log.exception("simulator ticker failed")
                wakeup.wait(self.pause())
