"""Every fault class of the simulator, through the real client over loopback HTTP.

For each class and phase: the error the client raises, the words the status line shows, and the
one rule the call core builds on — **if the PBX processed the request, the client must say it may
have been processed** (``may_have_been_processed``). The simulator's control plane says what the
PBX received, so the rule is checked against the PBX, not against our own expectations.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from simotui.api import Credentials, OriginateRequest, SimotelClient
from simotui.errors import (
    ApiTimeout,
    ApiUnavailable,
    ResponseError,
    ServerError,
    ServiceNotFound,
    SimotuiError,
    fault_words,
    may_have_been_processed,
)
from simotui.secret import Secret
from simotui.sim import SimulatorHandle, start_simulator
from simotui.sim.control import SimControl

from ..sim.helpers import frozen_config

CALL = OriginateRequest("557", "552", "main_routing", "557", timeout=30)
#: The client gives up long before the simulator lets a held request go.
CLIENT_TIMEOUT = 1.0
HOLD = "hold=120s"


@pytest.fixture(scope="module")
def fsim() -> Iterator[SimulatorHandle]:
    handle = start_simulator(frozen_config(control=True))
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def ctl(fsim: SimulatorHandle) -> Iterator[SimControl]:
    with SimControl(fsim.url) as control:
        yield control
        control.clear_faults()
        control.clear_requests()


@pytest.fixture
async def client(fsim: SimulatorHandle) -> AsyncIterator[SimotelClient]:
    credentials = Credentials("both", "admin", Secret("simotel"), Secret("simotui-demo-key"))
    async with SimotelClient(fsim.url, credentials, timeout=CLIENT_TIMEOUT) as c:
        yield c


GATEWAY_WORDS = ("bad gateway (502)", "PBX unavailable (503), restarting?", "gateway timeout (504)")
#: fault, phase → (error class, code, the status line's words). Phase-independent classes repeat.
CASES = {
    ("error5xx", "before"): (ServerError, None, GATEWAY_WORDS),
    ("error5xx", "after"): (ServerError, None, GATEWAY_WORDS),
    ("timeout", "before"): (ApiTimeout, "timeout", ("no answer in time",)),
    ("timeout", "after"): (ApiTimeout, "timeout", ("no answer in time",)),
    ("reset", "before"): (ApiUnavailable, "dropped", ("connection dropped mid-answer",)),
    ("reset", "after"): (ApiUnavailable, "dropped", ("connection dropped mid-answer",)),
    ("truncate", "after"): (ApiUnavailable, "dropped", ("connection dropped mid-answer",)),
    ("nonjson", "before"): (ResponseError, "not_json", ("unreadable answer (not JSON)",)),
    ("nonjson", "after"): (ResponseError, "not_json", ("unreadable answer (not JSON)",)),
    ("html404", "before"): (ServiceNotFound, "not_found", ("not found (404)",)),
    ("html404", "after"): (ServiceNotFound, "not_found", ("not found (404)",)),
}


@pytest.mark.parametrize(("fault", "phase"), list(CASES), ids=[f"{f}@{p}" for f, p in CASES])
async def test_each_fault_class_on_an_originate(
    fault: str, phase: str, client: SimotelClient, ctl: SimControl
) -> None:
    ctl.set_faults(f"originate:{fault}@{phase}=1,{HOLD}")
    expected_type, expected_code, words = CASES[(fault, phase)]
    with pytest.raises(SimotuiError) as caught:
        await client.calls.originate(CALL)
    error = caught.value
    assert type(error) is expected_type, repr(error)
    if expected_code is not None:
        assert error.code == expected_code  # type: ignore[attr-defined]
    assert fault_words(error) in words
    [logged] = ctl.requests(service="originate")
    assert logged.processed is (phase == "after")
    # The rule: a request the PBX processed is never reported as surely not processed.
    assert may_have_been_processed(error)


async def test_a_restart_is_apaches_503_and_not_processed(client: SimotelClient, ctl: SimControl) -> None:
    ctl.set_faults("restart_every=60s,restart_down=5s")
    ctl.advance(61)
    with pytest.raises(ServerError) as caught:
        await client.calls.originate(CALL)
    assert caught.value.status == 503 and fault_words(caught.value).startswith("PBX unavailable (503)")
    [logged] = ctl.requests(service="originate")
    assert not logged.processed and may_have_been_processed(caught.value)
    ctl.advance(5)
    assert (await client.calls.originate(CALL)).originated_call_id


async def test_latency_is_only_slower(client: SimotelClient, ctl: SimControl) -> None:
    ctl.set_faults("latency=50ms±10")
    assert await client.setting.ping() >= 0.04


async def test_documented_refusals_are_not_processed(client: SimotelClient, ctl: SimControl) -> None:
    """The documented success-0 answer is the one failure that surely placed nothing."""
    with pytest.raises(SimotuiError) as caught:
        await client.calls.originate(OriginateRequest("", "552", "main_routing", "557"))
    assert not may_have_been_processed(caught.value)
    assert fault_words(caught.value) == "refused by the PBX"
