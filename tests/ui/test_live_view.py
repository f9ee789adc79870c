"""The live panel at scale: `/` filters as typed, sort by key and header click, columns chosen and
remembered, Space marks, and the actions on marked rows — redial (one confirmation, one call per
row, counted at the simulator), export, copy, remove (the journal keeps them), auto-archive."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, SelectionList

from simotui import paths
from simotui.api import Credentials, OriginateRequest, SimotelClient
from simotui.api.dates import pbx_zone
from simotui.api.models import Cdr
from simotui.calls.model import Call, Placement
from simotui.secret import Secret
from simotui.settings import Settings
from simotui.sim import SimulatorHandle
from simotui.state import load_state
from simotui.ui.app import SimotuiApp, make_app
from simotui.ui.screens.confirm import ConfirmDialScreen
from simotui.ui.widgets.live_calls import LiveCallsPanel
from simotui.ui.widgets.live_table import LiveTable
from simotui.ui.widgets.live_view import ColumnsScreen

from .helpers import advance_until, app_for, burst, originates, wait_until

SIZE = (100, 30)
T0 = datetime(2026, 11, 22, 10, tzinfo=UTC)
TEHRAN = pbx_zone("Asia/Tehran")


def made_calls(count: int) -> list[Call]:
    """Calls of two callers, every third still waiting, the rest answered with growing billsec."""
    out = []
    for i in range(count):
        caller = "557" if i % 2 else "09121234500"
        request = OriginateRequest(
            caller, str(600 + i), "main_routing", "", trunk_name="Center" if i % 2 == 0 else ""
        )
        at = T0 - timedelta(minutes=30) + timedelta(seconds=i)
        call = Call(
            f"k{i:03}", request, at, placement=Placement.ACCEPTED, answered_at=at, call_id=f"orig.call.{i}.1"
        )
        if i % 3:
            leg = Cdr.from_api(
                {
                    "_id": f"r{i}",
                    "originated_call_id": call.call_id,
                    "disposition": "ANSWERED",
                    "billsec": (i * 7) % 50,
                    "starttime": (at + timedelta(seconds=2)).astimezone(TEHRAN).strftime("%Y-%m-%d %H:%M:%S"),
                    "endtime": (at + timedelta(seconds=60)).astimezone(TEHRAN).strftime("%Y-%m-%d %H:%M:%S"),
                },
                TEHRAN,
            )
            call = call.with_legs([leg])
        out.append(call)
    return out


def offline_app(count: int, **settings: object) -> tuple[SimotuiApp, dict[str, datetime]]:
    """A console on no PBX at all (nothing is polled), with ``count`` restored calls."""
    base = Settings(
        base_url="http://127.0.0.1:9", credentials=Credentials("key", api_key=Secret("k")), poll_interval=None
    )
    now = {"t": T0}
    app = make_app(
        replace(base, **settings),
        client=SimotelClient(base.base_url, base.credentials),
        clock=lambda: now["t"],
    )  # type: ignore[arg-type]
    return app, now


def panel_of(app: SimotuiApp) -> tuple[LiveCallsPanel, LiveTable]:
    panel = app.screen.query_one(LiveCallsPanel)
    return panel, panel.query_one("#live-table", LiveTable)


async def start(pilot: Pilot[None], app: SimotuiApp, calls: list[Call]) -> tuple[LiveCallsPanel, LiveTable]:
    app.tracker.add_restored(calls)
    panel, table = panel_of(app)
    await wait_until(pilot, lambda: table.row_count == len(calls))
    table.focus()
    await pilot.pause()
    return panel, table


async def test_filter_as_typed_title_and_escape(tmp_path: Path) -> None:
    app, _now = offline_app(0)
    async with app.run_test(size=SIZE) as pilot:
        calls = made_calls(40)
        panel, table = await start(pilot, app, calls)
        await pilot.press("slash")
        assert isinstance(app.focused, Input) and app.focused.id == "live-filter"
        await pilot.press(*"0912")
        expected = [c.key for c in calls if "0912" in c.caller]
        assert table.keys == expected
        assert f"{len(expected)} of 40" in str(panel.border_title)
        # Words in any order, any case: caller and state.
        await pilot.press("space", *"WAIT")
        assert table.keys == [c.key for c in calls if "0912" in c.caller and not c.state.is_final]
        await pilot.press("enter")  # keep the filter, back to the table
        assert app.focused is table and table.row_count < 40
        await pilot.press("escape")
        assert table.keys == [c.key for c in calls] and "of" not in str(panel.border_title)
        # A call that changes while filtered out stays hidden; one that starts matching appears.
        await pilot.press("slash", *"center")
        assert table.keys == [c.key for c in calls if c.dial.trunk_name == "Center"]


async def test_sort_by_key_and_by_header_click() -> None:
    app, _now = offline_app(0)
    async with app.run_test(size=SIZE) as pilot:
        calls = made_calls(20)
        panel, table = await start(pilot, app, calls)
        await pilot.press("s")  # the first column
        assert table.keys == sorted(table.keys, key=lambda k: app.tracker.calls[k].call_id)
        assert "by Call ↑" in str(panel.border_title)
        await pilot.press("S")
        assert "by Call ↓" in str(panel.border_title)
        # A click on the Billsec header: ascending, unknown billsecs last; again: descending.
        header_x = sum(w + 2 for w in table._widths[:4]) + 1
        await pilot.click(table, offset=(header_x, 0))
        billsecs = [leg.billsec if (leg := app.tracker.calls[k].main_leg) else None for k in table.keys]
        known = [b for b in billsecs if b is not None]
        assert known == sorted(known) and billsecs[len(known) :] == [None] * (len(billsecs) - len(known))
        assert "by Billsec ↑" in str(panel.border_title)
        await pilot.click(table, offset=(header_x, 0))
        billsecs = [leg.billsec if (leg := app.tracker.calls[k].main_leg) else None for k in table.keys]
        known = [b for b in billsecs if b is not None]
        assert known == sorted(known, reverse=True)


async def test_columns_are_chosen_and_remembered() -> None:
    app, _now = offline_app(0)
    async with app.run_test(size=SIZE) as pilot:
        _panel, table = await start(pilot, app, made_calls(5))
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ColumnsScreen))
        choices = app.screen.query_one(SelectionList)
        choices.deselect("Wait")
        choices.deselect("Disposition")
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, ColumnsScreen))
        assert [table.columns[i] for i in table.shown_columns] == [
            "Call",
            "Caller → Callee",
            "State",
            "Elapsed",
            "Billsec",
        ]
        assert load_state()["live_columns"] == "Call,Caller → Callee,State,Elapsed,Billsec"
    # The next console starts with them.
    again, _ = offline_app(0)
    async with again.run_test(size=SIZE) as pilot:
        _panel, table = panel_of(again)
        assert "Wait" not in [table.columns[i] for i in table.shown_columns]


async def test_marks_copy_export_and_remove() -> None:
    app, _now = offline_app(0)
    async with app.run_test(size=SIZE) as pilot:
        calls = made_calls(12)
        panel, table = await start(pilot, app, calls)
        # Space marks and moves on; the second row (k001) is settled, the first (k000) is not.
        await pilot.press("space", "space", "space")
        assert panel.view.marked == {"k000", "k001", "k002"}
        assert "3 marked" in str(panel.border_title)
        await pilot.press("Y")
        copied = app.clipboard.split("\n")
        assert len(copied) == 3 and copied[0].split("\t")[1] == "09121234500 → 600"
        await pilot.press("e")
        await wait_until(pilot, lambda: any(paths.downloads_dir().glob("live-calls-*.csv")))
        [saved] = paths.downloads_dir().glob("live-calls-*.csv")
        await wait_until(pilot, lambda: saved.stat().st_size > 0)
        rows = list(csv.DictReader(saved.open(encoding="utf-8")))
        assert [r["key"] for r in rows] == ["k000", "k001", "k002"]
        assert oct(saved.stat().st_mode & 0o777) == "0o600"
        await pilot.press("E")
        await wait_until(pilot, lambda: any(paths.downloads_dir().glob("live-calls-*.json")))
        [saved_json] = paths.downloads_dir().glob("live-calls-*.json")
        await wait_until(pilot, lambda: saved_json.stat().st_size > 0)
        assert [r["originated_call_id"] for r in json.loads(saved_json.read_text())] == [
            "orig.call.0.1",
            "orig.call.1.1",
            "orig.call.2.1",
        ]
        # Remove: the settled ones go, the one still followed stays (and says so).
        await pilot.press("d")
        assert "k001" not in table and "k002" not in table and "k000" in table
        assert "k001" in app.tracker.calls  # only the panel forgot it
        assert any("still being followed" in str(n.message) for n in app._notifications)
        # * marks all shown; again unmarks; Esc clears marks.
        await pilot.press("asterisk")
        assert panel.view.marked == set(table.keys)
        await pilot.press("asterisk")
        assert not panel.view.marked
        await pilot.press("space", "escape")
        assert not panel.view.marked


async def test_settled_rows_are_archived_after_the_configured_time() -> None:
    app, now = offline_app(0, archive_after=600.0)
    now["t"] = T0 - timedelta(minutes=28)  # a minute after the settled calls ended
    async with app.run_test(size=SIZE) as pilot:
        calls = made_calls(6)
        panel, table = await start(pilot, app, calls)
        settled = {c.key for c in calls if c.settled}
        assert settled and table.row_count == 6
        now["t"] = T0 - timedelta(minutes=18)  # ten minutes after they ended
        panel.render_rows()
        assert set(table.keys) == {c.key for c in calls} - settled
        assert f"{len(settled)} archived" in str(panel.border_title)


async def test_bulk_redial_one_confirmation_one_call_per_row_under_a_burst(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        callers = ["7101", "7102", "7103"]
        for caller in callers:
            app.screen.query_one("#caller", Input).value = caller
            app.screen.query_one("#callee", Input).value = "552"
            app.screen.query_one("#caller", Input).focus()
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen))
            await pilot.press("y")
            await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmDialScreen))
        await wait_until(pilot, lambda: all(c.call_id for c in app.tracker.calls.values()))
        await advance_until(pilot, sim, lambda: all(c.state.is_final for c in app.tracker.calls.values()))
        before = {caller: len(originates(sim, caller)) for caller in callers}
        panel, table = panel_of(app)
        table.focus()
        await pilot.press("asterisk")
        # R and y at once: the y arrived before the question was drawn, so it answers nothing.
        await burst(pilot, "R", "y", "y")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen))
        screen = app.screen
        assert isinstance(screen, ConfirmDialScreen) and "Redial 3 calls" in screen.heading
        assert len(screen.body) == 3 and all(c in " ".join(screen.body) for c in callers)
        await pilot.pause(0.2)
        # Now the answer, with repeats and another R in the same burst.
        await burst(pilot, "y", "y", "R", "y", "y")
        await wait_until(pilot, lambda: len(app.tracker.calls) >= 6)
        await wait_until(pilot, lambda: all(c.call_id for c in app.tracker.calls.values()))
        await pilot.pause(0.3)
        if isinstance(app.screen, ConfirmDialScreen):  # the burst's R found a new question: leave it
            await pilot.press("n")
        assert {caller: len(originates(sim, caller)) - before[caller] for caller in callers} == dict.fromkeys(
            callers, 1
        )
        assert len(app.tracker.calls) == 6
        assert not panel.view.marked  # a second R does not redial the same rows


async def test_bulk_redial_cancelled_sends_nothing(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#caller", Input).value = "7201"
        app.screen.query_one("#callee", Input).value = "552"
        app.screen.query_one("#caller", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: any(c.call_id for c in app.tracker.calls.values()))
        sent = len(originates(sim, "7201"))
        _panel, table = panel_of(app)
        table.focus()
        await pilot.press("space", "R")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen))
        await pilot.pause(0.2)
        await pilot.press("n")
        await pilot.pause(0.2)
        assert len(originates(sim, "7201")) == sent and len(app.tracker.calls) == 1
        assert app.tracker.open_proposal is None


async def test_a_burst_lands_where_it_was_typed() -> None:
    # ctrl+l, "/", the filter's Enter and Esc move the focus when read: the keys after them in
    # the same burst go to the table, the filter, then the table again.
    app, _now = offline_app(0)
    async with app.run_test(size=(80, 24)) as pilot:
        calls = made_calls(6)
        app.tracker.add_restored(calls)
        panel, table = panel_of(app)
        await wait_until(pilot, lambda: table.row_count == 6)
        await burst(pilot, "ctrl+l", "space", "space")
        assert app.focused is table and panel.view.marked == {"k000", "k001"}
        await burst(pilot, "escape", "slash", "5", "5", "7", "enter", "s")
        assert panel.view.query == "557" and app.focused is table
        assert table.keys == [c.key for c in calls if c.caller == "557"]
        assert panel.view.sort_column == 0  # the s after Enter reached the table
        await burst(pilot, "slash", "escape", "R")
        # The R after Esc reached the table: a redial of the cursor's row, asked, not sent.
        assert panel.view.query == ""
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen))
        assert isinstance(app.screen, ConfirmDialScreen) and "Redial 1 call?" in app.screen.heading
        await pilot.pause(0.2)
        await pilot.press("n")
        assert app.focused is table and app.tracker.open_proposal is None
