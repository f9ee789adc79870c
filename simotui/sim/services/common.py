"""What every handler shares: the reply types, the service record and the request-field parsers.

Handlers are ``handler(pbx, body) -> Reply | FileReply`` (or raise ``OperationFailed``); they
run under the PBX lock after ``sync()`` and never see HTTP. ``body`` is the parsed JSON
object, or for an upload ``{"file": Upload}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simotui.sim.dates import parse_local
from simotui.sim.errors import OperationFailed, missing_field
from simotui.sim.files import FileKind, make_file
from simotui.sim.ids import is_object_id
from simotui.sim.models import SoundFile
from simotui.sim.state import SimulatedPbx

#: Rows per page of the ordered cursors (``*/ordered/id``, §1.7).
ORDERED_PAGE = 20
#: ``message`` of a successful PBX upload (§1.3).
UPLOADED_MESSAGE = "1 file(s) uploaded successfully"


@dataclass(frozen=True)
class Reply:
    """A successful envelope: ``{"success":1,"message":message,"data":data}``."""

    message: str | None
    data: Any


@dataclass(frozen=True)
class RawReply:
    """A JSON answer sent as it is, outside the envelope (the users-add anomaly, §1.3)."""

    payload: dict[str, Any]


@dataclass(frozen=True)
class FileReply:
    """A binary download."""

    content: bytes
    media_type: str
    filename: str


@dataclass(frozen=True)
class Upload:
    """The ``file`` part of a ``multipart/form-data`` upload (§1.1)."""

    filename: str
    content: bytes
    content_type: str


class FileNotFound(Exception):
    """A download of a file that does not exist (Apache 404, no JSON)."""


Handler = Callable[[SimulatedPbx, dict[str, Any]], "Reply | RawReply | FileReply"]


@dataclass(frozen=True)
class Service:
    """One endpoint: its handler, the HTTP methods it accepts, and whether it takes an upload."""

    path: str
    handler: Handler
    methods: frozenset[str] = field(default_factory=lambda: frozenset({"POST"}))
    upload: bool = False
    """Takes ``multipart/form-data`` with one part named ``file`` instead of JSON."""


def service(path: str, handler: Handler, *extra: str, upload: bool = False) -> Service:
    """A service accepting POST plus the ``extra`` (SDK) verbs."""
    return Service(path, handler, frozenset({"POST", *extra}), upload)


# ----------------------------------------------------------------- field parsers
def required(body: dict[str, Any], name: str) -> str:
    """A non-empty scalar field as a stripped string, else ``Field '<name>':value is missing``."""
    value = body.get(name)
    if value is None or isinstance(value, dict | list) or str(value).strip() == "":
        raise missing_field(name)
    return str(value).strip()


def optional_int(body: dict[str, Any], name: str) -> int | None:
    """An integer field sent as a number or a digit string; absent/empty is ``None``."""
    value = body.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise OperationFailed()
    try:
        return int(str(value).strip())
    except ValueError as exc:
        raise OperationFailed() from exc


def string_list(value: object) -> list[str]:
    """A list of strings sent as a JSON list or a comma-separated string."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")]
    if isinstance(value, list):
        return [str(v).strip() for v in value if v is not None and not isinstance(v, dict | list)]
    raise OperationFailed()


def text(body: dict[str, Any], name: str, default: str = "") -> str:
    """An optional scalar field as a string (``default`` when absent)."""
    value = body.get(name)
    if value is None or isinstance(value, dict | list):
        return default
    return str(value)


def request_date(pbx: SimulatedPbx, value: object, *, end: bool = False) -> float:
    """A request date (Gregorian, or Jalali below year 1700) in PBX-local time."""
    if not isinstance(value, str):
        raise OperationFailed()
    try:
        return parse_local(value, pbx.tz, end_of_minute=end)
    except (ValueError, OverflowError) as exc:
        raise OperationFailed() from exc


def object_id(body: dict[str, Any], *names: str) -> str:
    """The record id of an update/remove (``_id``, or a v3 spelling such as ``id``)."""
    for name in names:
        value = body.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    raise missing_field(names[0])


def cursor_id(body: dict[str, Any]) -> str:
    """The ``_id`` an ordered cursor continues after (``""``: from the start)."""
    value = body.get("_id", "")
    if value is None or value == "":
        return ""
    if not is_object_id(value):
        raise OperationFailed()
    return str(value).lower()


def paged(page_echo: dict[str, Any], rows: list[dict[str, Any]], target: str | None) -> dict[str, Any]:
    """A paginated ``data``: ``pagination`` echo, optional ``target``/``useGroupBy``, rows."""
    data: dict[str, Any] = {"pagination": page_echo}
    if target is not None:
        data["target"] = target
        data["useGroupBy"] = False
    data["data"] = rows
    return data


def upload_of(body: dict[str, Any]) -> Upload:
    """The uploaded ``file`` part, else ``Field 'file':value is missing``."""
    part = body.get("file")
    if not isinstance(part, Upload) or not part.filename:
        raise missing_field("file")
    return part


def store_upload(pbx: SimulatedPbx, body: dict[str, Any], kind: FileKind) -> SoundFile:
    """Keep the uploaded ``file`` part under the name the PBX gives it (``sim.files``)."""
    part = upload_of(body)
    now = pbx.now
    stored = make_file(
        part.filename, part.content, part.content_type, kind, now, pbx.upload_rng.randint(10000, 99999)
    )
    pbx.files[stored.name] = stored
    return stored


def known_file(pbx: SimulatedPbx, name: str, *kinds: FileKind) -> SoundFile:
    """A file the PBX has (uploaded or seeded) of one of ``kinds``, else "Requested operation failed"."""
    stored = pbx.files.get(name)
    if stored is None or stored.kind not in kinds:
        raise OperationFailed()
    return stored


def yes_no(body: dict[str, Any], name: str, default: str) -> str:
    """A ``yes``/``no`` flag as sent (anything else fails, like the PBX form would)."""
    value = body.get(name)
    if value is None or value == "":
        return default
    if not isinstance(value, str) or value.strip().lower() not in ("yes", "no"):
        raise OperationFailed()
    return value.strip().lower()
