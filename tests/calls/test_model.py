"""A call's state follows from its facts; deadlines pass only on polls that looked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from simotui.api.models import Disposition, OriginateRequest
from simotui.calls.model import ASSUMED_CALL_LIMIT, BRIDGE_GRACE, GRACE, RING_GRACE, Call, Placement
from simotui.calls.states import MEANINGS, CallState, Tone

from .helpers import CAMPAIGN, DIAL, T0, cdr, later, placed, report


def test_every_state_has_a_meaning_and_a_tone() -> None:
    for state in CallState:
        assert MEANINGS[state]
        assert isinstance(state.tone, Tone)


def test_the_request_states() -> None:
    sending = Call("k", DIAL, requested_at=T0)
    assert sending.state is CallState.SENDING and not sending.state.is_final
    assert sending.state.placed is None
    for placement, state in (
        (Placement.REFUSED, CallState.REFUSED),
        (Placement.NOT_SENT, CallState.NOT_SENT),
        (Placement.UNKNOWN, CallState.MAYBE_PLACED),
    ):
        call = Call("k", DIAL, requested_at=T0, placement=placement, answered_at=later(1))
        assert call.state is state
    assert CallState.REFUSED.placed is False and CallState.REFUSED.is_final
    assert CallState.MAYBE_PLACED.placed is None and not CallState.MAYBE_PLACED.is_final


def test_a_deadline_passes_only_when_polls_covered_it() -> None:
    call = placed()
    assert call.deadline == T0 + timedelta(seconds=30 + 60) + GRACE
    assert call.ring_deadline == T0 + timedelta(seconds=30) + RING_GRACE
    # Real time can pass without a poll: nothing is concluded.
    assert call.state is CallState.WAITING
    assert call.covered(call.ring_deadline - timedelta(seconds=1)).state is CallState.WAITING
    no_cdr_yet = call.covered(call.ring_deadline)
    assert no_cdr_yet.state is CallState.NO_CDR_YET and not no_cdr_yet.state.is_final
    given_up = call.covered(call.deadline)
    assert given_up.state is CallState.NO_CDR and given_up.state.is_final
    assert given_up.ended_at == call.deadline
    assert given_up.elapsed(later(5000)) == call.deadline - T0


def test_a_dial_without_limit_says_no_cdr_yet_after_its_ring_and_waits_an_hour() -> None:
    call = placed(dial=OriginateRequest("557", "552", "main_routing", "557", timeout=30))
    assert call.covered(later(40)).state is CallState.NO_CDR_YET
    assert call.deadline == T0 + timedelta(seconds=30 + ASSUMED_CALL_LIMIT) + GRACE
    assert "still going" in call.covered(later(40)).meaning


def test_lost_answer_that_nobody_finds_becomes_no_trace() -> None:
    maybe = Call("k", DIAL, requested_at=T0, placement=Placement.UNKNOWN, answered_at=later(10))
    # The PBX may have accepted it as late as we waited: the deadline counts from there.
    assert maybe.deadline == later(10) + timedelta(seconds=90) + GRACE
    assert maybe.covered(later(60)).state is CallState.MAYBE_PLACED
    assert maybe.covered(maybe.deadline).state is CallState.NO_TRACE


@pytest.mark.parametrize(
    ("disposition", "channel", "state"),
    [
        ("ANSWERED", "SIP/557-1", CallState.ANSWERED),
        ("NO ANSWER", "SIP/557-1", CallState.SECOND_NO_ANSWER),
        ("BUSY", "SIP/557-1", CallState.SECOND_BUSY),
        ("FAILED", "OutgoingSpoolFailed", CallState.FIRST_FAILED),
        ("FAILED", "SIP/557-1", CallState.SECOND_FAILED),
        ("WEIRD", "SIP/557-1", CallState.ENDED),
    ],
)
def test_a_direct_call_ends_as_its_cdr_says(disposition: str, channel: str, state: CallState) -> None:
    call = placed()
    done = call.with_legs([cdr("r1", call.call_id, disposition, channel=channel)])
    assert done.state is state and done.state.is_final


def test_an_answered_leg_wins_over_a_later_failed_one() -> None:
    call = placed()
    done = call.with_legs(
        [
            cdr("a", call.call_id, "ANSWERED"),
            cdr("b", call.call_id, "NO ANSWER", start="1405-09-01 13:31:00"),
        ]
    )
    assert done.disposition == Disposition.ANSWERED and done.state is CallState.ANSWERED


def test_same_rows_again_are_the_same_call() -> None:
    call = placed()
    rows = [cdr("r1", call.call_id)]
    once = call.with_legs(rows)
    assert once.with_legs(rows) is once


def test_a_campaign_call_moves_through_its_first_party_and_its_bridge() -> None:
    call = placed(dial=CAMPAIGN)
    assert call.state is CallState.DIALLING_FIRST
    retrying = call.with_report(report(call.campaign_id, "NO ANSWER", 1), later(40))
    assert retrying.state is CallState.RETRYING_FIRST and "try 1 of 2" in retrying.meaning
    bridged = retrying.with_bridge("1795.1", later(95))
    assert bridged.state is CallState.BRIDGED and "bridged to 552" in bridged.meaning
    assert bridged.deadline == later(95) + timedelta(seconds=30 + ASSUMED_CALL_LIMIT) + GRACE
    done = bridged.with_legs([cdr("leg", "", "ANSWERED", cuid="1795.1")])
    assert done.state is CallState.ANSWERED


def test_a_campaign_first_party_that_never_answers() -> None:
    call = placed(dial=CAMPAIGN)
    assert (
        call.with_report(report(call.campaign_id, "NO ANSWER", 2), later(200)).state
        is CallState.FIRST_NO_ANSWER
    )
    assert call.with_report(report(call.campaign_id, "BUSY", 2), later(200)).state is CallState.FIRST_BUSY
    assert call.with_report(report(call.campaign_id, "LOST", 2), later(200)).state is CallState.FIRST_LOST


def test_answered_but_never_handed_on_is_not_bridged_after_the_grace() -> None:
    call = placed(dial=CAMPAIGN).with_report(report("c-k1", "ANSWERED", 1), later(50))
    assert call.state is CallState.FIRST_ANSWERED
    assert call.deadline == later(50) + BRIDGE_GRACE
    assert call.covered(call.deadline).state is CallState.NOT_BRIDGED


def test_a_bridged_call_keeps_its_campaign_until_its_report_row_is_read() -> None:
    call = placed(dial=CAMPAIGN).with_bridge("1795.1", later(20))
    done = call.with_legs([cdr("leg", "", cuid="1795.1")])
    assert done.state.is_final and not done.ready_for_cleanup
    assert done.wants_reports
    with_row = done.with_report(report(call.campaign_id, "ANSWERED", 1), later(80))
    assert with_row.ready_for_cleanup and not with_row.wants_reports
    assert not with_row.settled
    assert with_row.__class__(**{**_fields(with_row), "cleanup": "campaign removed"}).settled


def _fields(call: Call) -> dict[str, object]:
    return {
        name: getattr(call, name) for name in call.__dataclass_fields__ if name not in ("state", "ended_at")
    }


def test_what_the_next_poll_looks_for() -> None:
    direct = placed()
    assert direct.wants_cdrs and not direct.wants_reports and not direct.wants_campaign_search
    assert not Call("k", DIAL, requested_at=T0).wants_polling  # sending: no answer to look for yet
    lost_campaign = Call("k", CAMPAIGN, requested_at=T0, placement=Placement.UNKNOWN, answered_at=later(5))
    assert lost_campaign.wants_campaign_search and lost_campaign.wants_reports
    assert not placed().with_legs([cdr("r", placed().call_id)]).wants_polling
