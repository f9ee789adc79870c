"""``autodialer/contacts/*``: the autodialer's address book (§5.1).

``add`` needs ``name`` and ``number`` and answers ``{"_id": null}`` as documented (an upsert
on the number: adding a number again renames the contact). Search is paginated, default sort
``{"name":1}``; ``update``/``remove`` go by ``_id``.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.errors import OK_MESSAGE, OperationFailed
from simotui.sim.models import Contact
from simotui.sim.query import SortKey, conditions, filter_rows, pagination, sort_and_page, truthy
from simotui.sim.services.common import Reply, Service, object_id, paged, required, service, text
from simotui.sim.state import SimulatedPbx


def add(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/contacts/add``."""
    name = required(body, "name")
    number = required(body, "number")
    for contact in pbx.contacts.values():
        if contact.number == number:
            contact.name = name
            contact.description = text(body, "description", contact.description)
            return Reply(OK_MESSAGE, {"_id": None})
    now = pbx.now
    contact = Contact(pbx.new_oid(now), name, number, text(body, "description"), now)
    pbx.contacts[contact.oid] = contact
    return Reply(OK_MESSAGE, {"_id": None})


_FIELDS: dict[str, Callable[[Contact], str | None]] = {
    "name": attrgetter("name"),
    "number": attrgetter("number"),
    "description": attrgetter("description"),
}
_SORT: dict[str, SortKey] = {
    "name": attrgetter("name"),
    "number": attrgetter("number"),
    "date": attrgetter("date"),
    "_id": attrgetter("oid"),
}


def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/contacts/search``: paginated, default sort ``{"name":1}``."""
    rows = filter_rows(
        sorted(pbx.contacts.values(), key=attrgetter("name")),
        conditions(body),
        _FIELDS,
        truthy(body.get("alike")),
    )
    page = pagination(body, {"name": 1})
    out = [render.contact(c, pbx.tz) for c in sort_and_page(rows, page, _SORT, "name")]
    return Reply("", paged(page.echo(len(rows)), out, None))


def update(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/contacts/update``."""
    contact = pbx.contacts.get(object_id(body, "_id", "id"))
    if contact is None:
        raise OperationFailed()
    contact.name = text(body, "name", contact.name).strip() or contact.name
    contact.number = text(body, "number", contact.number).strip() or contact.number
    contact.description = text(body, "description", contact.description)
    return Reply(OK_MESSAGE, "")


def remove(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/contacts/remove``."""
    if pbx.contacts.pop(object_id(body, "_id", "id"), None) is None:
        raise OperationFailed()
    return Reply(OK_MESSAGE, "")


SERVICES: tuple[Service, ...] = (
    service("autodialer/contacts/add", add),
    service("autodialer/contacts/search", search, "GET"),
    service("autodialer/contacts/update", update, "PUT"),
    service("autodialer/contacts/remove", remove, "DELETE"),
)
