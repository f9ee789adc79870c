"""The web service Simotel's Exten API / Trunk API component calls: a tiny Starlette app.

Requests are accepted the way Simotel sends them (reference §7.1, §7.4): a POST with a
JSON body (G4/Rest4), a POST with form fields (legacy; an ``api_data`` field holding JSON
is unpacked, as the PHP SDK reads it), or a GET with query parameters; at the root path or
any sub-path (Rest style appends a name). Each request is answered from memory by a
``BridgeBook``, so the answer comes back in milliseconds, well within the component's
1-second timeout.

It is a server simotui opens to the network, so it trusts nothing it is sent. Checks, in order:

1. the IP allow-list (403) — on the address the connection came from; ``X-Forwarded-For`` is
   believed only from a configured trusted proxy (uvicorn's own proxy-header rewriting is off);
2. optional HTTP Basic auth (401), compared in constant time;
3. a body of at most ``MAX_BODY`` bytes (413) and JSON nested at most ``MAX_DEPTH`` deep (400).

Requests refused by these checks are only counted (:class:`ResponderStats`): a flood of them
must cost the console nothing but a number in its status line. Where the reference is silent: a
body that cannot be read is answered 400 with the refusal ``{"ok":"0"}``; refusals of readable
requests are HTTP 200 with ``{"ok":"0"}``. A pending bridge is claimed once: the request that
claims it gets the second party; a retry with the same ``unique_id`` gets the same answer; any
other request for it is refused (see :mod:`simotui.calls.bridges`).
"""

from __future__ import annotations

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
from simotui.hardening import (
    MAX_BODY,
    MAX_DEPTH,
    REFUSED_AUTH,
    REFUSED_IP,
    REFUSED_TOO_LARGE,
    REFUSED_UNREADABLE,
    Guard,
    json_depth,
    peer_address,
)
from simotui.responder.stats import ResponderStats
from simotui.secret import Secret
from simotui.serving import ThreadedServer

log = logging.getLogger(__name__)

# Re-exported: the responder's limits and refusal words are the shared ones (see simotui.hardening).
__all__ = [
    "MAX_BODY",
    "MAX_DEPTH",
    "REFUSED_AUTH",
    "REFUSED_IP",
    "REFUSED_TOO_LARGE",
    "REFUSED_UNREADABLE",
    "ResponderHandle",
    "create_responder_app",
    "peer_address",
    "start_responder",
]

_METHODS = ["GET", "POST"]


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
    except (ValueError, RecursionError):
        return None
    if not isinstance(parsed, dict) or json_depth(parsed, MAX_DEPTH) > MAX_DEPTH:
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


def _json_response(answer: Mapping[str, str], status: int = 200, **kwargs: Any) -> Response:
    text = json.dumps(dict(answer), ensure_ascii=False, separators=(",", ":"))
    return Response(text, status, media_type="application/json", **kwargs)


def create_responder_app(
    book: BridgeBook,
    *,
    username: str = "",
    password: Secret | None = None,
    allowed_ips: Sequence[str] = (),
    trusted_proxies: Sequence[str] = (),
    on_request: Callable[[BridgeRequestSeen], None] | None = None,
    stats: ResponderStats | None = None,
) -> Starlette:
    """The responder as an ASGI app; Basic auth is required when a username or password is set.

    ``allowed_ips`` and ``trusted_proxies`` entries are addresses or CIDR networks (an empty
    allow-list allows every address); a malformed entry raises ``ValueError`` here rather than
    silently admitting nobody. ``on_request`` gets a ``BridgeRequestSeen`` for every request that
    passed the checks (answered or refused by the book), after the answer has been sent, on one
    of the responder's worker threads; requests the checks refused are only counted in ``stats``.
    """
    guard = Guard(
        username=username, password=password, allowed_ips=allowed_ips, trusted_proxies=trusted_proxies
    )
    counts = stats if stats is not None else ResponderStats()

    def seen(fields: Mapping[str, str], decision: BridgeDecision) -> None:
        if on_request is None:
            return
        report = BridgeRequestSeen(
            call_id=decision.call_id,
            unique_id=str(fields.get("unique_id", "")).strip(),
            src=str(fields.get("src", "")).strip(),
            dst=str(fields.get("dst", "")).strip(),
            app_name=str(fields.get("app_name", "")),
            answer=dict(decision.answer),
            refused=decision.refused,
        )
        try:
            on_request(report)
        except Exception:  # a broken listener must not take the responder down
            log.exception("bridge responder: on_request failed")

    def refuse(reason: str, peer: str, status: int, **kwargs: Any) -> Response:
        counts.refuse(reason, peer)
        return _json_response(REFUSAL, status, **kwargs)

    async def endpoint(request: Request) -> Response:
        direct = request.client.host if request.client is not None else ""
        refusal = guard.admit(direct, request.headers)
        if refusal is not None:
            return refuse(refusal.reason, refusal.peer, refusal.status, headers=refusal.headers)
        client = guard.peer(direct, request.headers)
        raw = await guard.read(request.stream())
        if raw is None:
            return refuse(REFUSED_TOO_LARGE, client, 413)
        fields = _read_fields(request, raw)
        if fields is None:
            return refuse(REFUSED_UNREADABLE, client, 400)
        decision = book.decide(fields)
        if decision.refused is None:
            counts.answer()
        else:
            counts.refuse(decision.refused, client)
        log.debug(
            "bridge responder: %s %s -> call %s refused=%s",
            request.method,
            request.url.path,
            decision.call_id,
            decision.refused,
        )
        return _json_response(decision.answer, background=BackgroundTask(seen, fields, decision))

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
    trusted_proxies: Sequence[str] = (),
    on_request: Callable[[BridgeRequestSeen], None] | None = None,
    stats: ResponderStats | None = None,
) -> ResponderHandle:
    """Serve the responder with uvicorn in a daemon thread; returns once it accepts connections."""
    app = create_responder_app(
        book,
        username=username,
        password=password,
        allowed_ips=allowed_ips,
        trusted_proxies=trusted_proxies,
        on_request=on_request,
        stats=stats,
    )
    # uvicorn would rewrite the client address from X-Forwarded-For for any local peer: the
    # responder decides that itself, for trusted proxies only.
    server = ThreadedServer(app, host, port, "simotui-bridge", {"proxy_headers": False})
    server.start("bridge responder")
    return ResponderHandle(book, server)
