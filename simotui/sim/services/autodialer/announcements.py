"""``autodialer/announcements/*``: the audio campaigns play (§5.3).

``upload`` (multipart, one ``file`` part, mp3 or wav) answers the stored name, converted to
``..._.wav`` as documented; a WAV's length is how long a campaign plays it. ``add`` needs
``name`` and the ``filename`` of an uploaded (or seeded) announcement file, else "Requested
operation failed"; ``update``/``remove`` go by ``_id``. Campaigns find it by ``_id``.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.errors import OK_MESSAGE, OperationFailed
from simotui.sim.models import Announcement
from simotui.sim.query import conditions, filter_rows, truthy
from simotui.sim.services.common import (
    Reply,
    Service,
    known_file,
    object_id,
    required,
    service,
    store_upload,
    text,
)
from simotui.sim.state import SimulatedPbx


def upload(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/announcements/upload``."""
    return Reply("", {"filename": store_upload(pbx, body, "autodialer-announcement").name})


def add(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/announcements/add``."""
    name = required(body, "name")
    stored = known_file(pbx, required(body, "filename"), "autodialer-announcement")
    now = pbx.now
    record = Announcement(
        pbx.new_oid(now), name, stored.name, text(body, "description"), now, seconds=stored.seconds
    )
    pbx.announcements[record.oid] = record
    return Reply(OK_MESSAGE, {"_id": record.oid})


def update(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/announcements/update``."""
    record = pbx.announcements.get(object_id(body, "_id", "id"))
    if record is None:
        raise OperationFailed()
    filename = text(body, "filename").strip()
    if filename:
        stored = known_file(pbx, filename, "autodialer-announcement")
        record.filename, record.seconds = stored.name, stored.seconds
    record.name = text(body, "name", record.name).strip() or record.name
    record.description = text(body, "description", record.description)
    return Reply(OK_MESSAGE, "")


def remove(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/announcements/remove``."""
    if pbx.announcements.pop(object_id(body, "_id", "id"), None) is None:
        raise OperationFailed()
    return Reply(OK_MESSAGE, "")


def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/announcements/search``: a bare list (not paginated)."""
    rows = filter_rows(
        sorted(pbx.announcements.values(), key=attrgetter("date")),
        conditions(body),
        {"name": attrgetter("name"), "description": attrgetter("description")},
        truthy(body.get("alike")),
    )
    return Reply("", [render.announcement(a, pbx.tz) for a in rows])


SERVICES: tuple[Service, ...] = (
    service("autodialer/announcements/upload", upload, upload=True),
    service("autodialer/announcements/add", add),
    service("autodialer/announcements/search", search, "GET"),
    service("autodialer/announcements/update", update, "PUT"),
    service("autodialer/announcements/remove", remove, "DELETE"),
)
