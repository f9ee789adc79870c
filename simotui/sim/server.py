"""The HTTP face of the simulator: Simotel's checks, envelope and errors, faults on demand, the
control plane, and the PBX's clock in every ``Date`` header; served by uvicorn on loopback (in a
thread for tests, in the foreground for the CLI).

``SimulatorApp`` is the ASGI app. Each response's ``Date`` is the PBX's virtual now (uvicorn's
own is off), since clients estimate the PBX's clock from it. ``/_sim/...`` goes to the control
plane when it is on. Everything else is an API request: the fault injector decides its fate
(request ``n`` since the spec was set, drawn from the seed), a ``@before`` fault answers
without the PBX seeing the request, otherwise the §10 checks and the service run and a
``@after`` fault replaces what they answered. Every request is logged once, with both the
PBX's status and the one the client got.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import gc
import hmac
import ipaddress
import json
import logging
import shlex
import socket
import time
from collections.abc import MutableMapping
from typing import Any

import uvicorn
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from simotui.serving import ThreadedServer, bind_tcp, http_url
from simotui.sim.build import build_pbx
from simotui.sim.components import KIND_NAMES, redact
from simotui.sim.config import SimConfig, SimSettings
from simotui.sim.connection import uvicorn_options
from simotui.sim.control_api import PREFIX as CONTROL_PREFIX
from simotui.sim.control_api import ControlPlane
from simotui.sim.dates import http_date
from simotui.sim.delivery import EventDelivery, parse_chaos
from simotui.sim.errors import OperationFailed
from simotui.sim.faults import Decision, FaultInjector, FaultSpec, parse_faults
from simotui.sim.jsonout import dumps
from simotui.sim.multipart import file_part, is_multipart
from simotui.sim.pages import SERVER_HEADERS, internal_error_page, not_found_page
from simotui.sim.reqlog import RequestLog
from simotui.sim.runtime import SimRuntime
from simotui.sim.services import FileNotFound, FileReply, RawReply, Reply, resolve
from simotui.sim.state import SimulatedPbx
from simotui.sim.ticker import Ticker
from simotui.sim.wire import Receive, Send, act_out, client_status

log = logging.getLogger(__name__)

API_PREFIX = "/api/v4/"

MSG_IP = "IP is not permitted"
MSG_MISSING = "BasicAuth or ApiKey is missing"
MSG_INVALID = "BasicAuth or ApiKey is invalid"
MSG_MEDIA = "Unsupported Media Type"
MSG_PARSE = "Unable to parse content"
MSG_METHOD = "Method not allowed"


def envelope(status: int, success: int, message: str | None, data: Any) -> Response:
    """The JSON envelope ``{"success","message","data"}`` with compact, PHP-like encoding."""
    payload = {"success": success, "message": message, "data": data}
    return Response(dumps(payload), status, media_type="application/json", headers=SERVER_HEADERS)


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
    requests: RequestLog | None = None,
    *,
    faults: FaultSpec | str | None = None,
    control: bool = False,
    events: EventDelivery | None = None,
) -> SimulatorApp:
    """The simulator as an ASGI app (for uvicorn, or in-process via ``httpx.ASGITransport``).

    ``faults`` is the spec in force from the start (and after a reset); ``control`` serves the
    control plane under ``/_sim/``; ``events`` sends the pushed events (its thread is started by
    whoever serves the app: ``start_simulator``, ``serve``). In-process there is no socket, so
    ``reset`` and ``truncate`` faults raise ``ConnectionResetError`` out of the app rather than
    cutting a connection.
    """
    if isinstance(faults, str):
        spec = parse_faults(faults)
    else:
        spec = faults if faults is not None else FaultSpec()
    log = requests if requests is not None else RequestLog()
    return SimulatorApp(SimRuntime(pbx, settings, log, spec, control=control, events=events))


class SimulatorApp:
    """The ASGI app: virtual ``Date`` on every response, control plane, faults, the API."""

    def __init__(self, runtime: SimRuntime) -> None:
        """Serve ``runtime`` (its PBX, settings, log and faults)."""
        self.runtime = runtime
        self._control = ControlPlane(runtime) if runtime.control else None

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        """Dispatch one ASGI connection scope (only HTTP is served; lifespan is off)."""
        if scope["type"] != "http":
            return
        dated = self._dated(send)
        path: str = scope["path"]
        if self._control is not None and (path == CONTROL_PREFIX or path.startswith(f"{CONTROL_PREFIX}/")):
            await self._control(scope, receive, dated)
            return
        await self._api(scope, receive, dated)

    def _dated(self, send: Send) -> Send:
        """``send`` that stamps the response start with the PBX's clock, the only ``Date``."""
        runtime = self.runtime

        async def dated(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                headers.append((b"date", http_date(runtime.pbx.clock.now()).encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        return dated

    async def _api(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        runtime = self.runtime
        request = Request(scope, receive)
        try:
            raw = await request.body()
        except ClientDisconnect:
            return  # the client left before sending its whole request: nothing to answer, nobody to tell
        path: str = scope["path"]
        decision = self._decide(path)
        host = request.url.hostname or "localhost"
        if decision is not None and decision.delay_before > 0:
            await asyncio.sleep(decision.delay_before)
        if decision is not None and decision.kind is not None and decision.phase == "before":
            self._record(request, raw, decision, None, None)
            await act_out(decision, scope, receive, send, answer=None, injector=runtime.faults, host=host)
            return
        response, stored = _answer(runtime.pbx, runtime.settings, request, raw, path, host)
        if decision is not None and decision.delay_after > 0:
            await asyncio.sleep(decision.delay_after)
        self._record(request, raw, decision, response, stored)
        if decision is not None and decision.kind is not None:
            await act_out(decision, scope, receive, send, answer=response, injector=runtime.faults, host=host)
            return
        await response(scope, receive, send)

    def _decide(self, path: str) -> Decision | None:
        if not path.startswith(API_PREFIX):
            return None  # only the API is behind the (simulated) gateway
        service = resolve(_normalise_service(path[len(API_PREFIX) :]))
        return self.runtime.faults.decide(service.path if service is not None else None)

    def _record(
        self,
        request: Request,
        raw: bytes,
        decision: Decision | None,
        answer: Response | None,
        stored: bytes | None,
    ) -> None:
        runtime = self.runtime
        if decision is not None:
            status = client_status(decision, answer)
        else:
            status = answer.status_code if answer is not None else None
        runtime.requests.record(
            request.method,
            request.scope["path"],
            status,
            time.time(),
            pbx_status=answer.status_code if answer is not None else None,
            virtual_at=runtime.pbx.clock.now(),
            fault=decision.label if decision is not None else None,
            size=len(raw),
            raw=stored,
        )


def _answer(
    pbx: SimulatedPbx, settings: SimSettings, request: Request, raw: bytes, path: str, host: str
) -> tuple[Response, bytes | None]:
    """Run the §10 checks in order, then the service (``host`` names the server in error pages).

    Returns the response and the body to keep in the request log: the raw bytes when the
    request was authenticated and its body parsed to an object, else ``None``.
    """
    text = raw.decode("utf-8", errors="replace")
    if not path.startswith(API_PREFIX):
        return not_found_page(host), None
    client = request.client.host if request.client is not None else ""
    if not _ip_allowed(client, settings.allowed_ips):
        return envelope(403, 0, MSG_IP, None), None
    auth = _auth_error(request, settings)
    if auth is not None:
        return envelope(401, 0, auth, None), None
    name = _normalise_service(path[len(API_PREFIX) :])
    service = resolve(name)
    denied = {_normalise_service(s) for s in settings.denied_services}
    # Permissions are ticked per existing service, so an unknown one is never denied: it reaches 501.
    if service is not None and (name in denied or service.path in denied):
        shown = name if name in denied else service.path
        return envelope(403, 0, f'"{shown}";Access denied', None), None
    body: dict[str, Any] = {}
    stored: bytes | None = None
    content_type = request.headers.get("content-type")
    if service is not None and service.upload and is_multipart(content_type):
        # Uploads are the one documented exception to JSON bodies (§1.1).
        try:
            part = file_part(content_type or "", raw)
        except ValueError:
            return envelope(400, 0, MSG_PARSE, None), None
        if part is not None:
            body = {"file": part}
    elif text.strip():
        if not _is_json(content_type):
            return envelope(415, 0, MSG_MEDIA, None), None
        try:
            parsed = json.loads(text)
        except ValueError:
            return envelope(400, 0, MSG_PARSE, None), None
        if parsed == []:
            parsed = {}  # PHP's json_encode([]): what its SDK sends for "no parameters"
        if not isinstance(parsed, dict):
            return envelope(400, 0, MSG_PARSE, None), None
        body = parsed
        stored = raw
    if service is None:
        message = f"Requested service {settings.missing_service_spelling} not exist"
        return envelope(501, 0, message, None), stored
    method = request.method.upper()
    if method not in service.methods:
        return envelope(405, 0, MSG_METHOD, None), stored
    try:
        with pbx.lock:
            pbx.sync()
            result = service.handler(pbx, body)
    except OperationFailed as failure:
        return envelope(200, 0, failure.message, None), stored
    except FileNotFound:
        return not_found_page(host), stored
    except Exception:  # a crash in PHP land is Apache's 500 page, not an envelope
        log.exception("simulator handler failed for %s", name)
        return internal_error_page(host), stored
    if isinstance(result, FileReply):
        headers = dict(SERVER_HEADERS)
        headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        return Response(result.content, 200, media_type=result.media_type, headers=headers), stored
    if isinstance(result, RawReply):
        return Response(
            dumps(result.payload), 200, media_type="application/json", headers=SERVER_HEADERS
        ), stored
    assert isinstance(result, Reply)
    return envelope(200, 1, result.message, result.data), stored


class SimulatorHandle:
    """A running simulator: its base URL, state, settings, request log and faults; ``stop()`` ends it.

    ``pbx`` is the PBX being served now (a control-plane reset replaces it). ``requests`` is the
    bounded ``RequestLog`` (a sequence of ``RecordedRequest``).
    """

    def __init__(self, runtime: SimRuntime, server: ThreadedServer, ticker: Ticker | None = None) -> None:
        """Wrap the pieces ``start_simulator`` built."""
        self.url = server.url
        self.runtime = runtime
        self._server = server
        self._ticker = ticker

    @property
    def pbx(self) -> SimulatedPbx:
        """The PBX being served."""
        return self.runtime.pbx

    @property
    def settings(self) -> SimSettings:
        """The account's live settings (mutable)."""
        return self.runtime.settings

    @property
    def requests(self) -> RequestLog:
        """Every request received, bounded (see ``simotui.sim.reqlog``)."""
        return self.runtime.requests

    @property
    def faults(self) -> FaultInjector:
        """The fault injector (``faults.set(parse_faults(...))``, ``faults.clear()``)."""
        return self.runtime.faults

    @property
    def events(self) -> EventDelivery:
        """The pushed events' delivery: target, chaos, counts, the newest deliveries."""
        return self.runtime.events

    @property
    def ticker(self) -> Ticker | None:
        """The background ticker (None when the handle was built without one)."""
        return self._ticker

    @property
    def api_url(self) -> str:
        """``<url>/api/v4``."""
        return f"{self.url}/api/v4"

    def stop(self) -> None:
        """Let held requests go, stop uvicorn and the ticker, join their threads (idempotent)."""
        self.runtime.faults.close()
        if self._ticker is not None:
            self._ticker.stop()
        self._server.stop()
        self.runtime.events.stop()

    def __enter__(self) -> SimulatorHandle:
        """Use as ``with start_simulator() as sim:``."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop on leaving the block."""
        self.stop()


def build_app(config: SimConfig) -> SimulatorApp:
    """The app ``start_simulator`` and ``serve`` run: PBX, settings, bounded log, faults, control,
    event delivery (not started).

    Raises:
        FaultSpecError: ``config.faults`` does not parse; ``ValueError`` (``ChaosSpecError``):
            ``config.events_chaos``, ``events_auth`` or ``events_only`` is bad.
    """
    events = EventDelivery.from_config(config)
    return create_app(
        build_pbx(config),
        SimSettings.from_config(config),
        RequestLog(config.request_log_entries, config.request_log_bytes),
        faults=config.faults,
        control=config.control,
        events=events,
    )


def _start_ticker(runtime: SimRuntime) -> Ticker:
    ticker = Ticker(runtime.pbx)
    runtime.on_reset(ticker.follow)
    ticker.start()
    return ticker


def start_simulator(
    config: SimConfig | None = None, host: str = "127.0.0.1", port: int = 0
) -> SimulatorHandle:
    """Build a PBX, serve it with uvicorn in a daemon thread, return once it accepts connections.

    A ticker thread keeps the virtual clock moving and makes API component calls (§5.8).

    Raises:
        FaultSpecError: ``config.faults`` does not parse.
    """
    app = build_app(config or SimConfig())
    server = ThreadedServer(app, host, port, "simotel-sim", options=uvicorn_options())
    server.start("Simotel simulator")
    app.runtime.events.start()
    return SimulatorHandle(app.runtime, server, _start_ticker(app.runtime))


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
            *_demo_component_lines(config),
            f"  faults:    {str(parse_faults(config.faults or '')) or 'none'}",
            _events_line(config),
            f"  traffic:   {f'{config.traffic:g} calls per virtual minute' if config.traffic else 'none'}",
            _control_line(config, url),
            "Try an originate (557 rings, then 552):",
            f"  {curl}",
            "Press Ctrl-C to stop.",
        ]
    )


def _events_line(config: SimConfig) -> str:
    if not config.events_url:
        return "  events:    not pushed (--events-url URL sends them; listed at /_sim/events)"
    extras = [config.events_style.upper() if config.events_style != "get" else "GET"]
    if config.events_auth:
        extras.append(f"Basic {config.events_auth.partition(':')[0]}:***")
    if config.events_only:
        extras.append(f"only {config.events_only}")
    if config.events_chaos:
        extras.append(f"chaos {parse_chaos(config.events_chaos)}")
    return f"  events:    {redact(config.events_url)} ({', '.join(extras)})"


def _control_line(config: SimConfig, url: str) -> str:
    if not config.control:
        return "  control:   off (--control serves it under /_sim/)"
    return f"  control:   {url}/_sim/  (loopback clients only; try: curl -s {url}/_sim/clock)"


def _component_line(config: SimConfig) -> str:
    if not config.component_api_url:
        return "  bridge:    API component not configured (campaign calls to context simotui end unbridged)"
    kind = "Exten API" if config.component_kind == "exten" else "Trunk API"
    return (
        f"  bridge:    {kind} -> {redact(config.component_api_url)} "
        f"({config.component_method}, {config.component_style.upper()} style, "
        f"{config.component_timeout:g} s timeout)"
    )


def _demo_component_lines(config: SimConfig) -> list[str]:
    lines = []
    for spec in config.components:
        target = redact(spec.url) if spec.url else "not configured"
        lines.append(
            f"  {KIND_NAMES[spec.kind] + ':':<11}{spec.name} (app_name) -> {target}; "
            f"originate context {spec.context}, or a campaign row {spec.kind} of context simotui"
        )
    return lines


class _ForegroundServer(uvicorn.Server):
    """uvicorn, letting held (timeout-fault) requests go as soon as shutdown begins."""

    def __init__(self, config: uvicorn.Config, faults: FaultInjector) -> None:
        super().__init__(config)
        self._faults = faults

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Release held requests, then shut down as uvicorn does."""
        self._faults.close()
        await super().shutdown(sockets)


def serve(config: SimConfig, host: str = "127.0.0.1", port: int = 8800) -> None:
    """Run the simulator in the foreground until Ctrl-C, after printing how to reach it."""
    app = build_app(config)
    # The process is ours alone: the PBX just built (a large history is millions of objects) is
    # moved out of the garbage collector's sight, so later collections need not walk it.
    gc.freeze()
    sock = bind_tcp(host, port)
    real_port = int(sock.getsockname()[1])
    print(banner(config, http_url(host, real_port)), flush=True)
    options = uvicorn.Config(
        app, log_level="warning", lifespan="off", server_header=False, **uvicorn_options()
    )
    server = _ForegroundServer(options, app.runtime.faults)
    app.runtime.events.start()
    ticker = _start_ticker(app.runtime)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        ticker.stop()
        app.runtime.events.stop()
        sock.close()
