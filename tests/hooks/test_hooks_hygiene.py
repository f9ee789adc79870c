"""``simotui.hooks`` is core code: it never imports Textual (STYLE convention 1)."""

from __future__ import annotations

import subprocess
import sys


def test_hooks_do_not_import_textual() -> None:
    code = "import sys, simotui.hooks; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
