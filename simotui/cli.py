"""The ``simotui`` command line: the console, the simulator, and the scripting subcommands.

Exit codes (every subcommand): 0 ok, 1 other failure, 2 usage, 3 configuration, 4 credentials or
permission refused (401/403), 5 server unreachable or timed out, 6 API error, 7 ``originate --wait``
call ended unanswered, 130 interrupted. Data goes to standard output, messages to standard error.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from simotui import __version__
from simotui.commands.args import (
    ExitCode,
    UsageError,
    add_connection_options,
    base_url,
    connection_parent,
    exit_code_for,
    non_negative_float,
    whole_number,
)
from simotui.errors import ConfigError, SimotuiError
from simotui.process import forbid_core_dumps

if TYPE_CHECKING:
    from types import ModuleType

DEMO_PORT = 8800
DEFAULT_POLL_INTERVAL = 3.0
# Registered in this order, which is the order `simotui --help` lists them in. Each module is
# imported only when its command is the one being run (or asked for help): `simotui --help`
# must not pay for the client, the call core and the config reader.
SUBCOMMANDS = {
    "ping": ("simotui.commands.ping", "check that a Simotel answers and accepts the credentials"),
    "originate": (
        "simotui.commands.originate",
        "dial a two-way call (caller first, then callee); --wait follows it to its end",
    ),
    "cdr": ("simotui.commands.cdr", "search CDRs"),
    "campaign-report": ("simotui.commands.campaign_report", "autodialer report rows, all pages"),
    "recording": ("simotui.commands.recording", "download a call recording by cuid or file name"),
    "config": ("simotui.commands.config_cmd", "write an example config file, or check the config file"),
    "locate": ("simotui.commands.locate", "print where simotui keeps its config, journal or log"),
}


def command_module(name: str) -> ModuleType:
    """The module that implements a subcommand."""
    return importlib.import_module(SUBCOMMANDS[name][0])


def _port(text: str) -> int:
    value = whole_number(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("a port is 0..65535 (0 picks a free one)")
    return value


def _non_negative_int(text: str) -> int:
    value = whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _fault_spec(text: str) -> str:
    # Parsed here so a bad spec is a usage error naming the bad part, never a traceback.
    from simotui.sim.faults import FaultSpecError, parse_faults

    try:
        parse_faults(text)
    except FaultSpecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def build_parser(argv: Sequence[str] | None = ()) -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per task."""
    parser = argparse.ArgumentParser(
        prog="simotui",
        description="A terminal console for the Simotel PBX HTTP API v4.",
        epilog="Exit codes: 0 ok, 1 other failure, 2 usage, 3 configuration, 4 credentials or "
        "permission refused, 5 unreachable or timed out, 6 API error, 7 call not answered "
        "(originate --wait), 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"simotui {__version__}")
    console = parser.add_argument_group(
        "console",
        "With no COMMAND, open the console: on the built-in simulator (--demo), or on a Simotel "
        "named by --url, --profile, SIMOTUI_URL, SIMOTUI_PROFILE or the config's default_profile. "
        "Secrets come from the profile, SIMOTUI_PASSWORD and SIMOTUI_API_KEY, or a hidden prompt; "
        "never from the command line.",
    )
    target = console.add_mutually_exclusive_group()
    target.add_argument("--demo", action="store_true", help="run on a built-in simulator with history")
    target.add_argument(
        "--url",
        type=base_url,
        default=argparse.SUPPRESS,
        help="base URL of a Simotel, e.g. https://pbx.example.com",
    )
    add_connection_options(console)
    console.add_argument(
        "--hooks-listen",
        metavar="HOST:PORT",
        help="run the bridge responder for campaign mode here (overrides the profile's hooks.listen)",
    )
    console.add_argument("--speed", type=non_negative_float, default=1.0, help=argparse.SUPPRESS)
    console.add_argument("--seed", type=whole_number, default=1, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_sim(commands)
    parent = connection_parent()
    chosen = _chosen_command(argv)
    for name, (_module, summary) in SUBCOMMANDS.items():
        if name == chosen or chosen == "*":
            command_module(name).register(commands, parent)
        else:
            commands.add_parser(name, help=summary)
    return parser


def _chosen_command(argv: Sequence[str] | None) -> str | None:
    """The subcommand named on the command line (``*``: all of them, when it cannot be told)."""
    words = list(sys.argv[1:] if argv is None else argv)
    for word in words:
        if word in SUBCOMMANDS:
            return word
        if word == "sim":
            return None
    return None


def _add_sim(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sim = commands.add_parser(
        "sim",
        help="run the Simotel v4 simulator in the foreground",
        description="Run a simulated Simotel v4 server on loopback (Ctrl-C stops it).",
    )
    sim.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sim.add_argument("--port", type=_port, default=DEMO_PORT, help="port (default 8800; 0 = any free)")
    sim.add_argument("--seed", type=whole_number, default=1, help="seed of the PBX data and call outcomes")
    sim.add_argument(
        "--speed",
        type=non_negative_float,
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
    sim.add_argument(
        "--component-api-url",
        metavar="URL",
        help="web service the demo dialplan's API component calls (a bridge responder); "
        "credentials in the URL are sent as HTTP Basic",
    )
    sim.add_argument(
        "--faults",
        metavar="SPEC",
        type=_fault_spec,
        help="inject faults into /api/v4/ requests, e.g. 'latency=200ms±100,error5xx=0.1,"
        "originate:error5xx@after=1,restart_every=60s' (syntax: README, 'The simulator')",
    )
    sim.add_argument(
        "--control",
        action="store_true",
        help="serve the control plane under /_sim/ (faults, clock, reset, pins, request log; "
        "loopback clients only)",
    )
    sim.set_defaults(run=_run_sim)


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
        component_api_url=args.component_api_url,
        faults=args.faults,
        control=args.control,
    )
    serve(config, host=args.host, port=args.port)
    return ExitCode.OK


def _run_console(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from simotui import paths
    from simotui.commands.common import connect
    from simotui.httplog import HttpLog
    from simotui.listen import parse_listen
    from simotui.responder.link import running_bridge
    from simotui.store.journal import Journal
    from simotui.ui.app import make_app

    while True:
        connection = connect(args, with_hooks=True)
        settings = connection.settings
        if getattr(args, "hooks_listen", None):
            try:
                parse_listen(args.hooks_listen)  # a bad address is a usage error before anything starts
            except ValueError as exc:
                raise UsageError(f"--hooks-listen: {exc}") from None
            settings = replace(settings, hooks=replace(settings.hooks, listen=args.hooks_listen))
        kept = connection.config.journal
        journal_file = paths.journal_path()
        try:
            journal = Journal(journal_file, retention_days=kept.retention_days, max_calls=kept.max_calls)
        except Exception as exc:
            # Without a journal a killed session would lose calls: refuse rather than run blind.
            raise ConfigError(
                f"cannot open the journal {journal_file}: {exc} (set XDG_DATA_HOME to a writable place)"
            ) from None
        http_log = HttpLog()
        try:
            http_log.attach_file(paths.log_file())
        except OSError as exc:
            print(f"simotui: not writing the HTTP log to {paths.log_file()}: {exc}", file=sys.stderr)
        with running_bridge(settings.hooks) as bridge:
            app = make_app(
                settings,
                bridge=bridge,
                http_log=http_log,
                journal=journal,
                profiles=tuple(connection.config.profiles),
                keys=connection.config.keys,
            )
            app.run()
        switch_to = getattr(app, "switch_to", None)
        if not switch_to:
            return ExitCode.OK if app.return_code in (None, 0) else int(app.return_code or 0)
        # Another profile was chosen in the app: the same session, on the other PBX.
        args.profile = switch_to
        if hasattr(args, "url"):
            del args.url


def _run_console_demo(args: argparse.Namespace) -> int:
    import tempfile
    from pathlib import Path

    from simotui.config import load_config
    from simotui.demo import demo_session
    from simotui.store.journal import Journal
    from simotui.ui.app import make_app

    try:
        keys = load_config().keys  # the user's keys work in the demo too
    except ConfigError:
        keys = {}

    interval = getattr(args, "poll_interval", DEFAULT_POLL_INTERVAL) or None
    print("simotui: starting the demo simulator and bridge responder…", file=sys.stderr)
    # The demo PBX is new every time: its calls go to a journal of their own, not the user's.
    with tempfile.TemporaryDirectory(prefix="simotui-demo-") as scratch:
        journal = Journal(Path(scratch) / "journal.sqlite3")
        with demo_session(seed=args.seed, speed=args.speed, poll_interval=interval) as session:
            app = make_app(session.settings, bridge=session.bridge, journal=journal, keys=keys)
            app.run()
    return ExitCode.OK


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    run = getattr(args, "run", None)
    if run is not None:
        code: int = run(args)
        return code
    if args.demo:
        return _run_console_demo(args)
    from simotui.commands.common import overrides_from
    from simotui.config import has_target, load_config

    if not has_target(load_config(), overrides_from(args), os.environ):
        parser.print_help()
        return ExitCode.USAGE
    return _run_console(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``simotui`` script; returns the process exit code."""
    forbid_core_dumps()
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        return _run(parser, args)
    except SimotuiError as exc:
        print(f"simotui: {exc.title}: {exc.message}", file=sys.stderr)
        return exit_code_for(exc)
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): not an error of ours. Point stdout at nothing so the
        # interpreter's final flush does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.OK
