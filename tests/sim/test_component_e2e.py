"""Originate via campaign end to end: a served simulator, a real responder, the real client.

Loopback HTTP both ways: ``SimotelClient`` → simulator (campaign add, report and CDR
searches); simulator's ticker → responder (the Exten API / Trunk API component request).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from typing import Any

from simotui.api import Credentials, SimotelClient
from simotui.api.models import CampaignReportQuery, CampaignReportRow, CampaignRequest, CdrQuery, Disposition
from simotui.calls.bridges import BridgeBook, BridgeRequestSeen, BridgeTarget
from simotui.responder.responder import start_responder
from simotui.secret import Secret
from simotui.sim import SimConfig, SimulatorHandle, start_simulator
from simotui.sim.scenarios import BRIDGE_CONTEXT, BRIDGE_TEXT

from .bridge_helpers import canned_service, wait_until
from .helpers import TEHRAN

#: 100 virtual seconds per real second: a bridged call (ring, component, ring, talk) takes < 1.5 s.
SPEED = 100.0


@contextmanager
def served(component_api_url: str | None, **config: Any) -> Iterator[SimulatorHandle]:
    """A simulator on loopback (with its ticker) whose demo component calls ``component_api_url``."""
    handle = start_simulator(SimConfig(seed=7, speed=SPEED, component_api_url=component_api_url, **config))
    try:
        yield handle
    finally:
        handle.stop()


@asynccontextmanager
async def client_for(sim: SimulatorHandle) -> AsyncIterator[SimotelClient]:
    credentials = Credentials(
        "both", sim.settings.username, Secret(sim.settings.password), Secret(sim.settings.api_key)
    )
    async with SimotelClient(sim.url, credentials, timeout=10) as client:
        yield client


async def dial(client: SimotelClient, sim: SimulatorHandle, number: str, *, tries: int = 1) -> str:
    """``campaigns/add`` a one-number campaign into the bridge route, starting at simulator now."""
    [manager] = await client.autodialer.search_trunk_managers()
    start = datetime.fromtimestamp(sim.pbx.clock.now(), TEHRAN)
    return await client.autodialer.add_campaign(
        CampaignRequest(
            name=f"bridge-{number}-{time.monotonic_ns()}",
            trunk_manager_id=manager.id,
            numbers=[number],
            interface_context=BRIDGE_CONTEXT,
            interface_text=BRIDGE_TEXT,
            tries=tries,
            try_interval=10,
            start=start,
        )
    )


async def final_row(client: SimotelClient, campaign_id: str, tries: int = 1) -> CampaignReportRow:
    """Poll ``autodialer/reports/search`` until the row holds its last attempt and is final."""
    query = CampaignReportQuery(campaign_id=campaign_id, alike=False)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        page = await client.autodialer.search_reports(query)
        if page.records and (
            page.records[0].disposition == Disposition.ANSWERED or page.records[0].try_count >= tries
        ):
            [row] = page.records
            return row
        await asyncio.sleep(0.05)
    raise AssertionError("no final report row")


async def second_leg(client: SimotelClient, cuid: str) -> list[Any]:
    """CDR rows with exactly this ``cuid`` (the ``unique_id`` the component was sent)."""
    page = await client.reports.cdr_search(CdrQuery(cuid=cuid, alike=False))
    return list(page.records)


async def bridged_call(method: str, style: str) -> None:
    book = BridgeBook()
    book.expect(BridgeTarget("call-1", "557", "552"))
    seen: list[BridgeRequestSeen] = []
    with (
        start_responder(book, on_request=seen.append) as responder,
        served(responder.url, component_method=method, component_style=style) as sim,
    ):
        async with client_for(sim) as client:
            campaign_id = await dial(client, sim, "557")
            row = await final_row(client, campaign_id)
            assert row.disposition == Disposition.ANSWERED and row.number == "557"
            [attempt] = row.tries
            assert (attempt.cause, attempt.cause_text) == (16, "Normal Clearing") and attempt.cdr_id
            unique_id = book.unique_id_for("call-1")
            assert unique_id
            deadline = time.monotonic() + 10
            cdrs = await second_leg(client, unique_id)
            while not cdrs and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
                cdrs = await second_leg(client, unique_id)
            [cdr] = cdrs
            assert (cdr.cuid, cdr.uniqueid, cdr.src, cdr.dst) == (unique_id, unique_id, "557", "552")
            assert cdr.disposition == Disposition.ANSWERED and cdr.dcontext == BRIDGE_CONTEXT
            assert [step.type for step in cdr.route] == ["AutodialerRoute", "ExtenAPI", "Extension"]
            assert row.billsec > cdr.billsec > 0
        wait_until(lambda: len(seen) == 1)
        assert [(s.call_id, s.unique_id, s.src, s.refused) for s in seen] == [
            ("call-1", unique_id, "557", None)
        ]
        [call] = sim.pbx.component_calls
        assert call.method == method and call.url.endswith("/ExtenAPI") == (style == "rest")
        assert sim.pbx.pending_component_calls() == 0


async def test_bridged_call_post_g() -> None:
    await bridged_call("POST", "g")


async def test_bridged_call_get_rest() -> None:
    await bridged_call("GET", "rest")


async def test_first_party_never_answers_or_is_busy() -> None:
    book = BridgeBook()
    book.expect(BridgeTarget("a", "09121234500", "552"))
    book.expect(BridgeTarget("b", "09121234599", "552"))
    seen: list[BridgeRequestSeen] = []
    with start_responder(book, on_request=seen.append) as responder, served(responder.url) as sim:
        async with client_for(sim) as client:
            no_answer = await final_row(client, await dial(client, sim, "09121234500", tries=2), tries=2)
            busy = await final_row(client, await dial(client, sim, "09121234599", tries=2), tries=2)
        assert no_answer.disposition == Disposition.NO_ANSWER and no_answer.try_count == 2
        assert [(t.cause, t.cause_text) for t in no_answer.tries] == [(16, "Normal Clearing")] * 2
        assert busy.disposition == Disposition.BUSY and busy.try_count == 2
        assert [(t.cause, t.cause_text) for t in busy.tries] == [(21, "Call Rejected")] * 2
        assert sim.pbx.component_calls == [] and seen == []
        assert book.unique_id_for("a") is None and len(book.pending()) == 2


async def unbridged(sim: SimulatorHandle, outcome: str) -> None:
    """The component failed: ANSWERED first party with a short call, no second leg, nothing pending."""
    async with client_for(sim) as client:
        row = await final_row(client, await dial(client, sim, "557"))
        assert row.disposition == Disposition.ANSWERED and row.billsec > 0
        [call] = sim.pbx.component_calls
        assert call.outcome == outcome, (call.outcome, call.error)
        assert await second_leg(client, call.unique_id) == []
    assert sim.pbx.pending_component_calls() == 0
    assert all(
        c.status == "completed" for c in sim.pbx.campaigns.values() if c.interface_context == BRIDGE_CONTEXT
    )


async def test_responder_down() -> None:
    responder = start_responder(BridgeBook())
    responder.stop()
    with served(responder.url) as sim:
        await unbridged(sim, "unreachable")


async def test_responder_slow() -> None:
    answer = json.dumps({"ok": "1", "extension": "552"}).encode()
    with canned_service(answer, delay=0.5) as service, served(service.url, component_timeout=0.2) as sim:
        await unbridged(sim, "timeout")
    assert sim.pbx.component_calls[0].real_seconds < 0.45


async def test_responder_refusing() -> None:
    seen: list[BridgeRequestSeen] = []
    with start_responder(BridgeBook(), on_request=seen.append) as responder, served(responder.url) as sim:
        await unbridged(sim, "refused")
        wait_until(lambda: len(seen) == 1)
    assert seen[0].call_id is None and seen[0].refused


async def test_a_slow_component_stalls_no_request() -> None:
    """The component is asked outside the PBX lock and outside the server's event loop."""
    answer = json.dumps({"ok": "1", "extension": "552"}).encode()
    with canned_service(answer, delay=0.8) as service, served(service.url, component_timeout=2.0) as sim:
        async with client_for(sim) as client:
            campaign_id = await dial(client, sim, "557")
            wait_until(
                lambda: bool(sim.pbx.component_calls) and sim.pbx.component_calls[0].state == "calling"
            )
            started = time.perf_counter()
            await client.setting.ping()
            await client.autodialer.search_reports(CampaignReportQuery(campaign_id=campaign_id))
            assert time.perf_counter() - started < 0.3
            row = await final_row(client, campaign_id)
        assert row.disposition == Disposition.ANSWERED
        assert sim.pbx.component_calls[0].outcome == "bridged"


def test_stop_ends_the_ticker() -> None:
    with served(None) as sim:
        ticker = sim.ticker
        assert ticker is not None and ticker.running
    assert not ticker.running
    sim.stop()  # idempotent
