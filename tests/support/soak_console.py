"""One console of the soak: the real app, headless, driven by a seeded script until killed.

Run by :mod:`tests.support.soak` as ``python -m tests.support.soak_console ARGS-JSON``. It
opens the console on the given journal (restoring what an earlier, killed console left in
flight), then dials direct and campaign calls through the dial form and the confirmation, and
browses reports, forever; the parent kills it (SIGKILL, a crash) or closes its stdin (a clean
exit). Each line it prints is one fact the parent counts:

    confirming KEY MODE   about to press y on the confirmation of the dial for KEY
    confirmed KEY MODE    the confirmation closed and the journal holds the intent (it is durable)
    skipped KEY WHY       the dial could not be put to the confirmation (e.g. no trunk managers)
    died WHAT             a background worker died (the app says so; the soak counts it)
    settled N             settle mode: every call of the journal is final (N calls)
    ready                 the console is up

KEY is the unique phone number of the dial (callee of a direct dial, first party of a campaign).
"""

from __future__ import annotations

import asyncio
import json
import random
import select
import sys
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Select

from simotui.api import Credentials
from simotui.calls.dials import CallMode
from simotui.responder.link import running_bridge
from simotui.secret import Secret
from simotui.settings import CampaignDefaults, DialDefaults, HooksSettings, Settings
from simotui.store.journal import Journal
from simotui.ui.app import SimotuiApp, make_app
from simotui.ui.screens.confirm import ConfirmDialScreen
from simotui.ui.screens.reports import ReportsScreen

#: Bounds on waiting for a state, not timings: under faults a state may never come (then the
#: step is skipped and said so), and on a slow machine it comes late.
STEP_PATIENCE = 30.0
CALL_LIMIT = 60


def say(*words: object) -> None:
    print(*words, flush=True)


def told_to_stop() -> bool:
    """The parent closed our stdin: leave cleanly."""
    ready, _, _ = select.select([sys.stdin], [], [], 0)
    return bool(ready) and sys.stdin.read(1) == ""


async def wait_for(pilot: Pilot[None], condition: Any, patience: float = STEP_PATIENCE) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience
    while not condition():
        if loop.time() > deadline:
            return False
        await pilot.pause(0.05)
    return True


def number(rng: random.Random, serial: int, round_no: int) -> str:
    """A phone number no other dial of the soak uses; its ending picks the PBX's outcome
    (``simotui.sim.outcomes``: 99 busy, 00 never answers, 98 fails, others answer)."""
    ending = rng.choices(["67", "99", "00", "98"], weights=[6, 2, 2, 1])[0]
    return f"09{round_no:03d}{serial:04d}{ending}"


async def dial(pilot: Pilot[None], app: SimotuiApp, mode: CallMode, key: str, rng: random.Random) -> None:
    form = app.screen.query_one("#dial-form")
    if getattr(form, "mode") is not mode:  # noqa: B009 - the form's public attribute
        await pilot.press("ctrl+t")
    if mode is CallMode.CAMPAIGN:
        loaded = await wait_for(
            pilot, lambda: app.screen.query_one("#trunk_manager_id", Select).value != Select.NULL
        )
        if not loaded:
            say("skipped", key, "trunk-managers-not-loaded")
            return
        values = {"caller": key, "callee": "552"}
    else:
        values = {"caller": "557", "callee": key}
    for name, value in values.items():
        app.screen.query_one(f"#{name}", Input).value = value
    app.screen.query_one("#caller", Input).focus()
    await pilot.press("enter")
    if not await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialScreen)):
        say("skipped", key, "no-confirmation")
        return
    say("confirming", key, mode.value)
    # Now and then the keys of an impatient operator: y held down, or y then Enter, in one burst.
    keys = rng.choice([["y"], ["y"], ["y", "y", "y"], ["y", "enter", "y"]])
    await pilot.press(*keys)
    await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmDialScreen))
    # The intent is taken once it is durable: the journal row is written before anything is sent,
    # and a kill in the milliseconds before that write loses an intent that placed nothing (the
    # operator saw "sending" and finds no row after the restart). Said only once the row exists
    # — or, if it never comes, anyway, so that a journal that failed to write is counted as lost.
    await wait_for(pilot, lambda: journalled(app, key))
    say("confirmed", key, mode.value)


def journalled(app: SimotuiApp, number: str) -> bool:
    """Whether the journal has the row of the dial of ``number`` (as caller or callee)."""
    journal = app.tracker.journal.journal
    if journal is None:
        return False
    for call in list(app.tracker.calls.values()):
        if number in (call.caller, call.callee) and journal.get(call.key) is not None:
            return True
    return False


async def browse(pilot: Pilot[None], app: SimotuiApp, rng: random.Random) -> None:
    await pilot.press("ctrl+r")
    if not await wait_for(pilot, lambda: isinstance(app.screen, ReportsScreen)):
        return
    for _ in range(rng.randint(1, 4)):
        await pilot.press(rng.choice(["pagedown", "pageup", "a", "c", "down", "s"]))
        await pilot.pause(0.1)
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, ReportsScreen))


def report_deaths(app: SimotuiApp, seen: int) -> int:
    """Print the workers that died since ``seen`` (the app logs each as a TASK exchange)."""
    entries = app.http_log.since(seen)
    for entry in entries:
        if entry.exchange.method == "TASK":
            say("died", json.dumps(f"{entry.exchange.service}: {entry.exchange.error}"))
    return app.http_log.total


async def drive(options: dict[str, Any]) -> None:
    rng = random.Random(options["seed"])
    settings = Settings(
        base_url=options["url"],
        credentials=Credentials("both", "admin", Secret("simotel"), Secret("simotui-demo-key")),
        profile=options["profile"],
        poll_interval=0.5,
        request_timeout=options["request_timeout"],
        # A talk limit bounds how long a call that may have been placed can hide (its CDR comes
        # at hang-up): without one the console rightly waits an hour before saying "no trace".
        dial=DialDefaults(call_limit=CALL_LIMIT),
        campaign=CampaignDefaults(try_interval=10),
        hooks=HooksSettings(listen=f"127.0.0.1:{options['responder_port']}"),
    )
    with running_bridge(settings.hooks) as bridge:
        journal = Journal(options["journal"])
        app = make_app(settings, bridge=bridge, journal=journal)
        async with app.run_test(size=(100, 34)) as pilot:
            say("ready")
            seen = 0
            serial = 0
            looks = 0
            while not told_to_stop():
                seen = report_deaths(app, seen)
                if options["settle"]:
                    calls = list(app.tracker.calls.values())
                    if all(c.state.is_final for c in calls) and not journal.in_flight(options["profile"]):
                        say("settled", len(calls))
                        break
                    looks += 1
                    if looks % 50 == 0:  # about every 10 s: what is still open, for the report
                        for call in calls:
                            if not call.state.is_final:
                                where = call.call_id or call.campaign_id or "-"
                                detail = f"{call.placement.value}/{call.note}/covered={call.covered_until}"
                                say(
                                    "pending",
                                    repr(call.dial)[:60],
                                    where,
                                    json.dumps(call.state.value),
                                    detail,
                                )
                    await pilot.pause(0.2)
                    continue
                roll = rng.random()
                if roll < 0.45:
                    serial += 1
                    await dial(pilot, app, CallMode.DIRECT, number(rng, serial, options["round"]), rng)
                elif roll < 0.7:
                    serial += 1
                    await dial(pilot, app, CallMode.CAMPAIGN, number(rng, serial, options["round"]), rng)
                elif roll < 0.85:
                    await browse(pilot, app, rng)
                else:
                    await pilot.pause(rng.uniform(0.2, 1.0))
            report_deaths(app, seen)


if __name__ == "__main__":
    asyncio.run(drive(json.loads(sys.argv[1])))
