"""A tiny web service on 127.0.0.1 that records the events pushed to it (for delivery tests)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SAFETY = 15.0


@dataclass(frozen=True)
class Received:
    """One request the receiver got."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any

    @property
    def name(self) -> str:
        """The event's name as the payload gives it (``event_name``, or Survey's ``event``)."""
        source = self.body if isinstance(self.body, dict) else self.query
        return str(source.get("event_name", source.get("event", "")))


class Receiver:
    """Records every request; answers ``status`` (200), optionally after waiting on ``gate``."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.received: list[Received] = []
        self.gate: threading.Event | None = None
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                body: Any = json.loads(raw) if raw else None
                item = Received(
                    self.command,
                    parts.path,
                    dict(parse_qsl(parts.query, keep_blank_values=True)),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                if owner.gate is not None:
                    owner.gate.wait(SAFETY)
                with owner._lock:
                    owner.received.append(item)
                self.send_response(owner.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = _handle
            do_POST = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.gate is not None:
            self.gate.set()
        self._server.shutdown()
        self._server.server_close()

    def items(self) -> list[Received]:
        """What was received so far, in arrival order."""
        with self._lock:
            return list(self.received)

    def wait_for(self, count: int) -> list[Received]:
        """At least ``count`` requests (fails after a generous safety timeout)."""
        deadline = time.monotonic() + SAFETY
        while True:
            items = self.items()
            if len(items) >= count:
                return items
            assert time.monotonic() < deadline, f"only {len(items)} of {count} events arrived"
            time.sleep(0.01)
