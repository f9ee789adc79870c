"""Pushed events move tracked calls forward in real time; polls still decide every end.

Events go the real way: the simulator's sender (its own thread, its seeded chaos) to the
console's receiver over loopback HTTP, handed to the tracker in batches. The PBX's clock moves
only when a test says so; tests wait for the sender to be idle, never for a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest

from simotui.api.models import OriginateRequest
from simotui.calls.model import Call
from simotui.calls.pushed import Phase, PushFact
from simotui.calls.states import CallState
from simotui.calls.tracker import CallTracker
from simotui.events import models as ev
from simotui.events.link import EventLink
from simotui.events.receiver import ReceiverHandle, start_receiver
from simotui.sim.delivery import EventDelivery, EventTarget, parse_chaos

from .helpers import DIAL, T0, TEHRAN, Pbx, frozen_pbx, later, placed

SAFETY = 15.0


@dataclass
class Pushed:
    pbx: Pbx
    tracker: CallTracker
    link: EventLink
    delivery: EventDelivery

    async def step(self, seconds: float, *, poll: bool = True) -> set[str]:
        """Let the PBX move on, take every event it pushed, then poll once."""
        self.pbx.advance(seconds)
        assert self.delivery.wait_idle(SAFETY)
        changed, _ = self.tracker.events_seen(self.link.drain())
        if poll and self.tracker.wants_polling():
            _, polled = await self.tracker.poll()
            changed |= polled
        return changed

    async def dial(self, dial: OriginateRequest) -> Call:
        proposal = self.tracker.propose(dial)
        call = self.tracker.confirm(proposal)
        assert call is not None
        outcome = await self.tracker.send(call.key)
        assert self.delivery.wait_idle(SAFETY)
        return outcome.call


def _world(chaos: str = "", seed: int = 3) -> Iterator[Pushed]:
    pbx = frozen_pbx(seed=seed)
    link = EventLink()
    receiver: ReceiverHandle = start_receiver(link.deliver)
    delivery = EventDelivery(seed, EventTarget(receiver.url + "/simotel"), parse_chaos(chaos))
    delivery.start()
    pbx.pbx.webhooks.sink = delivery.submit
    tracker = CallTracker(pbx.client, clock=pbx.now, tz=TEHRAN)
    try:
        yield Pushed(pbx, tracker, link, delivery)
    finally:
        delivery.stop()
        receiver.stop()


@pytest.fixture
def pushed() -> Iterator[Pushed]:
    yield from _world()


async def test_a_dial_moves_through_every_phase_each_with_its_time(pushed: Pushed) -> None:
    call = await pushed.dial(DIAL)
    # The caller's phone rang before the originate's answer came back: the row says so at once.
    seen = [pushed.tracker.calls[call.key].state]
    pushed.tracker.events_seen(pushed.link.drain())
    seen.append(pushed.tracker.calls[call.key].state)
    for _ in range(200):
        await pushed.step(1, poll=False)
        state = pushed.tracker.calls[call.key].state
        if state != seen[-1]:
            seen.append(state)
        if state is CallState.HUNG_UP:
            break
    await pushed.step(0)
    final = pushed.tracker.calls[call.key]
    seen.append(final.state)
    expected = pushed.pbx.pbx.originated[final.call_id].result
    assert expected == "ANSWERED", (
        seen,
        final.pushed,
        "the seed's first dial is answered; pick another seed if that changed",
    )
    assert seen == [
        CallState.WAITING,
        CallState.FIRST_RINGING,
        # The caller answers and the callee's phone rings at the same moment: one batch.
        CallState.SECOND_RINGING,
        CallState.BRIDGED,
        CallState.HUNG_UP,
        CallState.ANSWERED,
    ]
    assert [(fact.phase, fact.name) for fact in final.pushed] == [
        (Phase.FIRST_RINGING, "NewState"),
        (Phase.FIRST_ANSWERED, "NewState"),
        (Phase.SECOND_RINGING, "NewState"),
        (Phase.TALKING, "NewState"),
        (Phase.HUNG_UP, "NewState"),
        (Phase.HUNG_UP, "NewState"),
        (Phase.HUNG_UP, "Cdr"),
    ]
    times = [final.phase_at(phase) for phase in Phase]
    assert all(t is not None for t in times)
    assert times == sorted(times)  # type: ignore[type-var]
    assert final.push_uid is not None
    assert [fact.name for fact in final.pushed][-1] == "Cdr"


async def test_a_pushed_cdr_asks_for_a_poll(pushed: Pushed) -> None:
    call = await pushed.dial(DIAL)
    cdr_keys: set[str] = set()
    for _ in range(200):
        pushed.pbx.advance(1)
        assert pushed.delivery.wait_idle(SAFETY)
        _, cdr_keys = pushed.tracker.events_seen(pushed.link.drain())
        if cdr_keys:
            break
    assert cdr_keys == {call.key}
    assert pushed.tracker.calls[call.key].state is CallState.HUNG_UP


def test_events_never_move_a_call_back_nor_end_it() -> None:
    call = placed()
    a = call.with_push(PushFact(later(1), "2nd party 552 answered", Phase.TALKING, "NewState"))
    b = a.with_push(PushFact(later(2), "1st party 557 ringing", Phase.FIRST_RINGING, "NewState"))
    assert b.state is CallState.BRIDGED and b.progress is Phase.TALKING
    c = b.with_push(PushFact(later(3), "CDR pushed: ANSWERED", Phase.HUNG_UP, "Cdr"))
    assert c.state is CallState.HUNG_UP and not c.state.is_final
    # A duplicate changes nothing (the same object comes back: nothing to journal or redraw).
    assert c.with_push(PushFact(later(4), "CDR pushed: ANSWERED", Phase.HUNG_UP, "Cdr")) is c
    # The deadline still ends it, as it would without events.
    assert c.covered(c.deadline).state is CallState.NO_CDR


def test_events_for_other_calls_change_nothing(pushed: Pushed) -> None:
    call = replace(placed(), requested_at=pushed.pbx.now(), answered_at=pushed.pbx.now())
    pushed.tracker.add_restored([call])
    others = [
        ev.NewState("NewState", "9.1", exten="557", state=ev.ExtenState.RINGING, participant="100"),
        ev.NewState("NewState", "9.2", exten="200", state=ev.ExtenState.RINGING, participant="552"),
        ev.CdrEvent("Cdr", "9.3", originated_call_id="orig.call.1.2"),
        ev.Ping("Ping"),
    ]
    changed, cdrs = pushed.tracker.events_seen(others)
    assert changed == set() and cdrs == set()
    # Outside its ring window an old call is not woken by a new ring of the same parties.
    old = replace(placed("old", at=T0), requested_at=later(-3600, pushed.pbx.now()))
    pushed.tracker.add_restored([old])
    ring = ev.NewState("NewState", "9.4", exten="557", state=ev.ExtenState.RINGING, participant="552")
    changed, _ = pushed.tracker.events_seen([ring])
    assert changed == {call.key}


@pytest.mark.parametrize("seed", [3, 11])
async def test_with_30_percent_of_events_dropped_every_call_ends_right(seed: int) -> None:
    world = _world("drop=0.3,duplicate=0.1,reorder=0.2", seed=seed)
    pushed = next(world)
    try:
        parties = [
            ("557", "552"),
            ("555", "553"),
            ("558", "554"),
            ("560", "561"),
            ("562", "564"),
            ("570", "550"),
            ("100", "101"),
            ("102", "103"),
            ("104", "105"),
            ("521", "530"),
            ("553", "09120000000"),  # the context's trunk: an OutgoingCall for the second leg
            ("09121111111", "552"),  # a PSTN first party with no trunk: never dialled, no event
        ]
        calls = []
        for caller, callee in parties:
            dial = OriginateRequest(caller, callee, "main_routing", caller, timeout=20, call_limit=40)
            calls.append(await pushed.dial(dial))
        progress_seen = False
        outcomes: set[CallState] = set()
        for _ in range(100):
            await pushed.step(3)
            progress_seen |= any(c.progress is not None for c in pushed.tracker.calls.values())
            if all(pushed.tracker.calls[c.key].state.is_final for c in calls):
                break
        counts = pushed.delivery.counts()
        assert counts.get("dropped", 0) > 0, counts
        assert progress_seen
        expected = {
            "ANSWERED": CallState.ANSWERED,
            "NO ANSWER": CallState.SECOND_NO_ANSWER,
            "BUSY": CallState.SECOND_BUSY,
            "FAILED": CallState.FIRST_FAILED,
        }
        for call in calls:
            final = pushed.tracker.calls[call.key]
            result = pushed.pbx.pbx.originated[final.call_id].result or ""
            want = CallState.NO_CDR if result.startswith("no-cdr") else expected[result]
            if result == "FAILED" and final.legs and not final.main_leg.is_spool_failure:  # type: ignore[union-attr]
                want = CallState.SECOND_FAILED
            assert final.state is want, (call.caller, result, final.state, final.pushed)
            outcomes.add(final.state)
        assert len(outcomes) > 1, outcomes
    finally:
        world.close()


async def test_events_that_arrive_before_the_originates_answer_are_kept() -> None:
    """The caller's phone rings before Simotel's answer to the originate gets back: the facts the
    events added while the request was out survive the answer (the demo showed them lost)."""
    holder: dict[str, Pushed] = {}

    def meanwhile(request: object) -> None:
        # The PBX has processed the originate (its Ringing is pushed); the answer is not back yet.
        pushed = holder["world"]
        if str(getattr(request, "url", "")).endswith("call/originate/act"):
            assert pushed.delivery.wait_idle(SAFETY)
            changed, _ = pushed.tracker.events_seen(pushed.link.drain())
            assert changed, "the Ringing was not matched to the call being sent"
        return None

    pbx = frozen_pbx(meanwhile)  # type: ignore[arg-type]
    link = EventLink()
    receiver = start_receiver(link.deliver)
    delivery = EventDelivery(3, EventTarget(receiver.url), parse_chaos(""))
    delivery.start()
    pbx.pbx.webhooks.sink = delivery.submit
    try:
        tracker = CallTracker(pbx.client, clock=pbx.now, tz=TEHRAN)
        holder["world"] = Pushed(pbx, tracker, link, delivery)
        call = tracker.confirm(tracker.propose(DIAL))
        assert call is not None
        outcome = await tracker.send(call.key)
        assert outcome.call.call_id
        assert outcome.call.state is CallState.FIRST_RINGING
        assert outcome.call.push_uid is not None
    finally:
        delivery.stop()
        receiver.stop()


def test_polls_relax_while_push_is_healthy_and_not_otherwise() -> None:
    from simotui.calls.poller import RELAXED_MAX, PollLoop

    healthy = {"now": False}
    loop = PollLoop(
        CallTracker(frozen_pbx().client, clock=lambda: T0, tz=TEHRAN), lambda _r: None, interval=3.0
    )
    assert loop.next_delay() == 3.0
    loop.push_healthy = lambda: healthy["now"]
    assert loop.next_delay() == 3.0
    healthy["now"] = True
    assert loop.next_delay() == 9.0
    loop.interval = 20.0
    assert loop.next_delay() == RELAXED_MAX
    loop.interval = 45.0  # never faster than asked
    assert loop.next_delay() == 45.0
    loop.interval = None
    assert loop.next_delay() is None


def test_a_cdr_only_the_polls_found_is_a_gap() -> None:
    from simotui.calls.pushed import cdr_not_pushed
    from simotui.events.stats import EventStats

    from .helpers import cdr

    call = placed()
    assert not cdr_not_pushed(call)  # not ended
    ended = call.with_legs([cdr("r1", call.call_id)])
    assert cdr_not_pushed(ended)
    told = ended.with_push(PushFact(later(5), "CDR pushed: ANSWERED", Phase.HUNG_UP, "Cdr"))
    assert not cdr_not_pushed(told)
    stats = EventStats(now=lambda: 0.0)
    stats.gap()
    assert "1 CDR(s) only polled" in stats.summary()
