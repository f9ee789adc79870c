"""Keys at the speed of SSH: bursts, keys that work in every field, numbers in any script."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from simotui.sim import SimulatorHandle
from simotui.ui.screens.confirm import ConfirmDialScreen
from simotui.ui.widgets.help import ConsoleHelp
from simotui.ui.widgets.recent_dials import RecentDials

from .helpers import app_for, burst, originates, type_text, wait_until

SIZE = (100, 32)


def _field(app: object, name: str) -> Input:
    return app.screen.query_one(f"#{name}", Input)  # type: ignore[attr-defined, no-any-return]


async def test_a_burst_with_a_tab_fills_the_field_each_part_was_typed_for(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "caller")
        before = len(originates(sim))
        # Every key queued before the first is handled, as SSH, a paste or tmux deliver them.
        await burst(pilot, "5", "5", "7", "tab", "5", "5", "2", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen), what="the confirmation")
        screen = app.screen
        assert isinstance(screen, ConfirmDialScreen)
        assert screen.heading == "Dial 557 → 552?"
        assert (screen.body["caller"], screen.body["callee"]) == ("557", "552")
        await wait_until(pilot, lambda: screen.shown, what="the confirmation drawn")
        await pilot.press("n")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmDialScreen))
        assert len(originates(sim)) == before


async def test_new_dial_then_numbers_in_one_burst_fill_the_new_form(sim: SimulatorHandle) -> None:
    """``ctrl+n 555 Tab 553 Enter`` typed ahead from the live panel: the focus moves to the caller
    when ctrl+n is read (it used to move after the queued digits, which then went nowhere)."""
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "caller")
        app.screen.query_one("#live-table").focus()
        await pilot.pause()
        await burst(pilot, "ctrl+n", "5", "5", "5", "tab", "5", "5", "3", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen), what="the confirmation")
        screen = app.screen
        assert isinstance(screen, ConfirmDialScreen)
        assert (screen.body["caller"], screen.body["callee"]) == ("555", "553")
        await wait_until(pilot, lambda: screen.shown)
        await pilot.press("n")


async def test_shift_tab_in_a_burst_goes_back_before_the_next_key(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "caller")
        await burst(pilot, "5", "5", "tab", "5", "5", "2", "shift+tab", "7")
        await wait_until(pilot, lambda: _field(app, "caller").value == "557", what="the caller")
        assert _field(app, "callee").value == "552"
        assert app.focused is not None and app.focused.id == "caller"


async def test_a_burst_in_persian_digits_dials_ascii(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "caller")
        await burst(pilot, "۵", "۵", "۷", "tab", "٥", "٥", "２", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen), what="the confirmation")
        screen = app.screen
        assert isinstance(screen, ConfirmDialScreen)
        assert screen.heading == "Dial 557 → 552?"
        await wait_until(pilot, lambda: screen.shown, what="the confirmation drawn")
        await pilot.press("n")


async def test_a_pasted_number_loses_its_separators_and_its_country_code(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "caller")
        await type_text(pilot, "557")
        await pilot.press("tab")
        callee = _field(app, "callee")
        callee.post_message(events.Paste("+98 (912) 123-4567"))
        await wait_until(pilot, lambda: callee.value == "+989121234567", what="the pasted number")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen), what="the confirmation")
        screen = app.screen
        assert isinstance(screen, ConfirmDialScreen)
        # The confirmation shows what will be sent.
        assert screen.heading == "Dial 557 → 09121234567?"
        assert screen.body["callee"] == "09121234567"
        await wait_until(pilot, lambda: screen.shown, what="the confirmation drawn")
        await pilot.press("n")


async def test_letters_and_separators_typed_into_a_number_field_are_not_inserted(
    sim: SimulatorHandle,
) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "caller")
        await pilot.press("5", "space", "minus", "a", "5", "full_stop", "7")
        assert _field(app, "caller").value == "557"


async def test_help_and_recent_dials_keys_work_in_the_dial_form(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "caller")
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: bool(app.screen.query(ConsoleHelp)), what="the help panel")
        assert _field(app, "caller").value == ""
        legend = str(app.screen.query_one("#state-legend").render())
        assert "1st: no answer" in legend and "answered" in legend
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: not app.screen.query(ConsoleHelp), what="help closed")
        # ctrl+e is "end of line" to an Input: the dashboard's binding comes first.
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: isinstance(app.focused, RecentDials), what="the recent dials")
        # Where "?" is text (a context name field), it is typed, not help.
        _field(app, "context").focus()
        await pilot.press("end", "question_mark")
        assert _field(app, "context").value.endswith("?")
        assert not app.screen.query(ConsoleHelp)


async def test_masking_hides_the_numbers_of_fields_not_being_edited(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "caller")
        await type_text(pilot, "09121234500")
        await pilot.press("tab")
        await type_text(pilot, "09121234567")
        await pilot.press("f3")
        await pilot.pause()
        caller, callee = _field(app, "caller"), _field(app, "callee")
        assert caller.render_line(0).text.startswith("0912***4500")
        # The field being edited shows what is typed.
        assert callee.render_line(0).text.startswith("09121234567")
        await pilot.press("shift+tab")
        await pilot.pause()
        assert callee.render_line(0).text.startswith("0912***4567")
        assert caller.render_line(0).text.startswith("09121234500")
        await pilot.press("f3")
        await pilot.pause()
        assert callee.render_line(0).text.startswith("09121234567")
