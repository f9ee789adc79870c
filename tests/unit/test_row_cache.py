"""The live panel's row cache recomputes exactly the rows that can change."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from simotui.api.dates import pbx_zone
from simotui.api.models import Cdr, OriginateRequest
from simotui.calls.model import Call, Placement
from simotui.display import mask_numbers
from simotui.ui.widgets.live_calls import RowCache, row_cells

T0 = datetime(2026, 11, 22, 10, tzinfo=UTC)
TEHRAN = pbx_zone("Asia/Tehran")
REQUEST = OriginateRequest("557", "09121234567", "main_routing", "557", call_limit=60)


def calls() -> dict[str, Call]:
    def placed(key: str, call_id: str) -> Call:
        return Call(
            key, REQUEST, requested_at=T0, placement=Placement.ACCEPTED, answered_at=T0, call_id=call_id
        )

    leg = Cdr.from_api({"_id": "r", "originated_call_id": "orig.call.1.1", "disposition": "ANSWERED"}, TEHRAN)
    return {"a": placed("a", "orig.call.1.1").with_legs([leg]), "b": placed("b", "orig.call.2.2")}


def test_settled_rows_are_reused_and_waiting_rows_tick() -> None:
    book, cache = calls(), RowCache()
    first = cache.snapshot(book, T0 + timedelta(seconds=40), False, str)
    later = cache.snapshot(book, T0 + timedelta(seconds=50), False, str)
    assert later["a"] is first["a"]  # final: not recomputed
    assert later["b"][3] == "0:50" and first["b"][3] == "0:40"
    for key, call in book.items():  # and always what a full recompute would give
        assert later[key] == row_cells(call, T0 + timedelta(seconds=50), False)


def test_a_new_version_staleness_or_masking_recomputes_a_settled_row() -> None:
    book, cache = calls(), RowCache()
    now = T0 + timedelta(seconds=40)
    first = cache.snapshot(book, now, False, str)["a"]
    assert cache.snapshot(book, now, False, mask_numbers)["a"][1] == "557 → 0912***4567"
    book["a"] = replace(book["a"], cleanup="noted")  # a new version of the call
    assert cache.snapshot(book, now, False, str)["a"] is not first
