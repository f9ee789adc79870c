"""Simulator details beyond the documented shapes: coherent history, a fast loopback socket."""

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


def test_listening_socket_is_tcp_so_asyncio_disables_nagle() -> None:
    # asyncio sets TCP_NODELAY only on sockets whose proto is IPPROTO_TCP; a proto of 0 cost
    # every keep-alive request a ~40 ms delayed ACK.
    import socket

    from simotui.serving import bind_tcp

    sock = bind_tcp("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()
