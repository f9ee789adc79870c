"""Import hygiene: the layers of ARCHITECTURE.md, checked two ways.

The import-linter contracts in ``pyproject.toml`` check every import statement; this module also
checks what a fresh interpreter actually loads, which catches an import done at run time.
"""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import simotui

ROOT = Path(__file__).resolve().parents[1]
UI = "simotui.ui"
# The entry point opens the console, loading Textual then; importing it must not.
CORE = sorted(
    info.name
    for info in pkgutil.walk_packages(simotui.__path__, "simotui.")
    if not (info.name == UI or info.name.startswith(UI + ".")) and info.name != "simotui.__main__"
)


def test_the_import_contracts_hold() -> None:
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert linter is not None, "import-linter is a dev dependency (make test installs it)"
    result = subprocess.run([linter], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_core_module_loads_textual() -> None:
    assert "simotui.calls.tracker" in CORE and "simotui.cli" in CORE
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "    if 'textual' in sys.modules:\n"
        "        print(name); break\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"{result.stdout.strip()} pulled in textual"
