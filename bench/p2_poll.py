"""P2 — requests per poll cycle with 10 / 1,000 / 10,000 tracked calls whose CDRs arrived.

Run: .venv/bin/python bench/p2_poll.py [--sizes 10,1000,10000]

A frozen simulator; N calls are placed and end (their CDRs are written); one more call keeps
ringing, so polling goes on. The first cycle looks for every call with one window search (its
requests grow with the CDRs in the window); every later cycle reads only what was inserted since
(the ordered cursor). Printed per N: the requests of the first and of a later cycle, and the
event loop's longest stall while each ran (a 5 ms ticker measures how late it wakes), as a
ratio to that ticker's lateness with nothing running.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from simotui.api import Credentials, OriginateRequest, SimotelClient
from simotui.api.dates import pbx_zone
from simotui.calls.model import Call, Placement
from simotui.calls.tracker import CallTracker
from simotui.secret import Secret
from simotui.sim import SimConfig, SimulatorHandle, start_simulator

T = TypeVar("T")
CALLERS = ["101", "102", "103", "104", "105", "521", "550", "553", "554", "555", "557", "558"]


async def with_stall(work: Callable[[], Awaitable[T]]) -> tuple[T, float]:
    """Run ``work`` while a 5 ms ticker notes how late the loop let it run; the longest delay."""
    worst = 0.0
    done = asyncio.Event()

    async def tick() -> None:
        nonlocal worst
        while not done.is_set():
            asked = time.perf_counter()
            await asyncio.sleep(0.005)
            worst = max(worst, time.perf_counter() - asked - 0.005)

    ticker = asyncio.create_task(tick())
    try:
        result = await work()
    finally:
        done.set()
        await ticker
    return result, worst


async def place(sim: SimulatorHandle, client: SimotelClient, count: int) -> list[Call]:
    calls = []
    for i in range(count):
        caller = CALLERS[i % len(CALLERS)]
        request = OriginateRequest(caller, "552", "main_routing", caller, call_limit=10)
        at = datetime.fromtimestamp(sim.pbx.clock.now(), UTC)
        result = await client.calls.originate(request)
        calls.append(Call(f"k{i}", request, at, Placement.ACCEPTED, at, call_id=result.originated_call_id))
    return calls


async def measure_size(count: int) -> dict[str, float]:
    sim = start_simulator(SimConfig(seed=3, speed=0, history=200))
    credentials = Credentials("both", "admin", Secret("simotel"), Secret("simotui-demo-key"))
    try:
        async with SimotelClient(sim.url, credentials) as client:
            client.offload = True
            now = lambda: datetime.fromtimestamp(sim.pbx.clock.now(), UTC)  # noqa: E731
            calls = await place(sim, client, count)
            ringing = OriginateRequest("09121234500", "552", "main_routing", "557", "Center", timeout=300)
            tracker = CallTracker(client, clock=now, tz=pbx_zone("Asia/Tehran"))
            tracker.add_restored(calls)
            keeper = tracker.confirm(tracker.propose(ringing))
            assert keeper is not None
            await tracker.send(keeper.key)
            sim.pbx.advance(120)  # every one of the N calls has ended and written its CDR
            _, idle = await with_stall(lambda: asyncio.sleep(0.5))
            (first, _), first_stall = await with_stall(tracker.poll)
            sim.pbx.advance(3)
            (later, _), later_stall = await with_stall(tracker.poll)
            final = sum(1 for c in tracker.calls.values() if c.state.is_final)
            return {
                "first": first.requests,
                "later": later.requests,
                "first stall": first_stall,
                "later stall": later_stall,
                "idle stall": idle,
                "final": final,
            }
    finally:
        sim.stop()


def measure(sizes: tuple[int, ...] = (10, 1000, 10000)) -> dict[int, dict[str, float]]:
    return {size: asyncio.run(measure_size(size)) for size in sizes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000,10000")
    sizes = tuple(int(s) for s in parser.parse_args().sizes.split(","))
    print(
        f"{'calls':>7} {'1st cycle':>10} {'later':>6} {'stall 1st':>10} {'stall later':>12} {'(idle)':>8} {'final':>7}"
    )
    for size, r in measure(sizes).items():
        print(
            f"{size:>7,} {r['first']:>10.0f} {r['later']:>6.0f} {r['first stall'] * 1000:>8.1f}ms "
            f"{r['later stall'] * 1000:>10.1f}ms {r['idle stall'] * 1000:>6.1f}ms {r['final']:>7.0f}"
        )


if __name__ == "__main__":
    main()
