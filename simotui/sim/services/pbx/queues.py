"""``pbx/queues/*``: the queues and their agents (§6.3, §6.4)."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.query import conditions, filter_rows, truthy
from simotui.sim.services.common import Reply, Service, service
from simotui.sim.state import SimulatedPbx


def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/queues/search``: a bare list."""
    rows = filter_rows(
        sorted(pbx.queues.values(), key=attrgetter("date")),
        conditions(body),
        {"name": attrgetter("name"), "number": attrgetter("number")},
        truthy(body.get("alike")),
    )
    return Reply("", [render.queue(q, pbx.tz) for q in rows])


SERVICES: tuple[Service, ...] = (service("pbx/queues/search", search, "GET"),)
