"""The request log is bounded by count and bytes, keeps only bodies worth keeping, and counts on."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from simotui.sim import RequestLog, SimulatorHandle, start_simulator

from .helpers import AUTH, KEY_HEADER, frozen_config

PING = "/api/v4/setting/ping/act"


def test_count_bound_evicts_the_oldest_and_sequence_numbers_keep_counting() -> None:
    log = RequestLog(max_entries=3)
    for i in range(5):
        log.record("POST", f"/p{i}", 200, float(i))
    assert [r.path for r in log] == ["/p2", "/p3", "/p4"]
    assert [r.seq for r in log] == [2, 3, 4]
    assert (len(log), log.total, log.dropped) == (3, 5, 2)
    assert log[0].path == "/p2" and [r.path for r in log[1:]] == ["/p3", "/p4"]
    assert [r.seq for r in log.since(3)] == [3, 4]
    assert [r.seq for r in log.since(0)] == [2, 3, 4]  # what was evicted is simply gone
    assert log.since(5) == []
    log.clear()
    assert (len(log), log.total) == (0, 0)


def test_byte_bound_evicts_until_the_bodies_fit_and_drops_a_body_too_big_alone() -> None:
    log = RequestLog(max_entries=100, max_body_bytes=100)
    body = json.dumps({"x": "a" * 30}).encode()  # 41 bytes
    for _ in range(3):
        log.record("POST", "/p", 200, 0.0, raw=body, size=len(body))
    assert len(log) == 2 and log.body_bytes == 2 * len(body)
    huge = json.dumps({"x": "b" * 200}).encode()
    entry = log.record("POST", "/huge", 200, 0.0, raw=huge, size=len(huge))
    assert entry.body is None and entry.size == len(huge)  # counted, not kept
    assert log.body_bytes <= 100
    assert log[0].body == {"x": "a" * 30}


@pytest.fixture
def small_sim() -> Iterator[SimulatorHandle]:
    handle = start_simulator(frozen_config(request_log_entries=5, request_log_bytes=4096))
    try:
        yield handle
    finally:
        handle.stop()


def test_served_log_stays_bounded_and_keeps_bodies_only_of_accepted_requests(
    small_sim: SimulatorHandle,
) -> None:
    """Large bodies and many requests: the log holds 5 entries and at most 4 KiB of bodies."""
    with httpx.Client(base_url=small_sim.url, auth=AUTH, headers=KEY_HEADER, timeout=10) as client:
        for _ in range(3):
            client.post(PING, json={"padding": "x" * 3000})
        client.post(PING, content="{not json", headers={"Content-Type": "application/json"})
        httpx.post(f"{small_sim.url}{PING}", json={"secret": "unauthenticated"}, timeout=10)
        client.post(PING, json={"last": 1})
    log = small_sim.requests
    # Three 3 KB bodies do not fit in 4 KiB: the first two entries went to make room.
    assert log.total == 6 and [r.seq for r in log] == [2, 3, 4, 5] and log.body_bytes <= 4096
    by_seq = {r.seq: r for r in log}
    assert by_seq[3].status == 400 and by_seq[3].body is None and by_seq[3].size == len("{not json")
    assert by_seq[4].status == 401 and by_seq[4].body is None and by_seq[4].size > 0
    assert by_seq[5].body == {"last": 1} and by_seq[5].status == 200 and by_seq[5].processed
    assert all(r.method == "POST" and r.path == PING and r.at > 0 for r in log)
    with httpx.Client(base_url=small_sim.url, auth=AUTH, headers=KEY_HEADER, timeout=10) as client:
        for _ in range(3):
            client.post(PING, json={})
    assert log.total == 9 and [r.seq for r in log] == [4, 5, 6, 7, 8]
