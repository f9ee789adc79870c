"""Who did what: every request and every cancelled confirmation names its operator; the history
(screen and ``simotui history --json``) shows it; journals from before still load."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from simotui import paths
from simotui.api import SimotelClient
from simotui.api.models import OriginateRequest
from simotui.calls.audit import CANCELLED, history_rows
from simotui.calls.journal import JournalWriter
from simotui.calls.operator import current_operator, operator_text
from simotui.calls.tracker import CallTracker
from simotui.sim import SimulatorHandle
from simotui.store.journal import Journal
from tests.cli.conftest import simotui, text
from tests.ui.helpers import sim_clock

OPERATOR = {"user": "ali", "ssh": "10.0.0.5", "host": "console-1"}
DIAL = OriginateRequest("557", "552", "main_routing", "")


def test_current_operator_reads_user_ssh_and_host() -> None:
    who = current_operator({"SSH_CLIENT": "192.0.2.7 51234 22", "USER": "x"})
    assert who["ssh"] == "192.0.2.7"
    assert who["user"] and who["host"]
    assert "ssh" not in current_operator({})
    assert operator_text(OPERATOR) == "ali@10.0.0.5 (console-1)"
    assert operator_text({}) == "—"


async def test_requests_and_cancellations_carry_the_operator(
    client: SimotelClient, sim: SimulatorHandle, tmp_path: Path
) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    writer = JournalWriter(journal, "test", operator=OPERATOR)
    tracker = CallTracker(client, clock=sim_clock(sim), tz=dt.UTC, journal=writer)
    no = tracker.propose(DIAL)
    assert tracker.cancel(no)
    assert not tracker.cancel(no)  # cancelling twice records once
    yes = tracker.propose(DIAL)
    call = tracker.confirm(yes)
    assert call is not None
    await tracker.send(call.key)
    writer.close()
    reopened = Journal(tmp_path / "j.sqlite3")
    rows = history_rows(JournalWriter(reopened, "test", operator={}))
    assert [row.kind for row in rows] == ["request", CANCELLED]
    assert all(dict(row.operator) == OPERATOR for row in rows)
    assert rows[1].key == no.key and rows[1].caller == "557" and rows[1].request["sent"] == no.body
    assert reopened.history()[0].operator == OPERATOR
    assert [r.key for r in reopened.cancellations("console-1")] == [no.key]
    reopened.close()


def test_a_journal_from_before_operators_loads(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with Journal(path) as journal:
        journal.record_request(
            "k1",
            "originate",
            {"dial": {"mode": "direct", "caller": "1", "callee": "2"}, "sent": {}},
            "p",
            dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
    # As a journal written before confirmations were recorded: no ``cancelled`` table.
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE cancelled")
    with Journal(path) as journal:
        [entry] = journal.history()
        assert entry.operator == {}
        assert journal.cancellations() == []
        [row] = history_rows(JournalWriter(journal, "p", operator={}))
        assert row.who == "—" and row.to_json()["operator"] is None


@pytest.fixture
def journal_with_history(isolated: Path) -> None:
    path = paths.journal_path()
    with Journal(path) as journal:
        request = {
            "dial": {"mode": "direct", "caller": "557", "callee": "552"},
            "sent": {},
            "operator": OPERATOR,
        }
        now = dt.datetime.now(dt.UTC)
        journal.record_request("k1", "originate", request, "test", now - dt.timedelta(hours=2))
        journal.record_cancelled("k2", "originate", request, "test", now - dt.timedelta(hours=1))


def test_cli_history_json_shows_the_operator(journal_with_history: None) -> None:
    result = simotui("history", "--json")
    out, err = text(result)
    assert result.returncode == 0, err
    rows = json.loads(out)
    assert [(r["kind"], r["key"]) for r in rows] == [("cancelled", "k2"), ("request", "k1")]
    assert rows[0]["operator"] == OPERATOR
    plain = text(simotui("history"))[0]
    assert "ali@10.0.0.5 (console-1)" in plain and "cancelled" in plain


def test_cli_history_without_a_journal_is_empty_and_creates_none(isolated: Path) -> None:
    result = simotui("history", "--json")
    assert result.returncode == 0 and json.loads(text(result)[0]) == []
    assert not paths.journal_path().exists()
