"""The console on a real terminal leaves within seconds when SSH drops, with its journal intact.

Runs ``simotui --url`` in a pseudo-terminal as a child process (Textual needs a terminal), dials
through the real UI, then hangs up: a SIGHUP, or the terminal itself going away — and the worst
case, a terminal that stops taking output while the screen redraws hard and a CPU is busy, which
blocks the console's event loop (the exit watchdog of ``simotui.shutdown`` must end it).
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from simotui.sim import SimulatorHandle

# Generous bounds on waiting, not performance assertions: a healthy run takes about a second.
START_WITHIN = 30.0
EXIT_WITHIN = 10.0


def _read_until(fd: int, needle: bytes, within: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + within
    while needle not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"never saw {needle!r}; last output: {seen[-400:]!r}")
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        seen += chunk
    return seen


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


RESPONDER_PORT = _free_port()


@pytest.fixture
def console(sim: SimulatorHandle, isolated: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """A console in a pty, connected to the test simulator, with its own journal and a responder."""
    master, slave = pty.openpty()
    env = dict(os.environ)
    env.update(
        SIMOTUI_URL=sim.url,
        SIMOTUI_USERNAME=sim.settings.username,
        SIMOTUI_PASSWORD=sim.settings.password,
        SIMOTUI_API_KEY=sim.settings.api_key,
        TERM="xterm-256color",
        COLUMNS="100",
        LINES="30",
    )
    env.pop("CI", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simotui",
            "--poll-interval",
            "0.2",
            "--hooks-listen",
            f"127.0.0.1:{RESPONDER_PORT}",
        ],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    journal = isolated / "xdg_data_home" / "simotui" / "journal.sqlite3"
    identity = _identity(master)
    try:
        yield process, master, journal
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
        # A test that hung up closed the master itself, and its number may since belong to
        # another file: close it only if it is still our pty.
        if _identity(master) == identity:
            os.close(master)


def _identity(fd: int) -> tuple[int, int] | None:
    try:
        status = os.fstat(fd)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _dial(master: int) -> None:
    _read_until(master, b"Live calls", START_WITHIN)
    time.sleep(1.0)  # let the directory load and the form take focus
    for keys in (b"557", b"\t", b"552", b"\r"):
        os.write(master, keys)
        time.sleep(0.3)
    _read_until(master, b"y: dial", 30)
    os.write(master, b"y")


def _wait_exit(process: subprocess.Popen[bytes], master: int) -> int:
    deadline = time.monotonic() + EXIT_WITHIN
    while process.poll() is None:
        if time.monotonic() > deadline:
            raise AssertionError("the console did not exit after the hang-up")
        _drain_nonblocking(master)
        time.sleep(0.1)
    return process.returncode


def _drain_nonblocking(fd: int) -> None:
    os.set_blocking(fd, False)
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass


def _accepted_calls(journal: Path, within: float = 30) -> list[tuple[str, str]]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if journal.exists():
            with sqlite3.connect(journal) as db:
                rows = db.execute("SELECT placement, call_id FROM requests").fetchall()
            if rows and rows[0][0] == "accepted":
                return [(str(a), str(b)) for a, b in rows]
        time.sleep(0.2)
    raise AssertionError("the dial never reached the journal as accepted")


def test_sighup_exits_within_seconds_with_the_call_journalled(
    console: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    process, master, journal = console
    _dial(master)
    [(outcome, call_id)] = _accepted_calls(journal)
    assert outcome == "accepted" and call_id.startswith("orig.call.")
    process.send_signal(signal.SIGHUP)
    _wait_exit(process, master)


def test_lost_terminal_exits_within_seconds(console: tuple[subprocess.Popen[bytes], int, Path]) -> None:
    process, master, _journal = console
    _read_until(master, b"Live calls", START_WITHIN)
    os.close(master)  # the terminal goes away, as when an SSH connection drops
    deadline = time.monotonic() + EXIT_WITHIN
    while process.poll() is None:
        assert time.monotonic() < deadline, "the console kept running without a terminal"
        time.sleep(0.1)


def _responder_serving() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", RESPONDER_PORT), timeout=2):
            return True
    except OSError:
        return False


def _redraw_storm(process: subprocess.Popen[bytes], master: int, rounds: int = 150) -> None:
    """Resize the terminal and press keys over and over without ever reading what it draws."""
    os.set_blocking(master, False)
    for n in range(rounds):
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 24 + n % 20, 80 + n % 60, 0, 0))
        os.killpg(process.pid, signal.SIGWINCH)
        try:
            os.write(master, b"\x1b[B")
        except (BlockingIOError, OSError):
            pass
        time.sleep(0.005)


@pytest.fixture
def busy_cpu() -> Iterator[None]:
    """One core kept busy while the console is being hung up on."""
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        burner.kill()
        burner.wait()


@pytest.mark.parametrize("hang_up", ["SIGTERM", "SIGHUP", "terminal closed"])
def test_a_stalled_terminal_under_heavy_redraw_still_exits_with_the_journal_flushed(
    console: tuple[subprocess.Popen[bytes], int, Path], busy_cpu: None, hang_up: str
) -> None:
    process, master, journal = console
    _dial(master)
    [(outcome, call_id)] = _accepted_calls(journal)
    assert _responder_serving()
    _redraw_storm(process, master)  # the pty's buffer fills: the console's loop blocks on output
    started = time.monotonic()
    if hang_up == "terminal closed":
        os.close(master)
    else:
        process.send_signal(getattr(signal, hang_up))
    deadline = started + EXIT_WITHIN
    while process.poll() is None:
        assert time.monotonic() < deadline, f"the console did not exit after {hang_up}"
        time.sleep(0.05)
    expected = 128 + (signal.SIGTERM if hang_up == "SIGTERM" else signal.SIGHUP)
    assert process.returncode == expected
    assert not _responder_serving()
    with sqlite3.connect(journal) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = db.execute("SELECT placement, call_id FROM requests").fetchall()
    assert rows == [(outcome, call_id)]
