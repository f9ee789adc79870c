"""The poll plan: one cycle costs the same requests for 1 or 1,000 calls; old calls are looked
for one by one; a cycle proves absence only when it is complete."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from simotui.api import Credentials, SimotelClient
from simotui.api.models import OriginateRequest
from simotui.calls.book import CallBook
from simotui.calls.polling import RECENT, TARGETS_PER_CYCLE, WINDOW_MARGIN, fetch_cycle, plan_cycle
from simotui.calls.states import CallState
from simotui.calls.tracker import CallTracker
from simotui.secret import Secret
from simotui.sim import SimConfig, SimulatorHandle, start_simulator

from .helpers import CAMPAIGN, DIAL, T0, TEHRAN, cdr, frozen_pbx, later, placed


@pytest.fixture(scope="module")
def busy_sim() -> Iterator[SimulatorHandle]:
    """A frozen simulator with a dense history, so the poll window holds many CDRs."""
    handle = start_simulator(SimConfig(seed=11, speed=0, history=20_000))
    yield handle
    handle.stop()


def pending(count: int, now: datetime) -> CallBook:
    """``count`` calls accepted over the last 30 minutes, still waiting for their CDR."""
    book = CallBook()
    for i in range(count):
        at = now - timedelta(minutes=30) + timedelta(seconds=i % 1800)
        book.add(placed(f"k{i}", at=at))
    return book


def cdr_searches(sim: SimulatorHandle) -> int:
    return sum(1 for r in sim.requests if r.path.endswith("reports/cdr/search"))


@pytest.mark.parametrize("page_size", [100, 500])
async def test_requests_per_cycle_do_not_grow_with_tracked_calls(
    busy_sim: SimulatorHandle, page_size: int
) -> None:
    now = datetime.fromtimestamp(busy_sim.pbx.clock.now(), UTC)
    credentials = Credentials("both", "admin", Secret("simotel"), Secret("simotui-demo-key"))
    counts = {}
    async with SimotelClient(busy_sim.url, credentials) as client:
        for calls in (1, 10, 1000):
            before = cdr_searches(busy_sim)
            result = await fetch_cycle(client, plan_cycle(pending(calls, now), now), page_size)
            counts[calls] = cdr_searches(busy_sim) - before
            assert counts[calls] == result.requests
            assert not result.truncated
    # Same window: the same requests, whatever the number of calls (the earliest call sets it).
    assert counts[1000] == counts[10] == counts[1] >= 1


async def test_no_pending_call_means_no_request(busy_sim: SimulatorHandle) -> None:
    now = datetime.fromtimestamp(busy_sim.pbx.clock.now(), UTC)
    book = CallBook()
    for call in pending(5, now):
        book.add(call.covered(call.deadline))
    assert all(c.state is CallState.NO_CDR for c in book)
    plan = plan_cycle(book, now)
    assert plan.is_empty
    before = cdr_searches(busy_sim)
    credentials = Credentials("both", "admin", Secret("simotel"), Secret("simotui-demo-key"))
    async with SimotelClient(busy_sim.url, credentials) as client:
        result = await fetch_cycle(client, plan, 500)
    assert result.requests == 0 and cdr_searches(busy_sim) == before


def test_the_windows_cover_the_recent_calls_only() -> None:
    early, late = placed("a", at=T0), placed("b", at=later(600))
    finished = placed("c").with_legs([cdr("r", placed("c").call_id)])
    campaign = placed("d", dial=CAMPAIGN, at=later(60))
    book = CallBook()
    for call in (early, late, finished, campaign):
        book.add(call)
    now = later(660)
    plan = plan_cycle(book, now)
    assert plan.cdr_window is not None and plan.report_window is not None
    assert plan.cdr_window.start == T0 - WINDOW_MARGIN and plan.cdr_window.end == now + WINDOW_MARGIN
    assert plan.report_window.start == later(60) - WINDOW_MARGIN
    assert plan.keys == {"a", "b", "d"} and not plan.targets


def test_old_calls_get_searches_of_their_own_a_few_at_a_time() -> None:
    now = T0 + RECENT + timedelta(hours=5)
    book = CallBook()
    book.add(placed("recent", at=now - timedelta(minutes=5)))
    for i in range(TARGETS_PER_CYCLE + 3):
        book.add(placed(f"old{i}", at=T0 + timedelta(minutes=i)))
    plan = plan_cycle(book, now)
    assert plan.cdr_window is not None and plan.cdr_window.start == now - timedelta(minutes=5) - WINDOW_MARGIN
    assert len(plan.targets) == TARGETS_PER_CYCLE
    assert [t.key for t in plan.targets] == [f"old{i}" for i in range(TARGETS_PER_CYCLE)]
    target = plan.targets[0]
    assert (target.caller, target.callee) == (DIAL.caller, DIAL.callee)
    assert plan.keys == {"recent", *(t.key for t in plan.targets)}


async def test_a_truncated_cycle_proves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from simotui.calls import polling

    monkeypatch.setattr(polling, "MAX_PAGES_PER_CYCLE", 1)
    pbx = frozen_pbx()
    try:
        # Two CDRs in the window, one row per page: the cycle stops after its first page.
        for caller in ("553", "554"):
            await pbx.client.calls.originate(
                OriginateRequest(caller, "552", "main_routing", caller, call_limit=10)
            )
        pbx.advance(120)
        tracker = CallTracker(pbx.client, clock=pbx.now, tz=TEHRAN, page_size=1)
        tracker.add_restored([placed("x", at=T0 - timedelta(seconds=30))])
        result, _ = await tracker.poll()
        assert result.truncated and result.requests == 1
        assert tracker.calls["x"].covered_until is None
    finally:
        await pbx.client.aclose()
