"""Generated history: deterministic, realistic, within the last 30 days, fast at 100k rows."""

from __future__ import annotations

import time
from collections import Counter

from simotui.sim import build_pbx
from simotui.sim.dates import gregorian
from simotui.sim.render import cdr as render_cdr
from simotui.sim.services.autodialer.campaigns import search as campaign_search
from simotui.sim.services.autodialer.reports import search as report_search
from simotui.sim.services.reports import cdr_search, quick_search

from .helpers import START, TEHRAN, frozen_config

NOW = START.timestamp()


def _range_body(days: int = 31, **extra: object) -> dict[str, object]:
    body: dict[str, object] = {
        "conditions": {"from": "", "to": "", "cuid": ""},
        "date_range": {
            "from": gregorian(NOW - days * 86400, TEHRAN)[:16],
            "to": gregorian(NOW, TEHRAN)[:16],
        },
        "pagination": {"start": 0, "count": 20, "sorting": {}},
        "alike": "true",
    }
    body.update(extra)
    return body


def test_history_is_deterministic_per_seed() -> None:
    """Same seed and start → identical rows and ids; another seed → different rows."""
    a, b = build_pbx(frozen_config(history=500)), build_pbx(frozen_config(history=500))
    page_a = cdr_search(a, _range_body()).data
    assert page_a == cdr_search(b, _range_body()).data
    assert [r.oid for r in a.cdrs] == [r.oid for r in b.cdrs]
    assert report_search(a, {"alike": "true"}).data == report_search(b, {"alike": "true"}).data
    c = build_pbx(frozen_config(history=500, seed=99))
    assert cdr_search(c, _range_body()).data != page_a


def test_history_is_realistic() -> None:
    """Spread over 30 days before now, mixed types, dispositions, routes and originate rows."""
    pbx = build_pbx(frozen_config(history=3000))
    recent = [r for r in pbx.cdrs if r.starttime >= NOW - 31 * 86400]
    assert len(recent) == 3000
    assert all(r.endtime <= NOW for r in recent)
    types = Counter(r.type for r in recent)
    assert set(types) == {"incoming", "outgoing", "local"}
    dispositions = Counter(r.disposition for r in recent)
    assert set(dispositions) == {"ANSWERED", "NO ANSWER", "BUSY", "FAILED"}
    assert dispositions["ANSWERED"] > dispositions["NO ANSWER"] > dispositions["FAILED"]
    incoming = [r for r in recent if r.type == "incoming"]
    assert all(r.did and r.entry_point and r.route and r.route[0][0] == "IncomingRoute" for r in incoming)
    assert any(step[0] == "Queue" for r in incoming for step in r.route or [])
    outgoing = [r for r in recent if r.type == "outgoing"]
    assert all(r.outgoing_point and (r.route or [])[-1][0] == "Trunk" for r in outgoing)
    assert any(r.channel == "OutgoingSpoolFailed" for r in recent)
    assert any(r.originated_call_id and r.disposition == "ANSWERED" for r in recent)
    assert sum(1 for r in recent if r.record) > 100
    assert all(r.record in pbx.recordings for r in recent if r.record)
    assert len(pbx.queue_stats) > 100 and len(pbx.queue_reports) > 100 and len(pbx.polls) > 10
    # Office hours dominate (Tehran local time).
    hours = Counter(int(render_cdr(r, TEHRAN, "quick")["start"][11:13]) for r in recent[:600])
    assert sum(hours[h] for h in range(8, 20)) > 0.7 * sum(hours.values())
    # Past campaigns ran to completion on the virtual clock.
    rows = campaign_search(pbx, {"alike": "true", "pagination": {"count": 50}}).data["data"]
    finished = [r for r in rows if r["name"] in {"yalda-promo", "debt-reminder", "survey-1403"}]
    assert len(finished) == 3 and all(r["status"] == "completed" and "statistics" in r for r in finished)


def test_100k_history_builds_and_pages_quickly() -> None:
    """N=100,000: build, then full-range pages (default sort, another column, a filter).

    The times are printed (``-s``); the bounds are generous, only to catch O(n²) mistakes.
    """
    began = time.perf_counter()
    pbx = build_pbx(frozen_config(history=100_000))
    built = time.perf_counter() - began
    timings = {}
    for label, body in {
        "default sort": _range_body(),
        "sort billsec": _range_body(pagination={"start": 40, "count": 20, "sorting": {"billsec": -1}}),
        "filter from": _range_body(conditions={"from": "55", "to": "", "cuid": ""}),
        "deep page": _range_body(pagination={"start": 99_000, "count": 20, "sorting": {}}),
    }.items():
        began = time.perf_counter()
        data = cdr_search(pbx, body).data
        quick_search(pbx, body)
        timings[label] = time.perf_counter() - began
        assert data["data"], label
    assert cdr_search(pbx, _range_body()).data["pagination"]["total"] >= 100_000
    print(
        f"\nhistory=100000 build {built:.2f}s; "
        + ", ".join(f"{k} {v * 1000:.0f}ms" for k, v in timings.items())
    )
    assert built < 60
    assert max(timings.values()) < 5
