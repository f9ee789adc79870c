"""The control plane: JSON endpoints under ``/_sim/`` that script the simulator from any language.

Off unless asked (``SimConfig.control``, ``simotui sim --control``): then ``/_sim/...`` is an
ordinary Apache 404 like any other path outside ``/api/v4/``. When on, only loopback clients
are served (others get 403), and nothing here is ever subject to faults. Errors are
``{"error": "<why>"}`` with 400 (bad request), 403 (not loopback), 404 (no such endpoint) or
405 (wrong method).

======  ========================  ===========================================================
GET     /_sim                     the endpoint list
GET     /_sim/faults              ``{"spec", "active"}``: the spec in force (canonical spelling)
PUT     /_sim/faults              ``{"spec": "error5xx=0.1,..."}`` installs a spec
DELETE  /_sim/faults              no faults
GET     /_sim/clock               ``{"now", "iso", "speed"}`` (epoch s, PBX-local ISO, factor)
POST    /_sim/clock               any of ``{"set": epoch|ISO, "advance": s, "speed": x,
                                  "freeze": true}``, applied in that order; answers the clock
POST    /_sim/reset               a freshly built PBX (see ``runtime``); answers the clock
GET     /_sim/pins                ``{"pins": {"552": "busy"}}``
PUT     /_sim/pins/{number}       ``{"outcome": "answer"|"busy"|"no_answer"|"fail"}``
DELETE  /_sim/pins/{number}       unpin one number
DELETE  /_sim/pins                unpin all
GET     /_sim/requests            ``{"total", "dropped", "requests": [...]}``; query
                                  ``service=<target>`` (fault-target syntax), ``since=<seq>``
DELETE  /_sim/requests            empty the request log
GET     /_sim/calls               ``{"calls": [...]}``: every originated call and its state
GET     /_sim/queues              ``{"queues": [...]}``: each queue's members, penalties, pauses
GET     /_sim/components          ``{"components": [...], "calls": [...]}``: the dialplan's API
                                  components and every call they made (request, outcome)
GET     /_sim/events              ``{"target", "chaos", "counts", "states", "events": [...]}``:
                                  where pushed events go, how many were sent/failed/dropped...,
                                  each extension's last state, the newest deliveries (query
                                  ``limit=N``, default 50; ``name=Cdr`` keeps one event kind)
PUT     /_sim/events              ``{"url": "http://..."|null, "style": "g4"|"rest4"|"get",
                                  "auth": "user:pass"|null, "timeout": s}``: the target
DELETE  /_sim/events              forget the deliveries listed, zero the counts
GET     /_sim/events/chaos        ``{"spec", "active"}``: the chaos done to deliveries
PUT     /_sim/events/chaos        ``{"spec": "drop=0.1,duplicate=0.1,reorder=0.2,upper"}``
DELETE  /_sim/events/chaos        no chaos
GET     /_sim/traffic             ``{"rate", "placed"}``: background calls per virtual minute
PUT     /_sim/traffic             ``{"rate": 12}`` (0 stops new calls)
======  ========================  ===========================================================
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import math
from collections.abc import MutableMapping
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from simotui.sim.delivery import STYLES, ChaosSpec, ChaosSpecError, EventTarget, parse_auth, parse_chaos
from simotui.sim.faults import FaultSpecError, normalise_path, parse_faults, target_matches
from simotui.sim.outcomes import Outcome
from simotui.sim.reqlog import RecordedRequest
from simotui.sim.runtime import SimRuntime
from simotui.sim.services import resolve
from simotui.sim.wire import Receive, Send

PREFIX = "/_sim"
OUTCOMES = {outcome.value: outcome for outcome in Outcome}
CLOCK_KEYS = ("set", "advance", "speed", "freeze")


class BadRequest(Exception):
    """A control request that cannot be honoured; the message goes back as ``{"error"}``."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and IPv4-mapped loopback; false for anything unparseable."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def error(status: int, message: str) -> JSONResponse:
    """The control plane's error shape."""
    return JSONResponse({"error": message}, status)


def request_json(entry: RecordedRequest) -> dict[str, Any]:
    """One request-log entry as the control plane lists it."""
    return {
        "seq": entry.seq,
        "method": entry.method,
        "path": entry.path,
        "at": entry.at,
        "virtual_at": entry.virtual_at,
        "status": entry.status,
        "pbx_status": entry.pbx_status,
        "processed": entry.processed,
        "fault": entry.fault,
        "size": entry.size,
        "body": entry.body,
    }


def request_matches(target: str, path: str) -> bool:
    """Whether a logged request path is selected by a fault-style ``target``."""
    relative = normalise_path(path)
    if target_matches(target, relative):
        return True
    service = resolve(relative)
    return service is not None and target_matches(target, service.path)


class ControlPlane:
    """The ``/_sim`` ASGI app for one runtime: loopback check, then the Starlette routes."""

    def __init__(self, runtime: SimRuntime) -> None:
        """Build the routes over ``runtime``."""
        self.runtime = runtime
        routes = [
            Route(PREFIX, self.index, methods=["GET"]),
            Route(f"{PREFIX}/faults", self.faults, methods=["GET", "PUT", "DELETE"]),
            Route(f"{PREFIX}/clock", self.clock, methods=["GET", "POST"]),
            Route(f"{PREFIX}/reset", self.reset, methods=["POST"]),
            Route(f"{PREFIX}/pins", self.pins, methods=["GET", "DELETE"]),
            Route(f"{PREFIX}/pins/{{number}}", self.pin, methods=["PUT", "DELETE"]),
            Route(f"{PREFIX}/requests", self.requests, methods=["GET", "DELETE"]),
            Route(f"{PREFIX}/calls", self.calls, methods=["GET"]),
            Route(f"{PREFIX}/queues", self.queues, methods=["GET"]),
            Route(f"{PREFIX}/components", self.components, methods=["GET"]),
            Route(f"{PREFIX}/events", self.events, methods=["GET", "PUT", "DELETE"]),
            Route(f"{PREFIX}/events/chaos", self.event_chaos, methods=["GET", "PUT", "DELETE"]),
            Route(f"{PREFIX}/traffic", self.traffic, methods=["GET", "PUT"]),
        ]
        self._app = Starlette(routes=routes, exception_handlers={BadRequest: self._bad_request})
        self._app.add_exception_handler(404, self._not_found)
        self._app.add_exception_handler(405, self._not_allowed)

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        """Serve loopback clients; refuse others with 403."""
        client = scope.get("client")
        host = str(client[0]) if client else ""
        if not is_loopback(host):
            refusal = error(403, "the control plane serves loopback clients only")
            await refusal(scope, receive, send)
            return
        gone = False

        async def watched() -> MutableMapping[str, Any]:
            nonlocal gone
            message = await receive()
            gone = gone or message["type"] == "http.disconnect"
            return message

        async def to_client(message: MutableMapping[str, Any]) -> None:
            if not gone:  # Starlette's error page for the disconnect would go nowhere anyway
                await send(message)

        try:
            await self._app(scope, watched, to_client)
        except ClientDisconnect:
            pass  # the client left mid-request: nobody is waiting for the answer

    # ------------------------------------------------------------- errors
    async def _bad_request(self, request: Request, exc: Exception) -> JSONResponse:
        return error(400, str(exc))

    async def _not_found(self, request: Request, exc: Exception) -> JSONResponse:
        return error(404, f"no control endpoint {request.url.path} (GET {PREFIX} lists them)")

    async def _not_allowed(self, request: Request, exc: Exception) -> JSONResponse:
        return error(405, f"{request.method} is not allowed on {request.url.path}")

    # ---------------------------------------------------------- endpoints
    async def index(self, request: Request) -> JSONResponse:
        """The endpoints, for a human with curl."""
        return JSONResponse(
            {
                "endpoints": [
                    "GET|PUT|DELETE /_sim/faults",
                    "GET|POST /_sim/clock",
                    "POST /_sim/reset",
                    "GET|DELETE /_sim/pins",
                    "PUT|DELETE /_sim/pins/{number}",
                    "GET|DELETE /_sim/requests",
                    "GET /_sim/calls",
                    "GET /_sim/queues",
                    "GET /_sim/components",
                    "GET|PUT|DELETE /_sim/events",
                    "GET|PUT|DELETE /_sim/events/chaos",
                    "GET|PUT /_sim/traffic",
                ]
            }
        )

    async def faults(self, request: Request) -> JSONResponse:
        """Show, install or clear the fault spec."""
        injector = self.runtime.faults
        if request.method == "PUT":
            body = await _json_object(request)
            spec_text = body.get("spec")
            if not isinstance(spec_text, str):
                raise BadRequest('expected {"spec": "<fault spec>"}')
            try:
                injector.set(parse_faults(spec_text))
            except FaultSpecError as exc:
                raise BadRequest(str(exc)) from None
        elif request.method == "DELETE":
            injector.clear()
        spec = injector.spec
        return JSONResponse({"spec": str(spec), "active": not spec.empty})

    async def clock(self, request: Request) -> JSONResponse:
        """Show or change the virtual clock (changes process whatever fell due)."""
        if request.method == "POST":
            body = await _json_object(request)
            unknown = sorted(set(body) - set(CLOCK_KEYS))
            if unknown or not body:
                raise BadRequest(f"expected some of {list(CLOCK_KEYS)}, got {sorted(body)}")
            self._change_clock(body)
        return JSONResponse(self._clock_state())

    def _change_clock(self, body: dict[str, Any]) -> None:
        # Everything is checked before anything changes, so a bad request changes nothing.
        target = self._epoch(body["set"]) if "set" in body else None
        advance = _number(body["advance"], "advance") if "advance" in body else None
        speed = _number(body["speed"], "speed") if "speed" in body else None
        if advance is not None and advance < 0:
            raise BadRequest("the clock never goes backwards; 'advance' must be >= 0")
        if speed is not None and speed < 0:
            raise BadRequest("'speed' must be >= 0 (0 freezes the clock)")
        if "freeze" in body and body["freeze"] is not True:
            raise BadRequest("'freeze' takes true")
        pbx = self.runtime.pbx
        clock = pbx.clock
        with pbx.lock:
            if target is not None:
                if target < clock.now():
                    raise BadRequest("the clock never goes backwards; 'set' must not be in the past")
                clock.set(target)
            if advance is not None:
                clock.advance(advance)
            if speed is not None:
                clock.set_speed(speed)
            if "freeze" in body:
                clock.freeze()
            pbx.sync()

    def _epoch(self, value: Any) -> float:
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                raise BadRequest(f"'set': {value!r} is neither epoch seconds nor an ISO time") from None
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=self.runtime.pbx.tz)  # naive = PBX-local, as in SimConfig
            return moment.timestamp()
        return _number(value, "set")

    def _clock_state(self) -> dict[str, Any]:
        pbx = self.runtime.pbx
        now = pbx.clock.now()
        return {
            "now": now,
            "iso": datetime.fromtimestamp(now, pbx.tz).isoformat(),
            "speed": pbx.clock.speed,
        }

    async def reset(self, request: Request) -> JSONResponse:
        """Rebuild the PBX (off the event loop: with history it takes a moment)."""
        await asyncio.to_thread(self.runtime.reset)
        return JSONResponse({"reset": True, "clock": self._clock_state()})

    async def pins(self, request: Request) -> JSONResponse:
        """List the pinned numbers, or unpin them all."""
        pbx = self.runtime.pbx
        with pbx.lock:
            if request.method == "DELETE":
                pbx.pinned.clear()
            pins = {number: outcome.value for number, outcome in pbx.pinned.items()}
        return JSONResponse({"pins": pins})

    async def pin(self, request: Request) -> JSONResponse:
        """Pin or unpin one number's outcome."""
        number = request.path_params["number"]
        pbx = self.runtime.pbx
        if request.method == "DELETE":
            with pbx.lock:
                pbx.pinned.pop(number, None)
            return JSONResponse({"number": number, "outcome": None})
        body = await _json_object(request)
        name = body.get("outcome")
        if not isinstance(name, str) or name not in OUTCOMES:
            raise BadRequest(f"'outcome' is one of {sorted(OUTCOMES)}, not {name!r}")
        with pbx.lock:
            pbx.pinned[number] = OUTCOMES[name]
        return JSONResponse({"number": number, "outcome": name})

    async def requests(self, request: Request) -> JSONResponse:
        """List (optionally filter) or empty the request log."""
        log = self.runtime.requests
        if request.method == "DELETE":
            log.clear()
            return JSONResponse({"total": 0, "dropped": 0, "requests": []})
        since_text = request.query_params.get("since", "0")
        if not (since_text.isascii() and since_text.isdigit()):
            raise BadRequest(f"'since' is a sequence number, not {since_text!r}")
        target = request.query_params.get("service")
        total, dropped = log.total, log.dropped
        entries = log.since(int(since_text))
        if target:
            wanted = normalise_path(target)
            entries = [e for e in entries if request_matches(wanted, e.path)]
        return JSONResponse(
            {"total": total, "dropped": dropped, "requests": [request_json(e) for e in entries]}
        )

    async def calls(self, request: Request) -> JSONResponse:
        """Every originated call (kept after it ends), oldest first."""
        pbx = self.runtime.pbx
        with pbx.lock:
            pbx.sync()
            calls = [
                {
                    "id": call.id,
                    "caller": call.caller,
                    "callee": call.callee,
                    "context": call.context,
                    "created": call.created,
                    "state": call.state,
                    "result": call.result,
                    "cdr_id": call.cdr_id,
                }
                for call in pbx.originated.values()
            ]
        return JSONResponse({"calls": calls})

    async def queues(self, request: Request) -> JSONResponse:
        """Each queue and its agents (the documented queue row has no member list)."""
        pbx = self.runtime.pbx
        with pbx.lock:
            pbx.sync()
            queues = [
                {
                    "number": queue.number,
                    "name": queue.name,
                    "members": [
                        {
                            "agent": agent,
                            "source": queue.sources.get(agent, agent),
                            "penalty": queue.penalties.get(agent, ""),
                            "paused": agent in queue.paused,
                        }
                        for agent in queue.members
                    ],
                }
                for queue in sorted(pbx.queues.values(), key=lambda q: q.date)
            ]
        return JSONResponse({"queues": queues})

    async def components(self, request: Request) -> JSONResponse:
        """The API components of the dialplan (how to reach each) and every call they made."""
        pbx = self.runtime.pbx
        with pbx.lock:
            pbx.sync()
            contexts = {ctx.component: ctx.name for ctx in pbx.contexts.values() if ctx.component}
            rows: dict[str, list[str]] = {}
            for route in pbx.autodialer_routes.values():
                for text, output in route.rows:
                    rows.setdefault(output, []).append(f"{route.context}/{text}")
            components = [
                {
                    "name": c.name,
                    "app_name": c.app_name,
                    "kind": c.kind,
                    "configured": bool(c.url),
                    "style": c.style,
                    "method": c.method,
                    "context": contexts.get(c.name),
                    "autodialer_rows": rows.get(c.name, []),
                    "cases": dict(c.cases),
                }
                for c in pbx.api_components.values()
            ]
            calls = [
                {
                    "component": call.component,
                    "kind": call.kind,
                    "request": dict(call.request),
                    "state": call.state,
                    "outcome": call.outcome,
                    "error": call.error,
                    "response": call.response,
                    "extension": call.extension,
                    "case": call.case,
                    "second_disposition": call.second_disposition,
                    "cdr_id": call.cdr_id,
                }
                for call in pbx.component_calls
            ]
        return JSONResponse({"components": components, "calls": calls})

    async def events(self, request: Request) -> JSONResponse:
        """Show the pushed events' delivery, point it somewhere else, or clear its list."""
        delivery = self.runtime.events
        if request.method == "PUT":
            delivery.set_target(_event_target(await _json_object(request)))
        elif request.method == "DELETE":
            delivery.clear()
        limit_text = request.query_params.get("limit", "50")
        if not limit_text.isdigit():
            raise BadRequest(f"'limit' is a number of events, not {limit_text!r}")
        snapshot = delivery.snapshot(int(limit_text), request.query_params.get("name"))
        pbx = self.runtime.pbx
        with pbx.lock:
            snapshot["states"] = dict(sorted(pbx.webhooks.states.items()))
        return JSONResponse(snapshot)

    async def event_chaos(self, request: Request) -> JSONResponse:
        """Show, install or clear the chaos done to event deliveries."""
        delivery = self.runtime.events
        if request.method == "PUT":
            body = await _json_object(request)
            spec_text = body.get("spec")
            if not isinstance(spec_text, str):
                raise BadRequest('expected {"spec": "<chaos spec>"}')
            try:
                delivery.set_chaos(parse_chaos(spec_text))
            except ChaosSpecError as exc:
                raise BadRequest(str(exc)) from None
        elif request.method == "DELETE":
            delivery.set_chaos(ChaosSpec())
        return JSONResponse({"spec": str(delivery.chaos), "active": not delivery.chaos.empty})

    async def traffic(self, request: Request) -> JSONResponse:
        """Show or change the background traffic's rate."""
        pbx = self.runtime.pbx
        if request.method == "PUT":
            body = await _json_object(request)
            rate = _number(body.get("rate"), "rate")
            if rate < 0:
                raise BadRequest("'rate' is 0 or more calls per minute")
            pbx.traffic.set_rate(rate)
        with pbx.lock:
            return JSONResponse({"rate": pbx.traffic.rate, "placed": dict(pbx.traffic.placed)})


def _event_target(body: dict[str, Any]) -> EventTarget | None:
    if "url" not in body:
        raise BadRequest('expected {"url": "http://..." or null, "style": ..., "auth": ...}')
    url = body["url"]
    if url is None:
        return None
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise BadRequest(f"'url' is an http(s) URL or null, not {url!r}")
    style = body.get("style", "g4")
    if style not in STYLES:
        raise BadRequest(f"'style' is one of {list(STYLES)}, not {style!r}")
    auth_text = body.get("auth")
    if auth_text is not None and not isinstance(auth_text, str):
        raise BadRequest("'auth' is \"user:password\" or null")
    try:
        auth = parse_auth(auth_text)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    timeout = _number(body.get("timeout", 2.0), "timeout")
    if timeout <= 0:
        raise BadRequest("'timeout' is a number of seconds above 0")
    return EventTarget(url, style, auth, timeout)


async def _json_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else None
    except ValueError:
        raise BadRequest("the body is not JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("expected a JSON object")
    return body


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BadRequest(f"{name!r} takes a number, not {value!r}")
    return float(value)
