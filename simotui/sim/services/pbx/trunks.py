"""``pbx/trunks/*``: the SIP trunks (§6.2)."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.query import conditions, filter_rows, truthy
from simotui.sim.services.common import Reply, Service, service
from simotui.sim.state import SimulatedPbx


def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/trunks/search``: a bare list with unmasked secrets."""
    rows = filter_rows(
        sorted(pbx.trunks.values(), key=attrgetter("date")),
        conditions(body),
        {"name": attrgetter("name")},
        truthy(body.get("alike")),
    )
    return Reply("", [render.trunk(t, pbx.tz) for t in rows])


SERVICES: tuple[Service, ...] = (service("pbx/trunks/search", search, "GET"),)
