"""Type-ahead on a real terminal: ``557<Tab>552<Enter>`` written in one go, as SSH or tmux
``send-keys`` deliver it, opens the confirmation for 557 → 552 — and the burst dials nothing."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from simotui import paths
from simotui.sim import SimulatorHandle

START_WITHIN = 30.0


def _read_until(fd: int, needle: bytes, within: float, seen: bytes = b"") -> bytes:
    deadline = time.monotonic() + within
    while needle not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"never saw {needle!r}; last output: {seen[-600:]!r}")
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def test_a_burst_typed_on_a_terminal_fills_caller_and_callee(sim: SimulatorHandle, isolated: Path) -> None:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = dict(os.environ)
    env.update(
        SIMOTUI_URL=sim.url,
        SIMOTUI_USERNAME=sim.settings.username,
        SIMOTUI_PASSWORD=sim.settings.password,
        SIMOTUI_API_KEY=sim.settings.api_key,
        TERM="xterm-256color",
    )
    env.pop("CI", None)
    before = sum(r.path.endswith("call/originate/act") for r in sim.requests)
    process = subprocess.Popen(
        [sys.executable, "-m", "simotui", "--poll-interval", "0"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    try:
        _read_until(master, b"Live calls", START_WITHIN)
        time.sleep(1.0)  # the form takes the focus once the screen is up
        os.write(master, b"557\t552\r")
        seen = _read_until(master, b"n / Esc", 30)
        assert "Dial 557 → 552?".encode() in seen
        os.write(master, b"n")
        time.sleep(0.5)
        os.write(master, b"\x11")  # ctrl+q
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            # Keep reading: a terminal nobody reads blocks the console's output, and its exit.
            if select.select([master], [], [], 0.2)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
        assert process.wait(5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
        os.close(master)
    assert sum(r.path.endswith("call/originate/act") for r in sim.requests) == before
    # The console wrote its HTTP log (the rotating file, not just the in-memory view).
    log = paths.log_file()
    assert log.stat().st_mode & 0o777 == 0o600
    lines = log.read_text(encoding="utf-8").splitlines()
    assert any(" PUT setting/ping/act 200 " in line for line in lines), lines
    assert any(" POST pbx/users/search 200 " in line for line in lines), lines
