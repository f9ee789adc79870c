"""A crash at every step of a placement loses nothing: a real process, killed with SIGKILL.

The child places one dial through a real simulator on loopback and is killed at a chosen step;
the parent then restores a tracker from the journal and follows whatever the PBX really did.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from simotui.api import Credentials, SimotelClient
from simotui.calls.journal import JournalWriter
from simotui.calls.states import CallState
from simotui.calls.tracker import CallTracker
from simotui.secret import Secret
from simotui.sim import SimConfig, SimulatorHandle, start_simulator
from simotui.store.journal import Journal

from .helpers import T0, TEHRAN

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL")

CHILD = """
import asyncio, sys, time
from datetime import UTC, datetime
import httpx
from simotui.api import Credentials, SimotelClient
from simotui.api.models import OriginateRequest
from simotui.calls.journal import JournalWriter
from simotui.calls.tracker import CallTracker
from simotui.secret import Secret
from simotui.store.journal import Journal
from simotui.api.dates import pbx_zone

url, journal_path, step = sys.argv[1], sys.argv[2], sys.argv[3]

def stop(marker):
    print(marker, flush=True)
    time.sleep(120)

class Hold(httpx.AsyncBaseTransport):
    # Delivers the originate, then never hands its answer back: the process dies waiting.
    def __init__(self):
        self.inner = httpx.AsyncHTTPTransport()
    async def handle_async_request(self, request):
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if step == "sent" and request.url.path.endswith("call/originate/act"):
            stop("sent")
        return response

async def main():
    creds = Credentials("both", "admin", Secret("simotel"), Secret("simotui-demo-key"))
    client = SimotelClient(url, creds, transport=Hold())
    now = lambda: datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    tracker = CallTracker(client, clock=now, tz=pbx_zone("Asia/Tehran"), journal=JournalWriter(Journal(journal_path), "lab"))
    call = tracker.confirm(tracker.propose(OriginateRequest("557", "552", "main_routing", "557", call_limit=60)))
    if step == "confirmed":
        stop("confirmed")
    if step == "journalled":
        await tracker.journal.record_request(call, call.dial.to_api())
        stop("journalled")
    outcome = await tracker.send(call.key)
    tracker.journal.close()
    stop("answered " + outcome.call.state.value)

asyncio.run(main())
"""


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    """A PBX on loopback whose clock moves only when the test says so."""
    handle = start_simulator(SimConfig(seed=5, speed=0, start_time=T0))
    yield handle
    handle.stop()


def crash_at(sim: SimulatorHandle, journal: Path, step: str) -> str:
    """Run the child until it reports ``step``, then SIGKILL it; returns what it printed."""
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CHILD), sim.url, str(journal), step],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline().strip()
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=60) == -signal.SIGKILL
        return line
    finally:
        if child.poll() is None:
            child.kill()
        if child.stdout is not None:
            child.stdout.close()


def originates(sim: SimulatorHandle) -> int:
    return len(sim.pbx.originated)


async def restored_outcome(sim: SimulatorHandle, journal: Path) -> list[CallState]:
    """Restore from the journal, let the PBX's calls end, poll until every call is final."""
    credentials = Credentials("both", "admin", Secret("simotel"), Secret("simotui-demo-key"))
    async with SimotelClient(sim.url, credentials) as client:
        clock = lambda: datetime.fromtimestamp(sim.pbx.clock.now(), UTC)  # noqa: E731
        tracker = CallTracker(client, clock=clock, tz=TEHRAN, journal=JournalWriter(Journal(journal), "lab"))
        _restored, problems = tracker.restore()
        assert not problems
        for _ in range(400):
            if all(call.state.is_final for call in tracker.calls.values()):
                break
            sim.pbx.advance(15)
            await tracker.poll()
        tracker.journal.close()
        states = [call.state for call in tracker.calls.values()]
    with Journal(journal) as reread:
        assert reread.in_flight() == []  # every restored call was settled, and journalled so
    return states


@pytest.mark.parametrize(
    ("step", "placed", "end"),
    [
        ("confirmed", 0, []),  # nothing journalled, nothing sent: nothing to follow
        ("journalled", 0, [CallState.NO_TRACE]),  # journalled, never sent: looked for, not found
        ("sent", 1, [CallState.ANSWERED]),  # sent, answer never journalled: found and followed
        ("answered", 1, [CallState.ANSWERED]),  # accepted and journalled: followed
    ],
)
async def test_a_crash_at_each_step_of_a_placement_loses_nothing(
    sim: SimulatorHandle, tmp_path: Path, step: str, placed: int, end: list[CallState]
) -> None:
    journal = tmp_path / "journal.sqlite3"
    said = crash_at(sim, journal, step)
    assert said.startswith(step)
    assert originates(sim) == placed
    assert await restored_outcome(sim, journal) == end
    assert originates(sim) == placed  # and nothing was sent again
