"""Which second party an answered campaign call is bridged to: pure, thread-safe, no IO.

The console dials a first party through a one-number autodialer campaign (reference §5.8)
and tells a ``BridgeBook`` whom to bridge that party to. When the party answers, Simotel's
Exten API / Trunk API dialplan component asks our web service where to send the call; the
responder hands the request's fields to ``BridgeBook.decide`` and sends back its answer.

Matching
  - A request belongs to the pending call whose ``first_party`` equals the request's
    ``src`` (whitespace stripped, digits compared exactly: no ``+98``/``0098`` rewriting);
    failing that, its ``dst``. Several targets with one first party are bridged oldest first.
  - The request's ``unique_id`` is recorded on the target it bridges: it is the ``cuid`` of
    the second leg's CDR (reference §9), so ``unique_id_for(call_id)`` links the two.
  - A retry (a bridged target asked again with the *same* non-empty ``unique_id``) gets the
    same answer. Another ``unique_id`` for a bridged target is refused: a second, unexpected
    call must not reach the second party too.

Answers (reference §5.8, §7.4)
  - Exten API form ``{"ok":"1","extension":"<second party>"}`` for a target without a trunk.
  - Trunk API form ``{"ok":"1","trunk":"<trunk>","extension":"<second party>"}``, plus
    ``"call_limit":"<seconds>"`` when the target has one.
  - Where the reference is silent: it documents only ``ok:"1"`` answers, so the refusal
    ``{"ok":"0"}`` (no other keys) is our choice. A component that gets no usable answer
    ends the call rather than dialling a guessed party.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

#: The answer sent when no pending call matches (our choice: the reference is silent).
REFUSAL: Mapping[str, str] = {"ok": "0"}

REFUSED_NO_MATCH = "no pending call for this number"
REFUSED_ALREADY_BRIDGED = "call already bridged under another unique_id"


@dataclass(frozen=True, slots=True)
class BridgeTarget:
    """A call waiting for its first party to answer, and where to send it then."""

    call_id: str
    first_party: str
    second_party: str
    trunk: str = ""
    call_limit: int | None = None

    def answer(self) -> dict[str, str]:
        """The component answer that sends the call to ``second_party``."""
        if not self.trunk:
            return {"ok": "1", "extension": self.second_party}
        answer = {"ok": "1", "trunk": self.trunk, "extension": self.second_party}
        if self.call_limit is not None:
            answer["call_limit"] = str(self.call_limit)
        return answer


@dataclass(frozen=True, slots=True)
class BridgeDecision:
    """What ``BridgeBook.decide`` concluded for one component request."""

    answer: Mapping[str, str]
    """The JSON object to send back."""
    unique_id: str
    """The request's ``unique_id`` (stripped)."""
    call_id: str | None = None
    """The call sent on to its second party; ``None`` for every refusal."""
    target: BridgeTarget | None = None
    """The matched target (also set when refused because it was already bridged)."""
    refused: str | None = None
    """Why the request was refused; ``None`` when it was answered with ``ok:"1"``."""
    retry: bool = False
    """True when this repeats an earlier request with the same ``unique_id``."""

    @property
    def ok(self) -> bool:
        """True when the call is sent on to the second party."""
        return self.refused is None


@dataclass(slots=True)
class _Entry:
    target: BridgeTarget
    unique_id: str | None = None
    """Set once bridged (may be ``""`` when Simotel sent no id)."""


class BridgeBook:
    """The pending bridges, keyed by call id; every method is safe from any thread."""

    def __init__(self) -> None:
        """An empty book."""
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        """Counts only: numbers are personal data and have no place in logs."""
        with self._lock:
            bridged = sum(1 for e in self._entries.values() if e.unique_id is not None)
            return f"BridgeBook(targets={len(self._entries)}, bridged={bridged})"

    def expect(self, target: BridgeTarget) -> None:
        """Wait for ``target.first_party`` to answer (replaces an entry with the same call id)."""
        with self._lock:
            self._entries.pop(target.call_id, None)
            self._entries[target.call_id] = _Entry(target)

    def forget(self, call_id: str) -> bool:
        """Stop tracking a call; returns whether it was known."""
        with self._lock:
            return self._entries.pop(call_id, None) is not None

    def pending(self) -> list[BridgeTarget]:
        """Targets not bridged yet, oldest first."""
        with self._lock:
            return [e.target for e in self._entries.values() if e.unique_id is None]

    def targets(self) -> list[BridgeTarget]:
        """Every target still in the book, bridged or not, oldest first."""
        with self._lock:
            return [e.target for e in self._entries.values()]

    def get(self, call_id: str) -> BridgeTarget | None:
        """The target of ``call_id``, if it is still in the book."""
        with self._lock:
            entry = self._entries.get(call_id)
            return entry.target if entry is not None else None

    def unique_id_for(self, call_id: str) -> str | None:
        """The ``unique_id`` the call was bridged under; ``None`` while not bridged (or unknown)."""
        with self._lock:
            entry = self._entries.get(call_id)
            return entry.unique_id if entry is not None else None

    def decide(self, fields: Mapping[str, str]) -> BridgeDecision:
        """Answer one Exten API / Trunk API request (fields as Simotel sent them)."""
        src = str(fields.get("src", "")).strip()
        dst = str(fields.get("dst", "")).strip()
        unique_id = str(fields.get("unique_id", "")).strip()
        with self._lock:
            candidates = self._matching(src) or self._matching(dst)
            if not candidates:
                return BridgeDecision(dict(REFUSAL), unique_id, refused=REFUSED_NO_MATCH)
            if unique_id:
                for entry in candidates:
                    if entry.unique_id == unique_id:
                        target = entry.target
                        return BridgeDecision(target.answer(), unique_id, target.call_id, target, retry=True)
            for entry in candidates:
                if entry.unique_id is None:
                    entry.unique_id = unique_id
                    target = entry.target
                    return BridgeDecision(target.answer(), unique_id, target.call_id, target)
            # Every matching call is bridged already, under another id. call_id stays None, as
            # for every refusal, so no listener mistakes this request for the call's bridge.
            target = candidates[-1].target
            return BridgeDecision(dict(REFUSAL), unique_id, None, target, refused=REFUSED_ALREADY_BRIDGED)

    def _matching(self, number: str) -> list[_Entry]:
        if not number:
            return []
        return [e for e in self._entries.values() if e.target.first_party.strip() == number]


@dataclass(frozen=True, slots=True)
class BridgeRequestSeen:
    """One request the responder answered (``at`` is real epoch time).

    ``call_id`` names the call that was sent on to its second party; it is ``None`` whenever
    ``refused`` says why the request was turned down.
    """

    call_id: str | None
    unique_id: str
    src: str
    dst: str
    app_name: str
    answer: Mapping[str, str]
    refused: str | None
    at: float = field(default_factory=time.time)
