"""The bridge responder over real loopback HTTP: request forms, auth, allow-list, proxies, limits,
the listener and the counts, speed."""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from simotui.calls.bridges import REFUSED_NO_MATCH, BridgeBook, BridgeRequestSeen, BridgeTarget
from simotui.responder.responder import (
    MAX_BODY,
    REFUSED_AUTH,
    REFUSED_IP,
    REFUSED_TOO_LARGE,
    REFUSED_UNREADABLE,
    peer_address,
    start_responder,
)
from simotui.responder.stats import ResponderStats
from simotui.secret import Secret

FIELDS = {"src": "557", "dst": "bridge", "data": "", "unique_id": "1716184800.1001", "app_name": "Exten API"}


class Seen:
    """A thread-safe collector for ``on_request``."""

    def __init__(self) -> None:
        self.items: list[BridgeRequestSeen] = []
        self._cond = threading.Condition()

    def __call__(self, seen: BridgeRequestSeen) -> None:
        with self._cond:
            self.items.append(seen)
            self._cond.notify_all()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[BridgeRequestSeen]:
        """The reports once ``count`` have arrived (the listener runs after the answer is sent)."""
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.items) >= count, timeout), self.items
            return list(self.items)


@pytest.fixture
def book() -> BridgeBook:
    """A book waiting for 557 to answer, to be sent to 552."""
    book = BridgeBook()
    book.expect(BridgeTarget("call-1", "557", "552"))
    return book


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def url(book: BridgeBook, seen: Seen) -> Iterator[str]:
    """A responder without auth or allow-list."""
    with start_responder(book, on_request=seen) as handle:
        yield handle.url


def test_json_post_at_the_root(url: str, book: BridgeBook, seen: Seen) -> None:
    response = httpx.post(url, json=FIELDS)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.json() == {"ok": "1", "extension": "552"}
    assert book.unique_id_for("call-1") == "1716184800.1001"
    [report] = seen.wait_for(1)
    assert report.call_id == "call-1" and report.unique_id == "1716184800.1001"
    assert (report.src, report.dst, report.app_name) == ("557", "bridge", "Exten API")
    assert report.answer == {"ok": "1", "extension": "552"} and report.refused is None
    assert abs(report.at - time.time()) < 5


def test_json_numbers_sent_bare_are_read_as_strings(url: str) -> None:
    body = json.dumps({"src": 557, "dst": "bridge", "unique_id": 1716184800.1001, "app_name": "Exten API"})
    response = httpx.post(url, content=body, headers={"Content-Type": "application/json"})
    assert response.json() == {"ok": "1", "extension": "552"}


def test_form_post(url: str, book: BridgeBook) -> None:
    response = httpx.post(url, data=FIELDS)
    assert response.json() == {"ok": "1", "extension": "552"}
    assert book.unique_id_for("call-1") == "1716184800.1001"


def test_legacy_form_with_api_data(url: str) -> None:
    response = httpx.post(url, data={"api_data": json.dumps(FIELDS)})
    assert response.json() == {"ok": "1", "extension": "552"}


def test_get_with_query_parameters(url: str, book: BridgeBook) -> None:
    response = httpx.get(url + "/", params=FIELDS)
    assert response.json() == {"ok": "1", "extension": "552"}
    assert book.unique_id_for("call-1") == "1716184800.1001"


def test_rest_style_sub_paths(url: str) -> None:
    assert httpx.post(url + "/ExtenAPI", json=FIELDS).json()["ok"] == "1"
    # the same unique_id again: an idempotent retry, on another path and method
    assert httpx.get(url + "/hooks/simotel/ExtenAPI", params=FIELDS).json() == {"ok": "1", "extension": "552"}


def test_refusal_and_unreadable_body(book: BridgeBook, seen: Seen) -> None:
    stats = ResponderStats()
    with start_responder(book, on_request=seen, stats=stats) as handle:
        response = httpx.post(handle.url, json={**FIELDS, "src": "558", "dst": "bridge"})
        assert response.status_code == 200 and response.json() == {"ok": "0"}
        bad = httpx.post(handle.url, content=b"{not json", headers={"Content-Type": "application/json"})
        assert bad.status_code == 400 and bad.json() == {"ok": "0"}
    # the book's refusal reaches the listener; the unreadable body is only counted
    [report] = seen.wait_for(1)
    assert report.refused == REFUSED_NO_MATCH and report.call_id is None and report.answer == {"ok": "0"}
    assert stats.refused == {REFUSED_NO_MATCH: 1, REFUSED_UNREADABLE: 1} and stats.answered == 0
    assert stats.summary().startswith("refused 2 (")


def test_basic_auth(book: BridgeBook, seen: Seen, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    password = Secret("s3cr3t-hook")
    stats = ResponderStats()
    with start_responder(book, username="simotel", password=password, on_request=seen, stats=stats) as handle:
        missing = httpx.post(handle.url, json=FIELDS)
        wrong = httpx.post(handle.url, json=FIELDS, auth=("simotel", "nope"))
        assert missing.status_code == wrong.status_code == 401
        assert missing.headers["www-authenticate"].startswith("Basic")
        assert book.unique_id_for("call-1") is None  # refused requests never reach the book
        good = httpx.post(handle.url, json=FIELDS, auth=("simotel", "s3cr3t-hook"))
        assert good.status_code == 200 and good.json()["extension"] == "552"
        reports = seen.wait_for(1)
        assert "s3cr3t" not in repr(handle)
    assert [r.refused for r in reports] == [None]  # only the request that passed the checks
    assert stats.refused == {REFUSED_AUTH: 2} and stats.answered == 1
    assert stats.last_refused == (REFUSED_AUTH, "127.0.0.1")
    assert "s3cr3t" not in caplog.text and "s3cr3t" not in repr(reports)


def test_ip_allow_list(book: BridgeBook, seen: Seen) -> None:
    stats = ResponderStats()
    with start_responder(
        book, allowed_ips=["10.0.0.0/8", "192.168.1.5"], on_request=seen, stats=stats
    ) as handle:
        response = httpx.post(handle.url, json=FIELDS)
        assert response.status_code == 403 and response.json() == {"ok": "0"}
    assert stats.refused == {REFUSED_IP: 1} and seen.items == []
    assert book.unique_id_for("call-1") is None
    with start_responder(book, allowed_ips=["127.0.0.0/8"]) as handle:
        assert httpx.post(handle.url, json=FIELDS).json()["ok"] == "1"


def _from(address: str) -> httpx.Client:
    """A client whose connections leave from ``address`` (any 127/8 address is this machine)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address))


def test_allow_list_is_checked_against_the_connection_address(book: BridgeBook) -> None:
    stats = ResponderStats()
    with start_responder(book, allowed_ips=["127.0.0.1"], stats=stats) as handle:
        with _from("127.0.0.2") as stranger:
            assert stranger.post(handle.url, json=FIELDS).status_code == 403
        with _from("127.0.0.1") as simotel:
            assert simotel.post(handle.url, json=FIELDS).json()["extension"] == "552"
    assert stats.refused == {REFUSED_IP: 1} and stats.last_refused == (REFUSED_IP, "127.0.0.2")


def test_forwarded_for_is_not_believed_from_an_untrusted_peer(book: BridgeBook) -> None:
    """A stranger cannot claim to be Simotel by sending the header uvicorn would otherwise honour."""
    stats = ResponderStats()
    with start_responder(book, allowed_ips=["10.0.0.5"], stats=stats) as handle:
        with _from("127.0.0.2") as stranger:
            spoofed = stranger.post(handle.url, json=FIELDS, headers={"X-Forwarded-For": "10.0.0.5"})
        assert spoofed.status_code == 403
    assert stats.last_refused == (REFUSED_IP, "127.0.0.2")
    assert book.unique_id_for("call-1") is None


def test_forwarded_for_from_a_trusted_proxy_is_believed(book: BridgeBook) -> None:
    stats = ResponderStats()
    with start_responder(
        book, allowed_ips=["10.0.0.5"], trusted_proxies=["127.0.0.3"], stats=stats
    ) as handle:
        with _from("127.0.0.3") as proxy:
            # the proxy appends the real peer; what the client wrote before it is not believed
            lying = proxy.post(handle.url, json=FIELDS, headers={"X-Forwarded-For": "10.0.0.5, 10.9.9.9"})
            honest = proxy.post(handle.url, json=FIELDS, headers={"X-Forwarded-For": "10.0.0.5"})
    assert lying.status_code == 403 and honest.json()["extension"] == "552"
    assert stats.last_refused == (REFUSED_IP, "10.9.9.9")


def test_peer_address_rules() -> None:
    trusted = [ipaddress.ip_network("10.0.0.1/32"), ipaddress.ip_network("10.1.0.0/16")]
    assert peer_address("10.0.0.9", "1.2.3.4", trusted) == "10.0.0.9"  # not a proxy: header ignored
    assert peer_address("10.0.0.1", None, trusted) == "10.0.0.1"
    assert peer_address("10.0.0.1", "1.2.3.4", trusted) == "1.2.3.4"
    assert peer_address("10.0.0.1", "1.2.3.4, 10.1.2.3", trusted) == "1.2.3.4"  # chain of proxies
    assert peer_address("10.0.0.1", "10.1.2.3", trusted) == "10.0.0.1"  # only proxies: the connection
    assert peer_address("10.0.0.1", "1.2.3.4", []) == "10.0.0.1"


def test_oversized_and_deeply_nested_bodies_are_refused(book: BridgeBook) -> None:
    stats = ResponderStats()
    with start_responder(book, stats=stats) as handle:
        url = handle.url
        big = {**FIELDS, "data": "x" * (MAX_BODY + 1)}
        assert httpx.post(url, json=big).status_code == 413
        # without a Content-Length the body is still read only up to the limit
        chunks = iter([b'{"src":"557","data":"', b"x" * MAX_BODY, b'"}'])
        streamed = httpx.post(url, content=chunks, headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413
        nested = "[" * 5000 + "]" * 5000
        body = '{"src":"557","dst":"bridge","unique_id":"u","data":' + nested + "}"
        assert httpx.post(url, content=body, headers={"Content-Type": "application/json"}).status_code == 400
        assert book.unique_id_for("call-1") is None
        assert httpx.post(url, json=FIELDS).json()["extension"] == "552"  # and it still answers
    assert stats.refused == {REFUSED_TOO_LARGE: 2, REFUSED_UNREADABLE: 1} and stats.answered == 1


def test_a_flood_of_refusals_is_counted_not_reported(book: BridgeBook, seen: Seen) -> None:
    stats = ResponderStats()
    with start_responder(book, allowed_ips=["10.0.0.5"], on_request=seen, stats=stats) as handle:
        with httpx.Client() as client:
            for _ in range(200):
                assert client.post(handle.url, json=FIELDS).status_code == 403
    assert stats.refused_total == 200 and seen.items == []
    assert stats.summary() == f"refused 200 ({REFUSED_IP} 200)"


def test_a_pending_bridge_is_claimed_once(url: str, book: BridgeBook, seen: Seen) -> None:
    first = httpx.post(url, json=FIELDS).json()
    retry = httpx.post(url, json=FIELDS).json()
    other = httpx.post(url, json={**FIELDS, "unique_id": "1716184800.2002"}).json()
    assert first == retry == {"ok": "1", "extension": "552"} and other == {"ok": "0"}
    assert book.unique_id_for("call-1") == "1716184800.1001"


def test_malformed_allow_list_entry_fails_at_start(book: BridgeBook) -> None:
    with pytest.raises(ValueError):
        start_responder(book, allowed_ips=["not-an-address"])


def test_listener_sees_every_request_and_answers_are_fast(url: str, seen: Seen) -> None:
    with httpx.Client() as client:
        client.post(url, json=FIELDS)  # connection warm-up, and the bridge itself
        slowest = 0.0
        for n in range(20):
            started = time.perf_counter()
            response = client.post(url, json={**FIELDS, "unique_id": f"other-{n}"})
            slowest = max(slowest, time.perf_counter() - started)
            assert response.json() == {"ok": "0"}  # already bridged under another id
    assert slowest < 0.25, slowest
    assert len(seen.wait_for(21)) == 21


def test_a_failing_listener_does_not_break_answers(book: BridgeBook) -> None:
    def broken(_: BridgeRequestSeen) -> None:
        raise RuntimeError("listener bug")

    with start_responder(book, on_request=broken) as handle:
        assert httpx.post(handle.url, json=FIELDS).json()["ok"] == "1"
        assert httpx.post(handle.url, json=FIELDS).json()["ok"] == "1"


def test_stop_is_idempotent(book: BridgeBook) -> None:
    handle = start_responder(book)
    assert handle.running
    handle.stop()
    handle.stop()
    assert not handle.running
    with pytest.raises(httpx.ConnectError):
        httpx.post(handle.url, json=FIELDS)
