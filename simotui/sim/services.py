"""The service table: one handler per ``<group>/<resource>/<action>``, turning a parsed JSON body
into an envelope ``message`` and ``data`` (or raising ``OperationFailed``).

Handlers run under the PBX lock after ``sync()``; they never see HTTP.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.audio import audio_bytes
from simotui.sim.dates import parse_local
from simotui.sim.errors import OK_MESSAGE, OperationFailed, missing_field
from simotui.sim.ids import is_object_id
from simotui.sim.models import Campaign, CampaignReport, CdrRecord
from simotui.sim.query import (
    SortKey,
    conditions,
    date_range,
    filter_rows,
    pagination,
    sort_and_page,
    truthy,
)
from simotui.sim.state import SimulatedPbx

PING_MESSAGE = "If the 'Ping' event is enabled in the settings menu, you'll receive it when it's sent"
ORDERED_PAGE = 20


@dataclass(frozen=True)
class Reply:
    """A successful envelope: ``{"success":1,"message":message,"data":data}``."""

    message: str | None
    data: Any


@dataclass(frozen=True)
class FileReply:
    """A binary download."""

    content: bytes
    media_type: str
    filename: str


class FileNotFound(Exception):
    """A download of a file that does not exist (Apache 404, no JSON)."""


Handler = Callable[[SimulatedPbx, dict[str, Any]], "Reply | FileReply"]


@dataclass(frozen=True)
class Service:
    """One endpoint: its handler and the HTTP methods it accepts."""

    path: str
    handler: Handler
    methods: frozenset[str] = field(default_factory=lambda: frozenset({"POST"}))


# ----------------------------------------------------------------- helpers
def _required(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None or isinstance(value, dict | list) or str(value).strip() == "":
        raise missing_field(name)
    return str(value).strip()


def _optional_int(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise OperationFailed()
    try:
        return int(str(value).strip())
    except ValueError as exc:
        raise OperationFailed() from exc


def _string_list(value: object) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")]
    if isinstance(value, list):
        return [str(v).strip() for v in value if v is not None and not isinstance(v, dict | list)]
    raise OperationFailed()


def _request_date(pbx: SimulatedPbx, value: object, *, end: bool = False) -> float:
    if not isinstance(value, str):
        raise OperationFailed()
    try:
        return parse_local(value, pbx.tz, end_of_minute=end)
    except (ValueError, OverflowError) as exc:
        raise OperationFailed() from exc


def _object_id(body: dict[str, Any], *names: str) -> str:
    for name in names:
        value = body.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    raise missing_field(names[0])


def _paged(page_echo: dict[str, Any], rows: list[dict[str, Any]], target: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"pagination": page_echo}
    if target is not None:
        data["target"] = target
        data["useGroupBy"] = False
    data["data"] = rows
    return data


# --------------------------------------------------------------- setting/call
def ping(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``setting/ping/act``."""
    return Reply(PING_MESSAGE, None)


def originate(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``call/originate/act``: validate, queue the call, answer with its id at once."""
    caller = _required(body, "caller")
    callee = _required(body, "callee")
    context = _required(body, "context")
    caller_id = _required(body, "caller_id")
    timeout = _optional_int(body, "timeout")
    call_limit = _optional_int(body, "call_limit")
    trunk = body.get("trunk_name")
    call_id = pbx.originate(
        caller=caller,
        callee=callee,
        context=context,
        caller_id=caller_id,
        trunk_name=str(trunk).strip() if trunk is not None else "",
        timeout=timeout if timeout is not None and timeout > 0 else 30,
        call_limit=call_limit if call_limit is not None and call_limit > 0 else None,
    )
    return Reply(None, {"originated_call_id": call_id})


# ------------------------------------------------------------------- reports
_CDR_FIELDS: dict[str, Callable[[CdrRecord], str | None]] = {
    "from": attrgetter("src"),
    "to": attrgetter("dst"),
    "cuid": attrgetter("cuid"),
}
_CDR_SORT: dict[str, SortKey] = {
    "starttime": attrgetter("starttime"),
    "start": attrgetter("start"),
    "endtime": attrgetter("endtime"),
    "answer": attrgetter("answer"),
    "duration": attrgetter("duration"),
    "billsec": attrgetter("billsec"),
    "wait": attrgetter("wait"),
    "src": attrgetter("src"),
    "dst": attrgetter("dst"),
    "cuid": attrgetter("cuid"),
    "uniqueid": attrgetter("uniqueid"),
    "disposition": attrgetter("disposition"),
    "type": attrgetter("type"),
    "sequence": attrgetter("sequence"),
    "_id": attrgetter("oid"),
    "clid": attrgetter("clid"),
    "dcontext": attrgetter("dcontext"),
    "channel": attrgetter("channel"),
}


def _cdr_like_search(
    pbx: SimulatedPbx,
    body: dict[str, Any],
    table_rows: Callable[[float | None, float | None], list[CdrRecord]],
    fields: dict[str, Callable[[CdrRecord], str | None]],
) -> tuple[Any, list[CdrRecord], int]:
    conds = conditions(body)
    span = date_range(body, pbx.tz, required=not conds.get("cuid"))
    lo, hi = span if span is not None else (None, None)
    rows = filter_rows(table_rows(lo, hi), conds, fields, truthy(body.get("alike")))
    page = pagination(body, {"starttime": -1})
    return page, sort_and_page(rows, page, _CDR_SORT, "starttime"), len(rows)


def quick_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/quick/search`` (alias ``reports/cdr``): paginated CDRs, Jalali ``endtime``."""
    page, rows, total = _cdr_like_search(pbx, body, pbx.cdrs.between, _CDR_FIELDS)
    out = [render.cdr(r, pbx.tz, "quick") for r in rows]
    return Reply(OK_MESSAGE, _paged(page.echo(total), out, None))


def cdr_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/cdr/search``: paginated CDRs, ``$date`` ``endtime``, target ``cdr``."""
    page, rows, total = _cdr_like_search(pbx, body, pbx.cdrs.between, _CDR_FIELDS)
    out = [render.cdr(r, pbx.tz, "cdr") for r in rows]
    return Reply("", _paged(page.echo(total), out, "cdr"))


def _cursor_id(body: dict[str, Any]) -> str:
    value = body.get("_id", "")
    if value is None or value == "":
        return ""
    if not is_object_id(value):
        raise OperationFailed()
    return str(value).lower()


def cdr_ordered(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/cdr/ordered/id``: the next 20 CDRs after ``_id`` in insertion order."""
    last = _cursor_id(body)
    rows = pbx.cdrs.after_id(last, ORDERED_PAGE)
    data = [render.cdr(r, pbx.tz, "ordered") for r in rows]
    return Reply(OK_MESSAGE, {"last_id": rows[-1].oid if rows else last, "data": data})


def quick_info(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/quick/info``: the queue detail rows of one call, as a bare list."""
    cuid = _required(body, "cuid")
    rows = sorted((r for r in pbx.queue_reports if r.cuid == cuid), key=attrgetter("oid"))
    return Reply("", [render.queue_report(r, pbx.tz, "info") for r in rows])


def audio_download(pbx: SimulatedPbx, body: dict[str, Any]) -> FileReply:
    """``reports/audio/download``: a real (short) audio file, or an Apache 404."""
    name = _required(body, "file")
    seconds = pbx.recordings.get(name)
    if seconds is None:
        raise FileNotFound(name)
    content, media_type = audio_bytes(name, seconds, pbx.seed)
    return FileReply(content, media_type, name)


_QUEUE_STAT_FIELDS: dict[str, Callable[[Any], str | None]] = {
    "from": attrgetter("src"),
    "to": attrgetter("dst"),
    "cuid": attrgetter("cuid"),
    "qnum": attrgetter("qnum"),
}
_QUEUE_STAT_SORT: dict[str, SortKey] = {
    "starttime": attrgetter("starttime"),
    "endtime": attrgetter("endtime"),
    "duration": attrgetter("duration"),
    "billsec": attrgetter("billsec"),
    "wait": attrgetter("wait"),
    "src": attrgetter("src"),
    "dst": attrgetter("dst"),
    "qnum": attrgetter("qnum"),
    "disposition": attrgetter("disposition"),
    "_id": attrgetter("oid"),
}


def queue_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/queue/search``: queue-stat rows, target ``queue_stat``."""
    conds = conditions(body)
    span = date_range(body, pbx.tz, required=not conds.get("cuid"))
    lo, hi = span if span is not None else (None, None)
    rows = filter_rows(pbx.queue_stats.between(lo, hi), conds, _QUEUE_STAT_FIELDS, truthy(body.get("alike")))
    page = pagination(body, {"starttime": -1})
    out = [render.queue_stat(r, pbx.tz) for r in sort_and_page(rows, page, _QUEUE_STAT_SORT, "starttime")]
    return Reply("", _paged(page.echo(len(rows)), out, "queue_stat"))


_QUEUE_REPORT_FIELDS: dict[str, Callable[[CdrRecord], str | None]] = {
    "from": attrgetter("src"),
    "to": attrgetter("dst"),
    "cuid": attrgetter("cuid"),
    "queue": attrgetter("qnum"),
    "queue_id": attrgetter("queue_id"),
}


def queue_details_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/queue_details/search``: ``queue_report`` rows, target ``queue``."""
    page, rows, total = _cdr_like_search(pbx, body, pbx.queue_reports.between, _QUEUE_REPORT_FIELDS)
    out = [render.queue_report(r, pbx.tz, "details") for r in rows]
    return Reply("", _paged(page.echo(total), out, "queue"))


def agent_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/agent/search``: agent sessions, target ``agent``, default sort ``{"end":-1}``."""
    conds = conditions(body)
    span = date_range(body, pbx.tz, required=True)
    lo, hi = span if span is not None else (None, None)
    fields: dict[str, Callable[[Any], str | None]] = {
        "exten": attrgetter("exten"),
        "queue": attrgetter("qnum"),
    }
    rows = filter_rows(pbx.agent_sessions.between(lo, hi), conds, fields, truthy(body.get("alike")))
    page = pagination(body, {"end": -1})
    keys: dict[str, SortKey] = {
        "start": attrgetter("start"),
        "end": attrgetter("end"),
        "duration": attrgetter("duration"),
        "exten": attrgetter("exten"),
        "qnum": attrgetter("qnum"),
        "_id": attrgetter("oid"),
    }
    out = [render.agent_session(r, pbx.tz) for r in sort_and_page(rows, page, keys, "start")]
    return Reply("", _paged(page.echo(len(rows)), out, "agent"))


def poll_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/poll/search``: survey rows, target ``poll``."""
    conds = conditions(body)
    span = date_range(body, pbx.tz, required=not conds.get("cuid"))
    lo, hi = span if span is not None else (None, None)
    fields: dict[str, Callable[[Any], str | None]] = {
        "from": attrgetter("src"),
        "to": attrgetter("dst"),
        "label": attrgetter("label"),
        "queue": attrgetter("qnum"),
        "cuid": attrgetter("uniqueid"),
    }
    rows = filter_rows(pbx.polls.between(lo, hi), conds, fields, truthy(body.get("alike")))
    page = pagination(body, {"date": -1})
    keys: dict[str, SortKey] = {
        "date": attrgetter("date"),
        "point": attrgetter("point"),
        "src": attrgetter("src"),
        "dst": attrgetter("dst"),
        "label": attrgetter("label"),
        "_id": attrgetter("oid"),
    }
    out = [render.poll(r, pbx.tz) for r in sort_and_page(rows, page, keys, "date")]
    return Reply("", _paged(page.echo(len(rows)), out, "poll"))


# ------------------------------------------------------------------------ pbx
def users_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
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


def trunks_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/trunks/search``: a bare list with unmasked secrets."""
    rows = filter_rows(
        sorted(pbx.trunks.values(), key=attrgetter("date")),
        conditions(body),
        {"name": attrgetter("name")},
        truthy(body.get("alike")),
    )
    return Reply("", [render.trunk(t, pbx.tz) for t in rows])


def queues_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/queues/search``: a bare list."""
    rows = filter_rows(
        sorted(pbx.queues.values(), key=attrgetter("date")),
        conditions(body),
        {"name": attrgetter("name"), "number": attrgetter("number")},
        truthy(body.get("alike")),
    )
    return Reply("", [render.queue(q, pbx.tz) for q in rows])


# ----------------------------------------------------------------- autodialer
_CAMPAIGN_SORT: dict[str, SortKey] = {
    "date": attrgetter("date"),
    "name": attrgetter("name"),
    "start": attrgetter("start"),
    "end": attrgetter("end"),
    "status": attrgetter("status"),
    "count": attrgetter("count"),
    "repeat": attrgetter("repeat"),
    "_id": attrgetter("oid"),
}


def _campaign_fields(pbx: SimulatedPbx, body: dict[str, Any]) -> dict[str, object]:
    """Stored campaign fields present in a request body (strings kept as Simotel keeps them)."""
    out: dict[str, object] = {}
    for key in (
        "name",
        "trunk_manager_id",
        "interface_context",
        "interface_text",
        "announcement",
        "description",
    ):
        if key in body and body[key] is not None:
            out[key] = str(body[key])
    for key, attr in (("try_interval", "try_interval"), ("try", "tries")):
        if key in body and body[key] is not None and body[key] != "":
            if _optional_int(body, key) is None:
                raise OperationFailed()
            out[attr] = str(body[key]).strip()
    if "numbers" in body:
        out["numbers"] = _string_list(body["numbers"])
    if "groups" in body:
        out["groups"] = _string_list(body["groups"])
    if body.get("start"):
        out["start"] = _request_date(pbx, body["start"])
    if body.get("end"):
        out["end"] = _request_date(pbx, body["end"])
    if "count" in body and body["count"] not in (None, ""):
        count = _optional_int(body, "count")
        out["count"] = count if count is not None else 0
    return out


def campaign_add(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/campaigns/add``: store a waiting campaign; it runs from ``start``."""
    _required(body, "name")
    _required(body, "trunk_manager_id")
    fields = _campaign_fields(pbx, body)
    now = pbx.now
    start = float(fields.pop("start", now))  # type: ignore[arg-type]
    end = float(fields.pop("end", start + 86400))  # type: ignore[arg-type]
    if end < start:
        raise OperationFailed()
    numbers = list(fields.pop("numbers", []))  # type: ignore[call-overload]
    groups = list(fields.pop("groups", []))  # type: ignore[call-overload]
    campaign = Campaign(
        oid=pbx.new_oid(now),
        name=str(fields.pop("name")),
        trunk_manager_id=str(fields.pop("trunk_manager_id")),
        interface_context=str(fields.pop("interface_context", "")),
        interface_text=str(fields.pop("interface_text", "")),
        numbers=numbers,
        groups=groups,
        try_interval=str(fields.pop("try_interval", "600")),
        tries=str(fields.pop("tries", "1")),
        start=start,
        end=end,
        announcement=str(fields.pop("announcement", "")),
        description=str(fields.pop("description", "")),
        count=0,
        date=now,
    )
    count = fields.pop("count", None)
    campaign.count = count if isinstance(count, int) else len(pbx.campaign_numbers(campaign))
    pbx.add_campaign(campaign)
    return Reply(OK_MESSAGE, {"_id": campaign.oid})


def campaign_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/campaigns/search``: paginated, default sort ``{"date":-1}``."""
    fields: dict[str, Callable[[Campaign], str | None]] = {
        "name": attrgetter("name"),
        "description": attrgetter("description"),
        "status": attrgetter("status"),
    }
    campaigns = sorted(pbx.campaigns.values(), key=attrgetter("date"))
    rows = filter_rows(campaigns, conditions(body), fields, truthy(body.get("alike")))
    page = pagination(body, {"date": -1})
    out = [
        render.campaign(c, pbx.tz, pbx.reports_by_campaign.get(c.oid, []))
        for c in sort_and_page(rows, page, _CAMPAIGN_SORT, "date")
    ]
    return Reply("", _paged(page.echo(len(rows)), out, None))


def campaign_update(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/campaigns/update``: answers ``{"count": 0}`` as documented."""
    oid = _object_id(body, "_id", "id")
    changes = _campaign_fields(pbx, body)
    campaign = pbx.campaigns.get(oid)
    if campaign is None:
        raise OperationFailed()
    start = float(changes.get("start", campaign.start))  # type: ignore[arg-type]
    end = float(changes.get("end", campaign.end))  # type: ignore[arg-type]
    if end < start:
        raise OperationFailed()
    pbx.update_campaign(oid, changes)
    return Reply(OK_MESSAGE, {"count": 0})


def campaign_remove(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/campaigns/remove``."""
    pbx.remove_campaign(_object_id(body, "_id", "id"))
    return Reply(OK_MESSAGE, "")


_REPORT_FIELDS: dict[str, Callable[[CampaignReport], str | None]] = {
    "disposition": attrgetter("disposition"),
    "campaign_id": attrgetter("campaign_id"),
    "number": attrgetter("number"),
    "campaign": attrgetter("campaign"),
    "status": attrgetter("status"),
}
_REPORT_SORT: dict[str, SortKey] = {
    "date": attrgetter("date"),
    "number": attrgetter("number"),
    "disposition": attrgetter("disposition"),
    "billsec": attrgetter("billsec"),
    "wait": attrgetter("wait"),
    "try": attrgetter("try_count"),
    "repeat": attrgetter("repeat"),
    "campaign": attrgetter("campaign"),
    "_id": attrgetter("oid"),
}


def report_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/reports/search``: paginated report rows, default sort ``{"date":-1}``."""
    span = date_range(body, pbx.tz, required=False)
    lo, hi = span if span is not None else (None, None)
    rows = filter_rows(
        pbx.campaign_reports.between(lo, hi),
        conditions(body),
        _REPORT_FIELDS,
        truthy(body.get("alike")),
    )
    page = pagination(body, {"date": -1})
    out = [render.campaign_report(r, pbx.tz) for r in sort_and_page(rows, page, _REPORT_SORT, "date")]
    return Reply("", _paged(page.echo(len(rows)), out, None))


def report_ordered(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/reports/ordered/id``: the next 20 report rows after ``_id``."""
    last = _cursor_id(body)
    rows = pbx.campaign_reports.after_id(last, ORDERED_PAGE)
    data = [render.campaign_report(r, pbx.tz) for r in rows]
    return Reply(OK_MESSAGE, {"last_id": rows[-1].oid if rows else last, "data": data})


def report_info(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/reports/info``: the trimmed CDR of one attempt, by ``tries[].cdr_id``."""
    info = pbx.attempt_info.get(_object_id(body, "_id", "id"))
    if info is None:
        raise OperationFailed()
    return Reply(
        OK_MESSAGE,
        {
            "dcontext": info.dcontext,
            "amaflags": info.amaflags,
            "channel": info.channel,
            "duration": info.duration,
            "wait": info.wait,
        },
    )


def trunk_manager_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/trunks/search`` (alias ``autodialer/trunks``): a bare list."""
    fields: dict[str, Callable[[Any], str | None]] = {
        "title": attrgetter("title"),
        "status": attrgetter("status"),
    }
    rows = filter_rows(list(pbx.trunk_managers.values()), conditions(body), fields, truthy(body.get("alike")))
    return Reply("", [render.trunk_manager(t, pbx.tz) for t in rows])


_DIGITS = re.compile(r"^\d+$")


def trunk_manager_update(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/trunks/update``: title, status, capacity, dial interval, cache length."""
    oid = _object_id(body, "_id", "id")
    tm = pbx.trunk_managers.get(oid)
    if tm is None:
        raise OperationFailed()
    status = body.get("status")
    if status is not None and status not in ("active", "inactive"):
        raise OperationFailed()
    numeric = {}
    for key in ("capacity", "dial_interval", "wait_cache_length"):
        if key in body and body[key] not in (None, ""):
            value = str(body[key]).strip()
            if not _DIGITS.match(value):
                raise OperationFailed()
            numeric[key] = value
    active_times = body.get("active_times")
    if active_times is not None and not isinstance(active_times, dict):
        raise OperationFailed()
    if isinstance(body.get("title"), str) and body["title"].strip():
        tm.title = body["title"].strip()
    if isinstance(status, str):
        tm.status = status
    for key, value in numeric.items():
        setattr(tm, key, value)
    if isinstance(active_times, dict):
        tm.active_times = {str(k): _string_list(v) for k, v in active_times.items()}
    return Reply(OK_MESSAGE, "")


def announcement_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/announcements/search``: a bare list (not paginated)."""
    rows = filter_rows(
        sorted(pbx.announcements.values(), key=attrgetter("date")),
        conditions(body),
        {"name": attrgetter("name"), "description": attrgetter("description")},
        truthy(body.get("alike")),
    )
    return Reply("", [render.announcement(a, pbx.tz) for a in rows])


def group_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
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
    return Reply("", _paged(page.echo(len(rows)), out, None))


# ---------------------------------------------------------------- the table
def _svc(path: str, handler: Handler, *extra: str) -> Service:
    return Service(path, handler, frozenset({"POST", *extra}))


SERVICES: dict[str, Service] = {
    s.path: s
    for s in (
        _svc("setting/ping/act", ping, "PUT"),
        _svc("call/originate/act", originate, "PUT"),
        _svc("reports/quick/search", quick_search, "GET"),
        _svc("reports/quick/info", quick_info, "GET"),
        _svc("reports/audio/download", audio_download, "GET"),
        _svc("reports/cdr/search", cdr_search, "GET"),
        _svc("reports/cdr/ordered/id", cdr_ordered, "GET"),
        _svc("reports/queue/search", queue_search, "GET"),
        _svc("reports/queue_details/search", queue_details_search, "GET"),
        _svc("reports/agent/search", agent_search, "GET"),
        _svc("reports/poll/search", poll_search, "GET"),
        _svc("pbx/users/search", users_search, "GET"),
        _svc("pbx/trunks/search", trunks_search, "GET"),
        _svc("pbx/queues/search", queues_search, "GET"),
        _svc("autodialer/campaigns/add", campaign_add),
        _svc("autodialer/campaigns/search", campaign_search, "GET"),
        _svc("autodialer/campaigns/update", campaign_update, "PUT"),
        _svc("autodialer/campaigns/remove", campaign_remove, "DELETE"),
        _svc("autodialer/reports/search", report_search, "GET"),
        _svc("autodialer/reports/ordered/id", report_ordered, "GET"),
        _svc("autodialer/reports/info", report_info, "GET"),
        _svc("autodialer/trunks/search", trunk_manager_search, "GET"),
        _svc("autodialer/trunks/update", trunk_manager_update, "PUT"),
        _svc("autodialer/announcements/search", announcement_search, "GET"),
        _svc("autodialer/groups/search", group_search, "GET"),
    )
}

#: Lenient aliases seen in the docs' language tabs (§0, §13).
ALIASES: dict[str, str] = {
    "reports/cdr": "reports/quick/search",
    "autodialer/trunks": "autodialer/trunks/search",
}


def resolve(path: str) -> Service | None:
    """The service for a path relative to ``/api/v4/`` (aliases included), or ``None``."""
    key = path.strip("/")
    return SERVICES.get(ALIASES.get(key, key))
