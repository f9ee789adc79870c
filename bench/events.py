"""Pushed events — what the console ingests while its panels stay responsive, and what 100/s costs.

Run: .venv/bin/python bench/events.py [--seconds 10] [--quick]

The console runs headless in this process, with its event receiver on loopback, 100 tracked
calls still going and the PBX view open. A separate process (so its CPU is not counted here)
posts the simulator's own events (background traffic, in the documented shapes) to the receiver:

- **idle**: nothing is sent (the baseline of this run);
- **100/s**: a steady 100 events a second;
- **flood**: as fast as one keep-alive connection goes.

Printed for each: events per second the console ingested (taken by the receiver and applied to
the tracker and the PBX view), CPU of this process per second (the receiver's threads included),
and how late a 50 ms timer on the event loop fires (median and 95th percentile) — the loop that
reads keys and draws. Every figure is also a ratio to idle, measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from simotui.api import Credentials, OriginateRequest, SimotelClient
from simotui.calls.model import Call, Placement
from simotui.events.link import running_receiver
from simotui.secret import Secret
from simotui.settings import EventsSettings, Settings
from simotui.sim import SimConfig, build_pbx
from simotui.ui.app import make_app

T0 = datetime(2026, 11, 22, 10, tzinfo=UTC)
TICK = 0.05

SENDER = r"""
import json, sys, time, httpx
url, path, rate, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
bodies = [line.encode() for line in open(path)]
sent = 0
with httpx.Client(headers={"Content-Type": "application/json"}) as client:
    start = time.perf_counter()
    while True:
        now = time.perf_counter() - start
        if now >= seconds:
            break
        if rate > 0 and sent >= now * rate:
            time.sleep(min(0.005, (sent / rate) - now + 0.0005))
            continue
        client.post(url, content=bodies[sent % len(bodies)])
        sent += 1
print(sent)
"""


def traffic_events(count: int) -> list[str]:
    """The simulator's own pushed events of busy background traffic, as JSON lines."""
    pbx = build_pbx(SimConfig(seed=9, speed=0, start_time=T0))
    payloads: list[str] = []
    pbx.webhooks.sink = lambda event: payloads.append(json.dumps(event.payload))
    pbx.traffic.start(600)
    while len(payloads) < count:
        pbx.advance(10)
    return payloads[:count]


def tracked(count: int) -> list[Call]:
    """Direct calls still going (their rows tick; events are matched against them)."""
    out = []
    for i in range(count):
        dial = OriginateRequest(f"7{i:03d}", f"8{i:03d}", "main_routing", f"7{i:03d}", call_limit=600)
        at = T0 - timedelta(seconds=i)
        out.append(
            Call(f"k{i}", dial, at, placement=Placement.ACCEPTED, answered_at=at, call_id=f"orig.call.{i}.1")
        )
    return out


def start_sender(url: str, events_file: Path, rate: float, seconds: float) -> subprocess.Popen[str]:
    """The process that posts the events (its CPU is its own, not the console's)."""
    argv = [sys.executable, "-c", SENDER, url, str(events_file), str(rate), str(seconds)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)


def sent_by(sender: subprocess.Popen[str], timeout: float) -> int:
    """How many events the sender posted (it prints the count when it is done)."""
    out, _ = sender.communicate(timeout=timeout)
    return int(out.strip() or 0)


async def run(rate: float | None, seconds: float, events_file: Path) -> dict[str, float]:
    """One measurement: ``rate`` None is idle, 0 a flood, else events a second."""
    settings = Settings(
        base_url="http://127.0.0.1:9", credentials=Credentials("key", api_key=Secret("k")), poll_interval=None
    )
    now = {"t": T0}
    with running_receiver(EventsSettings(listen="127.0.0.1:0")) as link:
        app = make_app(
            settings,
            client=SimotelClient(settings.base_url, settings.credentials),
            clock=lambda: now["t"],
            events=link,
        )
        async with app.run_test(size=(120, 40)) as pilot:
            app.tracker.add_restored(tracked(100))
            await pilot.press("f6")
            await pilot.pause(0.5)
            sender = (
                start_sender(f"{link.url}/simotel", events_file, rate, seconds) if rate is not None else None
            )
            applied_before = app.pbx_view.events_applied
            lags: list[float] = []
            cpu0, wall0 = time.process_time(), time.perf_counter()
            loop = asyncio.get_running_loop()
            while time.perf_counter() - wall0 < seconds:
                asked = loop.time()
                await asyncio.sleep(TICK)
                lags.append(loop.time() - asked - TICK)
                now["t"] = T0 + timedelta(seconds=time.perf_counter() - wall0)
            cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
            wall = time.perf_counter() - wall0
            sent = sent_by(sender, seconds + 30) if sender is not None else 0
            await pilot.pause(0.5)
            applied = app.pbx_view.events_applied - applied_before
            lags.sort()
            return {
                "sent/s": sent / wall,
                "ingested/s": applied / wall,
                "refused": float(link.stats.refused_total),
                "cpu": cpu,
                "lag p50": statistics.median(lags),
                "lag p95": lags[int(len(lags) * 0.95)],
            }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--quick", action="store_true", help="3 s a case")
    args = parser.parse_args()
    seconds = 3.0 if args.quick else args.seconds
    with tempfile.TemporaryDirectory() as scratch:
        events_file = Path(scratch) / "events.jsonl"
        events_file.write_text("\n".join(traffic_events(5000)) + "\n")
        results = {
            "idle": asyncio.run(run(None, seconds, events_file)),
            "100/s": asyncio.run(run(100, seconds, events_file)),
            "flood": asyncio.run(run(0, seconds, events_file)),
        }
    idle = results["idle"]
    print(
        f"{'case':<7} {'sent/s':>8} {'ingested/s':>11} {'CPU':>8} {'× idle':>7} {'lag p50':>8} {'p95':>8} {'p95 × idle':>10}"
    )
    for name, r in results.items():
        cpu_ratio = r["cpu"] / max(idle["cpu"], 1e-6)
        lag_ratio = r["lag p95"] / max(idle["lag p95"], 1e-4)
        print(
            f"{name:<7} {r['sent/s']:8.0f} {r['ingested/s']:11.0f} {r['cpu'] * 100:7.1f}% {cpu_ratio:7.2f}"
            f" {r['lag p50'] * 1000:6.1f}ms {r['lag p95'] * 1000:6.1f}ms {lag_ratio:10.2f}"
        )
        if r["refused"]:
            print(f"        ({r['refused']:.0f} deliveries refused)")


if __name__ == "__main__":
    main()
