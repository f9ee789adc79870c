"""``voicemails/*``: voicemail boxes and their inbox (§6.4).

Boxes: ``add`` needs ``name``, ``number`` and ``password``; a number another box has is
``This number already exists``; the yes/no options are kept as sent (``no`` when absent)
and searched back; ``update``/``remove`` go by ``_id`` (a removed box's messages stay in
the inbox, as Mongo documents would). The inbox is paginated (default sort
``{"date":-1}``, ``date_range`` optional, ``conditions.number`` = the box,
``conditions.src`` = the caller); a message's ``filename`` downloads through
``reports/audio/download`` (the PHP SDK's ``voicemails/audio/download`` is an alias).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.errors import OK_MESSAGE, OperationFailed
from simotui.sim.models import InboxMessage, Voicemail
from simotui.sim.query import SortKey, conditions, date_range, filter_rows, pagination, sort_and_page, truthy
from simotui.sim.services.common import Reply, Service, object_id, paged, required, service, text, yes_no
from simotui.sim.state import SimulatedPbx

DUPLICATE = "This number already exists"


def _flags(body: dict[str, Any], current: dict[str, str]) -> dict[str, str]:
    flags = dict(current)
    for flag in render.VOICEMAIL_FLAGS:
        flags[flag] = yes_no(body, flag, current.get(flag, "no"))
    if "more_options" in body:
        flags["more_options"] = text(body, "more_options")
    return flags


def _find(pbx: SimulatedPbx, oid: str) -> Voicemail:
    box = pbx.voicemails.get(oid)
    if box is None:
        raise OperationFailed()
    return box


def add(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``voicemails/voicemails/add``."""
    name = required(body, "name")
    number = required(body, "number")
    password = required(body, "password")
    if any(box.number == number for box in pbx.voicemails.values()):
        raise OperationFailed(DUPLICATE)
    now = pbx.now
    box = Voicemail(pbx.new_oid(now), name, number, password, text(body, "email"), now, _flags(body, {}))
    pbx.voicemails[box.oid] = box
    return Reply(OK_MESSAGE, {"_id": box.oid})


def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``voicemails/voicemails/search``: a bare list."""
    rows = filter_rows(
        sorted(pbx.voicemails.values(), key=attrgetter("date")),
        conditions(body),
        {"name": attrgetter("name"), "number": attrgetter("number"), "email": attrgetter("email")},
        truthy(body.get("alike")),
    )
    return Reply("", [render.voicemail(v, pbx.tz) for v in rows])


def update(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``voicemails/voicemails/update``."""
    box = _find(pbx, object_id(body, "_id", "id"))
    number = text(body, "number", box.number).strip() or box.number
    if any(b.number == number and b is not box for b in pbx.voicemails.values()):
        raise OperationFailed(DUPLICATE)
    flags = _flags(body, box.flags)
    box.number, box.flags = number, flags
    box.name = text(body, "name", box.name).strip() or box.name
    box.password = text(body, "password", box.password) or box.password
    box.email = text(body, "email", box.email)
    return Reply(OK_MESSAGE, "")


def remove(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``voicemails/voicemails/remove``."""
    del pbx.voicemails[_find(pbx, object_id(body, "_id", "id")).oid]
    return Reply(OK_MESSAGE, "")


_INBOX_FIELDS: dict[str, Callable[[InboxMessage], str | None]] = {
    "number": attrgetter("number"),
    "src": attrgetter("caller_id"),
    "caller_id": attrgetter("caller_id"),
}
_INBOX_SORT: dict[str, SortKey] = {
    "date": attrgetter("date"),
    "number": attrgetter("number"),
    "caller_id": attrgetter("caller_id"),
    "duration": attrgetter("duration"),
    "_id": attrgetter("oid"),
}


def inbox_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``voicemails/inbox/search``: paginated messages."""
    span = date_range(body, pbx.tz, required=False)
    lo, hi = span if span is not None else (None, None)
    rows = filter_rows(pbx.inbox.between(lo, hi), conditions(body), _INBOX_FIELDS, truthy(body.get("alike")))
    page = pagination(body, {"date": -1})
    out = [render.inbox_message(m, pbx.tz) for m in sort_and_page(rows, page, _INBOX_SORT, "date")]
    return Reply("", paged(page.echo(len(rows)), out, None))


SERVICES: tuple[Service, ...] = (
    service("voicemails/voicemails/add", add),
    service("voicemails/voicemails/search", search, "GET"),
    service("voicemails/voicemails/update", update, "PUT"),
    service("voicemails/voicemails/remove", remove, "DELETE"),
    service("voicemails/inbox/search", inbox_search, "GET"),
)
