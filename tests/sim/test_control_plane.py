"""The control plane (``/_sim/``): off unless asked, loopback only, and each endpoint through SimControl."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import httpx
import pytest

from simotui.sim import SimSettings, SimulatorHandle, build_pbx, create_app, start_simulator
from simotui.sim.control import SimControl, SimControlError

from .helpers import AUTH, KEY_HEADER, START, frozen_config, load_sample

ORIGINATE = "/api/v4/call/originate/act"
CAMPAIGN_ADD = "/api/v4/autodialer/campaigns/add"
PING = "/api/v4/setting/ping/act"
CALL = {"caller": "557", "callee": "552", "context": "main_routing", "caller_id": "557", "timeout": "30"}


@pytest.fixture(scope="module")
def csim() -> Iterator[SimulatorHandle]:
    """A frozen simulator with the control plane on and a startup fault on ``reports/poll``."""
    handle = start_simulator(frozen_config(control=True, faults="poll:html404=1"))
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def ctl(csim: SimulatorHandle) -> Iterator[SimControl]:
    with SimControl(csim.url) as control:
        yield control
        control.clear_pins()


@pytest.fixture
def api(csim: SimulatorHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=csim.url, auth=AUTH, headers=KEY_HEADER, timeout=10) as c:
        yield c


async def in_process(control: bool, client: tuple[str, int]) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(build_pbx(frozen_config()), SimSettings(), control=control)
    transport = httpx.ASGITransport(app=app, client=client)
    async with httpx.AsyncClient(transport=transport, base_url="http://simotel.test") as http:
        yield http


async def test_off_unless_asked_it_is_an_ordinary_404() -> None:
    async for http in in_process(False, ("127.0.0.1", 1234)):
        response = await http.get("/_sim/clock")
        assert response.status_code == 404 and "<title>404 Not Found</title>" in response.text


@pytest.mark.parametrize("host", ["10.0.0.5", "192.168.1.20", "::ffff:10.0.0.5", "testclient"])
async def test_non_loopback_clients_are_refused(host: str) -> None:
    async for http in in_process(True, (host, 1234)):
        for method, path in (("GET", "/_sim/clock"), ("POST", "/_sim/reset"), ("PUT", "/_sim/faults")):
            response = await http.request(method, path, json={"spec": "reset=1"})
            assert response.status_code == 403
            assert response.json() == {"error": "the control plane serves loopback clients only"}


@pytest.mark.parametrize("host", ["127.0.0.1", "127.3.4.5", "::1", "::ffff:127.0.0.1"])
async def test_loopback_clients_are_served(host: str) -> None:
    async for http in in_process(True, (host, 1234)):
        assert (await http.get("/_sim/clock")).json()["now"] == START.timestamp()


def test_faults_endpoint_sets_shows_and_clears(ctl: SimControl, api: httpx.Client) -> None:
    assert ctl.faults() == "poll:html404=1"  # the startup spec
    assert ctl.set_faults(" ping:error5xx@after=1 , latency=0ms ") == "ping:error5xx@after=1,latency=0s"
    assert api.post(PING, json={}).status_code in (502, 503, 504)
    with pytest.raises(SimControlError) as bad:
        ctl.set_faults("ping:errr5xx=1")
    assert bad.value.status == 400 and "unknown fault 'errr5xx'" in bad.value.message
    assert ctl.faults() == "ping:error5xx@after=1,latency=0s"  # a bad spec changes nothing
    ctl.clear_faults()
    assert ctl.faults() == "" and api.post(PING, json={}).status_code == 200


def test_clock_endpoint_advances_sets_and_changes_speed(csim: SimulatorHandle, ctl: SimControl) -> None:
    start = ctl.clock()
    assert start.speed == 0 and start.iso.endswith("+03:30")
    moved = ctl.advance(90)
    assert moved.now == start.now + 90 and csim.pbx.clock.now() == moved.now
    target = START + timedelta(days=1)
    assert ctl.set_time(target).now == target.timestamp()
    assert ctl.set_time(target.timestamp() + 10).now == target.timestamp() + 10
    for body, message in (
        ({"set": START.timestamp()}, "never goes backwards"),
        ({"advance": -1}, "never goes backwards"),
        ({"advance": "soon"}, "takes a number"),
        ({"speed": -2}, ">= 0"),
        ({"warp": 9}, "expected some of"),
        ({"set": "tomorrow"}, "neither epoch seconds nor an ISO time"),
    ):
        response = httpx.post(f"{csim.url}/_sim/clock", json=body, timeout=10)
        assert response.status_code == 400 and message in response.json()["error"]
    assert ctl.clock().now == target.timestamp() + 10  # refused requests changed nothing
    assert ctl.set_speed(5).speed == 5
    assert ctl.freeze().speed == 0


def test_pins_override_the_outcome_rules(csim: SimulatorHandle, ctl: SimControl, api: httpx.Client) -> None:
    ctl.pin("552", "busy")
    ctl.pin("557", "answer")
    assert ctl.pins() == {"552": "busy", "557": "answer"}
    busy = api.post(ORIGINATE, json=CALL).json()["data"]["originated_call_id"]
    ctl.pin("557", "no_answer")
    silent = api.post(ORIGINATE, json=CALL).json()["data"]["originated_call_id"]
    ctl.advance(120)
    assert csim.pbx.originated[busy].result == "BUSY"
    assert csim.pbx.originated[silent].result == "no-cdr:no-answer"  # 557 normally answers
    ctl.unpin("557")
    assert ctl.pins() == {"552": "busy"}
    ctl.clear_pins()
    answered = api.post(ORIGINATE, json=CALL).json()["data"]["originated_call_id"]
    ctl.advance(120)
    assert csim.pbx.originated[answered].result == "ANSWERED"
    with pytest.raises(SimControlError, match="'outcome' is one of"):
        ctl.pin("552", "maybe")


def test_requests_lists_what_the_pbx_got_with_bodies(ctl: SimControl, api: httpx.Client) -> None:
    ctl.clear_requests()
    ctl.set_faults("originate:error5xx@after=0.5,originate:error5xx=0.5,seed=3")
    outcomes = [api.post(ORIGINATE, json=CALL).status_code for _ in range(20)]
    campaign = load_sample("ad-campaign_add.json")["request"]
    api.post(CAMPAIGN_ADD, json=campaign)
    api.post(PING, json={})
    ctl.clear_faults()
    originates = ctl.requests("originate")
    assert len(originates) == 20 and all(r.status == s for r, s in zip(originates, outcomes, strict=True))
    processed = [r for r in originates if r.processed]
    assert 0 < len(processed) < 20 and ctl.processed("call/originate/act") == len(processed)
    assert all(r.fault == "error5xx@after" and r.pbx_status == 200 and r.body == CALL for r in processed)
    assert all(r.fault == "error5xx@before" and r.body is None for r in originates if not r.processed)
    [added] = ctl.requests("campaigns/add")
    assert added.body == campaign and added.method == "POST" and added.path == CAMPAIGN_ADD
    everything = ctl.requests()
    assert [r.seq for r in everything] == list(range(22))
    assert [r.seq for r in ctl.requests(since=20)] == [20, 21]
    assert all(r.virtual_at is not None and r.at > 0 for r in everything)
    ctl.clear_requests()
    assert ctl.requests() == []


def test_calls_lists_originated_calls(csim: SimulatorHandle, ctl: SimControl, api: httpx.Client) -> None:
    call_id = api.post(ORIGINATE, json=CALL).json()["data"]["originated_call_id"]
    ctl.advance(120)
    [listed] = [c for c in ctl.calls() if c["id"] == call_id]
    assert listed["caller"] == "557" and listed["state"] == "ended" and listed["result"] == "ANSWERED"
    assert listed["cdr_id"] == csim.pbx.originated[call_id].cdr_id


def test_reset_rebuilds_the_pbx_and_keeps_ids_unique(
    csim: SimulatorHandle, ctl: SimControl, api: httpx.Client
) -> None:
    ctl.set_faults("reset=0.5")
    ctl.pin("552", "fail")
    ctl.clear_faults()
    first = api.post(ORIGINATE, json=CALL).json()["data"]["originated_call_id"]
    old_pbx = csim.pbx
    before = ctl.clock()
    after = ctl.reset()
    assert after.now == before.now and after.speed == before.speed  # the clock never runs back
    assert csim.pbx is not old_pbx and csim.pbx.originated == {}
    assert ctl.pins() == {} and ctl.requests() == []
    assert ctl.faults() == "poll:html404=1"  # back to the startup spec
    second = api.post(ORIGINATE, json=CALL).json()["data"]["originated_call_id"]
    assert second != first  # same seed, same frozen second: the id factory survived the reset
    assert list(csim.pbx.originated) == [second]
    ctl.advance(120)
    assert csim.pbx.originated[second].result == "ANSWERED"  # the ticker drives the new PBX


def test_unknown_endpoints_and_methods(csim: SimulatorHandle) -> None:
    index = httpx.get(f"{csim.url}/_sim", timeout=10)
    assert index.status_code == 200 and "POST /_sim/reset" in index.json()["endpoints"]
    missing = httpx.get(f"{csim.url}/_sim/nothing", timeout=10)
    assert missing.status_code == 404 and "no control endpoint" in missing.json()["error"]
    wrong = httpx.get(f"{csim.url}/_sim/reset", timeout=10)
    assert wrong.status_code == 405 and "GET is not allowed" in wrong.json()["error"]
    not_json = httpx.put(f"{csim.url}/_sim/faults", content=b"{", timeout=10)
    assert not_json.status_code == 400 and not_json.json() == {"error": "the body is not JSON"}
