"""Tracked calls: matching CDRs by originate id, deadlines, the poll window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from simotui.api.dates import pbx_zone
from simotui.api.models import Cdr, Disposition, OriginateRequest
from simotui.tracking import WINDOW_MARGIN, CallBook, CallState, TrackedCall, poll_window

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
TEHRAN = pbx_zone("Asia/Tehran")


def cdr(row_id: str, call_id: str, disposition: str = "ANSWERED", **extra: Any) -> Cdr:
    data = {
        "_id": row_id,
        "originated_call_id": call_id,
        "comment": f"originated call: {call_id}",
        "disposition": disposition,
        "start": "2026-11-22 13:30:00",
        "billsec": 12,
        **extra,
    }
    return Cdr.from_api(data, TEHRAN)


def call(call_id: str, at: datetime = T0, call_limit: int | None = 60) -> TrackedCall:
    return TrackedCall(
        call_id,
        OriginateRequest("557", "552", "main_routing", "557", timeout=30, call_limit=call_limit),
        accepted_at=at,
    )


def test_cdr_completes_the_matching_call_only() -> None:
    book = CallBook()
    book.add(call("orig.call.1.1"))
    book.add(call("orig.call.2.2"))
    changed = book.apply_cdrs(
        [cdr("r1", "orig.call.1.1"), cdr("r9", "orig.call.9.9")], T0 + timedelta(seconds=20)
    )
    assert changed == {"orig.call.1.1"}
    done = book.calls["orig.call.1.1"]
    assert done.state is CallState.COMPLETED and done.disposition == Disposition.ANSWERED
    assert done.main_leg is not None and done.main_leg.billsec == 12
    assert book.calls["orig.call.2.2"].state is CallState.ACCEPTED


def test_comment_ids_match_sibling_rows() -> None:
    book = CallBook()
    book.add(call("orig.call.5.5"))
    row = Cdr.from_api(
        {
            "_id": "r",
            "originated_call_id": "orig.call.4.4",
            "disposition": "FAILED",
            "comment": "originated call: orig.call.4.4. originated call: orig.call.5.5",
        },
        TEHRAN,
    )
    assert book.apply_cdrs([row], T0) == {"orig.call.5.5"}


def test_answered_leg_wins_over_later_failed_leg() -> None:
    tracked = call("orig.call.1.1").with_legs(
        [
            cdr("a", "orig.call.1.1", "ANSWERED"),
            cdr("b", "orig.call.1.1", "NO ANSWER", start="2026-11-22 13:31:00"),
        ],
        T0,
    )
    assert tracked.disposition == Disposition.ANSWERED


def test_no_cdr_after_timeout_plus_call_limit_plus_grace() -> None:
    book = CallBook()
    tracked = call("orig.call.1.1")
    book.add(tracked)
    assert tracked.deadline == T0 + timedelta(seconds=30 + 60) + tracked.grace
    assert book.apply_cdrs([], tracked.deadline - timedelta(seconds=1)) == set()
    assert book.apply_cdrs([], tracked.deadline) == {"orig.call.1.1"}
    assert book.calls["orig.call.1.1"].state is CallState.NO_CDR
    assert book.calls["orig.call.1.1"].elapsed(T0 + timedelta(hours=5)) == tracked.deadline - T0


def test_same_rows_again_change_nothing() -> None:
    book = CallBook()
    book.add(call("orig.call.1.1"))
    rows = [cdr("r1", "orig.call.1.1")]
    assert book.apply_cdrs(rows, T0) == {"orig.call.1.1"}
    assert book.apply_cdrs(rows, T0 + timedelta(seconds=5)) == set()


def test_poll_window_covers_pending_calls_only() -> None:
    early, late = call("a", T0), call("b", T0 + timedelta(minutes=10))
    now = T0 + timedelta(minutes=11)
    window = poll_window([early, late], now)
    assert window is not None
    assert window.start == T0 - WINDOW_MARGIN and window.end == now + WINDOW_MARGIN
    finished = early.with_legs([cdr("r", "a")], now)
    assert poll_window([finished], now) is None


def test_elapsed_of_a_completed_call_ends_at_the_cdr_end() -> None:
    # endtime as a $date (UTC ms): 2026-11-22 10:01:05 UTC, 65 s after acceptance.
    end_ms = int((T0 + timedelta(seconds=65)).timestamp() * 1000)
    done = call("orig.call.1.1").with_legs(
        [cdr("r", "orig.call.1.1", endtime={"$date": {"$numberLong": str(end_ms)}})],
        T0 + timedelta(minutes=9),
    )
    assert done.elapsed(T0 + timedelta(hours=1)) == timedelta(seconds=65)


def test_campaign_call_keeps_its_campaign_until_the_report_row_is_read() -> None:
    from simotui.api.models import CampaignReportRow
    from simotui.tracking import CampaignDial

    dial = CampaignDial("557", "552", "tm", "simotui", "bridge")
    call = TrackedCall("campaign.1", dial, accepted_at=T0, campaign_id="c1").with_bridge("1795.1")
    leg = cdr("r1", "", cuid="1795.1")
    book = CallBook()
    book.add(call)
    book.apply_cdrs([leg], T0 + timedelta(seconds=40))
    done = book.calls["campaign.1"]
    assert done.state is CallState.COMPLETED and not done.ready_for_cleanup
    row = CampaignReportRow.from_api(
        {"_id": "x", "campaign_id": {"$oid": "c1"}, "number": "557", "disposition": "ANSWERED", "try": 1},
        TEHRAN,
    )
    assert book.apply_reports([row], T0 + timedelta(seconds=45)) == {"campaign.1"}
    assert book.calls["campaign.1"].ready_for_cleanup
