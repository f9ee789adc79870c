"""Helpers for simulator tests: the frozen test world, doc samples and JSON shape comparison."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from simotui.sim import SimConfig

DOC_SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "doc_samples"
TEHRAN = ZoneInfo("Asia/Tehran")
#: A fixed virtual "now" (a Monday morning in Tehran) so every run sees the same world.
START = datetime(2024, 5, 20, 10, 0, 0, tzinfo=TEHRAN)
AUTH = ("admin", "simotel")
KEY_HEADER = {"X-APIKEY": "simotui-demo-key"}

#: Response keys whose *names* are data (weekday numbers, dispositions), not schema.
DATA_KEYED = {"active_times", "disposition"}


def frozen_config(**overrides: Any) -> SimConfig:
    """A SimConfig with a frozen clock at ``START``."""
    values: dict[str, Any] = {"seed": 7, "speed": 0.0, "start_time": START}
    values.update(overrides)
    return SimConfig(**values)


def load_sample(name: str) -> dict[str, Any]:
    """One documented example (``tests/fixtures/doc_samples/<name>``)."""
    data: dict[str, Any] = json.loads((DOC_SAMPLES / name).read_text(encoding="utf-8"))
    return data


def json_type(value: Any) -> str:
    """The JSON type name, keeping int and float apart."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _alike(documented: dict[str, Any], candidates: list[Any]) -> Any:
    """The candidate with the documented ``_id`` if one is present, else the first."""
    doc_id = documented.get("_id")
    for item in candidates:
        if isinstance(item, dict) and doc_id is not None and item.get("_id") == doc_id:
            return item
    return candidates[0]


def shape_problems(documented: Any, actual: Any, path: str = "$") -> list[str]:
    """Differences in keys and JSON types, recursively (lists: first documented item)."""
    expected_type, actual_type = json_type(documented), json_type(actual)
    if expected_type != actual_type:
        return [f"{path}: documented {expected_type}, got {actual_type} ({actual!r:.80})"]
    problems: list[str] = []
    if isinstance(documented, dict):
        key = path.rsplit(".", 1)[-1]
        if key in DATA_KEYED:
            values = list(actual.values())
            if documented and values:
                problems += shape_problems(next(iter(documented.values())), values[0], f"{path}.*")
            return problems
        missing = sorted(set(documented) - set(actual))
        extra = sorted(set(actual) - set(documented))
        if missing:
            problems.append(f"{path}: missing keys {missing}")
        if extra:
            problems.append(f"{path}: unexpected keys {extra}")
        for name in documented.keys() & actual.keys():
            problems += shape_problems(documented[name], actual[name], f"{path}.{name}")
    elif isinstance(documented, list) and documented:
        if not actual:
            return [f"{path}: documented a non-empty list, got []"]
        first = documented[0]
        chosen = _alike(first, actual) if isinstance(first, dict) else actual[0]
        problems += shape_problems(first, chosen, f"{path}[0]")
    return problems
