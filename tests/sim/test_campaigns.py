"""The autodialer on a frozen clock: lifecycle, retries, reports, statistics, answer seam."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from simotui.sim import SimulatedPbx
from simotui.sim.autodialer import REPORT_LAG
from simotui.sim.dates import gregorian
from simotui.sim.errors import OperationFailed
from simotui.sim.ids import object_id_epoch
from simotui.sim.models import Campaign
from simotui.sim.services.autodialer.campaigns import add as campaign_add
from simotui.sim.services.autodialer.campaigns import remove as campaign_remove
from simotui.sim.services.autodialer.campaigns import search as campaign_search
from simotui.sim.services.autodialer.campaigns import update as campaign_update
from simotui.sim.services.autodialer.reports import info as report_info
from simotui.sim.services.autodialer.reports import search as report_search

from .helpers import TEHRAN

TM = "5ec63107ce4f6d12c43e250f"
NUMBERS = ["09121234567", "09121234599", "09121234500", "09121234598"]


def add(pbx: SimulatedPbx, **fields: Any) -> str:
    """Add a campaign through the service handler (request parsing included)."""
    body: dict[str, Any] = {
        "name": "spring-sale",
        "trunk_manager_id": TM,
        "interface_context": "",
        "interface_text": "",
        "numbers": NUMBERS,
        "groups": [""],
        "try_interval": "60",
        "try": "2",
        "start": gregorian(pbx.clock.now(), TEHRAN)[:16],
        "end": gregorian(pbx.clock.now() + 86400, TEHRAN)[:16],
        "announcement": "653e02b6959ca20a2f1b7293",
        "description": "",
    }
    body.update(fields)
    pbx.sync()
    oid = campaign_add(pbx, body).data["_id"]
    assert isinstance(oid, str)
    return oid


def search_row(pbx: SimulatedPbx, oid: str) -> dict[str, Any]:
    """The campaign-search row of one campaign."""
    rows = campaign_search(
        pbx, {"alike": "true", "conditions": {"name": ""}, "pagination": {"count": 100}}
    ).data["data"]
    [row] = [r for r in rows if r["_id"] == oid]
    return dict(row)


def reports(pbx: SimulatedPbx, oid: str) -> list[dict[str, Any]]:
    """Report rows of one campaign via ``autodialer/reports/search``."""
    body = {"alike": "false", "conditions": {"campaign_id": oid}, "pagination": {"count": 100}}
    return list(report_search(pbx, body).data["data"])


def test_lifecycle_dispositions_retries_and_statistics(pbx: SimulatedPbx) -> None:
    """waiting → running → completed; one row per number; retries for the unanswered ones."""
    oid = add(pbx)
    assert object_id_epoch(oid) == int(pbx.clock.now())
    assert search_row(pbx, oid)["status"] == "waiting"
    pbx.advance(1)
    assert search_row(pbx, oid)["status"] == "running"
    assert reports(pbx, oid) == []  # nothing is reported while the first calls are up
    pbx.advance(3600)
    row = search_row(pbx, oid)
    assert row["status"] == "completed" and row["hs"] == 1
    rows = {r["number"]: r for r in reports(pbx, oid)}
    assert set(rows) == set(NUMBERS)
    answered, busy, ring_out, lost = (rows[n] for n in NUMBERS)
    assert answered["disposition"] == "ANSWERED" and answered["try"] == 1 and answered["ANSWERED"] == 1
    assert 7 <= answered["billsec"] <= 11  # the 9 s test_sound announcement, ± 2 s
    assert busy["disposition"] == "BUSY" and busy["try"] == 2
    assert ring_out["disposition"] == "NO ANSWER" and ring_out["try"] == 2
    assert lost["disposition"] == "LOST" and lost["try"] == 2
    assert [t["cause"] for t in answered["tries"]] == ["16"]
    assert [t["cause-txt"] for t in busy["tries"]] == ["Call Rejected"] * 2
    assert [t["cause"] for t in ring_out["tries"]] == ["16", "16"]
    assert [t["cause"] for t in lost["tries"]] == [None, None]
    retry_gap = int(busy["tries"][1]["starttime"]["$date"]["$numberLong"]) - int(
        busy["tries"][0]["starttime"]["$date"]["$numberLong"]
    )
    assert retry_gap >= 60_000  # try_interval
    assert answered["campaign_id"] == {"$oid": oid} and answered["trunk_manager_id"] == {"$oid": TM}
    assert answered["status"] == "in-process" and answered["campaign"] == "spring-sale"

    info = report_info(pbx, {"_id": answered["tries"][0]["cdr_id"]["$oid"]}).data
    assert info["dcontext"] == "" and info["amaflags"] == "DOCUMENTATION"
    assert info["channel"].startswith("SIP/Cisco-") and info["duration"] >= answered["billsec"]

    stats = row["statistics"]
    assert stats["all"]["count"] == 4 and stats["all"]["numbers"] == 4
    assert stats["all"]["try"] == 7 and stats["all"]["success"] == 1
    assert stats["all"]["disposition"] == {
        "ANSWERED": {"count": 1},
        "BUSY": {"count": 1},
        "NO ANSWER": {"count": 1},
        "LOST": {"count": 1},
    }
    assert stats["sep"][0]["_id"] == 1 and stats["sep"][0]["answered"] == 1


def test_report_rows_appear_after_the_reporting_lag(pbx: SimulatedPbx) -> None:
    """A finished attempt is reported ``REPORT_LAG`` seconds later, dated at its dial time."""
    oid = add(pbx, numbers=["09121234598"], **{"try": "1"})
    pbx.advance(0.5)  # the LOST attempt ends at once
    assert reports(pbx, oid) == []
    pbx.advance(REPORT_LAG)
    [row] = reports(pbx, oid)
    assert row["disposition"] == "LOST" and row["try"] == 1
    assert search_row(pbx, oid)["status"] == "completed"


def test_window_already_over_stays_waiting(pbx: SimulatedPbx) -> None:
    """The documented "test" campaign (2021 window, created 2023) is still "waiting"."""
    oid = add(pbx, start="2021-02-19 15:17", end="2021-02-23 15:17")
    pbx.advance(3600)
    assert search_row(pbx, oid)["status"] == "waiting"
    assert search_row(pbx, oid)["start"] == "1399-12-01 15:17:00"
    assert search_row(pbx, oid)["isoStart"] == {"$date": {"$numberLong": "1613735220000"}}
    assert reports(pbx, oid) == []


def test_future_start_and_dial_interval(pbx: SimulatedPbx) -> None:
    """Nothing is dialled before ``start``; numbers go out ``dial_interval`` seconds apart."""
    pbx.trunk_managers[TM].dial_interval = "5"
    start = pbx.clock.now() + 600
    numbers = [f"0912123{i:04d}" for i in range(1, 4)]
    oid = add(pbx, numbers=numbers, start=gregorian(start, TEHRAN)[:16], **{"try": "1"})
    pbx.advance(300)
    assert search_row(pbx, oid)["status"] == "waiting"
    pbx.advance(3600)
    rows = sorted(reports(pbx, oid), key=lambda r: r["number"])
    dialled = [int(r["tries"][0]["starttime"]["$date"]["$numberLong"]) // 1000 for r in rows]
    assert dialled[0] >= int(start) - 60
    assert [b - a for a, b in pairwise(dialled)] == [5, 5]


def test_remove_and_update(pbx: SimulatedPbx) -> None:
    """Removing a running campaign stops it; update answers count 0; unknown ids fail."""
    oid = add(pbx)
    pbx.advance(1)
    assert pbx.trunk_managers[TM].current_capacity >= 1  # calls are up
    campaign_remove(pbx, {"_id": oid})
    pbx.advance(3600)
    assert reports(pbx, oid) == []
    assert pbx.trunk_managers[TM].current_capacity == 0  # its channel was freed
    with pytest.raises(OperationFailed):
        campaign_remove(pbx, {"_id": oid})
    other = add(pbx, start="2030-01-01 10:00", end="2030-01-02 10:00")
    assert campaign_update(pbx, {"_id": other, "name": "renamed", "try": "3"}).data == {"count": 0}
    assert search_row(pbx, other)["name"] == "renamed" and search_row(pbx, other)["try"] == "3"
    with pytest.raises(OperationFailed):
        campaign_update(pbx, {"_id": "0" * 24, "name": "x"})
    with pytest.raises(OperationFailed) as missing:
        campaign_add(pbx, {"trunk_manager_id": TM})
    assert missing.value.message == "Field 'name':value is missing"


def test_unknown_trunk_manager_loses_every_call(pbx: SimulatedPbx) -> None:
    """Without a trunk manager nothing can be dialled: every attempt is LOST."""
    oid = add(pbx, trunk_manager_id="5f6c5b56c92de0068f32e592", numbers=["09121234567"], **{"try": "1"})
    pbx.advance(120)
    [row] = reports(pbx, oid)
    assert row["disposition"] == "LOST" and row["tries"][0]["cause"] is None


def test_answered_campaign_call_seam(pbx: SimulatedPbx) -> None:
    """``campaign_answer_handler`` decides what an answered call does (future Exten/Trunk API)."""
    seen: list[tuple[str, str]] = []

    def second_party(p: SimulatedPbx, campaign: Campaign, number: str, answered_at: float) -> int:
        seen.append((campaign.name, number))
        return 42

    pbx.campaign_answer_handler = second_party
    oid = add(pbx, numbers=["09121234567"], **{"try": "1"})
    pbx.advance(300)
    [row] = reports(pbx, oid)
    assert seen == [("spring-sale", "09121234567")] and row["billsec"] == 42


def test_group_numbers_are_dialled(pbx: SimulatedPbx) -> None:
    """A campaign's groups add their numbers (duplicates once)."""
    oid = add(
        pbx,
        numbers=["09187213593"],
        groups=["5e96c8c2c92de0468920657e", "5e96d40cc92de025690d0a61"],
    )
    pbx.advance(3600)
    assert sorted(r["number"] for r in reports(pbx, oid)) == ["09187213593", "09188898969"]
