"""``autodialer/reports/*``: the report rows of campaign attempts, their cursor and trimmed CDRs (§5.6)."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.errors import OK_MESSAGE, OperationFailed
from simotui.sim.models import CampaignReport
from simotui.sim.query import SortKey, conditions, date_range, filter_rows, pagination, sort_and_page, truthy
from simotui.sim.services.common import ORDERED_PAGE, Reply, Service, cursor_id, object_id, paged, service
from simotui.sim.state import SimulatedPbx

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


def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
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
    tz = pbx.tz
    out = pbx.rendered.render(
        "campaign_report",
        sort_and_page(rows, page, _REPORT_SORT, "date"),
        lambda r: render.campaign_report(r, tz),
    )
    return Reply("", paged(page.echo(len(rows)), out, None))


def ordered(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/reports/ordered/id``: the next 20 report rows after ``_id``."""
    last = cursor_id(body)
    rows = pbx.campaign_reports.after_id(last, ORDERED_PAGE)
    tz = pbx.tz
    data = pbx.rendered.render("campaign_report", rows, lambda r: render.campaign_report(r, tz))
    return Reply(OK_MESSAGE, {"last_id": rows[-1].oid if rows else last, "data": data})


def info(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``autodialer/reports/info``: the trimmed CDR of one attempt, by ``tries[].cdr_id``."""
    info = pbx.attempt_info.get(object_id(body, "_id", "id"))
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


SERVICES: tuple[Service, ...] = (
    service("autodialer/reports/search", search, "GET"),
    service("autodialer/reports/ordered/id", ordered, "GET"),
    service("autodialer/reports/info", info, "GET"),
)
