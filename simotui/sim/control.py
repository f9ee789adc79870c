"""``SimControl``: a small synchronous client of the simulator's control plane (``/_sim/``).

For our own tests and for integrators' Python; any other language can send the same JSON
(``simotui.sim.control_api`` lists the endpoints). It talks to a served simulator by URL
(started with ``SimConfig(control=True)`` or ``simotui sim --control``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from simotui.sim.outcomes import Outcome


class SimControlError(Exception):
    """The control plane refused a request (``status`` and its ``{"error"}`` message)."""

    def __init__(self, status: int, message: str) -> None:
        """Carry the HTTP status and the control plane's message."""
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ClockState:
    """The virtual clock: epoch seconds, PBX-local ISO text, speed factor."""

    now: float
    iso: str
    speed: float


@dataclass(frozen=True)
class LoggedRequest:
    """One entry of the simulator's request log, as the control plane lists it.

    ``processed`` says the PBX logic ran (an originate placed its call) even if a fault then
    replaced the answer; ``status`` is what the client got (``None``: no status line),
    ``pbx_status`` what the PBX answered (``None``: a fault struck before processing).
    """

    seq: int
    method: str
    path: str
    at: float
    virtual_at: float | None
    status: int | None
    pbx_status: int | None
    processed: bool
    fault: str | None
    size: int
    body: Any

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LoggedRequest:
        """Build from one item of ``GET /_sim/requests``."""
        return cls(
            seq=int(data["seq"]),
            method=str(data["method"]),
            path=str(data["path"]),
            at=float(data["at"]),
            virtual_at=data.get("virtual_at"),
            status=data.get("status"),
            pbx_status=data.get("pbx_status"),
            processed=bool(data["processed"]),
            fault=data.get("fault"),
            size=int(data.get("size", 0)),
            body=data.get("body"),
        )


class SimControl:
    """Drive one simulator's control plane.

    Args:
        url: the simulator's base URL (``SimulatorHandle.url``), without ``/_sim``.
        timeout: seconds per request.
        transport: a synchronous httpx transport to use instead of the network.
    """

    def __init__(
        self, url: str, *, timeout: float = 10.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._http = httpx.Client(base_url=url.rstrip("/"), timeout=timeout, transport=transport)

    def close(self) -> None:
        """Close the HTTP client."""
        self._http.close()

    def __enter__(self) -> SimControl:
        """Use as ``with SimControl(sim.url) as ctl:``."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close on leaving the block."""
        self.close()

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None, **params: Any) -> Any:
        response = self._http.request(method, f"/_sim{path}", json=body, params=params or None)
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code >= 400:
            message = data.get("error") if isinstance(data, dict) else None
            raise SimControlError(response.status_code, str(message or response.text[:200]))
        return data

    # ------------------------------------------------------------- faults
    def set_faults(self, spec: str) -> str:
        """Install a fault spec; returns it in canonical spelling.

        Raises:
            SimControlError: 400 with the parser's message when the spec is bad.
        """
        return str(self._call("PUT", "/faults", {"spec": spec})["spec"])

    def clear_faults(self) -> None:
        """No faults from now on."""
        self._call("DELETE", "/faults")

    def faults(self) -> str:
        """The spec in force (``""`` when none)."""
        return str(self._call("GET", "/faults")["spec"])

    # -------------------------------------------------------------- clock
    def clock(self) -> ClockState:
        """The virtual clock now."""
        return _clock(self._call("GET", "/clock"))

    def advance(self, seconds: float) -> ClockState:
        """Move virtual time forward (what falls due is processed)."""
        return _clock(self._call("POST", "/clock", {"advance": seconds}))

    def set_time(self, when: float | datetime) -> ClockState:
        """Jump forward to ``when`` (epoch seconds, or a datetime; naive = PBX-local)."""
        value: float | str = when.isoformat() if isinstance(when, datetime) else when
        return _clock(self._call("POST", "/clock", {"set": value}))

    def set_speed(self, speed: float) -> ClockState:
        """Run at ``speed`` virtual seconds per real second (0 freezes)."""
        return _clock(self._call("POST", "/clock", {"speed": speed}))

    def freeze(self) -> ClockState:
        """Stop the clock (``advance`` still moves it)."""
        return _clock(self._call("POST", "/clock", {"freeze": True}))

    # ------------------------------------------------------ state and pins
    def reset(self) -> ClockState:
        """A freshly built PBX, empty log, startup faults; the clock keeps its time and speed."""
        return _clock(self._call("POST", "/reset")["clock"])

    def pin(self, number: str, outcome: Outcome | str) -> None:
        """Make every dial of ``number`` end as ``outcome`` (answer, busy, no_answer, fail)."""
        name = outcome.value if isinstance(outcome, Outcome) else outcome
        self._call("PUT", f"/pins/{number}", {"outcome": name})

    def unpin(self, number: str) -> None:
        """Let the outcome rules decide ``number`` again."""
        self._call("DELETE", f"/pins/{number}")

    def pins(self) -> dict[str, str]:
        """Pinned numbers and their outcomes."""
        return dict(self._call("GET", "/pins")["pins"])

    def clear_pins(self) -> None:
        """Unpin every number."""
        self._call("DELETE", "/pins")

    # -------------------------------------------------------- request log
    def requests(self, service: str | None = None, since: int = 0) -> list[LoggedRequest]:
        """Logged requests (``service``: fault-target syntax, e.g. ``originate``), oldest first."""
        params: dict[str, Any] = {"since": since}
        if service is not None:
            params["service"] = service
        data = self._call("GET", "/requests", **params)
        return [LoggedRequest.from_json(item) for item in data["requests"]]

    def processed(self, service: str) -> int:
        """How many ``service`` requests reached the PBX logic (faulted ``@after`` ones included)."""
        return sum(1 for r in self.requests(service) if r.processed)

    def clear_requests(self) -> None:
        """Empty the request log."""
        self._call("DELETE", "/requests")

    def calls(self) -> list[dict[str, Any]]:
        """Every originated call: id, caller, callee, context, created, state, result, cdr_id."""
        return list(self._call("GET", "/calls")["calls"])

    def queues(self) -> list[dict[str, Any]]:
        """Each queue: number, name and members (agent, source, penalty, paused)."""
        return list(self._call("GET", "/queues")["queues"])

    def components(self) -> dict[str, Any]:
        """The dialplan's API components and the calls they made."""
        return dict(self._call("GET", "/components"))

    # ------------------------------------------------------- pushed events
    def events(self, limit: int = 50, name: str | None = None) -> dict[str, Any]:
        """Target, chaos, counts, extension states and the newest ``limit`` deliveries (of ``name``)."""
        params: dict[str, Any] = {"limit": limit}
        if name is not None:
            params["name"] = name
        return dict(self._call("GET", "/events", **params))

    def set_events_target(
        self, url: str | None, style: str = "g4", auth: str | None = None, timeout: float = 2.0
    ) -> dict[str, Any]:
        """Push events to ``url`` in ``style`` (g4, rest4, get), ``auth`` = ``user:password``; ``None`` stops."""
        body = {"url": url, "style": style, "auth": auth, "timeout": timeout}
        return dict(self._call("PUT", "/events", body))

    def clear_events(self) -> None:
        """Forget the deliveries listed and zero the counts."""
        self._call("DELETE", "/events")

    def set_event_chaos(self, spec: str) -> str:
        """Do ``spec`` (``drop=0.1,duplicate=0.1,reorder=0.2,delay=0.1:2,upper``) to deliveries."""
        return str(self._call("PUT", "/events/chaos", {"spec": spec})["spec"])

    def clear_event_chaos(self) -> None:
        """Deliver events as they are."""
        self._call("DELETE", "/events/chaos")

    def traffic(self) -> dict[str, Any]:
        """The background traffic: ``rate`` (calls per virtual minute) and calls ``placed`` by kind."""
        return dict(self._call("GET", "/traffic"))

    def set_traffic(self, rate: float) -> dict[str, Any]:
        """Place ``rate`` background calls per virtual minute from now on (0 stops new ones)."""
        return dict(self._call("PUT", "/traffic", {"rate": rate}))


def _clock(data: dict[str, Any]) -> ClockState:
    return ClockState(float(data["now"]), str(data["iso"]), float(data["speed"]))
