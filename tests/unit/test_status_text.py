"""The status line says what went wrong where an 80-column terminal still shows it."""

from __future__ import annotations

from datetime import UTC, datetime

from simotui.ui.widgets.status_line import ConnectionStatus, status_text


def test_a_fault_is_said_right_after_the_state() -> None:
    status = ConnectionStatus(
        server="https://pbx-backup.callcenter.example.com",
        profile="backup",
        state="unreachable",
        detail="connection dropped mid-answer: the server closed the connection — retrying in 8 s",
        last_poll=datetime(2026, 12, 2, 3, 0, tzinfo=UTC),
        latency=0.2,
        pending=3,
        responder="responder 0.0.0.0:8765 (auth + allow-list)",
        events="push 12/min, last 2 s ago",
    )
    text = status_text(status, UTC)
    assert text.startswith("✕ unreachable  │  connection dropped mid-answer")
    assert "connection dropped mid-answer" in text[:80]
    assert "200 ms" not in text  # no stale latency beside unreachable


def test_read_only_comes_first_and_a_quiet_line_keeps_its_order() -> None:
    status = ConnectionStatus(
        server="http://pbx", profile="lab", state="connected", latency=0.012, read_only=True
    )
    assert status_text(status, UTC) == "READ-ONLY  │  ● connected  │  lab @ http://pbx  │  12 ms"
