"""Sending pushed events (§7.1) from a background thread, with chaos on demand for tests.

``EventDelivery.submit`` is called by ``webhooks`` under the PBX lock: it only decides the
event's fate and queues it, never waiting for anything. A daemon thread sends the queue in
order with a short timeout, outside every lock, so a slow or dead receiver delays nothing but
other events. Delivery styles (the API settings page's version and method):

- ``g4``: ``POST <url>`` with the JSON payload (it names itself with ``event_name``);
- ``rest4``: ``POST <url>/<EventName>`` with the same JSON;
- ``get``: ``GET <url>?event_name=...&exten=...``, the fields as query parameters (a nested
  list or object -- CdrQueue's ``detail``, AutoDialerReport's ``tries`` -- as compact JSON).

Basic auth comes from ``EventTarget.auth`` or from credentials in the URL. A delivery counts as
sent on any 2xx answer and as failed otherwise (another status, a timeout, a refused
connection); failures are not retried.

Chaos (``ChaosSpec``, ``parse_chaos``): each event's fate is drawn from
``Random(f"simotel-events|{seed}|{n}")``, ``n`` being its place in the order events were
submitted, so the same seed and the same traffic give the same fates whatever the timing:

- ``drop=P``: never sent;
- ``duplicate=P``: sent twice in a row;
- ``reorder=P``: held back and sent right after the next event (or after ``REORDER_HOLD``
  real seconds if none comes);
- ``delay=P[:SECONDS]``: sent SECONDS (default 1) real seconds late, later events going ahead;
- ``upper=P``: the event name in upper case (``CDR``, ``NEWSTATE``), in the payload and in the
  Rest path.

A bare name means probability 1 (``upper``). The draws are made in that order for every event.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from simotui.sim import jsonout
from simotui.sim.components import redact
from simotui.sim.config import EventStyle, SimConfig
from simotui.sim.webhooks import PushedEvent

log = logging.getLogger(__name__)

STYLES: tuple[EventStyle, ...] = ("g4", "rest4", "get")

#: Real seconds a reordered event waits for a successor before it is sent anyway.
REORDER_HOLD = 1.0
#: Deliveries the control plane can list (the newest).
RECENT_LIMIT = 500
#: Events waiting to be sent beyond this are not queued (counted as ``overflow``).
QUEUE_LIMIT = 50_000
CHAOS_KINDS = ("drop", "duplicate", "reorder", "delay", "upper")


class ChaosSpecError(ValueError):
    """An event chaos spec that does not parse; the message says which item and why."""


@dataclass(frozen=True)
class ChaosSpec:
    """Probabilities (0-1) of each kind of mischief, and how late a delayed event is."""

    drop: float = 0.0
    duplicate: float = 0.0
    reorder: float = 0.0
    delay: float = 0.0
    delay_seconds: float = 1.0
    upper: float = 0.0

    @property
    def empty(self) -> bool:
        """True when nothing is ever done to an event."""
        return not (self.drop or self.duplicate or self.reorder or self.delay or self.upper)

    def __str__(self) -> str:
        """The canonical spelling (``parse_chaos`` reads it back)."""
        parts = []
        for kind in CHAOS_KINDS:
            p = getattr(self, kind)
            if p:
                text = f"{kind}={p:g}"
                if kind == "delay":
                    text += f":{self.delay_seconds:g}"
                parts.append(text)
        return ",".join(parts)


def parse_chaos(text: str | None) -> ChaosSpec:
    """``"drop=0.1,duplicate=0.05,reorder=0.2,delay=0.3:2,upper"`` as a ``ChaosSpec``.

    Raises:
        ChaosSpecError: an unknown kind, a probability outside 0-1, a bad delay.
    """
    spec = ChaosSpec()
    if not text or not text.strip():
        return spec
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        kind, sep, value = item.partition("=")
        kind = kind.strip().lower()
        if kind not in CHAOS_KINDS:
            raise ChaosSpecError(f"{item!r}: unknown chaos {kind!r} (one of {', '.join(CHAOS_KINDS)})")
        seconds = spec.delay_seconds
        if kind == "delay" and ":" in value:
            value, _, late = value.partition(":")
            try:
                seconds = float(late)
            except ValueError:
                raise ChaosSpecError(f"{item!r}: the delay {late!r} is not a number of seconds") from None
            if not 0 <= seconds <= 3600:
                raise ChaosSpecError(f"{item!r}: the delay must be 0-3600 seconds")
        try:
            probability = float(value) if sep else 1.0
        except ValueError:
            raise ChaosSpecError(f"{item!r}: {value!r} is not a probability") from None
        if not 0 <= probability <= 1:
            raise ChaosSpecError(f"{item!r}: a probability is between 0 and 1")
        spec = replace(spec, **{kind: probability})
        if kind == "delay":
            spec = replace(spec, delay_seconds=seconds)
    return spec


@dataclass(frozen=True)
class EventTarget:
    """Where and how events are sent (Maintenance → Settings → API settings)."""

    url: str
    style: EventStyle = "g4"
    auth: tuple[str, str] | None = None
    """HTTP Basic user and password (credentials in ``url`` work too)."""
    timeout: float = 2.0
    """Real seconds a delivery may take."""

    def describe(self) -> dict[str, Any]:
        """The target as the control plane shows it (no password)."""
        return {
            "url": redact(self.url),
            "style": self.style,
            "auth": f"{self.auth[0]}:***" if self.auth else None,
            "timeout": self.timeout,
        }


def parse_auth(text: str | None) -> tuple[str, str] | None:
    """``"user:password"`` as a pair; ``None``/empty = no auth.

    Raises:
        ValueError: there is no ``:``.
    """
    if not text:
        return None
    user, sep, password = text.partition(":")
    if not sep:
        raise ValueError(f"expected USER:PASSWORD, not {text!r}")
    return user, password


def request_for(target: EventTarget, name: str, payload: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """(method, URL, httpx keywords) of one delivery in ``target``'s style."""
    if target.style == "get":
        params = {
            key: value if isinstance(value, str) else jsonout.dumps(value).decode("utf-8")
            for key, value in payload.items()
        }
        return "GET", target.url, {"params": params}
    url = target.url if target.style == "g4" else f"{target.url.rstrip('/')}/{name}"
    return "POST", url, {"content": jsonout.dumps(payload), "headers": {"Content-Type": "application/json"}}


@dataclass(slots=True)
class Delivery:
    """One event's fate, as the control plane lists it."""

    seq: int
    """Its place in the order events were submitted (from 1)."""
    event: str
    """The event's name as sent (upper-cased by chaos, maybe)."""
    virtual_at: float
    payload: dict[str, Any]
    chaos: list[str] = field(default_factory=list)
    state: str = "pending"
    """``pending``, ``sent``, ``failed``, ``dropped`` or ``unsent`` (no target configured)."""
    attempts: int = 0
    status: int | None = None
    error: str | None = None
    method: str | None = None
    url: str | None = None
    sent_at: float | None = None
    """Real time of the last attempt."""

    def as_json(self) -> dict[str, Any]:
        """For ``GET /_sim/events``."""
        return {
            "seq": self.seq,
            "event": self.event,
            "virtual_at": self.virtual_at,
            "state": self.state,
            "chaos": list(self.chaos),
            "attempts": self.attempts,
            "status": self.status,
            "error": self.error,
            "method": self.method,
            "url": self.url,
            "sent_at": self.sent_at,
            "payload": self.payload,
        }


@dataclass(order=True)
class _Outgoing:
    due: float
    order: int
    delivery: Delivery = field(compare=False)
    name: str = field(compare=False)
    payload: dict[str, Any] = field(compare=False)


_NO_CHAOS = dict.fromkeys(CHAOS_KINDS, False)
COUNTERS = (
    "submitted",
    "sent",
    "failed",
    "dropped",
    "duplicated",
    "reordered",
    "delayed",
    "upper",
    "unsent",
    "overflow",
)


class EventDelivery:
    """The queue and sender thread of one simulator's pushed events (see the module docstring)."""

    def __init__(
        self,
        seed: int,
        target: EventTarget | None = None,
        chaos: ChaosSpec | None = None,
        *,
        recent: int = RECENT_LIMIT,
        client: httpx.Client | None = None,
    ) -> None:
        """Deliver to ``target`` (``None``: keep events, send nothing) with ``chaos`` drawn from ``seed``."""
        self.seed = seed
        self._target = target
        self._chaos = chaos or ChaosSpec()
        self._recent: deque[Delivery] = deque(maxlen=recent)
        self._counts = dict.fromkeys(COUNTERS, 0)
        self._queue: list[_Outgoing] = []
        self._held: _Outgoing | None = None
        self._held_since = 0.0
        self._submitted = 0
        self._order = itertools.count()
        self._in_flight = 0
        self._cond = threading.Condition()
        self._stop = False
        self._client = client
        self._thread: threading.Thread | None = None

    @classmethod
    def from_config(cls, config: SimConfig) -> EventDelivery:
        """Built from a ``SimConfig`` (``events_url``, ``events_style``, ``events_auth``, ...).

        Raises:
            ValueError: ``events_auth`` has no ``:``; ``ChaosSpecError``: ``events_chaos`` is bad.
        """
        target = None
        if config.events_url:
            target = EventTarget(
                config.events_url, config.events_style, parse_auth(config.events_auth), config.events_timeout
            )
        return cls(config.seed, target, parse_chaos(config.events_chaos))

    # --------------------------------------------------------------- settings
    @property
    def target(self) -> EventTarget | None:
        """Where events go (``None``: nowhere)."""
        return self._target

    def set_target(self, target: EventTarget | None) -> None:
        """Send later events to ``target`` (``None``: stop sending)."""
        with self._cond:
            self._target = target
            self._cond.notify_all()

    @property
    def chaos(self) -> ChaosSpec:
        """The chaos in force."""
        return self._chaos

    def set_chaos(self, chaos: ChaosSpec) -> None:
        """Apply ``chaos`` to events submitted from now on."""
        with self._cond:
            self._chaos = chaos

    # ------------------------------------------------------------------ queue
    def submit(self, event: PushedEvent) -> None:
        """Decide ``event``'s fate and queue it (never blocks on the network)."""
        with self._cond:
            self._submitted += 1
            n = self._submitted
            counts = self._counts
            counts["submitted"] += 1
            chaos = self._chaos
            if chaos.empty:
                draws = _NO_CHAOS
            else:
                rng = random.Random(f"simotel-events|{self.seed}|{n}")
                draws = {kind: rng.random() < getattr(chaos, kind) for kind in CHAOS_KINDS}
            name = event.name.upper() if draws["upper"] else event.name
            payload = event.payload
            if draws["upper"]:
                key = "event" if "event" in payload and "event_name" not in payload else "event_name"
                payload = {**payload, key: name}
            delivery = Delivery(n, name, event.at, payload)
            self._recent.append(delivery)
            if self._target is None:
                delivery.state = "unsent"
                counts["unsent"] += 1
                return
            if draws["drop"]:
                delivery.chaos.append("drop")
                delivery.state = "dropped"
                counts["dropped"] += 1
                return
            if len(self._queue) >= QUEUE_LIMIT:
                delivery.state, delivery.error = "failed", "the delivery queue is full"
                counts["overflow"] += 1
                return
            now = time.monotonic()
            due = now
            if draws["upper"]:
                delivery.chaos.append("upper")
                counts["upper"] += 1
            if draws["delay"]:
                delivery.chaos.append(f"delay {chaos.delay_seconds:g}s")
                counts["delayed"] += 1
                due = now + chaos.delay_seconds
            copies = 2 if draws["duplicate"] else 1
            if copies == 2:
                delivery.chaos.append("duplicate")
                counts["duplicated"] += 1
            outgoing = [_Outgoing(due, next(self._order), delivery, name, payload) for _ in range(copies)]
            held, self._held = self._held, None
            if draws["reorder"] and held is None:
                delivery.chaos.append("reorder")
                counts["reordered"] += 1
                self._held, self._held_since = outgoing[0], now
                outgoing = outgoing[1:]
            for item in outgoing:
                heapq.heappush(self._queue, item)
            if held is not None:
                # The held event goes right after this one.
                held.due, held.order = max(held.due, due), next(self._order)
                heapq.heappush(self._queue, held)
            self._cond.notify_all()

    # ----------------------------------------------------------------- sender
    def start(self) -> None:
        """Start the sender thread (idempotent)."""
        with self._cond:
            if self._thread is not None:
                return
            self._stop = False
            self._thread = threading.Thread(target=self._run, name="simotel-sim-events", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the sender thread (events still queued are not sent)."""
        with self._cond:
            self._stop = True
            thread, self._thread = self._thread, None
            self._cond.notify_all()
        if thread is not None:
            timeout = self._target.timeout if self._target is not None else 1.0
            thread.join(timeout=timeout + 5)

    def idle(self) -> bool:
        """Nothing queued, held or being sent."""
        with self._cond:
            return not self._queue and self._held is None and self._in_flight == 0

    def wait_idle(self, timeout: float) -> bool:
        """Wait (real seconds) until ``idle()``; False if it did not happen in time."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._held is not None or self._in_flight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
            return True

    def _next(self) -> _Outgoing | None:
        """The next delivery when it is due (``None``: stopping). Holds ``_cond``."""
        while not self._stop:
            now = time.monotonic()
            if self._held is not None and now - self._held_since >= REORDER_HOLD:
                heapq.heappush(self._queue, self._held)  # no successor came: send it anyway
                self._held = None
            waits = []
            if self._queue:
                if self._queue[0].due <= now:
                    self._in_flight += 1
                    return heapq.heappop(self._queue)
                waits.append(self._queue[0].due - now)
            if self._held is not None:
                waits.append(REORDER_HOLD - (now - self._held_since))
            self._cond.wait(min(waits) if waits else None)
        return None

    def _run(self) -> None:
        client = self._client or httpx.Client()
        try:
            while True:
                with self._cond:
                    item = self._next()
                    target = self._target
                if item is None:
                    return
                try:
                    self._send(client, target, item)
                finally:
                    with self._cond:
                        self._in_flight -= 1
                        self._cond.notify_all()
        finally:
            if self._client is None:
                client.close()

    def _send(self, client: httpx.Client, target: EventTarget | None, item: _Outgoing) -> None:
        delivery = item.delivery
        if target is None:
            with self._cond:
                delivery.state = "unsent"
                self._counts["unsent"] += 1
            return
        method, url, options = request_for(target, item.name, item.payload)
        status: int | None = None
        error: str | None = None
        try:
            auth = httpx.BasicAuth(*target.auth) if target.auth else None
            answer = client.request(method, url, auth=auth, timeout=target.timeout, **options)
            status = answer.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        with self._cond:
            delivery.attempts += 1
            delivery.method, delivery.url = method, redact(url)
            delivery.status, delivery.error = status, error
            delivery.sent_at = time.time()
            ok = error is None
            # A duplicate's second copy may fail where the first was sent: the last word counts.
            delivery.state = "sent" if ok else "failed"
            self._counts["sent" if ok else "failed"] += 1

    # ----------------------------------------------------------- inspection
    def counts(self) -> dict[str, int]:
        """How many events were submitted, sent, failed, dropped, duplicated, ... so far."""
        with self._cond:
            counts = dict(self._counts)
            counts["pending"] = len(self._queue) + (self._held is not None) + self._in_flight
            return counts

    def recent(self, limit: int | None = None, name: str | None = None) -> list[Delivery]:
        """The newest deliveries (of event ``name``, case-insensitively), oldest first."""
        with self._cond:
            items = list(self._recent)
        if name is not None:
            items = [d for d in items if d.event.lower() == name.lower()]
        if limit is None:
            return items
        return items[-limit:] if limit > 0 else []

    def snapshot(self, limit: int = 50, name: str | None = None) -> dict[str, Any]:
        """Target, chaos, counts and the newest ``limit`` deliveries, for ``GET /_sim/events``."""
        target = self._target
        return {
            "target": target.describe() if target is not None else None,
            "chaos": str(self._chaos),
            "counts": self.counts(),
            "events": [d.as_json() for d in self.recent(limit, name)],
        }

    def clear(self) -> None:
        """Forget the deliveries listed and zero the counters (queued events are still sent)."""
        with self._cond:
            self._recent.clear()
            self._counts = dict.fromkeys(COUNTERS, 0)
