"""``autodialer/campaigns/*``: campaigns (§5.5); the engine that runs them is ``sim.autodialer``."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.errors import OK_MESSAGE, OperationFailed
from simotui.sim.models import Campaign
from simotui.sim.query import SortKey, conditions, filter_rows, pagination, sort_and_page, truthy
from simotui.sim.services.common import (
    Reply,
    Service,
    object_id,
    optional_int,
    paged,
    request_date,
    required,
    service,
    string_list,
)
from simotui.sim.state import SimulatedPbx

_CAMPAIGN_SORT: dict[str, SortKey] = {
    "date": attrgetter("date"),
    "name": attrgetter("name"),
    "start": attrgetter("start"),
    "end": attrgetter("end"),
    "status": attrgetter("status"),
    "count": attrgetter("count"),
    "repeat": attrgetter("repeat"),
    "_id": attrgetter("oid"),
}


def _campaign_fields(pbx: SimulatedPbx, body: dict[str, Any]) -> dict[str, object]:
    """Stored campaign fields present in a request body (strings kept as Simotel keeps them)."""
    out: dict[str, object] = {}
    for key in (
        "name",
        "trunk_manager_id",
        "interface_context",
        "interface_text",
        "announcement",
        "description",
    ):
        if key in body and body[key] is not None:
            out[key] = str(body[key])
    for key, attr in (("try_interval", "try_interval"), ("try", "tries")):
        if key in body and body[key] is not None and body[key] != "":
            if optional_int(body, key) is None:
                raise OperationFailed()
            out[attr] = str(body[key]).strip()
    if "numbers" in body:
        out["numbers"] = string_list(body["numbers"])
    if "groups" in body:
        out["groups"] = string_list(body["groups"])
    if body.get("start"):
        out["start"] = request_date(pbx, body["start"])
    if body.get("end"):
        out["end"] = request_date(pbx, body["end"])
    if "count" in body and body["count"] not in (None, ""):
        count = optional_int(body, "count")
        out["count"] = count if count is not None else 0
    return out


def add(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/campaigns/add``: store a waiting campaign; it runs from ``start``."""
    required(body, "name")
    required(body, "trunk_manager_id")
    fields = _campaign_fields(pbx, body)
    now = pbx.now
    start = float(fields.pop("start", now))  # type: ignore[arg-type]
    end = float(fields.pop("end", start + 86400))  # type: ignore[arg-type]
    if end < start:
        raise OperationFailed()
    numbers = list(fields.pop("numbers", []))  # type: ignore[call-overload]
    groups = list(fields.pop("groups", []))  # type: ignore[call-overload]
    campaign = Campaign(
        oid=pbx.new_oid(now),
        name=str(fields.pop("name")),
        trunk_manager_id=str(fields.pop("trunk_manager_id")),
        interface_context=str(fields.pop("interface_context", "")),
        interface_text=str(fields.pop("interface_text", "")),
        numbers=numbers,
        groups=groups,
        try_interval=str(fields.pop("try_interval", "600")),
        tries=str(fields.pop("tries", "1")),
        start=start,
        end=end,
        announcement=str(fields.pop("announcement", "")),
        description=str(fields.pop("description", "")),
        count=0,
        date=now,
    )
    count = fields.pop("count", None)
    campaign.count = count if isinstance(count, int) else len(pbx.campaign_numbers(campaign))
    pbx.add_campaign(campaign)
    return Reply(OK_MESSAGE, {"_id": campaign.oid})


def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/campaigns/search``: paginated, default sort ``{"date":-1}``."""
    fields: dict[str, Callable[[Campaign], str | None]] = {
        "name": attrgetter("name"),
        "description": attrgetter("description"),
        "status": attrgetter("status"),
    }
    campaigns = sorted(pbx.campaigns.values(), key=attrgetter("date"))
    rows = filter_rows(campaigns, conditions(body), fields, truthy(body.get("alike")))
    page = pagination(body, {"date": -1})
    out = [
        render.campaign(c, pbx.tz, pbx.reports_by_campaign.get(c.oid, []))
        for c in sort_and_page(rows, page, _CAMPAIGN_SORT, "date")
    ]
    return Reply("", paged(page.echo(len(rows)), out, None))


def update(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/campaigns/update``: answers ``{"count": 0}`` as documented."""
    oid = object_id(body, "_id", "id")
    changes = _campaign_fields(pbx, body)
    campaign = pbx.campaigns.get(oid)
    if campaign is None:
        raise OperationFailed()
    start = float(changes.get("start", campaign.start))  # type: ignore[arg-type]
    end = float(changes.get("end", campaign.end))  # type: ignore[arg-type]
    if end < start:
        raise OperationFailed()
    pbx.update_campaign(oid, changes)
    return Reply(OK_MESSAGE, {"count": 0})


def remove(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/campaigns/remove``."""
    pbx.remove_campaign(object_id(body, "_id", "id"))
    return Reply(OK_MESSAGE, "")


SERVICES: tuple[Service, ...] = (
    service("autodialer/campaigns/add", add),
    service("autodialer/campaigns/search", search, "GET"),
    service("autodialer/campaigns/update", update, "PUT"),
    service("autodialer/campaigns/remove", remove, "DELETE"),
)
