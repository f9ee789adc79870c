"""Deterministic console scenes, shared by the snapshot tests and the screenshot script.

A frozen simulator (speed 0, fixed start, fixed seed) is mounted in-process through
``httpx.ASGITransport`` under a fixed host name, and the console runs on the simulator's clock,
so every screen renders the same on every run. Time moves only when a scene advances it.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from textual.pilot import Pilot
from textual.widgets import Input, Select

from simotui.api import Credentials, SimotelClient
from simotui.calls.dials import CallMode
from simotui.calls.model import CLEANUP_PENDING
from simotui.calls.states import CallState
from simotui.events.parse import parse_event
from simotui.events.stats import EventStats
from simotui.responder.link import running_bridge
from simotui.secret import Secret
from simotui.settings import CampaignDefaults, DialDefaults, HooksSettings, Settings
from simotui.sim import SimConfig, SimSettings, SimulatedPbx, build_pbx, create_app
from simotui.ui.app import SimotuiApp, make_app
from simotui.ui.screens.confirm import ConfirmDialScreen
from simotui.ui.screens.details import CdrDetailScreen
from simotui.ui.screens.reports import ReportsScreen
from simotui.ui.widgets.dial_form import DialForm
from simotui.ui.widgets.live_table import LiveTable
from simotui.ui.widgets.report_browser import ReportBrowser

# 2026-11-22 13:30:00 in Tehran.
FROZEN_START = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)
SIZE = (100, 30)
SERVER = "http://pbx.demo"


@dataclass
class Scene:
    """A console wired to a frozen in-process simulator (and a bridge responder on loopback)."""

    app: SimotuiApp
    pbx: SimulatedPbx
    stack: ExitStack

    def close(self) -> None:
        """Stop what the scene started (the responder)."""
        self.stack.close()


def build_scene(history: int = 400) -> Scene:
    """A console and a frozen simulator; nothing has happened yet."""
    stack = ExitStack()
    bridge = stack.enter_context(running_bridge(HooksSettings(listen="127.0.0.1:0")))
    config = SimConfig(
        seed=5, speed=0, history=history, start_time=FROZEN_START, component_api_url=bridge.url
    )
    pbx = build_pbx(config)
    sim_app = create_app(pbx, SimSettings.from_config(config))
    credentials = Credentials("both", config.username, Secret(config.password), Secret(config.api_key))
    client = SimotelClient(SERVER, credentials, transport=httpx.ASGITransport(app=sim_app))
    settings = Settings(
        base_url=SERVER,
        credentials=credentials,
        profile="demo",
        poll_interval=None,
        dial=DialDefaults(call_limit=60),
        campaign=CampaignDefaults(tries=1, try_interval=30),
        hooks=HooksSettings(listen="127.0.0.1"),
    )
    clock = lambda: datetime.fromtimestamp(pbx.clock.now(), UTC)  # noqa: E731
    app = make_app(settings, client=client, clock=clock, bridge=bridge)
    # Call keys are random (they name campaigns): numbered here, so every run draws the same.
    numbers = itertools.count(1)
    app.tracker.new_key = lambda: f"{next(numbers):08x}"
    return Scene(app, pbx, stack)


async def settle(pilot: Pilot[None], scene: Scene) -> None:
    """Wait for workers, then make what varies between runs (latency, toasts, blink) fixed."""
    await pilot.pause(0.2)
    for _ in range(40):
        if scene.app.status.state != "connecting":
            break
        await pilot.pause(0.05)
    # The responder listens on a free port: show a fixed one (it is shown once, then kept).
    scene.app.set_status(latency=0.012, responder="responder 127.0.0.1:8765 (loopback)")
    scene.app.clear_notifications()
    for widget in scene.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause(0.1)


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    """Run the app until a condition holds (a safety net of a minute, not a window)."""
    for _ in range(1200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("scene did not reach its state")


async def dial(pilot: Pilot[None], scene: Scene, caller: str, callee: str, **extra: str) -> None:
    """Fill the form and confirm, as a user would."""
    app = scene.app
    await pilot.press("ctrl+n")
    for name, value in {"caller": caller, "callee": callee, **extra}.items():
        app.screen.query_one(f"#{name}", Input).value = value
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialScreen))
    count = len(app.tracker.calls)
    await pilot.press("y")
    await wait_for(pilot, lambda: len(app.tracker.calls) == count + 1)
    await wait_for(pilot, lambda: all(c.state is not CallState.SENDING for c in app.tracker.calls.values()))


async def dial_form_with_errors(pilot: Pilot[None], scene: Scene) -> None:
    """A PSTN caller without a trunk, a callee with no number, a timeout out of range."""
    app = scene.app
    app.screen.query_one("#caller", Input).value = "09121234567"
    app.screen.query_one("#timeout", Input).value = "500"
    await pilot.press("enter")
    await settle(pilot, scene)


async def live_panel_mixed_states(pilot: Pilot[None], scene: Scene) -> None:
    """Answered, busy, failed and no-CDR calls, and one still waiting."""
    await dial(pilot, scene, "557", "552")
    await dial(pilot, scene, "557", "09121234599")
    await dial(pilot, scene, "150", "552")
    await dial(pilot, scene, "09121234500", "553", trunk_name="Center")
    scene.pbx.advance(200)
    await dial(pilot, scene, "554", "555")
    scene.app.screen.query_one("#live-table", LiveTable).focus()
    await pilot.press("r")
    await wait_for(pilot, lambda: sum(c.state.is_final for c in scene.app.tracker.calls.values()) == 4)
    await settle(pilot, scene)


async def campaign_dial(pilot: Pilot[None], scene: Scene, caller: str, callee: str) -> None:
    """Switch to campaign mode (once), fill, confirm."""
    app = scene.app
    form = app.screen.query_one("#dial-form", DialForm)
    if form.mode is not CallMode.CAMPAIGN:
        await pilot.press("ctrl+t")
    await wait_for(pilot, lambda: app.screen.query_one("#trunk_manager_id", Select).value != Select.NULL)
    count = len(app.tracker.calls)
    app.screen.query_one("#caller", Input).value = caller
    app.screen.query_one("#callee", Input).value = callee
    app.screen.query_one("#caller", Input).focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialScreen))
    await pilot.press("y")
    await wait_for(pilot, lambda: len(app.tracker.calls) == count + 1)
    await wait_for(pilot, lambda: all(c.state is not CallState.SENDING for c in app.tracker.calls.values()))


async def direct_and_campaign_calls(pilot: Pilot[None], scene: Scene) -> None:
    """Direct and campaign rows side by side: bridged, first party unanswered, still dialling."""
    await dial(pilot, scene, "557", "552")
    await dial(pilot, scene, "09121234500", "553", trunk_name="Center")
    await campaign_dial(pilot, scene, "557", "554")
    await campaign_dial(pilot, scene, "09121234500", "552")
    pbx = scene.pbx
    pbx.advance(10)  # the first parties answer or keep ringing; Simotel asks the responder
    await asyncio.to_thread(pbx.run_component_calls)
    pbx.advance(300)
    await campaign_dial(pilot, scene, "558", "560")
    scene.app.screen.query_one("#live-table", LiveTable).focus()
    await pilot.press("r")
    await wait_for(pilot, lambda: sum(c.state.is_final for c in scene.app.tracker.calls.values()) == 4)
    await wait_for(pilot, lambda: all(c.cleanup != CLEANUP_PENDING for c in scene.app.tracker.calls.values()))
    await settle(pilot, scene)


async def report_browser(pilot: Pilot[None], scene: Scene) -> None:
    """The CDR tab on its first page."""
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: isinstance(scene.app.screen, ReportsScreen))
    browser = scene.app.screen.query_one("#cdr-browser", ReportBrowser)
    await wait_for(pilot, lambda: browser.total is not None)
    await settle(pilot, scene)


async def cdr_detail(pilot: Pilot[None], scene: Scene) -> None:
    """The detail of the first CDR with a route of several steps."""
    await report_browser(pilot, scene)
    browser = scene.app.screen.query_one("#cdr-browser", ReportBrowser)
    table = browser.query_one(LiveTable)
    target = next(key for key, cdr in browser.records.items() if len(cdr.route) >= 3)  # type: ignore[attr-defined]
    table.move_cursor(target)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(scene.app.screen, CdrDetailScreen))
    await settle(pilot, scene)


async def campaign_confirmation(pilot: Pilot[None], scene: Scene) -> None:
    """The campaign confirmation, as it opens (nothing sent)."""
    app = scene.app
    await pilot.press("ctrl+t")
    await wait_for(pilot, lambda: app.screen.query_one("#trunk_manager_id", Select).value != Select.NULL)
    app.screen.query_one("#caller", Input).value = "09121234500"
    app.screen.query_one("#callee", Input).value = "552"
    app.screen.query_one("#caller", Input).focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialScreen) and app.screen.shown)
    await settle(pilot, scene)


async def call_detail(pilot: Pilot[None], scene: Scene) -> None:
    """A finished campaign call's detail: its request, its report row and tries."""
    await direct_and_campaign_calls(pilot, scene)
    table = scene.app.screen.query_one("#live-table", LiveTable)
    table.focus()
    table.cursor_row = 3
    await pilot.press("enter")
    await wait_for(pilot, lambda: type(scene.app.screen).__name__ == "CallDetailScreen")
    await settle(pilot, scene)


async def campaign_reports(pilot: Pilot[None], scene: Scene) -> None:
    """The autodialer report tab after campaign calls."""
    await direct_and_campaign_calls(pilot, scene)
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: isinstance(scene.app.screen, ReportsScreen))
    await pilot.press("a")
    browser = scene.app.screen.query_one("#campaign-browser", ReportBrowser)
    await wait_for(pilot, lambda: browser.total is not None)
    await settle(pilot, scene)


async def history(pilot: Pilot[None], scene: Scene) -> None:
    """The history view (the scenes run without a journal, and say so)."""
    await pilot.press("f5")
    await wait_for(pilot, lambda: type(scene.app.screen).__name__ == "HistoryScreen")
    await settle(pilot, scene)


async def queues(pilot: Pilot[None], scene: Scene) -> None:
    """The queues and their agents, one of them paused."""
    from simotui.ui.screens.queues import QueuesScreen

    await scene.app.client.pbx.pause_agent("900", "557")
    await pilot.press("f7")
    await wait_for(pilot, lambda: isinstance(scene.app.screen, QueuesScreen))
    screen = scene.app.screen
    assert isinstance(screen, QueuesScreen)
    await wait_for(pilot, lambda: screen.queue_number == "900" and len(screen.agents) == 3)
    await settle(pilot, scene)


async def help_panel(pilot: Pilot[None], scene: Scene) -> None:
    """Help over the live panel: the keys of the focused widget and the legend of state colours."""
    await live_panel_mixed_states(pilot, scene)
    await pilot.press("f1")
    await wait_for(pilot, lambda: bool(scene.app.screen.query("ConsoleHelp")))
    await settle(pilot, scene)


async def export_dialog(pilot: Pilot[None], scene: Scene) -> None:
    """The export dialog over the CDR browser, its path in the downloads directory."""
    await report_browser(pilot, scene)
    scene.app.downloads = Path("/home/operator/Downloads/simotui")
    await pilot.press("e")
    await wait_for(pilot, lambda: type(scene.app.screen).__name__ == "ExportScreen")
    await settle(pilot, scene)


async def stats_view(pilot: Pilot[None], scene: Scene) -> None:
    """The stats view after the mixed calls: the session's figures and today's CDRs read."""
    await live_panel_mixed_states(pilot, scene)
    await pilot.press("f8")
    await wait_for(pilot, lambda: type(scene.app.screen).__name__ == "StatsScreen")
    screen = scene.app.screen
    await wait_for(pilot, lambda: getattr(screen, "day", None) is not None)
    await settle(pilot, scene)


async def live_filtered_marked(pilot: Pilot[None], scene: Scene) -> None:
    """The live panel filtered by a caller, sorted by state, two rows marked."""
    await live_panel_mixed_states(pilot, scene)
    table = scene.app.screen.query_one("#live-table", LiveTable)
    table.focus()
    await pilot.press("slash", "5", "5", "7", "enter")
    await pilot.press("s", "s", "s")  # Call, then Caller → Callee, then State
    table.cursor_row = 0
    await pilot.press("space", "space")
    await settle(pilot, scene)


def feed_events(scene: Scene) -> None:
    """Hand the scene PBX's pushed events to the console as its receiver would (in-process, on a
    fixed clock for the health counts), and mark a receiver as running on a fixed address."""
    link = scene.app.events
    link.url = "http://127.0.0.1:8766"
    link.stats = EventStats(now=lambda: 1000.0)

    def sink(pushed: object) -> None:
        event = parse_event(pushed.payload)  # type: ignore[attr-defined]
        link.stats.accept(event.name)
        link.deliver(event)

    scene.pbx.webhooks.sink = sink


async def pbx_view(pilot: Pilot[None], scene: Scene) -> None:
    """The PBX view with background traffic and two of the console's own dials going."""
    feed_events(scene)
    scene.pbx.traffic.start(20)
    await dial(pilot, scene, "557", "552")
    await dial(pilot, scene, "555", "553")
    for _ in range(12):
        scene.pbx.advance(5)
        await pilot.pause(0.05)
    await pilot.press("f6")
    await wait_for(pilot, lambda: type(scene.app.screen).__name__ == "PbxScreen")
    await wait_for(pilot, lambda: bool(scene.app.pbx_view.calls))
    await settle(pilot, scene)
    scene.app.set_status(events="push 30/min, last 0 s ago")
    await pilot.pause(0.1)


SCENES: dict[str, Callable[[Pilot[None], Scene], Awaitable[None]]] = {
    "dial_form_errors": dial_form_with_errors,
    "live_panel": live_panel_mixed_states,
    "direct_and_campaign": direct_and_campaign_calls,
    "report_browser": report_browser,
    "cdr_detail": cdr_detail,
    "queues": queues,
    "stats": stats_view,
    "live_filtered_marked": live_filtered_marked,
    "pbx_view": pbx_view,
}

NARROW = (80, 24)
#: Every main screen at 80×24, the size of a default terminal (and of many an SSH session).
NARROW_SCENES: dict[str, Callable[[Pilot[None], Scene], Awaitable[None]]] = {
    **SCENES,
    "campaign_confirmation": campaign_confirmation,
    "call_detail": call_detail,
    "campaign_reports": campaign_reports,
    "history": history,
    "help": help_panel,
    "export_dialog": export_dialog,
}
