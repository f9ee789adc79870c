"""P5 — a report page of 100 rows out of 100,000 CDRs: fetched and drawn, against the raw fetch.

Run: .venv/bin/python bench/p5_reports.py [--history 100000]

The console's report browser, headless in this process against a simulator in this process, is
sent from page to page (100 rows each); each page is timed from the request to the table drawn.
The baseline is the same request sent with a bare httpx client, its JSON decoded and nothing else.
Medians of several pages; printed as a ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import replace
from datetime import UTC, datetime

import httpx

from simotui.api import CdrQuery, Credentials, Pagination, SimotelClient
from simotui.api.dates import pbx_zone
from simotui.secret import Secret
from simotui.settings import Settings
from simotui.sim import SimConfig, start_simulator
from simotui.ui.app import make_app

PAGES = 9


async def measure_async(history: int) -> dict[str, float]:
    sim = start_simulator(SimConfig(seed=4, speed=0, history=history))
    credentials = Credentials("both", "admin", Secret("simotel"), Secret("simotui-demo-key"))
    try:
        tz = pbx_zone("Asia/Tehran")
        now = datetime.fromtimestamp(sim.pbx.clock.now(), UTC)
        settings = Settings(base_url=sim.url, credentials=credentials, poll_interval=None)
        app = make_app(settings, clock=lambda: now)
        drawn: list[float] = []
        async with app.run_test(size=(120, 40)) as pilot:
            from simotui.ui.widgets.report_browser import ReportBrowser

            await pilot.press("ctrl+r")
            await pilot.pause(0.5)
            browser = app.screen.query_one("#cdr-browser", ReportBrowser)
            while browser.total is None:
                await pilot.pause(0.05)
            # A month back: the whole history is in the window.
            filters = dict(browser.state.filters)
            filters["since"] = datetime.fromtimestamp(now.timestamp() - 31 * 86400, UTC)
            state = replace(browser.state, filters=filters, count=100)
            for page in range(PAGES):
                browser.total = None
                started = time.perf_counter()
                browser.load(replace(state, start=page * 100))
                while browser.total is None:  # noqa: ASYNC110 -- polling is the measurement: an Event would add a wake-up
                    await asyncio.sleep(0.0005)
                await pilot.pause()
                drawn.append(time.perf_counter() - started)
        query = CdrQuery(date_from=filters["since"], date_to=filters["until"])
        raw: list[float] = []
        async with SimotelClient(sim.url, credentials) as client:
            headers = dict(client._http.headers)
        async with httpx.AsyncClient(base_url=sim.url, headers=headers) as bare:
            for page in range(PAGES):
                body = query.to_api(tz, Pagination(page * 100, 100, {}))
                started = time.perf_counter()
                response = await bare.post("/api/v4/reports/cdr/search", json=body)
                response.json()
                raw.append(time.perf_counter() - started)
        return {"drawn": statistics.median(drawn[1:]), "raw": statistics.median(raw[1:])}
    finally:
        sim.stop()


def measure(history: int = 100_000) -> dict[str, float]:
    return asyncio.run(measure_async(history))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=100_000)
    r = measure(parser.parse_args().history)
    print(f"page fetched and drawn  {r['drawn'] * 1000:7.1f} ms")
    print(f"raw fetch of that page  {r['raw'] * 1000:7.1f} ms   drawn / raw {r['drawn'] / r['raw']:5.2f}×")


if __name__ == "__main__":
    main()
