"""Remappable keys ([keys] over binding ids, with Textual's keymap) and the remembered theme."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import Input

import simotui.ui
from simotui import paths
from simotui.keymap import BINDING_IDS
from simotui.sim import SimulatorHandle
from simotui.state import load_state
from simotui.ui.app import make_app
from simotui.ui.screens.confirm import ConfirmDialScreen
from simotui.ui.widgets.recent_dials import RecentDials

from .helpers import settings_for, sim_clock, wait_until

SIZE = (100, 32)


def declared_binding_ids() -> set[str]:
    """Every ``Binding(id=...)`` the console's classes declare."""
    ids: set[str] = set()
    for info in pkgutil.walk_packages(simotui.ui.__path__, "simotui.ui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__ == module.__name__:
                for binding in cls.__dict__.get("BINDINGS", []):
                    if isinstance(binding, Binding) and binding.id:
                        ids.add(binding.id)
    return ids


def test_the_keymap_knows_every_binding_id_the_console_declares() -> None:
    # `simotui config check` names unknown ids from this list, without importing Textual.
    assert declared_binding_ids() == set(BINDING_IDS)


async def test_keys_from_the_config_replace_the_defaults(sim: SimulatorHandle) -> None:
    app = make_app(
        settings_for(sim),
        clock=sim_clock(sim),
        keys={"dashboard.recent": "f9", "app.no-such-thing": "f7", "confirm.yes": "enter"},
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "caller")
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.focused, RecentDials), what="f9 → recent dials")
        app.screen.query_one("#caller").focus()
        await pilot.press("ctrl+e")  # the default is replaced, not added to
        await pilot.pause()
        assert not isinstance(app.focused, RecentDials)
        # The entries that cannot be applied are named, not silently dropped.
        warnings = [n.message for n in app._notifications]
        assert any("app.no-such-thing" in m and "confirm.yes" in m for m in warnings), warnings


async def test_a_remapped_confirmation_key_answers_and_the_default_does_not(sim: SimulatorHandle) -> None:
    app = make_app(settings_for(sim), clock=sim_clock(sim), keys={"confirm.yes": "j"})
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.status.state == "connected")
        app.screen.query_one("#caller", Input).value = "101"
        app.screen.query_one("#callee", Input).value = "105"
        app.screen.query_one("#caller", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialScreen) and app.screen.shown)
        await pilot.press("y")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ConfirmDialScreen) and not app.tracker.calls
        await pilot.press("j")
        await wait_until(pilot, lambda: len(app.tracker.calls) == 1, what="j dialled")


async def test_the_chosen_theme_is_remembered(sim: SimulatorHandle) -> None:
    app = make_app(settings_for(sim), clock=sim_clock(sim))
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "nord"
        await wait_until(pilot, lambda: load_state().get("theme") == "nord", what="the theme saved")
    assert paths.state_file().is_file()
    again = make_app(settings_for(sim), clock=sim_clock(sim))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "nord"
    assert "theme" not in (paths.config_file().read_text() if paths.config_file().exists() else "")
