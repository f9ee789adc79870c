"""Simotel's pushed events (§7): what the simulated PBX tells a web service, and when.

The engines call ``pbx.webhooks`` at the virtual moment something happens (a phone rings, a
call leaves through a trunk, a call ends), under the PBX lock; each call builds one event in
the documented shape (the ``event-*`` samples) and hands it to ``sink`` -- the server's
``delivery.EventDelivery``, which sends it from its own thread -- and to ``log``, the last
events emitted, which tests read. Building an event never blocks and never fails a call.

What is sent when (every time is virtual; "ext" means a known extension, other numbers have
no NewState):

- ``call/originate/act``: the caller (ext) ``NewState Ringing`` at once, or ``OutgoingCall``
  when a PSTN caller is reached through ``trunk_name``; when it answers, ``NewState InUse``
  (``dialer: yes``, ``direction: out``); then the callee (ext) ``Ringing`` / ``InUse``, or an
  ``OutgoingCall`` through the context's trunk; at hang-up ``NewState Idle`` for the caller,
  then the callee, then ``Cdr`` (with ``originated_call_id``). A caller that never answers
  rings, then goes ``Idle``: no ``Cdr`` (§3.3); one that cannot be dialled sends nothing.
- An originate through an API component's context: the same, with the callee's events when
  the component's answer dials it (after any Smart API playing time).
- Campaigns: ``OutgoingCall`` for each dial through the trunk manager's trunk,
  ``AutoDialerReport`` each time a number's report row is written or updated (``REPORT_LAG``
  after the attempt), and for a number bridged through an API component the second leg's
  events and ``Cdr``.
- ``pbx/users/add`` / ``remove``: ``ExtenAdded`` / ``ExtenRemoved`` (``state: Unavailable``);
  a renumbering ``update`` is a removal then an addition.
- ``setting/ping/act``: ``Ping``, as ``{"event_name": "Ping"}`` -- the payload is undocumented
  (§7.3), so that is an assumption.
- Background traffic (``traffic``): ``IncomingCall``, agents' ``NewState`` (with ``queue``),
  ``CdrQueue`` for a queued caller an agent answered, ``Cdr``, and ``Survey`` for a rating.

Shapes: ``unique_id`` (never ``cuid``) names the call; times are Gregorian UTC with microseconds
(§7.1); a field without a value is left out, not sent empty (an unanswered call has no
``billsec``; ``Idle`` carries only ``exten``, ``state`` and ``unique_id``); ``participant`` is
the other party's real number (not the masking ``caller_id``); ``dialer`` comes with ``InUse``
only. ``Cdr`` numbers are integers, ``CdrQueue``'s strings, as documented. ``AutoDialerReport``
carries ``event_name`` (the table lists it; the sample lacks it, but G4 receivers route on it);
its ``start``/``end`` are the campaign window in UTC (``start`` with microseconds, ``end``
without, as in the sample) and ``tries[].starttime`` is the dial time in PBX-local Gregorian.
``Survey`` names itself with ``event``, as documented. Not sent: Transfer (no transfers are
modelled), VoiceMail/VoiceMailEmail, faxes and trunk events.
"""

from __future__ import annotations

import logging
import random
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from simotui.sim.dates import gregorian, gregorian_utc_us
from simotui.sim.ids import CallIdFactory
from simotui.sim.models import CampaignReport, CdrRecord, PollRecord, QueueStat

if TYPE_CHECKING:
    from simotui.sim.state import SimulatedPbx

log = logging.getLogger(__name__)

#: Every event the simulator sends, by its documented name.
EVENT_NAMES = (
    "NewState",
    "IncomingCall",
    "OutgoingCall",
    "Cdr",
    "CdrQueue",
    "AutoDialerReport",
    "ExtenAdded",
    "ExtenRemoved",
    "Survey",
    "Ping",
)
#: Events ``log`` keeps (the newest).
LOG_LIMIT = 2_000


def event_names(text: str | None) -> frozenset[str] | None:
    """``"cdr, NewState"`` as canonical names; ``None``/empty = every event.

    Raises:
        ValueError: a name is not one of ``EVENT_NAMES`` (case-insensitively).
    """
    if not text or not text.strip():
        return None
    by_lower = {name.lower(): name for name in EVENT_NAMES}
    chosen = set()
    for part in text.split(","):
        name = part.strip()
        if not name:
            continue
        if name.lower() not in by_lower:
            raise ValueError(f"unknown event {name!r} (one of {', '.join(EVENT_NAMES)})")
        chosen.add(by_lower[name.lower()])
    return frozenset(chosen)


class PushedEvent(NamedTuple):
    """One event as emitted: its order on this PBX, virtual time, documented name and payload."""

    seq: int
    at: float
    name: str
    payload: dict[str, Any]


def _compact(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields that have a value (Simotel leaves the others out, §7.1)."""
    return {k: v for k, v in fields.items() if v is not None and v != ""}


class Webhooks:
    """Builds and emits one PBX's pushed events (see the module docstring)."""

    def __init__(self, pbx: SimulatedPbx, enabled: frozenset[str] | None = None) -> None:
        """Emit for ``pbx``; ``enabled`` limits the events sent (``None``: all, as ticked in the UI)."""
        self.pbx = pbx
        self.enabled = enabled
        self.sink: Callable[[PushedEvent], None] | None = None
        """Receives every event emitted (the server's delivery queue); must not block."""
        self.log: deque[PushedEvent] = deque(maxlen=LOG_LIMIT)
        """The newest events emitted, oldest first."""
        self.states: dict[str, str] = {}
        """Each extension's last ``NewState`` state (whether or not NewState is enabled)."""
        self._seq = 0
        # Ids for calls the PBX writes no CDR for (campaign dials): their own counter, so that
        # sending events never changes the ids the PBX hands out.
        self._ids = CallIdFactory(random.Random(f"simotel-webhooks|{pbx.seed}"))

    def call_id(self) -> str:
        """A ``unique_id`` for a call leg that has none of its own."""
        return self._ids.cuid(self.pbx.now)[0]

    def emit(self, name: str, payload: dict[str, Any]) -> None:
        """Emit ``payload`` as event ``name`` now (unless it is not enabled)."""
        if self.enabled is not None and name not in self.enabled:
            return
        self._seq += 1
        event = PushedEvent(self._seq, self.pbx.now, name, payload)
        self.log.append(event)
        if self.sink is not None:
            try:
                self.sink(event)
            except Exception:  # sending must never break a call
                log.exception("could not queue the %s event", name)

    # -------------------------------------------------------------- extensions
    def new_state(
        self,
        exten: str,
        state: str,
        unique_id: str | None = None,
        *,
        participant: str | None = None,
        direction: str | None = None,
        queue: str | None = None,
        dialer: str | None = None,
    ) -> None:
        """``NewState`` of an extension (other numbers have no state, and send nothing)."""
        if exten not in self.pbx.users:
            return
        self.states[exten] = state
        fields = {
            "event_name": "NewState",
            "exten": exten,
            "state": state,
            "participant": participant,
            "direction": direction,
            "queue": queue,
            "unique_id": unique_id,
            "dialer": dialer,
        }
        self.emit("NewState", _compact(fields))

    def ringing(
        self, exten: str, unique_id: str, participant: str, direction: str, queue: str | None = None
    ) -> None:
        """The extension rings for a call with ``participant``."""
        self.new_state(exten, "Ringing", unique_id, participant=participant, direction=direction, queue=queue)

    def in_use(
        self,
        exten: str,
        unique_id: str,
        participant: str,
        direction: str,
        *,
        dialer: bool,
        queue: str | None = None,
    ) -> None:
        """The extension is in a call with ``participant`` (``dialer``: it is the one dialling out)."""
        self.new_state(
            exten,
            "InUse",
            unique_id,
            participant=participant,
            direction=direction,
            queue=queue,
            dialer="yes" if dialer else "no",
        )

    def idle(self, exten: str, unique_id: str) -> None:
        """The extension's call ended."""
        self.new_state(exten, "Idle", unique_id)

    def exten_added(self, exten: str) -> None:
        """A user was created (it is unregistered until a phone signs in)."""
        self.states[exten] = "Unavailable"
        self.emit("ExtenAdded", {"event_name": "ExtenAdded", "exten": exten, "state": "Unavailable"})

    def exten_removed(self, exten: str) -> None:
        """A user was deleted."""
        self.states.pop(exten, None)
        self.emit("ExtenRemoved", {"event_name": "ExtenRemoved", "exten": exten, "state": "Unavailable"})

    # ------------------------------------------------------------------- calls
    def incoming_call(
        self, number: str, entry_point: str, unique_id: str, originated_call_id: str | None = None
    ) -> None:
        """A call from ``number`` entered through trunk ``entry_point``."""
        fields = {
            "event_name": "IncomingCall",
            "number": number,
            "unique_id": unique_id,
            "entry_point": entry_point,
            "originated_call_id": originated_call_id,
        }
        self.emit("IncomingCall", _compact(fields))

    def outgoing_call(
        self, number: str, outgoing_point: str, unique_id: str, originated_call_id: str | None = None
    ) -> None:
        """A leg to ``number`` left through trunk ``outgoing_point``."""
        fields = {
            "event_name": "OutgoingCall",
            "number": number,
            "unique_id": unique_id,
            "outgoing_point": outgoing_point,
            "originated_call_id": originated_call_id,
        }
        self.emit("OutgoingCall", _compact(fields))

    def cdr(self, record: CdrRecord) -> None:
        """``Cdr`` for a call that just ended (the row it stored)."""
        fields = {
            "event_name": "Cdr",
            "starttime": gregorian_utc_us(record.start),
            "endtime": gregorian_utc_us(record.endtime),
            "src": record.src,
            "dst": record.dst,
            "type": record.type,
            "disposition": record.disposition,
            "duration": record.duration or None,
            "billsec": record.billsec or None,
            "wait": record.wait or None,
            "record": record.record,
            "entry_point": record.entry_point,
            "outgoing_point": record.outgoing_point,
            "unique_id": record.cuid,
            "originated_call_id": record.originated_call_id,
        }
        self.emit("Cdr", _compact(fields))

    def cdr_queue(self, stat: QueueStat, agent_try: CdrRecord) -> None:
        """``CdrQueue`` after a queued caller was connected to an agent (numbers as strings)."""
        fields = {
            "event_name": "CdrQueue",
            "unique_id": stat.cuid,
            "src": stat.src,
            "dst": stat.dst,
            "queue": stat.qnum,
            "billsec": str(stat.billsec),
            "wait": str(stat.wait),
            "duration": str(stat.duration),
            "agent_wait": str(stat.agent_wait),
            "disposition": agent_try.disposition,
            "hangup": stat.hangup,
            "queue_status": stat.queue_status,
            "record": agent_try.record,
            "answeredtime": gregorian_utc_us(stat.answeredtime) if stat.answeredtime is not None else None,
            "ringtime": gregorian_utc_us(stat.ringtime) if stat.ringtime is not None else None,
            "starttime": gregorian_utc_us(stat.starttime),
            "endtime": gregorian_utc_us(stat.endtime),
            "detail": [
                {
                    "src": agent_try.src,
                    "dst": agent_try.dst,
                    "billsec": str(agent_try.billsec),
                    "wait": str(agent_try.wait),
                    "disposition": agent_try.disposition,
                    "comment": agent_try.comment,
                    "tries": str(agent_try.tries or 1),
                }
            ],
        }
        self.emit("CdrQueue", _compact(fields))

    def survey(self, poll: PollRecord) -> None:
        """``Survey``: a caller rated the call (named with ``event``, as documented)."""
        fields = {
            "event": "Survey",
            "unique_id": poll.uniqueid,
            "src": poll.src,
            "dst": poll.dst,
            "queue": poll.qnum,
            "date": gregorian_utc_us(poll.date),
            "point": poll.point,
            "label": poll.label,
        }
        self.emit("Survey", _compact(fields))

    def autodialer_report(self, report: CampaignReport) -> None:
        """``AutoDialerReport``: a campaign number's report row was written or updated."""
        tz = self.pbx.tz
        fields = {
            "event_name": "AutoDialerReport",
            "start": gregorian_utc_us(report.window_start),
            "end": gregorian_utc_us(report.window_end)[:19],
            "campaign_id": report.campaign_id,
            "campaign": report.campaign,
            "interface_context": report.interface_context,
            "interface_text": report.interface_text,
            "number": report.number,
            "disposition": report.disposition,
            "try": report.try_count,
            "repeat": report.repeat,
            "billsec": report.billsec,
            "wait": report.wait,
            "tries": [
                _compact(
                    {
                        "cdr_id": t.cdr_id,
                        "cause": t.cause,
                        "cause-txt": t.cause_txt,
                        "starttime": gregorian(t.starttime, tz),
                        "disposition": t.disposition,
                        "wait": t.wait,
                    }
                )
                for t in report.tries
            ],
        }
        self.emit("AutoDialerReport", _compact(fields))

    def ping(self) -> None:
        """``Ping`` on ``setting/ping/act``; its payload is undocumented (§7.3): an assumption."""
        self.emit("Ping", {"event_name": "Ping"})
