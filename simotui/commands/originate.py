"""``simotui originate``: dial a two-way call once, journal it, and optionally follow it to its end.

The command line drives the same call core as the console: a
:class:`~simotui.calls.tracker.CallTracker` places the dial (journalled before it is sent, never
retried), and ``--wait`` runs its poll cycles until the call's state is final. A lost answer
(a gateway's 502, a timeout after sending, a broken body) leaves the call "may have been placed":
without ``--wait`` that is reported (exit 5 or 6); with it, the reports are searched until the
call is found and followed — or its deadline passes with no trace of it.

Times are the PBX's: a ping before the dial reads its clock from the ``Date`` of its answer (and
checks the credentials before anything is placed).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
from typing import Any

from simotui.api.models import OriginateRequest
from simotui.calls.clock import PbxClock
from simotui.calls.journal import JournalWriter
from simotui.calls.model import Call
from simotui.calls.poller import PollLoop
from simotui.calls.states import CallState
from simotui.calls.tracker import CallTracker
from simotui.commands.args import ExitCode, UsageError
from simotui.commands.common import Connection, connect, say
from simotui.dialing import check_dial, default_values
from simotui.errors import ApiUnavailable, ReadOnlyRefused, SimotuiError
from simotui.export import cell, to_json
from simotui.store.journal import Journal

# --wait on a profile that polls only on demand still has to poll.
WAIT_INTERVAL = 3.0
FLAGS = {
    "caller": "--caller",
    "callee": "--callee",
    "context": "--context",
    "caller_id": "--caller-id",
    "trunk_name": "--trunk",
    "timeout": "--timeout",
    "call_limit": "--call-limit",
}


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    """Add ``originate``."""
    parser = commands.add_parser(
        "originate",
        parents=[parent],
        help="dial a two-way call (caller first, then callee); --wait follows it to its end",
        description="Send one originate (never retried: a timeout leaves the outcome unknown). Unset "
        "fields take the profile's [dial] defaults. Prints the originated call id, or with --wait the "
        "call's outcome. Exit 7 with --wait when the call ended unanswered or left no CDR.",
    )
    parser.add_argument("--caller", required=True, help="the party rung first")
    parser.add_argument("--callee", required=True, help="the party bridged once the caller answers")
    parser.add_argument("--context", help="dialplan context (default: the profile's, else main_routing)")
    parser.add_argument("--caller-id", help="caller ID to present (default: the caller's own number)")
    parser.add_argument("--trunk", dest="trunk_name", help="trunk that reaches a PSTN caller")
    parser.add_argument("--timeout", help="seconds the caller may ring (default 30)")
    parser.add_argument("--call-limit", help="maximum talk seconds (default: none)")
    parser.add_argument("--wait", action="store_true", help="follow the call until its outcome is known")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.set_defaults(run=run)


def build_request(args: argparse.Namespace, connection: Connection) -> OriginateRequest:
    """The request from the flags over the profile's dial defaults, checked like the dial form."""
    values = default_values(connection.settings.dial)
    for name in FLAGS:
        given = getattr(args, name, None)
        if given is not None:
            values[name] = given
    # The form's rules, the form's normalisation: '۵۵۷' is 557, '+98 912 …' is 0912….
    check = check_dial(values, country_code=connection.settings.country_code)
    if check.request is None:
        problems = "; ".join(f"{FLAGS[name]}: {message}" for name, message in check.errors.items())
        raise UsageError(problems)
    return check.request


def run(args: argparse.Namespace) -> int:
    """Dial, journal, and print (or follow) the call."""
    connection = connect(args)
    if connection.settings.read_only:
        raise ReadOnlyRefused(f"profile {connection.settings.profile!r} is read-only: originate was not sent")
    request = build_request(args, connection)
    journal = open_journal(connection)
    writer = JournalWriter(journal, connection.settings.profile)
    try:
        return asyncio.run(_originate(args, connection, writer, request))
    except KeyboardInterrupt:
        if args.wait:
            say("simotui: stopped waiting; the call stays in the journal as in flight")
        raise
    finally:
        writer.close()


def open_journal(connection: Connection) -> Journal:
    """The journal, or a clear error before anything is sent."""
    try:
        return connection.journal()
    except (sqlite3.Error, OSError) as exc:
        raise SimotuiError(f"cannot open the journal ({exc}); nothing was sent", title="Journal") from None


async def _originate(
    args: argparse.Namespace, connection: Connection, journal: JournalWriter, request: OriginateRequest
) -> int:
    settings = connection.settings
    async with connection.client() as client:
        tracker = CallTracker(
            client, clock=PbxClock(), tz=connection.tz, journal=journal, page_size=settings.page_size
        )
        client.observer = tracker.observe
        # Credentials and the PBX's clock, before anything is placed.
        await client.setting.ping()
        call = tracker.confirm(tracker.propose(request))
        assert call is not None
        outcome = await tracker.send(call.key)
        call = outcome.call
        if outcome.journal_warning:
            say(f"simotui: warning: {outcome.journal_warning}")
        if call.state in (CallState.REFUSED, CallState.NOT_SENT):
            assert outcome.error is not None
            raise outcome.error
        if call.state is CallState.MAYBE_PLACED:
            say(
                f"simotui: the answer was lost ({call.note}): the call MAY HAVE BEEN PLACED. It was NOT "
                "retried"
                + ("; looking for it in the reports…" if args.wait else "; check `simotui cdr search`.")
            )
            if not args.wait:
                _print_outcome(call, args.json, connection)
                failure = outcome.error
                return ExitCode.UNREACHABLE if isinstance(failure, ApiUnavailable) else ExitCode.API
        elif not args.wait:
            if args.json:
                print(
                    to_json(
                        {"originated_call_id": call.call_id, "key": call.key, "accepted_at": call.started_at}
                    )
                )
            else:
                print(call.call_id)
            return ExitCode.OK
        else:
            say(
                f"simotui: {call.call_id} accepted; waiting for its CDR (without one by "
                f"{call.deadline.astimezone(connection.tz):%H:%M:%S} the call is marked 'no CDR')"
            )
        final = await follow(tracker, call.key, interval=settings.poll_interval or WAIT_INTERVAL)
    _print_outcome(final, args.json, connection)
    return ExitCode.OK if final.state is CallState.ANSWERED else ExitCode.NOT_ANSWERED


async def follow(tracker: CallTracker, key: str, *, interval: float) -> Call:
    """Poll until the call is final, telling the terminal of each new state; return the call."""
    loop = PollLoop(tracker, report=lambda _report: None, interval=interval)
    shown = tracker.calls[key].state
    while True:
        call = tracker.calls[key]
        if call.state is not shown:
            say(f"simotui: {call.key}: {call.state.value} — {call.meaning}")
            shown = call.state
        if call.state.is_final:
            return call
        report = await loop.cycle()
        if report.error is not None:
            say(
                f"simotui: poll failed ({report.error.title}: {report.error.message}); next try in {report.retry_in:g} s"
            )
        await asyncio.sleep(report.retry_in or interval)


def outcome(call: Call) -> dict[str, Any]:
    """The JSON object printed for a call (``--json``)."""
    leg = call.main_leg
    return {
        "key": call.key,
        "originated_call_id": call.call_id or None,
        "state": call.state.value,
        "placement": call.placement.value,
        "answer_lost": bool(call.note) and call.placement.value in ("unknown", "found"),
        "note": call.note or None,
        "disposition": str(call.disposition) if call.disposition else None,
        "outcome": call.meaning,
        "billsec": leg.billsec if leg else None,
        "wait": leg.wait if leg else None,
        "cuid": leg.cuid if leg else None,
        "record": leg.record if leg else None,
        "requested_at": call.requested_at,
        "accepted_at": call.started_at if call.placement.placed else None,
        "completed_at": call.ended_at,
        "mode": call.mode.value,
        "request": dict(call.dial.to_api()) if isinstance(call.dial, OriginateRequest) else None,
        "legs": [cdr.raw for cdr in call.legs],
    }


def _print_outcome(call: Call, as_json: bool, connection: Connection) -> None:
    if as_json:
        print(to_json(outcome(call)))
        return
    leg = call.main_leg
    name = call.call_id or call.key
    if leg is None:
        print(f"{name}  {call.state.value}  ({call.meaning})")
        return
    ended = cell(call.ended_at, connection.tz)
    print(
        f"{name}  {call.state.value}  {call.disposition}  billsec {leg.billsec}  wait {leg.wait}"
        f"  cuid {leg.cuid}  ended {ended}"
    )
