"""Every benchmark in one run, summed up in one table of ratios to baselines measured alongside.

    make bench                      # the full run (about 10 minutes on 2 cores)
    .venv/bin/python bench/run.py --quick   # smaller sizes and shorter windows (about 3 minutes)
    .venv/bin/python bench/run.py --only p1,p5

Each benchmark (P1 start-up, P2 poll cost, P3 live panel, P4 at rest, P5 report page, P6 the
simulator, P7 pushed events, P8 the live panel's filter) is also a script of its own with more
detail. Here they run one after the other (never
two at once: each measures CPU, and two would share the cores), and each row of the table says what
was measured, the baseline it was measured against in the same run, the ratio and the goal. A goal
is a target, not an assertion: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import table

Row = list[str]


def p1() -> list[Row]:
    import p1_startup

    rows = []
    for what, ours, base_name, base in p1_startup.measure():
        goal = "≤ 3×" if "help" in what else "≤ 1.3×"
        rows.append([f"P1 {what}", f"{ours:.3f} s", f"{base_name} {base:.3f} s", f"{ours / base:.2f}×", goal])
    return rows


def p2(quick: bool) -> list[Row]:
    import p2_poll

    sizes = (10, 1000) if quick else (10, 1000, 10000)
    rows = []
    for size, r in p2_poll.measure(sizes).items():
        rows.append(
            [
                f"P2 requests per poll cycle, {size:,} calls",
                f"{r['later']:.0f} (1st {r['first']:.0f})",
                "—",
                "—",
                "≤ 2",
            ]
        )
        rows.append(
            [
                f"P2 UI loop stall in a cycle, {size:,} calls",
                f"{r['later stall'] * 1000:.1f} ms",
                f"idle loop {r['idle stall'] * 1000:.1f} ms",
                f"{r['later stall'] / max(r['idle stall'], 1e-4):.1f}×",
                "never stalled",
            ]
        )
    return rows


def p3(quick: bool) -> list[Row]:
    import p3_panel

    r = p3_panel.measure(1000, 8 if quick else 20)
    in_place = max(r["in place"] - r["idle"], 1e-6)
    refill = r["refill"] - r["idle"]
    return [
        [
            "P3 live panel, 1,000 rows, 10 %/s changing",
            f"{in_place * 100:.2f} % of a core",
            f"clear and refill {refill * 100:.2f} %",
            f"{refill / in_place:.1f}× cheaper",
            "≤ 10 %; ≥ 5× cheaper",
        ]
    ]


def p4(quick: bool) -> list[Row]:
    import p4_rest

    calls = 300 if quick else 1000
    r = p4_rest.measure(calls, 20 if quick else 60)
    return [
        [
            "P4 console idle, no calls",
            f"{r['console idle'] * 100:.2f} % of a core",
            f"bare Textual app {r['bare idle'] * 100:.2f} %",
            f"{r['console idle'] / r['bare idle']:.2f}×",
            "≤ 1.2×",
        ],
        [
            f"P4 {calls:,} restored calls settling",
            f"{r['settling'] * 100:.2f} % of a core",
            f"console idle {r['console idle'] * 100:.2f} %",
            f"{r['settling'] / r['console idle']:.1f}×",
            "≤ 10 % of a core",
        ],
        [
            f"P4 {calls:,} settled calls, at rest",
            f"{r['at rest'] * 100:.2f} % of a core",
            f"console idle {r['console idle'] * 100:.2f} %",
            f"{r['at rest'] / r['console idle']:.2f}×",
            "≤ 1.5×",
        ],
    ]


def p5(quick: bool) -> list[Row]:
    import p5_reports

    history = 20_000 if quick else 100_000
    r = p5_reports.measure(history)
    return [
        [
            f"P5 report page, 100 rows of {history:,} CDRs",
            f"{r['drawn'] * 1000:.1f} ms",
            f"raw httpx fetch {r['raw'] * 1000:.1f} ms",
            f"{r['drawn'] / r['raw']:.2f}×",
            "≤ 2×",
        ]
    ]


def p6(quick: bool) -> list[Row]:
    import p6_sim

    size = 10_000 if quick else 100_000
    f = p6_sim.measure(1.0 if quick else 1.5, 16, [size], 2 if quick else 3)
    return [
        [
            "P6 simulator cdr/search, 16 connections",
            f"{f['search_rps']:.0f} req/s",
            f"bare Starlette {f['bare_rps']:.0f} req/s",
            f"{f['search_share']:.2f}×",
            "≥ 0.5×",
        ],
        [
            f"P6 search sorted by billsec, {size:,} CDRs",
            f"{f[f'billsec_ms_{size}']:.1f} ms",
            f"default order {f[f'default_ms_{size}']:.1f} ms",
            f"{f[f'billsec_ratio_{size}']:.1f}×",
            "≤ 3×",
        ],
        [
            f"P6 search filtered by caller, {size:,} CDRs",
            f"{f[f'caller_ms_{size}']:.1f} ms",
            f"default order {f[f'default_ms_{size}']:.1f} ms",
            f"{f[f'caller_ratio_{size}']:.1f}×",
            "≤ 3×",
        ],
    ]


def p7(quick: bool) -> list[Row]:
    import asyncio
    import tempfile

    import events

    seconds = 3.0 if quick else 10.0
    with tempfile.TemporaryDirectory() as scratch:
        events_file = Path(scratch) / "events.jsonl"
        events_file.write_text("\n".join(events.traffic_events(5000)) + "\n")
        idle = asyncio.run(events.run(None, seconds, events_file))
        steady = asyncio.run(events.run(100, seconds, events_file))
        flood = asyncio.run(events.run(0, seconds, events_file))
    return [
        [
            "P7 pushed events, 100/s, PBX view open",
            f"{steady['cpu'] * 100:.1f} % of a core",
            f"console idle {idle['cpu'] * 100:.1f} %",
            f"{steady['cpu'] / max(idle['cpu'], 1e-6):.1f}×",
            "responsive (lag below)",
        ],
        [
            "P7 event-loop lag p95 at 100 events/s",
            f"{steady['lag p95'] * 1000:.1f} ms",
            f"idle {idle['lag p95'] * 1000:.1f} ms",
            f"{steady['lag p95'] / max(idle['lag p95'], 1e-4):.1f}×",
            "≤ 50 ms",
        ],
        [
            "P7 events ingested, flood",
            f"{flood['ingested/s']:.0f}/s",
            f"sent {flood['sent/s']:.0f}/s",
            f"{flood['ingested/s'] / max(flood['sent/s'], 1e-6):.2f}×",
            "all of them",
        ],
    ]


def p8(quick: bool) -> list[Row]:
    import asyncio

    import filter as panel_filter

    refresh, keystroke, _shown = asyncio.run(panel_filter.measure(10_000, 3 if quick else 10))
    return [
        [
            "P8 filter keystroke, 10,000 rows",
            f"{keystroke:.1f} ms",
            f"unfiltered refresh {refresh:.1f} ms",
            f"{keystroke / max(refresh, 1e-6):.2f}×",
            "≤ 50 ms",
        ]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, shorter windows")
    parser.add_argument("--only", default="p1,p2,p3,p4,p5,p6,p7,p8", help="which benchmarks, e.g. p1,p5")
    args = parser.parse_args()
    chosen = {name.strip().lower() for name in args.only.split(",") if name.strip()}
    benches: dict[str, Callable[[], list[Row]]] = {
        "p1": p1,
        "p2": lambda: p2(args.quick),
        "p3": lambda: p3(args.quick),
        "p4": lambda: p4(args.quick),
        "p5": lambda: p5(args.quick),
        "p6": lambda: p6(args.quick),
        "p7": lambda: p7(args.quick),
        "p8": lambda: p8(args.quick),
    }
    unknown = chosen - benches.keys()
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    rows: list[Row] = []
    started = time.perf_counter()
    for name, bench in benches.items():
        if name not in chosen:
            continue
        print(f"running {name.upper()} …", file=sys.stderr, flush=True)
        try:
            rows.extend(bench())
        except Exception as error:  # one broken benchmark must not hide the others' figures
            rows.append([f"{name.upper()} failed", f"{type(error).__name__}: {error}", "—", "—", "—"])
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"\nsimotui benchmarks, {when}, {platform.machine()} {_cores()} cores, Python {platform.python_version()}"
    )
    print(f"{'quick run' if args.quick else 'full run'}, {time.perf_counter() - started:.0f} s\n")
    print(table(rows, ["what", "simotui", "baseline (same run)", "ratio", "goal"]))


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
