"""The journal: what it records, what survives ``kill -9``, pruning, and concurrent readers."""

from __future__ import annotations

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
from simotui.api.models import OriginateRequest
from simotui.errors import ApiTimeout, ApiUnavailable, AuthError
from simotui.store import Journal, Outcome
from simotui.store.restore import CAMPAIGN, ORIGINATE, campaign_body, tracked_call
from simotui.tracking import CallState, CampaignDial

REQUEST = OriginateRequest("557", "552", "main_routing", "557", timeout=30, call_limit=60)
ACCEPTED = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal(tmp_path / "j" / "journal.sqlite3") as handle:
        yield handle


def accepted(journal: Journal, call_id: str, request: OriginateRequest = REQUEST) -> int:
    request_id = journal.record_request(ORIGINATE, request.to_api(), "prod")
    journal.record_accepted(request_id, call_id, ACCEPTED)
    return request_id


def test_request_accept_state_round_trip(journal: Journal) -> None:
    request_id = accepted(journal, "orig.call.1.1")
    [call] = journal.in_flight()
    assert call.request_id == request_id
    assert (call.mode, call.profile, call.call_id, call.outcome) == (
        ORIGINATE,
        "prod",
        "orig.call.1.1",
        "accepted",
    )
    assert call.accepted_at == ACCEPTED
    assert dict(call.request) == REQUEST.to_api()
    journal.record_state("orig.call.1.1", CallState.COMPLETED, "ANSWERED", 42, {"cuid": "1.2", "legs": ["a"]})
    assert journal.in_flight() == []
    [done] = journal.history()
    assert (done.state, done.disposition, done.billsec, done.final) == ("completed", "ANSWERED", 42, True)
    assert done.details == {"cuid": "1.2", "legs": ["a"]}
    assert [s.state for s in journal.states("orig.call.1.1")] == ["completed"]


def test_non_final_states_stay_in_flight(journal: Journal) -> None:
    accepted(journal, "c1")
    journal.record_state("c1", "accepted", None, None, {"try": 1})
    journal.record_state("c1", "ringing", None, None, final=False)
    assert [c.call_id for c in journal.in_flight()] == ["c1"]
    journal.record_state("c1", "not bridged", None, None)
    assert journal.in_flight() == []


def test_failures_and_unknown_outcomes(journal: Journal) -> None:
    refused = journal.record_request(ORIGINATE, REQUEST.to_api(), "prod")
    journal.record_failed(refused, AuthError("wrong password", status=401, code="auth_invalid"))
    lost = journal.record_request(ORIGINATE, REQUEST.to_api(), "prod")
    journal.record_failed(lost, ApiTimeout("no answer within 10 s", code="timeout"))
    dropped = journal.record_request(ORIGINATE, REQUEST.to_api(), "prod")
    journal.record_failed(dropped, ApiUnavailable("connection reset", code="dropped"))
    never = journal.record_request(ORIGINATE, REQUEST.to_api(), "prod")
    journal.record_failed(never, ApiUnavailable("refused", code="refused"))
    pending = journal.record_request(ORIGINATE, REQUEST.to_api(), "prod")
    by_id = {call.request_id: call for call in journal.history()}
    assert (by_id[refused].outcome, by_id[refused].error_code) == (Outcome.FAILED, "auth_invalid")
    assert by_id[lost].outcome is Outcome.UNKNOWN
    assert by_id[lost].error_message == "unknown outcome: no answer within 10 s"
    assert by_id[dropped].outcome is Outcome.UNKNOWN
    assert by_id[never].outcome is Outcome.FAILED
    assert by_id[pending].outcome is Outcome.PENDING
    assert journal.in_flight() == []


def test_history_search_and_limit(journal: Journal) -> None:
    accepted(journal, "orig.call.1.1", OriginateRequest("557", "552", "main_routing", "557"))
    accepted(journal, "orig.call.2.2", OriginateRequest("101", "09121234599", "main_routing", "101"))
    failed = journal.record_request(ORIGINATE, REQUEST.to_api(), "lab")
    journal.record_failed(failed, "Trunk is busy")
    assert [c.call_id for c in journal.history()] == [None, "orig.call.2.2", "orig.call.1.1"]
    assert [c.call_id for c in journal.history("0912123")] == ["orig.call.2.2"]
    assert [c.call_id for c in journal.history("ORIG.CALL.1")] == ["orig.call.1.1"]
    assert [c.profile for c in journal.history("trunk is")] == ["lab"]
    assert len(journal.history(limit=2)) == 2
    assert journal.history("%") == []  # no LIKE wildcards


def test_unknown_request_id_is_an_error(journal: Journal) -> None:
    with pytest.raises(KeyError):
        journal.record_accepted(999, "x", ACCEPTED)


def test_naive_datetimes_are_refused(journal: Journal) -> None:
    with pytest.raises(ValueError, match="aware"):
        journal.record_request(ORIGINATE, {}, "p", requested_at=datetime(2026, 1, 1))  # noqa: DTZ001


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_file_is_private(journal: Journal) -> None:
    assert journal.path.stat().st_mode & 0o077 == 0
    assert journal.path.parent.stat().st_mode & 0o077 == 0


def test_default_location_is_the_isolated_data_dir(isolated: Path) -> None:
    assert paths.journal_path().is_relative_to(isolated)


# -- restore ----------------------------------------------------------------------------------


def test_in_flight_rebuilds_tracked_calls(journal: Journal) -> None:
    accepted(journal, "orig.call.5.5")
    dial = CampaignDial("09121234567", "552", "tm1", "simotui", "bridge", call_limit=90, tries=2)
    campaign = journal.record_request(
        CAMPAIGN, campaign_body(dial, {"name": "x", "numbers": ["09121234567"]}), "p"
    )
    journal.record_accepted(campaign, "simotui-key-1", ACCEPTED, campaign_id="65f0c0ffee")
    direct, via_campaign = (tracked_call(entry) for entry in journal.in_flight())
    assert direct.call_id == "orig.call.5.5"
    assert direct.request == REQUEST
    assert direct.accepted_at == ACCEPTED
    assert direct.state is CallState.ACCEPTED
    assert via_campaign.request == dial
    assert via_campaign.campaign_id == "65f0c0ffee"
    assert via_campaign.call_id == "simotui-key-1"


# -- durability -------------------------------------------------------------------------------

WRITER = """
import sys, time
from datetime import UTC, datetime
from simotui.store import Journal

journal = Journal(sys.argv[1])
request_id = journal.record_request("originate", {"caller": "557", "callee": "552", "context": "main_routing",
                                                  "caller_id": "557", "timeout": "30"}, "prod")
journal.record_accepted(request_id, "orig.call.1795358875.322101", datetime(2026, 3, 1, 10, tzinfo=UTC))
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
        assert writer.wait(timeout=10) == -signal.SIGKILL
    finally:
        if writer.poll() is None:
            writer.kill()
        if writer.stdout is not None:
            writer.stdout.close()
    # The commit is still only in the WAL: nobody checkpointed it into the main file.
    assert Path(f"{path}-wal").stat().st_size > 0
    with Journal(path) as reopened:
        [call] = reopened.in_flight()
    assert call.call_id == "orig.call.1795358875.322101"
    assert tracked_call(call).request.caller == "557"


# -- pruning ----------------------------------------------------------------------------------


def test_retention_prunes_old_requests_and_their_states(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    now = datetime.now(UTC)
    with Journal(path) as journal:
        old = journal.record_request(ORIGINATE, REQUEST.to_api(), "p", requested_at=now - timedelta(days=40))
        journal.record_accepted(old, "old-call", now - timedelta(days=40))
        journal.record_state("old-call", "accepted", at=now - timedelta(days=40))
        recent = journal.record_request(
            ORIGINATE, REQUEST.to_api(), "p", requested_at=now - timedelta(days=10)
        )
        journal.record_accepted(recent, "recent-call", now - timedelta(days=10))
        journal.record_state("recent-call", "completed", "ANSWERED", 3)
    with Journal(path, retention_days=30) as journal:
        assert [c.call_id for c in journal.history()] == ["recent-call"]
        assert journal.states("old-call") == []
        assert len(journal.states("recent-call")) == 1


def test_max_calls_keeps_the_newest(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as journal:
        for number in range(10):
            accepted(journal, f"call-{number}")
            journal.record_state(f"call-{number}", "completed", "ANSWERED", number)
    with Journal(path, max_calls=3) as journal:
        assert [c.call_id for c in journal.history()] == ["call-9", "call-8", "call-7"]
        assert journal.states("call-0") == []
        assert journal.prune(retention_days=1, max_calls=1) == 2
        assert [c.call_id for c in journal.history()] == ["call-9"]


# -- concurrency ------------------------------------------------------------------------------


def test_a_reader_is_never_blocked_by_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as writer:
        accepted(writer, "first")
        reader = sqlite3.connect(path, isolation_level=None)
        try:
            reader.execute("BEGIN")
            assert reader.execute("SELECT count(*) FROM requests").fetchone() == (1,)
            # The reader holds an open read transaction; WAL lets the writer commit anyway.
            for number in range(20):
                accepted(writer, f"more-{number}")
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
                    accepted(journal, f"t-{number}")
                    journal.record_state(f"t-{number}", "completed", "ANSWERED", 1)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                done.set()

        thread = threading.Thread(target=write)
        thread.start()
        seen = 0
        while not done.is_set():
            # The same Journal from this thread, and a second connection as another process would.
            seen = max(seen, len(journal.history(limit=1000)))
            assert len(other_process.history(limit=1000)) >= 0
        thread.join()
        assert errors == []
        assert len(journal.history(limit=1000)) == 150
        assert other_process.in_flight() == []
