"""The console's side of the journal: ordered writes off the event loop, and restoring calls.

SQLite blocks, so every write runs on one dedicated thread (a single-worker executor keeps them
in order). The writes that guard against a lost or doubled call are awaited: a request is in the
journal before it is sent, its acceptance before the user is shown it.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from simotui.errors import SimotuiError
from simotui.store.journal import Journal, JournalCall
from simotui.store.restore import CAMPAIGN, ORIGINATE, campaign_body, tracked_call
from simotui.tracking import CLEANUP_PENDING, CallMode, CampaignDial, Dial, TrackedCall


def call_details(call: TrackedCall) -> dict[str, Any]:
    """What, beyond state and disposition, a restart needs to pick a call up again."""
    details: dict[str, Any] = {}
    if call.campaign_id:
        details["campaign_id"] = call.campaign_id
    if call.bridge_unique_id:
        details["bridge_unique_id"] = call.bridge_unique_id
    if call.cleanup:
        details["cleanup"] = call.cleanup
    if call.first_leg_disposition is not None:
        details["first_party"] = str(call.first_leg_disposition)
    legs = [leg.cuid for leg in call.legs]
    if legs:
        details["cuids"] = legs
    return details


def settled(call: TrackedCall) -> bool:
    """Whether a restart has nothing left to do for a call.

    A campaign call is settled only once its campaign's cleanup is done (removed, kept, or
    failed and shown): a console killed in between picks the call up again and removes it.
    """
    if not call.state.is_final:
        return False
    if call.mode is CallMode.CAMPAIGN:
        return call.cleanup not in ("", CLEANUP_PENDING)
    return True


def restored(entry: JournalCall) -> TrackedCall:
    """A journal entry as a tracked call, with what its last state recorded (the bridge id).

    Raises:
        ValueError: the entry cannot be read back.
    """
    call = tracked_call(entry)
    details = entry.details or {}
    bridged = details.get("bridge_unique_id")
    if isinstance(bridged, str) and bridged:
        call = call.with_bridge(bridged)
    return call


class JournalKeeper:
    """Writes to one Journal from a single thread; every method is safe to call from the UI."""

    def __init__(self, journal: Journal | None, profile: str) -> None:
        self.journal = journal
        self.profile = profile
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="simotui-journal")

    async def _run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, lambda: fn(*args, **kwargs))

    async def record_request(self, dial: Dial, body: dict[str, Any]) -> int | None:
        """Write a request before it is sent; None when there is no journal.

        Raises:
            SimotuiError: the journal could not be written, so the request must not be sent.
        """
        if self.journal is None:
            return None
        mode = CAMPAIGN if isinstance(dial, CampaignDial) else ORIGINATE
        record = campaign_body(dial, body) if isinstance(dial, CampaignDial) else body
        try:
            request_id: int = await self._run(self.journal.record_request, mode, record, self.profile)
        except Exception as exc:
            raise SimotuiError(f"the journal could not record the dial: {exc}", title="Not dialled") from None
        return request_id

    async def record_accepted(
        self, request_id: int | None, call_id: str, accepted_at: datetime, campaign_id: str | None = None
    ) -> str | None:
        """Record an acceptance; returns a warning when it could not be written (the call is real)."""
        if self.journal is None or request_id is None:
            return None
        try:
            await self._run(
                self.journal.record_accepted, request_id, call_id, accepted_at, campaign_id=campaign_id
            )
        except Exception as exc:
            return f"the journal could not record call {call_id}: {exc}"
        return None

    async def record_failed(self, request_id: int | None, error: BaseException) -> None:
        """Record a refusal or an unknown outcome (best effort)."""
        if self.journal is None or request_id is None:
            return
        try:
            await self._run(self.journal.record_failed, request_id, error)
        except Exception:
            pass

    def record_state(self, call: TrackedCall) -> None:
        """Queue a state change (kept in order with every other write)."""
        if self.journal is None:
            return
        leg = call.main_leg
        self._writer.submit(
            self.journal.record_state,
            call.call_id,
            call.state.value,
            None if call.disposition is None else str(call.disposition),
            leg.billsec if leg is not None else None,
            call_details(call),
            final=settled(call),
        )

    def in_flight(self) -> list[JournalCall]:
        """This profile's calls that were accepted and are not final."""
        if self.journal is None:
            return []
        return [entry for entry in self.journal.in_flight() if entry.profile == self.profile]

    def history(self, search: str = "", limit: int = 200) -> list[JournalCall]:
        """Past requests, newest first."""
        if self.journal is None:
            return []
        return self.journal.history(search, limit)

    def close(self) -> None:
        """Finish every queued write, then close the journal."""
        self._writer.shutdown(wait=True)
        if self.journal is not None:
            self.journal.close()
