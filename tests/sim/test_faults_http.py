"""Every fault class over real loopback HTTP, as a client sees it; @before vs @after; determinism.

The simulator's clock is frozen, so nothing here depends on how fast the machine is: time only
moves when a test advances it, and real-time waits are only ever lower bounds.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from simotui.sim import SimulatorHandle, start_simulator
from simotui.sim.control import SimControl

from .helpers import AUTH, KEY_HEADER, START, frozen_config

ORIGINATE = "/api/v4/call/originate/act"
PING = "/api/v4/setting/ping/act"
CALL = {"caller": "557", "callee": "552", "context": "main_routing", "caller_id": "557", "timeout": "30"}
START_DATE = "Mon, 20 May 2024 06:30:00 GMT"  # START (10:00 Tehran) in GMT


@pytest.fixture(scope="module")
def fsim() -> Iterator[SimulatorHandle]:
    """A frozen simulator with the control plane on."""
    handle = start_simulator(frozen_config(control=True))
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def ctl(fsim: SimulatorHandle) -> Iterator[SimControl]:
    """The control plane; faults and the request log are cleared after each test."""
    with SimControl(fsim.url) as control:
        yield control
        control.clear_faults()
        control.clear_requests()


@pytest.fixture
def client(fsim: SimulatorHandle) -> Iterator[httpx.Client]:
    """An authenticated client with a 10 s timeout, like the console's."""
    with httpx.Client(base_url=fsim.url, auth=AUTH, headers=KEY_HEADER, timeout=10) as c:
        yield c


def calls_placed(sim: SimulatorHandle) -> int:
    return len(sim.pbx.originated)


def test_error5xx_before_is_a_gateway_page_and_the_call_is_not_placed(
    fsim: SimulatorHandle, ctl: SimControl, client: httpx.Client
) -> None:
    ctl.set_faults("originate:error5xx=1")
    before = calls_placed(fsim)
    statuses = set()
    for _ in range(12):
        response = client.post(ORIGINATE, json=CALL)
        statuses.add(response.status_code)
        assert response.headers["content-type"].startswith("text/html")
        title = f"{response.status_code} "
        assert title in response.text and "<html" in response.text.lower()
        server = response.headers["server"]
        assert server.startswith("Apache/") if response.status_code == 503 else server.startswith("nginx/")
    assert statuses <= {502, 503, 504} and len(statuses) > 1
    assert calls_placed(fsim) == before
    logged = ctl.requests("originate")
    assert len(logged) == 12 and ctl.processed("originate") == 0
    assert all(r.fault == "error5xx@before" and r.pbx_status is None and r.body is None for r in logged)
    assert client.post(PING, json={}).status_code == 200  # other services are untouched


def test_error5xx_after_places_the_call_then_answers_with_the_gateway_page(
    fsim: SimulatorHandle, ctl: SimControl, client: httpx.Client
) -> None:
    ctl.set_faults("originate:error5xx@after=1")
    before = calls_placed(fsim)
    response = client.post(ORIGINATE, json=CALL)
    assert response.status_code in (502, 503, 504)
    with pytest.raises(ValueError):
        response.json()
    assert calls_placed(fsim) == before + 1
    [entry] = ctl.requests("originate")
    assert entry.processed and entry.pbx_status == 200 and entry.status == response.status_code
    assert entry.fault == "error5xx@after" and entry.body == CALL
    placed = ctl.calls()[-1]
    assert (placed["caller"], placed["callee"]) == ("557", "552")


def test_reset_drops_the_connection_without_a_response(
    fsim: SimulatorHandle, ctl: SimControl, client: httpx.Client
) -> None:
    ctl.set_faults("originate:reset=1")
    before = calls_placed(fsim)
    with pytest.raises(httpx.ReadError):  # ECONNRESET: a connection error, never a 500
        client.post(ORIGINATE, json=CALL)
    assert calls_placed(fsim) == before
    ctl.set_faults("originate:reset@after=1")
    with pytest.raises(httpx.ReadError):
        client.post(ORIGINATE, json=CALL)
    assert calls_placed(fsim) == before + 1
    logged = [(r.fault, r.status, r.pbx_status, r.processed) for r in ctl.requests("originate")]
    assert logged == [("reset@before", None, None, False), ("reset@after", None, 200, True)]
    ctl.clear_faults()
    assert client.post(ORIGINATE, json=CALL).status_code == 200  # the client's pool reconnects


def test_truncate_sends_the_full_length_then_part_of_the_body(
    fsim: SimulatorHandle, ctl: SimControl, client: httpx.Client
) -> None:
    ctl.set_faults("originate:truncate=1")
    before = calls_placed(fsim)
    with pytest.raises(httpx.RemoteProtocolError, match="without sending complete message body"):
        client.post(ORIGINATE, json=CALL)
    assert calls_placed(fsim) == before + 1  # truncate always cuts the PBX's own answer
    head, body = raw_exchange(fsim, "POST", ORIGINATE, b'{"caller":"557","callee":"552"}')
    assert head.startswith(b"HTTP/1.1 200 ")
    length = int(header(head, b"content-length"))
    assert 0 < len(body) < length


def test_timeout_holds_the_request_past_the_client_timeout(fsim: SimulatorHandle, ctl: SimControl) -> None:
    ctl.set_faults("originate:timeout=1")
    before = calls_placed(fsim)
    with httpx.Client(base_url=fsim.url, auth=AUTH, headers=KEY_HEADER, timeout=0.5) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            impatient.post(ORIGINATE, json=CALL)
        assert calls_placed(fsim) == before
        [entry] = ctl.requests("originate")
        assert (entry.fault, entry.status, entry.processed) == ("timeout@before", None, False)
        ctl.set_faults("originate:timeout@after=1")
        with pytest.raises(httpx.ReadTimeout):
            impatient.post(ORIGINATE, json=CALL)
    assert calls_placed(fsim) == before + 1


def test_a_hold_that_runs_out_ends_in_the_gateways_504(
    fsim: SimulatorHandle, ctl: SimControl, client: httpx.Client
) -> None:
    ctl.set_faults("ping:timeout=1,hold=200ms")
    started = time.monotonic()
    response = client.post(PING, json={})
    assert time.monotonic() - started >= 0.2
    assert response.status_code == 504 and "504 Gateway Time-out" in response.text
    assert response.headers["server"].startswith("nginx/")


def test_nonjson_is_a_200_that_does_not_parse(
    fsim: SimulatorHandle, ctl: SimControl, client: httpx.Client
) -> None:
    ctl.set_faults("originate:nonjson=1")
    before = calls_placed(fsim)
    response = client.post(ORIGINATE, json=CALL)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "<b>Fatal error</b>" in response.text
    with pytest.raises(ValueError):
        response.json()
    assert calls_placed(fsim) == before
    ctl.set_faults("originate:nonjson@after=1")
    after = client.post(ORIGINATE, json=CALL)
    assert after.status_code == 200 and "<b>Notice</b>" in after.text
    assert '"originated_call_id":"orig.call.' in after.text  # PHP printed the notice, then the answer
    with pytest.raises(ValueError):
        after.json()
    assert calls_placed(fsim) == before + 1


def test_html404_is_apaches_not_found_page(
    fsim: SimulatorHandle, ctl: SimControl, client: httpx.Client
) -> None:
    ctl.set_faults("originate:html404=1")
    before = calls_placed(fsim)
    response = client.post(ORIGINATE, json=CALL)
    assert response.status_code == 404 and "<title>404 Not Found</title>" in response.text
    assert calls_placed(fsim) == before


def test_latency_delays_each_answer_by_at_least_base_minus_jitter(
    ctl: SimControl, client: httpx.Client
) -> None:
    ctl.set_faults("ping:latency=300ms±100,ping:latency@after=100ms")
    for _ in range(3):
        started = time.monotonic()
        assert client.post(PING, json={}).status_code == 200
        assert time.monotonic() - started >= 0.3  # ≥ 200 ms before + 100 ms after processing
    assert [r.fault for r in ctl.requests("ping")] == [None, None, None]


def test_restart_answers_503_while_down_then_comes_back_with_its_state(
    fsim: SimulatorHandle, ctl: SimControl, client: httpx.Client
) -> None:
    ctl.set_faults("restart_every=60s,restart_down=5s")
    placed = client.post(ORIGINATE, json=CALL).json()["data"]["originated_call_id"]
    ctl.advance(60)
    down = client.post(PING, json={})
    assert down.status_code == 503 and "Service Unavailable" in down.text
    assert down.headers["connection"] == "close"
    ctl.advance(4.5)
    assert client.post(ORIGINATE, json=CALL).status_code == 503
    ctl.advance(0.5)
    assert client.post(PING, json={}).status_code == 200
    assert fsim.pbx.originated[placed].state != "dialing-caller"  # its call went on meanwhile
    assert [r.fault for r in ctl.requests()][-3:] == ["restart", "restart", None]
    ctl.advance(55)
    assert client.post(PING, json={}).status_code == 503  # every 60 s


def test_the_same_seed_gives_the_same_faults_over_http(ctl: SimControl, client: httpx.Client) -> None:
    def run() -> list[tuple[int, str]]:
        ctl.set_faults("error5xx=0.3,nonjson=0.2,html404=0.2,seed=4")
        out = []
        for _ in range(40):
            response = client.post(PING, json={})
            out.append((response.status_code, response.headers["content-type"].split(";")[0]))
        return out

    first = run()
    assert first == run()
    assert len(set(first)) >= 4  # 200 JSON, 200 HTML, 404 and a 5xx all showed up


def test_only_the_api_is_faulted_never_the_control_plane(
    fsim: SimulatorHandle, ctl: SimControl, client: httpx.Client
) -> None:
    ctl.set_faults("error5xx=1")
    assert client.get("/_sim/clock").status_code == 200
    outside = client.get("/index.html")
    assert outside.status_code == 404 and "Not Found" in outside.text
    assert client.post(PING, json={}).status_code in (502, 503, 504)


@pytest.mark.parametrize(
    ("spec", "path", "auth"),
    [
        ("", PING, True),
        ("", PING, False),
        ("", "/nowhere", True),
        ("error5xx=1", PING, True),
        ("html404=1", PING, True),
        ("restart_every=60s", PING, True),
    ],
)
def test_every_answer_carries_one_date_header_in_virtual_time(
    fsim: SimulatorHandle, ctl: SimControl, spec: str, path: str, auth: bool
) -> None:
    """Envelopes, error envelopes, Apache and gateway pages: one ``Date``, the PBX's clock."""
    if spec:
        ctl.set_faults(spec)
    else:
        ctl.clear_faults()
    expected = httpx_date(fsim.pbx.clock.now())
    with httpx.Client(base_url=fsim.url, timeout=10) as raw:
        response = raw.post(
            path, json={}, auth=AUTH if auth else httpx.USE_CLIENT_DEFAULT, headers=KEY_HEADER
        )
    assert response.headers.get_list("date") == [expected]


def test_the_date_header_follows_the_virtual_clock(
    fsim: SimulatorHandle, ctl: SimControl, client: httpx.Client
) -> None:
    now = fsim.pbx.clock.now()
    assert client.post(PING, json={}).headers["date"] == httpx_date(now)
    ctl.advance(3600)
    assert client.post(PING, json={}).headers["date"] == httpx_date(now + 3600)
    assert client.get("/_sim/clock").headers.get_list("date") == [httpx_date(now + 3600)]


def test_the_virtual_date_at_speed() -> None:
    """At speed 1000, a second of real time moves the Date header by far more than a second."""
    with start_simulator(frozen_config(speed=1000.0)) as fast:
        with httpx.Client(base_url=fast.url, auth=AUTH, headers=KEY_HEADER, timeout=10) as c:
            first = parse_date(c.post(PING, json={}).headers["date"])
            time.sleep(0.05)
            second = parse_date(c.post(PING, json={}).headers["date"])
    assert first >= START.timestamp() and second - first >= 40  # ≥ 50 ms × 1000, minus rounding


# ------------------------------------------------------------------ helpers
def httpx_date(epoch: float) -> str:
    from email.utils import formatdate

    return formatdate(int(epoch), usegmt=True)


def parse_date(text: str) -> float:
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(text).timestamp()


def header(head: bytes, name: bytes) -> bytes:
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    raise AssertionError(f"no {name!r} header in {head!r}")


def raw_exchange(sim: SimulatorHandle, method: str, path: str, body: bytes) -> tuple[bytes, bytes]:
    """One request over a bare socket; everything the server sent until it closed."""
    host, port = sim.url.removeprefix("http://").split(":")
    request = (
        f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Basic YWRtaW46c2ltb3RlbA==\r\n"
        f"X-APIKEY: simotui-demo-key\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, rest = received.partition(b"\r\n\r\n")
    return head, rest
