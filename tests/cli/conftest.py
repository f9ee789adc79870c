"""CLI tests: an isolated config and data directory, and a profile aimed at the test simulator."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from simotui.sim import SimulatorHandle

# The profile reads its secrets from these; their values are grepped for in every output.
PASSWORD_VARIABLE = "SIMOTUI_TEST_SIM_PASSWORD"
KEY_VARIABLE = "SIMOTUI_TEST_SIM_KEY"


@pytest.fixture
def profile(sim: SimulatorHandle, isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config whose default profile ``test`` targets the session simulator, secrets from env."""
    monkeypatch.setenv(PASSWORD_VARIABLE, sim.settings.password)
    monkeypatch.setenv(KEY_VARIABLE, sim.settings.api_key)
    path = isolated / "config.toml"
    path.write_text(
        f"""default_profile = "test"

[profiles.test]
url = "{sim.url}"
auth = "both"
username = "{sim.settings.username}"
password = "${{{PASSWORD_VARIABLE}}}"
api_key = "${{{KEY_VARIABLE}}}"
poll_interval = 0.2

[profiles.test.dial]
timeout = 20
call_limit = 20
""",
        encoding="utf-8",
    )
    return path


def simotui(
    *args: str, env: dict[str, str] | None = None, timeout: float = 90
) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m simotui ARGS`` with this test's environment (plus ``env``)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "simotui", *args],
        capture_output=True,
        env=full_env,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
    )


def text(result: subprocess.CompletedProcess[bytes]) -> tuple[str, str]:
    """Stdout and stderr as text."""
    return result.stdout.decode(), result.stderr.decode()


def assert_no_secret(result: subprocess.CompletedProcess[bytes], secrets: Sequence[str]) -> None:
    """No secret value appears in either stream."""
    for secret in secrets:
        assert secret.encode() not in result.stdout
        assert secret.encode() not in result.stderr
