"""Dialplan API components calling out: the request Simotel sends, the HTTP call, the answer check.

When an answered campaign call reaches an Exten API or Trunk API component, Simotel asks
the component's web service where to send it (reference §5.8, §7.4). The simulator sends:

  ``{"src": <answered number>, "dst": <interface_text, else the route's context>,
  "data": "", "unique_id": <new cuid>, "app_name": "Exten API" | "Trunk API"}``

as a JSON body (POST) or as query parameters (GET), to the URL itself (G style) or to
``<url>/ExtenAPI`` / ``<url>/TrunkAPI`` (Rest style, our reading of "Rest appends the
event name"). Where the reference is silent, ``dst`` is the dialled extension the call
entered the Autodialer Route with, which is the campaign's ``interface_text``.

Outcomes recorded on each ``ComponentCall``: ``bridged`` (``ok`` is "1" with an
``extension``, and a ``trunk`` for Trunk API), ``refused`` (any other ``ok``),
``invalid`` (not a JSON object, or no extension/trunk), ``http-error`` (status not 2xx),
``timeout``, ``unreachable`` (connection failed) and ``unconfigured`` (no URL).
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
    "bridged", "refused", "invalid", "http-error", "timeout", "unreachable", "unconfigured"
]

APP_NAMES = {"exten": "Exten API", "trunk": "Trunk API"}
"""``app_name`` sent per component kind."""
ROUTE_STEPS = {"exten": "ExtenAPI", "trunk": "TrunkAPI"}
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
    if raw_limit.isdigit() and int(raw_limit) > 0:
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
