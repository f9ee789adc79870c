"""A call's timeline for a ticket: text and Markdown over OSC 52, or saved; numbers masked when
masking is on."""

from __future__ import annotations

from textual.widgets import Input

from simotui import paths
from simotui.calls.states import CallState
from simotui.sim import SimulatorHandle
from simotui.ui.screens.confirm import ConfirmDialScreen
from simotui.ui.screens.details import CallDetailScreen
from simotui.ui.widgets.live_table import LiveTable

from .helpers import advance_until, app_for, wait_until

PSTN = "09121234577"


async def test_timeline_copied_as_text_and_markdown_masked_and_saved(sim: SimulatorHandle) -> None:
    app = app_for(sim)
    async with app.run_test(size=(100, 30)) as pilot:
        app.screen.query_one("#caller", Input).value = "557"
        app.screen.query_one("#callee", Input).value = PSTN
        app.screen.query_one("#caller", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmDialScreen))
        await advance_until(pilot, sim, lambda: all(c.state.is_final for c in app.tracker.calls.values()))
        (call,) = app.tracker.calls.values()
        app.screen.query_one("#live-table", LiveTable).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CallDetailScreen))
        await pilot.press("t")
        text = app.clipboard
        lines = text.splitlines()
        assert call.call_id in lines[0] and PSTN in lines[0]
        assert "originate requested" in lines[1] and "Simotel accepted it" in lines[2]
        assert lines[-1].endswith(f"final: {call.state.value} — {call.meaning}")
        if call.state is CallState.ANSWERED:
            assert any("answered" in line and "leg 1" in line for line in lines)
        # Times in order.
        stamps = [line[:19] for line in lines[1:] if line[:4].isdigit()]
        assert stamps == sorted(stamps)
        await pilot.press("f3")  # masking on
        await pilot.press("m")
        markdown = app.clipboard
        assert markdown.startswith("### Call 557 → ") and "| Time (" in markdown
        assert PSTN not in markdown and "0912" in markdown and call.call_id in markdown
        await pilot.press("w")
        saved = paths.downloads_dir() / f"call-{call.call_id}-timeline.md"
        await wait_until(pilot, saved.exists)
        assert saved.read_text(encoding="utf-8") == markdown
        assert saved.stat().st_mode & 0o777 == 0o600
