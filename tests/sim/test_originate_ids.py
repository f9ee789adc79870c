"""Originate ids keep the documented ``orig.call.<epoch>.<6 digits>`` form and never repeat."""

from __future__ import annotations

import random
import re

from simotui.sim import build_pbx
from simotui.sim.ids import SUFFIXES_PER_SECOND, OriginateIdFactory

from .helpers import frozen_config

ORIG_RE = re.compile(r"^orig\.call\.\d{10}\.\d{6}$")


class ConstantRandom(random.Random):
    """An RNG whose every draw collides with the last one."""

    def randint(self, a: int, b: int) -> int:
        return 123456


def test_thousands_of_originates_in_one_frozen_second_are_unique() -> None:
    """5,000 originates at one virtual second: six random digits alone would surely collide."""
    pbx = build_pbx(frozen_config())
    ids = [pbx.originate("557", "552", "main_routing", "557") for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    assert all(ORIG_RE.match(i) for i in ids)
    assert len({i.rsplit(".", 1)[0] for i in ids}) == 1  # still the one (frozen) epoch


def test_a_colliding_generator_still_gets_fresh_ids() -> None:
    """When every draw repeats, the factory finds the next free suffix."""
    factory = OriginateIdFactory()
    ids = [factory.new(1703145054, ConstantRandom()) for _ in range(200)]
    assert len(set(ids)) == 200 and all(ORIG_RE.match(i) for i in ids)


def test_a_new_second_starts_afresh_and_a_full_one_moves_on() -> None:
    """A later second may reuse suffixes; a second whose suffixes are all used moves to the next."""
    factory = OriginateIdFactory()
    assert factory.new(1000000000, ConstantRandom()) == "orig.call.1000000000.123456"
    assert factory.new(1000000001, ConstantRandom()) == "orig.call.1000000001.123456"
    # White-box: pretend the whole second is used, rather than issuing 900,000 ids.
    factory._used = set(range(100000, 100000 + SUFFIXES_PER_SECOND))
    assert factory.new(1000000001, ConstantRandom()) == "orig.call.1000000002.123456"
    assert factory.new(1000000001.5, ConstantRandom()).startswith("orig.call.1000000002.")
