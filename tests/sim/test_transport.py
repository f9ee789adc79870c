"""§1.4 errors with exact status and message in the §10 order; methods, downloads, logging.

Most tests mount ``create_app`` in-process with ``httpx.ASGITransport`` (no socket);
a few go over real loopback HTTP to the uvicorn-served simulator.
"""

from __future__ import annotations

import io
import json
import wave
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from simotui.sim import RequestLog, SimSettings, SimulatorHandle, build_pbx, create_app

from .helpers import AUTH, KEY_HEADER, frozen_config

PING = "/api/v4/setting/ping/act"
CDR_SEARCH = "/api/v4/reports/cdr/search"
JSON_HEADERS = {"Content-Type": "application/json"}


class App:
    """An in-process simulator: its settings, request log and an httpx client without auth."""

    def __init__(self, settings: SimSettings) -> None:
        self.pbx = build_pbx(frozen_config())
        self.settings = settings
        self.requests = RequestLog()
        transport = httpx.ASGITransport(app=create_app(self.pbx, settings, self.requests))
        self.http = httpx.AsyncClient(transport=transport, base_url="http://simotel.test")

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        content: bytes | str | None = None,
        auth: tuple[str, str] | None = AUTH,
        key: str | None = "simotui-demo-key",
        content_type: str | None = "application/json",
    ) -> httpx.Response:
        """Send one request with the chosen credentials and body."""
        headers: dict[str, str] = {}
        if key is not None:
            headers["X-APIKEY"] = key
        if content_type is not None:
            headers["Content-Type"] = content_type
        if content is None and body is not None:
            content = json.dumps(body)
        return await self.http.request(
            method,
            path,
            content=content,
            headers=headers,
            auth=auth if auth else httpx.USE_CLIENT_DEFAULT,
        )


@pytest.fixture
async def app() -> AsyncIterator[App]:
    """A fresh in-process app per test (settings can be changed freely)."""
    a = App(SimSettings())
    try:
        yield a
    finally:
        await a.http.aclose()


def envelope(response: httpx.Response) -> tuple[int, int, Any]:
    """(HTTP status, success, message), checking the envelope's JSON types."""
    body = response.json()
    assert set(body) == {"success", "message", "data"}
    assert type(body["success"]) is int
    return response.status_code, body["success"], body["message"]


async def test_ok_envelope(app: App) -> None:
    """Ping: 200, success 1 (an int), the documented sentence, data null; empty body allowed."""
    response = await app.call("PUT", PING, content=b"", content_type=None)
    assert envelope(response) == (
        200,
        1,
        "If the 'Ping' event is enabled in the settings menu, you'll receive it when it's sent",
    )
    assert response.json()["data"] is None
    assert response.headers["content-type"] == "application/json"


async def test_ip_not_permitted_comes_first(app: App) -> None:
    """403 IP beats bad credentials and bad JSON; CIDR entries work."""
    app.settings.allowed_ips = ["10.0.0.0/8"]
    response = await app.call("POST", PING, content=b"{nope", auth=("x", "y"), key=None)
    assert envelope(response) == (403, 0, "IP is not permitted")
    app.settings.allowed_ips = ["127.0.0.0/8"]  # ASGITransport's client is 127.0.0.1
    assert (await app.call("POST", PING, {})).status_code == 200


async def test_credentials_missing_and_invalid(app: App) -> None:
    """401 missing (nothing sent) vs invalid (wrong or incomplete); ahead of bad JSON."""
    assert envelope(await app.call("POST", PING, {}, auth=None, key=None)) == (
        401,
        0,
        "BasicAuth or ApiKey is missing",
    )
    invalid = (401, 0, "BasicAuth or ApiKey is invalid")
    assert envelope(await app.call("POST", PING, content=b"{bad", auth=("admin", "nope"))) == invalid
    assert envelope(await app.call("POST", PING, {}, key="wrong")) == invalid
    assert envelope(await app.call("POST", PING, {}, auth=None)) == invalid  # both mode: key only
    assert envelope(await app.call("POST", PING, {}, key=None)) == invalid  # both mode: basic only


async def test_auth_modes(app: App) -> None:
    """basic-only ignores the key header, key-only ignores Basic."""
    app.settings.auth_mode = "basic"
    assert (await app.call("POST", PING, {}, key=None)).status_code == 200
    assert (await app.call("POST", PING, {}, key="anything")).status_code == 200
    assert envelope(await app.call("POST", PING, {}, auth=None))[2] == "BasicAuth or ApiKey is missing"
    app.settings.auth_mode = "key"
    assert (await app.call("POST", PING, {}, auth=None)).status_code == 200
    assert (await app.call("POST", PING, {}, auth=("admin", "wrong"))).status_code == 200
    assert envelope(await app.call("POST", PING, {}, key=None))[2] == "BasicAuth or ApiKey is missing"
    assert envelope(await app.call("POST", PING, {}, key="bad"))[2] == "BasicAuth or ApiKey is invalid"
    app.settings.api_key = "rotated"
    assert (await app.call("POST", PING, {}, key="rotated")).status_code == 200


async def test_access_denied_names_the_service(app: App) -> None:
    """403 ``"<service>";Access denied`` after auth, before content checks."""
    app.settings.denied_services = {"reports/cdr/search", "/reports/quick/search"}
    response = await app.call("POST", CDR_SEARCH, content=b"{bad")
    assert envelope(response) == (403, 0, '"reports/cdr/search";Access denied')
    aliased = await app.call("POST", "/api/v4/reports/cdr", {})
    assert envelope(aliased) == (403, 0, '"reports/quick/search";Access denied')
    assert (await app.call("POST", PING, {})).status_code == 200
    bad_auth = await app.call("POST", CDR_SEARCH, {}, key="wrong")
    assert bad_auth.status_code == 401


async def test_unsupported_media_type(app: App) -> None:
    """415 for a non-JSON body; charset parameters are fine; an empty body needs no type."""
    assert envelope(
        await app.call("POST", PING, content="a=1", content_type="application/x-www-form-urlencoded")
    ) == (
        415,
        0,
        "Unsupported Media Type",
    )
    assert (await app.call("POST", PING, content="{}", content_type=None)).status_code == 415
    ok = await app.call("POST", PING, content="{}", content_type="application/json; charset=utf-8")
    assert ok.status_code == 200
    assert (await app.call("POST", PING, content=b"", content_type="text/plain")).status_code == 200


async def test_unparsable_content(app: App) -> None:
    """400 for invalid JSON and for JSON that is not an object."""
    assert envelope(await app.call("POST", PING, content="{'a':1}")) == (
        400,
        0,
        "Unable to parse content",
    )
    assert (await app.call("POST", PING, content="[1,2]")).status_code == 400


async def test_unknown_service_both_spellings(app: App) -> None:
    """501 with the configured spelling; after the content checks, before the method check."""
    assert envelope(await app.call("PATCH", "/api/v4/pbx/nothing/here", {})) == (
        501,
        0,
        "Requested service does not exist",
    )
    app.settings.missing_service_spelling = "dose"
    assert (
        envelope(await app.call("POST", "/api/v4/pbx/nothing", {}))[2] == "Requested service dose not exist"
    )
    assert (await app.call("POST", "/api/v4/pbx/nothing", content="{x")).status_code == 400
    assert (
        await app.call("POST", "/api/v4/pbx/nothing", content="x", content_type="text/plain")
    ).status_code == 415


async def test_methods(app: App) -> None:
    """POST everywhere, PUT on ping/originate, SDK verbs per action with a JSON body, else 405."""
    not_allowed = (405, 0, "Method not allowed")
    assert envelope(await app.call("PATCH", PING, {})) == not_allowed
    assert envelope(await app.call("DELETE", PING, {})) == not_allowed
    assert envelope(await app.call("GET", "/api/v4/autodialer/campaigns/add", {})) == not_allowed
    assert envelope(await app.call("PUT", "/api/v4/pbx/users/search", {})) == not_allowed
    originate = {"caller": "557", "callee": "552", "context": "main_routing", "caller_id": "557"}
    assert (await app.call("PUT", "/api/v4/call/originate/act", originate)).json()["success"] == 1
    search = {"alike": "true", "conditions": {"name": ""}}
    got = await app.call("GET", "/api/v4/pbx/users/search", search)
    assert got.status_code == 200 and len(got.json()["data"]) > 10
    remove = await app.call(
        "DELETE", "/api/v4/autodialer/campaigns/remove", {"_id": "6033876dc92de036d1390923"}
    )
    assert envelope(remove) == (200, 1, "Requested operation is done successfully")
    update = {"_id": "5ec63107ce4f6d12c43e250f", "capacity": "9"}
    assert (await app.call("PUT", "/api/v4/autodialer/trunks/update", update)).json()["success"] == 1


async def test_failed_operations_are_http_200(app: App) -> None:
    """Valid calls whose operation fails: 200, success 0, the documented messages."""
    originate = await app.call(
        "POST", "/api/v4/call/originate/act", {"callee": "552", "context": "x", "caller_id": "1"}
    )
    assert envelope(originate) == (200, 0, "Field 'caller':value is missing")
    no_range = await app.call("POST", CDR_SEARCH, {"conditions": {"from": "557"}, "alike": "true"})
    assert envelope(no_range) == (200, 0, "Field 'date_range':value is missing")
    bad_cursor = await app.call("POST", "/api/v4/reports/cdr/ordered/id", {"_id": "nope"})
    assert envelope(bad_cursor) == (200, 0, "Requested operation failed")
    unknown = await app.call("POST", "/api/v4/autodialer/campaigns/update", {"_id": "0" * 24, "name": "x"})
    assert envelope(unknown) == (200, 0, "Requested operation failed")
    assert (await app.call("POST", "/api/v4/autodialer/reports/info", {"_id": "0" * 24})).json()[
        "success"
    ] == 0


async def test_apache_404_outside_the_api(app: App) -> None:
    """Paths outside /api/v4/ get Apache's HTML 404, whatever the credentials."""
    for path in ("/", "/api/v3/pbx/users", "/index.php", "/api/v4"):
        response = await app.call("GET", path, auth=None, key=None)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "<title>404 Not Found</title>" in response.text


async def test_audio_download(app: App) -> None:
    """A documented recording is MP3; a new call's recording is WAV; missing → HTML 404."""
    mp3 = await app.call("POST", "/api/v4/reports/audio/download", {"file": "20210622_1624340875.75933.mp3"})
    assert mp3.status_code == 200 and mp3.headers["content-type"] == "audio/mpeg"
    assert mp3.content[:2] == b"\xff\xfb" and len(mp3.content) > 1000
    missing = await app.call(
        "POST", "/api/v4/reports/audio/download", {"file": "20200921_1600675211.10033.1.mp3"}
    )
    assert missing.status_code == 404 and "Not Found" in missing.text
    call_id = app.pbx.originate("557", "552", "main_routing", "557")
    app.pbx.advance(120)
    [row] = [r for r in app.pbx.cdrs if r.originated_call_id == call_id]
    assert row.record is not None
    wav = await app.call("GET", "/api/v4/reports/audio/download", {"file": row.record})
    assert wav.status_code == 200 and wav.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(wav.content)) as clip:
        assert clip.getnchannels() == 1 and clip.getframerate() == 8000 and clip.getnframes() > 8000


async def test_requests_are_recorded(app: App) -> None:
    """Every request lands in the log with its status; only a parsed body is kept."""
    await app.call("POST", PING, {"hello": 1})
    await app.call("POST", PING, content="{bad")
    await app.call("GET", "/nowhere", auth=None, key=None)
    assert [(r.method, r.path, r.status) for r in app.requests] == [
        ("POST", PING, 200),
        ("POST", PING, 400),
        ("GET", "/nowhere", 404),
    ]
    assert app.requests[0].body == {"hello": 1} and app.requests[1].body is None
    assert app.requests[1].size == len("{bad") and app.requests[1].processed


def test_errors_over_real_http(sim: SimulatorHandle) -> None:
    """The same checks over a real socket, including credentials in the URL."""
    with httpx.Client(base_url=sim.url, timeout=10) as raw:
        assert raw.post(PING, json={}).json()["message"] == "BasicAuth or ApiKey is missing"
        assert raw.get("/").status_code == 404
        ok = raw.post(PING, json={}, auth=AUTH, headers=KEY_HEADER)
        assert ok.status_code == 200 and ok.json()["success"] == 1
    host = sim.url.removeprefix("http://")
    with httpx.Client(base_url=f"http://admin:simotel@{host}", headers=KEY_HEADER, timeout=10) as in_url:
        assert in_url.put(PING).json()["success"] == 1
    assert any(r.path == PING and r.status == 401 for r in sim.requests)


def test_start_stop_and_banner() -> None:
    """start_simulator binds a free loopback port; stop() is idempotent; the banner has a curl."""
    from simotui.sim import start_simulator
    from simotui.sim.server import banner

    with start_simulator(frozen_config()) as handle:
        assert handle.url.startswith("http://127.0.0.1:") and not handle.url.endswith("/")
        port = int(handle.url.rsplit(":", 1)[1])
        assert port > 0
        assert httpx.put(f"{handle.url}{PING}", auth=AUTH, headers=KEY_HEADER).status_code == 200
        handle.stop()
    handle.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.put(f"{handle.url}{PING}", auth=AUTH, headers=KEY_HEADER, timeout=2)
    text = banner(frozen_config(), "http://127.0.0.1:8800")
    for needle in ("http://127.0.0.1:8800", "admin", "simotel", "simotui-demo-key", "both", "curl"):
        assert needle in text
    assert "call/originate/act" in text and "X-APIKEY: simotui-demo-key" in text
