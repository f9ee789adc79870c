"""``reports/*``: CDR, quick, queue, queue-details, agent and poll searches, the ordered cursors,
quick info and the recording download (§4)."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.audio import audio_bytes
from simotui.sim.errors import OK_MESSAGE
from simotui.sim.models import CdrRecord
from simotui.sim.query import (
    Page,
    SortKey,
    conditions,
    date_range,
    filter_rows,
    find,
    pagination,
    sort_and_page,
    truthy,
)
from simotui.sim.services.common import (
    ORDERED_PAGE,
    FileNotFound,
    FileReply,
    Reply,
    Service,
    cursor_id,
    paged,
    required,
    service,
)
from simotui.sim.state import SimulatedPbx
from simotui.sim.tables import Table

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
    table: Table[CdrRecord],
    fields: dict[str, Callable[[CdrRecord], str | None]],
) -> tuple[Page, list[CdrRecord], int]:
    conds = conditions(body)
    span = date_range(body, pbx.tz, required=not conds.get("cuid"))
    lo, hi = span if span is not None else (None, None)
    page = pagination(body, {"starttime": -1})
    rows, total = find(table, lo, hi, conds, fields, truthy(body.get("alike")), page, _CDR_SORT, "starttime")
    return page, rows, total


def quick_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/quick/search`` (alias ``reports/cdr``): paginated CDRs, Jalali ``endtime``."""
    page, rows, total = _cdr_like_search(pbx, body, pbx.cdrs, _CDR_FIELDS)
    tz = pbx.tz
    out = pbx.rendered.render("cdr:quick", rows, lambda r: render.cdr(r, tz, "quick"))
    return Reply(OK_MESSAGE, paged(page.echo(total), out, None))


def cdr_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/cdr/search``: paginated CDRs, ``$date`` ``endtime``, target ``cdr``."""
    page, rows, total = _cdr_like_search(pbx, body, pbx.cdrs, _CDR_FIELDS)
    tz = pbx.tz
    out = pbx.rendered.render("cdr:cdr", rows, lambda r: render.cdr(r, tz, "cdr"))
    return Reply("", paged(page.echo(total), out, "cdr"))


def cdr_ordered(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/cdr/ordered/id``: the next 20 CDRs after ``_id`` in insertion order."""
    last = cursor_id(body)
    rows = pbx.cdrs.after_id(last, ORDERED_PAGE)
    tz = pbx.tz
    data = pbx.rendered.render("cdr:ordered", rows, lambda r: render.cdr(r, tz, "ordered"))
    return Reply(OK_MESSAGE, {"last_id": rows[-1].oid if rows else last, "data": data})


def queue_ordered(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/queue/ordered/id``: the next 20 queue-stat rows after ``_id``."""
    last = cursor_id(body)
    rows = pbx.queue_stats.after_id(last, ORDERED_PAGE)
    tz = pbx.tz
    data = pbx.rendered.render("queue_stat:ordered", rows, lambda r: render.queue_stat_ordered(r, tz))
    return Reply(OK_MESSAGE, {"last_id": rows[-1].oid if rows else last, "data": data})


def queue_details_ordered(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/queue_details/ordered/id``: the next 20 ``queue_report`` rows after ``_id``."""
    last = cursor_id(body)
    rows = pbx.queue_reports.after_id(last, ORDERED_PAGE)
    tz = pbx.tz
    data = pbx.rendered.render("queue_report:ordered", rows, lambda r: render.queue_report(r, tz, "ordered"))
    return Reply(OK_MESSAGE, {"last_id": rows[-1].oid if rows else last, "data": data})


def quick_info(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/quick/info``: the queue detail rows of one call, as a bare list."""
    cuid = required(body, "cuid")
    rows = sorted((r for r in pbx.queue_reports if r.cuid == cuid), key=attrgetter("oid"))
    return Reply("", [render.queue_report(r, pbx.tz, "info") for r in rows])


def audio_download(pbx: SimulatedPbx, body: dict[str, Any]) -> FileReply:
    """``reports/audio/download``: a real (short) audio file, or an Apache 404."""
    name = required(body, "file")
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
    page = pagination(body, {"starttime": -1})
    alike = truthy(body.get("alike"))
    rows, total = find(
        pbx.queue_stats, lo, hi, conds, _QUEUE_STAT_FIELDS, alike, page, _QUEUE_STAT_SORT, "starttime"
    )
    tz = pbx.tz
    out = pbx.rendered.render("queue_stat:search", rows, lambda r: render.queue_stat(r, tz))
    return Reply("", paged(page.echo(total), out, "queue_stat"))


_QUEUE_REPORT_FIELDS: dict[str, Callable[[CdrRecord], str | None]] = {
    "from": attrgetter("src"),
    "to": attrgetter("dst"),
    "cuid": attrgetter("cuid"),
    "queue": attrgetter("qnum"),
    "queue_id": attrgetter("queue_id"),
}


def queue_details_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/queue_details/search``: ``queue_report`` rows, target ``queue``."""
    page, rows, total = _cdr_like_search(pbx, body, pbx.queue_reports, _QUEUE_REPORT_FIELDS)
    tz = pbx.tz
    out = pbx.rendered.render("queue_report:details", rows, lambda r: render.queue_report(r, tz, "details"))
    return Reply("", paged(page.echo(total), out, "queue"))


def agent_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/agent/search``: agent sessions, target ``agent``, default sort ``{"end":-1}``."""
    conds = conditions(body)
    span = date_range(body, pbx.tz, required=True)
    lo, hi = span if span is not None else (None, None)
    fields: dict[str, Callable[[Any], str | None]] = {
        "exten": attrgetter("exten"),
        "queue": attrgetter("qnum"),
        "type": attrgetter("type"),
    }
    rows = filter_rows(pbx.agent_sessions.between(lo, hi), conds, fields, truthy(body.get("alike")))
    page = pagination(body, {"end": -1})
    now = pbx.now
    # An open session (an agent still in the queue, or still paused) ends "now" so far.
    keys: dict[str, SortKey] = {
        "start": attrgetter("start"),
        "end": lambda r: r.end_at(now),
        "duration": lambda r: r.duration_at(now),
        "exten": attrgetter("exten"),
        "qnum": attrgetter("qnum"),
        "type": attrgetter("type"),
        "_id": attrgetter("oid"),
    }
    out = [render.agent_session(r, pbx.tz, now) for r in sort_and_page(rows, page, keys, "start")]
    return Reply("", paged(page.echo(len(rows)), out, "agent"))


_POLL_FIELDS: dict[str, Callable[[Any], str | None]] = {
    "from": attrgetter("src"),
    "to": attrgetter("dst"),
    "label": attrgetter("label"),
    "queue": attrgetter("qnum"),
    "cuid": attrgetter("uniqueid"),
}
_POLL_SORT: dict[str, SortKey] = {
    "date": attrgetter("date"),
    "point": attrgetter("point"),
    "src": attrgetter("src"),
    "dst": attrgetter("dst"),
    "label": attrgetter("label"),
    "_id": attrgetter("oid"),
}


def poll_search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``reports/poll/search``: survey rows, target ``poll``."""
    conds = conditions(body)
    span = date_range(body, pbx.tz, required=not conds.get("cuid"))
    lo, hi = span if span is not None else (None, None)
    page = pagination(body, {"date": -1})
    alike = truthy(body.get("alike"))
    rows, total = find(pbx.polls, lo, hi, conds, _POLL_FIELDS, alike, page, _POLL_SORT, "date")
    tz = pbx.tz
    out = pbx.rendered.render("poll:search", rows, lambda r: render.poll(r, tz))
    return Reply("", paged(page.echo(total), out, "poll"))


SERVICES: tuple[Service, ...] = (
    service("reports/quick/search", quick_search, "GET"),
    service("reports/quick/info", quick_info, "GET"),
    service("reports/audio/download", audio_download, "GET"),
    service("reports/cdr/search", cdr_search, "GET"),
    service("reports/cdr/ordered/id", cdr_ordered, "GET"),
    service("reports/queue/search", queue_search, "GET"),
    service("reports/queue/ordered/id", queue_ordered, "GET"),
    service("reports/queue_details/search", queue_details_search, "GET"),
    service("reports/queue_details/ordered/id", queue_details_ordered, "GET"),
    service("reports/agent/search", agent_search, "GET"),
    service("reports/poll/search", poll_search, "GET"),
)
