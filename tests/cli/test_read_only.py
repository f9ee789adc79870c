"""A read-only profile on the command line: write commands refused with their own exit code,
reads still work, and the simulator receives nothing that changes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from simotui.commands.args import ExitCode
from simotui.sim import SimulatorHandle

from .conftest import simotui, text


@pytest.fixture
def read_only_profile(profile: Path) -> Path:
    """The test profile, marked ``readonly = true``."""
    body = profile.read_text(encoding="utf-8")
    profile.write_text(
        body.replace("poll_interval = 0.2\n", "poll_interval = 0.2\nreadonly = true\n"), encoding="utf-8"
    )
    return profile


def test_originate_is_refused_with_its_own_exit_code_and_nothing_is_sent(
    read_only_profile: Path, sim: SimulatorHandle
) -> None:
    before = len(sim.requests)
    result = simotui("originate", "--caller", "557", "--callee", "552")
    out, err = text(result)
    assert result.returncode == ExitCode.READ_ONLY == 8
    assert "read-only" in err
    assert out == ""
    # Not even the ping an originate starts with: the refusal comes before any connection.
    assert sim.requests[before:] == []


def test_reads_still_work_on_a_read_only_profile(read_only_profile: Path) -> None:
    result = simotui("ping")
    assert result.returncode == 0, text(result)[1]


def test_the_exit_code_is_documented_in_help() -> None:
    out, _err = text(simotui("--help"))
    assert "8 refused: read-only" in " ".join(out.split())
