"""The journal: every originate and campaign request, its answer, and each state of its call.

One SQLite file in WAL mode. Every record is its own transaction, committed before the method
returns, so a process killed at any moment (``kill -9``) loses nothing a caller was told about:
a request is written *before* it is sent, its answer as soon as it arrives.

``synchronous=FULL``: with WAL, NORMAL already survives a killed process (the committed WAL
frames are in the OS page cache), but only FULL survives a power cut or kernel panic, by syncing
the WAL at every commit. The journal writes a handful of rows per call, so the fsync is cheap,
and a dial the user saw accepted must not vanish with the machine.

This module is persistence only: it stores the words and JSON the call core gives it
(:mod:`simotui.calls.journal` owns their meaning) and knows nothing of calls. Schema versions
live in ``PRAGMA user_version``; an older journal is migrated in place when opened.

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
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any

SCHEMA_VERSION = 2
DEFAULT_RETENTION_DAYS = 90
DEFAULT_MAX_CALLS = 10_000
BUSY_TIMEOUT_MS = 5_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,
    requested_at  TEXT NOT NULL,
    profile       TEXT NOT NULL,
    mode          TEXT NOT NULL,
    request       TEXT NOT NULL,
    placement     TEXT NOT NULL DEFAULT 'sending',
    call_id       TEXT,
    campaign_id   TEXT,
    answered_at   TEXT,
    error_code    TEXT,
    error_message TEXT,
    state         TEXT NOT NULL DEFAULT 'sending',
    disposition   TEXT,
    billsec       INTEGER,
    details       TEXT,
    final         INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT
);
CREATE INDEX IF NOT EXISTS requests_call_id ON requests (call_id);
CREATE INDEX IF NOT EXISTS requests_in_flight ON requests (final);
CREATE TABLE IF NOT EXISTS states (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL,
    at          TEXT NOT NULL,
    state       TEXT NOT NULL,
    disposition TEXT,
    billsec     INTEGER,
    details     TEXT,
    final       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS states_key ON states (key);
CREATE TABLE IF NOT EXISTS cancelled (
    id       INTEGER PRIMARY KEY,
    key      TEXT NOT NULL,
    at       TEXT NOT NULL,
    profile  TEXT NOT NULL,
    mode     TEXT NOT NULL,
    request  TEXT NOT NULL
);
"""
# ``cancelled`` (confirmations answered no: nothing was sent) came after schema 2 without a new
# version: a journal without it gets it when opened, and an older simotui ignores it.

_COLUMNS = (
    "id, key, requested_at, profile, mode, request, placement, call_id, campaign_id, answered_at, "
    "error_code, error_message, state, disposition, billsec, details, final, updated_at"
)


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One request as the journal knows it, with the latest state of its call."""

    request_id: int
    key: str
    """The call's own key, chosen before the request was sent."""
    profile: str
    mode: str
    requested_at: datetime
    request: Mapping[str, Any]
    """``{"dial": ..., "sent": ...}``: what was asked for and the body sent."""
    placement: str
    call_id: str | None
    campaign_id: str | None
    answered_at: datetime | None
    error_code: str | None
    error_message: str | None
    state: str
    disposition: str | None
    billsec: int | None
    details: Mapping[str, Any] | None
    final: bool
    updated_at: datetime | None

    @property
    def operator(self) -> Mapping[str, Any]:
        """Who asked for it (``user``, ``ssh``, ``host``); empty for entries older than that."""
        value = self.request.get("operator")
        return value if isinstance(value, Mapping) else MappingProxyType({})


@dataclass(frozen=True, slots=True)
class CancelledRecord:
    """A confirmation that was answered no (or abandoned): nothing was sent."""

    key: str
    at: datetime
    profile: str
    mode: str
    request: Mapping[str, Any]
    """``{"dial": ..., "sent": ..., "operator": ...}`` as for a request, never sent."""

    @property
    def operator(self) -> Mapping[str, Any]:
        """Who cancelled it."""
        value = self.request.get("operator")
        return value if isinstance(value, Mapping) else MappingProxyType({})


@dataclass(frozen=True, slots=True)
class StateRecord:
    """One recorded state of a call."""

    key: str
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
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return MappingProxyType({"unreadable": text[:200]})
    return MappingProxyType(value) if isinstance(value, dict) else MappingProxyType({"value": value})


def _now() -> datetime:
    return datetime.now(UTC)


class Journal:
    """The SQLite journal at ``path``; migrates and prunes itself when opened.

    Args:
        path: the database file (created, with its directory, readable by the owner alone).
        retention_days: requests older than this are pruned at open (in-flight ones are kept).
        max_calls: at most this many requests are kept, the newest (in-flight ones are kept).
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
            self._migrate()
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

    def _migrate(self) -> None:
        with self._transaction() as cur:
            version = int(cur.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise sqlite3.DatabaseError(
                    f"{self.path} was written by a newer simotui (journal schema {version}); "
                    "upgrade simotui to use it"
                )
            tables = {row[0] for row in cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if version < 2 and "requests" in tables:
                _migrate_v1(cur)
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    cur.execute(statement)
            cur.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

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
        key: str,
        mode: str,
        request: Mapping[str, Any],
        profile: str,
        requested_at: datetime,
        *,
        state: str = "sending",
    ) -> int:
        """Write a request before it is sent; returns its row id.

        Raises:
            sqlite3.IntegrityError: a request with this key is already journalled.
        """
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO requests (key, requested_at, profile, mode, request, state, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, _utc_text(requested_at), profile, mode, _dumps(request), state, _utc_text(_now())),
            )
            request_id = cur.lastrowid
        assert request_id is not None
        return request_id

    def record_answer(
        self,
        key: str,
        placement: str,
        *,
        state: str,
        final: bool,
        answered_at: datetime | None,
        call_id: str | None = None,
        campaign_id: str | None = None,
        error_code: str | None = None,
        error_message: str | None = None,
    ) -> None:
        """What became of the request: its placement, ids, and (when not placed) why.

        Raises:
            KeyError: no request has this key.
        """
        with self._transaction() as cur:
            cur.execute(
                "UPDATE requests SET placement = ?, call_id = coalesce(?, call_id), "
                "campaign_id = coalesce(?, campaign_id), answered_at = coalesce(?, answered_at), "
                "error_code = ?, error_message = ?, state = ?, final = ?, updated_at = ? WHERE key = ?",
                (
                    placement,
                    call_id,
                    campaign_id,
                    _utc_text(answered_at) if answered_at is not None else None,
                    error_code,
                    error_message,
                    state,
                    int(final),
                    _utc_text(_now()),
                    key,
                ),
            )
            if cur.rowcount != 1:
                raise KeyError(f"no request {key!r} in the journal")

    def record_state(
        self,
        key: str,
        state: str,
        disposition: str | None = None,
        billsec: int | None = None,
        details: Mapping[str, Any] | None = None,
        *,
        final: bool,
        at: datetime | None = None,
    ) -> None:
        """A call changed state: one row in ``states``, and the request's latest state."""
        when = _utc_text(at or _now())
        details_text = _dumps(details)
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO states (key, at, state, disposition, billsec, details, final) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, when, state, disposition, billsec, details_text, int(final)),
            )
            cur.execute(
                "UPDATE requests SET state = ?, disposition = ?, billsec = ?, details = ?, final = ?, "
                "updated_at = ? WHERE key = ?",
                (state, disposition, billsec, details_text, int(final), when, key),
            )

    def record_cancelled(
        self, key: str, mode: str, request: Mapping[str, Any], profile: str, at: datetime
    ) -> None:
        """A confirmation answered no: what it showed, who answered, when (for the audit)."""
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO cancelled (key, at, profile, mode, request) VALUES (?, ?, ?, ?, ?)",
                (key, _utc_text(at), profile, mode, _dumps(request)),
            )

    def prune(self, retention_days: int, max_calls: int) -> int:
        """Drop settled requests older than ``retention_days`` and all but the newest ``max_calls``.

        A request whose call is still in flight is never pruned: a restart must find it.

        Returns:
            How many requests were removed.
        """
        if retention_days < 1 or max_calls < 1:
            raise ValueError("retention_days and max_calls must be 1 or more")
        cutoff = _utc_text(_now() - timedelta(days=retention_days))
        with self._transaction() as cur:
            cur.execute("DELETE FROM requests WHERE final = 1 AND requested_at < ?", (cutoff,))
            removed = cur.rowcount
            cur.execute(
                "DELETE FROM requests WHERE final = 1 AND id NOT IN "
                "(SELECT id FROM requests ORDER BY id DESC LIMIT ?)",
                (max_calls,),
            )
            removed += cur.rowcount
            cur.execute("DELETE FROM states WHERE key NOT IN (SELECT key FROM requests)")
            cur.execute("DELETE FROM cancelled WHERE at < ?", (cutoff,))
            cur.execute(
                "DELETE FROM cancelled WHERE id NOT IN (SELECT id FROM cancelled ORDER BY id DESC LIMIT ?)",
                (max_calls,),
            )
        return removed

    # -- reads --------------------------------------------------------------------------------

    def in_flight(self, profile: str | None = None) -> list[JournalEntry]:
        """Requests whose call is not settled, oldest first: what a restarted console takes up."""
        if profile is None:
            rows = self._query(f"SELECT {_COLUMNS} FROM requests WHERE final = 0 ORDER BY id")
        else:
            rows = self._query(
                f"SELECT {_COLUMNS} FROM requests WHERE final = 0 AND profile = ? ORDER BY id", (profile,)
            )
        return [_entry(row) for row in rows]

    def history(self, search: str = "", limit: int = 100) -> list[JournalEntry]:
        """The newest requests first; ``search`` matches ids, numbers, profile, state or error text."""
        needle = search.strip().lower()
        rows = self._query(
            f"SELECT {_COLUMNS} FROM requests WHERE :needle = '' OR "
            "instr(lower(key || ' ' || coalesce(call_id, '') || ' ' || coalesce(campaign_id, '') || ' ' "
            "|| request || ' ' || profile || ' ' || mode || ' ' || placement || ' ' || state || ' ' "
            "|| coalesce(disposition, '') || ' ' || coalesce(error_message, '')), :needle) > 0 "
            "ORDER BY id DESC LIMIT :limit",
            {"needle": needle, "limit": max(limit, 0)},
        )
        return [_entry(row) for row in rows]

    def cancellations(self, search: str = "", limit: int = 100) -> list[CancelledRecord]:
        """Confirmations answered no, newest first; ``search`` matches numbers, profile, operator."""
        needle = search.strip().lower()
        rows = self._query(
            "SELECT key, at, profile, mode, request FROM cancelled WHERE :needle = '' OR "
            "instr(lower(key || ' ' || request || ' ' || profile || ' ' || mode || ' cancelled'), :needle) > 0 "
            "ORDER BY id DESC LIMIT :limit",
            {"needle": needle, "limit": max(limit, 0)},
        )
        return [
            CancelledRecord(
                row[0],
                datetime.fromisoformat(row[1]),
                row[2],
                row[3],
                _loads(row[4]) or MappingProxyType({}),
            )
            for row in rows
        ]

    def get(self, key: str) -> JournalEntry | None:
        """One request by its call's key."""
        rows = self._query(f"SELECT {_COLUMNS} FROM requests WHERE key = ?", (key,))
        return _entry(rows[0]) if rows else None

    def states(self, key: str) -> list[StateRecord]:
        """Every recorded state of one call, oldest first."""
        rows = self._query(
            "SELECT key, at, state, disposition, billsec, details, final FROM states "
            "WHERE key = ? ORDER BY id",
            (key,),
        )
        return [
            StateRecord(
                row[0], datetime.fromisoformat(row[1]), row[2], row[3], row[4], _loads(row[5]), bool(row[6])
            )
            for row in rows
        ]


def _entry(row: sqlite3.Row) -> JournalEntry:
    requested_at = _parse_time(row["requested_at"])
    assert requested_at is not None
    return JournalEntry(
        request_id=row["id"],
        key=row["key"],
        requested_at=requested_at,
        profile=row["profile"],
        mode=row["mode"],
        request=_loads(row["request"]) or MappingProxyType({}),
        placement=row["placement"],
        call_id=row["call_id"],
        campaign_id=row["campaign_id"],
        answered_at=_parse_time(row["answered_at"]),
        error_code=row["error_code"],
        error_message=row["error_message"],
        state=row["state"],
        disposition=row["disposition"],
        billsec=row["billsec"],
        details=_loads(row["details"]),
        final=bool(row["final"]),
        updated_at=_parse_time(row["updated_at"]),
    )


# -- schema 1 (simotui 0.1) -------------------------------------------------------------------

# Error codes that schema 1 journalled as "failed" although the request never left.
_V1_NOT_SENT = frozenset({"refused", "tls", "unreachable", "connect_timeout"})
# And those that were Simotel's own documented refusals.
_V1_REFUSED = frozenset(
    {
        "operation_failed",
        "auth_missing",
        "auth_invalid",
        "access_denied",
        "ip_not_permitted",
        "bad_json",
        "method_not_allowed",
        "unsupported_media_type",
        "unknown_service",
        "not_found",
        "OperationFailed",
        "AuthError",
        "AccessDenied",
        "RequestRejected",
        "ServiceNotFound",
    }
)
_V1_STATES = {
    "accepted": "waiting for CDR",
    "completed": "ended",
    "no cdr": "no CDR",
    "not reached": "1st: no answer",
    "not bridged": "not bridged",
}
_V1_ENDS = {
    "ANSWERED": "answered",
    "NO ANSWER": "2nd: no answer",
    "BUSY": "2nd: busy",
    "FAILED": "2nd: failed",
}


def _v1_state(state: str | None, disposition: str | None) -> str:
    """Schema 1's state words as schema 2's (its "completed" said nothing of the disposition)."""
    if state == "completed":
        return _V1_ENDS.get(disposition or "", "ended")
    return _V1_STATES.get(state or "", state or "")


def _v1_placement(outcome: str, error_code: str | None) -> tuple[str, bool]:
    """Schema 1's outcome as a placement, and whether the call needs no more looking for."""
    if outcome == "accepted":
        return "accepted", False
    if outcome == "pending":
        return "sending", False
    if outcome == "unknown":
        return "unknown", False
    # Schema 1 wrote "failed" for every error, a lost answer from a gateway (5xx, HTML) included:
    # only the refusals Simotel documents, and requests that never left, are known not placed.
    if error_code in _V1_NOT_SENT:
        return "not sent", True
    if error_code in _V1_REFUSED or error_code is None:
        return "refused", True
    return "unknown", False


def _v1_request(mode: str, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        return {"dial": {}, "sent": {}}
    if mode == "campaign":
        dial = body.get("dial")
        fields = dict(dial) if isinstance(dial, dict) else {}
        return {"dial": {"mode": "campaign", **fields}, "sent": body.get("campaign", {})}
    return {"dial": {"mode": "direct", **body}, "sent": body}


def _migrate_v1(cur: sqlite3.Cursor) -> None:
    """Rewrite a schema-1 journal as schema 2 (same file, one transaction)."""
    old = cur.execute("SELECT * FROM requests ORDER BY id").fetchall()
    states = cur.execute("SELECT * FROM states ORDER BY id").fetchall()
    cur.execute("DROP TABLE requests")
    cur.execute("DROP TABLE states")
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            cur.execute(statement)
    keys: dict[str, str] = {}
    used: set[str] = set()
    for row in old:
        call_id = row["call_id"]
        key = call_id if call_id and call_id not in used else f"j{row['id']}"
        used.add(key)
        if call_id:
            keys[call_id] = key
        placement, settled = _v1_placement(row["outcome"], row["error_code"])
        try:
            body = json.loads(row["request"])
        except (ValueError, RecursionError):
            body = None
        final = bool(row["final"]) if row["outcome"] == "accepted" else settled
        state = _v1_state(row["state"], row["disposition"])
        if placement == "unknown" and not state:
            state = "may have been placed"
        elif placement == "sending":
            state = "may have been placed"
        elif placement in ("refused", "not sent"):
            state = placement
        cur.execute(
            f"INSERT INTO requests ({_COLUMNS}) VALUES ({', '.join('?' * 18)})",
            (
                row["id"],
                key,
                row["requested_at"],
                row["profile"],
                "campaign" if row["mode"] == "campaign" else "originate",
                json.dumps(_v1_request(row["mode"], body), ensure_ascii=False, sort_keys=True),
                placement,
                call_id,
                row["campaign_id"],
                row["accepted_at"] or row["failed_at"],
                row["error_code"],
                row["error_message"],
                state,
                row["disposition"],
                row["billsec"],
                row["details"],
                int(final),
                row["updated_at"],
            ),
        )
    for state_row in states:
        key = keys.get(state_row["call_id"], state_row["call_id"])
        cur.execute(
            "INSERT INTO states (id, key, at, state, disposition, billsec, details, final) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                state_row["id"],
                key,
                state_row["at"],
                _v1_state(state_row["state"], state_row["disposition"]),
                state_row["disposition"],
                state_row["billsec"],
                state_row["details"],
                state_row["final"],
            ),
        )
