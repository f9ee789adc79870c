"""The scripting paths never import Textual: not when imported, and not when they run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from simotui.sim import SimulatorHandle

MODULES = [
    "simotui.cli",
    "simotui.config",
    "simotui.paths",
    "simotui.store",
    "simotui.store.journal",
    "simotui.store.restore",
    "simotui.commands.common",
    "simotui.commands.ping",
    "simotui.commands.originate",
    "simotui.commands.cdr",
    "simotui.commands.campaign_report",
    "simotui.commands.recording",
    "simotui.commands.config_cmd",
    "simotui.commands.locate",
]


@pytest.mark.parametrize("module", MODULES)
def test_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False", f"{module} pulled in textual"


@pytest.mark.parametrize(
    "argv",
    [
        ["ping"],
        ["originate", "--caller", "557", "--callee", "552"],
        ["cdr", "search", "--limit", "2", "--json"],
        ["campaign-report", "--limit", "2", "--csv"],
        ["config", "check"],
        ["locate", "journal"],
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
