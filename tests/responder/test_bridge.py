"""BridgeBook: matching, answer forms, refusals and retries (pure, no IO)."""

from __future__ import annotations

import threading

from simotui.calls.bridges import REFUSAL, REFUSED_ALREADY_BRIDGED, REFUSED_NO_MATCH, BridgeBook, BridgeTarget


def request(src: str, dst: str = "bridge", unique_id: str = "1716184800.1001") -> dict[str, str]:
    """A component request as Simotel sends it."""
    return {"src": src, "dst": dst, "data": "", "unique_id": unique_id, "app_name": "Exten API"}


def test_exten_form_by_src_records_the_unique_id() -> None:
    book = BridgeBook()
    book.expect(BridgeTarget("call-1", "557", "552"))
    decision = book.decide(request(" 557 "))
    assert decision.ok and not decision.retry
    assert decision.answer == {"ok": "1", "extension": "552"}
    assert decision.call_id == "call-1" and decision.unique_id == "1716184800.1001"
    assert book.unique_id_for("call-1") == "1716184800.1001"
    assert book.pending() == [] and [t.call_id for t in book.targets()] == ["call-1"]


def test_falls_back_to_dst() -> None:
    book = BridgeBook()
    book.expect(BridgeTarget("call-1", "09121234567", "552"))
    decision = book.decide(request("31041000", dst="09121234567"))
    assert decision.call_id == "call-1" and decision.answer["extension"] == "552"


def test_trunk_form_with_and_without_call_limit() -> None:
    book = BridgeBook()
    book.expect(BridgeTarget("a", "557", "09151412541", trunk="Center", call_limit=300))
    book.expect(BridgeTarget("b", "558", "09151412541", trunk="Center"))
    assert book.decide(request("557")).answer == {
        "ok": "1",
        "trunk": "Center",
        "extension": "09151412541",
        "call_limit": "300",
    }
    assert book.decide(request("558", unique_id="2")).answer == {
        "ok": "1",
        "trunk": "Center",
        "extension": "09151412541",
    }


def test_exact_digits_only() -> None:
    """No +98/0098 rewriting: a differently written number is another number."""
    book = BridgeBook()
    book.expect(BridgeTarget("call-1", "09121234567", "552"))
    decision = book.decide(request("+989121234567", dst="00989121234567"))
    assert not decision.ok and decision.refused == REFUSED_NO_MATCH
    assert decision.call_id is None and decision.answer == REFUSAL == {"ok": "0"}
    assert book.unique_id_for("call-1") is None and len(book.pending()) == 1


def test_refusal_for_no_pending_call() -> None:
    decision = BridgeBook().decide(request("557"))
    assert decision.refused == REFUSED_NO_MATCH and decision.answer == {"ok": "0"}


def test_retry_with_the_same_unique_id_is_answered_again() -> None:
    book = BridgeBook()
    book.expect(BridgeTarget("call-1", "557", "552"))
    first = book.decide(request("557", unique_id="u1"))
    again = book.decide(request("557", unique_id="u1"))
    assert again.ok and again.retry and again.answer == first.answer and again.call_id == "call-1"


def test_a_second_unique_id_for_a_bridged_call_is_refused() -> None:
    book = BridgeBook()
    book.expect(BridgeTarget("call-1", "557", "552"))
    assert book.decide(request("557", unique_id="u1")).ok
    second = book.decide(request("557", unique_id="u2"))
    assert second.refused == REFUSED_ALREADY_BRIDGED and second.answer == {"ok": "0"}
    assert second.call_id is None and second.target is not None and second.target.call_id == "call-1"
    assert book.unique_id_for("call-1") == "u1"


def test_empty_unique_id_bridges_once_but_is_never_a_retry() -> None:
    book = BridgeBook()
    book.expect(BridgeTarget("call-1", "557", "552"))
    assert book.decide(request("557", unique_id="")).ok
    assert book.unique_id_for("call-1") == ""
    assert book.decide(request("557", unique_id="")).refused == REFUSED_ALREADY_BRIDGED


def test_two_calls_to_one_first_party_are_bridged_oldest_first() -> None:
    book = BridgeBook()
    book.expect(BridgeTarget("old", "557", "552"))
    book.expect(BridgeTarget("new", "557", "553"))
    assert book.decide(request("557", unique_id="u1")).call_id == "old"
    assert book.decide(request("557", unique_id="u2")).answer["extension"] == "553"
    assert book.decide(request("557", unique_id="u3")).refused == REFUSED_ALREADY_BRIDGED


def test_forget_and_expect_again() -> None:
    book = BridgeBook()
    book.expect(BridgeTarget("call-1", "557", "552"))
    assert book.forget("call-1") and not book.forget("call-1")
    assert book.get("call-1") is None and book.unique_id_for("call-1") is None
    assert book.decide(request("557")).refused == REFUSED_NO_MATCH
    book.expect(BridgeTarget("call-1", "557", "554"))
    assert book.decide(request("557")).answer == {"ok": "1", "extension": "554"}


def test_repr_shows_no_numbers() -> None:
    book = BridgeBook()
    book.expect(BridgeTarget("call-1", "09121234567", "552"))
    assert "0912" not in repr(book) and "targets=1" in repr(book)


def test_concurrent_requests_bridge_each_call_once() -> None:
    book = BridgeBook()
    book.expect(BridgeTarget("call-1", "557", "552"))
    results: list[bool] = []
    lock = threading.Lock()

    def ask(n: int) -> None:
        ok = book.decide(request("557", unique_id=f"u{n}")).ok
        with lock:
            results.append(ok)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 1
