"""Building calls, records and a frozen in-process PBX behind a gateway that can lose answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from simotui.api import Credentials, SimotelClient
from simotui.api.dates import pbx_zone
from simotui.api.models import CampaignReportRow, Cdr, OriginateRequest
from simotui.calls.dials import CampaignDial
from simotui.calls.model import Call, Placement
from simotui.secret import Secret
from simotui.sim import SimConfig, SimSettings, SimulatedPbx, build_pbx, create_app

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
TEHRAN = pbx_zone("Asia/Tehran")
DIAL = OriginateRequest("557", "552", "main_routing", "557", timeout=30, call_limit=60)
CAMPAIGN = CampaignDial("557", "552", "tm", "simotui", "bridge", tries=2, try_interval=30)


def orig_id(at: datetime, suffix: int = 123456) -> str:
    """An originate id issued at ``at``."""
    return f"orig.call.{int(at.timestamp())}.{suffix}"


def placed(key: str = "k1", dial: Any = DIAL, at: datetime = T0, **changes: Any) -> Call:
    """A call Simotel accepted at ``at``."""
    values: dict[str, Any] = {"placement": Placement.ACCEPTED, "answered_at": at}
    if isinstance(dial, OriginateRequest):
        values["call_id"] = orig_id(at, abs(hash(key)) % 900000 + 100000)
    else:
        values["campaign_id"] = f"c-{key}"
        values["campaign_name"] = f"simotui-x-{key}"
    values.update(changes)
    return Call(key, dial, requested_at=at, **values)


def cdr(row_id: str, call_id: str = "", disposition: str = "ANSWERED", **extra: Any) -> Cdr:
    """A CDR row, by default of an answered originate."""
    data = {
        "_id": row_id,
        "originated_call_id": call_id,
        "comment": f"originated call: {call_id}" if call_id else "",
        "disposition": disposition,
        "src": "557",
        "dst": "552",
        "start": "1405-09-01 13:30:00",
        "billsec": 12,
        "wait": 3,
        **extra,
    }
    return Cdr.from_api(data, TEHRAN)


def report(
    campaign_id: str, disposition: str, tries: int, number: str = "557", **extra: Any
) -> CampaignReportRow:
    """An autodialer report row for one number."""
    data = {
        "_id": "r" + campaign_id,
        "campaign_id": {"$oid": campaign_id},
        "number": number,
        "disposition": disposition,
        "try": tries,
        **extra,
    }
    return CampaignReportRow.from_api(data, TEHRAN)


def later(seconds: float, at: datetime = T0) -> datetime:
    """``at`` plus some seconds."""
    return at + timedelta(seconds=seconds)


# -- a PBX in the process, behind a gateway -------------------------------------------------------


Loss = Callable[[httpx.Request], str | None]
"""Decides, per request, how the gateway loses its answer (None: pass it through)."""

GATEWAY_PAGE = (
    b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
)


@dataclass
class Gateway(httpx.AsyncBaseTransport):
    """Forwards every request to the simulator, then — as ``loss`` says — loses the answer.

    The request always reaches the PBX first: this is the gateway that answers 502 (or times
    out, or cuts the body) *after* Simotel placed the call.
    """

    inner: httpx.AsyncBaseTransport
    loss: Loss = lambda _request: None
    forwarded: list[str] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        self.forwarded.append(request.url.path)
        how = self.loss(request)
        if how is None:
            return response
        if how == "502":
            return httpx.Response(502, content=GATEWAY_PAGE, headers={"content-type": "text/html"})
        if how == "503":
            return httpx.Response(503, content=b"Service Unavailable")
        if how == "html200":
            return httpx.Response(200, content=b"<html><body>Please log in</body></html>")
        if how == "nonjson":
            return httpx.Response(200, content=b"OK", headers={"content-type": "application/json"})
        if how == "truncated":
            return httpx.Response(200, content=response.content[: len(response.content) // 2])
        if how == "wrongtype":
            return httpx.Response(
                200, json={"success": 1, "message": None, "data": {"originated_call_id": 5}}
            )
        if how == "nested":
            deep = "[" * 100_000 + "]" * 100_000
            return httpx.Response(200, content=deep.encode(), headers={"content-type": "application/json"})
        if how == "timeout":
            raise httpx.ReadTimeout("the gateway did not answer", request=request)
        if how == "dropped":
            raise httpx.RemoteProtocolError("peer closed connection without response", request=request)
        raise AssertionError(f"unknown loss {how!r}")


@dataclass
class Pbx:
    """A frozen simulated PBX in the process, a client to it through a gateway, and its clock."""

    pbx: SimulatedPbx
    settings: SimSettings
    gateway: Gateway
    client: SimotelClient

    def now(self) -> datetime:
        """The PBX's clock."""
        return datetime.fromtimestamp(self.pbx.clock.now(), UTC)

    def advance(self, seconds: float) -> None:
        """Let the PBX's calls move on (the clock only moves when a test says so)."""
        self.pbx.advance(seconds)

    def originates(self) -> list[dict[str, Any]]:
        """Every originate the PBX processed (whatever became of its answer)."""
        return [
            {"id": call.id, "caller": call.caller, "callee": call.callee}
            for call in self.pbx.originated.values()
        ]


def frozen_pbx(loss: Loss = lambda _request: None, *, seed: int = 3, history: int = 0) -> Pbx:
    """A PBX at ``T0`` whose clock moves only by ``advance``; ``loss`` decides lost answers."""
    config = SimConfig(seed=seed, speed=0, start_time=T0, history=history)
    pbx = build_pbx(config)
    settings = SimSettings.from_config(config)
    app = create_app(pbx, settings)
    gateway = Gateway(httpx.ASGITransport(app=app), loss)
    credentials = Credentials("both", config.username, Secret(config.password), Secret(config.api_key))
    client = SimotelClient("http://pbx.test", credentials, transport=gateway, timeout=5)
    return Pbx(pbx, settings, gateway, client)
