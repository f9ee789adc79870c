"""``simotui locate config|journal|log``: where simotui keeps a file."""

from __future__ import annotations

import argparse

from simotui import paths
from simotui.commands.args import ExitCode

LOCATIONS = {"config": paths.config_file, "journal": paths.journal_path, "log": paths.log_file}


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add ``locate``."""
    parser = commands.add_parser(
        "locate",
        help="print where simotui keeps its config, journal or log",
        description="Print the path of a file simotui uses (it may not exist yet).",
    )
    parser.add_argument("what", choices=sorted(LOCATIONS))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the path."""
    print(LOCATIONS[args.what]())
    return ExitCode.OK
