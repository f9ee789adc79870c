"""Read-only in the core: the client refuses every service that may change the PBX before it
leaves, and the tracker proposes nothing — counted at the simulator's request log."""

from __future__ import annotations

import pytest

from simotui.api import SimotelClient
from simotui.api.client import reads_only
from simotui.api.models import OriginateRequest
from simotui.calls.tracker import CallTracker
from simotui.errors import ReadOnlyRefused, may_have_been_processed
from simotui.sim import SimulatorHandle
from tests.ui.helpers import sim_clock


@pytest.mark.parametrize(
    ("service", "reads"),
    [
        ("reports/cdr/search", True),
        ("reports/quick/info", True),
        ("reports/audio/download", True),
        ("reports/cdr/ordered/id", True),
        ("setting/ping/act", True),
        ("pbx/users/search", True),
        ("call/originate/act", False),
        ("autodialer/campaigns/add", False),
        ("autodialer/campaigns/update", False),
        ("autodialer/campaigns/remove", False),
        ("pbx/queues/addagent", False),
        ("pbx/users/remove", False),
        ("/call/originate/act/", False),
    ],
)
def test_only_reads_pass(service: str, reads: bool) -> None:
    assert reads_only(service) is reads


async def test_client_refuses_writes_before_sending(client: SimotelClient, sim: SimulatorHandle) -> None:
    client.read_only = True
    before = len(sim.requests)
    with pytest.raises(ReadOnlyRefused) as refused:
        await client.calls.originate(OriginateRequest("557", "552", "main_routing", ""))
    assert not may_have_been_processed(refused.value)
    with pytest.raises(ReadOnlyRefused):
        await client.autodialer.remove_campaign("0123456789abcdef01234567")
    assert sim.requests[before:] == []
    await client.setting.ping()  # a read still goes
    assert len(sim.requests) == before + 1


async def test_tracker_proposes_nothing(client: SimotelClient, sim: SimulatorHandle) -> None:
    import datetime as dt

    client.read_only = True
    tracker = CallTracker(client, clock=sim_clock(sim), tz=dt.UTC)
    with pytest.raises(ReadOnlyRefused):
        tracker.propose(OriginateRequest("557", "552", "main_routing", ""))
    assert tracker.open_proposal is None
    assert not tracker.calls
