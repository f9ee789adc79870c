"""A virtual clock: real time scaled by a speed factor, frozen at speed 0, advanced in tests."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable


class VirtualClock:
    """Epoch seconds that run ``speed`` virtual seconds per real second from a chosen origin.

    The clock is re-anchored whenever the speed changes or it is advanced by hand, so
    virtual time never jumps backwards. Whoever sleeps until a virtual moment (the server's
    ticker) registers ``on_change`` to be woken when that moment moves in real time.
    """

    def __init__(
        self,
        start: float | None = None,
        speed: float = 1.0,
        real: Callable[[], float] = time.time,
    ) -> None:
        """Start at ``start`` (epoch seconds; ``None`` = the real now) running at ``speed``."""
        if speed < 0:
            raise ValueError("speed must be >= 0")
        self._real = real
        self._lock = threading.Lock()
        self._anchor_real = real()
        self._anchor_virtual = self._anchor_real if start is None else float(start)
        self._speed = float(speed)
        self._listeners: list[weakref.WeakMethod[Callable[[], object]]] = []

    def on_change(self, listener: Callable[[], object]) -> None:
        """Call the bound method ``listener()`` after every speed change, advance or jump.

        Held weakly: a listener whose object is gone is dropped (a reset PBX's, for example).
        """
        self._listeners.append(weakref.WeakMethod(listener))

    def _changed(self) -> None:
        alive = []
        for ref in self._listeners:
            listener = ref()
            if listener is not None:
                alive.append(ref)
                listener()
        self._listeners = alive

    @property
    def speed(self) -> float:
        """Virtual seconds per real second; 0 means frozen."""
        return self._speed

    def now(self) -> float:
        """The current virtual time as epoch seconds."""
        with self._lock:
            return self._now_locked()

    def _now_locked(self) -> float:
        return self._anchor_virtual + (self._real() - self._anchor_real) * self._speed

    def set_speed(self, speed: float) -> None:
        """Change the speed from now on, keeping the current virtual time."""
        if speed < 0:
            raise ValueError("speed must be >= 0")
        with self._lock:
            self._anchor_virtual = self._now_locked()
            self._anchor_real = self._real()
            self._speed = float(speed)
        self._changed()

    def freeze(self) -> None:
        """Stop the clock (speed 0); ``advance`` still moves it."""
        self.set_speed(0.0)

    def advance(self, seconds: float) -> float:
        """Move virtual time forward by ``seconds`` and return the new now."""
        if seconds < 0:
            raise ValueError("the clock never goes backwards")
        with self._lock:
            self._anchor_virtual = self._now_locked() + seconds
            self._anchor_real = self._real()
            now = self._anchor_virtual
        self._changed()
        return now

    def set(self, epoch: float) -> None:
        """Jump to ``epoch`` if it lies in the future; earlier values are ignored."""
        with self._lock:
            current = self._now_locked()
            self._anchor_virtual = max(current, float(epoch))
            self._anchor_real = self._real()
        self._changed()
