"""The PBX view and extension board driven by keys: live rows from the PBX's own events,
a filter, and d filling the dial form (nothing sent)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from simotui.ui.screens.dashboard import DashboardScreen
from simotui.ui.screens.pbx import PbxScreen
from simotui.ui.widgets.live_table import LiveTable

from .scenes import SIZE, build_scene, feed_events, wait_for


async def test_pbx_view_lists_calls_and_extensions_and_dials_from_them() -> None:
    scene = build_scene(history=0)
    app = scene.app
    try:
        async with app.run_test(size=SIZE) as pilot:
            feed_events(scene)
            scene.pbx.traffic.start(30)
            await pilot.press("f6")
            await wait_for(pilot, lambda: isinstance(app.screen, PbxScreen))
            calls = app.screen.query_one("#pbx-calls", LiveTable)
            extens = app.screen.query_one("#pbx-extens", LiveTable)
            assert "Waiting for the PBX's first event" in str(
                app.screen.query_one("#pbx-summary", Static).content
            )
            for _ in range(200):
                scene.pbx.advance(3)
                await pilot.pause(0.02)
                if calls.row_count >= 2 and extens.row_count >= 2:
                    break
            await wait_for(pilot, lambda: calls.row_count >= 2)
            # Rows are the view's, in place: the board's keys are the calls' unique ids.
            assert set(calls.keys) <= set(app.pbx_view.calls)
            assert "call(s) in progress" in str(app.screen.query_one("#pbx-summary", Static).content)
            # The filter keeps the rows that mention the text.
            exten = extens.keys[0]
            await pilot.press("slash")
            for char in exten:
                await pilot.press(char)
            await pilot.pause(0.1)
            assert exten in extens.keys and all(exten in " ".join(extens.get_row(k)) for k in extens.keys)
            # d in the filter is a letter, not a dial.
            await pilot.press("d")
            assert isinstance(app.screen, PbxScreen)
            assert app.screen.query_one("#pbx-filter", Input).value == exten + "d"
            await pilot.press("backspace", "escape")
            extens.focus()
            extens.move_cursor(exten)
            await pilot.press("d")
            await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
            assert app.screen.query_one("#caller", Input).value == exten
            assert not app.tracker.calls  # nothing was sent
    finally:
        scene.close()


async def test_without_a_receiver_the_view_says_how_to_get_one() -> None:
    scene = build_scene(history=0)
    try:
        async with scene.app.run_test(size=SIZE) as pilot:
            await pilot.press("f6")
            await wait_for(pilot, lambda: isinstance(scene.app.screen, PbxScreen))
            summary = str(scene.app.screen.query_one("#pbx-summary", Static).content)
            assert "No event receiver runs" in summary and "[events]" in summary
    finally:
        scene.close()


async def test_a_bug_applying_events_is_said_and_the_console_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from simotui.calls.tracker import CallTracker
    from simotui.events import models as m

    scene = build_scene(history=0)
    app = scene.app
    try:
        async with app.run_test(size=SIZE) as pilot:
            feed_events(scene)

            def broken(_self: object, _events: object) -> object:
                raise RuntimeError("boom")

            monkeypatch.setattr(CallTracker, "events_seen", broken)
            app.events.deliver(m.Ping("Ping"))
            await wait_for(pilot, lambda: "pushed events could not be applied" in app.status.detail)
            assert "RuntimeError: boom" in app.status.detail
            assert app.is_running
            # The next burst is taken again (the guard is per burst, not a latch).
            app.events.deliver(m.Ping("Ping"))
            await pilot.pause(0.1)
            assert not app.events.drain()
    finally:
        scene.close()
