"""Every final state has a colour of its own, looked up by the state, not by its label."""

from __future__ import annotations

from simotui.calls.states import CallState
from simotui.ui.styles import FINAL_STYLES, TONE_STYLES, state_style


def test_every_final_state_has_its_own_colour() -> None:
    finals = [state for state in CallState if state.is_final]
    assert set(FINAL_STYLES) == set(finals)
    assert len(set(FINAL_STYLES.values())) == len(finals)  # no two alike


def test_states_in_progress_take_their_tone() -> None:
    for state in CallState:
        if not state.is_final:
            assert state_style(state) == TONE_STYLES[state.tone]
        else:
            assert state_style(state) == FINAL_STYLES[state]
