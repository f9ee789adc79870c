"""The journal: every originate and campaign request, its answer, and each state of its call.

One SQLite file in WAL mode. Every record is its own transaction, committed before the method
returns, so a process killed at any moment (``kill -9``) loses nothing a caller was told about:
a request is written *before* it is sent, its acceptance as soon as the server answers. WAL lets
another process (``simotui`` in a second terminal, a script) read while this one writes.

``synchronous=FULL``: with WAL, NORMAL already survives a killed process (the committed WAL
frames are in the OS page cache), but only FULL survives a power cut or kernel panic, by syncing
the WAL at every commit. The journal writes a handful of rows per call, so the fsync is cheap,
and a dial the user saw accepted must not vanish with the machine.

Pure standard library; safe to use from one worker thread while other threads read (a lock
serialises every use of the one connection).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any

SCHEMA_VERSION = 1
DEFAULT_RETENTION_DAYS = 90
DEFAULT_MAX_CALLS = 10_000
BUSY_TIMEOUT_MS = 5_000
# Call states the journal knows to be final when a caller does not say (simotui.tracking.CallState).
FINAL_STATES = frozenset({"completed", "no cdr", "not reached", "not bridged"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id            INTEGER PRIMARY KEY,
    requested_at  TEXT NOT NULL,
    profile       TEXT NOT NULL,
    mode          TEXT NOT NULL,
    request       TEXT NOT NULL,
    outcome       TEXT NOT NULL DEFAULT 'pending',
    call_id       TEXT,
    campaign_id   TEXT,
    accepted_at   TEXT,
    error_code    TEXT,
    error_message TEXT,
    failed_at     TEXT,
    state         TEXT,
    disposition   TEXT,
    billsec       INTEGER,
    details       TEXT,
    final         INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT
);
CREATE INDEX IF NOT EXISTS requests_call_id ON requests (call_id);
CREATE INDEX IF NOT EXISTS requests_in_flight ON requests (outcome, final);
CREATE TABLE IF NOT EXISTS states (
    id          INTEGER PRIMARY KEY,
    call_id     TEXT NOT NULL,
    at          TEXT NOT NULL,
    state       TEXT NOT NULL,
    disposition TEXT,
    billsec     INTEGER,
    details     TEXT,
    final       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS states_call_id ON states (call_id);
"""

_COLUMNS = (
    "id, requested_at, profile, mode, request, outcome, call_id, campaign_id, accepted_at, error_code, "
    "error_message, failed_at, state, disposition, billsec, details, final, updated_at"
)


class Outcome(StrEnum):
    """What became of a request."""

    PENDING = "pending"
    """Written, no answer recorded: in flight, or the process died while it was being sent."""
    ACCEPTED = "accepted"
    """The server accepted it and gave the call (or campaign) id."""
    FAILED = "failed"
    """The server refused it, or it could not be sent."""
    UNKNOWN = "unknown"
    """No answer (timeout, dropped connection): the call may or may not exist."""


@dataclass(frozen=True, slots=True)
class JournalCall:
    """One request as the journal knows it, with the latest state of its call."""

    request_id: int
    mode: str
    """``originate`` or ``campaign``."""
    profile: str
    requested_at: datetime
    request: Mapping[str, Any]
    """The request body as sent (campaign extras under their own keys)."""
    outcome: Outcome
    call_id: str | None
    """The ``originated_call_id``, or the key simotui gave a campaign call."""
    campaign_id: str | None
    """The campaign's id, for a campaign call."""
    accepted_at: datetime | None
    error_code: str | None
    error_message: str | None
    state: str | None
    disposition: str | None
    billsec: int | None
    details: Mapping[str, Any] | None
    final: bool
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class StateRecord:
    """One recorded state of a call."""

    call_id: str
    at: datetime
    state: str
    disposition: str | None
    billsec: int | None
    details: Mapping[str, Any] | None
    final: bool


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("the journal stores aware datetimes only")
    # One fixed format, so text order is time order in SQL comparisons.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _dumps(value: Mapping[str, Any] | None) -> str | None:
    if value is None:
        return None
    return json.dumps(dict(value), ensure_ascii=False, sort_keys=True, default=str)


def _loads(text: str | None) -> Mapping[str, Any] | None:
    if text is None:
        return None
    value = json.loads(text)
    return MappingProxyType(value) if isinstance(value, dict) else MappingProxyType({"value": value})


def _now() -> datetime:
    return datetime.now(UTC)


class Journal:
    """The SQLite journal at ``path``; prunes itself when opened.

    Args:
        path: the database file (created, with its directory, readable by the owner alone).
        retention_days: requests older than this are pruned at open.
        max_calls: at most this many requests are kept, the newest.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        max_calls: int = DEFAULT_MAX_CALLS,
    ) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Phone numbers are personal data: create the file private; SQLite gives -wal/-shm its mode.
        os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        self._conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        self._conn.row_factory = sqlite3.Row
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise sqlite3.OperationalError(f"cannot switch {self.path} to WAL (got {mode})")
            self._conn.execute("PRAGMA synchronous = FULL")
            with self._transaction() as cur:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        cur.execute(statement)
                cur.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.prune(retention_days, max_calls)
        except BaseException:
            self._conn.close()
            raise

    # -- plumbing -----------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Cursor]:
        """One write transaction, taken up front so concurrent writers queue instead of failing."""
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            else:
                cur.execute("COMMIT")
            finally:
                cur.close()

    def _query(self, sql: str, params: Mapping[str, Any] | tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            rows: list[sqlite3.Row] = self._conn.execute(sql, params).fetchall()
            return rows

    def close(self) -> None:
        """Close the database; further use raises ``sqlite3.ProgrammingError``."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r})"

    # -- writes -------------------------------------------------------------------------------

    def record_request(
        self,
        mode: str,
        request: Mapping[str, Any],
        profile: str,
        requested_at: datetime | None = None,
    ) -> int:
        """Write a request before it is sent; returns its id for the answer to refer to.

        Args:
            mode: ``originate`` or ``campaign``.
            request: the body to be sent (plus any campaign-mode extras).
            profile: the profile it is sent with.
            requested_at: when (now by default).
        """
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO requests (requested_at, profile, mode, request) VALUES (?, ?, ?, ?)",
                (_utc_text(requested_at or _now()), profile, mode, _dumps(request)),
            )
            request_id = cur.lastrowid
        assert request_id is not None
        return request_id

    def record_accepted(
        self, request_id: int, call_id: str, accepted_at: datetime, *, campaign_id: str | None = None
    ) -> None:
        """The server accepted the request.

        Args:
            request_id: from :meth:`record_request`.
            call_id: the originated call id (direct) or the key the call is tracked by (campaign).
            accepted_at: when the server accepted it.
            campaign_id: the id ``campaigns/add`` returned, for a campaign call.
        """
        with self._transaction() as cur:
            cur.execute(
                "UPDATE requests SET outcome = ?, call_id = ?, campaign_id = ?, accepted_at = ?, state = ?, "
                "updated_at = ? WHERE id = ?",
                (
                    Outcome.ACCEPTED.value,
                    call_id,
                    campaign_id,
                    _utc_text(accepted_at),
                    "accepted",
                    _utc_text(_now()),
                    request_id,
                ),
            )
            _require_row(cur, request_id)

    def record_failed(
        self,
        request_id: int,
        error: BaseException | str,
        *,
        code: str | None = None,
        unknown: bool | None = None,
    ) -> None:
        """The request failed; a timeout or dropped connection is recorded as *unknown outcome*.

        Args:
            request_id: from :meth:`record_request`.
            error: the exception (its ``code`` and message are kept) or a message.
            code: overrides the exception's code.
            unknown: overrides whether the outcome is unknown rather than failed.
        """
        message = error if isinstance(error, str) else (str(error) or type(error).__name__)
        error_code = code or (None if isinstance(error, str) else _error_code(error))
        if unknown is None:
            unknown = not isinstance(error, str) and _outcome_unknown(error)
        outcome = Outcome.UNKNOWN if unknown else Outcome.FAILED
        if unknown:
            message = f"unknown outcome: {message}"
        now = _utc_text(_now())
        with self._transaction() as cur:
            cur.execute(
                "UPDATE requests SET outcome = ?, error_code = ?, error_message = ?, failed_at = ?, "
                "final = 1, updated_at = ? WHERE id = ?",
                (outcome.value, error_code, message, now, now, request_id),
            )
            _require_row(cur, request_id)

    def record_state(
        self,
        call_id: str,
        state: str,
        disposition: str | None = None,
        billsec: int | None = None,
        details: Mapping[str, Any] | None = None,
        *,
        final: bool | None = None,
        at: datetime | None = None,
    ) -> None:
        """A tracked call changed state (``simotui.tracking.CallState`` values are plain strings).

        Args:
            call_id: the originated call id or campaign id.
            state: the new state.
            disposition: its outcome, once known.
            billsec: talk seconds, once known.
            details: a small JSON-able mapping (legs, cuid, causes ...).
            final: whether the call is over; by default, whether ``state`` is in FINAL_STATES.
            at: when (now by default).
        """
        state_text = str(state)
        is_final = final if final is not None else state_text in FINAL_STATES
        when = _utc_text(at or _now())
        details_text = _dumps(details)
        disposition_text = None if disposition is None else str(disposition)
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO states (call_id, at, state, disposition, billsec, details, final) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (call_id, when, state_text, disposition_text, billsec, details_text, int(is_final)),
            )
            cur.execute(
                "UPDATE requests SET state = ?, disposition = ?, billsec = ?, details = ?, final = ?, "
                "updated_at = ? WHERE call_id = ?",
                (state_text, disposition_text, billsec, details_text, int(is_final), when, call_id),
            )

    def prune(self, retention_days: int, max_calls: int) -> int:
        """Drop requests older than ``retention_days`` and all but the newest ``max_calls``.

        Returns:
            How many requests were removed.
        """
        if retention_days < 1 or max_calls < 1:
            raise ValueError("retention_days and max_calls must be 1 or more")
        cutoff = _utc_text(_now() - timedelta(days=retention_days))
        with self._transaction() as cur:
            cur.execute("DELETE FROM requests WHERE requested_at < ?", (cutoff,))
            removed = cur.rowcount
            cur.execute(
                "DELETE FROM requests WHERE id NOT IN (SELECT id FROM requests ORDER BY id DESC LIMIT ?)",
                (max_calls,),
            )
            removed += cur.rowcount
            cur.execute(
                "DELETE FROM states WHERE at < ? OR call_id NOT IN "
                "(SELECT call_id FROM requests WHERE call_id IS NOT NULL)",
                (cutoff,),
            )
        return removed

    # -- reads --------------------------------------------------------------------------------

    def in_flight(self) -> list[JournalCall]:
        """Accepted calls not yet final, oldest first: what a restarted console tracks again."""
        rows = self._query(
            f"SELECT {_COLUMNS} FROM requests WHERE outcome = ? AND final = 0 ORDER BY id",
            (Outcome.ACCEPTED.value,),
        )
        return [_call(row) for row in rows]

    def history(self, search: str = "", limit: int = 100) -> list[JournalCall]:
        """The newest requests first; ``search`` matches ids, numbers, profile, state or error text."""
        needle = search.strip().lower()
        rows = self._query(
            f"SELECT {_COLUMNS} FROM requests WHERE :needle = '' OR "
            "instr(lower(coalesce(call_id, '') || ' ' || request || ' ' || profile || ' ' || mode || ' ' "
            "|| outcome || ' ' || coalesce(state, '') || ' ' || coalesce(disposition, '') || ' ' "
            "|| coalesce(error_message, '')), :needle) > 0 ORDER BY id DESC LIMIT :limit",
            {"needle": needle, "limit": max(limit, 0)},
        )
        return [_call(row) for row in rows]

    def get(self, request_id: int) -> JournalCall | None:
        """One request by its id."""
        rows = self._query(f"SELECT {_COLUMNS} FROM requests WHERE id = ?", (request_id,))
        return _call(rows[0]) if rows else None

    def states(self, call_id: str) -> list[StateRecord]:
        """Every recorded state of one call, oldest first."""
        rows = self._query(
            "SELECT call_id, at, state, disposition, billsec, details, final FROM states "
            "WHERE call_id = ? ORDER BY id",
            (call_id,),
        )
        return [
            StateRecord(
                row[0], datetime.fromisoformat(row[1]), row[2], row[3], row[4], _loads(row[5]), bool(row[6])
            )
            for row in rows
        ]


def _require_row(cur: sqlite3.Cursor, request_id: int) -> None:
    if cur.rowcount != 1:
        raise KeyError(f"no request {request_id} in the journal")


def _error_code(error: BaseException) -> str:
    code = getattr(error, "code", None)
    return code if isinstance(code, str) and code else type(error).__name__


def _outcome_unknown(error: BaseException) -> bool:
    """Whether the request may have reached the server although no answer came back."""
    # Imported here to keep the journal importable on its own; errors.py is stdlib-only too.
    from simotui.errors import ApiTimeout, ApiUnavailable

    if isinstance(error, ApiTimeout | TimeoutError):
        return True
    # A connection dropped mid-request may have delivered it; a refused one never did.
    return isinstance(error, ApiUnavailable) and error.code == "dropped"


def _call(row: sqlite3.Row) -> JournalCall:
    requested_at = _parse_time(row["requested_at"])
    assert requested_at is not None
    return JournalCall(
        request_id=row["id"],
        requested_at=requested_at,
        profile=row["profile"],
        mode=row["mode"],
        request=_loads(row["request"]) or MappingProxyType({}),
        outcome=Outcome(row["outcome"]),
        call_id=row["call_id"],
        campaign_id=row["campaign_id"],
        accepted_at=_parse_time(row["accepted_at"]),
        error_code=row["error_code"],
        error_message=row["error_message"],
        state=row["state"],
        disposition=row["disposition"],
        billsec=row["billsec"],
        details=_loads(row["details"]),
        final=bool(row["final"]),
        updated_at=_parse_time(row["updated_at"]),
    )
