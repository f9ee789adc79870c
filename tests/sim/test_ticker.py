"""The ticker sleeps until the next due event (forever when none), and wakes when that changes.

Most checks read ``Ticker.pause()`` and the PBX's ``wakeup`` on clocks driven by hand; the
threaded ones wait on states with generous timeouts and only ever assert that the ticker did
*not* wake during a stretch with nothing due (a slow machine can only make that easier).
"""

from __future__ import annotations

import gc
import threading
import time

from simotui.sim import SimConfig, SimulatedPbx, VirtualClock, build_pbx
from simotui.sim.ticker import Ticker

from .helpers import START, frozen_config

SAFETY = 10.0


class FakeReal:
    """A real-time source moved by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _pbx_on(clock: VirtualClock) -> SimulatedPbx:
    return SimulatedPbx(SimConfig(seed=3), clock=clock)


def test_nothing_scheduled_or_a_frozen_clock_means_sleeping_until_woken() -> None:
    real = FakeReal()
    pbx = _pbx_on(VirtualClock(start=START.timestamp(), speed=1.0, real=real))
    ticker = Ticker(pbx)
    assert ticker.pause() is None
    pbx.schedule(pbx.clock.now() + 30, lambda: None)
    assert ticker.pause() == 30.0
    pbx.clock.set_speed(10.0)
    assert ticker.pause() == 3.0
    real.now += 1.0  # a real second at 10x: 10 virtual seconds have passed
    assert ticker.pause() == 2.0
    pbx.clock.freeze()
    assert ticker.pause() is None


def test_a_sooner_event_a_clock_change_or_a_component_call_wakes_the_ticker() -> None:
    real = FakeReal()
    pbx = _pbx_on(VirtualClock(start=START.timestamp(), speed=1.0, real=real))
    now = pbx.clock.now()
    pbx.schedule(now + 60, lambda: None)
    assert pbx.wakeup.is_set()  # the first event is the earliest
    pbx.wakeup.clear()
    pbx.schedule(now + 90, lambda: None)
    assert not pbx.wakeup.is_set()  # later than the earliest: the planned sleep still holds
    pbx.schedule(now + 5, lambda: None)
    assert pbx.wakeup.is_set()
    pbx.wakeup.clear()
    pbx.clock.set_speed(4.0)
    assert pbx.wakeup.is_set()
    pbx.wakeup.clear()
    pbx.clock.advance(1)
    assert pbx.wakeup.is_set()
    assert pbx.component_ready is pbx.wakeup


def test_a_reset_pbx_no_longer_listens_to_the_shared_clock() -> None:
    clock = VirtualClock(start=START.timestamp(), speed=0.0)
    first = _pbx_on(clock)
    second = _pbx_on(clock)
    del first
    gc.collect()  # the PBX's engines point back at it
    clock.advance(1)
    assert second.wakeup.is_set()
    assert len(clock._listeners) == 1  # the first PBX's listener went with it


def _wait_for(condition: object, what: str) -> None:
    deadline = time.monotonic() + SAFETY
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def test_the_ticker_thread_sleeps_through_a_stretch_with_nothing_due() -> None:
    pbx = build_pbx(frozen_config())
    assert pbx.pending_events() == 0
    ticker = Ticker(pbx)
    ticker.start()
    try:
        _wait_for(lambda: ticker.wakeups >= 1, "the first round")
        time.sleep(0.1)  # let the first round reach its sleep
        before = ticker.wakeups
        time.sleep(0.5)  # the old ticker woke every 50 ms here
        assert ticker.wakeups == before
        ran = threading.Event()
        with pbx.lock:
            pbx.schedule(pbx.now, ran.set)  # due at once: the ticker must wake and run it
        assert ran.wait(SAFETY)
    finally:
        ticker.stop()
    assert not ticker.running


def test_the_ticker_thread_runs_a_future_event_without_polling_for_it() -> None:
    pbx = build_pbx(SimConfig(seed=3, speed=1.0))
    ticker = Ticker(pbx)
    ticker.start()
    try:
        _wait_for(lambda: ticker.wakeups >= 1, "the first round")
        ran = threading.Event()
        with pbx.lock:
            pbx.schedule(pbx.clock.now() + 0.3, ran.set)
        assert ran.wait(SAFETY)
        # Woken by the scheduling, then (about) once when it fell due: never every 50 ms.
        assert ticker.wakeups <= 8
    finally:
        ticker.stop()


def test_the_ticker_follows_a_new_pbx() -> None:
    old, new = build_pbx(frozen_config()), build_pbx(frozen_config())
    ticker = Ticker(old)
    ticker.start()
    try:
        _wait_for(lambda: ticker.wakeups >= 1, "the first round")
        ticker.follow(new)
        ran = threading.Event()
        with new.lock:
            new.schedule(new.now, ran.set)
        assert ran.wait(SAFETY)
    finally:
        ticker.stop()
