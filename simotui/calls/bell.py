"""The bell: which states a user wants to hear about, and whether a call has just reached one.

Off by default. A profile's ``bell_on`` lists state words (``"answered"``, ``"no CDR"``, any of
:class:`~simotui.calls.states.CallState`'s values, in any case) and group words: ``"failed"``
(every final state of tone *bad*), ``"not answered"`` (every final state of tone *warn*),
``"unknown"`` (final, outcome not known for sure) and ``"ended"`` (every final state). A call
rings the bell once, when it first reaches a chosen state; a call restored already in one, or
seen again in it, does not. No Textual: the console rings and notifies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from simotui.calls.model import Call
from simotui.calls.states import CallState, Tone

_GROUPS: dict[str, frozenset[CallState]] = {
    "failed": frozenset(s for s in CallState if s.is_final and s.tone is Tone.BAD),
    "not answered": frozenset(s for s in CallState if s.is_final and s.tone is Tone.WARN),
    "unknown": frozenset(s for s in CallState if s.is_final and s.tone is Tone.UNKNOWN),
    "ended": frozenset(s for s in CallState if s.is_final),
}
_BY_WORD = {state.value.lower(): state for state in CallState}


def bell_states(words: Iterable[str]) -> frozenset[CallState]:
    """The states ``words`` name.

    Raises:
        ValueError: a word is neither a state nor a group (the message lists what is known).
    """
    chosen: set[CallState] = set()
    for word in words:
        key = " ".join(word.split()).lower()
        if key in _GROUPS:
            chosen |= _GROUPS[key]
        elif key in _BY_WORD:
            chosen.add(_BY_WORD[key])
        else:
            known = ", ".join([*_GROUPS, *(s.value for s in CallState)])
            raise ValueError(f"{word!r} is not a call state or group (one of: {known})")
    return frozenset(chosen)


@dataclass(slots=True)
class Bell:
    """Remembers each call's last state, and says when one reaches a chosen state."""

    states: frozenset[CallState] = frozenset()
    _last: dict[str, CallState] = field(default_factory=dict)

    def reached(self, calls: Iterable[Call]) -> list[Call]:
        """Of these (changed) calls, those that have just entered a chosen state."""
        rung: list[Call] = []
        for call in calls:
            before = self._last.get(call.key)
            self._last[call.key] = call.state
            if call.state in self.states and before is not None and before is not call.state:
                rung.append(call)
        return rung

    def know(self, calls: Iterable[Call]) -> None:
        """Take these calls' states as already seen (restored ones do not ring)."""
        for call in calls:
            self._last[call.key] = call.state
