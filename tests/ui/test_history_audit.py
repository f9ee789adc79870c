"""The history screen names who did what: a cancelled confirmation and a placed dial, each with
the operator of this console."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input

from simotui.calls.operator import current_operator, operator_text
from simotui.sim import SimulatorHandle
from simotui.store.journal import Journal
from simotui.ui.app import make_app
from simotui.ui.screens.confirm import ConfirmDialScreen

from .helpers import settings_for, sim_clock, wait_until


async def test_history_shows_the_operator_and_the_cancelled_confirmation(
    sim: SimulatorHandle, tmp_path: Path
) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    app = make_app(settings_for(sim), clock=sim_clock(sim), journal=journal)
    async with app.run_test(size=(120, 30)) as pilot:
        for answer in ("n", "y"):
            app.screen.query_one("#caller", Input).value = "557"
            app.screen.query_one("#callee", Input).value = "552"
            app.screen.query_one("#caller", Input).focus()
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen))
            await pilot.press(answer)
            await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmDialScreen))
        await wait_until(pilot, lambda: any(c.call_id for c in app.tracker.calls.values()))
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "HistoryScreen")
        table = app.screen.query_one(DataTable)
        await wait_until(pilot, lambda: table.row_count == 2)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(2)]
        who = operator_text(current_operator())
        assert rows[1][3] == "cancelled" and rows[0][3] != "cancelled"
        assert all(row[6] == who for row in rows)
