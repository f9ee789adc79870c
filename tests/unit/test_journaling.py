"""The console's journal writes: what a restart picks up again."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from simotui.api.dates import pbx_zone
from simotui.api.models import Cdr, OriginateRequest
from simotui.store.journal import Journal
from simotui.tracking import CLEANUP_PENDING, CallBook, CampaignDial, TrackedCall
from simotui.ui.journaling import JournalKeeper, restored, settled

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
TEHRAN = pbx_zone("Asia/Tehran")


def leg(cuid: str) -> Cdr:
    return Cdr.from_api({"_id": "r1", "cuid": cuid, "disposition": "ANSWERED", "billsec": 12}, TEHRAN)


def test_a_bridged_campaign_call_is_settled_only_after_its_cleanup() -> None:
    dial = CampaignDial("557", "552", "tm", "simotui", "bridge")
    book = CallBook()
    book.add(TrackedCall("campaign.1", dial, accepted_at=T0, campaign_id="c1").with_bridge("1795.1"))
    book.apply_cdrs([leg("1795.1")], T0)
    done = book.calls["campaign.1"]
    assert done.state.is_final and not settled(done)
    assert not settled(done.with_cleanup(CLEANUP_PENDING))
    assert settled(done.with_cleanup("campaign removed"))
    direct = TrackedCall(
        "orig.call.1.1", OriginateRequest("557", "552", "main_routing", "557"), accepted_at=T0
    )
    assert not settled(direct)


async def test_an_unsettled_campaign_call_comes_back_after_a_restart(tmp_path: Path) -> None:
    dial = CampaignDial("557", "552", "tm", "simotui", "bridge")
    path = tmp_path / "journal.sqlite3"
    keeper = JournalKeeper(Journal(path), "lab")
    request_id = await keeper.record_request(dial, {"name": "simotui-x", "numbers": ["557"]})
    await keeper.record_accepted(request_id, "campaign.1", T0, "c1")
    call = TrackedCall("campaign.1", dial, accepted_at=T0, campaign_id="c1").with_bridge("1795.1")
    book = CallBook()
    book.add(call)
    book.apply_cdrs([leg("1795.1")], T0)
    keeper.record_state(book.calls["campaign.1"])  # completed, campaign not yet removed
    keeper.close()

    again = JournalKeeper(Journal(path), "lab")
    [entry] = again.in_flight()
    back = restored(entry)
    assert back.campaign_id == "c1" and back.bridge_unique_id == "1795.1"
    assert isinstance(back.request, CampaignDial) and back.request.callee == "552"
    assert JournalKeeper(Journal(path), "other").in_flight() == []
    again.close()
