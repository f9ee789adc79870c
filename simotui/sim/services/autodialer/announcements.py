"""``autodialer/announcements/*``: the audio campaigns play (§5.3)."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.query import conditions, filter_rows, truthy
from simotui.sim.services.common import Reply, Service, service
from simotui.sim.state import SimulatedPbx


def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/announcements/search``: a bare list (not paginated)."""
    rows = filter_rows(
        sorted(pbx.announcements.values(), key=attrgetter("date")),
        conditions(body),
        {"name": attrgetter("name"), "description": attrgetter("description")},
        truthy(body.get("alike")),
    )
    return Reply("", [render.announcement(a, pbx.tz) for a in rows])


SERVICES: tuple[Service, ...] = (service("autodialer/announcements/search", search, "GET"),)
