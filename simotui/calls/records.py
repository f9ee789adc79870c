"""Tracked calls as flat records: what the live panel exports (CSV, JSON) and copies.

One row per call, with the words the panel shows: no Textual, so the CLI could use it too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import Any

from simotui.calls.model import Call

CALL_FIELDS = (
    "key",
    "mode",
    "originated_call_id",
    "campaign_id",
    "caller",
    "callee",
    "state",
    "placement",
    "disposition",
    "billsec",
    "wait",
    "requested_at",
    "ended_at",
    "trunk",
    "note",
)


def call_record(call: Call, tz: tzinfo, mask: Callable[[str], str] = str) -> dict[str, Any]:
    """One call as a flat record (times ISO in the PBX zone; numbers through ``mask``)."""
    leg = call.main_leg
    return {
        "key": call.key,
        "mode": call.mode.value,
        "originated_call_id": call.call_id or None,
        "campaign_id": call.campaign_id or None,
        "caller": mask(call.caller),
        "callee": mask(call.callee),
        "state": call.state.value,
        "placement": call.placement.value,
        "disposition": str(call.disposition) if call.disposition is not None else None,
        "billsec": leg.billsec if leg is not None else None,
        "wait": leg.wait if leg is not None else None,
        "requested_at": call.requested_at.astimezone(tz).isoformat(timespec="seconds"),
        "ended_at": call.ended_at.astimezone(tz).isoformat(timespec="seconds") if call.ended_at else None,
        "trunk": call.dial.trunk_name or None,
        "note": mask(call.note) if call.note else None,
    }


def write_calls(
    calls: Sequence[Call], target: Path, fmt: str, tz: tzinfo, mask: Callable[[str], str] = str
) -> int:
    """Write calls to ``target`` as ``csv`` or ``json`` (0600: it holds numbers); returns how many."""
    import csv
    import os

    from simotui.private import private_fd

    records = [call_record(call, tz, mask) for call in calls]
    target.parent.mkdir(parents=True, exist_ok=True)
    with os.fdopen(private_fd(target), "w", encoding="utf-8", newline="") as handle:
        if fmt == "json":
            json.dump(records, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        else:
            writer = csv.writer(handle)
            writer.writerow(CALL_FIELDS)
            writer.writerows([_csv(record[name]) for name in CALL_FIELDS] for record in records)
    return len(records)


def _csv(value: Any) -> str:
    return "" if value is None else str(value)


def calls_text(rows: Iterable[Sequence[str]]) -> str:
    """Rows of cells as tab-separated lines (what ``Y`` copies)."""
    return "\n".join("\t".join(row) for row in rows)
