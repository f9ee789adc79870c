"""Matching evidence to calls: originate ids, bridges, campaign rows, and lost answers' traces."""

from __future__ import annotations

from datetime import timedelta

from simotui.api.models import Campaign
from simotui.calls.book import CallBook
from simotui.calls.model import Call, Placement
from simotui.calls.states import CallState

from .helpers import CAMPAIGN, DIAL, T0, TEHRAN, cdr, later, orig_id, placed, report


def book_of(*calls: Call) -> CallBook:
    book = CallBook()
    for call in calls:
        book.add(call)
    return book


def test_a_cdr_completes_the_matching_call_only() -> None:
    one, two = placed("a"), placed("b", at=later(1))
    book = book_of(one, two)
    changed = book.apply_cdrs([cdr("r1", one.call_id), cdr("r9", "orig.call.9.9")])
    assert changed == {"a"}
    assert book.calls["a"].state is CallState.ANSWERED
    assert book.calls["b"].state is CallState.WAITING


def test_comment_ids_match_sibling_rows() -> None:
    call = placed("a")
    row = cdr(
        "r",
        "orig.call.4.4",
        "FAILED",
        comment=f"originated call: orig.call.4.4. originated call: {call.call_id}",
    )
    assert book_of(call).apply_cdrs([row]) == {"a"}


def test_a_bridged_campaign_call_takes_the_cdr_of_its_unique_id() -> None:
    call = placed("c", dial=CAMPAIGN).with_bridge("1795.7", later(20))
    book = book_of(call)
    assert book.apply_cdrs([cdr("x", "", uniqueid="1795.7", cuid="other")]) == {"c"}
    assert book.calls["c"].state is CallState.ANSWERED


def lost(key: str = "m", at=T0, waited: float = 10) -> Call:  # type: ignore[no-untyped-def]
    return Call(
        key, DIAL, requested_at=at, placement=Placement.UNKNOWN, answered_at=at + timedelta(seconds=waited)
    )


def test_a_lost_answer_is_found_by_its_parties_and_the_epoch_of_its_id() -> None:
    book = book_of(lost())
    found_id = orig_id(later(3))
    changed = book.apply_cdrs([cdr("r", found_id)])
    assert changed == {"m"}
    call = book.calls["m"]
    assert call.placement is Placement.FOUND and call.call_id == found_id
    assert call.state is CallState.ANSWERED
    assert call.answered_at == later(3)


def test_a_trace_outside_the_send_window_or_of_other_parties_is_not_taken() -> None:
    book = book_of(lost())
    too_early = cdr("r1", orig_id(T0 - timedelta(minutes=5)))
    other_parties = cdr("r2", orig_id(later(2), 2), src="101", dst="552")
    assert book.apply_cdrs([too_early, other_parties]) == set()
    assert book.calls["m"].state is CallState.MAYBE_PLACED


def test_an_id_claimed_by_a_known_call_is_never_given_to_a_lost_one() -> None:
    known = placed("k", at=later(2))
    book = book_of(lost(), known)
    assert book.apply_cdrs([cdr("r", known.call_id)]) == {"k"}
    assert book.calls["m"].state is CallState.MAYBE_PLACED


def test_two_lost_answers_for_the_same_parties_are_found_in_the_order_sent() -> None:
    first, second = lost("m1", T0), lost("m2", later(20))
    book = book_of(first, second)
    book.apply_cdrs([cdr("r2", orig_id(later(22), 2)), cdr("r1", orig_id(later(1), 1))])
    assert book.calls["m1"].call_id == orig_id(later(1), 1)
    assert book.calls["m2"].call_id == orig_id(later(22), 2)


def test_a_lost_campaign_is_found_by_its_name() -> None:
    call = Call(
        "q",
        CAMPAIGN,
        requested_at=T0,
        placement=Placement.UNKNOWN,
        answered_at=later(4),
        campaign_name="simotui-q",
    )
    book = book_of(call)
    campaign = Campaign.from_api({"_id": "c9", "name": "simotui-q", "status": "running"}, TEHRAN)
    other = Campaign.from_api({"_id": "c8", "name": "simotui-other"}, TEHRAN)
    assert book.apply_campaigns([other, campaign]) == {"q"}
    found = book.calls["q"]
    assert found.placement is Placement.FOUND and found.campaign_id == "c9"
    assert found.state is CallState.DIALLING_FIRST


def test_a_lost_campaign_is_also_found_by_its_report_row() -> None:
    call = Call(
        "q",
        CAMPAIGN,
        requested_at=T0,
        placement=Placement.UNKNOWN,
        answered_at=later(4),
        campaign_name="simotui-q",
    )
    book = book_of(call)
    row = report("c9", "BUSY", 2, campaign="simotui-q")
    assert book.apply_reports([row], later(100)) == {"q"}
    assert book.calls["q"].campaign_id == "c9" and book.calls["q"].state is CallState.FIRST_BUSY


def test_coverage_moves_only_the_calls_it_names() -> None:
    one, two = placed("a"), placed("b")
    book = book_of(one, two)
    book.apply_coverage(["a"], one.deadline)
    assert book.calls["a"].state is CallState.NO_CDR
    assert book.calls["b"].state is CallState.WAITING
