"""One question for several dials: each proposal places at most one call, the batch is answered
once, and nothing else can be proposed while it is open — counted at the simulator."""

from __future__ import annotations

import datetime as dt

import pytest

from simotui.api import SimotelClient
from simotui.api.models import OriginateRequest
from simotui.calls.tracker import CallTracker, DialBlocked
from simotui.errors import ReadOnlyRefused
from simotui.sim import SimulatorHandle
from tests.ui.helpers import originates, sim_clock

DIALS = [OriginateRequest(caller, "552", "main_routing", "") for caller in ("7301", "7302", "7303")]


async def test_a_batch_places_one_call_per_dial_once(client: SimotelClient, sim: SimulatorHandle) -> None:
    tracker = CallTracker(client, clock=sim_clock(sim), tz=dt.UTC)
    batch = tracker.propose_batch(DIALS)
    assert len({p.key for p in batch.proposals}) == 3
    with pytest.raises(DialBlocked):
        tracker.propose(DIALS[0])
    with pytest.raises(DialBlocked):
        tracker.propose_batch(DIALS)
    calls = tracker.confirm_batch(batch)
    assert tracker.confirm_batch(batch) == []  # a second yes confirms nothing
    assert not tracker.cancel_batch(batch)
    for call in calls:
        await tracker.send(call.key)
        await tracker.send(call.key)  # never twice
    assert [len(originates(sim, d.caller)) for d in DIALS] == [1, 1, 1]
    assert tracker.open_proposal is None


async def test_a_cancelled_batch_sends_nothing(client: SimotelClient, sim: SimulatorHandle) -> None:
    tracker = CallTracker(client, clock=sim_clock(sim), tz=dt.UTC)
    before = [len(originates(sim, d.caller)) for d in DIALS]
    batch = tracker.propose_batch(DIALS)
    assert tracker.cancel_batch(batch)
    assert tracker.confirm_batch(batch) == []
    assert [len(originates(sim, d.caller)) for d in DIALS] == before
    assert tracker.open_proposal is None and not tracker.calls
    with pytest.raises(DialBlocked):
        tracker.propose_batch([])
    client.read_only = True
    try:
        with pytest.raises(ReadOnlyRefused):
            tracker.propose_batch(DIALS)
    finally:
        client.read_only = False
