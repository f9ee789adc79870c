"""The scripting paths never import Textual when they run (imports: tests/test_import_hygiene.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from simotui.sim import SimulatorHandle


@pytest.mark.parametrize(
    "argv",
    [
        ["ping"],
        ["originate", "--caller", "557", "--callee", "552"],
        ["cdr", "search", "--limit", "2", "--json"],
        ["campaign-report", "--limit", "2", "--csv"],
        ["config", "check"],
        ["locate", "journal"],
        ["history", "--json"],
    ],
)
def test_running_a_subcommand_does_not_import_textual(
    argv: list[str], profile: Path, sim: SimulatorHandle
) -> None:
    code = (
        "import sys\n"
        "from simotui.cli import main\n"
        f"code = main({argv!r})\n"
        "print('textual' in sys.modules, file=sys.stderr)\n"
        "raise SystemExit(code)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().endswith("False"), result.stderr
