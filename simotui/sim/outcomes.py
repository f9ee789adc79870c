"""Deterministic call outcomes: which numbers answer, ring out, are busy or fail, and for how long.

The simulator decides every leg it dials -- both legs of ``call/originate/act`` and each
number an autodialer campaign calls -- with the same rules, checked in this order:

1. a number of 5 digits or fewer that is not a known extension (or anything that is not
   made of digits) **fails** (an originate first leg then stores a FAILED
   ``OutgoingSpoolFailed`` row; a campaign attempt is reported as ``LOST``);
2. a number ending in ``98`` **fails**;
3. a number ending in ``99`` is **busy** (a campaign reports ``BUSY``, cause 21);
4. a number ending in ``00`` **never answers**: it rings until ``timeout`` (default 30 s);
5. any other number **answers**.

A number pinned through the control plane (``PUT /_sim/pins/<number>``) skips these rules and
gets its pinned outcome; the routing checks of ``state`` (an unknown context, a PSTN party
without a trunk, an inactive extension) still fail a leg first.

Ring and talk times come from an RNG seeded with (seed, caller, callee): the ring lasts
1-6 s (always below ``timeout``), a busy signal comes after 1-3 s, and the talk time is
5-60 s, capped by ``call_limit`` when one is given. The same seed and number pair
therefore always produce the same call.

With the seeded directory: extensions 101-105, 521, 550, 552-555, 557, 558, 560-562,
564 and 570 answer; 100 and 200 never answer; a PSTN number such as 09121234567 answers
(through trunk ``Center`` of context ``main_routing``), 09121234500 rings out,
09121234599 is busy, and 09121234598 or an unknown short number such as 123 fails.
"""

from __future__ import annotations

import random
from collections.abc import Container, Mapping
from dataclasses import dataclass
from enum import Enum

DEFAULT_TIMEOUT = 30


class Outcome(Enum):
    """What happens when a number is dialled."""

    ANSWER = "answer"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAIL = "fail"


def classify(number: str, extensions: Container[str]) -> Outcome:
    """Apply the outcome rules (see the module docstring) to one dialled number."""
    if not number.isdigit() or (len(number) <= 5 and number not in extensions):
        return Outcome.FAIL
    if number.endswith("98"):
        return Outcome.FAIL
    if number.endswith("99"):
        return Outcome.BUSY
    if number.endswith("00"):
        return Outcome.NO_ANSWER
    return Outcome.ANSWER


@dataclass(frozen=True)
class LegPlan:
    """The planned fate of one dialled leg, in whole seconds."""

    outcome: Outcome
    ring: int
    talk: int


def leg_rng(seed: int, caller: str, callee: str) -> random.Random:
    """The RNG that fixes ring and talk times for one (seed, caller, callee) triple."""
    return random.Random(f"simotel-sim|{seed}|{caller}|{callee}")


def plan_leg(
    seed: int,
    caller: str,
    callee: str,
    extensions: Container[str],
    *,
    timeout: int = DEFAULT_TIMEOUT,
    call_limit: int | None = None,
    pins: Mapping[str, Outcome] | None = None,
) -> LegPlan:
    """Plan the leg that dials ``callee`` on behalf of ``caller``.

    A number in ``pins`` (set through the control plane) gets that outcome instead of the rules'.
    """
    timeout = max(1, timeout)
    rng = leg_rng(seed, caller, callee)
    ring = rng.randint(1, 6)
    busy_after = rng.randint(1, 3)
    talk = rng.randint(5, 60)
    if call_limit is not None and call_limit > 0:
        talk = min(talk, call_limit)
    pinned = pins.get(callee) if pins else None
    outcome = pinned if pinned is not None else classify(callee, extensions)
    if outcome is Outcome.ANSWER:
        return LegPlan(outcome, min(ring, max(1, timeout - 1)), talk)
    if outcome is Outcome.NO_ANSWER:
        return LegPlan(outcome, timeout, 0)
    if outcome is Outcome.BUSY:
        return LegPlan(outcome, min(busy_after, timeout), 0)
    return LegPlan(outcome, 0, 0)
