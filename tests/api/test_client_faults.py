"""Transport failures and non-Simotel answers become simotui errors; no httpx exception escapes."""

from __future__ import annotations

import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import pytest

from simotui.api import CdrQuery, Credentials, Exchange, OriginateRequest, SimotelClient
from simotui.errors import (
    AccessDenied,
    ApiTimeout,
    ApiUnavailable,
    AuthError,
    ConfigError,
    OperationFailed,
    RecordParseError,
    RequestRejected,
    ResponseError,
    ServerError,
    ServiceNotFound,
)
from simotui.secret import Secret

CREDENTIALS = Credentials("both", "admin", Secret("pw"), Secret("key"))


def mock_client(handler: Callable[[httpx.Request], httpx.Response], **kwargs: object) -> SimotelClient:
    return SimotelClient("http://pbx.test", CREDENTIALS, transport=httpx.MockTransport(handler), **kwargs)  # type: ignore[arg-type]


def answering(
    status: int, body: bytes | str, content_type: str = "application/json"
) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": content_type})

    return handler


@pytest.mark.parametrize(
    ("status", "body", "error", "code"),
    [
        (
            200,
            '{"success":0,"message":"Field \'caller\':value is missing","data":null}',
            OperationFailed,
            "operation_failed",
        ),
        (
            401,
            '{"success":0,"message":"BasicAuth or ApiKey is missing","data":null}',
            AuthError,
            "auth_missing",
        ),
        (
            401,
            '{"success":0,"message":"BasicAuth or ApiKey is invalid","data":null}',
            AuthError,
            "auth_invalid",
        ),
        (
            403,
            '{"success":0,"message":"\\"call/originate/act\\";Access denied","data":null}',
            AccessDenied,
            "access_denied",
        ),
        (403, '{"success":0,"message":"IP is not permitted","data":null}', AccessDenied, "ip_not_permitted"),
        (400, '{"success":0,"message":"Unable to parse content","data":null}', RequestRejected, "bad_json"),
        (
            405,
            '{"success":0,"message":"Method not allowed","data":null}',
            RequestRejected,
            "method_not_allowed",
        ),
        (
            415,
            '{"success":0,"message":"Unsupported Media Type","data":null}',
            RequestRejected,
            "unsupported_media_type",
        ),
        (
            501,
            '{"success":0,"message":"Requested service dose not exist","data":null}',
            ServiceNotFound,
            "unknown_service",
        ),
        (404, "<html><head><title>404 Not Found</title></head></html>", ServiceNotFound, "not_found"),
        (500, "Internal Server Error", ServerError, "http_500"),
        (502, "<html>Bad Gateway</html>", ServerError, "http_502"),
    ],
)
async def test_status_errors_carry_status_message_and_code(
    status: int, body: str, error: type[Exception], code: str
) -> None:
    content_type = "application/json" if body.startswith("{") else "text/html"
    async with mock_client(answering(status, body, content_type)) as client:
        with pytest.raises(error) as caught:
            await client.calls.originate(OriginateRequest("557", "552", "main_routing", "557"))
    exc = caught.value
    assert exc.status == status  # type: ignore[attr-defined]
    assert exc.code == code  # type: ignore[attr-defined]
    if body.startswith("{"):
        assert exc.message in body.replace('\\"', '"')  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("<html><body>Welcome to nginx</body></html>", "text/html"),
        ('["a list, not an envelope"]', "application/json"),
        ('{"message":"no success key"}', "application/json"),
        ("", "application/json"),
    ],
)
async def test_malformed_bodies_are_response_errors(body: str, content_type: str) -> None:
    async with mock_client(answering(200, body, content_type)) as client:
        with pytest.raises(ResponseError):
            await client.setting.ping()


async def test_malformed_record_is_one_parse_error_naming_the_field() -> None:
    body = (
        '{"success":1,"message":"","data":{"pagination":{"start":0,"count":20,"sorting":{},'
        '"total":1},"data":[{"_id":"a","start":"yesterday"}]}}'
    )
    async with mock_client(answering(200, body)) as client:
        with pytest.raises(RecordParseError) as caught:
            await client.reports.cdr_search(CdrQuery())
    assert caught.value.field == "start" and caught.value.kind == "Cdr"


async def test_timeout_is_api_timeout() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    exchanges: list[Exchange] = []
    async with mock_client(handler, observer=exchanges.append) as client:
        with pytest.raises(ApiTimeout) as caught:
            await client.calls.originate(OriginateRequest("557", "552", "main_routing", "557"))
    assert caught.value.code == "timeout"
    assert exchanges and exchanges[0].error == "timeout" and exchanges[0].status is None


async def test_dropped_connection_is_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("peer closed connection", request=request)

    async with mock_client(handler) as client:
        with pytest.raises(ApiUnavailable) as caught:
            await client.setting.ping()
    assert caught.value.code == "dropped"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_connection_refused_over_real_loopback() -> None:
    async with SimotelClient(f"http://127.0.0.1:{_closed_port()}", CREDENTIALS, timeout=2) as client:
        with pytest.raises(ApiUnavailable) as caught:
            await client.setting.ping()
    assert caught.value.code == "refused"


class _SlowHandler(BaseHTTPRequestHandler):
    delay = threading.Event()

    def do_PUT(self) -> None:
        self.delay.wait(3)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def plain_http_server() -> Iterator[int]:
    server = HTTPServer(("127.0.0.1", 0), _SlowHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    _SlowHandler.delay.set()
    server.shutdown()
    server.server_close()
    _SlowHandler.delay.clear()


async def test_read_timeout_over_real_loopback(plain_http_server: int) -> None:
    async with SimotelClient(f"http://127.0.0.1:{plain_http_server}", CREDENTIALS, timeout=0.3) as client:
        with pytest.raises(ApiTimeout):
            await client.setting.ping()


async def test_tls_against_a_plain_http_port_is_unavailable(plain_http_server: int) -> None:
    _SlowHandler.delay.set()
    async with SimotelClient(f"https://127.0.0.1:{plain_http_server}", CREDENTIALS, timeout=2) as client:
        with pytest.raises(ApiUnavailable) as caught:
            await client.setting.ping()
    assert caught.value.code in ("tls", "dropped", "refused")


@pytest.mark.parametrize("url", ["pbx.example.com", "ftp://pbx", "http://user:pw@pbx", ""])
def test_bad_base_urls_are_config_errors(url: str) -> None:
    with pytest.raises(ConfigError):
        SimotelClient(url, CREDENTIALS)


def test_credentials_are_checked_and_hidden() -> None:
    with pytest.raises(ConfigError):
        Credentials("both", "admin", Secret("pw"), None)
    with pytest.raises(ConfigError):
        Credentials("basic", "", Secret("pw"))
    assert "pw" not in repr(CREDENTIALS) and "key" not in repr(CREDENTIALS.api_key)
    headers = CREDENTIALS.headers()
    assert headers["Authorization"] == "Basic YWRtaW46cHc=" and headers["X-APIKEY"] == "key"


@pytest.mark.parametrize("url", ["http://pbx.test/api/v4", "http://pbx.test/api/v4/", "http://pbx.test/"])
async def test_base_url_forms_hit_the_same_path(url: str) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json={"success": 1, "message": "", "data": None})

    async with SimotelClient(url, CREDENTIALS, transport=httpx.MockTransport(handler)) as client:
        await client.setting.ping()
    assert seen == ["/api/v4/setting/ping/act"]


async def test_skip_bad_keeps_the_readable_records_and_names_the_rest() -> None:
    body = (
        '{"success":1,"message":"","data":{"pagination":{"start":0,"count":20,"sorting":{},"total":3},'
        '"data":[{"_id":"a","start":"1401-06-20 22:43:21"},{"_id":"b","start":"yesterday"},'
        '{"_id":"c","billsec":"12"}]}}'
    )
    async with mock_client(answering(200, body)) as client:
        page = await client.reports.cdr_search(CdrQuery(), skip_bad=True)
        with pytest.raises(RecordParseError):
            await client.reports.cdr_search(CdrQuery())
    assert [cdr.id for cdr in page.records] == ["a", "c"] and page.records[1].billsec == 12
    assert len(page.rejected) == 1 and page.rejected[0].field == "start"
    assert page.total == 3


async def test_a_poll_cycle_survives_an_unreadable_cdr() -> None:
    from datetime import UTC, datetime

    from simotui.calls.book import CallBook
    from simotui.calls.model import Call, Placement
    from simotui.calls.polling import fetch_cycle, plan_cycle

    body = (
        '{"success":1,"message":"","data":{"pagination":{"start":0,"count":500,"sorting":{},"total":2},'
        '"data":[{"_id":"bad","start":{"$date":"never"}},'
        '{"_id":"good","originated_call_id":"orig.call.1.1","disposition":"ANSWERED"}]}}'
    )
    now = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    book = CallBook()
    book.add(
        Call(
            "k",
            OriginateRequest("557", "552", "main_routing", "557"),
            requested_at=now,
            placement=Placement.ACCEPTED,
            answered_at=now,
            call_id="orig.call.1.1",
        )
    )
    async with mock_client(answering(200, body)) as client:
        result = await fetch_cycle(client, plan_cycle(book, now), 500)
    assert [cdr.id for cdr in result.cdrs] == ["good"]
    assert len(result.rejected) == 1 and "start" in result.rejected[0].message
    assert result.requests == 1
    assert book.apply_cdrs(result.cdrs) == {"k"}


async def test_an_answer_too_large_is_not_read_into_memory() -> None:
    from simotui.api.client import MAX_ANSWER_BYTES
    from simotui.errors import may_have_been_processed

    served = {"bytes": 0}

    async def endless() -> AsyncIterator[bytes]:
        chunk = b"[" * 1024 * 1024
        while served["bytes"] <= MAX_ANSWER_BYTES * 2:
            served["bytes"] += len(chunk)
            yield chunk

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=endless(), headers={"content-type": "application/json"})

    async with mock_client(handler) as client:
        with pytest.raises(ResponseError, match="larger than 64 MiB") as raised:
            await client.calls.originate(OriginateRequest("557", "552", "main_routing", "557"))
    assert served["bytes"] <= MAX_ANSWER_BYTES + 2 * 1024 * 1024  # it stopped reading
    assert may_have_been_processed(raised.value)  # an originate's fate is then unknown


async def test_json_nested_beyond_the_parser_is_an_unreadable_answer() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    async with mock_client(answering(200, deep)) as client:
        with pytest.raises(ResponseError, match="not JSON"):
            await client.setting.ping()
