"""After a resize from a larger terminal, the cursor keys still bring the newest rows into view."""

from __future__ import annotations

from datetime import timedelta

from simotui.api.models import OriginateRequest
from simotui.calls.model import Call, Placement
from simotui.sim import SimulatorHandle
from simotui.ui.widgets.live_table import LiveTable

from .helpers import app_for, wait_until

DIAL = OriginateRequest("557", "552", "main_routing", "557", timeout=30, call_limit=60)


def in_view(table: LiveTable) -> bool:
    """Whether the cursor's row is inside the table's visible rows (the header row excluded)."""
    top = table.scroll_offset.y
    visible = table.scrollable_content_region.height - 1  # the fixed header line
    return top <= table.cursor_row < top + visible


async def test_the_newest_rows_scroll_into_view_after_shrinking_to_80x24(sim: SimulatorHandle) -> None:
    app = app_for(sim, poll_interval=None)  # no polling: the rows stay as they are put
    async with app.run_test(size=(140, 60)) as pilot:
        await wait_until(pilot, lambda: app.status.state == "connected")
        start = app.clock()
        for n in range(40):
            call = Call(
                f"k{n:03}",
                DIAL,
                start + timedelta(seconds=n),
                Placement.ACCEPTED,
                answered_at=start + timedelta(seconds=n),
                call_id=f"orig.call.{1795341600 + n}.{100000 + n}",
            )
            app.tracker.book.add(call)
        app._calls_changed({f"k{n:03}" for n in range(40)})
        table = app.screen.query_one("#live-table", LiveTable)
        await wait_until(pilot, lambda: table.row_count == 40, what="40 rows")
        table.focus()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        for _ in range(39):
            await pilot.press("down")
        await pilot.pause()
        assert table.cursor_row == 39 and in_view(table), (
            table.scroll_offset,
            table.scrollable_content_region,
        )
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0 and in_view(table)
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == 39 and in_view(table)
        await pilot.press("pageup")
        await pilot.press("pagedown")
        await pilot.pause()
        assert in_view(table)
