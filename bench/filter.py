"""Filter keystroke latency at 10,000 rows, as a ratio to an unfiltered refresh in the same run.

Run: .venv/bin/python bench/filter.py [--rows 10000] [--rounds 10] [--quick]

The console runs headless in this process with 10,000 tracked calls (one in ten still going, so
its elapsed time ticks; callers of every kind). Two things are timed, each up to the screen
having been updated (``pilot.pause``):

- an unfiltered refresh: a second of PBX time passes and the panel renders (what happens every
  second while nothing is typed);
- a keystroke in the live filter (``/``): one character more of ``09120001``, every row matched
  again and the table re-ordered.

Printed: the medians and the keystroke's ratio to the refresh. Nothing asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta

from simotui.api import Credentials, OriginateRequest, SimotelClient
from simotui.api.dates import pbx_zone
from simotui.api.models import Cdr
from simotui.calls.model import Call, Placement
from simotui.secret import Secret
from simotui.settings import Settings
from simotui.ui.app import make_app
from simotui.ui.widgets.live_calls import LiveCallsPanel
from simotui.ui.widgets.live_table import LiveTable

T0 = datetime(2026, 11, 22, 10, tzinfo=UTC)
TEHRAN = pbx_zone("Asia/Tehran")
TYPED = "09120001"


def calls(count: int) -> list[Call]:
    """``count`` calls: extensions and mobiles of many numbers, one in ten still going."""
    out = []
    for i in range(count):
        caller = f"0912{i:07d}" if i % 3 else str(500 + i % 100)
        request = OriginateRequest(caller, str(600 + i % 50), "main_routing", "", call_limit=600)
        at = T0 - timedelta(seconds=i)
        call = Call(
            f"k{i}", request, at, placement=Placement.ACCEPTED, answered_at=at, call_id=f"orig.call.{i}.1"
        )
        if i % 10:
            leg = Cdr.from_api(
                {
                    "_id": f"r{i}",
                    "originated_call_id": call.call_id,
                    "disposition": "ANSWERED",
                    "billsec": i % 90,
                },
                TEHRAN,
            )
            call = call.with_legs([leg])
        out.append(call)
    return out


async def measure(rows: int, rounds: int) -> tuple[float, float, int]:
    """Median ms of an unfiltered refresh and of a filter keystroke; rows shown after typing."""
    settings = Settings(
        base_url="http://127.0.0.1:9", credentials=Credentials("key", api_key=Secret("k")), poll_interval=None
    )
    now = {"t": T0}
    app = make_app(
        settings, client=SimotelClient(settings.base_url, settings.credentials), clock=lambda: now["t"]
    )
    refreshes: list[float] = []
    keystrokes: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.tracker.add_restored(calls(rows))
        panel = app.screen.query_one(LiveCallsPanel)
        table = panel.query_one("#live-table", LiveTable)
        while table.row_count < rows:
            await pilot.pause(0.1)
        table.focus()
        await pilot.pause(0.5)
        shown = rows
        for _ in range(rounds):
            # The baseline: one second passes, the panel renders, the screen is updated.
            for _ in range(len(TYPED)):
                now["t"] += timedelta(seconds=1)
                started = time.perf_counter()
                panel.render_rows()
                await pilot.pause()
                refreshes.append((time.perf_counter() - started) * 1000)
            await pilot.press("slash")
            field = panel.query_one("#live-filter")
            for char in TYPED:
                started = time.perf_counter()
                field.insert_text_at_cursor(char)  # type: ignore[attr-defined]
                await pilot.pause()
                keystrokes.append((time.perf_counter() - started) * 1000)
            shown = table.row_count
            await pilot.press("escape")
            await pilot.pause()
    return statistics.median(refreshes), statistics.median(keystrokes), shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="three rounds (a check that it runs)")
    args = parser.parse_args()
    rounds = 3 if args.quick else args.rounds
    refresh, keystroke, shown = asyncio.run(measure(args.rows, rounds))
    print(f"rows                    {args.rows:,} ({shown:,} match {TYPED!r})")
    print(f"unfiltered refresh      {refresh:7.2f} ms (median of {rounds * len(TYPED)})")
    print(f"filter keystroke        {keystroke:7.2f} ms (median of {rounds * len(TYPED)})")
    print(f"keystroke / refresh     {keystroke / max(refresh, 1e-6):7.2f}×")


if __name__ == "__main__":
    main()
