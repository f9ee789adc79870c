"""The outgoing component-call queue: answered calls asking a dialplan API component's web service.

Calls reach a component two ways: an answered campaign number through an Autodialer Route
row (§5.8), or an originate whose ``context`` leads into one (its second leg: ``dst`` is the
callee). The event handler only *queues* the question: it must not be asked under
``pbx.lock`` (it would stall every request for up to its timeout). ``run()`` (the ticker's
job, or a test's) makes the queued calls outside the lock, in parallel, and applies each
answer under it at the virtual time the answer arrived: the party the answer names is dialled
(after the Smart API commands' playing time), or the first party is hung up on.
``components`` does the HTTP, ``smart`` runs Smart API commands.

What is written: for a campaign, the second leg's CDR (``cuid`` = the ``unique_id`` sent)
while the first leg stays the autodialer's report row; for an originate, the call's one CDR
(its own ``cuid``, ``originated_call_id`` and comment), FAILED when the component routed
nowhere. Routes read ``AutodialerRoute``/``OutgoingRoute`` → the component's type →
``Extension``/``Trunk``.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import httpx

from simotui.sim import smart
from simotui.sim.autodialer import Answered
from simotui.sim.cdrs import CdrBuilder, call_type, draw_hangup
from simotui.sim.components import (
    ROUTE_STEPS,
    ComponentCall,
    ComponentReply,
    perform,
    redact,
    target_url,
)
from simotui.sim.models import ApiComponent, CdrRecord, RouteStep
from simotui.sim.originate import OriginatedCall, is_pstn
from simotui.sim.outcomes import DEFAULT_TIMEOUT, LegPlan, Outcome, leg_rng

if TYPE_CHECKING:
    from simotui.sim.state import SimulatedPbx

#: How long an answered campaign call stays up after its API component failed to route it.
COMPONENT_HANGUP_DELAY = 1.0
#: At most this many component calls run at once (Simotel asks for each call independently).
COMPONENT_WORKERS = 8


@dataclass(frozen=True)
class Entry:
    """A call arriving at an API component: who answered, how it got there, whose call it is."""

    src: str
    """The party that answered (the campaign number, or the originate's first party)."""
    dst: str
    """The number entered into the component (``interface_text``, or the originate's callee)."""
    channel: str
    start: float
    """When the first party was dialled."""
    answered_at: float
    dcontext: str
    lead: tuple[str, str]
    """The ``route[]`` step that led into the component (type, name)."""
    first_trunk: str | None
    component: ApiComponent
    answered: Answered | None = None
    """Set for a campaign call."""
    originated: OriginatedCall | None = None
    """Set for an originate."""


@dataclass
class Bridge:
    """One component call in flight, with what is needed to finish the call."""

    entry: Entry
    call: ComponentCall
    component: ApiComponent
    """A copy taken when the call was queued, so later edits do not affect it."""
    sequence: int

    @property
    def answered(self) -> Answered | None:
        """The campaign attempt, for a campaign call."""
        return self.entry.answered


class ComponentCalls:
    """The queue of one PBX's component calls; ``calls`` records every one, in order."""

    def __init__(self, pbx: SimulatedPbx, cdrs: CdrBuilder) -> None:
        """Queue for ``pbx``; second legs are written with ``cdrs``."""
        self.pbx = pbx
        self.cdrs = cdrs
        self.calls: list[ComponentCall] = []
        self.ready = pbx.wakeup
        """Set when a component call is queued (the PBX's ``wakeup``: it wakes the server's ticker)."""
        self._queue: deque[Bridge] = deque()
        self._in_flight = 0

    def reach(self, answered: Answered) -> None:
        """A campaign number answered into its Autodialer Route: queue the component's question."""
        entry = Entry(
            src=answered.number,
            dst=answered.interface_text or answered.route.context,
            channel=answered.channel,
            start=answered.dialled_at,
            answered_at=answered.answered_at,
            dcontext=answered.route.context,
            lead=("AutodialerRoute", answered.route.name),
            first_trunk=answered.first_trunk,
            component=answered.component,
            answered=answered,
        )
        unique_id, sequence = self.pbx.call_ids.cuid(self.pbx.now)
        self._queue_question(entry, unique_id, sequence)

    def reach_from_originate(self, call: OriginatedCall, route_name: str, component: ApiComponent) -> None:
        """An originate's first party answered and its context leads into ``component``."""
        entry = Entry(
            src=call.caller,
            dst=call.callee,
            channel=call.channel,
            start=call.created,
            answered_at=self.pbx.now,
            dcontext=call.context,
            lead=("OutgoingRoute", route_name),
            first_trunk=None,
            component=component,
            originated=call,
        )
        self._queue_question(entry, call.cuid, call.sequence)

    def _queue_question(self, entry: Entry, unique_id: str, sequence: int) -> None:
        """Record the request and queue it (never asked under the lock)."""
        pbx = self.pbx
        component = replace(entry.component, cases=dict(entry.component.cases))
        fields = {
            "src": entry.src,
            "dst": entry.dst,
            "data": "",
            "unique_id": unique_id,
            "app_name": component.app_name,
        }
        originated_id = entry.originated.id if entry.originated is not None else None
        if component.kind == "smart" and originated_id is not None:
            fields["originated_call_id"] = originated_id  # only Smart API sends it (§7.4)
        call = ComponentCall(
            component=component.name,
            kind=component.kind,
            method=component.method,
            url=redact(target_url(component)) if component.url else "",
            request=fields,
            campaign_id=entry.answered.campaign_id if entry.answered is not None else "",
            number=entry.src,
            queued_at=pbx.now,
            originated_call_id=originated_id,
        )
        self.calls.append(call)
        bridge = Bridge(entry, call, component, sequence)
        if not component.url:
            self._apply(bridge, ComponentReply("unconfigured", error="no URL configured"))
            return
        self._queue.append(bridge)
        self.ready.set()

    def pending(self) -> int:
        """Component calls queued or in flight (answers not applied yet)."""
        with self.pbx.lock:
            return len(self._queue) + self._in_flight

    def run(self, client: httpx.Client | None = None) -> int:
        """Make every queued component call, outside the lock; returns how many were made.

        Each answer is applied under the lock at the virtual time it arrived. ``client``
        is reused when given (the ticker keeps one); otherwise one is opened for the batch.
        """
        with self.pbx.lock:
            batch = list(self._queue)
            self._queue.clear()
            self._in_flight += len(batch)
            for bridge in batch:
                bridge.call.state = "calling"
        if not batch:
            return 0
        http = client if client is not None else httpx.Client()
        try:
            if len(batch) == 1:
                self._finish(batch[0], perform(http, batch[0].component, batch[0].call.request))
            else:
                workers = min(COMPONENT_WORKERS, len(batch))
                with ThreadPoolExecutor(workers, thread_name_prefix="simotel-component") as pool:
                    futures = {pool.submit(perform, http, b.component, b.call.request): b for b in batch}
                    for future in as_completed(futures):
                        self._finish(futures[future], future.result())
        finally:
            if client is None:
                http.close()
        return len(batch)

    def _finish(self, bridge: Bridge, reply: ComponentReply) -> None:
        with self.pbx.lock:
            self._in_flight -= 1
            self.pbx.sync()
            self._apply(bridge, reply)

    def _apply(self, bridge: Bridge, reply: ComponentReply) -> None:
        """Record the answer, then dial the party it names or hang up (at ``pbx.now``)."""
        t = self.pbx.now
        call = bridge.call
        call.state = "done"
        call.outcome = reply.outcome
        call.status_code = reply.status_code
        call.response = reply.response
        call.error = reply.error
        call.real_seconds = reply.real_seconds
        call.answered_at = t
        call.case, call.commands = reply.case, reply.commands
        extension, trunk, limit, delay = reply.extension, reply.trunk, reply.call_limit, 0
        component = bridge.component
        if reply.outcome == "bridged" and component.kind == "ivr":
            extension = component.cases.get(reply.case or "")
            if extension is None:
                call.outcome, call.error = "invalid", f"case {reply.case!r} is no output of {component.name}"
        elif reply.outcome == "bridged" and component.kind == "smart":
            ran = smart.run(reply.commands or "", component.cases, self._announcement_seconds())
            extension, limit, delay = ran.extension, ran.call_limit, ran.seconds
            call.case, call.delay, call.error = ran.exit_case, ran.seconds, ran.error
            if extension is None:
                call.outcome = "played"
        if call.outcome not in ("bridged",) or extension is None:
            # Nowhere to send the call: Simotel hangs up on the first party, who did answer.
            self._hang_up(bridge, t + delay + COMPONENT_HANGUP_DELAY, played=call.outcome == "played")
            return
        call.extension = extension
        call.trunk = trunk
        call.call_limit = limit
        self._dial_second_leg(bridge, extension, trunk, limit, t + delay)

    def _announcement_seconds(self) -> dict[str, int]:
        """Lengths of the announcements a Smart API ``PlayAnnouncement`` can name (by name and id)."""
        seconds: dict[str, int] = {}
        for ann in self.pbx.announcements.values():
            seconds[ann.name] = seconds[ann.oid] = ann.seconds
        return seconds

    def _hang_up(self, bridge: Bridge, end: float, *, played: bool) -> None:
        """End a call the component sent nowhere: the campaign attempt, or the originate's CDR."""
        if bridge.answered is not None:
            self.pbx.autodialer.end_answered(bridge.answered, end)
            return
        disposition = "ANSWERED" if played else "FAILED"
        answer = bridge.call.answered_at if played else None

        def finished() -> None:
            record = self.cdrs.store(self._cdr(bridge, bridge.entry.dst, None, disposition, answer, end))
            self._settle_originate(bridge, disposition, record, answer)
            self.pbx.webhooks.idle(bridge.entry.src, bridge.call.unique_id)
            self.pbx.webhooks.cdr(record)

        self.pbx.schedule(end, finished)

    def _settle_originate(
        self, bridge: Bridge, disposition: str, record: CdrRecord, answered: float | None
    ) -> None:
        call = bridge.entry.originated
        if call is None:
            return
        call.state, call.ended_at, call.result, call.cdr_id = "ended", record.endtime, disposition, record.oid
        call.callee_answered_at = answered
        call.dstchannel = record.dstchannel

    def _dial_second_leg(
        self, bridge: Bridge, extension: str, trunk_name: str | None, limit: int | None, t: float
    ) -> None:
        """Dial, at ``t``, the party the component named and schedule the end of the whole call."""
        pbx = self.pbx
        entry = bridge.entry
        component = bridge.component
        via_trunk: str | None = None
        reachable = True
        if component.kind == "trunk":
            trunk = pbx.find_trunk(trunk_name or "")
            reachable = trunk is not None and trunk.active == "yes"
            via_trunk = trunk.name if trunk is not None else trunk_name
        elif extension not in pbx.users and is_pstn(extension):
            ctx = pbx.contexts.get(component.context)
            via_trunk = ctx.trunk if ctx is not None and ctx.outgoing_route is not None else None
            reachable = via_trunk is not None
        plan = pbx.plan_leg(entry.src, extension, timeout=DEFAULT_TIMEOUT, call_limit=limit)
        if not reachable:
            plan = LegPlan(Outcome.FAIL, 0, 0)
        callee_answered: float | None = None
        if plan.outcome is Outcome.ANSWER:
            callee_answered = t + plan.ring
            end, disposition = callee_answered + plan.talk, "ANSWERED"
        elif plan.outcome is Outcome.NO_ANSWER:
            end, disposition = t + plan.ring, "NO ANSWER"
        elif plan.outcome is Outcome.BUSY:
            end, disposition = t + plan.ring, "BUSY"
        else:
            end, disposition = t + 1, "FAILED"
        bridge.call.second_disposition = disposition
        unique_id = bridge.call.unique_id
        hooks = pbx.webhooks
        rings = reachable and plan.outcome in (Outcome.ANSWER, Outcome.NO_ANSWER)
        callee_is_ext = extension in pbx.users and via_trunk is None

        def dialled() -> None:
            if callee_is_ext and rings:
                hooks.ringing(extension, unique_id, participant=entry.src, direction="in")
            elif via_trunk is not None and reachable and plan.outcome is not Outcome.FAIL:
                originated = entry.originated.id if entry.originated is not None else None
                hooks.outgoing_call(extension, via_trunk, unique_id, originated)

        def answered(at: float) -> None:
            if entry.originated is not None:
                _talking(entry.originated, at)
            if callee_is_ext:
                hooks.in_use(extension, unique_id, participant=entry.src, direction="in", dialer=False)

        def finished() -> None:
            record = self.cdrs.store(
                self._cdr(bridge, extension, via_trunk, disposition, callee_answered, end)
            )
            bridge.call.cdr_id = record.oid
            self._settle_originate(bridge, disposition, record, callee_answered)
            if entry.originated is not None:
                hooks.idle(entry.src, unique_id)
            if callee_is_ext and rings:
                hooks.idle(extension, unique_id)
            hooks.cdr(record)

        pbx.schedule(max(t, pbx.now), dialled)
        if callee_answered is not None:
            at = callee_answered
            pbx.schedule(at, lambda: answered(at))
        pbx.schedule(end, finished)
        if bridge.answered is not None:
            pbx.autodialer.end_answered(bridge.answered, end)

    def _cdr(
        self,
        bridge: Bridge,
        extension: str,
        via_trunk: str | None,
        disposition: str,
        callee_answered: float | None,
        end: float,
    ) -> CdrRecord:
        """The CDR of the leg after the component: ``cuid`` is the ``unique_id`` it was sent."""
        pbx = self.pbx
        entry = bridge.entry
        component = bridge.component
        call = bridge.call
        unique_id = call.unique_id
        dialled = disposition != "FAILED" and call.outcome == "bridged"
        rng = leg_rng(pbx.seed, unique_id, "route")
        t = entry.answered_at + round(rng.uniform(0.01, 0.05), 6)
        route: list[RouteStep] = [(entry.lead[0], entry.lead[1], round(t - entry.answered_at, 6), t)]
        reached = call.answered_at if call.answered_at is not None else t
        left = reached + call.delay
        route.append((ROUTE_STEPS[component.kind], component.name, round(max(0.0, left - t), 6), left))
        callee_is_ext = extension in pbx.users and via_trunk is None
        if dialled and callee_is_ext:
            route.append(("Extension", "Extension", round(end - left, 6), end))
        elif dialled and via_trunk is not None:
            route.append(("Trunk", via_trunk, round(end - left, 6), end))
        if dialled:
            dstchannel, lastdata = self.cdrs.dial(
                extension, extension=callee_is_ext, trunk=via_trunk, timeout=DEFAULT_TIMEOUT
            )
        else:
            dstchannel, lastdata = "", ""
        caller_is_ext = entry.src in pbx.users
        record_file: str | None = None
        if disposition == "ANSWERED" and dialled:
            ctx = pbx.contexts.get(component.context)
            pstn = component.kind != "trunk" and via_trunk is not None and ctx is not None and ctx.record_pstn
            if self.cdrs.records(entry.src, extension, pstn=pstn):
                record_file = self.cdrs.recording_name(entry.start, unique_id)
        outgoing_point: str | None = None
        if via_trunk is not None and dialled:
            outgoing_point = via_trunk
        elif not caller_is_ext:
            outgoing_point = entry.first_trunk  # the first party was reached through it
        originated = entry.originated
        return self.cdrs.build(
            type=call_type(caller_is_ext, callee_is_ext),
            cuid=unique_id,
            clid_number=originated.caller_id if originated is not None else entry.src,
            src=entry.src,
            dst=extension,
            dcontext=entry.dcontext,
            channel=entry.channel,
            dstchannel=dstchannel,
            lastdata=lastdata,
            start=entry.start,
            starttime=entry.answered_at,
            answer=callee_answered,
            end=end,
            disposition=disposition,
            sequence=bridge.sequence,
            route=route,
            comment=f"originated call: {originated.id}" if originated is not None else "",
            originated_call_id=originated.id if originated is not None else None,
            outgoing_point=outgoing_point,
            hangup=draw_hangup(rng, disposition),
            record=record_file,
        )


def _talking(call: OriginatedCall, at: float) -> None:
    call.state, call.callee_answered_at = "talking", at
