"""``simotui history``: the journal's requests and cancelled confirmations, with who did each.

Reads the journal only: no Simotel is asked anything, and a journal that does not exist yet is
an empty history (it is not created).
"""

from __future__ import annotations

import argparse
import sys

from simotui.commands.args import ExitCode
from simotui.flags import whole_number


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add ``history``."""
    parser = commands.add_parser(
        "history",
        help="the journal's dials and cancelled confirmations, newest first, with who did each",
        description="Print the journal's requests (with their call's latest state) and the "
        "confirmations answered no, newest first, each with its operator (OS user, SSH address, host).",
    )
    parser.add_argument("--search", default="", help="only rows whose numbers, ids, states or operator match")
    parser.add_argument(
        "--limit", type=whole_number, default=100, help="at most this many rows (default 100)"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the history."""
    from simotui import paths
    from simotui.calls.audit import history_rows
    from simotui.calls.journal import JournalWriter
    from simotui.config import load_config
    from simotui.export import JsonArrayWriter
    from simotui.store.journal import Journal

    path = paths.journal_path()
    rows = []
    if path.exists():
        # The config's limits, not the defaults: opening a journal prunes it.
        kept = load_config().journal
        journal = Journal(path, retention_days=kept.retention_days, max_calls=kept.max_calls)
        writer = JournalWriter(journal, "", operator={})
        try:
            rows = history_rows(writer, args.search, args.limit)
        finally:
            writer.close()
    if args.json:
        out = JsonArrayWriter(sys.stdout)
        out.write_all(row.to_json() for row in rows)
        out.close()
        return ExitCode.OK
    for row in rows:
        print(
            "  ".join(
                (
                    f"{row.at.astimezone():%Y-%m-%d %H:%M:%S}",
                    row.profile,
                    row.mode,
                    f"{row.caller} → {row.callee}",
                    row.state,
                    row.who,
                )
            )
        )
    return ExitCode.OK
