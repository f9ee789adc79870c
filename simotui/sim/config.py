"""Simulator configuration: ``SimConfig`` (build time) and ``SimSettings`` (changeable live)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

AuthMode = Literal["basic", "key", "both"]
ComponentKind = Literal["exten", "trunk", "ivr", "smart"]
ComponentStyle = Literal["g", "rest"]
ComponentMethod = Literal["POST", "GET"]
EventStyle = Literal["g4", "rest4", "get"]


@dataclass
class ComponentSpec:
    """One API component of the simulated dialplan, named as an administrator would name it."""

    kind: ComponentKind
    """Exten API, Trunk API, IVR API or Smart API (§7.4)."""
    name: str
    """The component's own name: Simotel sends it as ``app_name``. The PHP SDK calls the method of
    that name on the responder's app class, so the demo names are valid PHP identifiers."""
    context: str
    """A dialplan context whose Outgoing Route leads every number into this component: an originate
    with this ``context`` reaches it (``dst`` = the callee)."""
    url: str | None = None
    """The web service; ``None`` leaves the component unconfigured (calls through it hang up)."""
    style: ComponentStyle = "g"
    """G sends to ``url`` itself; Rest appends ``/ExtenAPI``, ``/TrunkAPI``, ``/IVRAPI``, ``/SmartAPI``."""
    method: ComponentMethod = "POST"
    """POST sends a JSON body; GET sends the same fields as query parameters."""
    timeout: float = 1.0
    """Real seconds the component waits for an answer."""
    cases: dict[str, str] = field(default_factory=dict)
    """IVR API / Smart API outputs: case -> the extension (or PSTN number) that output dials."""


#: Outputs of the demo IVR API and Smart API components (``e`` is Smart API's error exit).
DEMO_CASES = {"1": "552", "2": "553", "3": "557", "e": "200"}


def demo_components(url: str | None = None) -> list[ComponentSpec]:
    """The demo dialplan's four API components, one per kind, each reached by its own context."""
    return [
        ComponentSpec("exten", "extenApi", "api-exten", url),
        ComponentSpec("trunk", "trunkApi", "api-trunk", url),
        ComponentSpec("ivr", "ivrApi", "api-ivr", url, cases=dict(DEMO_CASES)),
        ComponentSpec("smart", "smartApi", "api-smart", url, cases=dict(DEMO_CASES)),
    ]


@dataclass
class SimConfig:
    """How to build and serve one simulated Simotel."""

    seed: int = 1
    """Seed for every random choice (directory, history, ids, call timings)."""
    speed: float = 1.0
    """Virtual seconds per real second; 0 freezes the clock."""
    history: int = 0
    """Number of past CDRs to pre-fill, spread over the 30 days before the clock's start."""
    username: str = "admin"
    """HTTP Basic user name of the API account."""
    password: str = "simotel"
    """HTTP Basic password of the API account."""
    api_key: str = "simotui-demo-key"
    """The account's ``X-APIKEY`` token."""
    auth_mode: AuthMode = "both"
    """Which credentials the account requires (§1.2)."""
    timezone: str = "Asia/Tehran"
    """PBX-local time zone used for Jalali/Gregorian rendering and request dates."""
    start_time: datetime | None = None
    """Origin of the virtual clock (aware datetime); ``None`` means the real now."""
    record_format: Literal["wav", "mp3"] = "wav"
    """Extension of generated call recordings (``simotel.ini [cdr] record_file_format``)."""
    missing_service_spelling: Literal["does", "dose"] = "does"
    """Spelling of the 501 message: ``does`` (English docs) or ``dose`` (Persian docs)."""
    users_add_reply: Literal["documented", "envelope"] = "documented"
    """Answer of ``pbx/users/add``: the documented odd shape ``{"status":"success",...,"user_id"}``
    or the envelope every other add answers (``data: {"_id": ...}``). §1.3 says a client should
    tolerate both and a simulator may emit either; which one a real Simotel sends is unknown."""
    component_api_url: str | None = None
    """Web service of the demo dialplan's API component (``simotui sim --component-api-url``);
    ``None`` leaves it unconfigured, so bridged campaign calls end after the first party answers.
    Credentials in the URL (``http://user:pass@host/``) are sent as HTTP Basic."""
    component_kind: Literal["exten", "trunk"] = "exten"
    """Whether that component is an Exten API or a Trunk API component."""
    component_style: ComponentStyle = "g"
    """G posts to the URL itself; Rest appends ``/ExtenAPI`` or ``/TrunkAPI``."""
    component_method: ComponentMethod = "POST"
    """POST sends a JSON body; GET sends the same fields as query parameters."""
    component_timeout: float = 1.0
    """Real seconds the component waits for an answer (``client_api_caller_timeout``)."""
    components: list[ComponentSpec] = field(default_factory=demo_components)
    """The demo dialplan's other API components (``demo_components``): one Exten, Trunk, IVR and
    Smart API, reached by an originate through their contexts or by a campaign through the
    ``simotui`` Autodialer Route's rows ``exten``, ``trunk``, ``ivr`` and ``smart``."""
    faults: str | None = None
    """Fault spec in force from the start (``simotui sim --faults``; syntax in ``sim.faults``)."""
    control: bool = False
    """Serve the control plane under ``/_sim/`` (loopback clients only); off, it is a 404."""
    request_log_entries: int = 10_000
    """Most requests the request log keeps (the oldest go first)."""
    request_log_bytes: int = 32 * 1024 * 1024
    """Most bytes of request bodies the request log keeps."""
    events_url: str | None = None
    """Web service the PBX pushes its events to (§7; ``--events-url``); ``None`` sends none (they
    are still listed at ``GET /_sim/events``). Credentials in the URL are sent as HTTP Basic."""
    events_style: EventStyle = "g4"
    """``g4``: POST the JSON to the URL; ``rest4``: POST it to ``<url>/<EventName>``; ``get``: GET
    the URL with the fields as query parameters (§7.1)."""
    events_auth: str | None = None
    """``user:password`` sent as HTTP Basic with every event (the settings page's user and password)."""
    events_only: str | None = None
    """Comma-separated names of the events to send (the ticked ones); ``None`` sends every event."""
    events_timeout: float = 2.0
    """Real seconds one delivery may take before it counts as failed."""
    events_chaos: str | None = None
    """Mischief done to deliveries, for tests (syntax in ``sim.delivery``): ``drop=0.1,upper``..."""
    traffic: float = 0.0
    """Background calls per minute of virtual time that nobody placed through the API (PSTN callers
    into queues and extensions, local and outgoing calls; ``sim.traffic``); 0 means none."""


@dataclass
class SimSettings:
    """Account and access settings the admin could change at run time (mutable from tests)."""

    allowed_ips: list[str] | None = None
    """IP allow-list (addresses or CIDR networks); ``None`` = "Allow All IPs"."""
    denied_services: set[str] = field(default_factory=set)
    """Services the account may not call, e.g. ``{"reports/cdr/search"}`` (403)."""
    auth_mode: AuthMode = "both"
    """Which credentials are required."""
    username: str = "admin"
    """HTTP Basic user name."""
    password: str = "simotel"
    """HTTP Basic password."""
    api_key: str = "simotui-demo-key"
    """``X-APIKEY`` token."""
    missing_service_spelling: Literal["does", "dose"] = "does"
    """Spelling of the 501 message."""

    @classmethod
    def from_config(cls, config: SimConfig) -> SimSettings:
        """Settings initialised from a ``SimConfig``."""
        return cls(
            auth_mode=config.auth_mode,
            username=config.username,
            password=config.password,
            api_key=config.api_key,
            missing_service_spelling=config.missing_service_spelling,
        )
