"""The live panel's row cache recomputes exactly the rows that can change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from simotui.api.dates import pbx_zone
from simotui.api.models import Cdr, OriginateRequest
from simotui.display import mask_numbers
from simotui.tracking import CallBook, TrackedCall
from simotui.ui.widgets.live_calls import RowCache, row_cells

T0 = datetime(2026, 11, 22, 10, tzinfo=UTC)
TEHRAN = pbx_zone("Asia/Tehran")
REQUEST = OriginateRequest("557", "09121234567", "main_routing", "557", call_limit=60)


def book() -> CallBook:
    calls = CallBook()
    calls.add(TrackedCall("orig.call.1.1", REQUEST, accepted_at=T0))
    calls.add(TrackedCall("orig.call.2.2", REQUEST, accepted_at=T0))
    leg = Cdr.from_api({"_id": "r", "originated_call_id": "orig.call.1.1", "disposition": "ANSWERED"}, TEHRAN)
    calls.apply_cdrs([leg], T0 + timedelta(seconds=30))
    return calls


def test_settled_rows_are_reused_and_waiting_rows_tick() -> None:
    calls, cache = book(), RowCache()
    first = cache.snapshot(calls.calls, T0 + timedelta(seconds=40), False, str)
    later = cache.snapshot(calls.calls, T0 + timedelta(seconds=50), False, str)
    assert later["orig.call.1.1"] is first["orig.call.1.1"]  # final: not recomputed
    assert later["orig.call.2.2"][3] == "0:50" and first["orig.call.2.2"][3] == "0:40"
    for call_id, call in calls.calls.items():  # and always what a full recompute would give
        assert later[call_id] == row_cells(call, T0 + timedelta(seconds=50), False)


def test_a_new_version_staleness_or_masking_recomputes_a_settled_row() -> None:
    calls, cache = book(), RowCache()
    now = T0 + timedelta(seconds=40)
    first = cache.snapshot(calls.calls, now, False, str)["orig.call.1.1"]
    assert cache.snapshot(calls.calls, now, False, mask_numbers)["orig.call.1.1"][1] == "557 → 0912***4567"
    calls.apply_cleanup("orig.call.1.1", "noted")  # a new version of the call
    assert cache.snapshot(calls.calls, now, False, str)["orig.call.1.1"] is not first
