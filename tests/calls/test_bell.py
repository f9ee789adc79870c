"""The bell: states and groups by name, and a call rings once when it first reaches one."""

from __future__ import annotations

from pathlib import Path

import pytest

from simotui.calls.bell import Bell, bell_states
from simotui.calls.states import CallState
from simotui.config import ConfigFileError, load_config

from .helpers import cdr, placed


def test_words_and_groups() -> None:
    assert bell_states(["Answered", "no  cdr"]) == {CallState.ANSWERED, CallState.NO_CDR}
    failed = bell_states(["failed"])
    assert CallState.SECOND_FAILED in failed and CallState.REFUSED in failed
    assert CallState.ANSWERED not in failed
    assert bell_states(["ended"]) == {s for s in CallState if s.is_final}
    with pytest.raises(ValueError, match="'ringing' is not a call state"):
        bell_states(["ringing"])


def test_a_call_rings_once_when_it_reaches_a_chosen_state() -> None:
    bell = Bell(bell_states(["answered"]))
    call = placed()
    assert bell.reached([call]) == []  # first sight: waiting, not chosen
    done = call.with_legs([cdr("r1", call.call_id)])
    assert done.state is CallState.ANSWERED
    assert bell.reached([done]) == [done]
    assert bell.reached([done]) == []  # seen again: no second ring
    restored = placed("k2").with_legs([cdr("r2", placed("k2").call_id)])
    bell.know([restored])
    assert bell.reached([restored]) == []
    assert Bell().reached([done]) == []  # off by default


def test_config_checks_bell_words(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[profiles.a]\nurl = "http://x"\nbell_on = ["answered", "no CDR"]\n')
    assert load_config(path).profiles["a"].bell_on == ("answered", "no CDR")
    path.write_text('[profiles.a]\nurl = "http://x"\nbell_on = ["ring"]\n')
    with pytest.raises(ConfigFileError, match="bell_on"):
        load_config(path)
