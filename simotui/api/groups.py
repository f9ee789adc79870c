"""Endpoint groups of SimotelClient, one typed method per endpoint simotui uses.

The grouping mirrors the API and the official SDK (``Call``, ``Reports``, ``Autodialer``,
``Pbx``). Every method sends POST except ping, which the docs show as PUT (reference §0).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from simotui.api.dates import format_request_time
from simotui.api.fields import RecordReader
from simotui.api.models import (
    AgentSession,
    Announcement,
    Campaign,
    CampaignCallInfo,
    CampaignReportQuery,
    CampaignReportRow,
    CampaignRequest,
    Cdr,
    CdrQuery,
    CursorPage,
    OriginateRequest,
    OriginateResult,
    Page,
    Pagination,
    Queue,
    Trunk,
    TrunkManager,
    User,
)
from simotui.errors import RecordParseError

if TYPE_CHECKING:
    from datetime import datetime, tzinfo
    from pathlib import Path

    from simotui.api.client import Download, Progress, SimotelClient

T = TypeVar("T")
Parser = Callable[[Any, "tzinfo"], T]


def _alike(flag: bool) -> str:
    return "true" if flag else "false"


def parse_list(kind: str, data: Any, parse: Parser[T], tz: tzinfo) -> tuple[T, ...]:
    """Parse a bare-array ``data`` (non-paginated searches)."""
    if data is None or data == "":
        return ()
    if not isinstance(data, list):
        raise RecordParseError(kind, "data", data, "expected a list of records")
    return tuple(parse(item, tz) for item in data)


def parse_page(kind: str, data: Any, parse: Parser[T], tz: tzinfo, *, skip_bad: bool = False) -> Page[T]:
    """Parse ``{pagination: {start, count, sorting, total}, data: [...]}``.

    With ``skip_bad``, a record that cannot be read is left out and kept in ``rejected`` instead
    of failing the whole page: one odd row must not stop a poller from seeing all the others.
    """
    reader = RecordReader(f"{kind} page", data, tz, "data")
    pagination = reader.record("pagination")
    if pagination is None:
        raise reader.fail("pagination", None, "paginated answer without pagination")
    total = pagination.optional_integer("total")
    if total is None:
        raise pagination.fail("total", pagination.raw("total"), "paginated answer without a total")
    sorting = pagination.raw("sorting") or {}
    if not isinstance(sorting, Mapping):
        raise pagination.fail("sorting", sorting, "expected an object")
    rejected: tuple[RecordParseError, ...] = ()
    if skip_bad:
        parsed, rejected = _each_record(reader, parse, tz)
    else:
        parsed = parse_list(kind, reader.raw("data"), parse, tz)
    return Page(
        records=parsed,
        total=total,
        start=pagination.integer("start"),
        count=pagination.integer("count"),
        sorting={str(k): v for k, v in sorting.items() if isinstance(v, int)},
        rejected=rejected,
    )


def parse_cursor(
    kind: str, data: Any, parse: Parser[T], tz: tzinfo, *, skip_bad: bool = False
) -> CursorPage[T]:
    """Parse ``{last_id, data: [...]}`` of an ordered cursor (``skip_bad``: as in :func:`parse_page`)."""
    reader = RecordReader(f"{kind} cursor", data, tz, "data")
    last_id = reader.object_id("last_id")
    if not skip_bad:
        return CursorPage(records=parse_list(kind, reader.raw("data"), parse, tz), last_id=last_id)
    records, rejected = _each_record(reader, parse, tz)
    return CursorPage(records=records, last_id=last_id, rejected=rejected)


def _each_record(
    reader: RecordReader, parse: Parser[T], tz: tzinfo
) -> tuple[tuple[T, ...], tuple[RecordParseError, ...]]:
    items = reader.raw("data")
    if items is not None and items != "" and not isinstance(items, list):
        raise reader.fail("data", items, "expected a list of records")
    records: list[T] = []
    rejected: list[RecordParseError] = []
    for item in items or []:
        try:
            records.append(parse(item, tz))
        except RecordParseError as error:
            rejected.append(error)
    return tuple(records), tuple(rejected)


class _Group:
    def __init__(self, client: SimotelClient) -> None:
        self._client = client

    @property
    def _tz(self) -> tzinfo:
        return self._client.tz


class SettingGroup(_Group):
    """``setting/*``."""

    async def ping(self) -> float:
        """Check that the server answers and accepts our credentials; returns the round trip (s)."""
        started = time.perf_counter()
        await self._client.call("setting/ping/act", {}, method="PUT")
        return time.perf_counter() - started


class CallGroup(_Group):
    """``call/*``."""

    async def originate(self, request: OriginateRequest) -> OriginateResult:
        """Start a two-way call. Never retried here: a timeout leaves the outcome unknown."""
        data = await self._client.call("call/originate/act", request.to_api())
        return OriginateResult.from_api(data, self._tz)


class ReportsGroup(_Group):
    """``reports/*``: CDRs and recordings."""

    async def cdr_search(
        self, query: CdrQuery, page: Pagination | None = None, *, skip_bad: bool = False
    ) -> Page[Cdr]:
        """``reports/cdr/search``: one page of CDRs and the total of matches."""
        body = query.to_api(self._tz, page or Pagination())
        return await self._client.parsed(
            "reports/cdr/search",
            body,
            partial(parse_page, "Cdr", parse=Cdr.from_api, tz=self._tz, skip_bad=skip_bad),
        )

    async def agent_search(
        self,
        date_from: datetime,
        date_to: datetime,
        *,
        queue: str = "",
        exten: str = "",
        page: Pagination | None = None,
    ) -> Page[AgentSession]:
        """``reports/agent/search``: agents' sessions in queues (memberships and pauses, §4.10)."""
        body = {
            "conditions": {"from": "", "to": "", "exten": exten, "queue": queue},
            "date_range": {
                "from": format_request_time(date_from, self._tz),
                "to": format_request_time(date_to, self._tz),
            },
            "pagination": (page or Pagination()).to_api(),
            "alike": "false",
        }
        return await self._client.parsed(
            "reports/agent/search",
            body,
            partial(parse_page, "AgentSession", parse=AgentSession.from_api, tz=self._tz),
        )

    async def quick_search(
        self, query: CdrQuery, page: Pagination | None = None, *, skip_bad: bool = False
    ) -> Page[Cdr]:
        """``reports/quick/search``: the same records; by ``cuid`` alone it needs no dates."""
        body = query.to_api(self._tz, page or Pagination())
        return await self._client.parsed(
            "reports/quick/search",
            body,
            partial(parse_page, "Cdr", parse=Cdr.from_api, tz=self._tz, skip_bad=skip_bad),
        )

    async def cdr_ordered(self, after_id: str = "", *, skip_bad: bool = False) -> CursorPage[Cdr]:
        """``reports/cdr/ordered/id``: up to 20 CDRs inserted after ``after_id`` ("" = first)."""
        return await self._client.parsed(
            "reports/cdr/ordered/id",
            {"_id": after_id},
            partial(parse_cursor, "Cdr", parse=Cdr.from_api, tz=self._tz, skip_bad=skip_bad),
        )

    async def quick_info(self, cuid: str) -> tuple[Cdr, ...]:
        """``reports/quick/info``: the queue detail rows of one call."""
        data = await self._client.call("reports/quick/info", {"cuid": cuid})
        return parse_list("Cdr", data, Cdr.from_api, self._tz)

    async def download_audio(self, file: str) -> tuple[bytes, str]:
        """``reports/audio/download``: a recording's bytes and content type (``record`` → file)."""
        return await self._client.fetch_bytes("reports/audio/download", {"file": file})

    async def save_audio(self, file: str, target: Path, on_progress: Progress | None = None) -> Download:
        """``reports/audio/download`` streamed to ``target``, reporting progress as it arrives."""
        return await self._client.download("reports/audio/download", {"file": file}, target, on_progress)


class AutodialerGroup(_Group):
    """``autodialer/*``: campaigns, their reports, trunk managers and announcements."""

    async def add_campaign(self, request: CampaignRequest) -> str:
        """``campaigns/add``: store a campaign; returns its id."""
        data = await self._client.call("autodialer/campaigns/add", request.to_api(self._tz))
        reader = RecordReader("CampaignAdded", data, self._tz, "data")
        campaign_id = reader.object_id("_id")
        if not campaign_id:
            raise reader.fail("_id", reader.raw("_id"), "the server returned no campaign id")
        return campaign_id

    async def search_campaigns(
        self,
        name: str = "",
        *,
        description: str = "",
        status: str = "",
        alike: bool = True,
        page: Pagination | None = None,
        skip_bad: bool = False,
    ) -> Page[Campaign]:
        """``campaigns/search``."""
        body = {
            "alike": _alike(alike),
            "conditions": {"name": name, "description": description, "status": status},
            "pagination": (page or Pagination()).to_api(),
        }
        data = await self._client.call("autodialer/campaigns/search", body)
        return parse_page("Campaign", data, Campaign.from_api, self._tz, skip_bad=skip_bad)

    async def update_campaign(self, campaign_id: str, request: CampaignRequest) -> None:
        """``campaigns/update``."""
        await self._client.call(
            "autodialer/campaigns/update", request.to_api(self._tz, campaign_id=campaign_id)
        )

    async def remove_campaign(self, campaign_id: str) -> None:
        """``campaigns/remove``."""
        await self._client.call("autodialer/campaigns/remove", {"_id": campaign_id})

    async def search_reports(
        self, query: CampaignReportQuery, page: Pagination | None = None, *, skip_bad: bool = False
    ) -> Page[CampaignReportRow]:
        """``reports/search``: one row per campaign run and number, with its tries."""
        body = query.to_api(self._tz, page or Pagination())
        parse = partial(
            parse_page, "CampaignReportRow", parse=CampaignReportRow.from_api, tz=self._tz, skip_bad=skip_bad
        )
        return await self._client.parsed("autodialer/reports/search", body, parse)

    async def ordered_reports(self, after_id: str = "") -> CursorPage[CampaignReportRow]:
        """``reports/ordered/id``: report rows inserted after ``after_id``."""
        data = await self._client.call("autodialer/reports/ordered/id", {"_id": after_id})
        return parse_cursor("CampaignReportRow", data, CampaignReportRow.from_api, self._tz)

    async def report_info(self, cdr_id: str) -> CampaignCallInfo:
        """``reports/info`` by a ``tries[].cdr_id`` (not the report row id)."""
        data = await self._client.call("autodialer/reports/info", {"_id": cdr_id})
        return CampaignCallInfo.from_api(data, self._tz)

    async def search_trunk_managers(self, title: str = "", *, alike: bool = True) -> tuple[TrunkManager, ...]:
        """``trunks/search`` (the trunk manager)."""
        body = {"alike": _alike(alike), "conditions": {"title": title}}
        data = await self._client.call("autodialer/trunks/search", body)
        return parse_list("TrunkManager", data, TrunkManager.from_api, self._tz)

    async def search_announcements(self, name: str = "", *, alike: bool = True) -> tuple[Announcement, ...]:
        """``announcements/search``."""
        body = {"alike": _alike(alike), "conditions": {"name": name}}
        data = await self._client.call("autodialer/announcements/search", body)
        return parse_list("Announcement", data, Announcement.from_api, self._tz)


class PbxGroup(_Group):
    """``pbx/*``: the directory a dial form draws on."""

    async def search_users(
        self, name: str = "", *, number: str = "", mapped_only: bool = False, alike: bool = True
    ) -> tuple[User, ...]:
        """``users/search``; ``alike`` is a JSON boolean here, unlike elsewhere (reference §6.1)."""
        body = {
            "status": "mapped" if mapped_only else "all",
            "alike": alike,
            "conditions": {"name": name, "number": number, "mapped": ""},
        }
        data = await self._client.call("pbx/users/search", body)
        return parse_list("User", data, User.from_api, self._tz)

    async def search_trunks(self, name: str = "", *, alike: bool = True) -> tuple[Trunk, ...]:
        """``trunks/search``."""
        body = {"alike": _alike(alike), "conditions": {"name": name}}
        data = await self._client.call("pbx/trunks/search", body)
        return parse_list("Trunk", data, Trunk.from_api, self._tz)

    async def pause_agent(self, queue: str, agent: str) -> str:
        """``queues/pauseagent``: the agent stops getting the queue's calls. Never retried here."""
        return await self._agent("pbx/queues/pauseagent", queue, agent)

    async def resume_agent(self, queue: str, agent: str) -> str:
        """``queues/resumeagent`` (the doc file says *resumagent*; the URL does not)."""
        return await self._agent("pbx/queues/resumeagent", queue, agent)

    async def _agent(self, service: str, queue: str, agent: str) -> str:
        data = await self._client.call(service, {"queue": queue, "agent": agent})
        message = data.get("message") if isinstance(data, dict) else None
        return message if isinstance(message, str) else ""

    async def search_queues(
        self, name: str = "", *, number: str = "", alike: bool = True
    ) -> tuple[Queue, ...]:
        """``queues/search``."""
        body = {"alike": _alike(alike), "conditions": {"name": name, "number": number}}
        data = await self._client.call("pbx/queues/search", body)
        return parse_list("Queue", data, Queue.from_api, self._tz)
