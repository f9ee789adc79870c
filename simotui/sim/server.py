"""The HTTP face of the simulator: a Starlette app with Simotel's checks, envelope and errors,
served by uvicorn on loopback (in a thread for tests, in the foreground for the CLI).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import json
import logging
import shlex
import time
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simotui.serving import ThreadedServer, bind_tcp, http_url
from simotui.sim.build import build_pbx
from simotui.sim.components import redact
from simotui.sim.config import SimConfig, SimSettings
from simotui.sim.services import FileNotFound, FileReply, Reply, resolve
from simotui.sim.state import OperationFailed, SimulatedPbx
from simotui.sim.ticker import Ticker

log = logging.getLogger(__name__)

API_PREFIX = "/api/v4/"
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
SERVER_HEADERS = {"Server": "Apache/2.4.41 (Ubuntu)", "X-Powered-By": "PHP/7.4.3"}

MSG_IP = "IP is not permitted"
MSG_MISSING = "BasicAuth or ApiKey is missing"
MSG_INVALID = "BasicAuth or ApiKey is invalid"
MSG_MEDIA = "Unsupported Media Type"
MSG_PARSE = "Unable to parse content"
MSG_METHOD = "Method not allowed"


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request the simulator answered (``at`` is real epoch time)."""

    method: str
    path: str
    body: Any
    status: int
    at: float


def _apache_page(status: int, title: str, text: str, host: str) -> Response:
    body = (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n'
        f"<html><head>\n<title>{status} {title}</title>\n</head><body>\n"
        f"<h1>{title}</h1>\n<p>{text}</p>\n<hr>\n"
        f"<address>Apache/2.4.41 (Ubuntu) Server at {host} Port 80</address>\n"
        "</body></html>\n"
    )
    return Response(body, status, media_type="text/html; charset=iso-8859-1", headers=SERVER_HEADERS)


def not_found_page(host: str) -> Response:
    """Apache's HTML 404 (wrong URL, or a download of a missing file)."""
    return _apache_page(404, "Not Found", "The requested URL was not found on this server.", host)


def envelope(status: int, success: int, message: str | None, data: Any) -> Response:
    """The JSON envelope ``{"success","message","data"}`` with compact, PHP-like encoding."""
    payload = {"success": success, "message": message, "data": data}
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status, media_type="application/json", headers=SERVER_HEADERS)


def _ip_allowed(client: str, allowed: list[str] | None) -> bool:
    if allowed is None:
        return True
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client in allowed
    for entry in allowed:
        try:
            if address in ipaddress.ip_network(entry.strip(), strict=False):
                return True
        except ValueError:
            if entry.strip() == client:
                return True
    return False


def _basic_ok(header: str, settings: SimSettings) -> bool:
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "basic" or not token:
        return False
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    user, sep, password = decoded.partition(":")
    return bool(sep) and hmac.compare_digest(
        f"{user}\0{password}".encode(), f"{settings.username}\0{settings.password}".encode()
    )


def _auth_error(request: Request, settings: SimSettings) -> str | None:
    """``None`` when the credentials the account's mode requires are present and right."""
    basic = request.headers.get("authorization")
    key = request.headers.get("x-apikey")
    need_basic = settings.auth_mode in ("basic", "both")
    need_key = settings.auth_mode in ("key", "both")
    if not ((need_basic and basic) or (need_key and key)):
        return MSG_MISSING
    if need_basic and (not basic or not _basic_ok(basic, settings)):
        return MSG_INVALID
    if need_key and (not key or not hmac.compare_digest(key.encode(), settings.api_key.encode())):
        return MSG_INVALID
    return None


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json"


def _normalise_service(name: str) -> str:
    return name.strip().strip("/")


def create_app(
    pbx: SimulatedPbx,
    settings: SimSettings,
    requests: list[RecordedRequest] | None = None,
) -> Starlette:
    """The simulator as an ASGI app (for uvicorn, or in-process via ``httpx.ASGITransport``)."""
    recorded: list[RecordedRequest] = requests if requests is not None else []

    async def endpoint(request: Request) -> Response:
        raw = await request.body()
        response, body = _answer(pbx, settings, request, raw)
        recorded.append(
            RecordedRequest(request.method, request.url.path, body, response.status_code, time.time())
        )
        return response

    app = Starlette(routes=[Route("/{path:path}", endpoint, methods=ALL_METHODS)])
    app.state.pbx = pbx
    app.state.settings = settings
    app.state.requests = recorded
    return app


def _answer(pbx: SimulatedPbx, settings: SimSettings, request: Request, raw: bytes) -> tuple[Response, Any]:
    """Run the §10 checks in order, then the service; returns the response and the parsed body."""
    host = request.url.hostname or "localhost"
    text = raw.decode("utf-8", errors="replace")
    body_for_log: Any = text if text.strip() else None
    path = request.url.path
    if not path.startswith(API_PREFIX):
        return not_found_page(host), body_for_log
    client = request.client.host if request.client is not None else ""
    if not _ip_allowed(client, settings.allowed_ips):
        return envelope(403, 0, MSG_IP, None), body_for_log
    auth = _auth_error(request, settings)
    if auth is not None:
        return envelope(401, 0, auth, None), body_for_log
    name = _normalise_service(path[len(API_PREFIX) :])
    service = resolve(name)
    denied = {_normalise_service(s) for s in settings.denied_services}
    # Permissions are ticked per existing service, so an unknown one is never denied: it reaches 501.
    if service is not None and (name in denied or service.path in denied):
        shown = name if name in denied else service.path
        return envelope(403, 0, f'"{shown}";Access denied', None), body_for_log
    body: dict[str, Any] = {}
    if text.strip():
        if not _is_json(request.headers.get("content-type")):
            return envelope(415, 0, MSG_MEDIA, None), body_for_log
        try:
            parsed = json.loads(text)
        except ValueError:
            return envelope(400, 0, MSG_PARSE, None), body_for_log
        body_for_log = parsed
        if not isinstance(parsed, dict):
            return envelope(400, 0, MSG_PARSE, None), body_for_log
        body = parsed
    if service is None:
        return envelope(
            501, 0, f"Requested service {settings.missing_service_spelling} not exist", None
        ), body_for_log
    method = request.method.upper()
    if method not in service.methods:
        return envelope(405, 0, MSG_METHOD, None), body_for_log
    try:
        with pbx.lock:
            pbx.sync()
            result = service.handler(pbx, body)
    except OperationFailed as failure:
        return envelope(200, 0, failure.message, None), body_for_log
    except FileNotFound:
        return not_found_page(host), body_for_log
    except Exception:  # a crash in PHP land is Apache's 500 page, not an envelope
        log.exception("simulator handler failed for %s", name)
        page = _apache_page(500, "Internal Server Error", "The server encountered an internal error.", host)
        return page, body_for_log
    if isinstance(result, FileReply):
        headers = dict(SERVER_HEADERS)
        headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        return Response(result.content, 200, media_type=result.media_type, headers=headers), body_for_log
    assert isinstance(result, Reply)
    return envelope(200, 1, result.message, result.data), body_for_log


class SimulatorHandle:
    """A running simulator: its base URL, state, settings and request log; ``stop()`` ends it."""

    def __init__(
        self,
        pbx: SimulatedPbx,
        settings: SimSettings,
        requests: list[RecordedRequest],
        server: ThreadedServer,
        ticker: Ticker | None = None,
    ) -> None:
        """Wrap the pieces ``start_simulator`` built."""
        self.url = server.url
        self.pbx = pbx
        self.settings = settings
        self.requests = requests
        self._server = server
        self._ticker = ticker

    @property
    def ticker(self) -> Ticker | None:
        """The background ticker (None when the handle was built without one)."""
        return self._ticker

    @property
    def api_url(self) -> str:
        """``<url>/api/v4``."""
        return f"{self.url}/api/v4"

    def stop(self) -> None:
        """Stop uvicorn and the ticker and join their threads (safe to call more than once)."""
        if self._ticker is not None:
            self._ticker.stop()
        self._server.stop()

    def __enter__(self) -> SimulatorHandle:
        """Use as ``with start_simulator() as sim:``."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop on leaving the block."""
        self.stop()


def start_simulator(
    config: SimConfig | None = None, host: str = "127.0.0.1", port: int = 0
) -> SimulatorHandle:
    """Build a PBX, serve it with uvicorn in a daemon thread, return once it accepts connections.

    A ticker thread keeps the virtual clock moving and makes API component calls (§5.8).
    """
    config = config or SimConfig()
    pbx = build_pbx(config)
    settings = SimSettings.from_config(config)
    requests: list[RecordedRequest] = []
    server = ThreadedServer(create_app(pbx, settings, requests), host, port, "simotel-sim")
    server.start("Simotel simulator")
    ticker = Ticker(pbx)
    ticker.start()
    return SimulatorHandle(pbx, settings, requests, server, ticker)


def banner(config: SimConfig, url: str) -> str:
    """The text ``serve`` prints: where to connect, with which credentials, and a curl example."""
    body = json.dumps(
        {
            "caller": "557",
            "callee": "552",
            "context": "main_routing",
            "caller_id": "557",
            "timeout": "30",
            "call_limit": "30",
        },
        separators=(",", ":"),
    )
    parts = ["curl", "-sS"]
    if config.auth_mode in ("basic", "both"):
        parts += ["-u", f"{config.username}:{config.password}"]
    if config.auth_mode in ("key", "both"):
        parts += ["-H", f"X-APIKEY: {config.api_key}"]
    parts += [
        "-H",
        "Content-Type: application/json",
        "-d",
        body,
        f"{url}/api/v4/call/originate/act",
    ]
    curl = " ".join(shlex.quote(p) for p in parts)
    return "\n".join(
        [
            f"Simotel API v4 simulator listening on {url}  (API base {url}/api/v4/)",
            f"  username:  {config.username}",
            f"  password:  {config.password}",
            f"  API key:   {config.api_key}",
            f"  auth mode: {config.auth_mode}",
            f"  seed:      {config.seed}",
            f"  speed:     {config.speed}x virtual time",
            f"  history:   {config.history} past CDRs",
            _component_line(config),
            "Try an originate (557 rings, then 552):",
            f"  {curl}",
            "Press Ctrl-C to stop.",
        ]
    )


def _component_line(config: SimConfig) -> str:
    if not config.component_api_url:
        return "  bridge:    API component not configured (campaign calls to context simotui end unbridged)"
    kind = "Exten API" if config.component_kind == "exten" else "Trunk API"
    return (
        f"  bridge:    {kind} -> {redact(config.component_api_url)} "
        f"({config.component_method}, {config.component_style.upper()} style, "
        f"{config.component_timeout:g} s timeout)"
    )


def serve(config: SimConfig, host: str = "127.0.0.1", port: int = 8800) -> None:
    """Run the simulator in the foreground until Ctrl-C, after printing how to reach it."""
    pbx = build_pbx(config)
    settings = SimSettings.from_config(config)
    app = create_app(pbx, settings)
    sock = bind_tcp(host, port)
    real_port = int(sock.getsockname()[1])
    print(banner(config, http_url(host, real_port)), flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", server_header=False))
    ticker = Ticker(pbx)
    ticker.start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        ticker.stop()
        sock.close()
