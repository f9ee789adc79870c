"""The tracker's promises, against a PBX in the process: one intent places at most one call, and
every call the PBX placed is followed to its end — whatever becomes of the answers.

The PBX's clock moves only when a test advances it, so nothing here depends on the machine's speed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from simotui.api.models import OriginateRequest
from simotui.calls.dials import CampaignDial
from simotui.calls.journal import JournalWriter
from simotui.calls.model import Placement
from simotui.calls.states import CallState
from simotui.calls.tracker import CallTracker, DialBlocked
from simotui.store.journal import Journal

from .helpers import CAMPAIGN, DIAL, TEHRAN, Pbx, frozen_pbx

ORIGINATE = "/api/v4/call/originate/act"
FAULTS = ["502", "503", "html200", "nonjson", "truncated", "wrongtype", "nested", "timeout", "dropped"]


@pytest.fixture
async def world() -> AsyncIterator[tuple[Pbx, CallTracker]]:
    pbx = frozen_pbx()
    tracker = CallTracker(pbx.client, clock=pbx.now, tz=TEHRAN)
    yield pbx, tracker
    await pbx.client.aclose()
    tracker.journal.close()


async def follow(pbx: Pbx, tracker: CallTracker, key: str, *, step: float = 15, cycles: int = 40) -> None:
    """Let the PBX's time pass and poll until the call is final (or fail)."""
    for _ in range(cycles):
        if tracker.calls[key].state.is_final:
            return
        pbx.advance(step)
        await tracker.poll()
    raise AssertionError(f"{key} never ended: {tracker.calls[key].state}")


async def test_one_confirmation_sends_one_originate(world: tuple[Pbx, CallTracker]) -> None:
    pbx, tracker = world
    proposal = tracker.propose(DIAL)
    with pytest.raises(DialBlocked):
        tracker.propose(DIAL)  # a second Enter while the confirmation is open
    with pytest.raises(DialBlocked):
        tracker.propose(OriginateRequest("101", "102", "main_routing", "101"))  # any dial
    call = tracker.confirm(proposal)
    assert call is not None and call.state is CallState.SENDING
    assert tracker.confirm(proposal) is None  # a second y
    with pytest.raises(DialBlocked):
        tracker.propose(DIAL)  # the same dial while it is on the wire
    first = await tracker.send(call.key)
    again = await tracker.send(call.key)
    assert again.call is first.call
    assert len(pbx.originates()) == 1
    assert first.call.state is CallState.WAITING and first.call.call_id == pbx.originates()[0]["id"]
    await follow(pbx, tracker, call.key)
    assert tracker.calls[call.key].state is CallState.ANSWERED


async def test_a_cancelled_proposal_sends_nothing(world: tuple[Pbx, CallTracker]) -> None:
    pbx, tracker = world
    proposal = tracker.propose(DIAL)
    assert tracker.cancel(proposal)
    assert tracker.confirm(proposal) is None
    assert not tracker.calls and not pbx.originates()
    assert tracker.propose(DIAL) is not proposal  # a new intent may follow


@pytest.mark.parametrize("fault", FAULTS)
async def test_an_answer_lost_after_processing_is_maybe_placed_then_found(fault: str) -> None:
    pbx = frozen_pbx(lambda request: fault if request.url.path == ORIGINATE else None)
    tracker = CallTracker(pbx.client, clock=pbx.now, tz=TEHRAN)
    try:
        call = tracker.confirm(tracker.propose(DIAL))
        assert call is not None
        outcome = await tracker.send(call.key)
        assert outcome.call.state is CallState.MAYBE_PLACED, outcome.call.note
        assert outcome.call.placement is Placement.UNKNOWN and outcome.error is not None
        assert len(pbx.originates()) == 1  # placed, and never retried
        await follow(pbx, tracker, call.key)
        done = tracker.calls[call.key]
        assert done.placement is Placement.FOUND and done.state is CallState.ANSWERED
        assert done.call_id == pbx.originates()[0]["id"]
        assert len(pbx.originates()) == 1
    finally:
        await pbx.client.aclose()


async def test_a_lost_answer_whose_first_party_never_answered_ends_with_no_trace() -> None:
    pbx = frozen_pbx(lambda request: "502" if request.url.path == ORIGINATE else None)
    tracker = CallTracker(pbx.client, clock=pbx.now, tz=TEHRAN)
    dial = OriginateRequest("09121234500", "552", "main_routing", "557", "Center", timeout=30, call_limit=30)
    try:
        call = tracker.confirm(tracker.propose(dial))
        assert call is not None
        await tracker.send(call.key)
        await follow(pbx, tracker, call.key)
        assert tracker.calls[call.key].state is CallState.NO_TRACE
    finally:
        await pbx.client.aclose()


async def test_documented_refusals_are_not_placed(world: tuple[Pbx, CallTracker]) -> None:
    pbx, tracker = world
    # The account may not use the service: Simotel answers 403 "Access denied", documented.
    pbx.settings.denied_services.add("call/originate/act")
    call = tracker.confirm(tracker.propose(DIAL))
    assert call is not None
    outcome = await tracker.send(call.key)
    assert outcome.call.state is CallState.REFUSED and outcome.call.state.is_final
    assert "Access denied" in outcome.call.note
    assert not pbx.originates()


async def test_a_refused_connection_is_not_sent() -> None:
    from simotui.api import Credentials, SimotelClient
    from simotui.secret import Secret

    transport = httpx.MockTransport(lambda request: (_ for _ in ()).throw(httpx.ConnectError("refused")))
    client = SimotelClient("http://pbx.test", Credentials("key", api_key=Secret("k")), transport=transport)
    tracker = CallTracker(client, clock=frozen_pbx().now, tz=TEHRAN)
    call = tracker.confirm(tracker.propose(DIAL))
    assert call is not None
    outcome = await tracker.send(call.key)
    assert outcome.call.state is CallState.NOT_SENT
    await client.aclose()


async def test_failed_polls_never_pass_a_deadline() -> None:
    failing = {"on": False}
    pbx = frozen_pbx(lambda request: "503" if failing["on"] and "search" in request.url.path else None)
    tracker = CallTracker(pbx.client, clock=pbx.now, tz=TEHRAN)
    dial = OriginateRequest("09121234500", "552", "main_routing", "557", "Center", timeout=30, call_limit=30)
    try:
        call = tracker.confirm(tracker.propose(dial))
        assert call is not None
        await tracker.send(call.key)
        failing["on"] = True
        pbx.advance(3600)
        for _ in range(3):
            with pytest.raises(Exception, match="503"):
                await tracker.poll()
        assert tracker.calls[call.key].state is CallState.WAITING  # an hour late, but nothing proved
        failing["on"] = False
        await tracker.poll()
        assert tracker.calls[call.key].state is CallState.NO_CDR
    finally:
        await pbx.client.aclose()


async def test_a_campaign_call_is_bridged_and_cleaned_up(world: tuple[Pbx, CallTracker]) -> None:
    pbx, tracker = world
    managers = await pbx.client.autodialer.search_trunk_managers("")
    call = tracker.confirm(tracker.propose(_campaign(managers[0].id)))
    assert call is not None
    assert tracker.bridges.get(call.key) is not None  # registered before the campaign exists
    outcome = await tracker.send(call.key)
    assert outcome.call.state is CallState.DIALLING_FIRST and outcome.call.campaign_id
    await follow(pbx, tracker, call.key)
    done = tracker.calls[call.key]
    # No responder in this world: the first party answers, nobody is asked for the second.
    assert done.state is CallState.NOT_BRIDGED, done.meaning
    [due] = tracker.due_cleanups()
    removed = await tracker.remove_campaign(due.key)
    assert removed.cleanup == "campaign removed" and removed.settled
    assert tracker.bridges.get(call.key) is None


def _campaign(manager_id: str) -> CampaignDial:
    return replace(CAMPAIGN, trunk_manager_id=manager_id, tries=1)


async def test_a_lost_campaign_answer_is_found_by_name() -> None:
    pbx = frozen_pbx(lambda request: "timeout" if request.url.path.endswith("campaigns/add") else None)
    tracker = CallTracker(pbx.client, clock=pbx.now, tz=TEHRAN)
    try:
        managers = await pbx.client.autodialer.search_trunk_managers("")
        call = tracker.confirm(tracker.propose(_campaign(managers[0].id)))
        assert call is not None
        outcome = await tracker.send(call.key)
        assert outcome.call.state is CallState.MAYBE_PLACED
        assert call.key in outcome.call.campaign_name
        await tracker.poll()
        found = tracker.calls[call.key]
        assert found.placement is Placement.FOUND and found.campaign_id
        assert found.state is CallState.DIALLING_FIRST
    finally:
        await pbx.client.aclose()


async def test_a_call_sent_but_never_journalled_as_answered_is_restored_and_found(tmp_path: Path) -> None:
    pbx = frozen_pbx()
    path = tmp_path / "journal.sqlite3"
    first = CallTracker(pbx.client, clock=pbx.now, tz=TEHRAN, journal=JournalWriter(Journal(path), "lab"))
    call = first.confirm(first.propose(DIAL))
    assert call is not None
    # What a crash between sending and journalling the answer leaves: the request, sent.
    await first.journal.record_request(call, DIAL.to_api())
    await pbx.client.calls.originate(DIAL)
    first.journal.close()

    again = CallTracker(pbx.client, clock=pbx.now, tz=TEHRAN, journal=JournalWriter(Journal(path), "lab"))
    try:
        [restored], problems = again.restore()
        assert not problems
        assert restored.state is CallState.MAYBE_PLACED and "stopped before" in restored.note
        await follow(pbx, again, restored.key)
        done = again.calls[restored.key]
        assert done.placement is Placement.FOUND and done.state is CallState.ANSWERED
        again.journal.close()
        reread = Journal(path)
        entry = reread.get(restored.key)
        assert entry is not None and entry.placement == "found" and entry.state == "answered" and entry.final
        assert reread.in_flight() == []
        reread.close()
    finally:
        await pbx.client.aclose()


async def test_a_cleanup_asked_for_and_never_answered_is_asked_again_after_a_restart(tmp_path: Path) -> None:
    """Killed between marking a finished campaign for removal and recording the removal: after the
    restart the campaign is removed (not left on the PBX), and the journal row settles."""
    pbx = frozen_pbx()
    path = tmp_path / "journal.sqlite3"
    first = CallTracker(pbx.client, clock=pbx.now, tz=TEHRAN, journal=JournalWriter(Journal(path), "lab"))
    try:
        managers = await pbx.client.autodialer.search_trunk_managers("")
        call = first.confirm(first.propose(_campaign(managers[0].id)))
        assert call is not None
        await first.send(call.key)
        await follow(pbx, first, call.key)
        [due] = first.due_cleanups()  # marked pending, journalled; the removal never happens
        campaign_id = due.campaign_id
        first.journal.close()

        again = CallTracker(pbx.client, clock=pbx.now, tz=TEHRAN, journal=JournalWriter(Journal(path), "lab"))
        [restored], problems = again.restore()
        assert not problems and restored.cleanup == ""
        await follow(pbx, again, restored.key)  # its report read again: final again
        [asked] = again.due_cleanups()
        removed = await again.remove_campaign(asked.key)
        assert removed.cleanup == "campaign removed" and removed.settled
        assert not [
            c for c in (await pbx.client.autodialer.search_campaigns("")).records if c.id == campaign_id
        ]
        again.journal.close()
        reread = Journal(path)
        assert reread.in_flight() == []
        reread.close()
    finally:
        await pbx.client.aclose()
