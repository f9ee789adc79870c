"""Contract tests: the real SimotelClient against the real simulator over loopback HTTP.

Every client method, every reference §1.4 error row (and the §10 check order), pagination
(§1.6), cursors (§1.7), the originate lifecycle (§3, §9) and a campaign run (§5) are exercised
end to end. The session simulator (``tests/conftest.py``: seed 7, speed 200, history 2000) is
shared, so tests that change ``sim.settings`` restore them, and tests that search history use a
window that closes before any call this session placed.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
import pytest

from simotui.api import (
    CampaignReportQuery,
    CampaignReportRow,
    CampaignRequest,
    Cdr,
    CdrQuery,
    Credentials,
    Disposition,
    Exchange,
    OriginateRequest,
    OriginateResult,
    Page,
    Pagination,
    SimotelClient,
)
from simotui.errors import (
    AccessDenied,
    ApiError,
    ApiUnavailable,
    AuthError,
    OperationFailed,
    RequestRejected,
    ServiceNotFound,
)
from simotui.secret import Secret
from simotui.sim import SimConfig, SimulatorHandle, start_simulator

T = TypeVar("T")

#: Virtual seconds a poll lets pass between two looks, and how many looks before it gives up.
#: The session simulator's clock is frozen: time passes only when a test advances it, so a
#: loaded machine cannot make a call end early or late.
POLL_STEP = 5.0
POLL_LOOKS = 400
#: The seeded trunk manager (reference §5.4 sample) and a context with an Outgoing Route.
TRUNK_MANAGER_TITLE = "autodialer"
CONTEXT = "main_routing"
#: Outcomes of the seeded world (``simotui.sim.outcomes``).
PSTN_ANSWERS = "09121234567"
PSTN_BUSY = "09121234599"
PSTN_NEVER_ANSWERS = "09121234500"
#: A documented queue call (reference §4.2) and its documented detail row.
DOC_QUICK_INFO_CUID = "1624299033.75565"
DOC_QUICK_INFO_ROW = "60d0d647895b44fe5bbc6671"

EXPECTED_501 = {
    "does": "Requested service does not exist",
    "dose": "Requested service dose not exist",
}


# ----------------------------------------------------------------------------- helpers


def sim_now(sim: SimulatorHandle) -> datetime:
    """The simulator's virtual now as an aware datetime."""
    return datetime.fromtimestamp(sim.pbx.clock.now(), tz=UTC)


def settled_window(sim: SimulatorHandle) -> CdrQuery:
    """A 20-day window of pre-filled history that ends a day before any call of this session.

    Calls placed by tests start no earlier than the first originate, so rows in this window
    never change while a test pages through it.
    """
    first_call = min((call.created for call in sim.pbx.originated.values()), default=sim.pbx.clock.now())
    end = datetime.fromtimestamp(first_call, tz=UTC) - timedelta(days=1)
    return CdrQuery(date_from=end - timedelta(days=20), date_to=end)


def around(moment: datetime, **filters: Any) -> CdrQuery:
    """A CDR query over a window comfortably around ``moment`` (minute resolution)."""
    return CdrQuery(date_from=moment - timedelta(minutes=5), date_to=moment + timedelta(hours=2), **filters)


async def poll(
    sim: SimulatorHandle,
    fetch: Callable[[], Awaitable[T]],
    done: Callable[[T], bool],
) -> T:
    """Call ``fetch`` until ``done`` accepts its result, letting virtual time pass in between."""
    for _ in range(POLL_LOOKS):
        result = await fetch()
        if done(result):
            return result
        sim.pbx.advance(POLL_STEP)
    return result


async def wait_virtual(sim: SimulatorHandle, until: float) -> None:
    """Move the simulator's clock past ``until`` (epoch seconds)."""
    now = sim.pbx.clock.now()
    if now < until:
        sim.pbx.advance(until - now + 0.001)


async def cdrs_of(client: SimotelClient, query: CdrQuery, sorting: dict[str, int] | None = None) -> list[Cdr]:
    """Every CDR of a query, all pages (in the server's default order unless ``sorting``)."""
    rows: list[Cdr] = []
    start = 0
    while True:
        page = await client.reports.cdr_search(
            query, Pagination(start=start, count=100, sorting=sorting or {})
        )
        rows.extend(page.records)
        start += 100
        if start >= page.total:
            return rows


async def wait_for_cdr(
    sim: SimulatorHandle, client: SimotelClient, result: OriginateResult, moment: datetime, **filters: Any
) -> Cdr | None:
    """Poll CDR search around ``moment`` until a row of this originate appears."""

    async def fetch() -> Cdr | None:
        rows = await cdrs_of(client, around(moment, **filters))
        found = [r for r in rows if r.originated_call_id == result.originated_call_id]
        return found[0] if found else None

    return await poll(sim, fetch, lambda row: row is not None)


def order_ids(page: Page[Cdr]) -> list[str]:
    return [row.id for row in page.records]


@contextmanager
def changed_settings(sim: SimulatorHandle, **changes: Any) -> Iterator[None]:
    """Change ``sim.settings`` for the block, restoring every touched attribute after it."""
    saved = {name: getattr(sim.settings, name) for name in changes}
    try:
        for name, value in changes.items():
            setattr(sim.settings, name, value)
        yield
    finally:
        for name, value in saved.items():
            setattr(sim.settings, name, value)


class TamperingTransport(httpx.AsyncHTTPTransport):
    """A real network transport that rewrites what the client sends, to reach the error rows
    a well-behaved client never triggers (bad JSON, wrong content type, no credentials)."""

    def __init__(
        self,
        *,
        content_type: str | None = None,
        body: bytes | None = None,
        drop_auth: bool = False,
    ) -> None:
        super().__init__()
        self.content_type = content_type
        self.body = body
        self.drop_auth = drop_auth

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        headers = httpx.Headers(request.headers)
        del headers["Content-Length"]
        if self.content_type is not None:
            headers["Content-Type"] = self.content_type
        if self.drop_auth:
            for name in ("Authorization", "X-APIKEY"):
                if name in headers:
                    del headers[name]
        content = self.body if self.body is not None else request.content
        tampered = httpx.Request(request.method, request.url, headers=headers, content=content)
        return await super().handle_async_request(tampered)


@pytest.fixture
async def raw(sim: SimulatorHandle) -> AsyncIterator[httpx.AsyncClient]:
    """A plain httpx client of the simulator with no credentials at all."""
    async with httpx.AsyncClient(base_url=sim.url, timeout=10) as http:
        yield http


def credentials_for(sim: SimulatorHandle) -> Credentials:
    """Credentials the simulator's account accepts (both headers), as ``tests/conftest.py``."""
    settings = sim.settings
    return Credentials("both", settings.username, Secret(settings.password), Secret(settings.api_key))


def auth_headers(sim: SimulatorHandle) -> dict[str, str]:
    """Both authentication headers the session simulator accepts."""
    return credentials_for(sim).headers()


def client_for(
    sim: SimulatorHandle,
    credentials: Credentials | None = None,
    *,
    base_url: str | None = None,
    **kwargs: Any,
) -> SimotelClient:
    """A real client of ``sim`` with other credentials, base URL or transport."""
    return SimotelClient(base_url or sim.url, credentials or credentials_for(sim), timeout=10, **kwargs)


def assert_api_error(error: ApiError, kind: type[ApiError], status: int, code: str, message: str) -> None:
    """The exception is of ``kind`` and carries the server's status, code and exact message."""
    assert type(error) is kind, repr(error)
    assert error.status == status
    assert error.code == code
    assert error.message == message


# ------------------------------------------------------------------------ setting / pbx


async def test_ping_answers_over_put(sim: SimulatorHandle, client: SimotelClient) -> None:
    """``setting.ping`` succeeds with PUT and reports a positive round trip."""
    before = sim.requests.total
    elapsed = await client.setting.ping()
    assert 0 < elapsed < 10
    sent = [r for r in sim.requests.since(before) if r.path == "/api/v4/setting/ping/act"]
    assert [(r.method, r.status) for r in sent] == [("PUT", 200)]
    async with client_for(sim, base_url=f"{sim.api_url}/") as api:
        assert await api.setting.ping() > 0  # "/api/v4" in the base URL is not doubled


async def test_search_users_names_the_dial_form_extensions(client: SimotelClient) -> None:
    """``pbx.search_users`` lists 552 and 557 with their names; filters and mapped_only work."""
    users = {u.number: u for u in await client.pbx.search_users()}
    assert users["552"].name == "Sara Mohammadi"
    assert users["557"].name == "Narges Hosseini"
    assert users["552"].context == CONTEXT
    assert users["552"].active is True
    assert "9009" in users["552"].queues
    exact = await client.pbx.search_users(number="552", alike=False)
    assert [u.number for u in exact] == ["552"]
    mapped = {u.number for u in await client.pbx.search_users(mapped_only=True)}
    assert "552" in mapped and "557" in mapped
    assert mapped < set(users)
    numbers = list(users)
    assert numbers == sorted(numbers, key=lambda n: (len(n), n))  # users come by number
    named = await client.pbx.search_users("sara")
    assert [u.number for u in named] == ["552"]  # alike: case-insensitive substring


async def test_search_trunks_hides_secrets(client: SimotelClient) -> None:
    """``pbx.search_trunks`` returns the trunks by name, without credential-bearing fields."""
    trunks = {t.name: t for t in await client.pbx.search_trunks()}
    assert {"Cisco", "Center"} <= set(trunks)
    assert trunks["Center"].active is True
    assert trunks["trunk_name_new"].active is False
    for trunk in trunks.values():
        assert "register_string" not in trunk.raw
        assert "more_options" not in trunk.raw
    only = await client.pbx.search_trunks("Center", alike=False)
    assert [t.name for t in only] == ["Center"]


async def test_search_queues(client: SimotelClient) -> None:
    """``pbx.search_queues`` finds the documented queue 9009 and filters by number."""
    queues = {q.number: q for q in await client.pbx.search_queues()}
    assert queues["9009"].name == "NasimTelecom"
    assert queues["9009"].id == "603c8d9ffc909f2e766d40d3"
    found = await client.pbx.search_queues(number="9009", alike=False)
    assert [q.number for q in found] == ["9009"]


async def test_directory_lists_come_in_creation_order(client: SimotelClient) -> None:
    """Non-paginated lists come in creation order (``simotui.sim`` docstring)."""
    trunks = [t.created for t in await client.pbx.search_trunks()]
    queues = [q.created for q in await client.pbx.search_queues()]
    assert None not in trunks and None not in queues
    assert trunks == sorted(trunks)  # type: ignore[type-var]
    assert queues == sorted(queues)  # type: ignore[type-var]


# -------------------------------------------------------------------------- reports


async def test_cdr_search_default_sort_is_echoed(sim: SimulatorHandle, client: SimotelClient) -> None:
    """An empty ``sorting`` comes back as ``{"starttime": -1}`` and rows are newest first."""
    page = await client.reports.cdr_search(settled_window(sim), Pagination(count=50))
    assert page.sorting == {"starttime": -1}
    assert page.total > 50 and len(page.records) == 50
    starts = [r.starttime for r in page.records]
    assert None not in starts
    assert starts == sorted(starts, reverse=True)  # type: ignore[type-var]


async def test_quick_search_agrees_with_cdr_search(sim: SimulatorHandle, client: SimotelClient) -> None:
    """``reports.quick_search`` over a window finds the same rows as ``cdr_search``."""
    query = settled_window(sim)
    quick = await client.reports.quick_search(query, Pagination(count=30))
    cdr = await client.reports.cdr_search(query, Pagination(count=30))
    assert quick.total == cdr.total > 0
    assert order_ids(quick) == order_ids(cdr)
    # quick search writes endtime as a Jalali string, CDR search as $date: same instants.
    for q, c in zip(quick.records, cdr.records, strict=True):
        assert q.starttime == c.starttime
        assert q.endtime is not None and c.endtime is not None
        assert abs((q.endtime - c.endtime).total_seconds()) < 1


async def test_quick_search_by_cuid_alone(sim: SimulatorHandle, client: SimotelClient) -> None:
    """A quick search by ``cuid`` with no dates sends ``date_range: {}`` and finds that call."""
    sample = (await client.reports.cdr_search(settled_window(sim), Pagination(count=1))).records[0]
    before = sim.requests.total
    page = await client.reports.quick_search(CdrQuery(cuid=sample.cuid, alike=False))
    assert page.total >= 1
    assert all(r.cuid == sample.cuid for r in page.records)
    assert sample.id in order_ids(page)
    sent = [r for r in sim.requests.since(before) if r.path.endswith("reports/quick/search")]
    assert sent and sent[0].body["date_range"] == {}


async def test_cdr_search_without_dates_or_cuid_fails(client: SimotelClient) -> None:
    """``date_range`` is required unless searching by ``cuid`` (operation failure, HTTP 200)."""
    with pytest.raises(OperationFailed) as caught:
        await client.reports.cdr_search(CdrQuery(src="557"))
    assert_api_error(
        caught.value, OperationFailed, 200, "operation_failed", "Field 'date_range':value is missing"
    )


async def test_cdr_ordered_cursor_walks_to_the_end(client: SimotelClient) -> None:
    """``reports.cdr_ordered``: ascending ids, 20 per step, end = empty page, same last_id."""
    seen: list[str] = []
    after = ""
    steps = full_pages = 0
    while True:
        page = await client.reports.cdr_ordered(after)
        steps += 1
        if not page.records:
            assert page.last_id == after
            break
        assert len(page.records) <= 20
        ids = [r.id for r in page.records]
        assert page.last_id == ids[-1]
        assert all(i > after for i in ids)
        seen.extend(ids)
        full_pages += len(page.records) == 20
        after = page.last_id
        assert steps < 1000, "the cursor never ends"
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen))
    assert len(seen) >= 2000  # the pre-filled history, at least
    assert steps >= 100
    assert full_pages >= steps - 3  # 20 per step; only the tail can be short
    with pytest.raises(OperationFailed) as caught:
        await client.reports.cdr_ordered("not-an-object-id")
    assert caught.value.message == "Requested operation failed"


async def test_quick_info_returns_the_queue_rows_of_a_call(client: SimotelClient) -> None:
    """``reports.quick_info`` returns a call's queue detail rows in ``_id`` order."""
    rows = await client.reports.quick_info(DOC_QUICK_INFO_CUID)
    assert rows, "the documented queue call has detail rows"
    assert all(r.cuid == DOC_QUICK_INFO_CUID for r in rows)
    assert DOC_QUICK_INFO_ROW in [r.id for r in rows]
    documented = next(r for r in rows if r.id == DOC_QUICK_INFO_ROW)
    assert documented.queue_number == "901"
    assert documented.dst == "564"
    assert documented.disposition == Disposition.NO_ANSWER
    assert [r.id for r in rows] == sorted(r.id for r in rows)
    assert await client.reports.quick_info("1.1") == ()


async def test_download_audio_of_a_recorded_cdr(sim: SimulatorHandle, client: SimotelClient) -> None:
    """A CDR's ``record`` downloads as a WAV file with the ``audio/wav`` type."""
    rows = await client.reports.cdr_search(settled_window(sim), Pagination(count=200))
    recorded = [r for r in rows.records if r.record]
    assert recorded, "some history calls are recorded"
    content, content_type = await client.reports.download_audio(recorded[0].record or "")
    assert content_type.startswith("audio/wav")
    assert content[:4] == b"RIFF" and content[8:12] == b"WAVE"
    assert len(content) > 44


async def test_download_audio_mp3_is_mpeg_frames() -> None:
    """With ``record_format: mp3`` a download is MPEG audio frames typed ``audio/mpeg``."""
    handle = start_simulator(SimConfig(seed=3, speed=0, history=300, record_format="mp3"))
    try:
        async with client_for(handle) as api:
            end = sim_now(handle)
            query = CdrQuery(date_from=end - timedelta(days=31), date_to=end)
            rows = await api.reports.cdr_search(query, Pagination(count=300))
            recorded = [r.record for r in rows.records if r.record]
            assert recorded and all(name.endswith(".mp3") for name in recorded)
            content, content_type = await api.reports.download_audio(recorded[0])
    finally:
        handle.stop()
    assert content_type == "audio/mpeg"
    assert content[0] == 0xFF and content[1] & 0xE0 == 0xE0  # MPEG frame sync


async def test_download_audio_of_a_missing_file_is_not_found(client: SimotelClient) -> None:
    """A missing recording is Apache's HTML 404: ``ServiceNotFound`` with status 404."""
    with pytest.raises(ServiceNotFound) as caught:
        await client.reports.download_audio("20200101_1.1.wav")
    assert caught.value.status == 404
    assert caught.value.code == "not_found"
    assert caught.value.service == "reports/audio/download"


async def test_download_audio_without_a_name_is_an_operation_failure(
    client: SimotelClient,
) -> None:
    """An empty ``file`` is a JSON failure, not a file: OperationFailed naming the field."""
    with pytest.raises(OperationFailed) as caught:
        await client.reports.download_audio("")
    assert_api_error(caught.value, OperationFailed, 200, "operation_failed", "Field 'file':value is missing")


# ------------------------------------------------------------------------- pagination


async def test_pages_keep_the_total_and_do_not_overlap(sim: SimulatorHandle, client: SimotelClient) -> None:
    """Consecutive pages report the same total, share no row and tile one big page."""
    query = settled_window(sim)
    pages = [
        await client.reports.cdr_search(query, Pagination(start=start, count=25)) for start in (0, 25, 50)
    ]
    totals = {p.total for p in pages}
    assert len(totals) == 1 and totals.pop() > 75
    ids = [i for p in pages for i in order_ids(p)]
    assert len(ids) == 75 and len(set(ids)) == 75
    assert [p.start for p in pages] == [0, 25, 50]
    whole = await client.reports.cdr_search(query, Pagination(start=0, count=75))
    assert order_ids(whole) == ids


async def test_start_beyond_the_total_is_an_empty_page(sim: SimulatorHandle, client: SimotelClient) -> None:
    """``start`` past the last match returns no rows and the same total."""
    query = settled_window(sim)
    first = await client.reports.cdr_search(query, Pagination(count=5))
    beyond = await client.reports.cdr_search(query, Pagination(start=first.total + 10, count=5))
    assert beyond.records == ()
    assert beyond.total == first.total
    for sorting in ({"billsec": 1}, {"starttime": 1}):
        sorted_beyond = await client.reports.cdr_search(
            query, Pagination(start=first.total, count=5, sorting=sorting)
        )
        assert sorted_beyond.records == () and sorted_beyond.total == first.total


@pytest.mark.parametrize("direction", [1, -1])
async def test_sorting_by_billsec(sim: SimulatorHandle, client: SimotelClient, direction: int) -> None:
    """Sorting on ``billsec`` really sorts, across every page, and is echoed back."""
    query = settled_window(sim)
    sorting = {"billsec": direction}
    first = await client.reports.cdr_search(query, Pagination(count=100, sorting=sorting))
    assert first.sorting == sorting
    rows = await cdrs_of(client, query, sorting)
    values = [r.billsec for r in rows]
    assert len(rows) == first.total
    assert len({r.id for r in rows}) == len(rows)
    assert values == sorted(values, reverse=direction == -1)
    assert len(set(values)) > 10
    unsorted = await cdrs_of(client, query)
    assert sorted(values) == sorted(r.billsec for r in unsorted)
    assert values != [r.billsec for r in unsorted]


async def test_several_sort_keys_apply_in_order(sim: SimulatorHandle, client: SimotelClient) -> None:
    """``{"disposition": 1, "billsec": -1}`` sorts by disposition, then billsec descending."""
    sorting = {"disposition": 1, "billsec": -1}
    rows = await cdrs_of(client, settled_window(sim), sorting)
    keys = [(str(r.disposition), -r.billsec) for r in rows]
    assert keys == sorted(keys)
    assert len({r.disposition for r in rows}) > 1


async def test_nulls_sort_first_ascending(sim: SimulatorHandle, client: SimotelClient) -> None:
    """Sorting on ``answer`` ascending puts unanswered rows (no answer time) first."""
    rows = await cdrs_of(client, settled_window(sim), {"answer": 1})
    answers = [r.answer for r in rows]
    unanswered = answers.count(None)
    assert 0 < unanswered < len(answers)
    assert answers[:unanswered] == [None] * unanswered
    rest = answers[unanswered:]
    assert rest == sorted(rest)  # type: ignore[type-var]


async def test_unknown_sort_field_keeps_time_order(sim: SimulatorHandle, client: SimotelClient) -> None:
    """A sort field no row has is echoed and leaves the natural (ascending time) order."""
    page = await client.reports.cdr_search(
        settled_window(sim), Pagination(count=50, sorting={"no_such_field": -1})
    )
    assert page.sorting == {"no_such_field": -1}
    starts = [r.starttime for r in page.records]
    assert len(starts) == 50 and starts == sorted(starts)  # type: ignore[type-var]


async def test_sort_direction_must_be_one_or_minus_one(sim: SimulatorHandle, client: SimotelClient) -> None:
    """A direction other than 1/-1 is an operation failure."""
    with pytest.raises(OperationFailed) as caught:
        await client.reports.cdr_search(settled_window(sim), Pagination(sorting={"billsec": 2}))
    assert caught.value.message == "Requested operation failed"


async def test_alike_is_substring_and_exact_is_equality(sim: SimulatorHandle, client: SimotelClient) -> None:
    """``alike`` true matches a substring of ``src``; false matches the whole value only."""
    window = settled_window(sim)
    similar = await cdrs_of(client, replace(window, src="55", alike=True))
    assert similar and all("55" in r.src for r in similar)
    assert any(r.src != "55" for r in similar)
    assert await cdrs_of(client, replace(window, src="55", alike=False)) == []
    exact = await cdrs_of(client, replace(window, src="552", alike=False))
    assert exact and all(r.src == "552" for r in exact)
    loose = await cdrs_of(client, replace(window, src="552", alike=True))
    assert {r.id for r in exact} <= {r.id for r in loose}


# -------------------------------------------------------------------------- originate


async def test_originate_lifecycle_extension_to_extension(
    sim: SimulatorHandle, client: SimotelClient
) -> None:
    """557 → 552: an ANSWERED CDR carrying the id, routed, recorded, stamped at the id's epoch."""
    moment = sim_now(sim)
    result = await client.calls.originate(OriginateRequest("557", "552", CONTEXT, "557"))
    assert result.originated_call_id.startswith("orig.call.")
    assert result.accepted_epoch is not None
    assert abs(result.accepted_epoch - moment.timestamp()) < 60
    cdr = await wait_for_cdr(sim, client, result, moment, src="557", dst="552", alike=False)
    assert cdr is not None, "no CDR carried the originated call id"
    assert cdr.disposition == Disposition.ANSWERED
    assert cdr.billsec > 0
    assert cdr.type == "local"
    assert [step.type for step in cdr.route] == ["OutgoingRoute", "Extension"]
    assert result.originated_call_id in cdr.comment
    assert cdr.originated_call_ids[0] == result.originated_call_id
    assert cdr.start is not None
    assert abs(cdr.start.timestamp() - result.accepted_epoch) <= 5
    assert cdr.clid == '"" <557>'
    assert cdr.starttime is not None and cdr.answer is not None and cdr.endtime is not None
    assert cdr.start <= cdr.starttime <= cdr.answer <= cdr.endtime
    assert abs((cdr.endtime - cdr.answer).total_seconds() - cdr.billsec) <= 1
    # A date range of that very minute includes the row (a "to" without seconds is inclusive).
    same_minute = CdrQuery(date_from=cdr.starttime, date_to=cdr.starttime, src="557")
    assert cdr.id in {r.id for r in await cdrs_of(client, same_minute)}
    # 552 records its calls: the recording downloads.
    assert cdr.record is not None and cdr.cuid in cdr.record
    content, content_type = await client.reports.download_audio(cdr.record)
    assert content_type.startswith("audio/wav") and content[:4] == b"RIFF"


async def test_originate_first_party_never_answers_leaves_no_cdr(
    sim: SimulatorHandle, client: SimotelClient
) -> None:
    """A PSTN first party that rings out: after timeout + margin no CDR carries the id."""
    moment = sim_now(sim)
    request = OriginateRequest(PSTN_NEVER_ANSWERS, "552", CONTEXT, "557", "Center", timeout=20)
    result = await client.calls.originate(request)
    # A control call in the same window proves the search would see a stored row.
    control = await client.calls.originate(OriginateRequest("557", "553", CONTEXT, "557"))
    assert result.accepted_epoch is not None
    await wait_virtual(sim, result.accepted_epoch + 20 + 30)
    assert await wait_for_cdr(sim, client, control, moment) is not None
    rows = await cdrs_of(client, around(moment))
    assert [r for r in rows if result.originated_call_id in r.originated_call_ids] == []
    assert sim.pbx.originated[result.originated_call_id].state == "ended"


async def test_originate_unknown_short_caller_is_a_spool_failure(
    sim: SimulatorHandle, client: SimotelClient
) -> None:
    """An unknown short caller gives a FAILED ``OutgoingSpoolFailed`` row with the id."""
    moment = sim_now(sim)
    result = await client.calls.originate(OriginateRequest("123", "552", CONTEXT, "557"))
    cdr = await wait_for_cdr(sim, client, result, moment, src="123", alike=False)
    assert cdr is not None
    assert cdr.disposition == Disposition.FAILED
    assert cdr.channel == "OutgoingSpoolFailed" and cdr.is_spool_failure
    assert cdr.type == "local"
    assert (cdr.src, cdr.dst) == ("123", "552")
    assert cdr.billsec == 0
    assert cdr.comment == f"originated call: {result.originated_call_id}"


async def test_originate_busy_callee(sim: SimulatorHandle, client: SimotelClient) -> None:
    """A busy PSTN callee after the first party answered gives a BUSY CDR with no talk time."""
    moment = sim_now(sim)
    result = await client.calls.originate(OriginateRequest("557", PSTN_BUSY, CONTEXT, "557"))
    cdr = await wait_for_cdr(sim, client, result, moment, dst=PSTN_BUSY, alike=False)
    assert cdr is not None
    assert cdr.disposition == Disposition.BUSY
    assert cdr.billsec == 0
    assert cdr.type == "outgoing"
    assert cdr.answer is None


async def test_originate_to_pstn_goes_out_through_the_context_trunk(
    sim: SimulatorHandle, client: SimotelClient
) -> None:
    """Extension → PSTN: outgoing through ``Center``, recorded (MixMonitor) and routed to the trunk."""
    moment = sim_now(sim)
    result = await client.calls.originate(OriginateRequest("521", PSTN_ANSWERS, CONTEXT, "557"))
    cdr = await wait_for_cdr(sim, client, result, moment, dst=PSTN_ANSWERS, alike=False)
    assert cdr is not None
    assert cdr.disposition == Disposition.ANSWERED
    assert (cdr.type, cdr.outgoing_point) == ("outgoing", "Center")
    steps = [step.type for step in cdr.route]
    assert steps[0] == "OutgoingRoute" and steps[-1] == "Trunk"
    assert "MixMonitor" in steps
    assert cdr.route[-1].name == "Center"
    assert cdr.record is not None


async def test_originate_pstn_caller_trunk_name_is_case_insensitive(
    sim: SimulatorHandle, client: SimotelClient
) -> None:
    """A PSTN first party through ``cisco`` (lower case) reaches 552; the trunk is named as stored."""
    moment = sim_now(sim)
    request = OriginateRequest(PSTN_ANSWERS, "552", CONTEXT, "557", trunk_name="cisco")
    result = await client.calls.originate(request)
    cdr = await wait_for_cdr(sim, client, result, moment, src=PSTN_ANSWERS, alike=False)
    assert cdr is not None
    assert cdr.disposition == Disposition.ANSWERED
    assert (cdr.type, cdr.outgoing_point) == ("outgoing", "Cisco")
    assert cdr.channel.startswith("SIP/Cisco-")


async def test_originate_call_limit_caps_the_talk_time(sim: SimulatorHandle, client: SimotelClient) -> None:
    """``call_limit`` bounds billsec."""
    moment = sim_now(sim)
    request = OriginateRequest("557", "554", CONTEXT, "557", call_limit=3)
    result = await client.calls.originate(request)
    cdr = await wait_for_cdr(sim, client, result, moment, dst="554", alike=False)
    assert cdr is not None
    assert cdr.disposition == Disposition.ANSWERED
    assert 0 < cdr.billsec <= 3


async def test_originate_through_an_unknown_context_fails_the_second_leg(
    sim: SimulatorHandle, client: SimotelClient
) -> None:
    """The first party answered, the context does not exist: a FAILED row with no route."""
    moment = sim_now(sim)
    result = await client.calls.originate(OriginateRequest("557", "552", "nowhere", "557"))
    cdr = await wait_for_cdr(sim, client, result, moment, src="557", alike=False)
    assert cdr is not None
    assert cdr.disposition == Disposition.FAILED
    assert cdr.dcontext == "nowhere"
    assert cdr.route == ()
    assert cdr.channel != "OutgoingSpoolFailed"  # not a spool failure: 557 answered


# ------------------------------------------------------------------------- autodialer


async def test_search_trunk_managers_and_announcements(client: SimotelClient) -> None:
    """The seeded trunk manager and the documented announcements are listed."""
    managers = await client.autodialer.search_trunk_managers(TRUNK_MANAGER_TITLE)
    assert [m.id for m in managers] == ["5ec63107ce4f6d12c43e250f"]
    manager = managers[0]
    assert manager.is_active
    assert manager.active_times[1] == tuple(range(24))
    assert set(manager.active_times) == set(range(1, 8))
    assert await client.autodialer.search_trunk_managers("no-such-manager") == ()
    announcements = await client.autodialer.search_announcements()
    names = [a.name for a in announcements]
    assert {"test_sound", "Hello_World", "azan"} <= set(names)
    created = [a.created for a in announcements]
    assert created == sorted(created)  # type: ignore[type-var]
    azan = await client.autodialer.search_announcements("azan", alike=False)
    assert [a.id for a in azan] == ["652ea0eba9315b2d0c025574"]


async def test_campaign_update_and_remove(sim: SimulatorHandle, client: SimotelClient) -> None:
    """A future campaign waits; ``update_campaign`` changes it; ``remove_campaign`` deletes it."""
    manager = (await client.autodialer.search_trunk_managers(TRUNK_MANAGER_TITLE))[0]
    name = f"contract-wait-{uuid.uuid4().hex[:8]}"
    start = sim_now(sim) + timedelta(days=2)
    request = CampaignRequest(
        name=name,
        trunk_manager_id=manager.id,
        numbers=[PSTN_ANSWERS],
        start=start,
        end=start + timedelta(hours=1),
        description="before",
    )
    campaign_id = await client.autodialer.add_campaign(request)
    found = (await client.autodialer.search_campaigns(name, alike=False)).records
    assert [c.id for c in found] == [campaign_id]
    assert found[0].status == "waiting"
    assert found[0].numbers == (PSTN_ANSWERS,)
    assert found[0].trunk_manager_id == manager.id
    assert found[0].start is not None
    assert found[0].start.replace(second=0) == start.replace(second=0, microsecond=0)

    changed = CampaignRequest(
        name=name,
        trunk_manager_id=manager.id,
        numbers=[PSTN_ANSWERS, PSTN_BUSY],
        tries=3,
        try_interval=120,
        start=start,
        end=start + timedelta(hours=1),
        description="after",
    )
    await client.autodialer.update_campaign(campaign_id, changed)
    updated = (await client.autodialer.search_campaigns(name, alike=False)).records
    assert len(updated) == 1
    assert updated[0].description == "after"
    assert updated[0].numbers == (PSTN_ANSWERS, PSTN_BUSY)
    assert (updated[0].tries, updated[0].try_interval) == (3, 120)
    assert updated[0].status == "waiting"

    await client.autodialer.remove_campaign(campaign_id)
    gone = await client.autodialer.search_campaigns(name, alike=False)
    assert gone.total == 0 and gone.records == ()
    with pytest.raises(OperationFailed) as caught:
        await client.autodialer.remove_campaign(campaign_id)
    assert caught.value.message == "Requested operation failed"
    with pytest.raises(OperationFailed):
        await client.autodialer.update_campaign(campaign_id, changed)


async def test_campaign_run_produces_report_rows(sim: SimulatorHandle, client: SimotelClient) -> None:
    """A campaign starting now dials its numbers: ANSWERED / BUSY rows, causes, info, completion."""
    manager = (await client.autodialer.search_trunk_managers(TRUNK_MANAGER_TITLE))[0]
    announcement = (await client.autodialer.search_announcements("test_sound", alike=False))[0]
    name = f"contract-run-{uuid.uuid4().hex[:8]}"
    campaign_id = await client.autodialer.add_campaign(
        CampaignRequest(
            name=name,
            trunk_manager_id=manager.id,
            numbers=[PSTN_ANSWERS, PSTN_BUSY, PSTN_NEVER_ANSWERS],
            interface_context="auto",
            interface_text="text1",
            tries=1,
            start=sim_now(sim),
            announcement=announcement.id,
        )
    )
    query = CampaignReportQuery(campaign_id=campaign_id, alike=False)

    async def fetch() -> Page[CampaignReportRow]:
        return await client.autodialer.search_reports(query)

    reports = await poll(sim, fetch, lambda page: page.total >= 3)
    assert reports.total == 3
    rows = {row.number: row for row in reports.records}
    assert set(rows) == {PSTN_ANSWERS, PSTN_BUSY, PSTN_NEVER_ANSWERS}
    answered, busy, unanswered = rows[PSTN_ANSWERS], rows[PSTN_BUSY], rows[PSTN_NEVER_ANSWERS]
    assert answered.disposition == Disposition.ANSWERED
    assert busy.disposition == Disposition.BUSY
    assert unanswered.disposition == Disposition.NO_ANSWER
    assert answered.billsec > 0 and busy.billsec == 0
    assert unanswered.wait == 30  # a campaign number rings at most 30 s
    for row in (answered, busy, unanswered):
        assert row.campaign_id == campaign_id
        assert row.campaign == name
        assert row.interface_context == "auto"
        assert row.trunk_manager_id == manager.id
        assert row.try_count == 1 and len(row.tries) == 1
    assert (answered.tries[0].cause, answered.tries[0].cause_text) == (16, "Normal Clearing")
    assert (busy.tries[0].cause, busy.tries[0].cause_text) == (21, "Call Rejected")
    assert (unanswered.tries[0].cause, unanswered.tries[0].cause_text) == (16, "Normal Clearing")
    assert answered.tries[0].disposition == Disposition.ANSWERED

    info = await client.autodialer.report_info(answered.tries[0].cdr_id)
    assert info.dcontext == "auto"
    assert info.duration >= info.wait
    with pytest.raises(OperationFailed):
        await client.autodialer.report_info(answered.id)  # a row id is not a cdr_id

    async def campaign_status() -> str:
        page = await client.autodialer.search_campaigns(name, alike=False)
        return page.records[0].status if page.records else ""

    assert await poll(sim, campaign_status, lambda status: status == "completed") == "completed"
    finished = (await client.autodialer.search_campaigns(name, alike=False)).records[0]
    assert finished.statistics is not None
    assert finished.statistics["all"]["success"] == 1

    # The ordered cursor reaches the new rows, in ascending id order, and then ends.
    walked: list[str] = []
    after = ""
    while True:
        step = await client.autodialer.ordered_reports(after)
        if not step.records:
            assert step.last_id == after
            break
        assert len(step.records) <= 20
        walked.extend(r.id for r in step.records)
        after = step.last_id
    assert walked == sorted(walked)
    assert {answered.id, busy.id, unanswered.id} <= set(walked)

    await client.autodialer.remove_campaign(campaign_id)
    assert (await client.autodialer.search_campaigns(name, alike=False)).total == 0


async def test_campaign_retries_update_the_same_report_row(
    sim: SimulatorHandle, client: SimotelClient
) -> None:
    """A busy number with ``try: 2`` is dialled twice; the row keeps its id and gains a try."""
    manager = (await client.autodialer.search_trunk_managers(TRUNK_MANAGER_TITLE))[0]
    name = f"contract-retry-{uuid.uuid4().hex[:8]}"
    campaign_id = await client.autodialer.add_campaign(
        CampaignRequest(
            name=name,
            trunk_manager_id=manager.id,
            numbers=[PSTN_BUSY],
            tries=2,
            try_interval=30,
            start=sim_now(sim),
        )
    )
    query = CampaignReportQuery(campaign_id=campaign_id, number=PSTN_BUSY, alike=False)

    async def fetch() -> Page[CampaignReportRow]:
        return await client.autodialer.search_reports(query)

    first = await poll(sim, fetch, lambda page: page.total >= 1)
    assert first.total == 1
    final = await poll(sim, fetch, lambda page: bool(page.records) and page.records[0].try_count >= 2)
    assert final.total == 1
    row = final.records[0]
    assert row.id == first.records[0].id
    assert row.try_count == 2
    assert [t.disposition for t in row.tries] == [Disposition.BUSY, Disposition.BUSY]
    assert len({t.cdr_id for t in row.tries}) == 2
    await client.autodialer.remove_campaign(campaign_id)


async def test_campaign_whose_window_is_over_never_runs(sim: SimulatorHandle, client: SimotelClient) -> None:
    """A campaign created after its window closed stays ``waiting`` and dials nobody."""
    manager = (await client.autodialer.search_trunk_managers(TRUNK_MANAGER_TITLE))[0]
    name = f"contract-past-{uuid.uuid4().hex[:8]}"
    now = sim_now(sim)
    campaign_id = await client.autodialer.add_campaign(
        CampaignRequest(
            name=name,
            trunk_manager_id=manager.id,
            numbers=[PSTN_ANSWERS],
            start=now - timedelta(days=3),
            end=now - timedelta(days=2),
        )
    )
    await wait_virtual(sim, now.timestamp() + 60)
    campaign = (await client.autodialer.search_campaigns(name, alike=False)).records[0]
    assert campaign.status == "waiting"
    reports = await client.autodialer.search_reports(CampaignReportQuery(campaign_id=campaign_id))
    assert reports.total == 0
    await client.autodialer.remove_campaign(campaign_id)


# ------------------------------------------------------------------ §1.4 error table


async def test_no_credentials_is_401_missing(sim: SimulatorHandle, raw: httpx.AsyncClient) -> None:
    """No credentials: raw 401 envelope, and the client's AuthError ``auth_missing``."""
    response = await raw.post("/api/v4/setting/ping/act", json={})
    assert response.status_code == 401
    assert response.json() == {
        "success": 0,
        "message": "BasicAuth or ApiKey is missing",
        "data": None,
    }
    async with client_for(sim, transport=TamperingTransport(drop_auth=True)) as api:
        with pytest.raises(AuthError) as caught:
            await api.setting.ping()
    assert_api_error(caught.value, AuthError, 401, "auth_missing", "BasicAuth or ApiKey is missing")


async def test_credentials_of_another_mode_are_missing(sim: SimulatorHandle) -> None:
    """A Basic-only client of a key-only account sends none of the needed headers: missing."""
    basic_only = Credentials("basic", sim.settings.username, Secret(sim.settings.password))
    with changed_settings(sim, auth_mode="key"):
        async with client_for(sim, basic_only) as api:
            with pytest.raises(AuthError) as caught:
                await api.setting.ping()
    assert_api_error(caught.value, AuthError, 401, "auth_missing", "BasicAuth or ApiKey is missing")


@pytest.mark.parametrize(
    "credentials",
    [
        Credentials("both", "admin", Secret("wrong-password"), Secret("simotui-demo-key")),
        Credentials("both", "admin", Secret("simotel"), Secret("wrong-key")),
        Credentials("key", api_key=Secret("simotui-demo-key")),  # half of "both": incomplete
    ],
    ids=["wrong-password", "wrong-key", "incomplete"],
)
async def test_wrong_credentials_are_401_invalid(sim: SimulatorHandle, credentials: Credentials) -> None:
    """Wrong or incomplete credentials: AuthError ``auth_invalid`` with the server's message."""
    async with client_for(sim, credentials) as api:
        with pytest.raises(AuthError) as caught:
            await api.setting.ping()
    assert_api_error(caught.value, AuthError, 401, "auth_invalid", "BasicAuth or ApiKey is invalid")


async def test_each_auth_mode_accepts_its_own_headers(sim: SimulatorHandle) -> None:
    """Basic-only and key-only accounts accept a client of the matching mode."""
    settings = sim.settings
    basic = Credentials("basic", settings.username, Secret(settings.password))
    key = Credentials("key", api_key=Secret(settings.api_key))
    for mode, credentials in (("basic", basic), ("key", key)):
        with changed_settings(sim, auth_mode=mode):
            async with client_for(sim, credentials) as api:
                assert await api.setting.ping() > 0


async def test_denied_service_is_403_with_its_name(sim: SimulatorHandle, client: SimotelClient) -> None:
    """A service the account may not call: AccessDenied naming it; other services still work."""
    with changed_settings(sim, denied_services={"reports/cdr/search"}):
        with pytest.raises(AccessDenied) as caught:
            await client.reports.cdr_search(settled_window(sim))
        assert await client.setting.ping() > 0
    assert_api_error(caught.value, AccessDenied, 403, "access_denied", '"reports/cdr/search";Access denied')
    assert caught.value.service == "reports/cdr/search"
    page = await client.reports.cdr_search(settled_window(sim), Pagination(count=1))
    assert page.total > 0  # restored


async def test_denied_service_blocks_its_alias(sim: SimulatorHandle, client: SimotelClient) -> None:
    """``reports/cdr`` (an alias of quick search) is denied by its target's name."""
    with changed_settings(sim, denied_services={"reports/quick/search"}):
        with pytest.raises(AccessDenied) as caught:
            await client.call("reports/cdr", {"conditions": {"cuid": "1.1"}})
    assert caught.value.message == '"reports/quick/search";Access denied'


async def test_ip_not_permitted_is_403(sim: SimulatorHandle, client: SimotelClient) -> None:
    """An IP outside the allow-list: AccessDenied ``ip_not_permitted``; a CIDR match passes."""
    with changed_settings(sim, allowed_ips=["10.20.30.0/24"]):
        with pytest.raises(AccessDenied) as caught:
            await client.setting.ping()
    assert_api_error(caught.value, AccessDenied, 403, "ip_not_permitted", "IP is not permitted")
    with changed_settings(sim, allowed_ips=["10.20.30.0/24", "127.0.0.0/8"]):
        assert await client.setting.ping() > 0


async def test_bad_json_is_400(sim: SimulatorHandle, raw: httpx.AsyncClient) -> None:
    """Unparsable JSON: raw 400 envelope; the client maps 400 to RequestRejected ``bad_json``."""
    response = await raw.post(
        "/api/v4/setting/ping/act",
        content=b"{not json",
        headers={**auth_headers(sim), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json() == {"success": 0, "message": "Unable to parse content", "data": None}
    async with client_for(sim, transport=TamperingTransport(body=b'{"caller": "557",')) as api:
        with pytest.raises(RequestRejected) as caught:
            await api.calls.originate(OriginateRequest("557", "552", CONTEXT, "557"))
    assert_api_error(caught.value, RequestRejected, 400, "bad_json", "Unable to parse content")


async def test_json_that_is_not_an_object_is_400(client: SimotelClient) -> None:
    """The client itself can send valid JSON that is not an object: also 400."""
    with pytest.raises(RequestRejected) as caught:
        await client.call("reports/cdr/search", [1, 2, 3])
    assert_api_error(caught.value, RequestRejected, 400, "bad_json", "Unable to parse content")


async def test_wrong_method_is_405(
    sim: SimulatorHandle, raw: httpx.AsyncClient, client: SimotelClient
) -> None:
    """A verb the service does not accept: 405 ``Method not allowed``."""
    response = await raw.request(
        "DELETE",
        "/api/v4/setting/ping/act",
        content=b"{}",
        headers={**auth_headers(sim), "Content-Type": "application/json"},
    )
    assert response.status_code == 405
    assert response.json()["message"] == "Method not allowed"
    with pytest.raises(RequestRejected) as caught:
        await client.call("reports/cdr/search", {}, method="PATCH")
    assert_api_error(caught.value, RequestRejected, 405, "method_not_allowed", "Method not allowed")


async def test_wrong_content_type_is_415(sim: SimulatorHandle, raw: httpx.AsyncClient) -> None:
    """A body that is not ``application/json``: 415 ``Unsupported Media Type``."""
    response = await raw.post(
        "/api/v4/setting/ping/act",
        content=b"{}",
        headers={**auth_headers(sim), "Content-Type": "text/plain"},
    )
    assert response.status_code == 415
    assert response.json() == {"success": 0, "message": "Unsupported Media Type", "data": None}
    transport = TamperingTransport(content_type="application/x-www-form-urlencoded")
    async with client_for(sim, transport=transport) as api:
        with pytest.raises(RequestRejected) as caught:
            await api.setting.ping()
    assert_api_error(caught.value, RequestRejected, 415, "unsupported_media_type", "Unsupported Media Type")


@pytest.mark.parametrize("spelling", ["does", "dose"])
async def test_unknown_service_is_501_in_both_spellings(
    sim: SimulatorHandle, client: SimotelClient, spelling: str
) -> None:
    """An unknown service: ServiceNotFound ``unknown_service`` with the configured spelling."""
    with changed_settings(sim, missing_service_spelling=spelling):
        with pytest.raises(ServiceNotFound) as caught:
            await client.call("reports/nothing/here", {})
    assert_api_error(caught.value, ServiceNotFound, 501, "unknown_service", EXPECTED_501[spelling])
    assert sim.settings.missing_service_spelling == "does"


async def test_unknown_service_is_never_permission_checked(
    sim: SimulatorHandle, client: SimotelClient
) -> None:
    """An unknown service is 501 even when the deny list happens to name it."""
    with changed_settings(sim, denied_services={"reports/nothing/here"}):
        with pytest.raises(ServiceNotFound) as caught:
            await client.call("reports/nothing/here", {})
    assert caught.value.status == 501


async def test_html_404_outside_the_api(sim: SimulatorHandle, raw: httpx.AsyncClient) -> None:
    """Outside ``/api/v4`` the server is Apache: an HTML 404, which the client calls not_found."""
    response = await raw.get("/index.php", headers=auth_headers(sim))
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Not Found</h1>" in response.text
    async with client_for(sim, base_url=f"{sim.url}/simotel") as api:
        with pytest.raises(ServiceNotFound) as caught:
            await api.setting.ping()
    assert caught.value.status == 404
    assert caught.value.code == "not_found"
    assert "setting/ping/act" in caught.value.message


async def test_operation_failure_is_200_success_0(client: SimotelClient) -> None:
    """A missing field: HTTP 200 with ``success: 0`` and the exact field message."""
    body = {"callee": "552", "context": CONTEXT, "caller_id": "557", "timeout": "30"}
    with pytest.raises(OperationFailed) as caught:
        await client.call("call/originate/act", body)
    assert_api_error(
        caught.value, OperationFailed, 200, "operation_failed", "Field 'caller':value is missing"
    )
    assert caught.value.service == "call/originate/act"


async def test_non_integer_timeout_is_requested_operation_failed(client: SimotelClient) -> None:
    """``timeout`` must be an integer: the generic ``Requested operation failed``."""
    body = {"caller": "557", "callee": "552", "context": CONTEXT, "caller_id": "557", "timeout": "soon"}
    with pytest.raises(OperationFailed) as caught:
        await client.call("call/originate/act", body)
    assert caught.value.message == "Requested operation failed"


# ------------------------------------------------------------------- §10 check order


async def test_bad_credentials_come_before_bad_json(sim: SimulatorHandle, raw: httpx.AsyncClient) -> None:
    """Wrong credentials and a broken body: 401 first."""
    response = await raw.post(
        "/api/v4/setting/ping/act",
        content=b"{broken",
        headers={"Content-Type": "application/json", "X-APIKEY": "nope"},
        auth=("admin", "nope"),
    )
    assert response.status_code == 401
    assert response.json()["message"] == "BasicAuth or ApiKey is invalid"
    wrong = Credentials("both", "admin", Secret("nope"), Secret("nope"))
    async with client_for(sim, wrong, transport=TamperingTransport(body=b"{broken")) as api:
        with pytest.raises(AuthError) as caught:
            await api.setting.ping()
    assert caught.value.code == "auth_invalid"


async def test_denied_ip_comes_before_bad_credentials(sim: SimulatorHandle, raw: httpx.AsyncClient) -> None:
    """A denied IP with no credentials at all: 403 IP first."""
    with changed_settings(sim, allowed_ips=["192.0.2.1"]):
        response = await raw.post("/api/v4/setting/ping/act", json={})
        wrong = Credentials("both", "admin", Secret("nope"), Secret("nope"))
        async with client_for(sim, wrong) as api:
            with pytest.raises(AccessDenied) as caught:
                await api.setting.ping()
    assert response.status_code == 403
    assert response.json()["message"] == "IP is not permitted"
    assert_api_error(caught.value, AccessDenied, 403, "ip_not_permitted", "IP is not permitted")


@pytest.mark.parametrize(
    ("path", "content_type", "body", "denied", "status", "message"),
    [
        # permission (403) before content type (415) and parsing (400)
        (
            "setting/ping/act",
            "text/plain",
            b"{x",
            {"setting/ping/act"},
            403,
            '"setting/ping/act";Access denied',
        ),
        # content type (415) before parsing (400)
        ("setting/ping/act", "text/plain", b"{x", set(), 415, "Unsupported Media Type"),
        # parsing (400) before an unknown service (501)
        ("no/such/service", "application/json", b"{x", set(), 400, "Unable to parse content"),
        # an unknown service (501) before the method check (405)
        ("no/such/service", "application/json", b"{}", set(), 501, "Requested service does not exist"),
    ],
    ids=["403-before-415", "415-before-400", "400-before-501", "501-before-405"],
)
async def test_later_checks_keep_their_order(
    sim: SimulatorHandle,
    raw: httpx.AsyncClient,
    path: str,
    content_type: str,
    body: bytes,
    denied: set[str],
    status: int,
    message: str,
) -> None:
    """Permission, content type, parsing, service and method are checked in §10's order."""
    with changed_settings(sim, denied_services=denied):
        response = await raw.request(
            "PATCH",
            f"/api/v4/{path}",
            content=body,
            headers={**auth_headers(sim), "Content-Type": content_type},
        )
    assert response.status_code == status
    assert response.json() == {"success": 0, "message": message, "data": None}


# --------------------------------------------------------------------------- observer


async def test_observer_sees_one_exchange_per_request(sim: SimulatorHandle) -> None:
    """Each request, successful or not, is reported once with its status, size and elapsed."""
    seen: list[Exchange] = []
    async with client_for(sim, observer=seen.append) as api:
        await api.setting.ping()
        await api.pbx.search_queues(number="9009")
        with pytest.raises(ServiceNotFound):
            await api.call("reports/nothing/here", {})
        with pytest.raises(ServiceNotFound):
            await api.reports.download_audio("missing.wav")
    assert [(e.method, e.service, e.status) for e in seen] == [
        ("PUT", "setting/ping/act", 200),
        ("POST", "pbx/queues/search", 200),
        ("POST", "reports/nothing/here", 501),
        ("POST", "reports/audio/download", 404),
    ]
    for exchange in seen:
        assert 0 < exchange.elapsed < 10
        assert exchange.size > 0
        assert exchange.error is None


async def test_observer_sees_an_unreachable_server() -> None:
    """A refused connection is reported with no status and the error code."""
    handle = start_simulator(SimConfig(seed=1, speed=0))
    url = handle.url
    handle.stop()
    seen: list[Exchange] = []
    credentials = Credentials("both", "admin", Secret("simotel"), Secret("simotui-demo-key"))
    async with SimotelClient(url, credentials, timeout=5, observer=seen.append) as api:
        with pytest.raises(ApiUnavailable) as caught:
            await api.setting.ping()
    assert caught.value.code == "refused"
    assert len(seen) == 1
    assert seen[0].status is None and seen[0].error == "refused" and seen[0].elapsed >= 0
