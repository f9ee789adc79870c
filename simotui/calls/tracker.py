"""CallTracker: the one owner of every call's life, shared by the console and the command line.

It holds the book of calls and is the only thing that changes it. What it offers:

- **Placing a dial, exactly once.** :meth:`CallTracker.propose` turns a dial into a
  :class:`Proposal` showing the exact request; only :meth:`CallTracker.confirm` makes it a call,
  once; only :meth:`CallTracker.send` sends it, once. While a proposal is open, no second one
  exists; while a dial is being sent, the same dial cannot be proposed again. Nothing is ever
  retried: an answer lost after Simotel may have acted on it leaves the call "may have been
  placed", and the polls find out.
- **A poll cycle** (:meth:`CallTracker.poll`): plan, fetch, apply (see :mod:`simotui.calls.polling`).
- **Evidence from elsewhere**: a bridge the responder handed on (:meth:`CallTracker.bridge_seen`).
  Pushed Simotel events (:meth:`CallTracker.events_seen`) add progress facts, never a final
  state (see :mod:`simotui.calls.pushed`).
- **Campaign cleanup** once a campaign call is final, and **restore** after a restart.

Every change is journalled (by :class:`~simotui.calls.journal.JournalWriter`) and reported to
``on_change`` with the keys that changed. All methods run on one thread (the event loop's).
"""

from __future__ import annotations

import asyncio
import gc
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Any

from simotui.api.client import Exchange, SimotelClient
from simotui.api.models import CampaignRequest, OriginateRequest
from simotui.calls.book import CallBook
from simotui.calls.bridges import BridgeBook, BridgeTarget
from simotui.calls.clock import Clock, PbxClock
from simotui.calls.dials import CallMode, CampaignDial, Dial, campaign_name
from simotui.calls.journal import JournalError, JournalWriter, call_from_entry
from simotui.calls.model import CLEANUP_FAILED, CLEANUP_PENDING, Call, Placement
from simotui.calls.polling import PollResult, fetch_cycle, plan_cycle
from simotui.errors import NOT_SENT_CODES, ReadOnlyRefused, SimotuiError, may_have_been_processed
from simotui.events import models as ev

ORIGINATE_SERVICE = "call/originate/act"
CAMPAIGN_SERVICE = "autodialer/campaigns/add"
CLEANUP_KEPT = "campaign kept (removal off)"
CLEANUP_READ_ONLY = "campaign kept (read-only profile)"
# CDRs matched to calls between two turns of the event loop.
APPLY_CHUNK = 500
# A window of more CDRs than this is read with the garbage collector held off (see poll).
BIG_WINDOW = 2000
CLEANUP_DONE = "campaign removed"

ChangeListener = Callable[[set[str]], None]


class ProposalState(StrEnum):
    """Where a proposal is."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


@dataclass(slots=True)
class Proposal:
    """One intent waiting for the user's answer, with exactly what will be sent if confirmed."""

    key: str
    dial: Dial
    service: str
    body: dict[str, Any]
    campaign: CampaignRequest | None = None
    campaign_name: str = ""
    warning: str = ""
    """Something the user must read before answering (another call to the same parties...)."""
    state: ProposalState = ProposalState.OPEN


@dataclass(slots=True)
class ProposalBatch:
    """Several intents behind one question (a redial of marked rows): one answer for them all,
    and each proposal places at most one call, exactly as if it had been asked alone."""

    proposals: list[Proposal]
    state: ProposalState = ProposalState.OPEN


class DialBlocked(SimotuiError):
    """A dial cannot be proposed now: another confirmation is open, or this dial is being sent."""

    default_title = "Not dialled"


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """What one send became: the call as it now stands, the error if any, a journal warning."""

    call: Call
    error: SimotuiError | None = None
    journal_warning: str | None = None


@dataclass(slots=True)
class _Counts:
    sent: int = 0
    cycles: int = 0


@dataclass(slots=True)
class CallTracker:
    """Every call of one profile, from its proposal to its end (see the module docstring).

    Args:
        client: the Simotel client (its observer feeds the PBX clock when ``clock`` is one).
        clock: the PBX's time (a :class:`PbxClock`, or a test's clock).
        tz: the PBX's time zone (campaign names and windows are PBX-local).
        journal: where requests and states are recorded and restored from.
        bridges: the book the bridge responder answers from.
        page_size: records per page of every poll search.
        remove_finished_campaigns: remove a campaign call's campaign once the call is final.
    """

    client: SimotelClient
    clock: Clock
    tz: tzinfo
    journal: JournalWriter = field(default_factory=lambda: JournalWriter(None, "default"))
    bridges: BridgeBook = field(default_factory=BridgeBook)
    page_size: int = 500
    remove_finished_campaigns: bool = True
    on_change: ChangeListener | None = None
    new_key: Callable[[], str] = field(default=lambda: secrets.token_hex(4))
    book: CallBook = field(default_factory=CallBook)
    _open: Proposal | ProposalBatch | None = None
    _confirmed: dict[str, Proposal] = field(default_factory=dict)
    _sent: set[str] = field(default_factory=set)
    counts: _Counts = field(default_factory=_Counts)
    tail: datetime | None = None
    """The PBX time up to which the CDR cursor has read every insert (see :mod:`simotui.calls.polling`)."""
    _window_rows: int | None = None
    _cursor_requests: int | None = None

    @property
    def calls(self) -> Mapping[str, Call]:
        """Every call by key, in the order they were placed."""
        return self.book.calls

    def observe(self, exchange: Exchange) -> None:
        """Learn the PBX's time from an answer (the client's observer calls this)."""
        if isinstance(self.clock, PbxClock):
            self.clock.observe_header(exchange.server_date, exchange.received)

    def _changed(self, keys: set[str]) -> set[str]:
        if not keys:
            return keys
        now = self.clock()
        for key in keys:
            call = self.book.calls[key]
            if call.placement is not Placement.SENDING:
                # A request is journalled by send() before it leaves; until then there is no row.
                self.journal.record_state(call, now)
            if call.mode is CallMode.CAMPAIGN and call.state.is_final:
                self.bridges.forget(key)
        if self.on_change is not None:
            self.on_change(keys)
        return keys

    # -- intents ------------------------------------------------------------------------------

    @property
    def open_proposal(self) -> Proposal | ProposalBatch | None:
        """The proposal (or batch) waiting for the user's answer, if any."""
        return self._open

    @property
    def read_only(self) -> bool:
        """A read-only profile: nothing is proposed, sent or removed (the client refuses it too)."""
        return bool(getattr(self.client, "read_only", False))

    def propose(self, dial: Dial) -> Proposal:
        """The exact request a dial would send, for the user to confirm.

        Raises:
            ReadOnlyRefused: the profile is read-only.
            DialBlocked: a confirmation is already open, or the same dial is being sent.
        """
        if self.read_only:
            raise ReadOnlyRefused("this profile is read-only: dialling is off")
        if self._open is not None:
            raise DialBlocked("a confirmation is already open: answer it first")
        proposal = self._proposal(dial, taken=set())
        self._open = proposal
        return proposal

    def propose_batch(self, dials: list[Dial]) -> ProposalBatch:
        """One question for several dials (each as :meth:`propose` would make it), or none.

        Raises:
            ReadOnlyRefused: the profile is read-only.
            DialBlocked: a confirmation is open, a dial is being sent, or there is nothing to dial.
        """
        if self.read_only:
            raise ReadOnlyRefused("this profile is read-only: dialling is off")
        if self._open is not None:
            raise DialBlocked("a confirmation is already open: answer it first")
        if not dials:
            raise DialBlocked("nothing to dial")
        taken: set[str] = set()
        proposals = []
        for dial in dials:
            proposal = self._proposal(dial, taken)
            taken.add(proposal.key)
            proposals.append(proposal)
        batch = ProposalBatch(proposals)
        self._open = batch
        return batch

    def _proposal(self, dial: Dial, taken: set[str]) -> Proposal:
        sending = [c for c in self.book if c.dial == dial and c.placement is Placement.SENDING]
        if sending:
            raise DialBlocked(f"{dial.caller} → {dial.callee} is being sent right now")
        key = self.new_key()
        while key in self.book or key in self._confirmed or key in taken:
            key = self.new_key()
        warning = self._repeat_warning(dial)
        if isinstance(dial, CampaignDial):
            now = self.clock()
            name = campaign_name(key, now, self.tz, dial.caller)
            request = dial.campaign_request(name, now)
            proposal = Proposal(
                key, dial, CAMPAIGN_SERVICE, request.to_api(self.tz), request, name, warning=warning
            )
        else:
            proposal = Proposal(key, dial, ORIGINATE_SERVICE, dict(dial.to_api()), warning=warning)
        return proposal

    def _repeat_warning(self, dial: Dial) -> str:
        maybe = [
            c
            for c in self.book
            if c.dial == dial and c.placement is Placement.UNKNOWN and not c.state.is_final
        ]
        if maybe:
            return (
                f"An earlier dial of {dial.caller} → {dial.callee} may have been placed (its answer was "
                "lost) and is still being looked for: this would be a second call."
            )
        return ""

    def cancel(self, proposal: Proposal) -> bool:
        """The user said no: nothing is sent. False when the proposal was not open."""
        if proposal.state is not ProposalState.OPEN:
            return False
        proposal.state = ProposalState.CANCELLED
        if self._open is proposal:
            self._open = None
        # Who said no, to what, is part of "who did what".
        self.journal.record_cancelled(proposal.key, proposal.dial, proposal.body, self.clock())
        return True

    def cancel_batch(self, batch: ProposalBatch) -> bool:
        """The user said no to a batch: nothing is sent. False when it was not open."""
        if batch.state is not ProposalState.OPEN:
            return False
        batch.state = ProposalState.CANCELLED
        if self._open is batch:
            self._open = None
        now = self.clock()
        for proposal in batch.proposals:
            proposal.state = ProposalState.CANCELLED
            self.journal.record_cancelled(proposal.key, proposal.dial, proposal.body, now)
        return True

    def confirm_batch(self, batch: ProposalBatch) -> list[Call]:
        """The user said yes to a batch: one call per proposal, to send (once each); [] if not open."""
        if batch.state is not ProposalState.OPEN or self._open is not batch:
            return []
        batch.state = ProposalState.CONFIRMED
        self._open = None
        return [
            self._confirmed_call(proposal)
            for proposal in batch.proposals
            if proposal.state is ProposalState.OPEN
        ]

    def confirm(self, proposal: Proposal) -> Call | None:
        """The user said yes: the proposal becomes a call to send (once). None if it was not open."""
        if proposal.state is not ProposalState.OPEN or self._open is not proposal:
            return None
        self._open = None
        return self._confirmed_call(proposal)

    def _confirmed_call(self, proposal: Proposal) -> Call:
        proposal.state = ProposalState.CONFIRMED
        call = Call(
            key=proposal.key,
            dial=proposal.dial,
            requested_at=self.clock(),
            campaign_name=proposal.campaign_name,
        )
        self._confirmed[call.key] = proposal
        self.book.add(call)
        dial = proposal.dial
        if isinstance(dial, CampaignDial):
            # Registered before the campaign exists: the first party may answer, and Simotel ask
            # the responder, before the add's answer reaches us.
            self.bridges.expect(
                BridgeTarget(call.key, dial.caller, dial.callee, dial.trunk_name, dial.call_limit)
            )
        self._changed({call.key})
        return call

    async def send(self, key: str) -> SendOutcome:
        """Send a confirmed call's request — once, whatever happens; a second call returns the first's.

        Never retried. A documented refusal makes the call *refused*, a request that never left
        *not sent*, anything else after it may have been processed *may have been placed*. The
        answer is journalled before anyone is told of it.
        """
        call = self.book.get(key)
        proposal = self._confirmed.pop(key, None)
        if call is None:
            raise KeyError(f"no call {key!r}")
        if key in self._sent or proposal is None:
            return SendOutcome(call)
        self._sent.add(key)
        # The send window starts now, not at the confirmation: a lost answer is looked for here.
        call = replace(call, requested_at=self.clock())
        self.book.add(call)
        try:
            await self.journal.record_request(call, proposal.body)
        except JournalError as error:
            settled = self._settle(call, Placement.NOT_SENT, note=error.message)
            self._changed({key})
            return SendOutcome(settled, error)
        self.counts.sent += 1
        error_code: str | None = None
        failure: SimotuiError | None = None
        try:
            if isinstance(call.dial, OriginateRequest):
                result = await self.client.calls.originate(call.dial)
                settled = self._settle(call, Placement.ACCEPTED, call_id=result.originated_call_id)
            else:
                assert proposal.campaign is not None
                campaign_id = await self.client.autodialer.add_campaign(proposal.campaign)
                settled = self._settle(call, Placement.ACCEPTED, campaign_id=campaign_id)
        except SimotuiError as error:
            failure = error
            error_code = getattr(error, "code", None)
            if may_have_been_processed(error):
                placement = Placement.UNKNOWN
            elif error_code in NOT_SENT_CODES:
                placement = Placement.NOT_SENT
            else:
                placement = Placement.REFUSED
            settled = self._settle(call, placement, note=f"{error.title}: {error.message}")
        except Exception as exc:  # anything of ours after the request may have left: not a refusal
            note = f"internal error while sending: {type(exc).__name__}: {exc}"
            failure = SimotuiError(note, title="Internal error")
            settled = self._settle(call, Placement.UNKNOWN, note=note)
        warning = await self.journal.record_answer(settled, error_code)
        self._changed({key})
        return SendOutcome(self.book.calls[key], failure, warning)

    def _settle(
        self, call: Call, placement: Placement, *, note: str = "", call_id: str = "", campaign_id: str = ""
    ) -> Call:
        # From the book's copy: while the request was out, pushed events may have added facts
        # (the first party's phone rings before the originate's answer arrives).
        call = self.book.calls.get(call.key, call)
        settled = replace(
            call,
            placement=placement,
            answered_at=self.clock(),
            note=note,
            call_id=call_id or call.call_id,
            campaign_id=campaign_id or call.campaign_id,
        )
        if placement in (Placement.REFUSED, Placement.NOT_SENT):
            self.bridges.forget(call.key)
        self.book.add(settled)
        return settled

    # -- polling ------------------------------------------------------------------------------

    def wants_polling(self) -> bool:
        """Whether any call waits for something a poll can find."""
        return any(call.wants_polling for call in self.book)

    async def poll(self) -> tuple[PollResult, set[str]]:
        """One cycle: plan the searches, run them, apply what they found.

        Raises:
            SimotuiError: a search failed; nothing changed (no deadline passes on a failed poll).
        """
        plan = plan_cycle(self.book, self.clock(), self.tail, prefer_window=self._window_is_cheaper())
        big = plan.cdr_window is not None and (self.tail is None or (self._window_rows or 0) > BIG_WINDOW)
        if not big:
            result = await fetch_cycle(self.client, plan, self.page_size)
        else:
            # A first window (a restore) can hold thousands of CDRs. While they are read, the cyclic
            # garbage collector is held off — with tens of thousands of live records one of its full
            # passes stalls the event loop for a fifth of a second — and, when there were that many,
            # what survives is frozen out of its way. Calls and records are acyclic, so reference
            # counting still frees them.
            with _collector_held() as held:
                result = await fetch_cycle(self.client, plan, self.page_size)
                held.freeze = len(result.cdrs) > BIG_WINDOW
        if len(result.cdrs) <= APPLY_CHUNK:
            return result, self.apply_poll(result)
        # Thousands of CDRs at once (a restore after a long stop): applied a chunk at a time,
        # so the keys a user types are read in between.
        changed: set[str] = set()
        rows = result.cdrs
        for start in range(0, len(rows), APPLY_CHUNK):
            chunk = replace(result, cdrs=rows[start : start + APPLY_CHUNK], campaigns=(), reports=())
            changed |= self._changed(self.book.apply_cdrs(chunk.cdrs))
            await asyncio.sleep(0)
        changed |= self.apply_poll(replace(result, cdrs=()))
        return result, changed

    def _window_is_cheaper(self) -> bool:
        # Both estimates come from the last time each ran: the window holds about as many rows as
        # it did, and the cursor reads about as many inserts a cycle as it did.
        if self._cursor_requests is None or self._window_rows is None:
            return False
        window_requests = self._window_rows // self.page_size + 1
        return window_requests < self._cursor_requests

    def apply_poll(self, result: PollResult) -> set[str]:
        """Match a cycle's records to calls; a complete cycle moves its calls' deadlines forward."""
        self.counts.cycles += 1
        plan = result.plan
        now = plan.as_of
        changed = self.book.apply_campaigns(result.campaigns)
        changed |= self.book.apply_reports(result.reports, now)
        changed |= self.book.apply_cdrs(result.cdrs)
        if not result.truncated:
            changed |= self.book.apply_coverage(plan.keys, now)
        if result.window_rows is not None:
            self._window_rows = result.window_rows
        if result.cursor_requests is not None:
            self._cursor_requests = result.cursor_requests
        if result.cdrs_read:
            # The cursor alone proves nothing final: its coverage stops just short of a deadline.
            changed |= self.book.apply_coverage(plan.tailed, now, short_of_deadline=True)
            if plan.cdr_window is not None or plan.cursor_from is not None:
                self.tail = now
        return self._changed(changed)

    # -- evidence from elsewhere ------------------------------------------------------------------

    def events_seen(self, events: Iterable[ev.Event]) -> tuple[set[str], set[str]]:
        """Pushed events arrived: the keys of the calls they moved, and of those whose CDR was pushed."""
        changed, cdr_pushed = self.book.apply_events(events, self.clock())
        return self._changed(changed), cdr_pushed

    def bridge_seen(self, key: str, unique_id: str) -> set[str]:
        """The responder handed a campaign call on to its second party under ``unique_id``."""
        return self._changed(self.book.apply_bridge(key, unique_id, self.clock()))

    # -- campaign cleanup -------------------------------------------------------------------------

    def due_cleanups(self) -> list[Call]:
        """Final campaign calls whose campaign should go now (each is marked, and returned once)."""
        due: list[Call] = []
        changed: set[str] = set()
        for call in list(self.book):
            if not call.ready_for_cleanup or call.cleanup:
                continue
            if self.read_only:
                marked = replace(call, cleanup=CLEANUP_READ_ONLY)
            elif self.remove_finished_campaigns:
                marked = replace(call, cleanup=CLEANUP_PENDING)
                due.append(marked)
            else:
                marked = replace(call, cleanup=CLEANUP_KEPT)
            self.book.add(marked)
            changed.add(call.key)
        self._changed(changed)
        return due

    def mark_cleanup(self, key: str) -> Call | None:
        """Ask (again) for a final campaign call's campaign to be removed; None if it cannot be."""
        call = self.book.get(key)
        if (
            call is None
            or self.read_only
            or call.mode is not CallMode.CAMPAIGN
            or not call.campaign_id
            or not call.state.is_final
        ):
            return None
        marked = replace(call, cleanup=CLEANUP_PENDING)
        self.book.add(marked)
        self._changed({key})
        return marked

    async def remove_campaign(self, key: str) -> Call:
        """Remove a call's campaign (never retried here: ``x`` on the row asks again)."""
        call = self.book.calls[key]
        try:
            await self.client.autodialer.remove_campaign(call.campaign_id)
        except SimotuiError as error:
            note = f"{CLEANUP_FAILED}: {error.message}"
        else:
            note = CLEANUP_DONE
        done = replace(self.book.calls[key], cleanup=note)
        self.book.add(done)
        self._changed({key})
        return done

    # -- restart ------------------------------------------------------------------------------

    def restore(self) -> tuple[list[Call], list[str]]:
        """Take up again the calls the journal says were not settled; returns them and any problems."""
        restored: list[Call] = []
        problems: list[str] = []
        for entry in self.journal.in_flight():
            try:
                call = call_from_entry(entry)
            except ValueError as exc:
                problems.append(f"journal entry {entry.key} cannot be resumed: {exc}")
                continue
            if call.cleanup == CLEANUP_PENDING:
                # The removal was asked for and its answer never recorded (the console died
                # meanwhile): ask again. Removing a campaign places no call, so asking twice is safe.
                call = replace(call, cleanup="")
            self.book.add(call)
            self._sent.add(call.key)
            dial = call.dial
            if isinstance(dial, CampaignDial) and call.bridge_unique_id is None and not call.state.is_final:
                self.bridges.expect(
                    BridgeTarget(call.key, dial.caller, dial.callee, dial.trunk_name, dial.call_limit)
                )
            restored.append(call)
        return restored, problems

    def add_restored(self, calls: Iterable[Call]) -> None:
        """Track calls built elsewhere (tests, a scene) as if restored from the journal."""
        added = list(calls)
        for call in added:
            self.book.add(call)
            self._sent.add(call.key)
        self._changed({call.key for call in added})


@dataclass(slots=True)
class _Held:
    freeze: bool = False


@contextmanager
def _collector_held() -> Iterator[_Held]:
    """Hold off the cyclic garbage collector for a block; freeze what survived, when asked."""
    was_enabled = gc.isenabled()
    gc.disable()
    held = _Held()
    try:
        yield held
    finally:
        if held.freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()
