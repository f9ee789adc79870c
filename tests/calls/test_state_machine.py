"""Hypothesis drives the call core through dials, answers, faults, polls and restarts.

Whatever the sequence: never two placements for one intent (a confirmed proposal), and once the
network behaves, every call the PBX placed is found and followed to a final state.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from simotui.api.models import OriginateRequest
from simotui.calls.journal import JournalWriter
from simotui.calls.model import Placement
from simotui.calls.states import CallState
from simotui.calls.tracker import CallTracker, DialBlocked, Proposal
from simotui.errors import SimotuiError
from simotui.store.journal import Journal

from .helpers import TEHRAN, Pbx, frozen_pbx

T = TypeVar("T")

# Dials whose every placement leaves a CDR (both parties answer; 150 is no extension: a FAILED
# spool row), so "no trace" can only mean "never placed".
DIALS = [
    OriginateRequest("557", "552", "main_routing", "557", timeout=30, call_limit=60),
    OriginateRequest("553", "554", "main_routing", "553", timeout=30, call_limit=60),
    OriginateRequest("150", "552", "main_routing", "150", timeout=30, call_limit=60),
]
LOSSES = [None, None, "502", "timeout", "dropped", "nonjson"]


class CallCore(RuleBasedStateMachine):
    """One console's life, with restarts, against one PBX."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.scratch = tempfile.TemporaryDirectory(prefix="simotui-sm-")
        self.journal_path = Path(self.scratch.name) / "journal.sqlite3"
        self.originate_loss: str | None = None
        self.search_loss: str | None = None
        self.pbx: Pbx = self.run(self._build())
        self.tracker = self._tracker()
        self.proposals: list[Proposal] = []
        self.confirmed: list[str] = []
        self.intents: set[str] = set()
        self.io_sends = 0

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    async def _build(self) -> Pbx:
        def loss(request: Any) -> str | None:
            if request.url.path.endswith("call/originate/act"):
                return self.originate_loss
            if "search" in request.url.path:
                return self.search_loss
            return None

        return frozen_pbx(loss)

    def _tracker(self) -> CallTracker:
        return CallTracker(
            self.pbx.client,
            clock=self.pbx.now,
            tz=TEHRAN,
            journal=JournalWriter(Journal(self.journal_path), "sm"),
        )

    # -- rules ----------------------------------------------------------------------------------

    @rule(index=st.integers(0, len(DIALS) - 1))
    def propose(self, index: int) -> None:
        dial = DIALS[index]
        open_before = self.tracker.open_proposal
        sending = any(
            c.dial == dial and c.placement is Placement.SENDING for c in self.tracker.calls.values()
        )
        try:
            proposal = self.tracker.propose(dial)
        except DialBlocked:
            assert open_before is not None or sending
            return
        assert open_before is None and not sending
        self.proposals.append(proposal)

    @precondition(lambda self: self.proposals)
    @rule(data=st.data())
    def confirm(self, data: st.DataObject) -> None:
        proposal = data.draw(st.sampled_from(self.proposals))
        was_open = self.tracker.open_proposal is proposal
        call = self.tracker.confirm(proposal)
        assert (call is not None) == was_open
        if call is not None:
            self.confirmed.append(call.key)
            self.intents.add(call.key)

    @precondition(lambda self: self.proposals)
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        self.tracker.cancel(data.draw(st.sampled_from(self.proposals)))

    @precondition(lambda self: self.confirmed)
    @rule(data=st.data())
    def send(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(self.confirmed))
        before = self.tracker.counts.sent
        self.run(self.tracker.send(key))
        self.io_sends += self.tracker.counts.sent - before

    @precondition(lambda self: self.confirmed)
    @rule(data=st.data(), reaches_pbx=st.booleans())
    def crash_while_sending(self, data: st.DataObject, reaches_pbx: bool) -> None:
        """The process dies after journalling a request (and perhaps sending it), before its answer."""
        key = data.draw(st.sampled_from(self.confirmed))
        call = self.tracker.calls.get(key)
        if call is None or call.placement is not Placement.SENDING or key in self.tracker._sent:
            return
        # As send() does: the request is journalled with the time it leaves.
        call = replace(call, requested_at=self.pbx.now())
        self.run(self.tracker.journal.record_request(call, dict(call.dial.to_api())))
        if reaches_pbx:
            assert isinstance(call.dial, OriginateRequest)
            try:
                self.run(self.pbx.client.calls.originate(call.dial))
            except SimotuiError:
                pass  # the request reached the PBX; what became of its answer dies with the process
            self.io_sends += 1
        self.restart()

    @rule(kind=st.sampled_from(LOSSES))
    def network(self, kind: str | None) -> None:
        self.originate_loss = kind

    @rule(kind=st.sampled_from([None, None, "503", "timeout"]))
    def searches(self, kind: str | None) -> None:
        self.search_loss = kind

    @rule(seconds=st.sampled_from([1, 10, 45, 120]))
    def time_passes(self, seconds: int) -> None:
        self.pbx.advance(seconds)

    @rule()
    def poll(self) -> None:
        try:
            self.run(self.tracker.poll())
        except Exception:
            assert self.search_loss is not None

    @rule()
    def restart(self) -> None:
        self.tracker.journal.close()
        self.tracker = self._tracker()
        self.tracker.restore()
        self.proposals.clear()
        self.confirmed = [key for key in self.confirmed if key in self.tracker.calls]

    # -- promises -------------------------------------------------------------------------------

    @invariant()
    def never_two_placements_per_intent(self) -> None:
        # Every request that went out placed exactly one call, and no key went out twice.
        assert len(self.pbx.pbx.originated) == self.io_sends
        assert self.io_sends <= len(self.intents)

    @invariant()
    def a_final_state_is_final(self) -> None:
        for call in self.tracker.calls.values():
            if call.state in (CallState.REFUSED, CallState.NOT_SENT):
                assert call.placement in (Placement.REFUSED, Placement.NOT_SENT)

    def teardown(self) -> None:
        try:
            # The network comes back; time passes; every call the PBX placed is followed to its end.
            self.originate_loss = self.search_loss = None
            for _ in range(60):
                self.pbx.advance(30)
                self.run(self.tracker.poll())
                if all(
                    c.state.is_final
                    for c in self.tracker.calls.values()
                    if c.placement is not Placement.SENDING
                ):
                    break
            # Followed to its end: final in this life, or in an earlier one (the journal says so).
            placed = set(self.pbx.pbx.originated)
            tracked = {c.call_id for c in self.tracker.calls.values() if c.call_id and c.state.is_final}
            journalled = {
                e.call_id for e in self.tracker.journal.history(limit=10_000) if e.final and e.call_id
            }
            assert placed <= tracked | journalled, f"placed but not followed: {placed - tracked - journalled}"
            for call in self.tracker.calls.values():
                if call.placement is Placement.SENDING:
                    continue  # confirmed, never sent in this life: nothing to follow
                assert call.state.is_final, call
                if call.state is CallState.NO_TRACE:
                    assert call.call_id == ""
        finally:
            self.run(self.pbx.client.aclose())
            self.tracker.journal.close()
            self.loop.close()
            self.scratch.cleanup()


TestCallCore = CallCore.TestCase
TestCallCore.settings = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
