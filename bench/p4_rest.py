"""P4 — the console's CPU idle, while 1,000 restored calls reach their end, and with them settled.

Run: .venv/bin/python bench/p4_rest.py [--calls 1000] [--seconds 60]

A simulator runs in this process at real speed; 1,000 answered originates are placed on it and
journalled as in flight, as a console killed mid-shift would leave them. Then, each in a
pseudo-terminal: a bare Textual app idle (the baseline), the console idle (no calls), and the
console restoring the 1,000 calls — its CPU while they reach their final states, then at rest.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import PYTHON, Terminal, bare_app, cpu_over, rss_mib

from simotui.api import Credentials, OriginateRequest, SimotelClient
from simotui.calls.dials import dial_to_json
from simotui.config import ADHOC_PROFILE
from simotui.secret import Secret
from simotui.sim import SimConfig, SimulatorHandle, start_simulator
from simotui.store.journal import Journal

CALLERS = ["101", "102", "103", "104", "105", "521", "550", "553", "554", "555", "557", "558"]


async def place(sim: SimulatorHandle, journal_path: Path, count: int) -> None:
    """``count`` answered originates, journalled as accepted and in flight."""
    credentials = Credentials("both", "admin", Secret("simotel"), Secret("simotui-demo-key"))
    journal = Journal(journal_path)
    async with SimotelClient(sim.url, credentials) as client:
        for i in range(count):
            caller = CALLERS[i % len(CALLERS)]
            request = OriginateRequest(caller, "552", "main_routing", caller, call_limit=20)
            now = datetime.fromtimestamp(sim.pbx.clock.now(), UTC)
            key = f"bench{i}"
            journal.record_request(
                key, "originate", {"dial": dial_to_json(request), "sent": request.to_api()}, "bench", now
            )
            result = await client.calls.originate(request)
            journal.record_answer(
                key,
                "accepted",
                state="waiting for CDR",
                final=False,
                answered_at=now,
                call_id=result.originated_call_id,
            )
    journal.close()


def in_flight(journal_path: Path) -> int:
    with sqlite3.connect(journal_path) as db:
        return int(db.execute("SELECT count(*) FROM requests WHERE final = 0").fetchone()[0])


def console(sim: SimulatorHandle, data: str) -> Terminal:
    env = {
        "SIMOTUI_PASSWORD": sim.settings.password,
        "SIMOTUI_API_KEY": sim.settings.api_key,
        "SIMOTUI_CONFIG": str(Path(data) / "none.toml"),
        "SIMOTUI_PROFILE": "",
        "XDG_DATA_HOME": data,
        "XDG_STATE_HOME": data,
    }
    argv = [PYTHON, "-m", "simotui", "--url", sim.url, "--username", "admin", "--poll-interval", "3"]
    return Terminal(argv, env).start()


def measure(calls: int, seconds: float) -> dict[str, float]:
    sim = start_simulator(SimConfig(seed=2, speed=1, history=500))
    results: dict[str, float] = {}
    try:
        bare = Terminal(bare_app()).start()
        bare.wait_for("BARE-READY")
        time.sleep(2)
        cpu, span = cpu_over(bare.pid, seconds)
        results["bare idle"] = cpu / span
        bare.stop()

        with tempfile.TemporaryDirectory(prefix="simotui-bench-idle-") as data:
            idle = console(sim, data)
            idle.wait_for("Live calls")
            time.sleep(3)
            cpu, span = cpu_over(idle.pid, seconds)
            results["console idle"] = cpu / span
            results["rss idle"] = rss_mib(idle.pid)
            idle.stop()

        with tempfile.TemporaryDirectory(prefix="simotui-bench-busy-") as data:
            journal_path = Path(data) / "simotui" / "journal.sqlite3"
            journal_path.parent.mkdir(parents=True)
            # Named with the profile the console resolves for --url (its default).
            asyncio.run(place(sim, journal_path, calls))
            with sqlite3.connect(journal_path) as db:
                db.execute("UPDATE requests SET profile = ?", (ADHOC_PROFILE,))
            busy = console(sim, data)
            busy.wait_for("Live calls")
            started = time.perf_counter()
            cpu, span = cpu_over(busy.pid, seconds, until=lambda: in_flight(journal_path) == 0)
            results["settling"] = cpu / span
            results["settled after"] = time.perf_counter() - started
            results["left in flight"] = in_flight(journal_path)
            time.sleep(2)
            cpu, span = cpu_over(busy.pid, seconds / 2)
            results["at rest"] = cpu / span
            results["rss busy"] = rss_mib(busy.pid)
            busy.stop()
    finally:
        sim.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    r = measure(args.calls, args.seconds)
    print(f"bare Textual app idle          {r['bare idle'] * 100:6.2f} % of a core")
    print(
        f"console idle                   {r['console idle'] * 100:6.2f} %   {r['console idle'] / r['bare idle']:5.2f}× bare"
    )
    print(
        f"console, {args.calls} calls settling   {r['settling'] * 100:6.2f} %   {r['settling'] / r['console idle']:5.1f}× idle"
        f"   (all final after {r['settled after']:.0f} s; {r['left in flight']:.0f} left)"
    )
    print(
        f"console, {args.calls} settled, rest   {r['at rest'] * 100:6.2f} %   {r['at rest'] / r['console idle']:5.2f}× idle"
    )
    print(
        f"RSS idle / with {args.calls} calls       {r['rss idle']:6.1f} / {r['rss busy']:.1f} MiB   {r['rss busy'] / r['rss idle']:5.2f}×"
    )


if __name__ == "__main__":
    main()
