"""``simotui serve``: the same console in a browser, through textual-serve, on loopback by default.

Each browser tab gets a console process of its own (``python -m simotui`` with the same target:
``--demo``, ``--profile`` or ``--url``), reading the same config file, environment and secret
commands as one started in a terminal. Nothing secret is put on its command line; a secret that
only a prompt could supply makes that console fail (there is no terminal to ask on), as it does
for any console without one. textual-serve has no authentication of its own: listening beyond
loopback needs ``--allow-remote`` (put it behind a proxy that authenticates).
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys

from simotui.commands.args import ExitCode, UsageError
from simotui.flags import non_negative_float, whole_number

LOOPBACK = "127.0.0.1"


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add ``serve``."""
    parser = commands.add_parser(
        "serve",
        help="serve the console to a browser (textual-serve), on loopback by default",
        description="Serve the console over HTTP and a websocket (textual-serve): each browser tab "
        "runs its own console on the same profile. Loopback only unless --allow-remote.",
    )
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--demo", action="store_true", help="serve the demo (a built-in simulator)")
    target.add_argument("--profile", help="the config file's profile to serve (default: the default one)")
    target.add_argument("--url", help="a Simotel to serve a console for (secrets from the environment)")
    parser.add_argument("--host", default=LOOPBACK, help=f"address to listen on (default {LOOPBACK})")
    parser.add_argument("--port", type=whole_number, default=8000, help="port to listen on (default 8000)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="listen beyond loopback (textual-serve has no authentication: put a proxy in front)",
    )
    # The console's own hidden --speed for the demo's simulator, passed on to each tab's console
    # (the browser test uses it so that a call ends, and reads ANSWERED, in seconds).
    parser.add_argument("--speed", type=non_negative_float, default=None, help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (or ``localhost``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def console_command(args: argparse.Namespace) -> str:
    """The command each browser tab runs: this interpreter, this console, the same target."""
    words = [sys.executable, "-m", "simotui"]
    if args.demo:
        words.append("--demo")
        if args.speed is not None:
            words += ["--speed", repr(args.speed)]
    elif args.profile:
        words += ["--profile", args.profile]
    elif args.url:
        words += ["--url", args.url]
    return shlex.join(words)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C."""
    if args.speed is not None and not args.demo:
        raise UsageError("--speed is for the demo's simulator: use it with --demo")
    if not is_loopback(args.host) and not args.allow_remote:
        raise UsageError(
            f"--host {args.host} is not loopback: the served console has no login of its own; "
            "add --allow-remote (behind an authenticating proxy) if that is meant"
        )
    try:
        from textual_serve.server import Server
    except ImportError:
        raise UsageError(
            "textual-serve is not installed: pip install textual-serve (or simotui[serve])"
        ) from None
    print(f"simotui: serving the console at http://{args.host}:{args.port}/ (Ctrl-C stops)", file=sys.stderr)
    Server(console_command(args), host=args.host, port=args.port, title="simotui").serve()
    return ExitCode.OK
