"""Benchmarks: simulator search latency at 100,000 CDRs, and requests per poll cycle.

Run: .venv/bin/python bench/search_and_poll.py [--history 100000]

Times are medians over repeated calls through the real client over loopback, printed with their
ratio to a ping measured in the same run (the baseline: one request that does no work), so the
numbers mean the same on a slow or a fast machine. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from simotui.api import CdrQuery, Credentials, OriginateRequest, Pagination, SimotelClient
from simotui.calls.book import CallBook
from simotui.calls.model import Call, Placement
from simotui.calls.polling import fetch_cycle, plan_cycle
from simotui.secret import Secret
from simotui.sim import SimConfig, start_simulator

REPEATS = 15


async def median_ms(call: Callable[[], Awaitable[Any]]) -> float:
    """Median wall time of ``call`` in milliseconds, after one warm-up."""
    await call()
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def tracked(count: int, now: datetime) -> CallBook:
    """``count`` pending calls accepted over the last 30 minutes."""
    request = OriginateRequest("557", "552", "main_routing", "557", call_limit=60)
    book = CallBook()
    for i in range(count):
        at = now - timedelta(seconds=i % 1800)
        call_id = f"orig.call.{int(now.timestamp()) - i}.{i:06d}"
        book.add(Call(f"k{i}", request, at, placement=Placement.ACCEPTED, answered_at=at, call_id=call_id))
    return book


async def main(history: int) -> None:
    """Build the PBX, then measure."""
    built = time.perf_counter()
    sim = start_simulator(SimConfig(seed=1, speed=0, history=history))
    print(f"simulator with {history:,} past CDRs built in {time.perf_counter() - built:.1f} s")
    credentials = Credentials("both", "admin", Secret("simotel"), Secret("simotui-demo-key"))
    now = datetime.fromtimestamp(sim.pbx.clock.now(), UTC)
    month = CdrQuery(date_from=now - timedelta(days=31), date_to=now)
    try:
        async with SimotelClient(sim.url, credentials) as client:
            baseline = await median_ms(client.setting.ping)
            print(f"\nbaseline: ping {baseline:.1f} ms\n")
            cases: dict[str, Callable[[], Awaitable[Any]]] = {
                "CDR search, whole history, default sort, 20 rows": lambda: client.reports.cdr_search(month),
                "CDR search, whole history, sorted by billsec": lambda: client.reports.cdr_search(
                    month, Pagination(0, 20, {"billsec": -1})
                ),
                "CDR search, whole history, filtered on a caller": lambda: client.reports.cdr_search(
                    CdrQuery(date_from=month.date_from, date_to=now, src="557")
                ),
                "CDR search, last page of the history": lambda: client.reports.cdr_search(
                    month, Pagination(max(history - 20, 0), 20, {})
                ),
                "CDR search, 500 rows": lambda: client.reports.cdr_search(month, Pagination(0, 500, {})),
            }
            print(f"{'case':52} {'median':>9} {'× ping':>8}")
            for name, call in cases.items():
                took = await median_ms(call)
                print(f"{name:52} {took:7.1f} ms {took / baseline:7.1f}×")

            print(f"\n{'tracked calls':>14} {'requests per poll cycle':>24} {'cycle':>10} {'× ping':>8}")
            for count in (1, 1_000, 10_000):
                plan = plan_cycle(tracked(count, now), now)
                result = await fetch_cycle(client, plan, 500)
                took = await median_ms(lambda plan=plan: fetch_cycle(client, plan, 500))
                print(f"{count:>14,} {result.requests:>24} {took:7.1f} ms {took / baseline:7.1f}×")
    finally:
        sim.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().history))
