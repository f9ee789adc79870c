"""Background traffic: calls nobody placed, deterministic for a seed, written and pushed like any call."""

from __future__ import annotations

from collections import Counter

import httpx

from simotui.sim import SimulatedPbx, build_pbx, start_simulator
from simotui.sim.control import SimControl

from .helpers import AUTH, KEY_HEADER, frozen_config


def _hour_of_traffic(seed: int = 7, rate: float = 30) -> SimulatedPbx:
    pbx = build_pbx(frozen_config(seed=seed, traffic=rate))
    pbx.advance(3600)
    return pbx


def test_no_traffic_unless_asked() -> None:
    pbx = build_pbx(frozen_config())
    before = len(pbx.cdrs)
    pbx.advance(3600)
    assert len(pbx.cdrs) == before and pbx.traffic.placed == Counter() and pbx.pending_events() == 0


def test_traffic_is_deterministic_for_a_seed() -> None:
    a, b, c = _hour_of_traffic(), _hour_of_traffic(), _hour_of_traffic(seed=8)
    assert [r.oid for r in a.cdrs] == [r.oid for r in b.cdrs]
    assert [(e.at, e.payload) for e in a.webhooks.log] == [(e.at, e.payload) for e in b.webhooks.log]
    assert [r.oid for r in a.cdrs] != [r.oid for r in c.cdrs]


def test_traffic_writes_cdrs_queue_rows_and_polls_and_pushes_their_events() -> None:
    pbx = build_pbx(frozen_config(traffic=30))
    cdrs_before, stats_before, polls_before = len(pbx.cdrs), len(pbx.queue_stats), len(pbx.polls)
    pbx.advance(3600)
    placed = pbx.traffic.placed
    assert set(placed) == {"queue", "inbound", "local", "outgoing"}
    assert 20 * 60 < sum(placed.values()) < 40 * 60  # about 30 a minute
    fresh = [r for r in pbx.cdrs if r.starttime >= pbx.clock.now() - 3600]
    assert len(pbx.cdrs) - cdrs_before == len(fresh)
    types = Counter(r.type for r in fresh)
    assert set(types) == {"incoming", "local", "outgoing"}
    assert len(pbx.queue_stats) - stats_before >= placed["queue"] - 60  # the last few may not have ended
    assert len(pbx.polls) > polls_before
    log = list(pbx.webhooks.log)
    cdr_ids = {e.payload["unique_id"] for e in log if e.name == "Cdr"}
    stored = {r.cuid for r in fresh}
    assert cdr_ids <= stored  # every Cdr pushed is a stored CDR
    incoming = [r for r in fresh if r.type == "incoming"]
    assert all(r.entry_point and r.did and (r.route or [])[0][0] == "IncomingRoute" for r in incoming)
    queued = [r for r in incoming if r.lastapp == "Queue"]
    assert queued and all((r.route or [])[-1][0] == "Queue" for r in queued)
    cdr_queue = [e.payload for e in log if e.name == "CdrQueue"]
    stats = {s.cuid: s for s in pbx.queue_stats}
    assert cdr_queue and all(stats[p["unique_id"]].disposition == "ANSWERED" for p in cdr_queue)


def test_every_phone_that_rang_goes_idle_again() -> None:
    pbx = build_pbx(frozen_config(traffic=10))
    pbx.advance(1200)  # few enough calls for the event log to hold them all
    assert len(pbx.webhooks.log) < pbx.webhooks.log.maxlen  # type: ignore[operator]
    pbx.traffic.set_rate(0)
    pbx.advance(600)  # calls in progress end; no new ones start
    assert pbx.pending_events() == 0
    assert pbx.traffic.held == set()
    assert set(pbx.webhooks.states.values()) <= {"Idle"}
    per_call: dict[str, list[str]] = {}
    for event in pbx.webhooks.log:
        if event.name == "NewState":
            per_call.setdefault(f"{event.payload['unique_id']}/{event.payload['exten']}", []).append(
                event.payload["state"]
            )
    for states in per_call.values():
        assert states[-1] == "Idle"
        assert states[0] in ("Ringing", "InUse")


def test_the_control_plane_sets_the_rate_and_reports_are_live() -> None:
    sim = start_simulator(frozen_config(control=True, history=50))
    try:
        with (
            SimControl(sim.url) as control,
            httpx.Client(base_url=sim.url, auth=AUTH, headers=KEY_HEADER, timeout=10) as client,
        ):
            assert control.traffic() == {"rate": 0.0, "placed": {}}
            control.set_traffic(60)
            control.advance(600)
            state = control.traffic()
            assert state["rate"] == 60.0 and sum(state["placed"].values()) > 300
            body = {
                "alike": "true",
                "conditions": {"from": "", "to": "", "cuid": ""},
                "date_range": {"from": "2024-05-20 10:00", "to": "2024-05-20 10:11"},
                "pagination": {"start": 0, "count": 5, "sorting": {}},
            }
            page = client.post("/api/v4/reports/cdr/search", json=body).json()["data"]
            assert page["pagination"]["total"] > 250
            queue = client.post("/api/v4/reports/queue/search", json=body).json()["data"]
            assert queue["pagination"]["total"] > 50
            assert control.events()["states"]
            control.set_traffic(0)
            assert control.traffic()["rate"] == 0
    finally:
        sim.stop()
