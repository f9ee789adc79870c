"""The whole PBX as its pushed events tell it: every call in progress and every extension's state.

Not only the calls this console placed: IncomingCall, OutgoingCall, NewState and Cdr of every
call the PBX pushes. Pure (no IO, no Textual): :meth:`PbxView.apply` takes a batch of events
and the time they arrived, and returns whether anything changed; the screen renders
:meth:`PbxView.call_rows` and :meth:`PbxView.exten_rows` through a :class:`~simotui.board.CallBoard`.

What the reference leaves open, decided here:

- A call is keyed by its ``unique_id``; an event without one names no call.
- A call ends (leaves the view) at its Cdr or CdrQueue, or once every extension seen in it is
  Idle again (a first party that never answered sends no Cdr, §3.3). A call no event has
  mentioned for ``STALE_AFTER`` is dropped (its Cdr was lost): the view is a live picture, not a
  record — the reports are that.
- At most ``CALL_LIMIT`` calls are kept (the oldest go first): a flood costs bounded memory.
- An extension learnt from ExtenAdded is Unavailable until a NewState says otherwise;
  ExtenRemoved takes it off the board.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from simotui.events import models as ev

STALE_AFTER = timedelta(hours=2)
CALL_LIMIT = 5_000


@dataclass(frozen=True, slots=True)
class ActiveCall:
    """One call in progress on the PBX."""

    unique_id: str
    started_at: datetime
    updated_at: datetime
    kind: str = "local"
    """``incoming`` (IncomingCall), ``outgoing`` (OutgoingCall) or ``local`` (extensions only)."""
    src: str = ""
    dst: str = ""
    trunk: str = ""
    queue: str = ""
    state: str = "ringing"
    """``ringing``, ``talking`` or ``ended``, as the latest event implies."""
    extens: tuple[str, ...] = ()
    """Extensions seen in the call."""
    originated: bool = False
    """Whether it carries an ``originated_call_id`` (an API originate)."""


@dataclass(frozen=True, slots=True)
class ExtenRow:
    """One extension's state."""

    exten: str
    state: ev.ExtenState
    since: datetime
    participant: str = ""
    direction: str = ""
    queue: str = ""
    unique_id: str = ""


@dataclass(slots=True)
class PbxView:
    """Every call in progress and every extension's state, from events (see the module docstring)."""

    calls: dict[str, ActiveCall] = field(default_factory=dict)
    extens: dict[str, ExtenRow] = field(default_factory=dict)
    events_applied: int = 0

    def apply(self, events: list[ev.Event], now: datetime) -> bool:
        """Take a batch of events that arrived at ``now``; whether anything changed."""
        changed = False
        for event in events:
            changed |= self._one(event, now)
            self.events_applied += 1
        changed |= self._expire(now)
        return changed

    # -- one event ------------------------------------------------------------------------------

    def _one(self, event: ev.Event, now: datetime) -> bool:
        if isinstance(event, ev.NewState):
            return self._new_state(event, now)
        if isinstance(event, ev.ExtenChanged):
            if event.name == "ExtenRemoved":
                return self.extens.pop(event.exten, None) is not None
            if event.exten in self.extens:
                return False
            self.extens[event.exten] = ExtenRow(event.exten, event.state or ev.ExtenState.UNAVAILABLE, now)
            return True
        uid = event.unique_id
        if uid is None:
            return False
        if isinstance(event, ev.IncomingCall):
            call = self._call(uid, now)
            self.calls[uid] = replace(
                call,
                kind="incoming",
                src=event.number or call.src,
                trunk=event.entry_point or call.trunk,
                updated_at=now,
                originated=call.originated or bool(event.originated_call_id),
            )
            return True
        if isinstance(event, ev.OutgoingCall):
            call = self._call(uid, now)
            self.calls[uid] = replace(
                call,
                kind="outgoing" if call.kind == "local" else call.kind,
                dst=call.dst or (event.number or ""),
                trunk=call.trunk or (event.outgoing_point or ""),
                updated_at=now,
                originated=call.originated or bool(event.originated_call_id),
            )
            return True
        if isinstance(event, ev.CdrEvent | ev.CdrQueue):
            return self.calls.pop(uid, None) is not None
        return False

    def _call(self, uid: str, now: datetime) -> ActiveCall:
        call = self.calls.get(uid)
        if call is None:
            call = ActiveCall(uid, now, now)
            if len(self.calls) >= CALL_LIMIT:
                oldest = min(self.calls.values(), key=lambda c: c.updated_at)
                del self.calls[oldest.unique_id]
        return call

    def _new_state(self, event: ev.NewState, now: datetime) -> bool:
        before = self.extens.get(event.exten)
        row = ExtenRow(
            event.exten,
            event.state,
            before.since if before is not None and before.state is event.state else now,
            participant=event.participant or "",
            direction=event.direction or "",
            queue=event.queue or "",
            unique_id=event.unique_id or "",
        )
        changed = row != before
        self.extens[event.exten] = row
        uid = event.unique_id
        if uid is None:
            return changed
        if event.state is ev.ExtenState.IDLE:
            call = self.calls.get(uid)
            if call is None:
                return changed
            # The call is over when none of its extensions is still in it.
            still = [
                e
                for e in call.extens
                if e in self.extens
                and self.extens[e].unique_id == uid
                and self.extens[e].state in (ev.ExtenState.RINGING, ev.ExtenState.IN_USE)
            ]
            if not still:
                del self.calls[uid]
            return True
        call = self._call(uid, now)
        extens = call.extens if event.exten in call.extens else (*call.extens, event.exten)
        src, dst = call.src, call.dst
        if event.dialer:
            # The extension dialling out is the caller, whatever was guessed before: an
            # originate rings its first party (direction "in") before it dials the second.
            src, dst = event.exten, event.participant or dst
        elif event.state in (ev.ExtenState.RINGING, ev.ExtenState.IN_USE):
            # Otherwise: a ringing or answering extension is called (direction in); "out" calls.
            if event.direction == "out":
                src = src or event.exten
                dst = dst or (event.participant or "")
            else:
                dst = dst or event.exten
                src = src or (event.participant or "")
        talking = event.state is ev.ExtenState.IN_USE and not event.dialer
        state = "talking" if talking or call.state == "talking" else "ringing"
        self.calls[uid] = replace(
            call,
            extens=extens,
            src=src,
            dst=dst,
            queue=call.queue or (event.queue or ""),
            state=state,
            updated_at=now,
        )
        return True

    def _expire(self, now: datetime) -> bool:
        stale = [uid for uid, call in self.calls.items() if now - call.updated_at > STALE_AFTER]
        for uid in stale:
            del self.calls[uid]
        return bool(stale)

    # -- what the screen shows ----------------------------------------------------------------------

    def busy_extens(self) -> int:
        """Extensions ringing or in a call."""
        return sum(
            1 for row in self.extens.values() if row.state in (ev.ExtenState.RINGING, ev.ExtenState.IN_USE)
        )
