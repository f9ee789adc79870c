"""Background traffic: calls nobody placed through the API, so events, reports and a PBX view live.

``SimConfig.traffic`` (``--traffic RATE``, ``PUT /_sim/traffic``) is a rate in calls per minute
of *virtual* time. Arrivals are a Poisson process, and every choice (kind, numbers, queue,
agent, abandonment, rating) is drawn from ``Random(f"simotel-traffic|{seed}")``, so a seed and
the same requests give the same calls. The calls dial through ``pbx.plan_leg`` like any other
(outcome rules, pins, blacklists) and write what any call writes:

- ``queue`` (45 %): a PSTN caller through an incoming trunk hears the welcome (4 s), joins a
  queue and rings a free, unpaused member for up to 15 s (10 % hang up first); ``IncomingCall``,
  the agent's ``NewState`` (``queue`` set), a ``queue_stat`` row, the agent's ``queue_report``
  row, an ``incoming`` CDR (route IncomingRoute → Announcement → Queue), ``CdrQueue`` when an
  agent answered, ``Cdr``; a quarter of answered callers rate the call 14 s later (a poll row
  and ``Survey``). No free member: the caller waits 5-30 s and leaves (MISSED/TIMEOUT).
- ``inbound`` (15 %): a PSTN caller straight to a free extension (IncomingRoute → Announcement
  → Extension).
- ``local`` (20 %): a free extension calls another (``local`` CDR).
- ``outgoing`` (20 %): a free extension calls a PSTN number through ``main_routing``'s trunk
  (``OutgoingCall``, an ``outgoing`` CDR).

An extension is free when no traffic call holds it and its last NewState is not Ringing or
InUse (originated calls count too). Nothing is drawn or scheduled while the rate is 0.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from simotui.sim.cdrs import draw_hangup
from simotui.sim.models import CdrRecord, PollRecord, QueueStat, RouteStep, Trunk
from simotui.sim.outcomes import LegPlan, Outcome
from simotui.sim.scenarios import PSTN_PREFIXES

if TYPE_CHECKING:
    from simotui.sim.state import SimulatedPbx

KINDS = ("queue", "inbound", "local", "outgoing")
_WEIGHTS = (45, 15, 20, 20)
#: Seconds of the incoming route's welcome announcement.
WELCOME = 4.0
#: Seconds a queue rings an agent before giving up.
QUEUE_RING = 15
#: Chance a queued caller hangs up while the agent's phone rings.
ABANDON = 0.1
#: Chance an answered queue caller rates the call, and how long after the hang-up.
RATING = 0.25
RATING_DELAY = 14.0
_BUSY_STATES = ("Ringing", "InUse")


@dataclass
class _Leg:
    """When a dialled party rings, answers and the call ends, and how it ended."""

    rings: bool
    answered: float | None
    end: float
    disposition: str


def _leg(plan: LegPlan, at: float, timeout: int) -> _Leg:
    """The timeline of a leg dialled at ``at`` (``timeout``: how long it may ring)."""
    if plan.outcome is Outcome.ANSWER:
        answered = at + plan.ring
        return _Leg(True, answered, answered + plan.talk, "ANSWERED")
    if plan.outcome is Outcome.NO_ANSWER:
        return _Leg(True, None, at + timeout, "NO ANSWER")
    if plan.outcome is Outcome.BUSY:
        return _Leg(False, None, at + plan.ring, "BUSY")
    return _Leg(False, None, at + 1, "FAILED")


class Traffic:
    """The background calls of one PBX (``placed``: how many of each kind so far)."""

    def __init__(self, pbx: SimulatedPbx) -> None:
        """No traffic until ``start``."""
        self.pbx = pbx
        self.rate = 0.0
        """Calls per minute of virtual time."""
        self.placed: Counter[str] = Counter()
        self.held: set[str] = set()
        """Extensions a traffic call is using (or about to ring)."""
        self.rng = random.Random(f"simotel-traffic|{pbx.seed}")
        self._generation = 0

    def start(self, rate: float | None = None) -> None:
        """Start (or re-rate) the arrivals: ``rate`` calls per minute, default ``config.traffic``."""
        self.set_rate(self.pbx.config.traffic if rate is None else rate)

    def set_rate(self, rate: float) -> None:
        """From now on, ``rate`` calls per minute (0 stops new calls; calls in progress finish)."""
        if rate < 0:
            raise ValueError("the traffic rate is 0 or more calls per minute")
        with self.pbx.lock:
            self.rate = float(rate)
            self._generation += 1
            if self.rate > 0:
                self._schedule_next()

    def _schedule_next(self) -> None:
        generation = self._generation
        gap = self.rng.expovariate(self.rate / 60.0)
        self.pbx.schedule(self.pbx.now + gap, lambda: self._arrive(generation))

    def _arrive(self, generation: int) -> None:
        if generation != self._generation:
            return  # the rate changed since: that arrival process is over
        kind = self.rng.choices(KINDS, _WEIGHTS)[0]
        place: Callable[[], bool] = getattr(self, f"_{kind}")
        if place():
            self.placed[kind] += 1
        self._schedule_next()

    # ----------------------------------------------------------------- parts
    def _free(self) -> list[str]:
        pbx = self.pbx
        states = pbx.webhooks.states
        return [
            number
            for number, user in sorted(pbx.users.items())
            if user.active == "yes" and number not in self.held and states.get(number) not in _BUSY_STATES
        ]

    def _pstn(self) -> str:
        prefix = self.rng.choice(PSTN_PREFIXES)
        return prefix + str(self.rng.randint(10 ** (10 - len(prefix)), 10 ** (11 - len(prefix)) - 1))

    def _incoming_trunk(self) -> Trunk | None:
        trunks = [t for _, t in sorted(self.pbx.trunks.items()) if t.active == "yes" and t.did]
        return self.rng.choice(trunks) if trunks else None

    def _at(self, when: float, action: Callable[[], None]) -> None:
        self.pbx.schedule(max(when, self.pbx.now), action)

    def _store(self, record: CdrRecord, *idle: str) -> None:
        """Hang up: the phones go idle, the CDR is stored and pushed."""
        pbx = self.pbx
        for number in idle:
            pbx.webhooks.idle(number, record.cuid)
            self.held.discard(number)
        pbx.cdr_builder.store(record)
        pbx.webhooks.cdr(record)

    # ------------------------------------------------------------ the calls
    def _queue(self) -> bool:
        pbx = self.pbx
        rng = self.rng
        trunk = self._incoming_trunk()
        if trunk is None or not pbx.queues:
            return False
        t0 = pbx.now
        src = self._pstn()
        cuid, seq = pbx.call_ids.cuid(t0)
        channel = pbx.call_ids.channel(trunk.name)
        pbx.webhooks.incoming_call(src, trunk.name, cuid)
        queue = pbx.queues[rng.choice(sorted(pbx.queues))]
        entered = t0 + WELCOME
        free = set(self._free())
        members = [m for m in queue.members if m in free and m not in queue.paused]
        agent = rng.choice(members) if members else None
        abandon = rng.random() < ABANDON
        abandon_after = rng.randint(2, QUEUE_RING - 1)
        queue_id = f"{int(entered)}.{rng.randint(100, 9999)}"
        ring_at = entered + 0.06
        answered: float | None = None
        rings = False
        if agent is not None:
            self.held.add(agent)
            plan = pbx.plan_leg(src, agent, timeout=QUEUE_RING)
            leg = _leg(plan, ring_at, QUEUE_RING)
            rings = leg.rings
            if leg.answered is not None and not (abandon and abandon_after < plan.ring):
                answered, end = leg.answered, leg.end
            elif rings:
                end = ring_at + (abandon_after if abandon else QUEUE_RING)
            else:
                end = ring_at + rng.randint(5, 30)  # busy or unreachable: the caller waits, then leaves
        else:
            end = entered + rng.randint(5, 30)
        if agent is not None:
            self._phone_events(agent, cuid, src, ring_at, _Leg(rings, answered, end, ""), queue.number)

        def hang_up() -> None:
            record_file = None
            if answered is not None and queue.call_record == "yes":
                record_file = pbx.recording_name(t0, cuid)
            agent_name = pbx.users[agent].name if agent is not None and agent in pbx.users else (agent or "")
            stat = QueueStat(
                oid=pbx.new_oid(end),
                cuid=cuid,
                queue_id=queue_id,
                qnum=queue.number,
                src=src,
                dst=agent or "",
                dst_name=agent_name,
                duration=int(end - entered),
                wait=int((answered if answered is not None else end) - entered),
                agent_wait=int((answered if answered is not None else end) - entered),
                billsec=int(end - answered) if answered is not None else 0,
                starttime=entered,
                endtime=end,
                ringtime=ring_at if rings else None,
                answeredtime=answered,
                queue_status="CONTINUE" if answered is not None else "TIMEOUT",
                disposition="ANSWERED" if answered is not None else "MISSED",
                hangup=rng.choice(("caller", "agent")) if answered is not None else "caller",
            )
            pbx.store_queue_stat(stat)
            agent_try: CdrRecord | None = None
            if agent is not None and rings:
                try_seq = pbx.call_ids.next_sequence()
                agent_try = pbx.cdr_builder.build(
                    type="queue_report",
                    cuid=cuid,
                    clid_number=src,
                    src=src,
                    dst=agent,
                    dcontext="simotel-local-agents",
                    channel=f"Local/{agent}@simotel-local-agents-{try_seq & 0xFFFF:08x};2",
                    dstchannel=pbx.call_ids.channel(agent),
                    lastdata=f"SIP/{agent},{QUEUE_RING},TtKkm",
                    start=ring_at,
                    starttime=ring_at,
                    answer=answered,
                    end=end,
                    disposition="ANSWERED" if answered is not None else "NO ANSWER",
                    sequence=try_seq,
                    route=None,
                    record=record_file,
                )
                agent_try.uniqueid = f"{int(ring_at)}.{try_seq}"
                agent_try.qnum, agent_try.queue_id = queue.number, queue_id
                agent_try.tries, agent_try.last_try, agent_try.dst_name = 1, end, agent_name
                pbx.store_queue_report(agent_try)
            route: list[RouteStep] = [
                ("IncomingRoute", "Incoming Route", 0.010565, t0 + 0.010565),
                ("Announcement", "Welcome", WELCOME, entered),
                ("Queue", queue.name, round(max(0.0, end - entered), 6), max(end, entered)),
            ]
            disposition = "ANSWERED" if answered is not None else "NO ANSWER"
            record = pbx.cdr_builder.build(
                type="incoming",
                cuid=cuid,
                clid_number=src,
                src=src,
                dst=trunk.did,
                dcontext="incoming",
                channel=channel,
                dstchannel=pbx.call_ids.channel(agent) if agent is not None and answered is not None else "",
                lastdata=f"{queue.number},tT,,,300",
                start=t0,
                starttime=t0,
                answer=answered,
                end=end,
                disposition=disposition,
                sequence=seq,
                route=route,
                hangup=draw_hangup(rng, disposition),
                record=record_file,
                lastapp="Queue",
                did=trunk.did,
                entry_point=trunk.name,
            )
            if agent is not None:
                if rings:
                    pbx.webhooks.idle(agent, cuid)
                self.held.discard(agent)
            if answered is not None and agent_try is not None:
                pbx.webhooks.cdr_queue(stat, agent_try)
            self._store(record)
            if answered is not None and agent is not None and rng.random() < RATING:
                self._rate(cuid, src, agent, queue.number, end + RATING_DELAY)

        self._at(end, hang_up)
        return True

    def _rate(self, cuid: str, src: str, agent: str, qnum: str, at: float) -> None:
        pbx = self.pbx
        point = self.rng.randint(1, 20)
        label = self.rng.choice(("sale", "support", "quality"))

        def rated() -> None:
            poll = PollRecord(pbx.new_oid(at), cuid, src, agent, point, label, qnum, at)
            pbx.polls.add(poll)
            pbx.webhooks.survey(poll)

        self._at(at, rated)

    def _inbound(self) -> bool:
        pbx = self.pbx
        trunk = self._incoming_trunk()
        free = self._free()
        if trunk is None or not free:
            return False
        t0 = pbx.now
        src = self._pstn()
        callee = self.rng.choice(free)
        self.held.add(callee)
        cuid, seq = pbx.call_ids.cuid(t0)
        channel = pbx.call_ids.channel(trunk.name)
        pbx.webhooks.incoming_call(src, trunk.name, cuid)
        dialled_at = t0 + WELCOME
        leg = _leg(pbx.plan_leg(src, callee), dialled_at, 30)
        self._phone_events(callee, cuid, src, dialled_at, leg)
        rng = self.rng

        def hang_up() -> None:
            route: list[RouteStep] = [
                ("IncomingRoute", "Incoming Route", 0.010565, t0 + 0.010565),
                ("Announcement", "Welcome", WELCOME, dialled_at),
            ]
            if leg.disposition != "FAILED":
                route.append(("Extension", "Extension", round(leg.end - dialled_at, 6), leg.end))
            dstchannel, lastdata = pbx.cdr_builder.dial(callee, extension=True, trunk=None, timeout=30)
            record = pbx.cdr_builder.build(
                type="incoming",
                cuid=cuid,
                clid_number=src,
                src=src,
                dst=trunk.did,
                dcontext="incoming",
                channel=channel,
                dstchannel=dstchannel if leg.disposition != "FAILED" else "",
                lastdata=lastdata if leg.disposition != "FAILED" else "",
                start=t0,
                starttime=t0,
                answer=leg.answered,
                end=leg.end,
                disposition=leg.disposition,
                sequence=seq,
                route=route,
                hangup=draw_hangup(rng, leg.disposition),
                record=self._recording(t0, cuid, leg, callee),
                did=trunk.did,
                entry_point=trunk.name,
            )
            self._store(record, *([callee] if leg.rings else []))
            self.held.discard(callee)

        self._at(leg.end, hang_up)
        return True

    def _local(self) -> bool:
        pbx = self.pbx
        free = self._free()
        if len(free) < 2:
            return False
        src, dst = self.rng.sample(free, 2)
        self.held.update((src, dst))
        t0 = pbx.now
        cuid, seq = pbx.call_ids.cuid(t0)
        channel = pbx.call_ids.channel(src)
        pbx.webhooks.in_use(src, cuid, dst, "out", dialer=True)
        leg = _leg(pbx.plan_leg(src, dst), t0, 30)
        self._phone_events(dst, cuid, src, t0, leg)
        rng = self.rng

        def hang_up() -> None:
            dialled = leg.disposition != "FAILED"
            route: list[RouteStep] = [("OutgoingRoute", "Outgoing Route", 0.013199, t0 + 0.013199)]
            if dialled:
                route.append(("Extension", "Extension", round(leg.end - t0 - 0.013199, 6), leg.end))
            dstchannel, lastdata = pbx.cdr_builder.dial(dst, extension=True, trunk=None, timeout=30)
            record = pbx.cdr_builder.build(
                type="local",
                cuid=cuid,
                clid_number=src,
                src=src,
                dst=dst,
                dcontext="main_routing",
                channel=channel,
                dstchannel=dstchannel if dialled else "",
                lastdata=lastdata if dialled else "",
                start=t0,
                starttime=t0,
                answer=leg.answered,
                end=leg.end,
                disposition=leg.disposition,
                sequence=seq,
                route=route,
                hangup=draw_hangup(rng, leg.disposition),
                record=self._recording(t0, cuid, leg, src, dst),
            )
            self._store(record, src, *([dst] if leg.rings else []))
            self.held.difference_update((src, dst))

        self._at(leg.end, hang_up)
        return True

    def _outgoing(self) -> bool:
        pbx = self.pbx
        free = self._free()
        ctx = pbx.contexts.get("main_routing")
        trunk = ctx.trunk if ctx is not None else None
        if not free or trunk is None:
            return False
        src = self.rng.choice(free)
        self.held.add(src)
        dst = self._pstn()
        t0 = pbx.now
        cuid, seq = pbx.call_ids.cuid(t0)
        channel = pbx.call_ids.channel(src)
        plan = pbx.plan_leg(src, dst)
        leg = _leg(plan, t0, 30)
        pbx.webhooks.in_use(src, cuid, dst, "out", dialer=True)
        if plan.outcome is not Outcome.FAIL:
            pbx.webhooks.outgoing_call(dst, trunk, cuid)
        rng = self.rng

        def hang_up() -> None:
            dialled = leg.disposition != "FAILED"
            route: list[RouteStep] = [("OutgoingRoute", "Outgoing Route", 0.011272, t0 + 0.011272)]
            if dialled:
                route.append(("Switcher", "Switcher", 0.005508, t0 + 0.01678))
                route.append(("Trunk", trunk, round(leg.end - t0 - 0.01678, 6), leg.end))
            dstchannel, lastdata = pbx.cdr_builder.dial(dst, extension=False, trunk=trunk, timeout=30)
            record = pbx.cdr_builder.build(
                type="outgoing",
                cuid=cuid,
                clid_number=src,
                src=src,
                dst=dst,
                dcontext="main_routing",
                channel=channel,
                dstchannel=dstchannel if dialled else "",
                lastdata=lastdata if dialled else "",
                start=t0,
                starttime=t0,
                answer=leg.answered,
                end=leg.end,
                disposition=leg.disposition,
                sequence=seq,
                route=route,
                outgoing_point=trunk if dialled else None,
                hangup=draw_hangup(rng, leg.disposition),
                record=self._recording(t0, cuid, leg, src),
            )
            self._store(record, src)

        self._at(leg.end, hang_up)
        return True

    # --------------------------------------------------------------- helpers
    def _phone_events(
        self, exten: str, cuid: str, other: str, at: float, leg: _Leg, queue: str | None = None
    ) -> None:
        """The dialled extension rings at ``at`` and, if it answers, goes InUse."""
        hooks = self.pbx.webhooks
        if leg.rings:
            self._at(at, lambda: hooks.ringing(exten, cuid, other, "in", queue))
        answered = leg.answered
        if answered is not None:
            self._at(answered, lambda: hooks.in_use(exten, cuid, other, "in", dialer=False, queue=queue))

    def _recording(self, start: float, cuid: str, leg: _Leg, *extensions: str) -> str | None:
        if leg.disposition != "ANSWERED" or not self.pbx.cdr_builder.records(*extensions):
            return None
        return self.pbx.recording_name(start, cuid)
