"""The outgoing component-call queue: answered calls asking a dialplan API component's web service.

When a call reaches an API component (§5.8, §7.4), the event handler only *queues* the
question: it must not be asked under ``pbx.lock`` (it would stall every request for up to
its timeout). ``run()`` (the ticker's job, or a test's) makes the queued calls outside the
lock, in parallel, and applies each answer under it at the virtual time the answer arrived:
the second party is dialled, or the first party is hung up on. ``components`` does the HTTP.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import httpx

from simotui.sim.autodialer import Answered
from simotui.sim.cdrs import CdrBuilder, call_type, draw_hangup
from simotui.sim.components import (
    APP_NAMES,
    ROUTE_STEPS,
    ComponentCall,
    ComponentReply,
    perform,
    redact,
    target_url,
)
from simotui.sim.models import ApiComponent, CdrRecord, RouteStep
from simotui.sim.originate import is_pstn
from simotui.sim.outcomes import DEFAULT_TIMEOUT, LegPlan, Outcome, leg_rng

if TYPE_CHECKING:
    from simotui.sim.state import SimulatedPbx

#: How long an answered campaign call stays up after its API component failed to route it.
COMPONENT_HANGUP_DELAY = 1.0
#: At most this many component calls run at once (Simotel asks for each call independently).
COMPONENT_WORKERS = 8


@dataclass
class Bridge:
    """One component call in flight, with what is needed to finish the campaign attempt."""

    answered: Answered
    call: ComponentCall
    component: ApiComponent
    """A copy taken when the call was queued, so later edits do not affect it."""
    sequence: int


class ComponentCalls:
    """The queue of one PBX's component calls; ``calls`` records every one, in order."""

    def __init__(self, pbx: SimulatedPbx, cdrs: CdrBuilder) -> None:
        """Queue for ``pbx``; second legs are written with ``cdrs``."""
        self.pbx = pbx
        self.cdrs = cdrs
        self.calls: list[ComponentCall] = []
        self.ready = threading.Event()
        """Set when a component call is queued (wakes the server's ticker)."""
        self._queue: deque[Bridge] = deque()
        self._in_flight = 0

    def reach(self, answered: Answered) -> None:
        """The first party answered: queue the component's question (never asked under the lock)."""
        pbx = self.pbx
        component = replace(answered.component)
        unique_id, sequence = pbx.call_ids.cuid(pbx.now)
        fields = {
            "src": answered.number,
            "dst": answered.interface_text or answered.route.context,
            "data": "",
            "unique_id": unique_id,
            "app_name": APP_NAMES[component.kind],
        }
        call = ComponentCall(
            component=component.name,
            kind=component.kind,
            method=component.method,
            url=redact(target_url(component)) if component.url else "",
            request=fields,
            campaign_id=answered.campaign_id,
            number=answered.number,
            queued_at=pbx.now,
        )
        self.calls.append(call)
        bridge = Bridge(answered, call, component, sequence)
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
        """Record the answer, then dial the second party or hang up (at ``pbx.now``)."""
        t = self.pbx.now
        call = bridge.call
        call.state = "done"
        call.outcome = reply.outcome
        call.status_code = reply.status_code
        call.response = reply.response
        call.error = reply.error
        call.real_seconds = reply.real_seconds
        call.answered_at = t
        if reply.outcome != "bridged" or reply.extension is None:
            # Simotel has nowhere to send the call: it hangs up on the first party, who did
            # answer (ANSWERED, short billsec), and no CDR of a second leg is written.
            self.pbx.autodialer.end_answered(bridge.answered, t + COMPONENT_HANGUP_DELAY)
            return
        call.extension = reply.extension
        call.trunk = reply.trunk
        call.call_limit = reply.call_limit
        self._dial_second_leg(bridge, reply.extension, reply.trunk, reply.call_limit)

    def _dial_second_leg(
        self, bridge: Bridge, extension: str, trunk_name: str | None, limit: int | None
    ) -> None:
        """Dial the party the component named and schedule the end of the whole call."""
        pbx = self.pbx
        t = pbx.now
        answered = bridge.answered
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
        plan = pbx.plan_leg(answered.number, extension, timeout=DEFAULT_TIMEOUT, call_limit=limit)
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

        def finished() -> None:
            record = self.cdrs.store(
                self._second_leg_cdr(bridge, extension, via_trunk, disposition, callee_answered, end)
            )
            bridge.call.cdr_id = record.oid

        pbx.schedule(end, finished)
        pbx.autodialer.end_answered(answered, end)

    def _second_leg_cdr(
        self,
        bridge: Bridge,
        extension: str,
        via_trunk: str | None,
        disposition: str,
        callee_answered: float | None,
        end: float,
    ) -> CdrRecord:
        """The CDR of the second leg: ``cuid`` is the ``unique_id`` the component was sent."""
        pbx = self.pbx
        answered = bridge.answered
        component = bridge.component
        call = bridge.call
        unique_id = call.unique_id
        dialled = disposition != "FAILED"
        rng = leg_rng(pbx.seed, unique_id, "route")
        t = answered.answered_at + round(rng.uniform(0.01, 0.05), 6)
        route: list[RouteStep] = [
            ("AutodialerRoute", answered.route.name, round(t - answered.answered_at, 6), t)
        ]
        reached = call.answered_at if call.answered_at is not None else t
        route.append((ROUTE_STEPS[component.kind], component.name, round(max(0.0, reached - t), 6), reached))
        callee_is_ext = extension in pbx.users and via_trunk is None
        if dialled and callee_is_ext:
            route.append(("Extension", "Extension", round(end - reached, 6), end))
        elif dialled and via_trunk is not None:
            route.append(("Trunk", via_trunk, round(end - reached, 6), end))
        if dialled:
            dstchannel, lastdata = self.cdrs.dial(
                extension, extension=callee_is_ext, trunk=via_trunk, timeout=DEFAULT_TIMEOUT
            )
        else:
            dstchannel, lastdata = "", ""
        caller_is_ext = answered.number in pbx.users
        record_file: str | None = None
        if disposition == "ANSWERED":
            ctx = pbx.contexts.get(component.context)
            pstn = component.kind == "exten" and via_trunk is not None and ctx is not None and ctx.record_pstn
            if self.cdrs.records(answered.number, extension, pstn=pstn):
                record_file = self.cdrs.recording_name(answered.dialled_at, unique_id)
        outgoing_point: str | None = None
        if via_trunk is not None and dialled:
            outgoing_point = via_trunk
        elif not caller_is_ext:
            outgoing_point = answered.first_trunk  # the first party was reached through it
        return self.cdrs.build(
            type=call_type(caller_is_ext, callee_is_ext),
            cuid=unique_id,
            clid_number=answered.number,
            src=answered.number,
            dst=extension,
            dcontext=answered.route.context,
            channel=answered.channel,
            dstchannel=dstchannel,
            lastdata=lastdata,
            start=answered.dialled_at,
            starttime=answered.answered_at,
            answer=callee_answered,
            end=end,
            disposition=disposition,
            sequence=bridge.sequence,
            route=route,
            outgoing_point=outgoing_point,
            hangup=draw_hangup(rng, disposition),
            record=record_file,
        )
