"""Dialplan API components calling out: the request Simotel sends, the HTTP call, the answer check.

When a call reaches an Exten, Trunk, IVR or Smart API component, Simotel asks the component's
web service what to do (reference §5.8, §7.4). The simulator sends:

  ``{"src": <the answered party>, "dst": <the number entered>, "data": "",
  "unique_id": <the call's cuid>, "app_name": <the component's own name>}``

plus ``originated_call_id`` from a Smart API component when the call is an originate, as a
JSON body (POST) or as query parameters (GET), to the URL itself (G style) or to
``<url>/ExtenAPI``, ``/TrunkAPI``, ``/IVRAPI`` or ``/SmartAPI`` (Rest style, our reading of
"Rest appends the event name"). ``app_name`` is the name the component has in the dialplan,
as the docs say ("the name of the current component"); the PHP SDK dispatches on it.

Answers (judged by ``interpret``): ``bridged`` (``ok`` is "1" with what the kind needs: an
``extension``; a ``trunk`` too for Trunk API; a ``case`` for IVR API; ``commands`` for Smart
API), ``refused`` (any other ``ok``), ``invalid`` (not a JSON object, or a field missing),
``http-error`` (status not 2xx), ``timeout``, ``unreachable`` (connection failed) and
``unconfigured`` (no URL). After a bridged answer the call engine may still find nothing to
dial (an IVR case with no output: ``invalid``; Smart commands that connect nobody: ``played``).
This module does the IO; ``state.SimulatedPbx`` never calls it under its lock.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import httpx

from simotui.sim.models import ApiComponent

ComponentOutcome = Literal[
    "bridged", "played", "refused", "invalid", "http-error", "timeout", "unreachable", "unconfigured"
]

KIND_NAMES = {"exten": "Exten API", "trunk": "Trunk API", "ivr": "IVR API", "smart": "Smart API"}
"""The component types as the docs name them (for people; ``app_name`` is the component's name)."""
ROUTE_STEPS = {"exten": "ExtenAPI", "trunk": "TrunkAPI", "ivr": "IVRAPI", "smart": "SmartAPI"}
"""``route[]`` step type per component kind; also the Rest-style path suffix."""


@dataclass
class ComponentCall:
    """One call of an API component (kept on ``SimulatedPbx.component_calls`` for inspection)."""

    component: str
    kind: str
    method: str
    url: str
    """Where it was sent, credentials removed."""
    request: dict[str, str]
    campaign_id: str
    """The campaign whose call it is (``""`` for an originate)."""
    number: str
    queued_at: float
    """Virtual time the first party answered and the component was reached."""
    state: Literal["queued", "calling", "done"] = "queued"
    outcome: ComponentOutcome | None = None
    status_code: int | None = None
    response: Any = None
    """The parsed JSON answer, or its text when it was not JSON."""
    error: str = ""
    real_seconds: float = 0.0
    answered_at: float | None = None
    """Virtual time the answer (or failure) was applied."""
    extension: str | None = None
    trunk: str | None = None
    call_limit: int | None = None
    case: str | None = None
    """The IVR API ``case``, or the output a Smart API ``Exit`` chose."""
    commands: str | None = None
    """The Smart API ``commands`` as answered."""
    delay: int = 0
    """Virtual seconds the component kept the call (Smart API commands) before dialling on."""
    originated_call_id: str | None = None
    second_disposition: str | None = None
    cdr_id: str | None = None
    """``_id`` of the second leg's CDR, once stored."""

    @property
    def unique_id(self) -> str:
        """The ``unique_id`` sent (the second leg's ``cuid``)."""
        return self.request.get("unique_id", "")


@dataclass(frozen=True)
class ComponentReply:
    """What came back from one component call."""

    outcome: ComponentOutcome
    status_code: int | None = None
    response: Any = None
    error: str = ""
    extension: str | None = None
    trunk: str | None = None
    call_limit: int | None = None
    case: str | None = None
    commands: str | None = None
    real_seconds: float = 0.0


def redact(url: str) -> str:
    """``url`` without user info, for logs and records."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port is not None else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def target_url(component: ApiComponent) -> str:
    """The URL a request of ``component`` goes to (Rest style appends the component type)."""
    url = component.url or ""
    if component.style == "rest":
        parts = urlsplit(url)
        path = parts.path.rstrip("/") + "/" + ROUTE_STEPS[component.kind]
        url = urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))
    return url


def interpret(kind: str, status: int, text: str) -> ComponentReply:
    """Judge an HTTP answer the way the component does (see the module docstring)."""
    try:
        body: Any = json.loads(text)
    except ValueError:
        body = text
    if not 200 <= status < 300:
        return ComponentReply("http-error", status, body, f"HTTP {status}")
    if not isinstance(body, dict):
        return ComponentReply("invalid", status, body, "the answer is not a JSON object")
    if str(body.get("ok", "")).strip() != "1":
        return ComponentReply("refused", status, body, f"ok={body.get('ok')!r}")
    if kind == "ivr":
        case = str(body.get("case") or "").strip()
        if not case:
            return ComponentReply("invalid", status, body, "no case in an IVR API answer")
        return ComponentReply("bridged", status, body, case=case)
    if kind == "smart":
        commands = body.get("commands")
        if not isinstance(commands, str) or not commands.strip():
            return ComponentReply("invalid", status, body, "no commands in a Smart API answer")
        return ComponentReply("bridged", status, body, commands=commands)
    extension = str(body.get("extension") or "").strip()
    if not extension:
        return ComponentReply("invalid", status, body, "no extension in the answer")
    if kind != "trunk":
        return ComponentReply("bridged", status, body, extension=extension)
    trunk = str(body.get("trunk") or "").strip()
    if not trunk:
        return ComponentReply("invalid", status, body, "no trunk in a Trunk API answer")
    limit: int | None = None
    raw_limit = str(body.get("call_limit") or "").strip()
    if raw_limit.isascii() and raw_limit.isdigit() and int(raw_limit) > 0:
        limit = int(raw_limit)
    return ComponentReply("bridged", status, body, extension=extension, trunk=trunk, call_limit=limit)


def perform(client: httpx.Client, component: ApiComponent, fields: dict[str, str]) -> ComponentReply:
    """Call the component's web service once (blocking, at most ``component.timeout`` per phase)."""
    if not component.url:
        return ComponentReply("unconfigured", error="the component has no URL")
    url = target_url(component)
    started = time.perf_counter()
    try:
        if component.method == "GET":
            response = client.get(url, params=fields, timeout=component.timeout)
        else:
            response = client.post(url, json=fields, timeout=component.timeout)
    except httpx.TimeoutException as exc:
        return ComponentReply("timeout", error=type(exc).__name__, real_seconds=time.perf_counter() - started)
    except Exception as exc:
        # Anything else (refused connection, a URL httpx cannot use) means the service was not
        # reached; the caller must always get a reply, or the call would wait forever.
        return ComponentReply(
            "unreachable", error=type(exc).__name__, real_seconds=time.perf_counter() - started
        )
    reply = interpret(component.kind, response.status_code, response.text)
    return replace(reply, real_seconds=time.perf_counter() - started)
