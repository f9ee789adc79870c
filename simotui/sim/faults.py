"""Faults on demand: the spec language, its strict parser, and the per-request decision.

A real Simotel sits behind a real network and, often, a gateway; requests get slow, answers get
replaced by a gateway's 5xx page, connections reset or are cut short, PHP prints a warning
before the JSON, the PBX restarts. The simulator reproduces each on demand (``simotui sim
--faults SPEC``, ``SimConfig.faults``, or ``PUT /_sim/faults``). Only ``/api/v4/`` requests are
subject to faults; the control plane never is.

Spec syntax
-----------
A comma-separated list of items::

    [TARGET:]FAULT[@PHASE]=VALUE        e.g. error5xx=0.1   originate:error5xx@after=1
    SETTING=VALUE                       e.g. restart_every=60s   hold=30s   seed=7

``FAULT`` and its ``VALUE``:

- ``latency=200ms±100`` -- every matching request waits 200 ms ± 100 ms (uniform; ``+-`` works
  too, the jitter takes the base's unit when it has none; units ``ms``, ``s``, ``m``);
- ``error5xx=P`` -- a gateway's 502 or 504 page (nginx) or 503 (Apache), status drawn per request;
- ``timeout=P`` -- no answer: the request is held for ``hold`` (default 30 s, long past a 10 s
  client timeout), then a 504 page goes to whoever still listens;
- ``reset=P`` -- the TCP connection is reset (RST) with no response at all;
- ``truncate=P`` -- the PBX's answer with its full ``Content-Length``, cut off halfway;
- ``nonjson=P`` -- HTTP 200 that is not JSON (PHP's notice before the answer; a fatal error alone
  when ``@before``);
- ``html404=P`` -- Apache's 404 page.

``P`` is a probability from 0 to 1. One number is drawn per request and the faults that apply to
it split the range in the order listed above, so their probabilities add up: at most 1 for any
service, which the parser checks.

``PHASE`` is ``before`` (the default; the request never reaches the PBX logic) or ``after`` (the
PBX processes it -- an originate places its call -- and then the answer is replaced). ``truncate``
cuts the PBX's own answer, so it is always ``@after``; ``latency@after`` waits between processing
and answering.

``TARGET`` limits an item to some services: a word matches every service path with that segment
(``originate`` → ``call/originate/act``; ``cdr`` → ``reports/cdr/search`` and
``reports/cdr/ordered/id``); a path with a slash matches paths ending with it
(``reports/cdr/search``, ``cdr/search``; a leading ``/api/v4/`` is ignored). A target must match
at least one service. For each fault class, items with a matching target replace the untargeted
ones; when items with different targets match, the target of the last one wins.

Settings: ``restart_every=60s`` restarts the PBX every 60 s of *virtual* time counted from when the
spec was installed (so a frozen clock restarts only when advanced, deterministically), down for
``restart_down`` (default 5 s): Apache stays up while PHP-FPM restarts, so every API request is
answered with Apache's 503 and ``Connection: close``; the PBX's state and its calls carry on.
``hold`` is the timeout hold (at most 600 s). ``seed`` seeds the fault draws (default: the
simulator's seed). The same seed and the same sequence of requests give the same faults: request
``n`` since the spec was installed draws from a generator seeded with (seed, n).
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import threading
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Literal

Phase = Literal["before", "after"]

#: Probability faults, in the order their probabilities split a request's draw.
FAULT_KINDS = ("error5xx", "timeout", "reset", "truncate", "nonjson", "html404")
LATENCY = "latency"
SETTINGS = ("restart_every", "restart_down", "hold", "seed")
PHASES: tuple[Phase, ...] = ("before", "after")
GATEWAY_STATUSES = (502, 503, 504)

DEFAULT_RESTART_DOWN = 5.0
DEFAULT_HOLD = 30.0
MAX_HOLD = 600.0
API_PREFIX = "/api/v4/"

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m)?$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0}
_TARGET = re.compile(r"^[A-Za-z0-9_]+(/[A-Za-z0-9_]+)*$")


class FaultSpecError(ValueError):
    """A fault spec that does not parse; the message names the offending part."""


@dataclass(frozen=True)
class Latency:
    """A delay of ``base`` ± ``jitter`` seconds (uniform)."""

    base: float
    jitter: float

    def __str__(self) -> str:
        """``200ms±100ms``."""
        text = _format_duration(self.base)
        return f"{text}±{_format_duration(self.jitter)}" if self.jitter else text


@dataclass(frozen=True)
class FaultItem:
    """One ``[TARGET:]FAULT[@PHASE]=VALUE`` item."""

    target: str | None
    kind: str
    phase: Phase
    probability: float = 0.0
    latency: Latency | None = None

    def __str__(self) -> str:
        """The item in canonical spelling (phase shown only when not the default)."""
        prefix = f"{self.target}:" if self.target else ""
        suffix = f"@{self.phase}" if self.phase != _default_phase(self.kind) else ""
        value = str(self.latency) if self.latency is not None else f"{self.probability:g}"
        return f"{prefix}{self.kind}{suffix}={value}"


@dataclass(frozen=True)
class Rules:
    """The faults that apply to one service: latencies by phase, probability faults in draw order."""

    latency_before: Latency | None = None
    latency_after: Latency | None = None
    faults: tuple[tuple[str, Phase, float], ...] = ()


NO_RULES = Rules()


@dataclass(frozen=True)
class FaultSpec:
    """A parsed spec: its items, settings, and the rules each known service ends up with."""

    items: tuple[FaultItem, ...] = ()
    restart_every: float | None = None
    restart_down: float = DEFAULT_RESTART_DOWN
    hold: float = DEFAULT_HOLD
    seed: int | None = None
    rules: dict[str | None, Rules] = field(default_factory=dict, compare=False)
    """By canonical service path; ``None`` for a path that is no known service."""

    def rules_for(self, service: str | None) -> Rules:
        """The rules of a canonical service path (``None``: unknown service)."""
        return self.rules.get(service, NO_RULES)

    @property
    def empty(self) -> bool:
        """True when the spec injects nothing."""
        return not self.items and self.restart_every is None

    def __str__(self) -> str:
        """The spec in canonical spelling (parses back to an equal spec)."""
        parts = [str(item) for item in self.items]
        if self.restart_every is not None:
            parts.append(f"restart_every={_format_duration(self.restart_every)}")
            if self.restart_down != DEFAULT_RESTART_DOWN:
                parts.append(f"restart_down={_format_duration(self.restart_down)}")
        if self.hold != DEFAULT_HOLD:
            parts.append(f"hold={_format_duration(self.hold)}")
        if self.seed is not None:
            parts.append(f"seed={self.seed}")
        return ",".join(parts)


def _default_phase(kind: str) -> Phase:
    return "after" if kind == "truncate" else "before"


def _format_duration(seconds: float) -> str:
    if (seconds and seconds < 1) or not float(seconds).is_integer():
        return f"{seconds * 1000:g}ms"
    return f"{seconds:g}s"


def normalise_path(path: str) -> str:
    """A service path relative to ``/api/v4/``, without surrounding slashes."""
    text = path.strip()
    if text.startswith(API_PREFIX):
        text = text[len(API_PREFIX) :]
    return text.strip("/")


def target_matches(target: str, path: str) -> bool:
    """Whether ``target`` (a segment word, or a slash path suffix) selects service ``path``."""
    segments = path.split("/")
    if "/" not in target:
        return target in segments
    wanted = target.split("/")
    return segments[-len(wanted) :] == wanted


def _known_services() -> dict[str, tuple[str, ...]]:
    """Canonical service path -> every name it answers to (itself and its aliases)."""
    from simotui.sim.services import ALIASES, SERVICES

    names: dict[str, list[str]] = {path: [path] for path in SERVICES}
    for alias, canonical in ALIASES.items():
        names[canonical].append(alias)
    return {path: tuple(aliases) for path, aliases in names.items()}


def parse_faults(text: str, services: dict[str, tuple[str, ...]] | None = None) -> FaultSpec:
    """Parse a spec (see the module docstring); ``""`` or ``"none"`` means no faults.

    Raises:
        FaultSpecError: an unknown name, a bad value, target or phase, a duplicate, or
            probabilities adding up to more than 1 for some service.
    """
    known = services if services is not None else _known_services()
    stripped = text.strip()
    if stripped in ("", "none"):
        return FaultSpec()
    items: list[FaultItem] = []
    settings: dict[str, str] = {}
    seen: set[tuple[str | None, str, Phase]] = set()
    for raw in stripped.split(","):
        part = raw.strip()
        if not part:
            raise FaultSpecError(f"empty item in fault spec {text!r} (a stray comma?)")
        item = _parse_item(part, known, settings)
        if item is None:
            continue
        key = (item.target, item.kind, item.phase)
        if key in seen:
            raise FaultSpecError(f"{part!r}: {str(item).split('=')[0]} is given twice")
        seen.add(key)
        items.append(item)
    restart_every = _setting_duration(settings, "restart_every")
    down = _setting_duration(settings, "restart_down")
    if down is not None and restart_every is None:
        raise FaultSpecError("'restart_down' needs 'restart_every' (how often the PBX restarts)")
    restart_down = down if down is not None else DEFAULT_RESTART_DOWN
    if restart_every is not None and restart_down >= restart_every:
        raise FaultSpecError(
            f"'restart_down={settings.get('restart_down', '5s')}' must be shorter than "
            f"'restart_every={settings['restart_every']}'"
        )
    hold = _setting_duration(settings, "hold")
    if hold is not None and not 0 < hold <= MAX_HOLD:
        raise FaultSpecError(f"'hold={settings['hold']}': a hold lasts more than 0 s and at most 600 s")
    seed = None
    if "seed" in settings:
        try:
            seed = int(settings["seed"])
        except ValueError:
            raise FaultSpecError(f"'seed={settings['seed']}': a seed is a whole number") from None
    spec_items = tuple(items)
    rules: dict[str | None, Rules] = {service: _rules(spec_items, names) for service, names in known.items()}
    rules[None] = _rules(spec_items, ())
    for service, rule in rules.items():
        total = sum(p for _, _, p in rule.faults)
        if total > 1 + 1e-9:
            where = service if service is not None else "a path that is no known service"
            raise FaultSpecError(f"fault probabilities add up to {total:g} for {where} (at most 1)")
    return FaultSpec(
        spec_items,
        restart_every,
        restart_down,
        hold if hold is not None else DEFAULT_HOLD,
        seed,
        rules,
    )


def _parse_item(part: str, known: dict[str, tuple[str, ...]], settings: dict[str, str]) -> FaultItem | None:
    """One item; settings are stored in ``settings`` (returning ``None``)."""
    left, eq, value = part.partition("=")
    value = value.strip()
    if not eq or not value:
        raise FaultSpecError(f"{part!r}: expected NAME=VALUE, e.g. error5xx=0.1")
    target: str | None = None
    name = left.strip()
    if ":" in name:
        target_text, _, name = name.rpartition(":")
        target = _parse_target(target_text, part, known)
    name, at, phase_text = name.partition("@")
    name = name.strip()
    if name in SETTINGS:
        if target is not None or at:
            raise FaultSpecError(f"{part!r}: {name} applies to the whole PBX; it takes no target or @phase")
        if name in settings:
            raise FaultSpecError(f"{part!r}: {name} is given twice")
        settings[name] = value
        return None
    if name != LATENCY and name not in FAULT_KINDS:
        known_names = ", ".join((LATENCY, *FAULT_KINDS, *SETTINGS))
        raise FaultSpecError(f"{part!r}: unknown fault {name!r} (known: {known_names})")
    phase = _parse_phase(name, phase_text.strip() if at else None, part)
    if name == LATENCY:
        return FaultItem(target, name, phase, latency=_parse_latency(value, part))
    return FaultItem(target, name, phase, probability=_parse_probability(value, part))


def _parse_target(text: str, part: str, known: dict[str, tuple[str, ...]]) -> str | None:
    target = normalise_path(text)
    if target == "*":
        return None
    if not _TARGET.match(target):
        raise FaultSpecError(f"{part!r}: {text.strip()!r} is not a service name or path")
    if not any(target_matches(target, name) for names in known.values() for name in names):
        raise FaultSpecError(
            f"{part!r}: no service matches {target!r} (try a word such as originate or cdr, "
            "or a path such as reports/cdr/search)"
        )
    return target


def _parse_phase(name: str, text: str | None, part: str) -> Phase:
    if text is None:
        return _default_phase(name)
    if text not in PHASES:
        raise FaultSpecError(f"{part!r}: the phase is @before or @after, not @{text}")
    if name == "truncate" and text == "before":
        raise FaultSpecError(f"{part!r}: truncate cuts the PBX's own answer, so it is always @after")
    return "before" if text == "before" else "after"


def _parse_probability(text: str, part: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise FaultSpecError(f"{part!r}: {text!r} is not a probability (a number from 0 to 1)") from None
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise FaultSpecError(f"{part!r}: a probability is between 0 and 1, not {text}")
    return value


def _parse_duration(text: str, part: str, unit: str | None = None) -> tuple[float, str]:
    match = _DURATION.match(text.strip())
    if match is None:
        raise FaultSpecError(f"{part!r}: {text.strip()!r} is not a duration such as 200ms or 60s")
    number, found = match.groups()
    chosen = found or unit
    if chosen is None:
        raise FaultSpecError(f"{part!r}: give {text.strip()!r} a unit (ms, s or m)")
    return float(number) * _UNITS[chosen], chosen


def _parse_latency(text: str, part: str) -> Latency:
    for separator in ("±", "+-"):
        if separator in text:
            base_text, _, jitter_text = text.partition(separator)
            base, unit = _parse_duration(base_text, part)
            jitter, _ = _parse_duration(jitter_text, part, unit)
            if jitter > base:
                raise FaultSpecError(f"{part!r}: the jitter cannot exceed the latency itself")
            return Latency(base, jitter)
    base, _ = _parse_duration(text, part)
    return Latency(base, 0.0)


def _setting_duration(settings: dict[str, str], name: str) -> float | None:
    if name not in settings:
        return None
    seconds, _ = _parse_duration(settings[name], f"{name}={settings[name]}")
    if seconds <= 0:
        raise FaultSpecError(f"'{name}={settings[name]}' must be longer than 0")
    return seconds


def _rules(items: tuple[FaultItem, ...], names: Collection[str]) -> Rules:
    """The rules for a service known by ``names`` (empty: an unknown service)."""
    latency: dict[Phase, Latency] = {}
    faults: list[tuple[str, Phase, float]] = []
    for kind in (LATENCY, *FAULT_KINDS):
        chosen = _choose(items, kind, names)
        for phase in PHASES:
            for item in chosen:
                if item.phase != phase:
                    continue
                if item.latency is not None:
                    latency[phase] = item.latency
                elif item.probability > 0:
                    faults.append((kind, phase, item.probability))
    return Rules(latency.get("before"), latency.get("after"), tuple(faults))


def _choose(items: Iterable[FaultItem], kind: str, names: Collection[str]) -> list[FaultItem]:
    """A kind's items for one service: those of the winning matching target, else the untargeted."""
    of_kind = [item for item in items if item.kind == kind]
    matching = [
        item
        for item in of_kind
        if item.target is not None and any(target_matches(item.target, name) for name in names)
    ]
    if matching:
        winner = matching[-1].target
        return [item for item in matching if item.target == winner]
    return [item for item in of_kind if item.target is None]


@dataclass(frozen=True)
class Decision:
    """What happens to one request: delays, and at most one fault."""

    index: int
    delay_before: float = 0.0
    delay_after: float = 0.0
    kind: str | None = None
    """A fault kind, ``"restart"`` while the PBX restarts, or ``None``."""
    phase: Phase = "before"
    status: int = 0
    """The gateway status an ``error5xx`` answers with."""
    hold: float = DEFAULT_HOLD

    @property
    def label(self) -> str | None:
        """How the request log names the fault (``"error5xx@after"``, ``"restart"``)."""
        if self.kind is None:
            return None
        if self.kind == "restart":
            return "restart"
        return f"{self.kind}@{self.phase}"


class FaultInjector:
    """The live fault spec of one simulator and the decisions it makes, request by request.

    Args:
        seed: the simulator's seed (a spec's ``seed=`` overrides it).
        now: the PBX's virtual clock, for restart windows.
    """

    def __init__(self, seed: int, now: Callable[[], float]) -> None:
        self._default_seed = seed
        self._now = now
        self._lock = threading.Lock()
        self._spec = FaultSpec()
        self._anchor = 0.0
        self._count = 0
        self._holds: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._closing = False

    @property
    def spec(self) -> FaultSpec:
        """The spec in force (empty when none)."""
        with self._lock:
            return self._spec

    def set(self, spec: FaultSpec) -> None:
        """Install ``spec``: the request count restarts at 0, restarts count from now; holds end."""
        with self._lock:
            self._spec = spec
            self._anchor = self._now()
            self._count = 0
        self.release_holds()

    def clear(self) -> None:
        """No faults from now on (held requests are let go)."""
        self.set(FaultSpec())

    def decide(self, service: str | None) -> Decision | None:
        """The fate of the next ``/api/v4/`` request (``service``: its canonical path, if known).

        ``None`` when no spec is installed, so the fault-free path costs nothing.
        """
        with self._lock:
            spec = self._spec
            if spec.empty:
                return None
            index = self._count
            self._count += 1
            anchor = self._anchor
        seed = spec.seed if spec.seed is not None else self._default_seed
        rng = random.Random(f"simotel-faults|{seed}|{index}")
        # Always the same four draws, so one request's fate never shifts another's.
        draw, status = rng.random(), rng.choice(GATEWAY_STATUSES)
        jitter_before, jitter_after = rng.uniform(-1, 1), rng.uniform(-1, 1)
        rules = spec.rules_for(service)
        before = _delay(rules.latency_before, jitter_before)
        after = _delay(rules.latency_after, jitter_after)
        if spec.restart_every is not None and self._restarting(spec, anchor):
            return Decision(index, before, 0.0, "restart", "before", 503, spec.hold)
        bound = 0.0
        for kind, phase, probability in rules.faults:
            bound += probability
            if draw < bound:
                return Decision(index, before, after, kind, phase, status, spec.hold)
        return Decision(index, before, after, hold=spec.hold)

    def _restarting(self, spec: FaultSpec, anchor: float) -> bool:
        assert spec.restart_every is not None
        elapsed = self._now() - anchor
        if elapsed < spec.restart_every:
            return False
        return elapsed % spec.restart_every < spec.restart_down

    async def hold(self, seconds: float) -> bool:
        """Wait ``seconds``; ``False`` if let go early (faults changed, simulator stopping)."""
        loop = asyncio.get_running_loop()
        event = asyncio.Event()
        entry = (loop, event)
        with self._lock:
            if self._closing:
                return False
            self._holds.add(entry)
        try:
            await asyncio.wait_for(event.wait(), seconds)
        except TimeoutError:
            return True
        finally:
            with self._lock:
                self._holds.discard(entry)
        return False

    def release_holds(self) -> None:
        """Let every held request go (thread-safe)."""
        with self._lock:
            holds = list(self._holds)
        for loop, event in holds:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # that loop is already closed: nothing left to wake
                pass

    def close(self) -> None:
        """Let held requests go and hold no more (the server is stopping)."""
        with self._lock:
            self._closing = True
        self.release_holds()


def _delay(latency: Latency | None, unit_draw: float) -> float:
    if latency is None:
        return 0.0
    return max(0.0, latency.base + latency.jitter * unit_draw)
