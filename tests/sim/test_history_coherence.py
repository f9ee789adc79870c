"""Past calls are coherent: what a route shows could have happened, in order."""

from __future__ import annotations

from simotui.sim import SimConfig, build_pbx


def test_route_steps_never_run_backwards_and_fit_the_call() -> None:
    pbx = build_pbx(SimConfig(seed=5, history=5000))
    checked = 0
    for cdr in pbx.cdrs:
        if not cdr.route:
            continue
        ends = [end for (_, _, _, end) in cdr.route]
        assert all(duration >= 0 for (_, _, duration, _) in cdr.route), cdr
        assert ends == sorted(ends), cdr
        assert ends[-1] <= cdr.endtime + 1, cdr
        checked += 1
    assert checked > 1000
