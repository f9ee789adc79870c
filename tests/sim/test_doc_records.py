"""The documented records, rebuilt through the internal model, render back value for value."""

from __future__ import annotations

from typing import Any

import pytest

from simotui.sim import SimulatedPbx, build_pbx, render
from simotui.sim.services.autodialer.reports import info as report_info

from .helpers import TEHRAN, frozen_config, load_sample


@pytest.fixture(scope="module")
def seeded() -> SimulatedPbx:
    """One seeded PBX (read-only here)."""
    return build_pbx(frozen_config())


def documented_rows(name: str) -> list[dict[str, Any]]:
    """The record list of a sample response (bare list, paginated or cursor)."""
    data = load_sample(name)["response"]["data"]
    rows = data if isinstance(data, list) else data["data"]
    return list(rows)


@pytest.mark.parametrize(
    ("sample", "view"),
    [
        ("sa-report_cdr_ordered_id.json", "ordered"),
        ("sa-report_cdr_search.json", "cdr"),
        ("sa-quick_search-1.json", "quick"),
    ],
)
def test_cdr_rows(seeded: SimulatedPbx, sample: str, view: str) -> None:
    """Every documented CDR row is stored and renders identically in its endpoint's view."""
    for expected in documented_rows(sample):
        record = seeded.cdrs.get(expected["_id"])
        assert record is not None, expected["_id"]
        assert render.cdr(record, TEHRAN, view) == expected  # type: ignore[arg-type]


def test_queue_rows(seeded: SimulatedPbx) -> None:
    """Quick info, queue-details, queue-stat, agent and poll rows."""
    [info] = documented_rows("sa-quick_info.json")
    record = seeded.queue_reports.get(info["_id"])
    assert record is not None and render.queue_report(record, TEHRAN, "info") == info
    [details] = documented_rows("sa-queue_details_search.json")
    record = seeded.queue_reports.get(details["_id"])
    assert record is not None and render.queue_report(record, TEHRAN, "details") == details
    [stat] = documented_rows("sa-queue_search.json")
    stat_record = seeded.queue_stats.get(stat["_id"])
    assert stat_record is not None and render.queue_stat(stat_record, TEHRAN) == stat
    [agent] = documented_rows("sa-agent_search.json")
    agent_record = seeded.agent_sessions.get(agent["_id"])
    assert agent_record is not None and render.agent_session(agent_record, TEHRAN) == agent
    [poll] = documented_rows("sa-report_poll.json")
    poll_record = seeded.polls.get(poll["_id"])
    assert poll_record is not None and render.poll(poll_record, TEHRAN) == poll


@pytest.mark.parametrize("sample", ["ad-report_search_ordered.json", "ad-report_search.json"])
def test_autodialer_report_rows(seeded: SimulatedPbx, sample: str) -> None:
    """Autodialer report rows, ``$oid``/``$date`` wrappers and causes included."""
    for expected in documented_rows(sample):
        record = seeded.campaign_reports.get(expected["_id"])
        assert record is not None, expected["_id"]
        assert render.campaign_report(record, TEHRAN) == expected


def test_report_info(seeded: SimulatedPbx) -> None:
    """``reports/info`` by the documented ``cdr_id``."""
    sample = load_sample("ad-report_info.json")
    assert report_info(seeded, sample["request"]).data == sample["response"]["data"]


def test_campaigns(seeded: SimulatedPbx) -> None:
    """The documented "test" (waiting) and "azan" (completed, with statistics) campaigns."""
    for expected in documented_rows("ad-campaign_search.json"):
        campaign = seeded.campaigns[expected["_id"]]
        got = render.campaign(campaign, TEHRAN, seeded.reports_by_campaign.get(campaign.oid, []))
        if campaign.name == "azan":
            # The sample's min/max_date carry milliseconds our epoch-second dates do not.
            for block in [got["statistics"]["all"], *got["statistics"]["sep"]]:
                for key in ("min_date", "max_date"):
                    block[key] = {"$date": {"$numberLong": "1697545548007"}}
        assert got == expected


def test_directory_records(seeded: SimulatedPbx) -> None:
    """Trunk, queue, announcements as documented; the user differs only by the 25-hex typo."""
    [trunk] = documented_rows("sa-trunks_search.json")
    assert render.trunk(seeded.trunks["trunk_name_new"], TEHRAN) == trunk
    [queue] = documented_rows("sa-queues_search.json")
    assert render.queue(seeded.queues["9009"], TEHRAN) == queue
    for sample in ("ad-announcement_search.json", "ad-example-1.json"):
        for expected in documented_rows(sample):
            assert render.announcement(seeded.announcements[expected["_id"]], TEHRAN) == expected
    [user] = documented_rows("sa-users_search.json")
    got = render.user(seeded.users["101"], TEHRAN)
    assert got["_id"] == user["_id"][:24]
    got.pop("_id")
    assert got == {k: v for k, v in user.items() if k != "_id"}
    [manager] = documented_rows("ad-trunk_manager_search.json")
    got = render.trunk_manager(seeded.trunk_managers[manager["_id"]], TEHRAN)
    # Seeded active on every hour of every day so demos dial at any time.
    assert {k: v for k, v in got.items() if k != "active_times"} == {
        k: v for k, v in manager.items() if k != "active_times"
    }
