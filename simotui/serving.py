"""Serving an ASGI app with uvicorn from a daemon thread: the simulator and the bridge responder.

No Textual. Both servers bind their socket first, so port 0 yields a real free port that is
known before anyone is told the URL.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Mapping
from typing import Any

import uvicorn

START_TIMEOUT = 15.0


def bind_tcp(host: str, port: int) -> socket.socket:
    """A listening, non-blocking TCP socket on ``host:port`` (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP, not 0: asyncio only sets TCP_NODELAY on accepted sockets whose
    # proto says TCP, and without it Nagle and delayed ACKs add ~40 ms to every keep-alive request.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def http_url(host: str, port: int) -> str:
    """``http://host:port``, with brackets around an IPv6 host."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class ThreadedServer:
    """One ASGI app served by uvicorn in a daemon thread until :meth:`stop`.

    Args:
        app: the ASGI application.
        host: the address to listen on.
        port: the port (0 picks a free one).
        name: the thread's name, for debugging.
        options: more ``uvicorn.Config`` keywords (the simulator picks its protocol and
            turns uvicorn's ``Date`` header off).
    """

    def __init__(
        self, app: Any, host: str, port: int, name: str, options: Mapping[str, Any] | None = None
    ) -> None:
        self.sock = bind_tcp(host, port)
        self.port = int(self.sock.getsockname()[1])
        self.url = http_url(host, self.port)
        settings: dict[str, Any] = {
            "log_level": "warning",
            "lifespan": "off",
            "server_header": False,
            "access_log": False,
        }
        settings.update(options or {})
        self._server = uvicorn.Server(uvicorn.Config(app, **settings))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self.sock]}, name=f"{name}:{self.port}", daemon=True
        )
        self._stopped = False
        self._lock = threading.Lock()

    def start(self, what: str) -> None:
        """Start serving; returns once the server accepts connections.

        Raises:
            RuntimeError: the server did not come up (``what`` names it in the message).
        """
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self._server.should_exit = True
                self.sock.close()
                raise RuntimeError(f"the {what} did not start")
            time.sleep(0.01)

    @property
    def running(self) -> bool:
        """True until :meth:`stop` (or a crash of the server thread)."""
        return not self._stopped and self._thread.is_alive()

    def stop(self) -> None:
        """Stop uvicorn and join its thread (safe to call more than once)."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.sock.close()
