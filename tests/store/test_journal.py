"""The journal: what it records, what survives ``kill -9``, migration, pruning, concurrent readers."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from simotui import paths
from simotui.store import Journal

SENT = {"caller": "557", "callee": "552", "context": "main_routing", "caller_id": "557", "timeout": "30"}
REQUEST = {"dial": {"mode": "direct", **SENT}, "sent": SENT}
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal(tmp_path / "j" / "journal.sqlite3") as handle:
        yield handle


def accepted(journal: Journal, key: str, call_id: str, at: datetime = T0, profile: str = "prod") -> int:
    request_id = journal.record_request(key, "originate", REQUEST, profile, at)
    journal.record_answer(
        key, "accepted", state="waiting for CDR", final=False, answered_at=at, call_id=call_id
    )
    return request_id


def test_request_answer_state_round_trip(journal: Journal) -> None:
    request_id = accepted(journal, "k1", "orig.call.1.1")
    [entry] = journal.in_flight()
    assert (entry.request_id, entry.key, entry.mode, entry.profile, entry.placement) == (
        request_id,
        "k1",
        "originate",
        "prod",
        "accepted",
    )
    assert entry.call_id == "orig.call.1.1" and entry.answered_at == T0 and entry.requested_at == T0
    assert dict(entry.request) == REQUEST
    journal.record_state(
        "k1", "answered", "ANSWERED", 42, {"v": 2, "legs": [{"id": "a", "cuid": "1.2"}]}, final=True
    )
    assert journal.in_flight() == []
    [done] = journal.history()
    assert (done.state, done.disposition, done.billsec, done.final) == ("answered", "ANSWERED", 42, True)
    assert done.details == {"v": 2, "legs": [{"id": "a", "cuid": "1.2"}]}
    assert [s.state for s in journal.states("k1")] == ["answered"]


def test_a_request_without_an_answer_stays_in_flight(journal: Journal) -> None:
    journal.record_request("k2", "originate", REQUEST, "prod", T0)
    [entry] = journal.in_flight()
    assert entry.placement == "sending" and entry.state == "sending"


def test_a_key_is_journalled_once(journal: Journal) -> None:
    journal.record_request("k", "originate", REQUEST, "prod", T0)
    with pytest.raises(sqlite3.IntegrityError):
        journal.record_request("k", "originate", REQUEST, "prod", T0)
    with pytest.raises(KeyError):
        journal.record_answer("nope", "accepted", state="x", final=False, answered_at=T0)


def test_in_flight_by_profile_and_history_search(journal: Journal) -> None:
    accepted(journal, "a", "orig.call.1.1", profile="lab")
    accepted(journal, "b", "orig.call.2.2", profile="prod")
    journal.record_request(
        "c", "originate", {"dial": {"caller": "101", "callee": "09121234599"}, "sent": {}}, "lab", T0
    )
    journal.record_answer(
        "c", "refused", state="refused", final=True, answered_at=T0, error_message="Trunk is busy"
    )
    assert [e.key for e in journal.in_flight("lab")] == ["a"]
    assert [e.key for e in journal.history()] == ["c", "b", "a"]
    assert [e.key for e in journal.history("0912123")] == ["c"]
    assert [e.key for e in journal.history("ORIG.CALL.1")] == ["a"]
    assert [e.key for e in journal.history("trunk is")] == ["c"]
    assert len(journal.history(limit=2)) == 2
    assert journal.history("%") == []  # no LIKE wildcards


def test_naive_datetimes_are_refused(journal: Journal) -> None:
    with pytest.raises(ValueError, match="aware"):
        journal.record_request("k", "originate", {}, "p", datetime(2026, 1, 1))  # noqa: DTZ001


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_file_is_private(journal: Journal) -> None:
    assert journal.path.stat().st_mode & 0o077 == 0
    assert journal.path.parent.stat().st_mode & 0o077 == 0


def test_default_location_is_the_isolated_data_dir(isolated: Path) -> None:
    assert paths.journal_path().is_relative_to(isolated)


def test_a_journal_from_a_newer_simotui_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(sqlite3.DatabaseError, match="newer simotui"):
        Journal(path)


# -- schema 1 -----------------------------------------------------------------------------------

V1_SCHEMA = """
CREATE TABLE requests (id INTEGER PRIMARY KEY, requested_at TEXT NOT NULL, profile TEXT NOT NULL,
  mode TEXT NOT NULL, request TEXT NOT NULL, outcome TEXT NOT NULL DEFAULT 'pending', call_id TEXT,
  campaign_id TEXT, accepted_at TEXT, error_code TEXT, error_message TEXT, failed_at TEXT, state TEXT,
  disposition TEXT, billsec INTEGER, details TEXT, final INTEGER NOT NULL DEFAULT 0, updated_at TEXT);
CREATE TABLE states (id INTEGER PRIMARY KEY, call_id TEXT NOT NULL, at TEXT NOT NULL, state TEXT NOT NULL,
  disposition TEXT, billsec INTEGER, details TEXT, final INTEGER NOT NULL);
PRAGMA user_version = 1;
"""


def test_a_schema_1_journal_is_migrated_and_its_lost_answers_taken_up_again(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    at = "2026-11-22T10:00:00.000000+00:00"
    campaign = {
        "dial": {
            "caller": "557",
            "callee": "552",
            "trunk_manager_id": "tm",
            "interface_context": "simotui",
            "interface_text": "bridge",
        },
        "campaign": {"name": "simotui-x", "numbers": ["557"]},
    }
    rows = [
        # accepted, in flight
        (1, "originate", json.dumps(SENT), "accepted", "orig.call.1.1", None, None, "accepted", None, 0),
        # a gateway's 502, journalled as failed by schema 1: the call may exist
        (2, "originate", json.dumps(SENT), "failed", None, "http_502", "HTTP 502 Bad Gateway", None, None, 1),
        # Simotel's own refusal
        (
            3,
            "originate",
            json.dumps(SENT),
            "failed",
            None,
            "operation_failed",
            "Requested operation failed",
            None,
            None,
            1,
        ),
        # a timeout: unknown, but schema 1 marked it final
        (
            4,
            "originate",
            json.dumps(SENT),
            "unknown",
            None,
            "timeout",
            "unknown outcome: no answer",
            None,
            None,
            1,
        ),
        # completed
        (
            5,
            "originate",
            json.dumps(SENT),
            "accepted",
            "orig.call.5.5",
            None,
            None,
            "completed",
            "ANSWERED",
            1,
        ),
        # a campaign call in flight
        (6, "campaign", json.dumps(campaign), "accepted", "campaign.1.1", None, None, "accepted", None, 0),
        # a connection refused: never sent
        (7, "originate", json.dumps(SENT), "failed", None, "refused", "cannot connect", None, None, 1),
    ]
    with sqlite3.connect(path) as db:
        db.executescript(V1_SCHEMA)
        for row_id, mode, body, outcome, call_id, code, message, state, disposition, final in rows:
            db.execute(
                "INSERT INTO requests (id, requested_at, profile, mode, request, outcome, call_id, campaign_id, "
                "accepted_at, error_code, error_message, state, disposition, final) "
                "VALUES (?, ?, 'prod', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row_id,
                    at,
                    mode,
                    body,
                    outcome,
                    call_id,
                    "c6" if row_id == 6 else None,
                    at if outcome == "accepted" else None,
                    code,
                    message,
                    state,
                    disposition,
                    final,
                ),
            )
        db.execute(
            "INSERT INTO states (call_id, at, state, disposition, final) VALUES ('orig.call.5.5', ?, 'completed', 'ANSWERED', 1)",
            (at,),
        )
    with Journal(path) as migrated:
        by_id = {entry.request_id: entry for entry in migrated.history()}
        assert by_id[1].key == "orig.call.1.1" and by_id[1].placement == "accepted" and not by_id[1].final
        assert (
            by_id[2].placement == "unknown"
            and not by_id[2].final
            and by_id[2].state == "may have been placed"
        )
        assert by_id[3].placement == "refused" and by_id[3].final
        assert by_id[4].placement == "unknown" and not by_id[4].final
        assert by_id[5].state == "answered" and by_id[5].final
        assert [s.state for s in migrated.states("orig.call.5.5")] == ["answered"]
        assert (
            by_id[6].request["dial"]["mode"] == "campaign" and by_id[6].request["sent"]["name"] == "simotui-x"
        )
        assert by_id[6].campaign_id == "c6"
        assert by_id[7].placement == "not sent" and by_id[7].final
        assert by_id[1].request["dial"]["mode"] == "direct" and by_id[1].request["sent"] == SENT
        assert sorted(e.request_id for e in migrated.in_flight()) == [1, 2, 4, 6]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (2,)


# -- durability -------------------------------------------------------------------------------

WRITER = """
import sys, time
from datetime import UTC, datetime
from simotui.store import Journal

journal = Journal(sys.argv[1])
at = datetime(2026, 3, 1, 10, tzinfo=UTC)
journal.record_request("k1", "originate", {"dial": {"mode": "direct"}, "sent": {}}, "prod", at)
journal.record_answer("k1", "accepted", state="waiting for CDR", final=False, answered_at=at,
                      call_id="orig.call.1795358875.322101")
print("accepted", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_an_accepted_call_survives_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(WRITER), str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "accepted"
        os.kill(writer.pid, signal.SIGKILL)
        assert writer.wait(timeout=30) == -signal.SIGKILL
    finally:
        if writer.poll() is None:
            writer.kill()
        if writer.stdout is not None:
            writer.stdout.close()
    # The commit is still only in the WAL: nobody checkpointed it into the main file.
    assert Path(f"{path}-wal").stat().st_size > 0
    with Journal(path) as reopened:
        [entry] = reopened.in_flight()
    assert entry.call_id == "orig.call.1795358875.322101" and entry.placement == "accepted"


# -- pruning ----------------------------------------------------------------------------------


def test_retention_prunes_old_settled_requests_and_their_states(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    now = datetime.now(UTC)
    with Journal(path) as journal:
        accepted(journal, "old", "o", at=now - timedelta(days=40))
        journal.record_state("old", "answered", "ANSWERED", 3, final=True, at=now - timedelta(days=40))
        accepted(journal, "old-in-flight", "f", at=now - timedelta(days=40))
        accepted(journal, "recent", "r", at=now - timedelta(days=10))
        journal.record_state("recent", "answered", "ANSWERED", 3, final=True)
    with Journal(path, retention_days=30) as journal:
        assert [e.key for e in journal.history()] == ["recent", "old-in-flight"]
        assert journal.states("old") == []
        assert len(journal.states("recent")) == 1


def test_max_calls_keeps_the_newest(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as journal:
        for number in range(10):
            accepted(journal, f"k{number}", f"call-{number}", at=datetime.now(UTC))
            journal.record_state(f"k{number}", "answered", "ANSWERED", number, final=True)
    with Journal(path, max_calls=3) as journal:
        assert [e.key for e in journal.history()] == ["k9", "k8", "k7"]
        assert journal.states("k0") == []
        assert journal.prune(retention_days=1, max_calls=1) == 2
        assert [e.key for e in journal.history()] == ["k9"]


# -- concurrency ------------------------------------------------------------------------------


def test_a_reader_is_never_blocked_by_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as writer:
        accepted(writer, "first", "c0", at=datetime.now(UTC))
        reader = sqlite3.connect(path, isolation_level=None)
        try:
            reader.execute("BEGIN")
            assert reader.execute("SELECT count(*) FROM requests").fetchone() == (1,)
            # The reader holds an open read transaction; WAL lets the writer commit anyway.
            for number in range(20):
                accepted(writer, f"more-{number}", f"c{number + 1}")
            assert reader.execute("SELECT count(*) FROM requests").fetchone() == (1,)  # its snapshot
            reader.execute("COMMIT")
            assert reader.execute("SELECT count(*) FROM requests").fetchone() == (21,)
        finally:
            reader.close()


def test_one_writer_thread_and_readers(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    errors: list[BaseException] = []
    with Journal(path) as journal, Journal(path) as other_process:
        done = threading.Event()

        def write() -> None:
            try:
                for number in range(150):
                    accepted(journal, f"t-{number}", f"c{number}", at=datetime.now(UTC))
                    journal.record_state(f"t-{number}", "answered", "ANSWERED", 1, final=True)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                done.set()

        thread = threading.Thread(target=write)
        thread.start()
        while not done.is_set():
            # The same Journal from this thread, and a second connection as another process would.
            assert len(journal.history(limit=1000)) >= 0
            assert len(other_process.history(limit=1000)) >= 0
        thread.join()
        assert errors == []
        assert len(journal.history(limit=1000)) == 150
        assert other_process.in_flight() == []
