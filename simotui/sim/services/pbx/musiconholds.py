"""``pbx/musiconholds/search``: the music-on-hold classes queues play (§6.4); read-only in the API."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.query import conditions, filter_rows, truthy
from simotui.sim.services.common import Reply, Service, service
from simotui.sim.state import SimulatedPbx


def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/musiconholds/search``: a bare list of classes with their files."""
    rows = filter_rows(
        sorted(pbx.music_on_hold.values(), key=attrgetter("date")),
        conditions(body),
        {"name": attrgetter("name")},
        truthy(body.get("alike")),
    )
    return Reply("", [render.music_on_hold(m, pbx.tz) for m in rows])


SERVICES: tuple[Service, ...] = (service("pbx/musiconholds/search", search, "GET"),)
