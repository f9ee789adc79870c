"""``simotel-sim`` / ``python -m simotui.sim``: the simulator on its own, for integrators in any language.

Only the standard library, Starlette, uvicorn, httpx and jdatetime are imported: no Textual and
nothing of the console, so ``pip install ./packaging/simotel-sim`` is enough to run it. The
control plane (``/_sim/``, loopback clients only) is on unless ``--no-control``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import replace

from simotui import __version__
from simotui.flags import count as _count
from simotui.flags import non_negative_float as _non_negative
from simotui.flags import port as _port
from simotui.flags import whole_number as _whole
from simotui.sim.config import ComponentSpec, SimConfig, demo_components
from simotui.sim.delivery import STYLES, ChaosSpecError, parse_auth, parse_chaos
from simotui.sim.faults import FaultSpecError, parse_faults
from simotui.sim.webhooks import event_names

KINDS = ("exten", "trunk", "ivr", "smart")


def _faults(value: str) -> str:
    try:
        parse_faults(value)
    except FaultSpecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return value


def _auth(value: str) -> str:
    try:
        parse_auth(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return value


def _events(value: str) -> str:
    try:
        event_names(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return value


def _chaos(value: str) -> str:
    try:
        parse_chaos(value)
    except ChaosSpecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return value


def _pair(value: str) -> tuple[str, str]:
    kind, sep, rest = value.partition("=")
    kind = kind.strip().lower()
    if not sep or kind not in (*KINDS, "bridge") or not rest.strip():
        raise argparse.ArgumentTypeError(f"expected KIND=VALUE with KIND one of {', '.join(KINDS)}, bridge")
    return kind, rest.strip()


def build_parser() -> argparse.ArgumentParser:
    """The ``simotel-sim`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="simotel-sim",
        description="A simulated Simotel PBX (HTTP API v4) on loopback, with a control plane under /_sim/.",
        epilog="API components: the demo dialplan has extenApi, trunkApi, ivrApi and smartApi, reached by "
        "an originate with context api-exten, api-trunk, api-ivr or api-smart (dst = the callee), or by "
        "a campaign into context simotui with interface_text exten, trunk, ivr or smart.",
    )
    parser.add_argument("--version", action="version", version=f"simotel-sim {__version__}")
    add_arguments(parser, control=True)
    return parser


def add_arguments(parser: argparse.ArgumentParser, *, control: bool) -> None:
    """Every option of the simulator (``simotel-sim`` and ``simotui sim`` share them);
    ``control`` is whether the control plane is on unless ``--no-control``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8800, help="port (default 8800; 0 = any free)")
    parser.add_argument("--seed", type=_whole, default=1, help="seed of the PBX data and call outcomes")
    parser.add_argument(
        "--speed", type=_non_negative, default=1.0, help="virtual seconds per real second (0 freezes)"
    )
    parser.add_argument("--history", type=_count, default=0, help="past CDRs to pre-fill (default 0)")
    parser.add_argument("--username", default="admin", help="API account user (default admin)")
    parser.add_argument("--password", default="simotel", help="API account password (default simotel)")
    parser.add_argument("--api-key", default="simotui-demo-key", help="API account key")
    parser.add_argument(
        "--auth", choices=("basic", "key", "both"), default="both", help="credentials required"
    )
    parser.add_argument("--timezone", default="Asia/Tehran", help="PBX time zone (default Asia/Tehran)")
    parser.add_argument("--faults", type=_faults, metavar="SPEC", help="faults to inject (see the README)")
    parser.add_argument(
        "--control",
        action=argparse.BooleanOptionalAction,
        default=control,
        help="serve the control plane under /_sim/: faults, clock, reset, pins, request log, events "
        f"(loopback clients only; default {'on' if control else 'off'})",
    )
    parser.add_argument(
        "--api-url",
        "--component-api-url",
        dest="api_url",
        metavar="URL",
        help="web service every demo API component calls (credentials in the URL go as Basic auth)",
    )
    parser.add_argument(
        "--component",
        type=_pair,
        action="append",
        default=[],
        metavar="KIND=URL",
        help="web service of one component (exten, trunk, ivr, smart, or bridge: simotui-bridge)",
    )
    parser.add_argument(
        "--component-name",
        type=_pair,
        action="append",
        default=[],
        metavar="KIND=NAME",
        help="rename a demo component: its name is what Simotel sends as app_name",
    )
    parser.add_argument("--component-style", choices=("g", "rest"), default="g", help="G or Rest URLs")
    parser.add_argument("--component-method", choices=("POST", "GET"), default="POST", help="HTTP method")
    parser.add_argument(
        "--component-timeout", type=_non_negative, default=1.0, help="real seconds to wait for an answer"
    )
    events = parser.add_argument_group("pushed events (Simotel's webhooks)")
    events.add_argument("--events-url", metavar="URL", help="web service to push events to (none: not sent)")
    events.add_argument(
        "--events-style",
        choices=STYLES,
        default="g4",
        help="g4: POST JSON to URL; rest4: POST to URL/<EventName>; get: GET URL?fields (default g4)",
    )
    events.add_argument("--events-auth", type=_auth, metavar="U:P", help="HTTP Basic user and password")
    events.add_argument(
        "--events-only", type=_events, metavar="NAMES", help="comma-separated events to send (default all)"
    )
    events.add_argument(
        "--events-chaos",
        type=_chaos,
        metavar="SPEC",
        help="mischief for tests, e.g. drop=0.1,duplicate=0.05,reorder=0.2,delay=0.1:2,upper",
    )
    parser.add_argument(
        "--users-add-reply",
        choices=("documented", "envelope"),
        default="documented",
        help="pbx/users/add answers the documented odd shape or the envelope of every other add",
    )
    parser.add_argument(
        "--traffic",
        type=_non_negative,
        default=0.0,
        metavar="RATE",
        help="background calls per minute of virtual time (PSTN callers, local and outgoing calls)",
    )


def config_from(args: argparse.Namespace) -> SimConfig:
    """The ``SimConfig`` the parsed arguments describe."""
    urls = dict(args.component)
    names = dict(args.component_name)
    components: list[ComponentSpec] = []
    for spec in demo_components(args.api_url):
        components.append(
            replace(
                spec,
                name=names.get(spec.kind, spec.name),
                url=urls.get(spec.kind, spec.url),
                style=args.component_style,
                method=args.component_method,
                timeout=args.component_timeout,
            )
        )
    return SimConfig(
        seed=args.seed,
        speed=args.speed,
        history=max(0, args.history),
        username=args.username,
        password=args.password,
        api_key=args.api_key,
        auth_mode=args.auth,
        timezone=args.timezone,
        faults=args.faults,
        control=args.control,
        component_api_url=urls.get("bridge", args.api_url),
        component_style=args.component_style,
        component_method=args.component_method,
        component_timeout=args.component_timeout,
        components=components,
        events_url=args.events_url,
        events_style=args.events_style,
        events_auth=args.events_auth,
        events_only=args.events_only,
        events_chaos=args.events_chaos,
        traffic=args.traffic,
        users_add_reply=args.users_add_reply,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, then serve in the foreground until Ctrl-C."""
    args = build_parser().parse_args(argv)
    from simotui.sim.server import serve  # uvicorn and the app only once the arguments are good

    serve(config_from(args), host=args.host, port=args.port)
    return 0
