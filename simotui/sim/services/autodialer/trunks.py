"""``autodialer/trunks/*``: the trunk managers campaigns dial through (§5.4)."""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.errors import OK_MESSAGE, OperationFailed
from simotui.sim.query import conditions, filter_rows, truthy
from simotui.sim.services.common import Reply, Service, object_id, service, string_list
from simotui.sim.state import SimulatedPbx


def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/trunks/search`` (alias ``autodialer/trunks``): a bare list."""
    fields: dict[str, Callable[[Any], str | None]] = {
        "title": attrgetter("title"),
        "status": attrgetter("status"),
    }
    rows = filter_rows(list(pbx.trunk_managers.values()), conditions(body), fields, truthy(body.get("alike")))
    return Reply("", [render.trunk_manager(t, pbx.tz) for t in rows])


_DIGITS = re.compile(r"^\d+$")


def update(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/trunks/update``: title, status, capacity, dial interval, cache length."""
    oid = object_id(body, "_id", "id")
    tm = pbx.trunk_managers.get(oid)
    if tm is None:
        raise OperationFailed()
    status = body.get("status")
    if status is not None and status not in ("active", "inactive"):
        raise OperationFailed()
    numeric = {}
    for key in ("capacity", "dial_interval", "wait_cache_length"):
        if key in body and body[key] not in (None, ""):
            value = str(body[key]).strip()
            if not _DIGITS.match(value):
                raise OperationFailed()
            numeric[key] = value
    active_times = body.get("active_times")
    if active_times is not None and not isinstance(active_times, dict):
        raise OperationFailed()
    if isinstance(body.get("title"), str) and body["title"].strip():
        tm.title = body["title"].strip()
    if isinstance(status, str):
        tm.status = status
    for key, value in numeric.items():
        setattr(tm, key, value)
    if isinstance(active_times, dict):
        tm.active_times = {str(k): string_list(v) for k, v in active_times.items()}
    return Reply(OK_MESSAGE, "")


SERVICES: tuple[Service, ...] = (
    service("autodialer/trunks/search", search, "GET"),
    service("autodialer/trunks/update", update, "PUT"),
)
