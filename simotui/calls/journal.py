"""The call core's side of the journal: one schema for what a call leaves on disk, and restore.

SQLite blocks, so every write runs on one dedicated thread (a single-worker executor keeps them
in order, and ``close`` waits for every queued one). The writes that guard a call are awaited:
a request is in the journal before it is sent, its answer before the user is shown it. State
changes are queued, and written only when something a restart or the history needs changed.

The ``details`` of a call (schema ``DETAILS_VERSION``)::

    {"v": 2, "campaign_name": str, "note": str, "bridge_unique_id": str, "bridged_at": iso,
     "cleanup": str, "first_party": str, "covered_until": iso, "ended_at": iso,
     "legs": [{"id": str, "cuid": str}]}

Every key but ``v`` is left out when it has no value.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from simotui.calls.dials import CallMode, CampaignDial, Dial, dial_from_json, dial_to_json
from simotui.calls.model import Call, Placement
from simotui.calls.operator import current_operator
from simotui.errors import SimotuiError
from simotui.store.journal import CancelledRecord, Journal, JournalEntry

T = TypeVar("T")

DETAILS_VERSION = 2
ORIGINATE = "originate"
CAMPAIGN = "campaign"
# What a call restored with no recorded answer is known by.
NO_ANSWER_RECORDED = "simotui stopped before Simotel's answer was recorded"


class JournalError(SimotuiError):
    """The journal could not record a request: it must not be sent."""

    default_title = "Journal"


def details_of(call: Call) -> dict[str, Any]:
    """What, beyond state and disposition, a restart and the history need of a call."""
    details: dict[str, Any] = {"v": DETAILS_VERSION}
    texts = {
        "campaign_name": call.campaign_name,
        "note": call.note,
        "bridge_unique_id": call.bridge_unique_id or "",
        "cleanup": call.cleanup,
        "first_party": str(call.first_party) if call.first_party is not None else "",
    }
    details.update({key: value for key, value in texts.items() if value})
    for key, moment in (
        ("bridged_at", call.bridged_at),
        ("covered_until", call.covered_until),
        ("ended_at", call.ended_at),
    ):
        if moment is not None:
            details[key] = moment.isoformat()
    if call.legs:
        details["legs"] = [{"id": leg.id, "cuid": leg.cuid} for leg in call.legs]
    return details


def request_record(
    call: Call | Dial, sent: Mapping[str, Any], operator: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The journal's ``request``: the dial asked for, the exact body sent, and who asked."""
    dial = call.dial if isinstance(call, Call) else call
    record: dict[str, Any] = {"dial": dial_to_json(dial), "sent": dict(sent)}
    if operator:
        record["operator"] = dict(operator)
    return record


def _moment(details: Mapping[str, Any], key: str) -> datetime | None:
    value = details.get(key)
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _text(details: Mapping[str, Any], key: str) -> str:
    value = details.get(key)
    return value if isinstance(value, str) else ""


def call_from_entry(entry: JournalEntry) -> Call:
    """A journal entry as a call to follow again, with every fact the journal kept.

    A request whose answer was never recorded (the process died between sending and journalling
    it) comes back as "may have been placed", to be looked for in the reports like any lost answer.

    Raises:
        ValueError: the entry cannot be read back.
    """
    dial_data = entry.request.get("dial")
    if not isinstance(dial_data, Mapping):
        raise ValueError(f"journal request {entry.key} has no dial")
    dial = dial_from_json(dial_data)
    try:
        placement = Placement(entry.placement)
    except ValueError:
        raise ValueError(
            f"journal request {entry.key} has an unknown placement {entry.placement!r}"
        ) from None
    details = entry.details or {}
    note = _text(details, "note") or (entry.error_message or "")
    if placement is Placement.SENDING:
        placement, note = Placement.UNKNOWN, NO_ANSWER_RECORDED
    sent = entry.request.get("sent")
    name = _text(details, "campaign_name")
    if not name and isinstance(sent, Mapping) and isinstance(sent.get("name"), str):
        name = sent["name"]
    bridge = _text(details, "bridge_unique_id") or None
    return Call(
        key=entry.key,
        dial=dial,
        requested_at=entry.requested_at,
        placement=placement,
        answered_at=entry.answered_at,
        call_id=entry.call_id or "",
        campaign_id=entry.campaign_id or "",
        campaign_name=name,
        note=note,
        bridge_unique_id=bridge,
        bridged_at=_moment(details, "bridged_at") if bridge else None,
        cleanup=_text(details, "cleanup"),
        covered_until=_moment(details, "covered_until"),
    )


def dial_of(entry: JournalEntry) -> Dial | None:
    """The dial a journal entry recorded, or None when it cannot be read back (history's redial)."""
    data = entry.request.get("dial")
    if not isinstance(data, Mapping):
        return None
    try:
        return dial_from_json(data)
    except ValueError:
        return None


def _journalled(call: Call) -> tuple[Any, ...]:
    """What of a call the journal keeps; a change to anything else writes nothing."""
    leg = call.main_leg
    details = details_of(call)
    details.pop("covered_until", None)
    return (
        call.placement.value,
        call.state.value,
        str(call.disposition) if call.disposition is not None else None,
        leg.billsec if leg is not None else None,
        tuple(sorted((k, str(v)) for k, v in details.items())),
        call.settled,
    )


class JournalWriter:
    """Writes calls to one Journal from a single thread; every method is safe to call from the loop.

    With no journal (a test, a throwaway session) every write is a no-op and nothing is restored.
    """

    def __init__(
        self, journal: Journal | None, profile: str, operator: Mapping[str, str] | None = None
    ) -> None:
        self.journal = journal
        self.profile = profile
        self.operator = dict(operator) if operator is not None else current_operator()
        """Who is at this console: written with every request and cancelled confirmation."""
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="simotui-journal")
        self._written: dict[str, tuple[Any, ...]] = {}

    async def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, lambda: fn(*args, **kwargs))

    async def record_request(self, call: Call, sent: Mapping[str, Any]) -> None:
        """Write a request before it is sent.

        Raises:
            JournalError: the journal could not be written, so the request must not be sent.
        """
        if self.journal is None:
            return
        mode = CAMPAIGN if call.mode is CallMode.CAMPAIGN else ORIGINATE
        try:
            await self._run(
                self.journal.record_request,
                call.key,
                mode,
                request_record(call, sent, self.operator),
                self.profile,
                call.requested_at,
            )
        except Exception as exc:
            raise JournalError(f"the journal could not record the dial ({exc}); nothing was sent") from None
        self._written[call.key] = _journalled(call)

    async def record_answer(self, call: Call, error_code: str | None = None) -> str | None:
        """Record what became of the request; returns a warning when it could not be written."""
        if self.journal is None:
            return None
        try:
            await self._run(
                self.journal.record_answer,
                call.key,
                call.placement.value,
                state=call.state.value,
                final=call.settled,
                answered_at=call.answered_at,
                call_id=call.call_id or None,
                campaign_id=call.campaign_id or None,
                error_code=error_code,
                error_message=call.note or None,
            )
        except Exception as exc:
            return f"the journal could not record the answer for {call.key}: {exc}"
        self._written[call.key] = _journalled(call)
        return None

    def record_state(self, call: Call, at: datetime) -> None:
        """Queue a state change (kept in order with every other write); unchanged calls write nothing."""
        if self.journal is None:
            return
        journalled = _journalled(call)
        before = self._written.get(call.key)
        if before == journalled:
            return
        self._written[call.key] = journalled
        leg = call.main_leg
        if before is None or before[0] != journalled[0]:
            # The placement moved (a lost answer found in the reports): the request's row says so.
            self._writer.submit(
                self._safely,
                self.journal.record_answer,
                call.key,
                call.placement.value,
                state=call.state.value,
                final=call.settled,
                answered_at=call.answered_at,
                call_id=call.call_id or None,
                campaign_id=call.campaign_id or None,
                error_message=call.note or None,
            )
        self._writer.submit(
            self._safely,
            self.journal.record_state,
            call.key,
            call.state.value,
            str(call.disposition) if call.disposition is not None else None,
            leg.billsec if leg is not None else None,
            details_of(call),
            final=call.settled,
            at=at,
        )

    def record_cancelled(self, key: str, dial: Dial, sent: Mapping[str, Any], at: datetime) -> None:
        """Queue the record of a confirmation answered no (nothing was sent)."""
        if self.journal is None:
            return
        mode = CAMPAIGN if isinstance(dial, CampaignDial) else ORIGINATE
        self._writer.submit(
            self._safely,
            self.journal.record_cancelled,
            key,
            mode,
            request_record(dial, sent, self.operator),
            self.profile,
            at,
        )

    @staticmethod
    def _safely(write: Callable[..., None], *args: Any, **kwargs: Any) -> None:
        # A queued state write that fails (disk full) must not take the writer thread down;
        # the next state of the call writes everything again.
        try:
            write(*args, **kwargs)
        except Exception:
            pass

    def in_flight(self) -> list[JournalEntry]:
        """This profile's requests whose call is not settled, oldest first."""
        if self.journal is None:
            return []
        return self.journal.in_flight(self.profile)

    def history(self, search: str = "", limit: int = 200) -> list[JournalEntry]:
        """Past requests of every profile, newest first."""
        if self.journal is None:
            return []
        return self.journal.history(search, limit)

    def cancellations(self, search: str = "", limit: int = 200) -> list[CancelledRecord]:
        """Confirmations answered no, of every profile, newest first."""
        if self.journal is None:
            return []
        return self.journal.cancellations(search, limit)

    def close(self) -> None:
        """Finish every queued write, then close the journal."""
        self._writer.shutdown(wait=True)
        if self.journal is not None:
            self.journal.close()
