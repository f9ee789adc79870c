"""The stats view and the dashboard strip: figures equal a recomputation from the simulator's own
records; today's CDRs are paged in the background with progress; a failed search is shown."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from textual.widgets import Input, Sparkline, Static

from simotui.calls.states import CallState
from simotui.sim import SimulatorHandle
from simotui.sim.faults import parse_faults
from simotui.sim.models import CdrRecord
from simotui.sim.query import date_range
from simotui.ui.app import make_app
from simotui.ui.screens.confirm import ConfirmDialScreen
from simotui.ui.screens.stats import StatsScreen
from simotui.ui.widgets.stats_strip import StatsStrip

from .helpers import advance_until, app_for, settings_for, sim_clock, wait_until

SIZE = (100, 30)


def expected_day(records: list[CdrRecord]) -> dict[str, Any]:
    """Today's figures recomputed by hand from the server's rows (grouped by cuid)."""
    calls: dict[str, list[CdrRecord]] = defaultdict(list)
    for record in records:
        calls[record.cuid or record.oid].append(record)
    total = answered = talk = wait = 0
    outcomes: dict[str, int] = defaultdict(int)
    trunks: dict[str, int] = defaultdict(int)
    for rows in calls.values():
        first = min(rows, key=lambda r: (r.start, r.oid))
        is_answered = any(r.disposition == "ANSWERED" for r in rows)
        total += 1
        answered += is_answered
        talk += max(r.billsec for r in rows) if is_answered else 0
        wait += first.wait
        outcomes["ANSWERED" if is_answered else rows[-1].disposition] += 1
        trunk = next(
            (r.outgoing_point or r.entry_point for r in rows if r.outgoing_point or r.entry_point), ""
        )
        trunks[trunk or "(no trunk)"] += 1
    return {
        "total": total,
        "answered": answered,
        "talk": talk,
        "wait": wait,
        "outcomes": dict(outcomes),
        "trunks": dict(trunks),
    }


async def test_stats_equal_a_recomputation_from_the_servers_records(sim: SimulatorHandle) -> None:
    # Small pages, so today's CDRs take several.
    app = make_app(replace(settings_for(sim), page_size=2), clock=sim_clock(sim))
    async with app.run_test(size=SIZE) as pilot:
        # Two calls of this session, followed to their end.
        for callee in ("552", "09121234599"):
            app.screen.query_one("#caller", Input).value = "557"
            app.screen.query_one("#callee", Input).value = callee
            app.screen.query_one("#caller", Input).focus()
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen))
            await pilot.press("y")
            await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmDialScreen))
        await advance_until(pilot, sim, lambda: all(c.state.is_final for c in app.tracker.calls.values()))
        strip = app.screen.query_one(StatsStrip)
        strip.recompute()
        assert str(strip.render()).startswith("placed 2 · answered ")
        before = len(sim.requests)
        await pilot.press("f8")
        await wait_until(pilot, lambda: isinstance(app.screen, StatsScreen))
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        await wait_until(pilot, lambda: screen.day is not None, what="today's CDRs read")
        assert screen.day is not None
        # The window the console asked for, read as the server reads it; every page was fetched.
        searches = [r for r in sim.requests[before:] if r.path.endswith("reports/cdr/search")]
        assert isinstance(searches[0].body, dict)
        span = date_range(searches[0].body, sim.pbx.tz, required=True)
        assert span is not None
        lo, hi = span
        records = [
            r for r in sim.pbx.cdrs if (lo is None or r.starttime >= lo) and (hi is None or r.starttime <= hi)
        ]
        assert len(screen.cdrs) == len(records) > 0
        assert len(searches) == -(-len(records) // 2) > 1
        expected = expected_day(records)
        overall = screen.day.overall
        assert (overall.total, overall.answered, overall.talk, overall.wait) == (
            expected["total"],
            expected["answered"],
            expected["talk"],
            expected["wait"],
        )
        assert dict(screen.day.dispositions) == expected["outcomes"]
        assert {name: f.total for name, f in screen.day.per_trunk.items()} == expected["trunks"]
        assert sum(screen.query_one(Sparkline).data or []) == sum(screen.day.answered_per_minute)
        # The session: the server's own rows of the two originated calls.
        session = screen.session
        ids = {c.call_id for c in app.tracker.calls.values()}
        ours = [r for r in sim.pbx.cdrs if r.originated_call_id in ids]
        answered = {r.originated_call_id for r in ours if r.disposition == "ANSWERED"}
        assert session.placed.total == 2
        assert session.placed.answered == len(answered)
        assert sum(session.second_party.values()) + sum(session.first_party.values()) == 2
        states = {c.state for c in app.tracker.calls.values()}
        assert (CallState.ANSWERED in states) == bool(answered)


async def test_a_failed_search_is_shown_and_r_reads_again(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        sim.faults.set(parse_faults("reports/cdr/search:error5xx=1"))
        try:
            await pilot.press("f8")
            await wait_until(pilot, lambda: isinstance(app.screen, StatsScreen))
            screen = app.screen
            assert isinstance(screen, StatsScreen)
            await wait_until(pilot, lambda: screen.error is not None, what="the failure")
            words = str(screen.query_one("#stats-progress-text", Static).render())
            assert "could not be read" in words and screen.day is None
        finally:
            sim.faults.clear()
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.day is not None, what="the second read")
        assert screen.error is None
