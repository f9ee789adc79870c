"""``pbx/trunks/*``: the SIP trunks (§6.2, §6.4).

``add`` needs ``name``; a name already used (case-insensitively, as originate matches trunk
names) is ``This trunk already exists``. ``update``/``remove`` go by ``_id``. A trunk added
can be named as an originate's ``trunk_name`` (``active`` must be ``yes``); a removed one
cannot. Every field sent is kept as sent and searched back (secrets unmasked, as Simotel does).
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.errors import OK_MESSAGE, OperationFailed
from simotui.sim.models import Trunk
from simotui.sim.query import conditions, filter_rows, truthy
from simotui.sim.services.common import Reply, Service, object_id, required, service, text, yes_no
from simotui.sim.state import SimulatedPbx

DUPLICATE = "This trunk already exists"
_MODELLED = {"_id", "id", "name", "host", "active", "context", "description"}


def find(pbx: SimulatedPbx, oid: str) -> Trunk:
    """The trunk with ``_id`` ``oid``, else "Requested operation failed"."""
    trunk = pbx.trunk_by_oid(oid)
    if trunk is None:
        raise OperationFailed()
    return trunk


def _options(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in _MODELLED and isinstance(k, str)}


def add(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/trunks/add``."""
    name = required(body, "name")
    if pbx.find_trunk(name) is not None:
        raise OperationFailed(DUPLICATE)
    now = pbx.now
    trunk = Trunk(
        oid=pbx.new_oid(now),
        name=name,
        host=text(body, "host"),
        username="",
        secret="",
        date=now,
        active=yes_no(body, "active", "yes"),
        context=text(body, "context", "from-pstn") or "from-pstn",
        description=text(body, "description"),
        options=_options(body),
    )
    trunk.options.setdefault("register_string", "")
    trunk.options.setdefault("more_options", "")
    pbx.trunks[name] = trunk
    return Reply(OK_MESSAGE, {"_id": trunk.oid})


def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/trunks/search``: a bare list with unmasked secrets."""
    rows = filter_rows(
        sorted(pbx.trunks.values(), key=attrgetter("date")),
        conditions(body),
        {"name": attrgetter("name")},
        truthy(body.get("alike")),
    )
    return Reply("", [render.trunk(t, pbx.tz) for t in rows])


def update(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/trunks/update``: a new name must be free."""
    trunk = find(pbx, object_id(body, "_id", "id"))
    name = text(body, "name", trunk.name).strip() or trunk.name
    other = pbx.find_trunk(name)
    if other is not None and other is not trunk:
        raise OperationFailed(DUPLICATE)
    active = yes_no(body, "active", trunk.active)
    if name != trunk.name:
        del pbx.trunks[trunk.name]
        trunk.name = name
        pbx.trunks[name] = trunk
    trunk.active = active
    trunk.host = text(body, "host", trunk.host)
    trunk.context = text(body, "context", trunk.context) or trunk.context
    trunk.description = text(body, "description", trunk.description)
    trunk.options.update(_options(body))
    return Reply(OK_MESSAGE, "")


def remove(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/trunks/remove``."""
    trunk = find(pbx, object_id(body, "_id", "id"))
    del pbx.trunks[trunk.name]
    return Reply(OK_MESSAGE, "")


SERVICES: tuple[Service, ...] = (
    service("pbx/trunks/add", add),
    service("pbx/trunks/search", search, "GET"),
    service("pbx/trunks/update", update, "PUT"),
    service("pbx/trunks/remove", remove, "DELETE"),
)
