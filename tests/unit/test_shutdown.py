"""The exit watchdog: it flushes, then ends the process — even when the flush hangs or fails."""

from __future__ import annotations

import threading

from simotui.shutdown import ExitWatchdog, TerminalWatch

#: A safety net for waits on states, not a window: each state arrives in milliseconds.
PATIENCE = 60.0


class Recorder:
    def __init__(self) -> None:
        self.exits: list[int] = []
        self.exited = threading.Event()
        self.flushes = 0

    def exit(self, code: int) -> None:
        self.exits.append(code)
        self.exited.set()


def test_flushes_then_exits_with_the_code_after_the_grace() -> None:
    seen = Recorder()
    order: list[str] = []

    def flush() -> None:
        order.append("flush")

    def exit_(code: int) -> None:
        order.append("exit")
        seen.exit(code)

    watchdog = ExitWatchdog(flush, grace=0.01, deadline=PATIENCE, exit=exit_)
    assert not watchdog.armed
    watchdog.arm(143)
    assert seen.exited.wait(PATIENCE)
    assert order == ["flush", "exit"] and seen.exits == [143] and watchdog.forced_exit == 143


def test_a_hanging_flush_does_not_keep_the_process_alive() -> None:
    seen = Recorder()
    never = threading.Event()
    watchdog = ExitWatchdog(lambda: never.wait() and None, grace=0.0, deadline=0.05, exit=seen.exit)
    watchdog.arm(129)
    assert seen.exited.wait(PATIENCE) and seen.exits == [129]


def test_a_failing_flush_still_exits() -> None:
    seen = Recorder()

    def broken() -> None:
        raise OSError("disk full")

    ExitWatchdog(broken, grace=0.0, deadline=PATIENCE, exit=seen.exit).arm(129)
    assert seen.exited.wait(PATIENCE) and seen.exits == [129]


def test_a_second_hang_up_does_not_wait_for_the_grace() -> None:
    seen = Recorder()
    watchdog = ExitWatchdog(lambda: None, grace=3600, deadline=3600, exit=seen.exit)
    watchdog.arm(143)
    assert not seen.exited.is_set()
    watchdog.arm(143)  # the user sends SIGTERM again
    assert seen.exited.wait(PATIENCE) and seen.exits == [143]


def test_terminal_watch_reports_a_closed_terminal_once() -> None:
    import os

    read_end, write_end = os.pipe()
    gone = threading.Event()
    calls: list[int] = []

    def on_gone() -> None:
        calls.append(1)
        gone.set()

    with os.fdopen(read_end) as stream:
        watch = TerminalWatch(stream, on_gone, every=0.01)
        watch.start()
        os.close(write_end)  # the other side hangs up: POLLHUP
        assert gone.wait(PATIENCE)
        watch.stop()
    assert calls == [1]
