"""The PBX view from events alone: calls appear, move and go; extensions keep their state;
the simulator's own background traffic read through the real parser leaves nothing behind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from simotui.events import models as m
from simotui.events.parse import parse_event
from simotui.events.pbx import CALL_LIMIT, STALE_AFTER, PbxView
from simotui.sim import SimConfig, build_pbx

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
RING, USE, IDLE = m.ExtenState.RINGING, m.ExtenState.IN_USE, m.ExtenState.IDLE


def state(exten: str, st_: m.ExtenState, uid: str | None = "1.1", **kw: object) -> m.NewState:
    return m.NewState("NewState", uid, exten=exten, state=st_, **kw)  # type: ignore[arg-type]


def test_a_local_call_rings_talks_and_goes() -> None:
    view = PbxView()
    assert view.apply([state("557", RING, participant="552", direction="in")], T0)
    call = view.calls["1.1"]
    assert (call.src, call.dst, call.state) == ("552", "557", "ringing")
    view.apply([state("557", USE, participant="552", direction="out", dialer=True)], T0)
    # An originate rang 557 first; now it dials 552: it is the caller.
    assert (view.calls["1.1"].src, view.calls["1.1"].dst) == ("557", "552")
    view.apply([state("552", RING, participant="557", direction="in")], T0)
    view.apply([state("552", USE, participant="557", direction="in", dialer=False)], T0)
    assert view.calls["1.1"].state == "talking"
    assert view.extens["552"].state is USE and view.extens["552"].participant == "557"
    view.apply([state("557", IDLE)], T0)
    assert "1.1" in view.calls  # 552 is still in it
    view.apply([state("552", IDLE)], T0)
    assert view.calls == {}
    assert view.busy_extens() == 0


def test_incoming_and_outgoing_calls_and_their_cdr() -> None:
    view = PbxView()
    view.apply([m.IncomingCall("IncomingCall", "2.1", number="0912", entry_point="Cisco")], T0)
    view.apply([state("561", RING, uid="2.1", participant="0912", direction="in", queue="910")], T0)
    call = view.calls["2.1"]
    assert (call.kind, call.src, call.dst, call.trunk, call.queue) == (
        "incoming",
        "0912",
        "561",
        "Cisco",
        "910",
    )
    view.apply(
        [
            m.OutgoingCall(
                "OutgoingCall", "3.1", number="0935", outgoing_point="Center", originated_call_id="o"
            )
        ],
        T0,
    )
    assert view.calls["3.1"].kind == "outgoing" and view.calls["3.1"].originated
    view.apply([m.CdrEvent("Cdr", "2.1"), m.CdrQueue("CdrQueue", "3.1")], T0)
    assert view.calls == {}


def test_extensions_added_removed_and_a_call_never_heard_of_again_expires() -> None:
    view = PbxView()
    view.apply([m.ExtenChanged("ExtenAdded", exten="777", state=m.ExtenState.UNAVAILABLE)], T0)
    assert view.extens["777"].state is m.ExtenState.UNAVAILABLE
    assert not view.apply([m.ExtenChanged("ExtenAdded", exten="777")], T0)
    view.apply([m.ExtenChanged("ExtenRemoved", exten="777")], T0)
    assert "777" not in view.extens
    view.apply([m.IncomingCall("IncomingCall", "4.1", number="1")], T0)
    view.apply([], T0 + STALE_AFTER + timedelta(seconds=1))
    assert view.calls == {}


def test_the_view_is_bounded() -> None:
    view = PbxView()
    view.apply([m.IncomingCall("IncomingCall", f"{n}.1") for n in range(CALL_LIMIT + 10)], T0)
    assert len(view.calls) == CALL_LIMIT


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["557", "552", "100"]),
            st.sampled_from(list(m.ExtenState)),
            st.sampled_from(["1.1", "1.2", None]),
        ),
        max_size=30,
    )
)
def test_any_order_of_states_is_taken(states: list[tuple[str, m.ExtenState, str | None]]) -> None:
    view = PbxView()
    for exten, st_, uid in states:
        view.apply([state(exten, st_, uid=uid)], T0)
    # Every extension shows the last state it was told, whatever came before.
    last = {exten: st_ for exten, st_, _uid in states}
    assert {e: r.state for e, r in view.extens.items()} == last


def test_the_simulators_traffic_leaves_nothing_behind() -> None:
    pbx = build_pbx(SimConfig(seed=4, speed=0, start_time=T0))
    view = PbxView()
    pushed: list[m.Event] = []
    pbx.webhooks.sink = lambda event: pushed.append(parse_event(event.payload))
    pbx.traffic.start(30)
    busy_seen = 0
    for second in range(0, 600, 5):
        pbx.advance(5)
        view.apply(pushed, T0 + timedelta(seconds=second))
        pushed.clear()
        busy_seen = max(busy_seen, len(view.calls))
    assert busy_seen > 0
    pbx.traffic.set_rate(0)
    pbx.advance(3600)
    view.apply(pushed, T0 + timedelta(seconds=4200))
    assert view.calls == {}, view.calls
    assert view.busy_extens() == 0
