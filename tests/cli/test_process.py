"""Process protections: no core file, whatever limit the shell hands simotui."""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

PATIENCE = 120.0


def raise_core_limit() -> None:
    """In the child: as high a core limit as this machine allows (a shell's ``ulimit -c unlimited``)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))


def core_limit(pid: int) -> str | None:
    """The soft 'Max core file size' of a running process, as /proc shows it (the kernel checks it)."""
    try:
        limits = Path(f"/proc/{pid}/limits").read_text()
    except OSError:
        return None
    for line in limits.splitlines():
        if line.startswith("Max core file size"):
            return line.split()[4]
    return None


def cores(where: Path) -> list[Path]:
    return [p for p in where.iterdir() if p.name == "core" or p.name.startswith("core.")]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers: the CLI waits on it."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def quit_and_wait(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGQUIT)
    return process.wait(timeout=PATIENCE)


@pytest.mark.skipif(not Path("/proc/self/limits").exists(), reason="needs /proc")
def test_sigquit_leaves_no_core_even_with_a_raised_limit(tmp_path: Path, silent_server: int) -> None:
    if resource.getrlimit(resource.RLIMIT_CORE)[1] == 0:
        pytest.skip("this machine forbids core files for every process")
    env = {**os.environ, "SIMOTUI_CONFIG": str(tmp_path / "none.toml"), "HOME": str(tmp_path)}
    url = f"http://127.0.0.1:{silent_server}"
    command = [sys.executable, "-m", "simotui", "ping", "--url", url, "--username", "u", "--password", "p"]
    process = subprocess.Popen(
        [*command, "--timeout", "300"],
        cwd=tmp_path,
        env=env,
        preexec_fn=raise_core_limit,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        # Wait on the state, not a duration: the limit is set before any secret is read.
        deadline = time.monotonic() + PATIENCE
        while core_limit(process.pid) != "0" and process.poll() is None:
            assert time.monotonic() < deadline, core_limit(process.pid)
            time.sleep(0.05)
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert quit_and_wait(process) == -signal.SIGQUIT
    finally:
        process.kill()
        process.wait()
    assert cores(tmp_path) == []
    # The check can fail: the same signal to a process without the protection leaves a core here
    # (on machines whose core_pattern writes into the working directory).
    control = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)"], cwd=tmp_path, preexec_fn=raise_core_limit
    )
    time.sleep(0.2)
    assert quit_and_wait(control) == -signal.SIGQUIT
    if not cores(tmp_path):
        pytest.skip("core_pattern here does not write into the working directory; the limit was checked")
