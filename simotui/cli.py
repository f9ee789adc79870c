"""The ``simotui`` command line: the console, the simulator, and the scripting subcommands.

Exit codes (every subcommand): 0 ok, 1 other failure, 2 usage, 3 configuration, 4 credentials or
permission refused (401/403), 5 server unreachable or timed out, 6 API error, 7 ``originate --wait``
call ended unanswered, 8 refused by a read-only profile (nothing sent), 130 interrupted. Data goes to standard output, messages to standard error.
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
)
from simotui.errors import ConfigError, SimotuiError
from simotui.flags import non_negative_float, whole_number
from simotui.process import forbid_core_dumps

if TYPE_CHECKING:
    from types import ModuleType

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
    "history": (
        "simotui.commands.history",
        "the journal's dials and cancelled confirmations, newest first, with who did each",
    ),
    "serve": (
        "simotui.commands.serve",
        "serve the console to a browser (textual-serve), on loopback by default",
    ),
    "config": ("simotui.commands.config_cmd", "write an example config file, or check the config file"),
    "locate": ("simotui.commands.locate", "print where simotui keeps its config, journal or log"),
}


def command_module(name: str) -> ModuleType:
    """The module that implements a subcommand."""
    return importlib.import_module(SUBCOMMANDS[name][0])


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per task.

    Given the command line it will parse, only the chosen subcommand's options are built (the
    others' modules stay unimported, which keeps ``--help`` and each command quick to start);
    without one, every subcommand is built in full.
    """
    parser = argparse.ArgumentParser(
        prog="simotui",
        description="A terminal console for the Simotel PBX HTTP API v4.",
        epilog="Exit codes: 0 ok, 1 other failure, 2 usage, 3 configuration, 4 credentials or "
        "permission refused, 5 unreachable or timed out, 6 API error, 7 call not answered "
        "(originate --wait), 8 refused: read-only profile, nothing sent, 130 interrupted.",
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
    chosen = _chosen_command(argv)
    if chosen in ("sim", "*"):
        _add_sim(commands)
    else:
        commands.add_parser("sim", help=SIM_HELP)
    parent = connection_parent()
    for name, (_module, summary) in SUBCOMMANDS.items():
        if name == chosen or chosen == "*":
            command_module(name).register(commands, parent)
        else:
            commands.add_parser(name, help=summary)
    return parser


def _chosen_command(argv: Sequence[str] | None) -> str | None:
    """The subcommand named on the command line (``*``: all of them, when it cannot be told)."""
    if argv is None:
        return "*"
    words = list(argv)
    for word in words:
        if word in SUBCOMMANDS:
            return word
        if word == "sim":
            return "sim"
    return None


SIM_HELP = "run the Simotel v4 simulator in the foreground"


def _add_sim(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # The same options as the standalone simotel-sim, except that the control plane is off
    # unless asked for (--control): this is the simulator a person runs by hand.
    from simotui.sim.cli import add_arguments

    sim = commands.add_parser(
        "sim",
        help=SIM_HELP,
        description="Run a simulated Simotel v4 server on loopback (Ctrl-C stops it).",
    )
    add_arguments(sim, control=False)
    sim.set_defaults(run=_run_sim)


def _run_sim(args: argparse.Namespace) -> int:
    from simotui.sim import serve
    from simotui.sim.cli import config_from

    serve(config_from(args), host=args.host, port=args.port)
    return ExitCode.OK


def _run_console(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from simotui import paths
    from simotui.commands.common import connect
    from simotui.events.link import running_receiver
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
        with running_bridge(settings.hooks) as bridge, running_receiver(settings.events) as events:
            app = make_app(
                settings,
                bridge=bridge,
                http_log=http_log,
                journal=journal,
                profiles=tuple(connection.config.profiles),
                keys=connection.config.keys,
                events=events,
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
    print("simotui: starting the demo simulator, bridge responder and event receiver…", file=sys.stderr)
    # The demo PBX is new every time: its calls go to a journal of their own, not the user's.
    with tempfile.TemporaryDirectory(prefix="simotui-demo-") as scratch:
        journal = Journal(Path(scratch) / "journal.sqlite3")
        with demo_session(seed=args.seed, speed=args.speed, poll_interval=interval) as session:
            app = make_app(
                session.settings, bridge=session.bridge, journal=journal, keys=keys, events=session.events
            )
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
    if argv is None:
        argv = sys.argv[1:]
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
