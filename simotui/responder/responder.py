"""The web service Simotel's Exten API / Trunk API component calls: a tiny Starlette app.

Requests are accepted the way Simotel sends them (reference §7.1, §7.4): a POST with a
JSON body (G4/Rest4), a POST with form fields (legacy; an ``api_data`` field holding JSON
is unpacked, as the PHP SDK reads it), or a GET with query parameters; at the root path or
any sub-path (Rest style appends a name). Each request is answered from memory by a
``BridgeBook``, so the answer comes back in milliseconds, well within the component's
1-second timeout.

Checks, in order: the IP allow-list (403), then optional HTTP Basic auth (401). Where the
reference is silent: a body that cannot be read is answered 400 with the refusal
``{"ok":"0"}``; refusals of readable requests are HTTP 200 with ``{"ok":"0"}``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simotui.calls.bridges import REFUSAL, BridgeBook, BridgeDecision, BridgeRequestSeen
from simotui.secret import Secret
from simotui.serving import ThreadedServer

log = logging.getLogger(__name__)

REFUSED_IP = "IP not allowed"
REFUSED_AUTH = "authentication failed"
REFUSED_UNREADABLE = "request body could not be read"

_METHODS = ["GET", "POST"]
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _stringify(value: Any) -> str:
    """A JSON value as the string Simotel would have meant (numbers are often sent bare)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_fields(text: str) -> dict[str, str] | None:
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    return {str(k): _stringify(v) for k, v in parsed.items()}


def _form_fields(text: str) -> dict[str, str]:
    fields = dict(parse_qsl(text, keep_blank_values=True))
    packed = fields.get("api_data")
    if packed is not None:
        unpacked = _json_fields(packed)
        if unpacked is not None:
            return unpacked
    return fields


def _read_fields(request: Request, raw: bytes) -> dict[str, str] | None:
    """The request's fields (query parameters merged under the body), or ``None`` if unreadable."""
    fields = dict(request.query_params)
    text = raw.decode("utf-8", errors="replace").strip()
    if request.method == "GET" or not text:
        return fields
    media = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        fields.update(_form_fields(text))
        return fields
    body = _json_fields(text)
    if body is None and media in ("", "text/plain") and "=" in text and not text.startswith("{"):
        # Some clients send form fields without a content type.
        body = _form_fields(text)
    if body is None:
        return None
    fields.update(body)
    return fields


def _parse_networks(entries: Sequence[str]) -> list[_Network]:
    networks: list[_Network] = []
    for entry in entries:
        networks.append(ipaddress.ip_network(entry.strip(), strict=False))
    return networks


def _ip_allowed(client: str, networks: list[_Network]) -> bool:
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return False
    return any(address in network for network in networks)


def _basic_ok(header: str | None, expected: bytes) -> bool:
    if not header:
        return False
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "basic" or not token:
        return False
    try:
        decoded = base64.b64decode(token.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(decoded, expected)


def _json_response(answer: Mapping[str, str], status: int = 200, **kwargs: Any) -> Response:
    text = json.dumps(dict(answer), ensure_ascii=False, separators=(",", ":"))
    return Response(text, status, media_type="application/json", **kwargs)


def create_responder_app(
    book: BridgeBook,
    *,
    username: str = "",
    password: Secret | None = None,
    allowed_ips: Sequence[str] = (),
    on_request: Callable[[BridgeRequestSeen], None] | None = None,
) -> Starlette:
    """The responder as an ASGI app; Basic auth is required when a username or password is set.

    ``allowed_ips`` entries are addresses or CIDR networks (empty allows every address); a
    malformed entry raises ``ValueError`` here rather than silently admitting nobody.
    ``on_request`` gets a ``BridgeRequestSeen`` for every request, refused ones included,
    after the answer has been sent, on one of the responder's worker threads (so a slow
    listener delays no answer; two requests' reports may arrive in either order).
    """
    networks = _parse_networks(allowed_ips)
    secret = password.reveal() if password is not None else ""
    need_auth = bool(username or secret)
    expected = f"{username}:{secret}".encode()

    def seen(fields: Mapping[str, str], decision: BridgeDecision | None, refused: str | None) -> None:
        if on_request is None:
            return
        report = BridgeRequestSeen(
            call_id=decision.call_id if decision is not None else None,
            unique_id=str(fields.get("unique_id", "")).strip(),
            src=str(fields.get("src", "")).strip(),
            dst=str(fields.get("dst", "")).strip(),
            app_name=str(fields.get("app_name", "")),
            answer=dict(decision.answer) if decision is not None else dict(REFUSAL),
            refused=refused,
        )
        try:
            on_request(report)
        except Exception:  # a broken listener must not take the responder down
            log.exception("bridge responder: on_request failed")

    async def endpoint(request: Request) -> Response:
        client = request.client.host if request.client is not None else ""
        if not _ip_allowed(client, networks):
            log.info("bridge responder: refused %s (not in the allow-list)", client)
            return _json_response(REFUSAL, 403, background=BackgroundTask(seen, {}, None, REFUSED_IP))
        if need_auth and not _basic_ok(request.headers.get("authorization"), expected):
            log.info("bridge responder: refused %s (authentication)", client)
            return _json_response(
                REFUSAL,
                401,
                headers={"WWW-Authenticate": 'Basic realm="simotui"'},
                background=BackgroundTask(seen, {}, None, REFUSED_AUTH),
            )
        fields = _read_fields(request, await request.body())
        if fields is None:
            log.info("bridge responder: unreadable %s body from %s", request.method, client)
            return _json_response(REFUSAL, 400, background=BackgroundTask(seen, {}, None, REFUSED_UNREADABLE))
        decision = book.decide(fields)
        log.debug(
            "bridge responder: %s %s -> call %s refused=%s",
            request.method,
            request.url.path,
            decision.call_id,
            decision.refused,
        )
        task = BackgroundTask(seen, fields, decision, decision.refused)
        return _json_response(decision.answer, background=task)

    return Starlette(routes=[Route("/{path:path}", endpoint, methods=_METHODS)])


class ResponderHandle:
    """A running responder: its base ``url``; ``stop()`` ends it (idempotent)."""

    def __init__(self, book: BridgeBook, server: ThreadedServer) -> None:
        """Wrap the pieces ``start_responder`` built."""
        self.url = server.url
        self.book = book
        self._server = server

    def __repr__(self) -> str:
        """The URL only (never credentials)."""
        return f"ResponderHandle(url={self.url!r}, running={self.running})"

    @property
    def running(self) -> bool:
        """True until ``stop()`` (or a crash of the server thread)."""
        return self._server.running

    def stop(self) -> None:
        """Stop uvicorn and join its thread (safe to call more than once)."""
        self._server.stop()

    def __enter__(self) -> ResponderHandle:
        """Use as ``with start_responder(book) as responder:``."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop on leaving the block."""
        self.stop()


def start_responder(
    book: BridgeBook,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    username: str = "",
    password: Secret | None = None,
    allowed_ips: Sequence[str] = (),
    on_request: Callable[[BridgeRequestSeen], None] | None = None,
) -> ResponderHandle:
    """Serve the responder with uvicorn in a daemon thread; returns once it accepts connections."""
    app = create_responder_app(
        book, username=username, password=password, allowed_ips=allowed_ips, on_request=on_request
    )
    server = ThreadedServer(app, host, port, "simotui-bridge")
    server.start("bridge responder")
    return ResponderHandle(book, server)
