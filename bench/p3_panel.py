"""P3 — the live panel's CPU at 1,000 rows, 10 % of them changing every second.

Run: .venv/bin/python bench/p3_panel.py [--rows 1000] [--seconds 20]

The console's live panel runs headless in this process with 1,000 tracked calls, 100 of them
still going (their elapsed time ticks every second), the rest settled. The panel updates in
place (only what changed); the baseline clears and refills the table every second. Printed:
CPU seconds per second of each, and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime, timedelta

from simotui.api import Credentials, OriginateRequest, SimotelClient
from simotui.api.dates import pbx_zone
from simotui.api.models import Cdr
from simotui.calls.model import Call, Placement
from simotui.secret import Secret
from simotui.settings import Settings
from simotui.ui.app import make_app
from simotui.ui.widgets.live_calls import COLUMNS, LiveCallsPanel
from simotui.ui.widgets.live_table import LiveTable

T0 = datetime(2026, 11, 22, 10, tzinfo=UTC)
TEHRAN = pbx_zone("Asia/Tehran")


def calls(count: int, live_share: float) -> list[Call]:
    request = OriginateRequest("557", "09121234567", "main_routing", "557", call_limit=600)
    out = []
    every = round(1 / live_share)
    for i in range(count):
        at = T0 - timedelta(seconds=i)
        call = Call(
            f"k{i}", request, at, placement=Placement.ACCEPTED, answered_at=at, call_id=f"orig.call.{i}.1"
        )
        if i % every:  # one call in ten is still going, spread over the table as calls are
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


async def cpu_per_second(count: int, seconds: float, refill: bool, datatable: bool = False) -> float:
    settings = Settings(
        base_url="http://127.0.0.1:9", credentials=Credentials("key", api_key=Secret("k")), poll_interval=None
    )
    now = {"t": T0}
    client = SimotelClient(settings.base_url, settings.credentials)
    app = make_app(settings, client=client, clock=lambda: now["t"])
    async with app.run_test(size=(120, 40)) as pilot:
        app.tracker.add_restored(calls(count, 0.1) if count else [])
        await pilot.pause(0.5)
        panel = app.screen.query_one(LiveCallsPanel)
        if datatable:
            # The usual way: Textual's DataTable, cleared and refilled every second.
            from rich.text import Text
            from textual.widgets import DataTable

            grid: DataTable[Text] = DataTable()
            await panel.mount(grid)
            panel.query_one(LiveTable).display = False

            def refill_grid() -> None:
                snapshot = panel.rows.snapshot(dict(app.tracker.calls), now["t"], False, str)
                grid.clear(columns=not grid.columns)
                if not grid.columns:
                    grid.add_columns(*COLUMNS)
                for key, cells in snapshot.items():
                    grid.add_row(*(panel._cell(key, i, v) for i, v in enumerate(cells)), key=key)

            panel.render_rows = refill_grid  # type: ignore[method-assign]
        elif refill:
            table = panel.query_one(LiveTable)

            def refill_all() -> None:
                snapshot = panel.rows.snapshot(dict(app.tracker.calls), now["t"], False, str)
                table.clear()
                table.update_rows(
                    added={k: [panel._cell(k, i, v) for i, v in enumerate(c)] for k, c in snapshot.items()}
                )

            panel.render_rows = refill_all  # type: ignore[method-assign]
        started_cpu, started = time.process_time(), time.perf_counter()
        while time.perf_counter() - started < seconds:
            now["t"] += timedelta(seconds=1)
            await pilot.pause(1.0)
        return (time.process_time() - started_cpu) / (time.perf_counter() - started)


def measure(rows: int, seconds: float) -> dict[str, float]:
    """CPU per second: the console with no calls, the panel in place, the panel cleared and refilled."""
    return {
        "idle": asyncio.run(cpu_per_second(0, seconds, refill=False)),
        "in place": asyncio.run(cpu_per_second(rows, seconds, refill=False)),
        "refill": asyncio.run(cpu_per_second(rows, seconds, refill=True)),
        "datatable": asyncio.run(cpu_per_second(rows, seconds, refill=True, datatable=True)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    r = measure(args.rows, args.seconds)
    in_place, refill = r["in place"] - r["idle"], r["refill"] - r["idle"]
    print(f"console, no calls   {r['idle'] * 100:6.2f} % of a core")
    print(f"in place            {r['in place'] * 100:6.2f} %   ({in_place * 100:+.2f} for the panel)")
    grid = r["datatable"] - r["idle"]
    print(
        f"clear and refill    {r['refill'] * 100:6.2f} %   ({refill * 100:+.2f}: in place is {refill / max(in_place, 1e-6):.1f}× cheaper)"
    )
    print(
        f"DataTable, refilled {r['datatable'] * 100:6.2f} %   ({grid * 100:+.2f}: in place is {grid / max(in_place, 1e-6):.1f}× cheaper)"
    )


if __name__ == "__main__":
    main()
