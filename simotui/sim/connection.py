"""Reaching under ASGI to the TCP connection, so the simulator can reset or cut one.

ASGI gives an app no way to drop a connection without an answer: uvicorn sends a 500 when
the app raises before starting its response, and logs an error when it returns halfway. A
real network resets connections and cuts bodies short, and clients must be tested against
that. ``ConnectionExposingH11`` is uvicorn's h11 protocol with one addition: each request's
scope carries a ``ConnectionControl`` (``scope[CONNECTION_KEY]``) that can reset the TCP
connection (RST) or close it after what was written so far, and tells uvicorn the client is
gone so it adds nothing of its own. Apps served otherwise (``httpx.ASGITransport``) see no
such key; ``wire`` then falls back to raising ``ConnectionResetError`` out of the app.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import MutableMapping
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

#: The scope key under which a request finds its ``ConnectionControl``.
CONNECTION_KEY = "simotui.connection"
#: Seconds uvicorn waits for requests in flight at shutdown before cancelling them.
GRACEFUL_SHUTDOWN_SECONDS = 3.0


class ConnectionControl:
    """Drops the connection a request came in on, without uvicorn answering for the app."""

    def __init__(self, protocol: H11Protocol) -> None:
        """Wrap the connection's protocol object."""
        self._protocol = protocol

    def reset(self) -> None:
        """Abort with a TCP RST: the client's read fails with "connection reset by peer"."""
        transport = self._protocol.transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # SO_LINGER on with a zero timeout turns close() into an RST instead of a FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._forget_cycle()
        transport.abort()

    def close(self) -> None:
        """Close after flushing what was written (FIN): the client sees the stream end early."""
        self._forget_cycle()
        self._protocol.transport.close()

    def _forget_cycle(self) -> None:
        # Marking the request cycle disconnected is what uvicorn's own connection_lost does;
        # done now, uvicorn neither sends its 500 nor logs "returned without completing".
        cycle = self._protocol.cycle
        if cycle is not None:
            cycle.disconnected = True


class ConnectionExposingH11(H11Protocol):
    """uvicorn's h11 protocol, adding a ``ConnectionControl`` to every request's scope."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        """Set up as uvicorn does, then wrap the app so each scope gets this connection's control."""
        super().__init__(config, server_state, app_state, _loop)
        inner = self.app
        control = ConnectionControl(self)

        async def app(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
            scope[CONNECTION_KEY] = control
            await inner(scope, receive, send)

        self.app = app


def connection_of(scope: MutableMapping[str, Any]) -> ConnectionControl | None:
    """The request's ``ConnectionControl``, or ``None`` when not served by ``ConnectionExposingH11``."""
    control = scope.get(CONNECTION_KEY)
    return control if isinstance(control, ConnectionControl) else None


def uvicorn_options() -> dict[str, Any]:
    """``uvicorn.Config`` keywords for the simulator.

    The PBX's own clock goes in the ``Date`` header (the app sets it from virtual time), so
    uvicorn's real-time one is turned off; the h11 protocol is the one that exposes the
    connection; held requests are released at shutdown, and the grace period is a backstop.
    """
    return {
        "http": ConnectionExposingH11,
        "date_header": False,
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_SECONDS,
    }
