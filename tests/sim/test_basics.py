"""Unit tests of the small pieces: outcome rules, dates, ids, the clock, the shape helper."""

from __future__ import annotations

import random
from datetime import date

import jdatetime
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simotui.sim.clock import VirtualClock
from simotui.sim.dates import (
    gregorian,
    gregorian_to_jalali,
    hhmmss,
    jalali,
    jalali_to_gregorian,
    mongo_date,
    parse_local,
)
from simotui.sim.ids import CallIdFactory, ObjectIdFactory, object_id_epoch, originated_call_id
from simotui.sim.outcomes import Outcome, classify, plan_leg
from simotui.sim.query import truthy

from .helpers import TEHRAN, shape_problems

EXTENSIONS = {"100", "552", "557", "599", "598"}


@pytest.mark.parametrize(
    ("number", "outcome"),
    [
        ("552", Outcome.ANSWER),
        ("557", Outcome.ANSWER),
        ("100", Outcome.NO_ANSWER),  # a known extension ending in 00 rings out
        ("599", Outcome.BUSY),
        ("598", Outcome.FAIL),
        ("123", Outcome.FAIL),  # short and not an extension
        ("12345", Outcome.FAIL),
        ("", Outcome.FAIL),
        ("masking", Outcome.FAIL),
        ("09371234567", Outcome.ANSWER),
        ("09371234500", Outcome.NO_ANSWER),
        ("09371234599", Outcome.BUSY),
        ("09371234598", Outcome.FAIL),
        ("123456", Outcome.ANSWER),  # six digits is a PSTN number
    ],
)
def test_outcome_rules(number: str, outcome: Outcome) -> None:
    """The documented rule table, in order."""
    assert classify(number, EXTENSIONS) is outcome


@given(
    callee=st.text(alphabet="0123456789", min_size=1, max_size=12),
    timeout=st.integers(min_value=1, max_value=120),
    call_limit=st.one_of(st.none(), st.integers(min_value=1, max_value=600)),
    seed=st.integers(min_value=0, max_value=10**6),
)
@settings(max_examples=300, deadline=None)
def test_leg_plans_are_deterministic_and_bounded(
    callee: str, timeout: int, call_limit: int | None, seed: int
) -> None:
    """Same (seed, caller, callee) → same plan; rings stay below timeout; talk within limits."""
    plan = plan_leg(seed, "557", callee, EXTENSIONS, timeout=timeout, call_limit=call_limit)
    assert plan == plan_leg(seed, "557", callee, EXTENSIONS, timeout=timeout, call_limit=call_limit)
    assert plan.outcome is classify(callee, EXTENSIONS)
    if plan.outcome is Outcome.ANSWER:
        assert 1 <= plan.ring <= max(1, timeout - 1)
        assert 1 <= plan.talk <= 60
        if call_limit is not None:
            assert plan.talk <= call_limit
    elif plan.outcome is Outcome.NO_ANSWER:
        assert plan.ring == timeout and plan.talk == 0
    elif plan.outcome is Outcome.BUSY:
        assert 1 <= plan.ring <= 3 and plan.talk == 0


def test_documented_dates_render_exactly() -> None:
    """§8.1: cuid 1662920001 is 1401-06-20 22:43:21 in Tehran (+04:30 DST in 2022)."""
    assert jalali(1662920001, TEHRAN) == "1401-06-20 22:43:21"
    assert gregorian(1662920002, TEHRAN) == "2022-09-11 22:43:22"
    assert jalali(1613735220, TEHRAN) == "1399-12-01 15:17:00"
    assert mongo_date(1669962473.534) == {"$date": {"$numberLong": "1669962473534"}}
    assert hhmmss(112) == "00:01:52" and hhmmss(0) == "00:00:00" and hhmmss(3725) == "01:02:05"


def test_request_dates_gregorian_jalali_and_bounds() -> None:
    """Request dates: Gregorian without seconds, with seconds, Jalali by year, inclusive ``to``."""
    assert parse_local("2021-02-19 15:17", TEHRAN) == 1613735220
    assert parse_local("1399-12-01 15:17", TEHRAN) == 1613735220
    assert parse_local("2021-02-19 15:17:30", TEHRAN) == 1613735250
    assert parse_local("2021-02-19 15:17", TEHRAN, end_of_minute=True) == pytest.approx(1613735279.999)
    with pytest.raises(ValueError):
        parse_local("19/02/2021", TEHRAN)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)))
@settings(max_examples=300, deadline=None)
def test_jalali_conversion_round_trips(day: date) -> None:
    """Our Jalali conversion agrees with jdatetime and round-trips."""
    y, m, d = gregorian_to_jalali(day)
    reference = jdatetime.date.fromgregorian(date=day)
    assert (y, m, d) == (reference.year, reference.month, reference.day)
    assert jalali_to_gregorian(y, m, d) == day


@given(st.integers(min_value=946684800, max_value=4102444800))
@settings(max_examples=300, deadline=None)
def test_jalali_rendering_parses_back(ts: int) -> None:
    """A rendered Jalali timestamp parses back to the same second (outside the DST fold)."""
    rendered = jalali(ts, TEHRAN)
    back = parse_local(rendered, TEHRAN)
    assert back == ts or abs(back - ts) == 3600  # the repeated hour when DST ended


def test_object_ids_carry_their_insertion_epoch() -> None:
    """24 hex digits, epoch prefix, increasing within one second, deterministic per seed."""
    factory = ObjectIdFactory(random.Random(1))
    first, second = factory.new(1662920005), factory.new(1662920005)
    assert len(first) == 24 and int(first, 16) >= 0
    assert object_id_epoch(first) == 1662920005 and first[:8] == "631e2545"
    assert second > first
    again = ObjectIdFactory(random.Random(1))
    assert again.new(1662920005) == first


def test_call_ids() -> None:
    """cuid ``<epoch>.<seq>``, channel names, originate ids with six digits."""
    ids = CallIdFactory(random.Random(3))
    cuid, seq = ids.cuid(1662920001)
    assert cuid == f"1662920001.{seq}"
    assert ids.channel("557").startswith("SIP/557-") and len(ids.channel("557")) == len("SIP/557-") + 8
    orig = originated_call_id(1703145054, random.Random(5))
    prefix, suffix = orig.rsplit(".", 1)
    assert prefix == "orig.call.1703145054" and len(suffix) == 6 and suffix.isdigit()


def test_virtual_clock() -> None:
    """Speed scales real time, 0 freezes, advance moves forward, never backwards."""
    real = [1000.0]
    clock = VirtualClock(start=5000.0, speed=2.0, real=lambda: real[0])
    real[0] += 10
    assert clock.now() == 5020.0
    clock.freeze()
    real[0] += 100
    assert clock.now() == 5020.0
    assert clock.advance(30) == 5050.0
    clock.set_speed(1.0)
    real[0] += 5
    assert clock.now() == 5055.0
    clock.set(1.0)  # earlier: ignored
    assert clock.now() == 5055.0
    with pytest.raises(ValueError):
        clock.advance(-1)


@pytest.mark.parametrize("value", [True, "true", "TRUE", 1, "1", "yes"])
def test_alike_truthy(value: object) -> None:
    """The documented truthy spellings of ``alike``."""
    assert truthy(value)


@pytest.mark.parametrize("value", [False, "false", 0, "0", "no", "", None, 2])
def test_alike_falsy(value: object) -> None:
    """Anything else means exact match."""
    assert not truthy(value)


def test_shape_helper_is_strict() -> None:
    """The shape comparison used by the doc tests catches type and key drift."""
    assert shape_problems({"a": 1}, {"a": 1}) == []
    assert shape_problems({"a": 1}, {"a": 1.0})
    assert shape_problems({"a": "1"}, {"a": 1})
    assert shape_problems({"a": None}, {"a": "x"})
    assert shape_problems({"a": 1}, {"a": 1, "b": 2})
    assert shape_problems({"a": [{"x": 1}]}, {"a": [{"x": "1"}]})
    assert shape_problems({"a": [{"x": 1}]}, {"a": []})
    assert shape_problems({"d": [{"_id": "b", "x": 1}]}, {"d": [{"_id": "a"}, {"_id": "b", "x": 2}]}) == []


def test_simulator_never_imports_textual() -> None:
    """Import hygiene: the simulator core is UI-free."""
    import subprocess
    import sys

    code = "import sys, simotui.sim, simotui.sim.server; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
