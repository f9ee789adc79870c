"""The book of calls: every call by key, and how each kind of evidence is matched to them.

Pure: no IO, no clock of its own. Each ``apply_*`` takes what a poll (or the responder) learnt
and returns the keys of the calls that changed.

Matching (reference §9)
  - A direct call's CDR rows carry its ``originated_call_id`` (the field, or the comment).
  - A campaign call's report row is the one with its campaign id and number; its second leg's
    CDR has, as ``cuid`` or ``uniqueid``, the ``unique_id`` the responder was asked under.
  - A call whose answer was lost ("may have been placed") is found by what it must have left:
    a direct call by a CDR with its caller as ``src``, its callee as ``dst``, and an
    ``originated_call_id`` whose epoch falls in the window of the send and that no other call
    claims; a campaign call by its campaign's unique name (campaign search or report rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from simotui.api.models import Campaign, CampaignReportRow, Cdr
from simotui.calls.dials import CallMode
from simotui.calls.model import RING_GRACE, Call, Placement, originate_epoch
from simotui.calls.pushed import PushFact, binds, phase_of
from simotui.events import models as ev

# How far an originate id's epoch may lie outside the send window: the PBX's clock is only
# estimated, and the epoch is whole seconds.
SEND_SLACK = timedelta(seconds=30)
JUST_BEFORE = timedelta(microseconds=1)


@dataclass(slots=True)
class CallBook:
    """Every call by key, in the order they were placed."""

    calls: dict[str, Call] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Call]:
        return iter(self.calls.values())

    def __len__(self) -> int:
        return len(self.calls)

    def __contains__(self, key: object) -> bool:
        return key in self.calls

    def get(self, key: str) -> Call | None:
        """A call by key."""
        return self.calls.get(key)

    def add(self, call: Call) -> None:
        """Start tracking a call (replaces one with the same key)."""
        self.calls[call.key] = call

    def pending(self) -> list[Call]:
        """Calls whose outcome is not final yet."""
        return [call for call in self.calls.values() if not call.state.is_final]

    def by_call_id(self, call_id: str) -> Call | None:
        """The direct call with this ``originated_call_id``."""
        return next((c for c in self.calls.values() if c.call_id and c.call_id == call_id), None)

    def _set(self, updated: Call, changed: set[str]) -> None:
        if updated is not self.calls[updated.key]:
            self.calls[updated.key] = updated
            changed.add(updated.key)

    # -- evidence -------------------------------------------------------------------------------

    def apply_cdrs(self, cdrs: Iterable[Cdr]) -> set[str]:
        """Match CDR rows to calls: originate id, bridged unique id, or a lost answer's traces."""
        rows = list(cdrs)
        changed: set[str] = set()
        if not rows:
            return changed
        by_call_id: dict[str, str] = {}
        bridged: dict[str, str] = {}
        unknown: list[Call] = []
        for call in self.calls.values():
            if call.mode is CallMode.DIRECT:
                if call.call_id:
                    by_call_id[call.call_id] = call.key
                elif call.placement is Placement.UNKNOWN:
                    unknown.append(call)
            elif call.bridge_unique_id:
                bridged[call.bridge_unique_id] = call.key
        legs: dict[str, list[Cdr]] = {}
        unclaimed: dict[str, list[Cdr]] = {}
        for cdr in rows:
            owner = (bridged.get(cdr.cuid) or bridged.get(cdr.uniqueid)) if bridged else None
            if owner is not None:
                legs.setdefault(owner, []).append(cdr)
                continue
            for call_id in cdr.originated_call_ids:
                key = by_call_id.get(call_id)
                if key is not None:
                    legs.setdefault(key, []).append(cdr)
                elif unknown:
                    unclaimed.setdefault(call_id, []).append(cdr)
        for key, found in legs.items():
            self._set(self.calls[key].with_legs(found), changed)
        if unknown and unclaimed:
            self._resolve_originates(unknown, unclaimed, changed)
        return changed

    def _resolve_originates(
        self, unknown: list[Call], unclaimed: dict[str, list[Cdr]], changed: set[str]
    ) -> None:
        # Oldest first, each taking the earliest id that fits, so two lost answers for the same
        # parties are resolved in the order they were sent.
        taken: set[str] = set()
        for call in sorted(unknown, key=lambda c: (c.requested_at, c.key)):
            end = (call.answered_at or call.requested_at) + SEND_SLACK
            start = call.requested_at - SEND_SLACK
            candidates = []
            for call_id, rows in unclaimed.items():
                epoch = originate_epoch(call_id)
                if call_id in taken or epoch is None or not start <= epoch <= end:
                    continue
                if any(row.src == call.caller and row.dst == call.callee for row in rows):
                    candidates.append((epoch, call_id))
            if not candidates:
                continue
            epoch, call_id = min(candidates)
            taken.add(call_id)
            resolved = call.found(call_id=call_id, at=epoch).with_legs(unclaimed[call_id])
            self._set(resolved, changed)

    def apply_reports(self, rows: Iterable[CampaignReportRow], now: datetime) -> set[str]:
        """Match autodialer report rows to campaign calls by campaign id (or name) and number."""
        by_id: dict[tuple[str, str], str] = {}
        by_name: dict[tuple[str, str], str] = {}
        for call in self.calls.values():
            if call.mode is not CallMode.CAMPAIGN:
                continue
            if call.campaign_id:
                by_id[(call.campaign_id, call.caller)] = call.key
            elif call.placement is Placement.UNKNOWN and call.campaign_name:
                by_name[(call.campaign_name, call.caller)] = call.key
        changed: set[str] = set()
        for row in rows:
            key = by_id.get((row.campaign_id, row.number))
            if key is None and by_name:
                key = by_name.get((row.campaign, row.number))
                if key is not None:
                    self._set(self.calls[key].found(campaign_id=row.campaign_id), changed)
            if key is not None:
                self._set(self.calls[key].with_report(row, now), changed)
        return changed

    def apply_campaigns(self, campaigns: Iterable[Campaign]) -> set[str]:
        """Resolve campaign calls whose answer was lost, from the campaigns that exist."""
        wanted = {call.campaign_name: call.key for call in self.calls.values() if call.wants_campaign_search}
        changed: set[str] = set()
        for campaign in campaigns:
            key = wanted.get(campaign.name)
            if key is not None:
                self._set(self.calls[key].found(campaign_id=campaign.id, at=campaign.created), changed)
        return changed

    def apply_coverage(
        self, keys: Iterable[str], until: datetime, *, short_of_deadline: bool = False
    ) -> set[str]:
        """Record that complete, successful polls have looked for these calls up to ``until``.

        ``short_of_deadline``: the look proves absence up to just before each call's deadline at
        most (the cursor; a call is given up on only after a search of its own).
        """
        changed: set[str] = set()
        for key in keys:
            call = self.calls.get(key)
            if call is None or call.state.is_final:
                continue  # a final call has nothing left to be looked for
            limit = min(until, call.deadline - JUST_BEFORE) if short_of_deadline else until
            self._set(call.covered(limit), changed)
        return changed

    def apply_bridge(self, key: str, unique_id: str, at: datetime) -> set[str]:
        """Record that the responder handed a campaign call on under ``unique_id``."""
        call = self.calls.get(key)
        changed: set[str] = set()
        if call is not None:
            self._set(call.with_bridge(unique_id, at), changed)
        return changed

    def apply_events(self, events: Iterable[ev.Event], now: datetime) -> tuple[set[str], set[str]]:
        """Match pushed events to direct calls (see :mod:`simotui.calls.pushed`).

        Returns the keys that changed, and the keys of calls whose CDR was pushed (a poll should
        read the real row now).
        """
        changed: set[str] = set()
        cdr_pushed: set[str] = set()
        direct = [c for c in self.calls.values() if c.mode is CallMode.DIRECT and not c.state.is_final]
        if not direct:
            return changed, cdr_pushed
        by_call_id = {c.call_id: c.key for c in direct if c.call_id}
        by_uid = {c.push_uid: c.key for c in direct if c.push_uid}
        for event in events:
            key = None
            originated = getattr(event, "originated_call_id", None)
            if originated:
                key = by_call_id.get(originated)
            if key is None and event.unique_id:
                key = by_uid.get(event.unique_id)
            if key is None:
                key = self._bind(event, now, set(by_uid.values()))
            if key is None:
                continue
            call = self.calls[key]
            said = phase_of(event, call.caller, call.callee)
            if said is None:
                continue
            phase, text = said
            updated = call.with_push(PushFact(now, text, phase, event.name), event.unique_id)
            if updated.push_uid and updated.push_uid not in by_uid:
                by_uid[updated.push_uid] = key
            self._set(updated, changed)
            if isinstance(event, ev.CdrEvent):
                cdr_pushed.add(key)
        return changed, cdr_pushed

    def _bind(self, event: ev.Event, now: datetime, bound: set[str]) -> str | None:
        """The oldest unbound direct call this event can be the first sign of life of."""
        for call in self.calls.values():
            if call.mode is not CallMode.DIRECT or call.state.is_final or call.key in bound:
                continue
            if call.placement in (Placement.REFUSED, Placement.NOT_SENT):
                continue
            # Within the first party's ring window (plus grace) of the request: an old call of
            # the same parties is not woken by someone else's new one.
            if now > call.requested_at + (call.ring_deadline - call.started_at) + RING_GRACE:
                continue
            if binds(event, call.caller, call.callee):
                return call.key
        return None

    def apply(self, updated: Call) -> set[str]:
        """Replace a call with a newer version of itself."""
        changed: set[str] = set()
        if updated.key in self.calls:
            self._set(updated, changed)
        else:
            self.calls[updated.key] = updated
            changed.add(updated.key)
        return changed
