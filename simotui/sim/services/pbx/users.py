"""``pbx/users/*``: the extensions (§6.1, §6.4).

``add`` needs ``name``, ``number`` and ``secret`` and answers the documented odd shape
``{"status":"success","message":"User created successfully","user_id":"<number>"}`` (outside
the envelope, as the sample shows), or with ``SimConfig.users_add_reply = "envelope"`` the
envelope of every other add, ``data: {"_id": ...}`` (§1.3 allows either); a number already used
is ``This number already exists``.
``update`` and ``remove`` find the user by ``_id`` ("Requested operation failed" when there
is none). A user added can be dialled at once (originate, campaigns, components); removed, it
leaves its queues. Fields other than the modelled ones are kept as sent and searched back.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.errors import OK_MESSAGE, OperationFailed
from simotui.sim.models import User
from simotui.sim.query import conditions, filter_rows, truthy
from simotui.sim.services.common import (
    RawReply,
    Reply,
    Service,
    object_id,
    required,
    service,
    text,
    yes_no,
)
from simotui.sim.services.pbx.queues import leave
from simotui.sim.state import SimulatedPbx

DUPLICATE = "This number already exists"
#: Request fields stored on the model itself (everything else goes to ``User.options``).
_MODELLED = {"_id", "id", "name", "number", "secret", "context", "active", "call_record", "email"}
_MODELLED |= {"description", "callgroup", "pickupgroup"}


def find(pbx: SimulatedPbx, oid: str) -> User:
    """The user with ``_id`` ``oid``, else "Requested operation failed"."""
    for user in pbx.users.values():
        if user.oid == oid:
            return user
    raise OperationFailed()


def _options(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in _MODELLED and isinstance(k, str)}


def add(pbx: SimulatedPbx, body: dict[str, Any]) -> RawReply | Reply:
    """``pbx/users/add``."""
    name = required(body, "name")
    number = required(body, "number")
    secret = required(body, "secret")
    if number in pbx.users:
        raise OperationFailed(DUPLICATE)
    now = pbx.now
    user = pbx.users[number] = User(
        oid=pbx.new_oid(now),
        number=number,
        name=name,
        date=now,
        context=text(body, "context", "main_routing") or "main_routing",
        active=yes_no(body, "active", "yes"),
        call_record=yes_no(body, "call_record", "no"),
        secret=secret,
        email=text(body, "email"),
        description=text(body, "description"),
        callgroup=text(body, "callgroup", "1"),
        pickupgroup=text(body, "pickupgroup", "1"),
        options=_options(body),
    )
    pbx.webhooks.exten_added(number)
    if pbx.config.users_add_reply == "envelope":
        return Reply(OK_MESSAGE, {"_id": user.oid})
    return RawReply({"status": "success", "message": "User created successfully", "user_id": number})


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


def update(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/users/update``: change the fields sent; a new number must be free."""
    user = find(pbx, object_id(body, "_id", "id"))
    number = text(body, "number", user.number).strip() or user.number
    if number != user.number and number in pbx.users:
        raise OperationFailed(DUPLICATE)
    active = yes_no(body, "active", user.active)
    call_record = yes_no(body, "call_record", user.call_record)
    if number != user.number:
        old_number = user.number
        del pbx.users[user.number]
        for queue in pbx.queues.values():
            # The agent keeps its place (and pause) in its queues under the new number.
            queue.members = [number if m == user.number else m for m in queue.members]
            if user.number in queue.paused:
                queue.paused.discard(user.number)
                queue.paused.add(number)
            for table in (queue.penalties, queue.sources):
                if user.number in table:
                    table[number] = table.pop(user.number)
        user.number = number
        pbx.users[number] = user
        pbx.webhooks.exten_removed(old_number)  # to the PBX a renumbering is a removal and an addition
        pbx.webhooks.exten_added(number)
    user.name = text(body, "name", user.name).strip() or user.name
    user.secret = text(body, "secret", user.secret) or user.secret
    user.context = text(body, "context", user.context) or user.context
    user.active, user.call_record = active, call_record
    user.email = text(body, "email", user.email)
    user.description = text(body, "description", user.description)
    user.callgroup = text(body, "callgroup", user.callgroup)
    user.pickupgroup = text(body, "pickupgroup", user.pickupgroup)
    user.options.update(_options(body))
    return Reply(OK_MESSAGE, "")


def remove(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/users/remove``: the extension disappears from the directory and its queues."""
    user = find(pbx, object_id(body, "_id", "id"))
    for qnum in list(user.queues):
        queue = pbx.queues.get(qnum)
        if queue is not None and user.number in queue.members:
            leave(pbx, queue, user.number)
    del pbx.users[user.number]
    pbx.webhooks.exten_removed(user.number)
    return Reply(OK_MESSAGE, "")


SERVICES: tuple[Service, ...] = (
    service("pbx/users/add", add),
    service("pbx/users/search", search, "GET"),
    service("pbx/users/update", update, "PUT"),
    service("pbx/users/remove", remove, "DELETE"),
)
