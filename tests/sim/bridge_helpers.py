"""Web services for component tests: a canned-answer server (slow, refusing, broken) and a campaign body."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from simotui.sim import SimulatedPbx
from simotui.sim.dates import gregorian
from simotui.sim.scenarios import BRIDGE_CONTEXT, BRIDGE_TEXT, DEMO_TRUNK_MANAGER_ID
from simotui.sim.services.autodialer.campaigns import add as campaign_add
from simotui.sim.services.autodialer.reports import search as report_search
from simotui.sim.services.reports import cdr_search

from .helpers import TEHRAN


@dataclass
class Service:
    """A running canned web service: its URL and the requests it got (method, path+query, body)."""

    url: str
    requests: list[tuple[str, str, str]] = field(default_factory=list)


@contextmanager
def canned_service(body: bytes, *, delay: float = 0.0, status: int = 200) -> Iterator[Service]:
    """A loopback web service that waits ``delay`` seconds, then answers ``body``."""
    service = Service("")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            sent = self.rfile.read(length).decode()
            service.requests.append((self.command, self.path, sent))
            time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the caller gave up (timeout) and closed the connection

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    service.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()


def add_bridge_campaign(pbx: SimulatedPbx, number: str, **fields: Any) -> str:
    """A one-number campaign into the demo Autodialer Route (through the service handler)."""
    now = pbx.sync()
    body: dict[str, Any] = {
        "name": f"bridge-{number}",
        "trunk_manager_id": DEMO_TRUNK_MANAGER_ID,
        "interface_context": BRIDGE_CONTEXT,
        "interface_text": BRIDGE_TEXT,
        "numbers": [number],
        "groups": [],
        "try_interval": "60",
        "try": "1",
        "start": gregorian(now, TEHRAN)[:16],
        "announcement": "653e02b6959ca20a2f1b7293",
    }
    body.update(fields)
    with pbx.lock:
        oid = campaign_add(pbx, body).data["_id"]
    assert isinstance(oid, str)
    return oid


def report_rows(pbx: SimulatedPbx, campaign_id: str) -> list[dict[str, Any]]:
    """``autodialer/reports/search`` rows of one campaign."""
    body = {"alike": "false", "conditions": {"campaign_id": campaign_id}, "pagination": {"count": 100}}
    with pbx.lock:
        return list(report_search(pbx, body).data["data"])


def cdrs_by_cuid(pbx: SimulatedPbx, cuid: str) -> list[dict[str, Any]]:
    """``reports/cdr/search`` rows with exactly this ``cuid``."""
    body = {"alike": "false", "conditions": {"cuid": cuid}, "pagination": {"count": 100}}
    with pbx.lock:
        return list(cdr_search(pbx, body).data["data"])


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``predicate`` until it holds (the responder reports after answering, on its own thread)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)
