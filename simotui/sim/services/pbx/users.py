"""``pbx/users/*``: the extensions (§6.1)."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.query import conditions, filter_rows, truthy
from simotui.sim.services.common import Reply, Service, service
from simotui.sim.state import SimulatedPbx


def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/users/search``: a bare list; ``status:"mapped"`` keeps operator-mapped extensions."""
    conds = conditions(body)
    for name in ("name", "number"):
        if name not in conds and isinstance(body.get(name), str | int):
            conds[name] = str(body[name])
    alike = truthy(body.get("alike"))
    users = sorted(pbx.users.values(), key=lambda u: (len(u.number), u.number))
    rows = list(
        filter_rows(users, conds, {"name": attrgetter("name"), "number": attrgetter("number")}, alike)
    )
    mapped_only = str(body.get("status", "all")).lower() == "mapped" or truthy(conds.get("mapped"))
    if mapped_only:
        rows = [u for u in rows if u.mapped]
    return Reply("", [render.user(u, pbx.tz) for u in rows])


SERVICES: tuple[Service, ...] = (service("pbx/users/search", search, "GET"),)
