"""The client parses every documented response shape (reference samples, served as documented)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from simotui.api import (
    CampaignReportQuery,
    CampaignRequest,
    CdrQuery,
    Credentials,
    Disposition,
    OriginateRequest,
    SimotelClient,
)
from simotui.secret import Secret

SAMPLES = Path(__file__).parent.parent / "fixtures" / "doc_samples"


def load_sample(name: str) -> dict[str, Any]:
    """One documented request/response example."""
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def client_answering(sample: dict[str, Any], seen: list[httpx.Request]) -> SimotelClient:
    """A real client whose transport answers the sample's path with the documented response."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path != sample["path"]:
            return httpx.Response(404, text="<html><body>Not Found</body></html>")
        return httpx.Response(200, json=sample["response"])

    return SimotelClient(
        "http://pbx.test",
        Credentials("both", "test", Secret("Aa123456"), Secret("key")),
        transport=httpx.MockTransport(handler),
    )


Call = Callable[[SimotelClient], Awaitable[Any]]

CALLS: dict[str, Call] = {
    "sa-ping": lambda c: c.setting.ping(),
    "sa-call-originate": lambda c: c.calls.originate(OriginateRequest("557", "552", "main_routing", "557")),
    "scenario-call_originate-1": lambda c: c.calls.originate(
        OriginateRequest("570", "553", "main_routing", "masking")
    ),
    "scenario-call_originate-2": lambda c: c.calls.originate(
        OriginateRequest("09371234567", "521", "main_routing", "557", trunk_name="Cisco")
    ),
    "scenario-call_originate-3": lambda c: c.calls.originate(
        OriginateRequest("521", "09371234567", "main_routing", "557")
    ),
    "scenario-call_originate-4": lambda c: c.calls.originate(
        OriginateRequest("31041570", "09371234567", "main_routing", "557", trunk_name="Cisco")
    ),
    "sa-report_cdr_search": lambda c: c.reports.cdr_search(CdrQuery(src="562")),
    "sa-quick_search-1": lambda c: c.reports.quick_search(CdrQuery()),
    "sa-quick_search-2": lambda c: c.reports.quick_search(CdrQuery(cuid="1677933940.72434")),
    "sa-report_cdr_ordered_id": lambda c: c.reports.cdr_ordered(""),
    "sa-quick_info": lambda c: c.reports.quick_info("1624299033.75565"),
    "ad-campaign_add": lambda c: c.autodialer.add_campaign(
        CampaignRequest("test", "5f6c5b56c92de0068f32e592")
    ),
    "ad-example-3": lambda c: c.autodialer.add_campaign(CampaignRequest("test", "5f6c5b56c92de0068f32e592")),
    "ad-campaign_search": lambda c: c.autodialer.search_campaigns("test"),
    "ad-campaign_edit": lambda c: c.autodialer.update_campaign(
        "6048aa14095d8438aa64e7c9", CampaignRequest("x", "y")
    ),
    "ad-campaign_delete": lambda c: c.autodialer.remove_campaign("6033876dc92de036d1390923"),
    "ad-report_search": lambda c: c.autodialer.search_reports(CampaignReportQuery(number="09376131239")),
    "ad-report_search_ordered": lambda c: c.autodialer.ordered_reports(""),
    "ad-report_info": lambda c: c.autodialer.report_info("602e50ce305bdd377168a8c1"),
    "ad-trunk_manager_search": lambda c: c.autodialer.search_trunk_managers("autodialer"),
    "ad-example-2": lambda c: c.autodialer.search_trunk_managers(""),
    "ad-announcement_search": lambda c: c.autodialer.search_announcements(""),
    "ad-example-1": lambda c: c.autodialer.search_announcements(""),
    "sa-users_search": lambda c: c.pbx.search_users("101"),
    "sa-trunks_search": lambda c: c.pbx.search_trunks("trunk_name_new"),
    "sa-queues_search": lambda c: c.pbx.search_queues(number="9009"),
    "sa-queue_pauseagent": lambda c: c.pbx.pause_agent("999", "557"),
    "sa-queue_resumagent": lambda c: c.pbx.resume_agent("999", "557"),
    "sa-agent_search": lambda c: c.reports.agent_search(
        datetime(2019, 6, 15, tzinfo=UTC), datetime(2022, 6, 22, tzinfo=UTC), queue="903", exten="550"
    ),
}


@pytest.mark.parametrize("name", sorted(CALLS))
async def test_documented_response_parses(name: str) -> None:
    sample = load_sample(name)
    seen: list[httpx.Request] = []
    async with client_answering(sample, seen) as client:
        result = await CALLS[name](client)
    assert len(seen) == 1
    assert seen[0].url.path == sample["path"]
    assert seen[0].method == ("PUT" if name == "sa-ping" else "POST")
    if isinstance(result, tuple):
        assert len(result) == len(sample["response"]["data"])


async def test_originate_result_carries_id_and_epoch() -> None:
    async with client_answering(load_sample("sa-call-originate"), []) as client:
        result = await client.calls.originate(OriginateRequest("557", "552", "main_routing", "557"))
    assert result.originated_call_id == "orig.call.1703145054.787335"
    assert result.accepted_epoch == 1703145054


async def test_ordered_cdrs_normalise_calendars_and_wrappers() -> None:
    async with client_answering(load_sample("sa-report_cdr_ordered_id"), []) as client:
        page = await client.reports.cdr_ordered("")
    assert page.last_id == "64b802d343180c714b12b636"
    assert len(page.records) == 29
    first = page.records[0]
    # Reference §8.1: cuid 1662920001 is 2022-09-11 18:13:21 UTC; start is Jalali Tehran time.
    assert first.start == datetime(2022, 9, 11, 18, 13, 21, tzinfo=UTC)
    assert first.answer == datetime(2022, 9, 11, 18, 13, 22, tzinfo=UTC)
    assert first.disposition == Disposition.BUSY
    assert first.sequence == 4653
    assert first.originated_call_id == "orig.call.1662920001.861610"
    assert first.route[0].type == "OutgoingRoute"
    assert first.route[0].ended_at == datetime.fromtimestamp(1662920002.254, tz=UTC)
    assert "BUSY" not in first.raw and "outgoing" not in first.raw  # flag keys stripped
    # A row covering retries names two originate ids in its comment.
    retried = next(r for r in page.records if r.cuid == "1663090584.4901")
    assert len(retried.originated_call_ids) == 2
    assert retried.details[1].status == "NO ANSWER"
    # duration < billsec is kept as sent, never "fixed" (reference §8.9)
    odd = next(r for r in page.records if r.cuid == "1689660330.50")
    assert (odd.duration, odd.billsec) == (0, 112)
    spool = next(r for r in page.records if r.channel == "OutgoingSpoolFailed")
    assert spool.is_spool_failure and spool.answer is None
    fax = page.records[-1]
    assert fax.comment == "fax" and fax.route == ()


async def test_cdr_search_endtime_as_mongo_date() -> None:
    async with client_answering(load_sample("sa-report_cdr_search"), []) as client:
        page = await client.reports.cdr_search(CdrQuery(src="562"))
    assert page.total == 1 and page.sorting == {"starttime": -1}
    cdr = page.records[0]
    assert cdr.endtime == datetime.fromtimestamp(1624340947.977, tz=UTC)
    assert cdr.record == "20210622_1624340875.75933.mp3"
    assert cdr.outgoing_point == "center"
    assert [step.type for step in cdr.route][:3] == ["OutgoingRoute", "Switcher", "Answer"]
    assert cdr.route[4].duration == pytest.approx(68.601818)


async def test_campaign_report_row_tries_and_oids() -> None:
    async with client_answering(load_sample("ad-report_search"), []) as client:
        page = await client.autodialer.search_reports(CampaignReportQuery())
    row = page.records[0]
    assert row.campaign_id == "60c74cec7d2c21279a295b4e"
    assert row.trunk_manager_id == "5f7586bcce4f6d03da37cf17"
    assert row.disposition == Disposition.LOST
    assert row.tries[0].cdr_id == "60c74f8b00035c9848c6fd5a"
    assert row.tries[0].cause is None and row.tries[0].cause_text is None
    assert row.tries[0].started_at == datetime.fromtimestamp(1623658563.809, tz=UTC)


async def test_campaign_search_plain_ids_statistics_and_jalali_window() -> None:
    async with client_answering(load_sample("ad-campaign_search"), []) as client:
        page = await client.autodialer.search_campaigns("test")
    first, second = page.records
    assert first.trunk_manager_id == "652ea11ed86c8023fb4bfa55"
    assert first.tries == 1 and first.try_interval == 600
    # "1399-12-01 15:17:00" Tehran is the requested 2021-02-19 15:17 (isoStart 1613735220000).
    assert first.start == datetime.fromtimestamp(1613735220, tz=UTC)
    assert first.statistics is None
    assert second.status == "completed" and second.statistics is not None


async def test_trunk_manager_hours_and_trunks_secrets() -> None:
    async with client_answering(load_sample("ad-trunk_manager_search"), []) as client:
        (manager,) = await client.autodialer.search_trunk_managers("autodialer")
    assert manager.trunk_id == "5f19760ace4f6d16dd2e3e0c"
    assert manager.active_times[7][0] == 9 and 5 not in manager.active_times
    assert manager.capacity == 5 and manager.current_capacity == 0 and manager.is_active
    async with client_answering(load_sample("sa-trunks_search"), []) as client:
        (trunk,) = await client.pbx.search_trunks("trunk_name_new")
    assert trunk.port == 5060 and trunk.active is False
    assert "register_string" not in trunk.raw and "more_options" not in trunk.raw
    assert "as#3591011020" not in repr(trunk)


async def test_user_flags_are_booleans() -> None:
    async with client_answering(load_sample("sa-users_search"), []) as client:
        (user,) = await client.pbx.search_users("101")
    assert user.active is True and user.call_record is False and user.context == "main_routing"


async def test_users_add_anomalous_envelope_is_tolerated() -> None:
    sample = load_sample("sa-users_add")
    async with client_answering(sample, []) as client:
        data = await client.call("pbx/users/add", sample["request"])
    assert data == {"user_id": "999"}


async def test_agent_changes_and_sessions_read_as_documented() -> None:
    async with client_answering(load_sample("sa-queue_pauseagent"), []) as client:
        assert await client.pbx.pause_agent("999", "557") == "Paused successfully"
    async with client_answering(load_sample("sa-queue_resumagent"), []) as client:
        assert await client.pbx.resume_agent("999", "557") == "UnPaused successfully"
    seen: list[httpx.Request] = []
    async with client_answering(load_sample("sa-agent_search"), seen) as client:
        page = await client.reports.agent_search(
            datetime(2021, 6, 1, tzinfo=UTC), datetime(2021, 6, 30, tzinfo=UTC), queue="903"
        )
    (row,) = page.records
    assert (row.kind, row.exten, row.queue, row.duration, row.is_pause) == ("inout", "550", "903", 18, False)
    assert row.start is not None and row.end is not None and (row.end - row.start).total_seconds() == 18
    body = json.loads(seen[0].content)
    assert body["conditions"] == {"from": "", "to": "", "exten": "", "queue": "903"}
    assert set(body["date_range"]) == {"from", "to"}
