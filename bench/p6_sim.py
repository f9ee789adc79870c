"""P6 — the simulator as a load generator: throughput against a bare endpoint, search latency by size.

Run: .venv/bin/python bench/p6_sim.py [--seconds 1.5] [--rounds 3] [--connections 16] [--sizes 1000,10000,100000]

Each server runs in a subprocess (so the load generator never shares its GIL) on the same uvicorn
setup: the simulator through ``simotui.sim.server.serve``, the baseline a bare Starlette app answering
one small JSON envelope with uvicorn configured as the simulator configures it. The load generator is
a plain asyncio HTTP/1.1 client keeping ``--connections`` keep-alive connections busy (it costs far
less per request than any full client, so the servers are what is measured).

Printed: requests per second of ``reports/cdr/search`` (20 rows of a month, 10,000 past CDRs),
``call/originate/act`` and ``setting/ping/act``, each as a share of the bare endpoint's rate in the
same run; then the median latency of a CDR search at each history size -- the default page, the same
page sorted by ``billsec``, and filtered on a caller (a substring, as the console asks, and exactly)
-- with the sorted and filtered ones as a multiple of the default page. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import PYTHON, ROOT, table

#: Past CDRs behind the throughput runs' searches.
THROUGHPUT_HISTORY = 10_000
#: Latency samples per case (after one warm-up).
LATENCY_SAMPLES = 21

_SIM_SERVER = """
import sys
from simotui.sim import SimConfig
from simotui.sim.server import serve
serve(SimConfig(seed=1, speed=float(sys.argv[2]), history=int(sys.argv[1]), control=True), port=0)
"""

_BARE_SERVER = """
import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from simotui.serving import bind_tcp
from simotui.sim.connection import uvicorn_options

async def answer(request):
    await request.body()
    return JSONResponse({"success": 1, "message": "", "data": None})

app = Starlette(routes=[Route("/{path:path}", answer, methods=["GET", "POST", "PUT"])])
sock = bind_tcp("127.0.0.1", 0)
print(f"listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
config = uvicorn.Config(app, log_level="warning", lifespan="off", server_header=False, **uvicorn_options())
uvicorn.Server(config).run(sockets=[sock])
"""


@contextmanager
def server(script: str, *args: str) -> Iterator[int]:
    """Run a server script in a subprocess; yields its port once it listens."""
    process = subprocess.Popen(
        [PYTHON, "-c", script, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        port = 0
        for line in process.stdout:
            if "listening on http://" in line:
                port = int(line.split("listening on http://", 1)[1].split()[0].rsplit(":", 1)[1])
                break
        if not port:
            raise RuntimeError(f"server did not start: {process.stderr.read() if process.stderr else ''}")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def request_bytes(path: str, body: dict[str, Any] | None) -> bytes:
    """One HTTP/1.1 keep-alive POST with the simulator's default credentials."""
    payload = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
    token = base64.b64encode(b"admin:simotel").decode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic {token}\r\n"
        f"X-APIKEY: simotui-demo-key\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> bytes:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = head.split(b" ", 2)[1]
    if status != b"200":
        raise RuntimeError(f"unexpected status {status!r}: {head[:200]!r}")
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    return await reader.readexactly(length)


async def throughput(port: int, request: bytes, seconds: float, connections: int) -> float:
    """Requests per second with ``connections`` connections each sending back to back."""
    done = 0
    stop_at = 0.0

    async def worker() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < stop_at:
                await _exchange(reader, writer, request)
                done += 1
        finally:
            writer.close()

    warm_until = time.perf_counter() + min(0.5, seconds / 4)
    stop_at = warm_until
    await asyncio.gather(*(worker() for _ in range(connections)))
    done = 0
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(*(worker() for _ in range(connections)))
    return done / (time.perf_counter() - started)


async def latencies_ms(
    port: int, requests: dict[str, bytes], samples: int = LATENCY_SAMPLES
) -> dict[str, float]:
    """Median milliseconds of each request, one at a time over one connection.

    The requests take turns (one sample of each per round, after two warm-up rounds), so a
    drift in the machine's speed weighs on all of them alike.
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    took: dict[str, list[float]] = {name: [] for name in requests}
    try:
        for name, request in requests.items():
            body = await _exchange(reader, writer, request)
            if b'"success":1' not in body:
                raise RuntimeError(f"{name} failed: {body[:200]!r}")
        for round_ in range(samples + 2):
            for name, request in requests.items():
                started = time.perf_counter()
                await _exchange(reader, writer, request)
                if round_ >= 2:
                    took[name].append((time.perf_counter() - started) * 1000)
        return {name: statistics.median(values) for name, values in took.items()}
    finally:
        writer.close()


def _month() -> dict[str, str]:
    # Every history starts before the real now (speed 1) and lies within the 30 days before it.
    now = datetime.now(ZoneInfo("Asia/Tehran"))  # the PBX's zone, in which date_range is read
    return {
        "from": (now - timedelta(days=31)).strftime("%Y-%m-%d %H:%M"),
        "to": (now + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
    }


def search(sorting: dict[str, int] | None = None, caller: str = "", alike: bool = True) -> bytes:
    """A CDR search of the last month as the console sends it: 20 rows, optionally sorted, or
    filtered on ``from`` (``alike``: a substring, as the console asks; else an exact match)."""
    body = {
        "alike": "true" if alike else "false",
        "conditions": {"from": caller, "to": "", "cuid": ""},
        "date_range": _month(),
        "pagination": {"start": 0, "count": 20, "sorting": sorting or {}},
    }
    return request_bytes("/api/v4/reports/cdr/search", body)


ORIGINATE = request_bytes(
    "/api/v4/call/originate/act",
    {"caller": "557", "callee": "552", "context": "main_routing", "caller_id": "557", "timeout": "30"},
)
PING = request_bytes("/api/v4/setting/ping/act", None)
#: A caller of the seeded directory, as frequent in the history as any extension.
CALLER = "557"


def measure(
    seconds: float = 1.5,
    connections: int = 16,
    sizes: Sequence[int] = (1_000, 10_000, 100_000),
    rounds: int = 3,
) -> dict[str, float]:
    """Every figure of P6, by name (rates in req/s, latencies in ms, ratios as plain numbers).

    A shared machine's speed drifts by tens of percent from one second to the next, so each
    endpoint's rate is measured right after the bare endpoint's, ``rounds`` times, and the
    figures are the medians of those rates and of the per-round ratios.
    """
    figures: dict[str, float] = {}
    cases = (("search", search()), ("ping", PING), ("originate", ORIGINATE))
    rates: dict[str, list[float]] = {name: [] for name, _ in cases}
    shares: dict[str, list[float]] = {name: [] for name, _ in cases}
    bare: list[float] = []
    with server(_BARE_SERVER) as bare_port, server(_SIM_SERVER, str(THROUGHPUT_HISTORY), "1") as port:
        for _ in range(rounds):
            for name, request in cases:
                baseline = asyncio.run(throughput(bare_port, PING, seconds, connections))
                rate = asyncio.run(throughput(port, request, seconds, connections))
                bare.append(baseline)
                rates[name].append(rate)
                shares[name].append(rate / baseline)
    figures["bare_rps"] = statistics.median(bare)
    for name, _ in cases:
        figures[f"{name}_rps"] = statistics.median(rates[name])
        figures[f"{name}_share"] = statistics.median(shares[name])
    for size in sizes:
        with server(_SIM_SERVER, str(size), "1") as port:
            searches = {
                "default": search(),
                "billsec": search({"billsec": -1}),
                "caller": search(caller=CALLER),
                "exact": search(caller=CALLER, alike=False),
            }
            medians = asyncio.run(latencies_ms(port, searches))
        default, by_billsec, by_caller, exact = (medians[name] for name in searches)
        figures[f"default_ms_{size}"] = default
        figures[f"billsec_ms_{size}"] = by_billsec
        figures[f"caller_ms_{size}"] = by_caller
        figures[f"exact_ms_{size}"] = exact
        figures[f"billsec_ratio_{size}"] = by_billsec / default
        figures[f"caller_ratio_{size}"] = by_caller / default
        figures[f"exact_ratio_{size}"] = exact / default
    return figures


def main() -> None:
    """Measure, then print both tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=1.5, help="seconds of load per throughput run")
    parser.add_argument("--rounds", type=int, default=3, help="throughput runs per endpoint")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument("--sizes", default="1000,10000,100000", help="history sizes for the latency runs")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    f = measure(args.seconds, args.connections, sizes, args.rounds)
    print(f"throughput, {args.connections} connections, {THROUGHPUT_HISTORY:,} past CDRs behind the search")
    rows = [["bare Starlette JSON", f"{f['bare_rps']:.0f}", "1.00×"]]  # medians over the rounds
    for name, label in (
        ("search", "reports/cdr/search (20 rows)"),
        ("ping", "setting/ping/act"),
        ("originate", "call/originate/act"),
    ):
        rows.append([label, f"{f[f'{name}_rps']:.0f}", f"{f[f'{name}_share']:.2f}×"])
    print(table(rows, ["endpoint", "req/s", "÷ bare"]))
    print("\nCDR search latency (median ms), 20 rows of a month")
    rows = []
    for size in sizes:
        rows.append(
            [
                f"{size:,}",
                f"{f[f'default_ms_{size}']:.1f}",
                f"{f[f'billsec_ms_{size}']:.1f}",
                f"{f[f'billsec_ratio_{size}']:.1f}×",
                f"{f[f'caller_ms_{size}']:.1f}",
                f"{f[f'caller_ratio_{size}']:.1f}×",
                f"{f[f'exact_ms_{size}']:.1f}",
                f"{f[f'exact_ratio_{size}']:.1f}×",
            ]
        )
    header = [
        "history",
        "default",
        "by billsec",
        "÷ default",
        "from~557",
        "÷ default",
        "from=557",
        "÷ default",
    ]
    print(table(rows, header))
    print("(from~557: a substring match, as the console searches; from=557: an exact match)")


if __name__ == "__main__":
    main()
