"""``pbx/announcements/*``: the PBX's sound files for dialplan Announcement components (§6.4).

``upload`` takes ``multipart/form-data`` with one part named ``file`` and answers the name
the PBX gave it (``sim.files``) with ``"1 file(s) uploaded successfully"``. ``add`` needs
``name`` and a ``filename`` the PBX has (uploaded, or a seeded announcement's), else
"Requested operation failed"; ``update``/``remove`` go by ``_id``.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.errors import OK_MESSAGE, OperationFailed
from simotui.sim.models import PbxAnnouncement
from simotui.sim.query import conditions, filter_rows, truthy
from simotui.sim.services.common import (
    UPLOADED_MESSAGE,
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


def _find(pbx: SimulatedPbx, oid: str) -> PbxAnnouncement:
    found = pbx.pbx_announcements.get(oid)
    if found is None:
        raise OperationFailed()
    return found


def upload(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/announcements/upload``."""
    return Reply(UPLOADED_MESSAGE, {"filename": store_upload(pbx, body, "announcement").name})


def add(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/announcements/add``."""
    name = required(body, "name")
    filename = known_file(pbx, required(body, "filename"), "announcement").name
    now = pbx.now
    record = PbxAnnouncement(pbx.new_oid(now), name, filename, text(body, "comment"), now)
    pbx.pbx_announcements[record.oid] = record
    return Reply(OK_MESSAGE, {"_id": record.oid})


def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/announcements/search``: a bare list."""
    rows = filter_rows(
        sorted(pbx.pbx_announcements.values(), key=attrgetter("date")),
        conditions(body),
        {"name": attrgetter("name"), "comment": attrgetter("comment"), "filename": attrgetter("filename")},
        truthy(body.get("alike")),
    )
    return Reply("", [render.pbx_announcement(a, pbx.tz) for a in rows])


def update(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/announcements/update``."""
    record = _find(pbx, object_id(body, "_id", "id"))
    filename = text(body, "filename").strip()
    if filename:
        record.filename = known_file(pbx, filename, "announcement").name
    record.name = text(body, "name", record.name).strip() or record.name
    record.comment = text(body, "comment", record.comment)
    return Reply(OK_MESSAGE, "")


def remove(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/announcements/remove``."""
    del pbx.pbx_announcements[_find(pbx, object_id(body, "_id", "id")).oid]
    return Reply(OK_MESSAGE, "")


SERVICES: tuple[Service, ...] = (
    service("pbx/announcements/upload", upload, upload=True),
    service("pbx/announcements/add", add),
    service("pbx/announcements/search", search, "GET"),
    service("pbx/announcements/update", update, "PUT"),
    service("pbx/announcements/remove", remove, "DELETE"),
)
