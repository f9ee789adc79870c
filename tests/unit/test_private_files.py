"""Files that hold phone numbers are created 0600 whatever the umask: exports, recordings, the HTTP log."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from simotui import httplog
from simotui.api.client import Exchange
from simotui.private import private_fd


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """The worst a shell can hand us: every file world-readable and writable by default."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_private_fd_creates_and_tightens(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.csv"
    os.close(private_fd(fresh))
    assert mode(fresh) == 0o600
    loose = tmp_path / "loose.csv"
    loose.write_text("old")
    loose.chmod(0o666)
    with os.fdopen(private_fd(loose), "w") as handle:
        handle.write("new")
    assert mode(loose) == 0o600 and loose.read_text() == "new"
    with os.fdopen(private_fd(loose, append=True), "a") as handle:
        handle.write("+")
    assert loose.read_text() == "new+"


def test_http_log_file_and_its_rotations_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(httplog, "LOG_BYTES", 300)
    log = httplog.HttpLog()
    path = tmp_path / "logs" / "simotui.log"
    log.attach_file(path)
    for n in range(40):
        log.record(Exchange("POST", "reports/cdr/search", 200, 0.01, 1000 + n, None))
    log.close()
    files = sorted(path.parent.iterdir())
    assert len(files) >= 2, files  # rotated at least once
    assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    assert mode(path.parent) == 0o700
    assert "reports/cdr/search" in path.read_text()
