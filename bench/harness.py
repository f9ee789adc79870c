"""What the benchmarks share: processes in a pseudo-terminal, their CPU and memory, medians.

Every figure a benchmark prints is a ratio to a baseline measured in the same run, on the same
machine, so it means the same on a slow or a busy host. Nothing here asserts a time.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid: int) -> float:
    """Resident memory of a process, MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def median(values: Sequence[float]) -> float:
    """The median (of at least one value)."""
    return statistics.median(values)


@dataclass
class Terminal:
    """A child process on a pseudo-terminal of a given size, its output drained in the background."""

    argv: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)
    columns: int = 120
    lines: int = 40
    started: float = 0.0
    process: subprocess.Popen[bytes] | None = None
    _master: int = -1
    _seen: bytearray = field(default_factory=bytearray)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Terminal:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.lines, self.columns, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", **self.env}
        env.pop("CI", None)
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(self.argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            cwd=ROOT,
        )
        os.close(slave)
        self._master = master
        threading.Thread(target=self._drain, daemon=True).start()
        return self

    def _drain(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self._master], [], [], 0.5)
                if not ready:
                    if self.process is not None and self.process.poll() is not None:
                        return
                    continue
                chunk = os.read(self._master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self._seen += chunk
                # Keep the tail only: a long run redraws a lot.
                if len(self._seen) > 4_000_000:
                    del self._seen[:-1_000_000]

    def wait_for(self, text: str, within: float = 120.0) -> float:
        """Seconds from the start until ``text`` appeared on the terminal."""
        needle = text.encode()
        deadline = time.perf_counter() + within
        while time.perf_counter() < deadline:
            with self._lock:
                if needle in self._seen:
                    return time.perf_counter() - self.started
            time.sleep(0.005)
        raise TimeoutError(f"{text!r} never appeared; last output: {bytes(self._seen[-300:])!r}")

    def send(self, data: bytes) -> None:
        os.write(self._master, data)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.process.kill()
        try:
            os.close(self._master)
        except OSError:
            pass


def cpu_over(pid: int, seconds: float, until: Callable[[], bool] | None = None) -> tuple[float, float]:
    """CPU seconds a process spends over a wall-clock span (or until ``until()``), and the span."""
    before, started = cpu_seconds(pid), time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        if until is not None and until():
            break
        time.sleep(0.1)
    return cpu_seconds(pid) - before, time.perf_counter() - started


BARE_APP = """
from textual.app import App
from textual.widgets import DataTable, Footer, Header, Input

class Bare(App[None]):
    BINDINGS = [("ctrl+q", "quit", "Quit")]
    def compose(self):
        yield Header()
        yield Input(placeholder="caller")
        table = DataTable()
        table.add_columns("Call", "Caller", "State")
        yield table
        yield Footer()
    def on_mount(self):
        self.title = "BARE-READY"

Bare().run()
"""


def bare_app() -> list[str]:
    """The baseline: a bare Textual app of the console's main widgets (Header, Input, DataTable, Footer)."""
    return [PYTHON, "-c", BARE_APP]


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """Rows as an aligned plain-text table."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    return "\n".join(lines)
