"""The event receiver over real loopback HTTP: each style the simulator's sender uses, the
responder's hardening (auth, allow-list, proxies, limits), hostile payloads counted and refused,
and the relay forwarding byte-for-byte."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from simotui.errors import ConfigError
from simotui.events import models as m
from simotui.events.link import EventLink, running_receiver
from simotui.events.receiver import start_receiver
from simotui.events.stats import EventStats
from simotui.hardening import REFUSED_AUTH, REFUSED_IP, REFUSED_TOO_LARGE
from simotui.secret import Secret
from simotui.settings import EventsSettings
from simotui.sim.delivery import EventTarget, request_for

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "doc_samples"
SAFETY = 10.0


class Collected:
    """A thread-safe list of the events the receiver handed over."""

    def __init__(self) -> None:
        self.items: list[m.Event] = []
        self._cond = threading.Condition()

    def __call__(self, event: m.Event) -> None:
        with self._cond:
            self.items.append(event)
            self._cond.notify_all()


@pytest.fixture
def collected() -> Collected:
    return Collected()


@pytest.mark.parametrize("style", ["g4", "rest4", "get"])
def test_each_style_of_the_simulator_sender_is_taken(style: str, collected: Collected) -> None:
    docs = [json.loads(p.read_text()) for p in sorted(SAMPLES.glob("event-*.json"))]
    stats = EventStats()
    with start_receiver(collected, stats=stats) as receiver, httpx.Client() as http:
        target = EventTarget(url=receiver.url + "/hook", style=style)  # type: ignore[arg-type]
        for doc in docs:
            method, url, kwargs = request_for(target, doc["event"], doc["request"])
            answer = http.request(method, url, **kwargs)
            assert answer.status_code == 200, (doc["event"], answer.text)
    # The handler runs before the answer: every event is in by now.
    assert [e.name for e in collected.items] == [d["event"] for d in docs]
    assert stats.accepted_total == len(docs) and stats.refused_total == 0


def test_auth_and_allow_list_as_the_responder_does(collected: Collected) -> None:
    stats = EventStats()
    body = b'{"event_name":"Ping"}'
    with start_receiver(collected, username="simotel", password=Secret("s3cret"), stats=stats) as receiver:
        assert httpx.post(receiver.url, content=body).status_code == 401
        assert httpx.post(receiver.url, content=body, auth=("simotel", "wrong")).status_code == 401
        assert httpx.post(receiver.url, content=body, auth=("simotel", "s3cret")).status_code == 200
    assert stats.refused[REFUSED_AUTH] == 2 and len(collected.items) == 1
    with start_receiver(collected, allowed_ips=["10.0.0.0/8"], stats=stats) as receiver:
        assert httpx.post(receiver.url, content=body).status_code == 403
        # X-Forwarded-For is not believed from an untrusted peer.
        assert (
            httpx.post(receiver.url, content=body, headers={"X-Forwarded-For": "10.1.1.1"}).status_code == 403
        )
    with start_receiver(
        collected, allowed_ips=["10.0.0.0/8"], trusted_proxies=["127.0.0.1"], stats=stats
    ) as receiver:
        assert (
            httpx.post(receiver.url, content=body, headers={"X-Forwarded-For": "10.1.1.1"}).status_code == 200
        )
    assert stats.refused[REFUSED_IP] == 2 and len(collected.items) == 2


@pytest.mark.parametrize(
    ("content", "headers", "status"),
    [
        (b"x" * 20_000, {"Content-Type": "application/json"}, 413),
        (b"not json at all {", {"Content-Type": "application/json"}, 400),
        (b'{"a":' * 50 + b"1" + b"}" * 50, {"Content-Type": "application/json"}, 400),
        (b"[" * 4000 + b"]" * 4000, {"Content-Type": "application/json"}, 400),
        (b'{"exten":"1"}', {"Content-Type": "application/json"}, 400),
        (
            b'{"event_name":"NewState","exten":"1","state":"Exploded"}',
            {"Content-Type": "application/json"},
            400,
        ),
        (b'{"event_name":"Cdr","billsec":"\\u0000\\u0000"}', {"Content-Type": "application/json"}, 400),
        (bytes(range(256)), {"Content-Type": "application/octet-stream"}, 400),
    ],
)
def test_hostile_payloads_are_refused_and_counted(
    content: bytes, headers: dict[str, str], status: int, collected: Collected
) -> None:
    stats = EventStats()
    with start_receiver(collected, stats=stats) as receiver:
        answer = httpx.post(receiver.url, content=content, headers=headers)
        assert answer.status_code == status
        assert answer.json()["ok"] == "0"
        # Still serving, and a good event after the bad one is taken.
        assert httpx.post(receiver.url, json={"event_name": "Ping"}).status_code == 200
    assert stats.refused_total == 1 and [e.name for e in collected.items] == ["Ping"]
    if status == 413:
        assert stats.refused[REFUSED_TOO_LARGE] == 1


def test_a_chunked_body_past_the_cap_is_refused(collected: Collected) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * 1024

    stats = EventStats()
    with start_receiver(collected, stats=stats) as receiver:
        assert httpx.post(receiver.url, content=chunks()).status_code == 413
    assert stats.refused[REFUSED_TOO_LARGE] == 1


class RawRecorder:
    """Records every request byte-for-byte: method, path with query, content type, body."""

    def __init__(self, status: int = 200) -> None:
        self.got: list[tuple[str, str, str | None, bytes, str | None]] = []
        self.status = status
        self.cond = threading.Condition()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                with owner.cond:
                    owner.got.append(
                        (
                            self.command,
                            self.path,
                            self.headers.get("Content-Type"),
                            raw,
                            self.headers.get("Authorization"),
                        )
                    )
                    owner.cond.notify_all()
                self.send_response(owner.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/existing"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + SAFETY
        with self.cond:
            while len(self.got) < count:
                assert self.cond.wait(max(0.0, deadline - time.monotonic())), "relay never arrived"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_relay_forwards_byte_for_byte(collected: Collected) -> None:
    recorder = RawRecorder()
    stats = EventStats()
    odd_json = b'{ "event_name" : "Cdr",  "billsec": 9 ,"x":"\\u00e9"}\n'
    form = b"event_name=NewState&exten=557&state=Ringing"
    try:
        with start_receiver(
            collected, username="u", password=Secret("p"), stats=stats, relay_url=recorder.url
        ) as receiver:
            auth = ("u", "p")
            httpx.post(
                receiver.url + "/Cdr",
                content=odd_json,
                headers={"Content-Type": "application/json"},
                auth=auth,
            )
            httpx.get(receiver.url + "/?event_name=NewState&exten=557&state=Idle&x=%20a", auth=auth)
            httpx.post(
                receiver.url,
                content=form,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                auth=auth,
            )
            # Not an event simotui can read, but it passed the checks: the other service gets it too.
            httpx.post(receiver.url, content=b"garbage", headers={"Content-Type": "text/plain"}, auth=auth)
            # Refused by the checks: never relayed.
            httpx.post(receiver.url, content=odd_json)
            recorder.wait_for(4)
    finally:
        recorder.close()
    assert recorder.got == [
        ("POST", "/existing/Cdr", "application/json", odd_json, None),
        ("GET", "/existing?event_name=NewState&exten=557&state=Idle&x=%20a", None, b"", None),
        ("POST", "/existing", "application/x-www-form-urlencoded", form, None),
        ("POST", "/existing", "text/plain", b"garbage", None),
    ]
    assert stats.relayed == 4 and stats.relay_failed == 0
    assert [e.name for e in collected.items] == ["Cdr", "NewState", "NewState"]


def test_relay_failures_are_counted_and_never_hold_up_the_receiver(collected: Collected) -> None:
    recorder = RawRecorder(status=500)
    stats = EventStats()
    try:
        with start_receiver(collected, stats=stats, relay_url=recorder.url) as receiver:
            for _ in range(3):
                assert httpx.post(receiver.url, json={"event_name": "Ping"}).status_code == 200
            recorder.wait_for(3)
            deadline = time.monotonic() + SAFETY
            while stats.relay_failed < 3 and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        recorder.close()
    assert stats.relay_failed == 3 and stats.relayed == 0
    assert "relay lost 3" in stats.summary()


def test_relay_to_nowhere_is_counted() -> None:
    stats = EventStats()
    with start_receiver(lambda e: None, stats=stats, relay_url="http://127.0.0.1:9/x") as receiver:
        httpx.post(receiver.url, json={"event_name": "Ping"})
        deadline = time.monotonic() + SAFETY
        while stats.relay_failed < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert stats.relay_failed == 1


def test_link_buffers_and_wakes_once_per_burst() -> None:
    link = EventLink()
    wakes: list[int] = []
    link.listen(lambda: wakes.append(1))
    for n in range(5):
        link.deliver(m.Ping("Ping", str(n)))
    assert len(wakes) == 1
    assert [e.unique_id for e in link.drain()] == ["0", "1", "2", "3", "4"]
    link.deliver(m.Ping("Ping"))
    assert len(wakes) == 2


def test_running_receiver_from_settings() -> None:
    with running_receiver(EventsSettings()) as off:
        assert not off.running
    with running_receiver(EventsSettings(listen="127.0.0.1:0")) as link:
        assert link.running and link.url is not None
        assert httpx.post(link.url + "/NewState", json={"exten": "1", "state": "Idle"}).status_code == 200
        assert [type(e) for e in link.drain()] == [m.NewState]
    assert not link.running
    with pytest.raises(ConfigError, match=r"event receiver would listen on 0\.0\.0\.0:0 with neither"):
        with running_receiver(EventsSettings(listen="0.0.0.0:0")):
            pass
