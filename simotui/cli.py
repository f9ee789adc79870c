"""The ``simotui`` command line: the console (``--demo`` or ``--url``), ``sim`` and ``ping``."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from simotui import __version__
from simotui.errors import SimotuiError

if TYPE_CHECKING:
    from simotui.api import Credentials

DEMO_PORT = 8800


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("a port is 0..65535 (0 picks a free one)")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per task."""
    parser = argparse.ArgumentParser(
        prog="simotui", description="A terminal console for the Simotel PBX HTTP API v4."
    )
    parser.add_argument("--version", action="version", version=f"simotui {__version__}")
    console = parser.add_argument_group(
        "console",
        "With no COMMAND, open the console: on the built-in simulator (--demo) or on a "
        "real Simotel (--url). The password and API key come from SIMOTUI_PASSWORD and "
        "SIMOTUI_API_KEY, or a hidden prompt; never from the command line.",
    )
    target = console.add_mutually_exclusive_group()
    target.add_argument("--demo", action="store_true", help="run on a built-in simulator with history")
    target.add_argument("--url", help="base URL of a Simotel, e.g. https://pbx.example.com")
    console.add_argument(
        "--username",
        default=os.environ.get("SIMOTUI_USERNAME", ""),
        help="API account username (or SIMOTUI_USERNAME)",
    )
    console.add_argument(
        "--auth",
        choices=("basic", "key", "both"),
        default="both",
        help="authentication the API account uses (default both)",
    )
    console.add_argument("--timezone", default="Asia/Tehran", help="PBX time zone (default Asia/Tehran)")
    console.add_argument(
        "--poll-interval",
        type=_positive_float,
        default=3.0,
        help="seconds between polls of tracked calls (default 3)",
    )
    console.add_argument("--insecure", action="store_true", help="skip TLS certificate verification")
    console.add_argument("--ca-bundle", help="CA bundle to verify the server's certificate with")
    console.add_argument("--speed", type=_positive_float, default=1.0, help=argparse.SUPPRESS)
    console.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    sim = commands.add_parser(
        "sim",
        help="run the Simotel v4 simulator in the foreground",
        description="Run a simulated Simotel v4 server on loopback (Ctrl-C stops it).",
    )
    sim.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sim.add_argument("--port", type=_port, default=DEMO_PORT, help="port (default 8800; 0 = any free)")
    sim.add_argument("--seed", type=int, default=1, help="seed of the PBX data and call outcomes")
    sim.add_argument(
        "--speed",
        type=_positive_float,
        default=1.0,
        help="virtual seconds per real second (default 1; 0 freezes the clock)",
    )
    sim.add_argument(
        "--history", type=_non_negative_int, default=0, help="number of past CDRs to pre-fill (default 0)"
    )
    sim.add_argument("--username", default="admin", help="API account username (default admin)")
    sim.add_argument("--password", default="simotel", help="API account password (default simotel)")
    sim.add_argument("--api-key", default="simotui-demo-key", help="API account key")
    sim.add_argument(
        "--auth",
        choices=("basic", "key", "both"),
        default="both",
        help="authentication the account accepts (default both)",
    )
    sim.add_argument("--timezone", default="Asia/Tehran", help="PBX time zone (default Asia/Tehran)")

    ping = commands.add_parser(
        "ping",
        help="check that a Simotel server answers and accepts the credentials",
        description="Ping a Simotel server. The password and API key come from SIMOTUI_PASSWORD "
        "and SIMOTUI_API_KEY, or a hidden prompt; never from the command line.",
    )
    ping.add_argument("--url", required=True, help="base URL, e.g. https://pbx.example.com")
    ping.add_argument("--username", default=os.environ.get("SIMOTUI_USERNAME", ""))
    ping.add_argument("--auth", choices=("basic", "key", "both"), default="both")
    ping.add_argument("--timeout", type=_positive_float, default=10.0)
    ping.add_argument("--insecure", action="store_true", help="skip TLS certificate verification")
    return parser


def _run_sim(args: argparse.Namespace) -> int:
    from simotui.sim import SimConfig, serve

    config = SimConfig(
        seed=args.seed,
        speed=args.speed,
        history=args.history,
        username=args.username,
        password=args.password,
        api_key=args.api_key,
        auth_mode=args.auth,
        timezone=args.timezone,
    )
    serve(config, host=args.host, port=args.port)
    return 0


def _secret_from_env_or_prompt(variable: str, prompt: str) -> str:
    value = os.environ.get(variable)
    if value:
        return value
    if not sys.stdin.isatty():
        raise SimotuiError(f"set {variable}: there is no terminal to ask for the {prompt.lower()}")
    return getpass.getpass(f"{prompt}: ")


def _credentials(args: argparse.Namespace) -> Credentials:
    from simotui.api import Credentials
    from simotui.secret import Secret

    password = api_key = None
    if args.auth in ("basic", "both"):
        password = Secret(_secret_from_env_or_prompt("SIMOTUI_PASSWORD", "Password"))
    if args.auth in ("key", "both"):
        api_key = Secret(_secret_from_env_or_prompt("SIMOTUI_API_KEY", "API key"))
    return Credentials(args.auth, args.username, password, api_key)


def _run_console(args: argparse.Namespace) -> int:
    from simotui.settings import Settings

    verify: bool | str = args.ca_bundle or not args.insecure
    settings = Settings(
        base_url=args.url,
        credentials=_credentials(args),
        profile="cli",
        verify=verify,
        pbx_timezone=args.timezone,
        poll_interval=args.poll_interval,
    )
    from simotui.ui.app import make_app

    make_app(settings).run()
    return 0


def _run_console_demo(args: argparse.Namespace) -> int:
    from simotui.demo import demo_settings
    from simotui.ui.app import make_app

    print("simotui: starting the demo simulator…", file=sys.stderr)
    with demo_settings(seed=args.seed, speed=args.speed, poll_interval=args.poll_interval) as settings:
        make_app(settings).run()
    return 0


def _run_ping(args: argparse.Namespace) -> int:
    from simotui.api import SimotelClient

    credentials = _credentials(args)

    async def ping() -> float:
        async with SimotelClient(
            args.url, credentials, timeout=args.timeout, verify=not args.insecure
        ) as client:
            return await client.setting.ping()

    elapsed = asyncio.run(ping())
    print(f"{args.url}: pong in {elapsed * 1000:.0f} ms")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``simotui`` script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    runners = {"sim": _run_sim, "ping": _run_ping}
    if args.command is None:
        if args.demo:
            runner = _run_console_demo
        elif args.url:
            runner = _run_console
        else:
            parser.print_help()
            return 2
    else:
        runner = runners[args.command]
    try:
        return runner(args)
    except SimotuiError as exc:
        print(f"simotui: {exc.title}: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
