"""The console driven like a user would, against the simulator over real loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Label, Static

from simotui.api.models import Disposition, OriginateRequest
from simotui.calls.states import CallState
from simotui.sim import SimConfig, SimulatorHandle, start_simulator
from simotui.ui.app import make_app
from simotui.ui.screens.confirm import ConfirmDialScreen
from simotui.ui.screens.details import CallDetailScreen, CdrDetailScreen
from simotui.ui.screens.reports import ReportsScreen
from simotui.ui.widgets.live_table import LiveTable
from simotui.ui.widgets.report_browser import ReportBrowser
from simotui.ui.widgets.status_line import StatusLine

from .helpers import (
    advance_until,
    app_for,
    burst,
    calls_of,
    originates,
    settings_for,
    sim_clock,
    type_text,
    wait_until,
)

SIZE = (100, 32)


async def dial(pilot, caller: str, callee: str, *, extra: dict[str, str] | None = None) -> None:  # type: ignore[no-untyped-def]
    """Fill caller and callee (and any other field), Enter, and confirm with y."""
    app = pilot.app
    await pilot.press("ctrl+n")
    for name, value in {"caller": caller, "callee": callee, **(extra or {})}.items():
        app.screen.query_one(f"#{name}", Input).value = value
    app.screen.query_one("#caller", Input).focus()
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen), what="the confirmation")
    await pilot.press("y")


async def test_dial_with_keys_reaches_answered_with_billsec(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        assert app.focused is not None and app.focused.id == "caller"
        await type_text(pilot, "557")
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "callee"
        await type_text(pilot, "552")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen), what="confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: len(app.tracker.calls) == 1, what="the live row")
        # The form is ready for the next call: parties cleared, caller focused, defaults kept.
        form_values = app.screen.query_one("#dial-form").values()  # type: ignore[attr-defined]
        assert (form_values["caller"], form_values["callee"], form_values["context"]) == (
            "",
            "",
            "main_routing",
        )
        assert app.focused is not None and app.focused.id == "caller"
        (call,) = calls_of(app)
        await wait_until(
            pilot, lambda: app.tracker.calls[call.key].state is CallState.WAITING, what="accepted"
        )
        await advance_until(pilot, sim, lambda: app.tracker.calls[call.key].state.is_final, what="the CDR")
        done = app.tracker.calls[call.key]
        assert done.state is CallState.ANSWERED and done.disposition == Disposition.ANSWERED
        assert done.main_leg is not None and done.main_leg.billsec > 0
        table = app.screen.query_one("#live-table", LiveTable)
        await wait_until(pilot, lambda: str(table.get_row(call.key)[2]) == "answered", what="the row")
        row = [str(cell) for cell in table.get_row(call.key)]
        assert done.call_id.endswith(row[0].removeprefix("…")) and row[6] == "ANSWERED" and row[4] != "—"
        body = originates(sim, "557")[-1].body  # type: ignore[attr-defined]
        assert body == {
            "caller": "557",
            "callee": "552",
            "context": "main_routing",
            "caller_id": "557",
            "trunk_name": "",
            "timeout": "30",
        }


async def test_validation_messages_at_the_fields_and_nothing_sent(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        before = len(originates(sim))
        await pilot.press("enter")
        error = lambda name: str(app.screen.query_one(f"#error-{name}", Static).render())  # noqa: E731
        assert error("caller") == "required" and error("callee") == "required"
        assert app.focused is not None and app.focused.id == "caller"
        await type_text(pilot, "09121234567")
        await pilot.press("tab")
        await type_text(pilot, "552")
        timeout = app.screen.query_one("#timeout", Input)
        timeout.value = "3"
        await pilot.press("enter")
        assert error("trunk_name") == "a PSTN caller needs a trunk"
        assert error("timeout") == "must be 5–300 s"
        assert error("caller") == ""
        assert app.focused is not None and app.focused.id == "trunk_name"
        assert not isinstance(app.screen, ConfirmDialScreen)
        await type_text(pilot, "Center")
        assert error("trunk_name") == ""  # re-checked as the field is fixed
        assert len(originates(sim)) == before


async def test_letters_cannot_be_typed_into_numbers(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "5a5-7")
        assert app.screen.query_one("#caller", Input).value == "557"


async def test_cancel_sends_nothing(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        before = len(originates(sim, "553"))
        await pilot.press("ctrl+n")
        app.screen.query_one("#caller", Input).value = "553"
        app.screen.query_one("#callee", Input).value = "554"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen))
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert len(originates(sim, "553")) == before and not app.tracker.calls


async def test_repeated_keys_send_exactly_one_originate(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        before = len(originates(sim, "554"))
        app.screen.query_one("#caller", Input).value = "554"
        app.screen.query_one("#callee", Input).value = "555"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen))
        # A key held down: confirm twice, then Enter and y again, all within a moment.
        await pilot.press("y", "y", "enter", "enter", "y", "enter", "y")
        await wait_until(pilot, lambda: all(c.state is not CallState.SENDING for c in calls_of(app)))
        await pilot.pause(0.3)
        assert len(originates(sim, "554")) == before + 1
        assert len(app.tracker.calls) == 1


async def test_a_double_enter_and_two_ys_place_one_call(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        before = len(originates(sim, "101"))
        app.screen.query_one("#caller", Input).value = "101"
        app.screen.query_one("#callee", Input).value = "102"
        app.screen.query_one("#caller", Input).focus()
        # In one burst, as SSH delivers them: both Enters reach the form before any confirmation
        # exists, and the y that follows was typed before the question was on screen.
        await burst(pilot, "enter", "enter", "y")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen), what="one confirmation")
        assert sum(isinstance(screen, ConfirmDialScreen) for screen in app.screen_stack) == 1
        assert not app.tracker.calls  # the typed-ahead y confirmed nothing
        await pilot.press("enter")  # Enter never confirms
        assert isinstance(app.screen, ConfirmDialScreen) and not app.tracker.calls
        await pilot.press("y")
        await pilot.press("y")
        await wait_until(pilot, lambda: all(c.state is not CallState.SENDING for c in calls_of(app)))
        await pilot.pause(0.3)
        assert len(originates(sim, "101")) == before + 1 and len(app.tracker.calls) == 1


async def test_holding_enter_never_dials(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        before = len(originates(sim, "103"))
        app.screen.query_one("#caller", Input).value = "103"
        app.screen.query_one("#callee", Input).value = "104"
        app.screen.query_one("#caller", Input).focus()
        await pilot.press(*["enter"] * 12)
        await burst(pilot, *["enter"] * 12)
        await pilot.pause(0.3)
        assert isinstance(app.screen, ConfirmDialScreen)
        assert len(originates(sim, "103")) == before and not app.tracker.calls
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmDialScreen))
        assert app.tracker.open_proposal is None


async def test_first_party_never_answers_becomes_no_cdr_with_explanation(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await dial(pilot, "09121234500", "552", extra={"trunk_name": "Center", "call_limit": "10"})
        await wait_until(pilot, lambda: len(app.tracker.calls) == 1)
        (call,) = calls_of(app)
        await wait_until(pilot, lambda: app.tracker.calls[call.key].state is CallState.WAITING)
        # After its ring (timeout + 10 s) the row says so, and keeps looking.
        await advance_until(
            pilot, sim, lambda: app.tracker.calls[call.key].state is CallState.NO_CDR_YET, what="no CDR yet"
        )
        # timeout 30 + limit 10 + grace 30: then it is given up on.
        await advance_until(
            pilot, sim, lambda: app.tracker.calls[call.key].state is CallState.NO_CDR, what="no CDR"
        )
        table = app.screen.query_one("#live-table", LiveTable)
        await wait_until(pilot, lambda: str(table.get_row(call.key)[2]) == "no CDR")
        assert str(table.get_row(call.key)[6]) == "—"
        table.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CallDetailScreen))
        text = " ".join(str(w.render()) for w in app.screen.query(".call-state").results(Static))
        assert "first party most likely never answered" in text


@pytest.fixture
def own_sim() -> Iterator[SimulatorHandle]:
    """A simulator this test may stop and restart."""
    handle = start_simulator(SimConfig(seed=3, speed=0))
    yield handle
    handle.stop()


async def test_poll_failure_is_shown_rows_go_stale_and_polling_recovers(own_sim: SimulatorHandle) -> None:
    app = app_for(own_sim)
    port = int(own_sim.url.rsplit(":", 1)[1])
    async with app.run_test(size=SIZE) as pilot:
        status = lambda: app.screen.query_one(StatusLine).current  # noqa: E731
        await wait_until(pilot, lambda: status().state == "connected", what="connected")
        await dial(pilot, "557", "552")
        await wait_until(pilot, lambda: len(app.tracker.calls) == 1)
        (call,) = calls_of(app)
        own_sim.stop()
        await wait_until(pilot, lambda: status().state == "unreachable", what="unreachable")
        assert "retrying in" in status().detail
        table = app.screen.query_one("#live-table", LiveTable)
        await wait_until(pilot, lambda: str(table.get_row(call.key)[2]) == "waiting for CDR (stale)")
        assert app.tracker.calls[call.key].state is CallState.WAITING  # kept, not lost
        restarted = start_simulator(SimConfig(seed=3, speed=0), port=port)
        try:
            table.focus()
            await pilot.press("r")  # refresh now instead of waiting out the backoff
            await wait_until(pilot, lambda: status().state == "connected", what="recovery")
            await wait_until(pilot, lambda: not str(table.get_row(call.key)[2]).endswith("(stale)"))
        finally:
            restarted.stop()


async def test_pause_stops_polling_and_r_polls_once(sim: SimulatorHandle) -> None:
    app = app_for(sim, poll_interval=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await dial(pilot, "09121234500", "558", extra={"trunk_name": "Center"})
        await wait_until(pilot, lambda: len(app.tracker.calls) == 1)
        app.screen.query_one("#live-table", LiveTable).focus()
        await pilot.press("p")
        await pilot.pause(0.4)
        searches = lambda: sum(  # noqa: E731
            1 for r in sim.requests if r.path.endswith(("reports/cdr/search", "reports/cdr/ordered/id"))
        )
        paused_at = searches()
        await pilot.pause(1.0)
        assert searches() == paused_at
        await pilot.press("r")
        await wait_until(pilot, lambda: searches() == paused_at + 1, what="one refresh")
        await pilot.press("p")


async def test_report_browser_pages_filters_and_opens_route_steps(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        browser = app.screen.query_one("#cdr-browser", ReportBrowser)
        await wait_until(pilot, lambda: browser.total is not None, what="first page")
        total = browser.total
        assert total is not None and total > 20
        position = lambda: browser.query_one(".report-position").text  # type: ignore[attr-defined]  # noqa: E731
        assert position().startswith(f"1–20 of {total:,}")
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: browser.state.start == 20, what="page 2")
        assert position().startswith(f"21–40 of {total:,}")
        await pilot.press("pageup")
        await wait_until(pilot, lambda: browser.state.start == 0)
        # Sort by billsec (cursor on that column, then s): server-side, ascending first.
        table = browser.query_one(LiveTable)
        table.focus()
        table.cursor_column = 5
        await pilot.press("s")
        await wait_until(pilot, lambda: browser.state.sorting == {"billsec": 1}, what="sort")
        billsecs = [record.billsec for record in browser.records.values()]  # type: ignore[attr-defined]
        assert billsecs == sorted(billsecs)
        # Filter on the caller.
        await pilot.press("slash")
        await type_text(pilot, "557")
        await pilot.press("enter")
        await wait_until(pilot, lambda: browser.state.filters.get("src") == "557", what="filter")
        await wait_until(pilot, lambda: all("557" in r.src for r in browser.records.values()))  # type: ignore[attr-defined]
        assert browser.total is not None and browser.total < total
        # Open a CDR that has route steps.
        target = next(r for r in browser.records.values() if r.route)  # type: ignore[attr-defined]
        table.move_cursor(target.id)
        table.cursor_column = 0
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CdrDetailScreen), what="CDR detail")
        route = app.screen.query_one(".route-table", DataTable)
        assert route.row_count == len(target.route)
        assert [str(route.get_row_at(i)[1]) for i in range(route.row_count)] == [s.type for s in target.route]
        title = str(app.screen.query_one(".screen-title", Label).render())
        assert target.cuid in title


async def test_cdr_detail_prefills_the_dial_form(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        browser = app.screen.query_one("#cdr-browser", ReportBrowser)
        await wait_until(pilot, lambda: bool(browser.records))
        record = next(iter(browser.records.values()))
        sent_before = len(originates(sim))
        browser.query_one(LiveTable).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CdrDetailScreen))
        await pilot.press("d")
        await wait_until(pilot, lambda: app.screen is app.dashboard, what="back on the dashboard")
        values = app.screen.query_one("#dial-form").values()  # type: ignore[attr-defined]
        assert values["caller"] == record.src and values["callee"] == record.dst  # type: ignore[attr-defined]
        assert values["context"] == "main_routing"
        await pilot.pause(0.3)
        assert len(originates(sim)) == sent_before  # prefilled, not dialled


async def test_recent_dial_swap_prefills_swapped_legs_and_asks(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await dial(pilot, "560", "561")
        await wait_until(pilot, lambda: len(app.tracker.calls) == 1)
        app.screen.query_one("#recent").focus()
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen), what="confirmation")
        body = app.screen.body  # type: ignore[attr-defined]
        assert body["caller"] == "561" and body["callee"] == "560"
        await pilot.press("n")


async def test_a_redial_and_a_y_in_one_burst_place_no_call(sim: SimulatorHandle) -> None:
    """``r y`` typed ahead on Recent dials: the y was read before the question was drawn. It
    reaches the app's bindings only once the confirmation is on top, and must not answer it."""
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await dial(pilot, "562", "564")
        await wait_until(pilot, lambda: len(app.tracker.calls) == 1)
        before = len(originates(sim, "562"))
        app.screen.query_one("#recent").focus()
        await burst(pilot, "r", "y", "y")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen), what="confirmation")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ConfirmDialScreen)
        assert len(originates(sim, "562")) == before and len(app.tracker.calls) == 1
        await pilot.press("y")  # typed after it was shown: this one dials
        await wait_until(pilot, lambda: len(app.tracker.calls) == 2)
        await wait_until(pilot, lambda: all(c.state is not CallState.SENDING for c in calls_of(app)))
        assert len(originates(sim, "562")) == before + 1


async def test_no_cdr_row_explains_itself_under_the_table(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await dial(pilot, "09121234500", "557", extra={"trunk_name": "Center", "call_limit": "5"})
        await wait_until(pilot, lambda: len(app.tracker.calls) == 1)
        (call,) = calls_of(app)
        hint = lambda: str(app.screen.query_one("#live-hint", Static).render())  # noqa: E731
        await wait_until(pilot, lambda: hint().startswith("Simotel accepted the call"), what="waiting hint")
        assert "'no CDR yet' after" in hint() and "given up on at" in hint()
        await advance_until(pilot, sim, lambda: app.tracker.calls[call.key].state is CallState.NO_CDR)
        await wait_until(
            pilot, lambda: "first party most likely never answered" in hint(), what="no-CDR hint"
        )


async def test_command_palette_opens_reports(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "Reports")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen), what="reports via palette")


async def test_help_panel_toggles(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await wait_until(pilot, lambda: bool(app.screen.query("HelpPanel")), what="help panel")
        await pilot.press("f1")
        await wait_until(pilot, lambda: not app.screen.query("HelpPanel"), what="help closed")


async def test_campaign_reports_show_tries_with_causes(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        await pilot.press("a")
        browser = app.screen.query_one("#campaign-browser", ReportBrowser)
        # Past campaigns of the history are older than a day: widen the window.
        since = browser.query_one("#filter-since", Input)
        since.value = "2020-01-01"
        since.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(browser.records), what="campaign rows")
        row = next(r for r in browser.records.values() if r.tries)  # type: ignore[attr-defined]
        table = browser.query_one(LiveTable)
        table.focus()
        table.move_cursor(row.id)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "CampaignRowScreen", what="tries")
        tries = app.screen.query_one("#tries-table", DataTable)
        assert tries.row_count == len(row.tries)
        first = [str(c) for c in tries.get_row_at(0)]
        assert first[2] == str(row.tries[0].disposition)
        assert first[3] == ("—" if row.tries[0].cause is None else str(row.tries[0].cause))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))


async def test_masking_hides_phone_numbers_on_every_screen(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await dial(pilot, "557", "09121234567")
        await wait_until(pilot, lambda: len(app.tracker.calls) == 1)
        (call,) = calls_of(app)
        table = app.screen.query_one("#live-table", LiveTable)
        await pilot.press("f3")
        await wait_until(
            pilot, lambda: str(table.get_row(call.key)[1]) == "557 → 0912***4567", what="masked row"
        )
        recent = str(app.screen.query_one("#recent").get_option_at_index(0).prompt)  # type: ignore[attr-defined]
        assert "0912***4567" in recent and "09121234567" not in recent
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        browser = app.screen.query_one("#cdr-browser", ReportBrowser)
        await wait_until(pilot, lambda: bool(browser.records))
        cells = [
            str(c)
            for r in range(browser.query_one(LiveTable).row_count)
            for c in browser.query_one(LiveTable).get_row_at(r)
        ]
        long_numbers = [c for c in cells if c.isdigit() and len(c) >= 8]
        assert not long_numbers, long_numbers
        assert any("***" in c for c in cells)
        await pilot.press("f3")
        await wait_until(
            pilot,
            lambda: any(
                c.isdigit() and len(c) >= 8
                for r in range(browser.query_one(LiveTable).row_count)
                for c in map(str, browser.query_one(LiveTable).get_row_at(r))
            ),
        )


async def test_http_log_lists_every_exchange_newest_first(sim: SimulatorHandle, tmp_path: Any) -> None:
    from simotui.httplog import HttpLog

    log = HttpLog()
    log.attach_file(tmp_path / "http.log")
    app = make_app(settings_for(sim), clock=sim_clock(sim), http_log=log)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.status.state == "connected")
        await pilot.press("f4")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "HttpLogScreen")
        table = app.screen.query_one("#http-log-table", DataTable)
        await wait_until(pilot, lambda: table.row_count >= 3, what="ping and directory requests")
        services = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
        assert "setting/ping/act" in services and "pbx/users/search" in services
        assert all(str(table.get_row_at(i)[4]) == "200" for i in range(table.row_count))
        # Newest on top, numbered, and the title says so.
        numbers = [int(str(table.get_row_at(i)[0])) for i in range(table.row_count)]
        assert numbers == sorted(numbers, reverse=True) and numbers[-1] == 1
        assert services[-1] == "setting/ping/act"  # the first request made
        title = str(app.screen.query_one("#http-log-title", Label).render())
        assert "newest first" in title and f"{table.row_count} exchanges" in title
        # A new exchange arrives on top while the cursor is there.
        await pilot.press("escape")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        await wait_until(pilot, lambda: any(e.exchange.service == "reports/cdr/search" for e in log))
        await pilot.press("escape")
        await pilot.press("f4")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "HttpLogScreen")
        table = app.screen.query_one("#http-log-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == log.total)
        assert int(str(table.get_row_at(0)[0])) == log.total and table.cursor_row == 0
    # Every exchange also went to the rotating file (an empty log is falsy: it was kept).
    lines = (tmp_path / "http.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == log.total and any("PUT setting/ping/act 200" in line for line in lines)


async def test_copy_and_save_recording_from_a_cdr(sim: SimulatorHandle, tmp_path: Any) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        browser = app.screen.query_one("#cdr-browser", ReportBrowser)
        await wait_until(pilot, lambda: bool(browser.records))
        table = browser.query_one(LiveTable)
        table.focus()
        table.cursor_row = 0
        table.cursor_column = 8
        await pilot.press("y")
        first = next(iter(browser.records.values()))
        assert app.clipboard == first.cuid  # type: ignore[attr-defined]
        await pilot.press("Y")
        assert app.clipboard.split("\t")[-1] == first.cuid
        recorded = next((r for r in browser.records.values() if r.record), None)  # type: ignore[attr-defined]
        if recorded is None:
            # Widen the window until a recorded call is on the page.
            since = browser.query_one("#filter-since", Input)
            since.value = "2020-01-01"
            since.focus()
            await pilot.press("enter")
            await wait_until(pilot, lambda: any(r.record for r in browser.records.values()))  # type: ignore[attr-defined]
            recorded = next(r for r in browser.records.values() if r.record)  # type: ignore[attr-defined]
        table.focus()
        table.move_cursor(recorded.id)
        table.cursor_column = 0
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CdrDetailScreen))
        app.screen.downloads = tmp_path  # type: ignore[attr-defined]
        await pilot.press("s")
        target = tmp_path / recorded.record
        await wait_until(pilot, lambda: target.exists(), what="the recording file")
        expected, _ = await app.client.reports.download_audio(recorded.record)
        assert target.read_bytes() == expected and len(expected) > 44
        assert not (tmp_path / (recorded.record + ".part")).exists()
        assert target.stat().st_mode & 0o777 == 0o600  # a recording is a person's voice


@pytest.mark.parametrize("fmt", ["json", "csv"])
async def test_export_every_page_equals_the_servers_records(
    sim: SimulatorHandle, tmp_path: Any, fmt: str
) -> None:
    import csv
    import json

    from textual.widgets import RadioButton

    from simotui.api.models import CdrQuery, Pagination
    from simotui.ui.screens.export import ExportScreen

    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        browser = app.screen.query_one("#cdr-browser", ReportBrowser)
        await wait_until(pilot, lambda: browser.total is not None)
        total = browser.total
        assert total is not None and total > 20  # more than one page
        browser.query_one(LiveTable).focus()
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen))
        if fmt == "json":
            app.screen.query_one("#format-json", RadioButton).value = True
        app.screen.query_one("#scope-all", RadioButton).value = True
        target = tmp_path / f"cdrs.{fmt}"
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, lambda: target.exists(), what="the export file")
        assert target.stat().st_mode & 0o777 == 0o600  # it holds phone numbers
        filters = browser.state.filters
        query = CdrQuery(date_from=filters["since"], date_to=filters["until"])
        expected = []
        start = 0
        while start < total:
            page = await app.client.reports.cdr_search(query, Pagination(start, 100, {"starttime": -1}))
            expected.extend(page.records)
            start += 100
        if fmt == "json":
            exported = json.loads(target.read_text(encoding="utf-8"))
            assert exported == [dict(record.raw) for record in expected]
        else:
            rows = list(csv.DictReader(target.open(encoding="utf-8")))
            assert [row["id"] for row in rows] == [record.id for record in expected]
            assert [row["cuid"] for row in rows] == [record.cuid for record in expected]
        assert not list(tmp_path.glob(".*.part"))


async def test_palette_switches_profile(sim: SimulatorHandle) -> None:
    from simotui.ui.app import make_app

    from .helpers import settings_for, sim_clock

    app = make_app(settings_for(sim), clock=sim_clock(sim), profiles=("test", "backup"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "Profile: backup")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.5)
    assert app.switch_to == "backup"


async def test_calls_in_flight_are_restored_from_the_journal_and_followed_to_their_end(
    sim: SimulatorHandle, client: Any, tmp_path: Any
) -> None:
    """A console that died mid-call is replaced by one that picks the call up from the journal."""
    from simotui.calls.journal import JournalWriter
    from simotui.calls.model import Call, Placement
    from simotui.store.journal import Journal
    from simotui.ui.app import make_app

    from .helpers import settings_for, sim_clock

    request = OriginateRequest("561", "562", "main_routing", "561", call_limit=20)
    writer = JournalWriter(Journal(tmp_path / "journal.sqlite3"), "test")
    now = sim_clock(sim)()
    sending = Call("restore-me", request, requested_at=now)
    await writer.record_request(sending, request.to_api())
    result = await client.calls.originate(request)
    await writer.record_answer(
        Call(
            "restore-me",
            request,
            requested_at=now,
            placement=Placement.ACCEPTED,
            answered_at=now,
            call_id=result.originated_call_id,
        )
    )
    writer.close()

    app = make_app(settings_for(sim), clock=sim_clock(sim), journal=Journal(tmp_path / "journal.sqlite3"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "restore-me" in app.tracker.calls, what="restored row")
        await advance_until(
            pilot, sim, lambda: app.tracker.calls["restore-me"].state.is_final, what="its CDR"
        )
        assert app.tracker.calls["restore-me"].state is CallState.ANSWERED
        assert app.tracker.calls["restore-me"].disposition == Disposition.ANSWERED
    with Journal(tmp_path / "journal.sqlite3") as reopened:
        assert reopened.in_flight() == []  # the end was journalled too
        [entry] = reopened.history()
        assert entry.state == "answered" and entry.disposition == "ANSWERED"
