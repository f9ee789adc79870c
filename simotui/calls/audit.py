"""Who did what: the journal's requests and cancelled confirmations as one list, newest first.

The history screen and ``simotui history`` show the same rows, built here from the journal:
each names the operator (OS user, SSH address, host) recorded with it. Entries journalled before
operators were recorded load with none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from simotui.calls.journal import JournalWriter
from simotui.calls.operator import operator_text
from simotui.store.journal import CancelledRecord, JournalEntry

CANCELLED = "cancelled"
"""The state of a confirmation answered no (nothing was sent)."""


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One line of the history: a request (with its call's latest state) or a cancelled one."""

    kind: str
    """``request`` or ``cancelled``."""
    key: str
    at: datetime
    profile: str
    mode: str
    request: Mapping[str, Any]
    operator: Mapping[str, Any]
    state: str
    placement: str = ""
    disposition: str | None = None
    billsec: int | None = None
    call_id: str | None = None
    campaign_id: str | None = None
    note: str = ""
    entry: JournalEntry | None = field(default=None, compare=False)

    @property
    def caller(self) -> str:
        """The first party asked for."""
        dial = self.request.get("dial")
        return str(dial.get("caller", "?")) if isinstance(dial, Mapping) else "?"

    @property
    def callee(self) -> str:
        """The second party asked for."""
        dial = self.request.get("dial")
        return str(dial.get("callee", "?")) if isinstance(dial, Mapping) else "?"

    @property
    def who(self) -> str:
        """The operator in words (``—`` for entries older than operators)."""
        return operator_text(self.operator)

    def to_json(self) -> dict[str, Any]:
        """The row as ``simotui history --json`` prints it."""
        return {
            "kind": self.kind,
            "key": self.key,
            "at": self.at,
            "profile": self.profile,
            "mode": self.mode,
            "caller": self.caller,
            "callee": self.callee,
            "state": self.state,
            "placement": self.placement or None,
            "disposition": self.disposition,
            "billsec": self.billsec,
            "originated_call_id": self.call_id,
            "campaign_id": self.campaign_id,
            "note": self.note or None,
            "operator": dict(self.operator) or None,
            "sent": self.request.get("sent"),
        }


def row_of_entry(entry: JournalEntry) -> HistoryRow:
    """A journalled request as a history row."""
    return HistoryRow(
        kind="request",
        key=entry.key,
        at=entry.requested_at,
        profile=entry.profile,
        mode=entry.mode,
        request=entry.request,
        operator=entry.operator,
        state=entry.state,
        placement=entry.placement,
        disposition=entry.disposition,
        billsec=entry.billsec,
        call_id=entry.call_id,
        campaign_id=entry.campaign_id,
        note=entry.error_message or "",
        entry=entry,
    )


def row_of_cancelled(record: CancelledRecord) -> HistoryRow:
    """A cancelled confirmation as a history row."""
    return HistoryRow(
        kind=CANCELLED,
        key=record.key,
        at=record.at,
        profile=record.profile,
        mode=record.mode,
        request=record.request,
        operator=record.operator,
        state=CANCELLED,
        note="confirmation answered no: nothing was sent",
    )


def history_rows(journal: JournalWriter, search: str = "", limit: int = 200) -> list[HistoryRow]:
    """Requests and cancelled confirmations, newest first, at most ``limit`` of them."""
    rows = [row_of_entry(entry) for entry in journal.history(search, limit)]
    rows += [row_of_cancelled(record) for record in journal.cancellations(search, limit)]
    rows.sort(key=lambda row: row.at, reverse=True)
    return rows[:limit]
