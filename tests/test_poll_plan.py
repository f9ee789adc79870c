"""The poll plan: one cycle costs the same number of requests for 10 or 1,000 tracked calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from simotui.api import Credentials, OriginateRequest, SimotelClient
from simotui.poller import fetch_pending_cdrs
from simotui.secret import Secret
from simotui.sim import SimConfig, SimulatorHandle, start_simulator
from simotui.tracking import CallBook, CallState, TrackedCall


@pytest.fixture(scope="module")
def busy_sim() -> SimulatorHandle:
    """A frozen simulator with a dense history, so the poll window holds many CDRs."""
    handle = start_simulator(SimConfig(seed=11, speed=0, history=20_000))
    yield handle  # type: ignore[misc]
    handle.stop()


def tracked(count: int, now: datetime) -> list[TrackedCall]:
    """``count`` pending calls accepted over the last 30 minutes."""
    request = OriginateRequest("557", "552", "main_routing", "557")
    return [
        TrackedCall(
            f"orig.call.{int(now.timestamp()) - i}.{i:06d}",
            request,
            accepted_at=now - timedelta(minutes=30) + timedelta(seconds=i % 1800),
        )
        for i in range(count)
    ]


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
            result = await fetch_pending_cdrs(client, tracked(calls, now), now, page_size)
            counts[calls] = cdr_searches(busy_sim) - before
            assert counts[calls] == result.requests
            assert not result.truncated
    # Same window: the same requests, whatever the number of calls (the earliest call sets it).
    assert counts[1000] == counts[10]
    assert counts[10] >= 1


async def test_no_pending_call_means_no_request(busy_sim: SimulatorHandle) -> None:
    now = datetime.fromtimestamp(busy_sim.pbx.clock.now(), UTC)
    book = CallBook()
    for call in tracked(5, now):
        book.add(call)
        book.calls[call.call_id] = book.calls[call.call_id].expired(call.deadline)
    assert all(c.state is CallState.NO_CDR for c in book.calls.values())
    credentials = Credentials("both", "admin", Secret("simotel"), Secret("simotui-demo-key"))
    before = cdr_searches(busy_sim)
    async with SimotelClient(busy_sim.url, credentials) as client:
        result = await fetch_pending_cdrs(client, book.calls.values(), now, 500)
    assert result.requests == 0 and cdr_searches(busy_sim) == before
