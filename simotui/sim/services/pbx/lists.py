"""``pbx/blacklists/*`` and ``pbx/whitelists/*``: numbers the PBX refuses, and exceptions (§6.4).

What a list does to calls (the docs say nothing): every leg the simulator would dial to a
blacklisted number fails before it is dialled, like an unreachable number -- an originate
whose first party is blacklisted leaves the ``OutgoingSpoolFailed`` row, one whose second
party is blacklisted a ``FAILED`` CDR, a campaign number is ``LOST`` -- unless the number is
also whitelisted (the whitelist is the exception list). Pins and the outcome rules come after.

``add`` needs ``number`` and answers ``{"_id": null}`` as documented: it is an upsert on the
number (adding a listed number again updates its comment or labels), which is also what a
null id suggests. ``update`` to a number another entry has is ``This number already exists``.
Whitelist searches show the numbers masked (``0912*******``) but filter on the real ones.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.errors import OK_MESSAGE, OperationFailed
from simotui.sim.models import ListEntry
from simotui.sim.query import conditions, filter_rows, truthy
from simotui.sim.services.common import (
    Handler,
    Reply,
    Service,
    object_id,
    required,
    service,
    string_list,
    text,
)
from simotui.sim.state import SimulatedPbx

DUPLICATE = "This number already exists"


def _entries(pbx: SimulatedPbx, whitelist: bool) -> dict[str, ListEntry]:
    return pbx.whitelist if whitelist else pbx.blacklist


def _handlers(whitelist: bool) -> dict[str, Handler]:
    def add(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
        number = required(body, "number")
        entries = _entries(pbx, whitelist)
        labels = string_list(body.get("labels")) if whitelist else []
        for entry in entries.values():
            if entry.number == number:
                entry.comment = text(body, "comment", entry.comment)
                if "labels" in body:
                    entry.labels = labels
                return Reply(OK_MESSAGE, {"_id": None})
        now = pbx.now
        entry = ListEntry(pbx.new_oid(now), number, text(body, "comment"), now, labels)
        entries[entry.oid] = entry
        return Reply(OK_MESSAGE, {"_id": None})

    def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
        fields: dict[str, Callable[[ListEntry], str | None]] = {
            "number": attrgetter("number"),
            "comment": attrgetter("comment"),
        }
        rows = filter_rows(
            sorted(_entries(pbx, whitelist).values(), key=attrgetter("date")),
            conditions(body),
            fields,
            truthy(body.get("alike")),
        )
        return Reply("", [render.list_entry(e, pbx.tz, whitelist=whitelist) for e in rows])

    def update(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
        entries = _entries(pbx, whitelist)
        entry = entries.get(object_id(body, "_id", "id"))
        if entry is None:
            raise OperationFailed()
        number = text(body, "number", entry.number).strip() or entry.number
        if any(e.number == number and e is not entry for e in entries.values()):
            raise OperationFailed(DUPLICATE)
        entry.number = number
        entry.comment = text(body, "comment", entry.comment)
        if whitelist and "labels" in body:
            entry.labels = string_list(body.get("labels"))
        return Reply(OK_MESSAGE, "")

    def remove(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
        if _entries(pbx, whitelist).pop(object_id(body, "_id", "id"), None) is None:
            raise OperationFailed()
        return Reply(OK_MESSAGE, "")

    kind = "whitelist" if whitelist else "blacklist"
    for action, handler in (("add", add), ("search", search), ("update", update), ("remove", remove)):
        handler.__doc__ = f"``pbx/{kind}s/{action}``."
    return {"add": add, "search": search, "update": update, "remove": remove}


def _services(whitelist: bool) -> tuple[Service, ...]:
    handlers = _handlers(whitelist)
    base = f"pbx/{'whitelists' if whitelist else 'blacklists'}"
    return (
        service(f"{base}/add", handlers["add"]),
        service(f"{base}/search", handlers["search"], "GET"),
        service(f"{base}/update", handlers["update"], "PUT"),
        service(f"{base}/remove", handlers["remove"], "DELETE"),
    )


SERVICES: tuple[Service, ...] = _services(whitelist=False) + _services(whitelist=True)
