"""The PBX's clock, estimated from the Date headers of its answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx

from simotui.calls.clock import PbxClock, parse_http_date
from simotui.sim import SimConfig, start_simulator


class Fake:
    """Our wall and monotonic clocks, moved by hand."""

    def __init__(self) -> None:
        self.mono = 1000.0
        self.wall = 1_800_000_000.0

    def tick(self, seconds: float) -> None:
        self.mono += seconds
        self.wall += seconds


def header(epoch: float) -> str:
    return format_datetime(datetime.fromtimestamp(int(epoch), UTC), usegmt=True)


def test_before_any_answer_it_is_our_own_time() -> None:
    ours = Fake()
    clock = PbxClock(lambda: ours.wall, lambda: ours.mono)
    assert clock().timestamp() == ours.wall and clock.offset is None


def test_a_pbx_minutes_behind_us() -> None:
    ours = Fake()
    clock = PbxClock(lambda: ours.wall, lambda: ours.mono)
    pbx = ours.wall - 600
    clock.observe_header(header(pbx))
    assert abs(clock().timestamp() - (pbx + 0.5)) < 1
    ours.tick(30)
    assert abs(clock().timestamp() - (pbx + 30)) < 1.5
    assert clock.rate == 1.0


def test_a_pbx_that_runs_twenty_times_faster_than_us() -> None:
    ours = Fake()
    clock = PbxClock(lambda: ours.wall, lambda: ours.mono)
    pbx = ours.wall
    for _ in range(30):
        clock.observe_header(header(pbx))
        ours.tick(1.0)
        pbx += 20
    assert 18 < clock.rate < 22
    ours.tick(10)
    assert abs(clock().timestamp() - (pbx - 20 + 200)) < 25


def test_jitter_of_a_real_pbx_is_not_taken_for_a_rate() -> None:
    ours = Fake()
    clock = PbxClock(lambda: ours.wall, lambda: ours.mono)
    for step in range(40):
        ours.tick(0.9 if step % 2 else 1.1)
        clock.observe_header(header(ours.wall + (0.4 if step % 3 else -0.4)))
    assert clock.rate == 1.0


def test_unreadable_headers_are_ignored() -> None:
    clock = PbxClock()
    clock.observe_header(None)
    clock.observe_header("yesterday-ish")
    assert clock.offset is None
    assert parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)


def test_the_simulator_tells_its_virtual_time() -> None:
    start = datetime.now(UTC) - timedelta(days=3)
    with start_simulator(SimConfig(speed=0, start_time=start)) as sim:
        response = httpx.put(f"{sim.url}/api/v4/setting/ping/act")
    moment = parse_http_date(response.headers.get("date"))
    assert moment is not None and abs((moment - start).total_seconds()) < 2
