"""``autodialer/groups/*``: number lists campaigns dial (§5.2)."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.query import SortKey, conditions, filter_rows, pagination, sort_and_page, truthy
from simotui.sim.services.common import Reply, Service, paged, service
from simotui.sim.state import SimulatedPbx


def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/groups/search``: paginated, default sort ``{"date":-1}``."""
    rows = filter_rows(
        sorted(pbx.groups.values(), key=attrgetter("date")),
        conditions(body),
        {"name": attrgetter("name"), "description": attrgetter("description")},
        truthy(body.get("alike")),
    )
    page = pagination(body, {"date": -1})
    keys: dict[str, SortKey] = {
        "date": attrgetter("date"),
        "name": attrgetter("name"),
        "count": lambda g: len(g.numbers),
        "_id": attrgetter("oid"),
    }
    out = [render.group(g, pbx.tz) for g in sort_and_page(rows, page, keys, "date")]
    return Reply("", paged(page.echo(len(rows)), out, None))


SERVICES: tuple[Service, ...] = (service("autodialer/groups/search", search, "GET"),)
