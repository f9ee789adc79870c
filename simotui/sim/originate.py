"""The originate engine: the two legs of ``call/originate/act`` on the event heap (§3).

The first party is rung; once it answers the second party is dialled through ``context``;
the call ends as the outcome rules (``outcomes``) and the dialplan decide. A first party that
never answers leaves no CDR (§3.3); one that cannot be dialled at all leaves the documented
``OutgoingSpoolFailed`` row a second later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from simotui.sim.cdrs import CdrBuilder, call_type, draw_hangup
from simotui.sim.models import CdrRecord, RouteStep
from simotui.sim.outcomes import DEFAULT_TIMEOUT, LegPlan, Outcome, leg_rng

if TYPE_CHECKING:
    from simotui.sim.state import SimulatedPbx

#: How long a failed originate spool takes to be written as an ``OutgoingSpoolFailed`` row.
SPOOL_FAIL_DELAY = 1.0


def is_pstn(number: str) -> bool:
    """A number that can only be reached through a trunk (digits, longer than an extension)."""
    return number.isdigit() and len(number) > 5


@dataclass
class OriginatedCall:
    """The live state of one ``call/originate/act`` request (kept after it ends, for tests)."""

    id: str
    caller: str
    callee: str
    context: str
    caller_id: str
    trunk_name: str
    timeout: int
    call_limit: int | None
    created: float
    cuid: str
    sequence: int
    state: str = "dialing-caller"
    """``dialing-caller`` → ``dialing-callee`` → ``talking`` → ``ended``."""
    result: str | None = None
    """Final disposition written to the CDR, or ``no-cdr:<why>`` when nothing was stored."""
    caller_answered_at: float | None = None
    callee_answered_at: float | None = None
    ended_at: float | None = None
    channel: str = ""
    dstchannel: str = ""
    cdr_id: str | None = None


class OriginateEngine:
    """Runs originated calls for one PBX; ``calls`` is every call by its originate id."""

    def __init__(self, pbx: SimulatedPbx, cdrs: CdrBuilder) -> None:
        """Dial on ``pbx``'s heap, write rows with ``cdrs``."""
        self.pbx = pbx
        self.cdrs = cdrs
        self.calls: dict[str, OriginatedCall] = {}

    def originate(
        self,
        caller: str,
        callee: str,
        context: str,
        caller_id: str,
        trunk_name: str = "",
        timeout: int = DEFAULT_TIMEOUT,
        call_limit: int | None = None,
    ) -> str:
        """Queue a two-leg call and return its ``orig.call.<epoch>.<6 digits>`` id at once."""
        pbx = self.pbx
        with pbx.lock:
            t0 = pbx.sync()
            call_id = pbx.originate_ids.new(t0, pbx.rng)
            cuid, seq = pbx.call_ids.cuid(t0)
            call = OriginatedCall(
                id=call_id,
                caller=caller,
                callee=callee,
                context=context,
                caller_id=caller_id,
                trunk_name=trunk_name,
                timeout=max(1, timeout),
                call_limit=call_limit,
                created=t0,
                cuid=cuid,
                sequence=seq,
            )
            self.calls[call_id] = call
            first = self._plan_first_leg(call)
            self._first_leg_events(call, first)
            if first.outcome is Outcome.FAIL:
                pbx.schedule(t0 + SPOOL_FAIL_DELAY, lambda: self._spool_failed(call))
            elif first.outcome is Outcome.BUSY:
                pbx.schedule(t0 + first.ring, lambda: self._end_without_cdr(call, "busy"))
            elif first.outcome is Outcome.NO_ANSWER:
                pbx.schedule(t0 + call.timeout, lambda: self._end_without_cdr(call, "no-answer"))
            else:
                pbx.schedule(t0 + first.ring, lambda: self._caller_answered(call))
            return call_id

    def _plan_first_leg(self, call: OriginatedCall) -> LegPlan:
        pbx = self.pbx
        if call.caller not in pbx.users and is_pstn(call.caller):
            # A PSTN first party needs the trunk it is reached through (§3.1).
            trunk = pbx.find_trunk(call.trunk_name) if call.trunk_name else None
            if trunk is None or trunk.active != "yes":
                return LegPlan(Outcome.FAIL, 0, 0)
        elif call.caller in pbx.users and pbx.users[call.caller].active != "yes":
            return LegPlan(Outcome.FAIL, 0, 0)
        return pbx.plan_leg(call.callee, call.caller, timeout=call.timeout)

    def _first_leg_events(self, call: OriginatedCall, first: LegPlan) -> None:
        """The caller's phone rings, or the first leg leaves through its trunk (§7)."""
        hooks = self.pbx.webhooks
        if first.outcome is Outcome.FAIL:
            return  # never dialled: nothing happens that anyone could see
        if call.caller in self.pbx.users:
            if first.outcome is not Outcome.BUSY:  # a busy phone is in another call already
                hooks.ringing(call.caller, call.cuid, participant=call.callee, direction="in")
            return
        trunk = self.pbx.find_trunk(call.trunk_name)
        if trunk is not None:
            hooks.outgoing_call(call.caller, trunk.name, call.cuid, call.id)

    def _caller_channel(self, call: OriginatedCall) -> str:
        pbx = self.pbx
        if call.caller in pbx.users:
            return pbx.call_ids.channel(call.caller)
        trunk = pbx.find_trunk(call.trunk_name)
        return pbx.call_ids.channel(trunk.name if trunk else call.trunk_name)

    def _end_without_cdr(self, call: OriginatedCall, why: str) -> None:
        # The first party never answered: Simotel stores and sends no CDR (§3.3).
        call.state = "ended"
        call.ended_at = self.pbx.now
        call.result = f"no-cdr:{why}"
        if why == "no-answer":
            self.pbx.webhooks.idle(call.caller, call.cuid)

    def _spool_failed(self, call: OriginatedCall) -> None:
        t = self.pbx.now
        rng = leg_rng(self.pbx.seed, call.id, "spool")
        d = round(rng.uniform(0.04, 0.055), 6)
        record = self.cdrs.build(
            type="local",
            cuid=call.cuid,
            clid_number=call.caller_id,
            src=call.caller,
            dst=call.callee,
            dcontext=call.context,
            channel="OutgoingSpoolFailed",
            dstchannel="",
            lastdata="",
            start=call.created,
            starttime=call.created,
            answer=None,
            end=t,
            disposition="FAILED",
            sequence=call.sequence,
            route=[("OutgoingRoute", "Outgoing Route", d, call.created + d)],
            comment=f"originated call: {call.id}",
            originated_call_id=call.id,
        )
        self.cdrs.store(record)
        call.state = "ended"
        call.ended_at = t
        call.result = "FAILED"
        call.cdr_id = record.oid

    def _second_leg_plan(self, call: OriginatedCall) -> LegPlan:
        pbx = self.pbx
        ctx = pbx.contexts.get(call.context)
        if ctx is None or ctx.outgoing_route is None:
            return LegPlan(Outcome.FAIL, 0, 0)
        if call.callee not in pbx.users and is_pstn(call.callee) and ctx.trunk is None:
            return LegPlan(Outcome.FAIL, 0, 0)
        return pbx.plan_leg(call.caller, call.callee, timeout=call.timeout, call_limit=call.call_limit)

    def _caller_answered(self, call: OriginatedCall) -> None:
        pbx = self.pbx
        t = pbx.now
        call.caller_answered_at = t
        call.state = "dialing-callee"
        call.channel = self._caller_channel(call)
        # The first party now dials the second: it is the one dialling out.
        pbx.webhooks.in_use(call.caller, call.cuid, participant=call.callee, direction="out", dialer=True)
        ctx = pbx.contexts.get(call.context)
        component = pbx.api_components.get(ctx.component) if ctx is not None and ctx.component else None
        if ctx is not None and component is not None:
            # The context's Outgoing Route leads into an API component: it decides the second leg.
            pbx.component_engine.reach_from_originate(call, ctx.outgoing_route or "Outgoing Route", component)
            return
        second = self._second_leg_plan(call)
        self._second_leg_events(call, second)
        if second.outcome is Outcome.ANSWER:
            pbx.schedule(t + second.ring, lambda: self._callee_answered(call, second))
        elif second.outcome is Outcome.NO_ANSWER:
            pbx.schedule(t + call.timeout, lambda: self._finish(call, "NO ANSWER"))
        elif second.outcome is Outcome.BUSY:
            pbx.schedule(t + second.ring, lambda: self._finish(call, "BUSY"))
        else:
            pbx.schedule(t + 1, lambda: self._finish(call, "FAILED"))

    def _second_leg_events(self, call: OriginatedCall, second: LegPlan) -> None:
        """The callee's phone rings, or the second leg leaves through the context's trunk."""
        pbx = self.pbx
        if second.outcome is Outcome.FAIL:
            return
        if call.callee in pbx.users:
            if second.outcome is not Outcome.BUSY:
                pbx.webhooks.ringing(call.callee, call.cuid, participant=call.caller, direction="in")
            return
        ctx = pbx.contexts.get(call.context)
        if ctx is not None and ctx.trunk is not None:
            pbx.webhooks.outgoing_call(call.callee, ctx.trunk, call.cuid, call.id)

    def _callee_answered(self, call: OriginatedCall, plan: LegPlan) -> None:
        pbx = self.pbx
        call.callee_answered_at = pbx.now
        call.state = "talking"
        pbx.webhooks.in_use(call.callee, call.cuid, participant=call.caller, direction="in", dialer=False)
        pbx.schedule(pbx.now + plan.talk, lambda: self._finish(call, "ANSWERED"))

    def _finish(self, call: OriginatedCall, disposition: str) -> None:
        end = self.pbx.now
        call.state = "ended"
        call.ended_at = end
        call.result = disposition
        record = self.cdrs.store(self._cdr(call, disposition, end))
        call.cdr_id = record.oid
        hooks = self.pbx.webhooks
        hooks.idle(call.caller, call.cuid)
        if disposition in ("ANSWERED", "NO ANSWER"):  # the callee's phone rang
            hooks.idle(call.callee, call.cuid)
        hooks.cdr(record)

    def _cdr(self, call: OriginatedCall, disposition: str, end: float) -> CdrRecord:
        """The row of a call whose first party answered (any disposition of the second leg)."""
        pbx = self.pbx
        ctx = pbx.contexts.get(call.context)
        routed = ctx is not None and ctx.outgoing_route is not None
        callee_is_ext = call.callee in pbx.users
        caller_is_ext = call.caller in pbx.users
        pstn_trunk = ctx.trunk if ctx is not None and not callee_is_ext else None
        dialled = disposition != "FAILED"
        started = call.caller_answered_at if call.caller_answered_at is not None else call.created
        rng = leg_rng(pbx.seed, call.id, "route")

        record_file: str | None = None
        if disposition == "ANSWERED":
            pstn = pstn_trunk is not None and ctx is not None and ctx.record_pstn
            if self.cdrs.records(call.callee, call.caller, pstn=pstn):
                record_file = self.cdrs.recording_name(call.created, call.cuid)

        route: list[RouteStep] | None = None
        if routed and ctx is not None and ctx.outgoing_route is not None:
            t = started
            d = round(rng.uniform(0.01, 0.05), 6)
            t += d
            route = [("OutgoingRoute", ctx.outgoing_route, d, t)]
            if dialled and callee_is_ext:
                route.append(("Extension", "Extension", round(end - t, 6), end))
            elif dialled and pstn_trunk is not None:
                d = round(rng.uniform(0.004, 0.008), 6)
                t += d
                route.append(("Switcher", "Switcher", d, t))
                if record_file is not None:
                    for kind, name in (("Answer", "Answer"), ("MixMonitor", "Mix Monitor")):
                        d = round(rng.uniform(0.004, 0.008), 6)
                        t += d
                        route.append((kind, name, d, t))
                route.append(("Trunk", pstn_trunk, round(end - t, 6), end))

        if dialled:
            dstchannel, lastdata = self.cdrs.dial(
                call.callee, extension=callee_is_ext, trunk=pstn_trunk, timeout=call.timeout
            )
        else:
            dstchannel, lastdata = "", ""
        call.dstchannel = dstchannel

        outgoing_point: str | None = None
        if pstn_trunk is not None and dialled:
            outgoing_point = pstn_trunk
        elif not caller_is_ext and call.trunk_name:
            trunk = pbx.find_trunk(call.trunk_name)
            outgoing_point = trunk.name if trunk is not None else call.trunk_name

        return self.cdrs.build(
            type=call_type(caller_is_ext, callee_is_ext),
            cuid=call.cuid,
            clid_number=call.caller_id,
            src=call.caller,
            dst=call.callee,
            dcontext=call.context,
            channel=call.channel,
            dstchannel=dstchannel,
            lastdata=lastdata,
            start=call.created,
            starttime=started,
            answer=call.callee_answered_at if disposition == "ANSWERED" else None,
            end=end,
            disposition=disposition,
            sequence=call.sequence,
            route=route,
            comment=f"originated call: {call.id}",
            originated_call_id=call.id,
            outgoing_point=outgoing_point,
            hangup=draw_hangup(rng, disposition),
            record=record_file,
        )
