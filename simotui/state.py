"""What the console remembers between sessions (the chosen theme): a small JSON file in the user
state directory — never written into the user's config file, which is theirs to edit.

Reading never fails: a missing, unreadable or foreign file is an empty memory.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from simotui import paths


def load_state(path: Path | None = None) -> dict[str, Any]:
    """The remembered choices (empty when there are none or the file cannot be read)."""
    path = path if path is not None else paths.state_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember(key: str, value: str, path: Path | None = None) -> bool:
    """Keep one choice (written whole, then renamed into place); False when it could not be."""
    path = path if path is not None else paths.state_file()
    state = load_state(path)
    if state.get(key) == value:
        return True
    state[key] = value
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        scratch = path.with_name(path.name + ".tmp")
        scratch.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(scratch, path)
    except OSError:
        with contextlib.suppress(OSError):
            path.with_name(path.name + ".tmp").unlink()
        return False
    return True
