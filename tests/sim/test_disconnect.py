"""A client that disconnects mid-request is dropped quietly, as a PBX would: no traceback, no answer."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import MutableMapping
from typing import Any

import httpx

from simotui.sim import RequestLog, SimSettings, build_pbx, create_app, start_simulator

from .helpers import AUTH, KEY_HEADER, frozen_config


def _scope(method: str, path: str, length: int) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(length).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8800),
    }


async def _send_half_then_leave(app: Any, method: str, path: str) -> list[MutableMapping[str, Any]]:
    messages: list[MutableMapping[str, Any]] = [
        {"type": "http.request", "body": b'{"caller":', "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> MutableMapping[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    await app(_scope(method, path, 200), receive, send)  # must not raise ClientDisconnect
    return sent


async def test_an_api_request_cut_short_gets_no_answer_and_no_log_entry() -> None:
    log = RequestLog()
    app = create_app(build_pbx(frozen_config()), SimSettings(), log)
    assert await _send_half_then_leave(app, "POST", "/api/v4/call/originate/act") == []
    assert len(log) == 0
    assert app.runtime.pbx.originated == {}


async def test_a_control_request_cut_short_is_dropped_too() -> None:
    app = create_app(build_pbx(frozen_config()), SimSettings(), control=True)
    assert await _send_half_then_leave(app, "PUT", "/_sim/faults") == []
    assert app.runtime.faults.spec.empty


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_over_the_wire_uvicorn_logs_nothing() -> None:
    sim = start_simulator(frozen_config(control=True))
    errors = _Errors()
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(errors)  # after the start: uvicorn's logging setup replaces its handlers
    try:
        host, port = "127.0.0.1", int(sim.url.rsplit(":", 1)[1])
        for path in ("/api/v4/call/originate/act", "/_sim/faults"):
            with socket.create_connection((host, port), timeout=10) as raw:
                raw.sendall(
                    f"PUT {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                    f'Content-Length: 500\r\n\r\n{{"caller":'.encode()
                )
        with httpx.Client(base_url=sim.url, auth=AUTH, headers=KEY_HEADER, timeout=10) as client:
            assert client.put("/api/v4/setting/ping/act").status_code == 200
        time.sleep(0.2)  # let the dropped connections be noticed (a slower machine only hides errors)
    finally:
        sim.stop()
        logger.removeHandler(errors)
    assert [r.getMessage() for r in errors.records] == []
