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


def requests_to(pbx_requests: object, suffix: str) -> int:
    return sum(1 for r in pbx_requests if r.path.endswith(suffix))  # type: ignore[attr-defined]


async def test_after_one_window_search_a_cycle_reads_only_what_was_inserted_since() -> None:
    pbx = frozen_pbx()
    tracker = CallTracker(pbx.client, clock=pbx.now, tz=TEHRAN)
    try:
        # 40 calls end (40 CDRs in the window), one keeps talking and keeps the polls going.
        for i in range(40):
            caller = ("553", "554", "555", "101", "102")[i % 5]
            await pbx.client.calls.originate(
                OriginateRequest(caller, "552", "main_routing", caller, call_limit=5)
            )
        # It rings for five minutes: no CDR for a long while, so the polls go on.
        ringing = OriginateRequest(
            "09121234500", "552", "main_routing", "557", "Center", timeout=300, call_limit=30
        )
        talker = tracker.confirm(tracker.propose(ringing))
        assert talker is not None
        await tracker.send(talker.key)
        pbx.advance(40)  # the short calls have all ended
        first, _ = await tracker.poll()
        assert first.plan.cdr_window is not None and first.plan.cursor_from is None
        assert len(first.cdrs) >= 40 and tracker.tail == first.plan.as_of
        for _ in range(10):
            pbx.advance(3)
            later_cycle, _ = await tracker.poll()
            assert later_cycle.plan.cdr_window is None and later_cycle.plan.cursor_from is not None
            assert later_cycle.requests == 1 and not later_cycle.cdrs  # nothing new was inserted
        # A CDR inserted now is read through the cursor.
        await pbx.client.calls.originate(OriginateRequest("103", "552", "main_routing", "103", call_limit=5))
        pbx.advance(20)
        newest, _ = await tracker.poll()
        assert newest.requests == 1 and [c.src for c in newest.cdrs] == ["103"]
    finally:
        await pbx.client.aclose()


async def test_a_call_is_given_up_on_only_after_a_search_of_its_own() -> None:
    pbx = frozen_pbx()
    tracker = CallTracker(pbx.client, clock=pbx.now, tz=TEHRAN)
    dial = OriginateRequest("09121234500", "552", "main_routing", "557", "Center", timeout=30, call_limit=30)
    try:
        call = tracker.confirm(tracker.propose(dial))
        assert call is not None
        await tracker.send(call.key)
        await tracker.poll()  # the window
        pbx.advance(40)
        await tracker.poll()  # the cursor: past the ring, still looked for
        assert tracker.calls[call.key].state is CallState.NO_CDR_YET
        pbx.advance(200)
        cursor_only, _ = await tracker.poll()
        assert cursor_only.plan.targets and cursor_only.plan.targets[0].key == call.key
        assert tracker.calls[call.key].state is CallState.NO_CDR
        searches = [r for r in pbx.gateway.forwarded if r.endswith("reports/cdr/search")]
        assert len(searches) == 2  # the first window, and the call's own last look
    finally:
        await pbx.client.aclose()


def test_the_cursor_starts_from_an_object_id_of_the_last_cycle_minus_the_overlap() -> None:
    from simotui.calls.polling import CURSOR_OVERLAP, object_id_at

    call = placed("a").covered(later(10))
    book = CallBook()
    book.add(call)
    plan = plan_cycle(book, later(13), tail=later(10))
    assert plan.cursor_from == later(10) - CURSOR_OVERLAP and plan.cdr_window is None
    assert plan.tailed == {"a"} and not plan.keys
    assert object_id_at(later(5)) == f"{int(later(5).timestamp()):08x}0000000000000000"
    # A call that was never looked for goes to the window, whatever the cursor.
    book.add(placed("b", at=later(12)))
    assert plan_cycle(book, later(13), tail=later(10)).keys == {"b"}
