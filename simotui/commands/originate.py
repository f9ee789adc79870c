"""``simotui originate``: dial a two-way call once, journal it, and optionally follow it to its end.

``--wait`` follows the call as the live panel does: a :class:`~simotui.tracking.CallBook`, one
:func:`~simotui.poller.fetch_pending_cdrs` cycle every poll interval (backing off while the server
is away), until the call is *completed* (a CDR matched its ``originated_call_id``) or *no CDR*
(its deadline passed without one). Times follow the PBX's clock, read from the epoch in the
originate id, so a PBX whose clock is off still gets the right CDR window.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from simotui.api.client import SimotelClient
from simotui.api.models import OriginateRequest, OriginateResult
from simotui.commands.common import (
    Connection,
    ExitCode,
    UsageError,
    connect,
    say,
)
from simotui.dialing import check_dial, default_values
from simotui.errors import ApiTimeout, ApiUnavailable, SimotuiError
from simotui.export import cell, to_json
from simotui.poller import next_backoff, poll_cycle
from simotui.store.journal import Journal
from simotui.store.restore import ORIGINATE
from simotui.tracking import CallBook, CallState, TrackedCall, outcome_text

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

Clock = Callable[[], datetime]


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
    check = check_dial(values)
    if check.request is None:
        problems = "; ".join(f"{FLAGS[name]}: {message}" for name, message in check.errors.items())
        raise UsageError(problems)
    return check.request


def run(args: argparse.Namespace) -> int:
    """Dial, journal, and print (or follow) the call."""
    connection = connect(args)
    request = build_request(args, connection)
    journal = open_journal(connection)
    try:
        return asyncio.run(_originate(args, connection, journal, request))
    except KeyboardInterrupt:
        if args.wait:
            say("simotui: stopped waiting; an accepted call stays in the journal as in flight")
        raise
    finally:
        journal.close()


def open_journal(connection: Connection) -> Journal:
    """The journal, or a clear error before anything is sent."""
    try:
        return connection.journal()
    except (sqlite3.Error, OSError) as exc:
        raise SimotuiError(f"cannot open the journal ({exc}); nothing was sent", title="Journal") from None


@dataclass(frozen=True, slots=True)
class ServerClock:
    """The PBX's time, as far as we can tell: our clock plus the offset seen at acceptance."""

    offset: timedelta = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    @classmethod
    def at_acceptance(cls, result: OriginateResult, local_now: datetime) -> ServerClock:
        """The offset from the epoch Simotel put in the originate id (none when it has none)."""
        if result.accepted_epoch is None:
            return cls()
        return cls(datetime.fromtimestamp(result.accepted_epoch, UTC) - local_now)


async def _originate(
    args: argparse.Namespace, connection: Connection, journal: Journal, request: OriginateRequest
) -> int:
    async with connection.client() as client:
        call, clock = await send(client, journal, request, connection.settings.profile)
        if not args.wait:
            if args.json:
                print(to_json({"originated_call_id": call.call_id, "accepted_at": call.accepted_at}))
            else:
                print(call.call_id)
            return ExitCode.OK
        say(
            f"simotui: {call.call_id} accepted; waiting for its CDR (without one by "
            f"{call.deadline.astimezone(connection.tz):%H:%M:%S} the call is marked 'no cdr')"
        )
        interval = connection.settings.poll_interval or WAIT_INTERVAL
        final, reachable = await follow(
            client, journal, call, interval=interval, page_size=connection.settings.page_size, clock=clock
        )
    _print_outcome(final, args.json, connection)
    if final.state is CallState.NO_CDR and not reachable:
        raise ApiUnavailable(
            f"{final.call_id}: the deadline passed while the server could not be asked; "
            "the outcome is unknown"
        )
    answered = final.disposition is not None and final.disposition.is_answered
    return ExitCode.OK if answered else ExitCode.NOT_ANSWERED


async def send(
    client: SimotelClient, journal: Journal, request: OriginateRequest, profile: str
) -> tuple[TrackedCall, ServerClock]:
    """Journal the request, send it once, journal the answer; return the call to track.

    Raises:
        SimotuiError: the originate failed; an :class:`ApiTimeout` means the outcome is unknown.
    """
    try:
        request_id = journal.record_request(ORIGINATE, request.to_api(), profile)
    except sqlite3.Error as exc:
        raise SimotuiError(f"cannot write the journal ({exc}); nothing was sent", title="Journal") from None
    try:
        result = await client.calls.originate(request)
    except SimotuiError as error:
        _journal_safely(journal.record_failed, request_id, error)
        if isinstance(error, ApiTimeout):
            say(
                "simotui: no answer from Simotel: the call may or may not have been placed. It was NOT "
                "retried; check `simotui cdr search` before dialling again."
            )
        raise
    local_now = datetime.now(UTC)
    clock = ServerClock.at_acceptance(result, local_now)
    accepted_at = clock()
    _journal_safely(journal.record_accepted, request_id, result.originated_call_id, accepted_at)
    return TrackedCall(result.originated_call_id, request, accepted_at=accepted_at), clock


async def follow(
    client: SimotelClient,
    journal: Journal,
    call: TrackedCall,
    *,
    interval: float,
    page_size: int,
    clock: Clock,
) -> tuple[TrackedCall, bool]:
    """Poll until the call is final; return it and whether the last poll reached the server."""
    book = CallBook()
    book.add(call)
    backoff = 0.0
    reachable = True
    while True:
        calls = list(book.calls.values())
        if any(c.wants_cdrs or c.wants_reports for c in calls):
            try:
                result = await poll_cycle(client, calls, clock(), page_size)
            except SimotuiError as error:
                backoff = next_backoff(backoff, interval)
                reachable = False
                say(f"simotui: poll failed ({error.title}: {error.message}); next try in {backoff:g} s")
                # Deadlines still pass while the server is away; only CDRs need the server.
                changed = book.expire(clock())
            else:
                backoff = 0.0
                reachable = True
                now = clock()
                changed = book.apply_reports(result.reports, now) | book.apply_cdrs(result.cdrs, now)
        else:
            changed = book.expire(clock())
        for call_id in changed:
            _journal_state(journal, book.calls[call_id])
        current = book.calls[call.call_id]
        if current.state.is_final:
            return current, reachable
        await asyncio.sleep(backoff or interval)


def _journal_state(journal: Journal, call: TrackedCall) -> None:
    leg = call.main_leg
    details: dict[str, Any] = {"legs": [cdr.id for cdr in call.legs]}
    if leg is not None:
        details.update(cuid=leg.cuid, wait=leg.wait)
    if call.completed_at is not None:
        details["completed_at"] = call.completed_at.isoformat()
    _journal_safely(
        journal.record_state,
        call.call_id,
        call.state.value,
        str(call.disposition) if call.disposition else None,
        leg.billsec if leg else None,
        details,
        final=call.state.is_final,
    )


def _journal_safely(write: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    # Once the server has spoken, a journal failure must not hide its answer from the user.
    try:
        write(*args, **kwargs)
    except (sqlite3.Error, OSError) as exc:
        say(f"simotui: warning: could not write the journal ({exc})")


def request_body(call: TrackedCall) -> dict[str, Any]:
    """The request a call was placed with, as JSON."""
    if isinstance(call.request, OriginateRequest):
        return dict(call.request.to_api())
    return dataclasses.asdict(call.request)


def outcome(call: TrackedCall) -> dict[str, Any]:
    """The JSON object ``--wait --json`` prints."""
    leg = call.main_leg
    return {
        "originated_call_id": call.call_id,
        "state": call.state.value,
        "disposition": str(call.disposition) if call.disposition else None,
        "outcome": outcome_text(call),
        "billsec": leg.billsec if leg else None,
        "wait": leg.wait if leg else None,
        "cuid": leg.cuid if leg else None,
        "record": leg.record if leg else None,
        "accepted_at": call.accepted_at,
        "completed_at": call.completed_at,
        "mode": call.mode.value,
        "request": request_body(call),
        "legs": [cdr.raw for cdr in call.legs],
    }


def _print_outcome(call: TrackedCall, as_json: bool, connection: Connection) -> None:
    if as_json:
        print(to_json(outcome(call)))
        return
    leg = call.main_leg
    if leg is None:
        print(f"{call.call_id}  {call.state.value}  ({outcome_text(call)})")
        return
    ended = cell(call.completed_at, connection.tz)
    print(
        f"{call.call_id}  {call.state.value}  {call.disposition}  billsec {leg.billsec}  wait {leg.wait}"
        f"  cuid {leg.cuid}  ended {ended}"
    )
