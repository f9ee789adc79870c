"""``autodialer/groups/*``: number lists campaigns dial (§5.2).

``upload`` takes a CSV (multipart, one ``file`` part; every cell made of digits is a number,
the layout being undocumented) and answers its stored name. ``add`` needs ``name`` and either
``numbers`` or the ``filename`` of an uploaded CSV (``Field 'numbers':value is missing``
without both; an unknown file fails). ``update`` answers the group as stored (numbers, a
``$date``, ``count``), as documented. A campaign naming a group dials its numbers as they are
when the campaign starts.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.errors import OK_MESSAGE, OperationFailed, missing_field
from simotui.sim.models import Group
from simotui.sim.query import SortKey, conditions, filter_rows, pagination, sort_and_page, truthy
from simotui.sim.services.common import (
    Reply,
    Service,
    known_file,
    object_id,
    paged,
    required,
    service,
    store_upload,
    string_list,
    text,
)
from simotui.sim.state import SimulatedPbx


def upload(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/groups/upload``."""
    return Reply("", {"filename": store_upload(pbx, body, "group").name})


def _numbers(pbx: SimulatedPbx, body: dict[str, Any]) -> list[str] | None:
    """The group's numbers from ``numbers`` or an uploaded ``filename`` (``None``: neither sent)."""
    if body.get("numbers") not in (None, "", []):
        return [n for n in string_list(body.get("numbers")) if n]
    filename = text(body, "filename").strip()
    if filename:
        return list(known_file(pbx, filename, "group").numbers)
    return None


def add(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/groups/add``."""
    name = required(body, "name")
    numbers = _numbers(pbx, body)
    if numbers is None:
        raise missing_field("numbers")
    now = pbx.now
    group = Group(pbx.new_oid(now), name, text(body, "description"), numbers, now)
    pbx.groups[group.oid] = group
    return Reply(OK_MESSAGE, {"_id": group.oid})


def update(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/groups/update``: answers the updated group."""
    group = pbx.groups.get(object_id(body, "_id", "id"))
    if group is None:
        raise OperationFailed()
    numbers = _numbers(pbx, body)
    if numbers is not None:
        group.numbers = numbers
    group.name = text(body, "name", group.name).strip() or group.name
    group.description = text(body, "description", group.description)
    return Reply(OK_MESSAGE, render.group_detail(group))


def remove(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/groups/remove``."""
    if pbx.groups.pop(object_id(body, "_id", "id"), None) is None:
        raise OperationFailed()
    return Reply(OK_MESSAGE, "")


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


SERVICES: tuple[Service, ...] = (
    service("autodialer/groups/upload", upload, upload=True),
    service("autodialer/groups/add", add),
    service("autodialer/groups/search", search, "GET"),
    service("autodialer/groups/update", update, "PUT"),
    service("autodialer/groups/remove", remove, "DELETE"),
)
