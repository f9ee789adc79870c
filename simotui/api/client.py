"""SimotelClient: the one place simotui speaks HTTP to a Simotel server.

It owns an ``httpx.AsyncClient`` (or takes an injected transport), adds authentication, unwraps
the ``{success, message, data}`` envelope, and turns every failure into :mod:`simotui.errors`,
so no httpx exception ever reaches a caller. Endpoints live in groups mirroring the API
(``client.calls.originate``, ``client.reports.cdr_search`` ...; see :mod:`simotui.api.groups`).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import httpx

from simotui.api.dates import DEFAULT_PBX_TIMEZONE, pbx_zone
from simotui.errors import (
    AccessDenied,
    ApiError,
    ApiTimeout,
    ApiUnavailable,
    AuthError,
    ConfigError,
    OperationFailed,
    ReadOnlyRefused,
    RequestRejected,
    ResponseError,
    ServerError,
    ServiceNotFound,
)
from simotui.private import private_fd
from simotui.secret import Secret

T = TypeVar("T")
AuthMode = Literal["basic", "key", "both"]
API_PREFIX = "/api/v4/"
#: What a read-only client may ask (an allow-list: any service that may change the PBX — a dial,
#: a campaign, an agent's queue, a removal — is refused before it leaves, whatever asked for it).
READ_ONLY_VERBS = ("/search", "/info", "/download", "/ordered/id")
READ_ONLY_SERVICES = frozenset({"setting/ping/act"})


def reads_only(service: str) -> bool:
    """Whether a service only reads (a read-only profile may send it)."""
    name = service.strip("/")
    return name in READ_ONLY_SERVICES or name.endswith(READ_ONLY_VERBS)


#: Answers at least this large are decoded off the event loop when ``offload`` is set (a page
#: of 50 CDRs is about this much).
OFFLOAD_BYTES = 48 * 1024
#: The most of one answer read into memory (a page of 500 CDRs is about 0.5 MiB; downloads stream).
MAX_ANSWER_BYTES = 64 * 1024 * 1024


class AnswerTooLarge(Exception):
    """An answer passed ``MAX_ANSWER_BYTES`` while being read."""

    def __init__(self, status: int, size: int) -> None:
        super().__init__(f"answer of at least {size} bytes")
        self.status = status
        self.size = size


@dataclass(frozen=True, slots=True)
class Credentials:
    """How to authenticate (reference §1.2): Basic, API key (``X-APIKEY``), or both."""

    mode: AuthMode = "both"
    username: str = ""
    password: Secret | None = None
    api_key: Secret | None = None

    def __post_init__(self) -> None:
        if self.mode not in ("basic", "key", "both"):
            raise ConfigError(f"auth mode must be basic, key or both, not {self.mode!r}")
        if self.mode in ("basic", "both") and not (self.username and self.password):
            raise ConfigError(f"auth mode {self.mode!r} needs a username and a password")
        if self.mode in ("key", "both") and not self.api_key:
            raise ConfigError(f"auth mode {self.mode!r} needs an API key")

    def headers(self) -> dict[str, str]:
        """The authentication headers for every request."""
        headers: dict[str, str] = {}
        if self.mode in ("basic", "both") and self.password is not None:
            token = f"{self.username}:{self.password.reveal()}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(token).decode("ascii")
        if self.mode in ("key", "both") and self.api_key is not None:
            headers["X-APIKEY"] = self.api_key.reveal()
        return headers


@dataclass(frozen=True, slots=True)
class Download:
    """A file streamed to disk."""

    path: Path
    size: int
    content_type: str


Progress = Callable[[int, int | None], None]


@dataclass(frozen=True, slots=True)
class Exchange:
    """One finished HTTP exchange, reported to observers (status line latency, HTTP log)."""

    method: str
    service: str
    status: int | None
    elapsed: float
    size: int
    error: str | None
    server_date: str | None = None
    """The answer's HTTP ``Date`` header: the PBX's clock (None when there was no answer)."""
    received: float = 0.0
    """``time.monotonic()`` when the answer (or the failure) arrived."""


ExchangeObserver = Callable[[Exchange], None]


def normalize_base_url(url: str) -> str:
    """Accept ``http://host``, ``http://host/`` or ``http://host/api/v4``; return ``http://host``."""
    text = url.strip().rstrip("/")
    if text.endswith("/api/v4"):
        text = text[: -len("/api/v4")]
    try:
        parts = urlsplit(text)
        _ = parts.port  # a port that is not 0..65535 only raises when read
    except ValueError as exc:
        raise ConfigError(f"the Simotel URL {url!r} cannot be read: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"the Simotel URL must look like http(s)://host[:port], not {url!r}")
    if parts.username or parts.password:
        # Credentials in the URL would leak into logs and screenshots; they have their own fields.
        raise ConfigError("put the username and password in their own settings, not in the URL")
    return text


class SimotelClient:
    """An async client of the Simotel HTTP API v4.

    Args:
        base_url: the server, e.g. ``https://pbx.example.com`` (``/api/v4`` is optional).
        credentials: authentication mode and secrets.
        timeout: seconds to wait for each request (connect, read, write, pool).
        verify: TLS verification: True, False, or the path of a CA bundle.
        transport: an httpx transport to use instead of the network (tests, in-process simulator).
        pbx_timezone: the PBX's time zone, in which it writes and reads local dates.
        observer: called with an :class:`Exchange` after every request.
    """

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        timeout: float = 10.0,
        verify: bool | str = True,
        transport: httpx.AsyncBaseTransport | None = None,
        pbx_timezone: str = DEFAULT_PBX_TIMEZONE,
        observer: ExchangeObserver | None = None,
    ) -> None:
        # Imported here: the groups module imports this one for typing.
        from simotui.api.groups import (
            AutodialerGroup,
            CallGroup,
            PbxGroup,
            ReportsGroup,
            SettingGroup,
        )

        self.base_url = normalize_base_url(base_url)
        try:
            self.tz: tzinfo = pbx_zone(pbx_timezone)
        except ValueError as exc:
            raise ConfigError(f"PBX time zone: {exc}") from None
        self.timeout = timeout
        self.observer = observer
        self.offload = False
        """Decode and parse large answers on a worker thread (see :meth:`parsed`)."""
        self.read_only = False
        """Refuse, before sending, every service that may change the PBX (a read-only profile)."""
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        headers.update(credentials.headers())
        if self.base_url.startswith("http://") and transport is None:
            # No TLS can happen (redirects are not followed): loading the CA bundle for nothing
            # was a sixth of the console's start.
            verify = False
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout),
            verify=verify,
            transport=transport,
            follow_redirects=False,
        )
        self.setting = SettingGroup(self)
        self.calls = CallGroup(self)
        self.reports = ReportsGroup(self)
        self.autodialer = AutodialerGroup(self)
        self.pbx = PbxGroup(self)

    async def __aenter__(self) -> SimotelClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    def __repr__(self) -> str:
        return f"SimotelClient(base_url={self.base_url!r})"

    async def parsed(self, service: str, body: Any, parse: Callable[[Any], T]) -> T:
        """Send one request and parse the envelope's ``data`` with ``parse``.

        With ``offload`` set (the console), a large answer is decoded and parsed on a worker
        thread, so a page of hundreds of records never holds the event loop (and the keys a
        user types) for the time it takes to read them.
        """
        response = await self._send(service, body, method="POST")
        if self.offload and len(response.content) >= OFFLOAD_BYTES:
            return await asyncio.to_thread(_unwrap_and_parse, service, response, parse)
        return _unwrap_and_parse(service, response, parse)

    async def call(self, service: str, body: Any = None, *, method: str = "POST") -> Any:
        """Send one request to ``/api/v4/<service>`` and return the envelope's ``data``.

        Raises:
            ApiError: the server answered with an error (HTTP status or ``success: 0``).
            ApiUnavailable: the server could not be reached or did not answer in time.
            ResponseError: the answer is not a Simotel envelope.
        """
        response = await self._send(service, body, method=method)
        return _unwrap(service, response)

    async def fetch_bytes(self, service: str, body: Any) -> tuple[bytes, str]:
        """Send one request whose success answer is a file; return its bytes and content type."""
        response = await self._send(service, body, method="POST")
        content_type = response.headers.get("content-type", "")
        if response.status_code == 200 and "json" not in content_type.lower():
            return response.content, content_type
        # An error (or a JSON answer where a file was expected) goes through the envelope rules.
        data = _unwrap(service, response)
        raise ResponseError(
            f"{service}: expected a file, got JSON data of type {type(data).__name__}",
            status=response.status_code,
        )

    async def download(
        self, service: str, body: Any, target: Path, on_progress: Progress | None = None
    ) -> Download:
        """Stream a file answer into ``target`` (via ``target.part``, renamed when complete).

        ``on_progress(received, total)`` is called as bytes arrive (``total`` None when the
        server sends no length). A failure leaves no file behind.
        """
        path = API_PREFIX + service.strip("/")
        content = json.dumps(body, ensure_ascii=False).encode()
        partial = target.with_name(target.name + ".part")
        started = time.perf_counter()
        received = 0
        try:
            async with self._http.stream("POST", path, content=content) as response:
                content_type = response.headers.get("content-type", "")
                if response.status_code != 200 or "json" in content_type.lower():
                    await response.aread()
                    self._observe(
                        "POST", service, response.status_code, started, len(response.content), None, response
                    )
                    data = _unwrap(service, response)
                    raise ResponseError(
                        f"{service}: expected a file, got JSON data of type {type(data).__name__}",
                        status=response.status_code,
                    )
                length = response.headers.get("content-length", "")
                total = int(length) if length.isascii() and length.isdigit() else None
                with os.fdopen(private_fd(partial), "wb") as sink:
                    async for chunk in response.aiter_bytes():
                        sink.write(chunk)
                        received += len(chunk)
                        if on_progress is not None:
                            on_progress(received, total)
                partial.replace(target)
                self._observe("POST", service, response.status_code, started, received, None, response)
                return Download(target, received, content_type)
        except httpx.TimeoutException as exc:
            error: ApiUnavailable = ApiTimeout(
                f"{self.base_url} stopped sending {service} ({type(exc).__name__})", code="timeout"
            )
        except httpx.HTTPError as exc:
            error = ApiUnavailable(
                f"download of {service} from {self.base_url} failed: {exc}", code="dropped"
            )
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise ResponseError(f"cannot write {target}: {exc.strerror or exc}") from None
        finally:
            if partial.exists() and not target.exists():  # noqa: ASYNC240 - a stat, once, on failure
                partial.unlink(missing_ok=True)
        self._observe("POST", service, None, started, received, error.code)
        raise error

    async def _send(self, service: str, body: Any, *, method: str) -> httpx.Response:
        if self.read_only and not reads_only(service):
            # The one place every request passes: whatever widget or command asked, nothing leaves.
            raise ReadOnlyRefused(f"this profile is read-only: {service} was not sent")
        path = API_PREFIX + service.strip("/")
        content = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        started = time.perf_counter()
        try:
            response = await self._bounded(method, path, content)
        except AnswerTooLarge as exc:
            # Read no further: a PBX does not send this much for one answer.
            self._observe(method, service, exc.status, started, exc.size, "too_large")
            raise ResponseError(
                f"{service}: the answer is larger than {MAX_ANSWER_BYTES // (1024 * 1024)} MiB; "
                "not a Simotel response",
                status=exc.status,
                code="too_large",
            ) from None
        except (httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # No connection within the timeout: the request never left.
            error: ApiUnavailable = ApiTimeout(
                f"cannot connect to {self.base_url} within {self.timeout:g} s ({type(exc).__name__})",
                code="connect_timeout",
            )
        except httpx.TimeoutException as exc:
            error = ApiTimeout(
                f"{self.base_url} did not answer {service} within {self.timeout:g} s ({type(exc).__name__})",
                code="timeout",
            )
        except httpx.ConnectError as exc:
            reason = str(exc) or type(exc).__name__
            code = "tls" if "ssl" in reason.lower() or "certificate" in reason.lower() else "refused"
            error = ApiUnavailable(f"cannot connect to {self.base_url}: {reason}", code=code)
        except httpx.HTTPError as exc:
            reason = str(exc) or type(exc).__name__
            error = ApiUnavailable(
                f"connection to {self.base_url} failed during {service}: {reason}",
                code="dropped",
            )
        except (httpx.InvalidURL, OSError, ValueError) as exc:
            error = ApiUnavailable(f"cannot send {service} to {self.base_url}: {exc}", code="unreachable")
        else:
            self._observe(
                method, service, response.status_code, started, len(response.content), None, response
            )
            return response
        self._observe(method, service, None, started, 0, error.code)
        raise error

    async def _bounded(self, method: str, path: str, content: bytes) -> httpx.Response:
        """One request whose answer is read into memory only up to ``MAX_ANSWER_BYTES``."""
        request = self._http.build_request(method, path, content=content)
        response = await self._http.send(request, stream=True)
        try:
            length = response.headers.get("content-length", "")
            if length.isascii() and length.isdigit() and int(length) > MAX_ANSWER_BYTES:
                raise AnswerTooLarge(response.status_code, int(length))
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_ANSWER_BYTES:
                    raise AnswerTooLarge(response.status_code, len(body))
        finally:
            await response.aclose()
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            content=bytes(body),
            request=request,
            extensions={"reason_phrase": response.reason_phrase.encode()},
        )

    def _observe(
        self,
        method: str,
        service: str,
        status: int | None,
        started: float,
        size: int,
        error: str | None,
        response: httpx.Response | None = None,
    ) -> None:
        if self.observer is not None:
            date = response.headers.get("date") if response is not None else None
            elapsed = time.perf_counter() - started
            self.observer(Exchange(method, service, status, elapsed, size, error, date, time.monotonic()))


def _unwrap_and_parse(service: str, response: httpx.Response, parse: Callable[[Any], T]) -> T:
    return parse(_unwrap(service, response))


def _decode_json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: nesting deeper than the parser's stack; not a Simotel answer either.
        return _NOT_JSON


_NOT_JSON = object()


def _is_success(value: Any) -> bool | None:
    """Read ``success``: documented as the integer 1 or 0; tolerate booleans and digit strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value == 1
    if isinstance(value, str) and value.strip() in ("0", "1"):
        return value.strip() == "1"
    return None


def _unwrap(service: str, response: httpx.Response) -> Any:
    status = response.status_code
    payload = _decode_json(response)
    envelope = payload if isinstance(payload, Mapping) else None
    message = ""
    if envelope is not None and isinstance(envelope.get("message"), str):
        message = envelope["message"]

    if status >= 400:
        raise _status_error(service, status, message, envelope is not None, response)

    if envelope is None:
        html = b"<html" in response.content[:512].lower()
        kind = "HTML" if html else "a body that is not JSON"
        raise ResponseError(
            f"{service}: the server answered HTTP {status} with {kind}, not a Simotel response "
            "(is the base URL right?)",
            status=status,
            code="html" if html else "not_json",
        )
    success = _is_success(envelope.get("success"))
    if success is None and envelope.get("status") == "success":
        # The documented users-add anomaly (reference §1.3): a different envelope, same meaning.
        return {k: v for k, v in envelope.items() if k not in ("status", "message")}
    if success is None:
        raise ResponseError(
            f"{service}: the answer has no valid 'success' field", status=status, code="no_success"
        )
    if not success:
        raise OperationFailed(message or "Requested operation failed", status=status, service=service)
    return envelope.get("data")


def _status_error(
    service: str, status: int, message: str, is_json: bool, response: httpx.Response
) -> ApiError:
    lowered = message.lower()
    if status == 401:
        code = "auth_missing" if "missing" in lowered else "auth_invalid"
        return AuthError(message or "authentication failed", status=status, code=code, service=service)
    if status == 403:
        code = "ip_not_permitted" if "ip is not permitted" in lowered else "access_denied"
        return AccessDenied(message or "access denied", status=status, code=code, service=service)
    if status in (400, 405, 415):
        code = {400: "bad_json", 405: "method_not_allowed", 415: "unsupported_media_type"}[status]
        return RequestRejected(message or response.reason_phrase, status=status, code=code, service=service)
    if status == 501:
        return ServiceNotFound(
            message or "Requested service does not exist",
            status=status,
            code="unknown_service",
            service=service,
        )
    if status == 404:
        detail = message or f"{service} was not found on the server (HTTP 404, no Simotel answer)"
        return ServiceNotFound(detail, status=status, code="not_found", service=service)
    if not message:
        message = f"HTTP {status} {response.reason_phrase}".strip()
        if not is_json:
            message += " (not a Simotel response)"
    return ServerError(message, status=status, code=f"http_{status}", service=service)
