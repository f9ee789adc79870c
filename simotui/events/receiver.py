"""The event receiver: the web service Simotel pushes its events to (§7), a tiny Starlette app.

Every delivery style is taken at the root or any sub-path (:mod:`simotui.events.parse`). It is
a server simotui opens to the network, so it makes the bridge responder's checks
(:mod:`simotui.hardening`: allow-list 403, Basic auth 401, body cap 413), then: a body that is
not an event, or an event with a field that cannot mean anything, is answered 400. Every
refusal is counted (:class:`EventStats`) and logged at INFO, never reported one by one: a flood
of them must cost the console a number in its status line. An accepted event is answered
``200 {"ok":"1"}`` (the web service's reply is undocumented) and handed to ``on_event`` on the
receiver's thread, after the relay (if any) has queued the delivery as received.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simotui.events.models import Event
from simotui.events.parse import EventError, parse_delivery
from simotui.events.relay import Forward, Relay
from simotui.events.stats import EventStats
from simotui.hardening import MAX_BODY, REFUSED_TOO_LARGE, Guard
from simotui.secret import Secret
from simotui.serving import ThreadedServer

log = logging.getLogger(__name__)

#: Events are small; the biggest documented one (CdrQueue with a few tries) is under 2 KiB.
MAX_EVENT_BODY = MAX_BODY
_OK = b'{"ok":"1"}'


def _answer(status: int, reason: str = "", **kwargs: Any) -> Response:
    if status == 200:
        return Response(_OK, 200, media_type="application/json")
    body = json.dumps({"ok": "0", "error": reason}, separators=(",", ":"))
    return Response(body, status, media_type="application/json", **kwargs)


def create_receiver_app(
    on_event: Callable[[Event], None],
    *,
    username: str = "",
    password: Secret | None = None,
    allowed_ips: Sequence[str] = (),
    trusted_proxies: Sequence[str] = (),
    stats: EventStats | None = None,
    relay: Relay | None = None,
) -> Starlette:
    """The receiver as an ASGI app (see the module docstring).

    Raises:
        ValueError: an allow-list or proxy entry is not an address or network.
    """
    guard = Guard(
        username=username,
        password=password,
        allowed_ips=allowed_ips,
        trusted_proxies=trusted_proxies,
        max_body=MAX_EVENT_BODY,
    )
    counts = stats if stats is not None else EventStats()

    def refuse(reason: str, peer: str, status: int, detail: str = "", **kwargs: Any) -> Response:
        counts.refuse(reason, peer)
        log.info("event receiver: refused a delivery from %s: %s %s", peer, reason, detail)
        return _answer(status, reason, **kwargs)

    async def endpoint(request: Request) -> Response:
        direct = request.client.host if request.client is not None else ""
        refusal = guard.admit(direct, request.headers)
        if refusal is not None:
            return refuse(refusal.reason, refusal.peer, refusal.status, headers=refusal.headers)
        client = guard.peer(direct, request.headers)
        raw = await guard.read(request.stream())
        if raw is None:
            return refuse(REFUSED_TOO_LARGE, client, 413)
        path = "/" + str(request.path_params.get("path", ""))
        content_type = request.headers.get("content-type")
        if relay is not None:
            relay.submit(
                Forward(request.method, path, request.scope.get("query_string", b""), content_type, raw)
            )
        try:
            event = parse_delivery(
                request.method, path, request.query_params.multi_items(), content_type or "", raw
            )
        except EventError as error:
            return refuse(error.reason, client, 400, error.detail)
        counts.accept(event.name)
        try:
            on_event(event)
        except Exception:  # a broken listener must not take the receiver down
            log.exception("event receiver: on_event failed")
        return _answer(200)

    return Starlette(routes=[Route("/{path:path}", endpoint, methods=["GET", "POST"])])


class ReceiverHandle:
    """A running receiver: its base ``url``; ``stop()`` ends it and its relay (idempotent)."""

    def __init__(self, server: ThreadedServer, relay: Relay | None) -> None:
        self.url = server.url
        self._server = server
        self._relay = relay

    def __repr__(self) -> str:
        return f"ReceiverHandle(url={self.url!r}, running={self.running})"

    @property
    def running(self) -> bool:
        return self._server.running

    def stop(self) -> None:
        self._server.stop()
        if self._relay is not None:
            self._relay.stop()

    def __enter__(self) -> ReceiverHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_receiver(
    on_event: Callable[[Event], None],
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    username: str = "",
    password: Secret | None = None,
    allowed_ips: Sequence[str] = (),
    trusted_proxies: Sequence[str] = (),
    stats: EventStats | None = None,
    relay_url: str | None = None,
) -> ReceiverHandle:
    """Serve the receiver with uvicorn in a daemon thread; returns once it accepts connections."""
    counts = stats if stats is not None else EventStats()
    relay = Relay(relay_url, counts) if relay_url else None
    app = create_receiver_app(
        on_event,
        username=username,
        password=password,
        allowed_ips=allowed_ips,
        trusted_proxies=trusted_proxies,
        stats=counts,
        relay=relay,
    )
    # X-Forwarded-For is judged by the guard, for trusted proxies only.
    server = ThreadedServer(app, host, port, "simotui-events", {"proxy_headers": False})
    if relay is not None:
        relay.start()
    try:
        server.start("event receiver")
    except BaseException:
        if relay is not None:
            relay.stop()
        raise
    return ReceiverHandle(server, relay)
