"""What each fault puts on the wire, given the request's ASGI channel and (``@after``) the answer.

``faults`` decides; this module acts. Resets and cuts need the TCP connection, which the
simulator's uvicorn protocol exposes (``connection``); an app mounted in-process has none, so
there they raise ``ConnectionResetError`` out of the app instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.responses import Response

from simotui.sim.connection import connection_of
from simotui.sim.faults import Decision, FaultInjector
from simotui.sim.pages import error_5xx_page, gateway_page, not_found_page, php_warning_page, unavailable_page

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def client_status(decision: Decision, answer: Response | None) -> int | None:
    """The status line the client will get (``None``: none at all, or not yet known)."""
    kind = decision.kind
    if kind in ("error5xx", "restart"):
        return decision.status
    if kind == "html404":
        return 404
    if kind == "nonjson":
        return 200
    if kind == "truncate":
        return answer.status_code if answer is not None else None
    if kind in ("reset", "timeout"):
        return None
    return answer.status_code if answer is not None else None


async def act_out(
    decision: Decision,
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    answer: Response | None,
    injector: FaultInjector,
    host: str,
) -> None:
    """Send (or withhold) what the decided fault sends instead of ``answer``."""
    kind = decision.kind
    page: Response | None = None
    if kind == "error5xx":
        page = error_5xx_page(decision.status, host)
    elif kind == "restart":
        page = unavailable_page(host, closing=True)
    elif kind == "html404":
        page = not_found_page(host)
    elif kind == "nonjson":
        page = php_warning_page(bytes(answer.body) if answer is not None else None)
    elif kind == "reset":
        _reset(scope)
        return
    elif kind == "truncate":
        assert answer is not None, "truncate is always @after"
        await _truncate(answer, scope, send)
        return
    elif kind == "timeout":
        if await injector.hold(decision.hold):
            page = gateway_page(504)  # the gateway gives up on the upstream, as nginx does
        else:
            _close(scope)  # let go early: nobody is going to answer this one
            return
    if page is None:
        raise AssertionError(f"no wire behaviour for fault {kind!r}")
    await page(scope, receive, send)


def _reset(scope: Scope) -> None:
    connection = connection_of(scope)
    if connection is None:
        raise ConnectionResetError("simulated connection reset (no socket to reset in-process)")
    connection.reset()


def _close(scope: Scope) -> None:
    connection = connection_of(scope)
    if connection is None:
        raise ConnectionResetError("simulated connection close (no socket to close in-process)")
    connection.close()


async def _truncate(answer: Response, scope: Scope, send: Send) -> None:
    """The full headers (``Content-Length`` included), half the body, then the connection closes."""
    connection = connection_of(scope)
    if connection is None:
        raise ConnectionResetError("simulated truncated answer (no socket to cut in-process)")
    body = bytes(answer.body)
    await send({"type": "http.response.start", "status": answer.status_code, "headers": answer.raw_headers})
    await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
    connection.close()
