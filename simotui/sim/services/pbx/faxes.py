"""``pbx/faxes/*``: outgoing faxes (§6.4).

``upload`` (multipart, one ``file`` part) answers the stored name (``sen_file-..._.tiff``).
``add`` sends a fax: the file must be an uploaded (or seeded) one, or ``text`` is sent
instead; the destination is ``to`` (a PSTN number, through ``trunk_name``) or else ``ext``;
``src`` is ``sender_id``. Missing both file and text: ``Field 'file':value is missing``;
neither destination: ``Field 'to':value is missing``; an unknown trunk fails. The fax is
``SENDING`` for ``FAX_SECONDS`` of virtual time, then ``SENT`` when its destination would
answer a call (``outcomes``, pins and blacklists included) or ``FAILED`` (the docs name no
other states). ``download`` by ``_id`` returns the TIFF (a blank page for a text fax or a
seeded one); an unknown id is Apache's 404.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.errors import OK_MESSAGE, OperationFailed, missing_field
from simotui.sim.files import BLANK_TIFF
from simotui.sim.models import Fax
from simotui.sim.outcomes import Outcome
from simotui.sim.query import SortKey, conditions, date_range, filter_rows, pagination, sort_and_page, truthy
from simotui.sim.services.common import (
    UPLOADED_MESSAGE,
    FileNotFound,
    FileReply,
    Reply,
    Service,
    known_file,
    object_id,
    paged,
    service,
    store_upload,
    text,
)
from simotui.sim.state import SimulatedPbx

#: Virtual seconds a fax stays ``SENDING``.
FAX_SECONDS = 45


def upload(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/faxes/upload``."""
    return Reply(UPLOADED_MESSAGE, {"filename": store_upload(pbx, body, "fax").name})


def add(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/faxes/add``: queue the fax; it settles ``FAX_SECONDS`` later."""
    filename = text(body, "file").strip()
    if filename:
        known_file(pbx, filename, "fax")
    elif not text(body, "text").strip():
        raise missing_field("file")
    to, ext = text(body, "to").strip(), text(body, "ext").strip()
    if not to and not ext:
        raise missing_field("to")
    trunk_name = text(body, "trunk_name").strip()
    trunk = pbx.find_trunk(trunk_name) if trunk_name else None
    if trunk_name and trunk is None:
        raise OperationFailed()
    dst = to or ext
    now = pbx.now
    fax = Fax(
        oid=pbx.new_oid(now),
        src=text(body, "sender_id").strip(),
        dst=dst,
        ext=ext,
        trunk=trunk.name if trunk is not None else "",
        file=filename,
        description=text(body, "description"),
        date=now,
        channel=f"SIP/{trunk.name}/{dst}" if trunk is not None else f"SIP/{dst}",
    )
    pbx.faxes.add(fax)

    def settle() -> None:
        plan = pbx.plan_leg(fax.src or "fax", dst, timeout=FAX_SECONDS)
        unreachable = trunk is not None and trunk.active != "yes"
        fax.status = "SENT" if plan.outcome is Outcome.ANSWER and not unreachable else "FAILED"

    pbx.schedule(now + FAX_SECONDS, settle)
    return Reply(OK_MESSAGE, {"_id": fax.oid})


_FIELDS: dict[str, Callable[[Fax], str | None]] = {
    "src": attrgetter("src"),
    "dst": attrgetter("dst"),
    "status": attrgetter("status"),
    "type": attrgetter("type"),
}
_SORT: dict[str, SortKey] = {
    "date": attrgetter("date"),
    "src": attrgetter("src"),
    "dst": attrgetter("dst"),
    "status": attrgetter("status"),
    "_id": attrgetter("oid"),
}


def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/faxes/search``: paginated, default sort ``{"date":-1}``; ``date_range`` optional."""
    span = date_range(body, pbx.tz, required=False)
    lo, hi = span if span is not None else (None, None)
    rows = filter_rows(pbx.faxes.between(lo, hi), conditions(body), _FIELDS, truthy(body.get("alike")))
    page = pagination(body, {"date": -1})
    out = [render.fax(f, pbx.tz) for f in sort_and_page(rows, page, _SORT, "date")]
    return Reply("", paged(page.echo(len(rows)), out, None))


def download(pbx: SimulatedPbx, body: dict[str, Any]) -> FileReply:
    """``pbx/faxes/download``: the fax's TIFF."""
    fax = pbx.faxes.get(object_id(body, "_id", "id"))
    if fax is None:
        raise FileNotFound(body.get("_id"))
    stored = pbx.files.get(fax.file)
    content = stored.content if stored is not None and stored.content else BLANK_TIFF
    name = fax.file or f"{fax.oid}.tiff"
    return FileReply(content, "image/tiff", name)


SERVICES: tuple[Service, ...] = (
    service("pbx/faxes/upload", upload, upload=True),
    service("pbx/faxes/add", add),
    service("pbx/faxes/search", search, "GET"),
    service("pbx/faxes/download", download, "GET"),
)
