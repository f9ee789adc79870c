"""Identifier factories: Mongo ObjectIds, Asterisk call ids (cuid) and originate call ids."""

from __future__ import annotations

import random
import re

OBJECT_ID_RE = re.compile(r"^[0-9a-f]{24}$")


class ObjectIdFactory:
    """Makes 24-hex ObjectIds the way MongoDB does: 4-byte epoch, 5 process bytes, 3-byte counter.

    The epoch prefix is the *insertion* time (clients read it back, §8.12), the process
    bytes and counter start from the seeded RNG so a seed always yields the same ids.
    """

    def __init__(self, rng: random.Random) -> None:
        """Draw the process bytes and the counter start from ``rng``."""
        self._process = rng.getrandbits(40)
        self._counter = rng.getrandbits(24)

    def new(self, epoch: float) -> str:
        """A fresh id whose timestamp prefix is ``epoch`` (seconds)."""
        self._counter = (self._counter + 1) & 0xFFFFFF
        return f"{int(epoch) & 0xFFFFFFFF:08x}{self._process:010x}{self._counter:06x}"


def object_id_epoch(oid: str) -> int:
    """The insertion epoch encoded in the first 8 hex digits of an ObjectId."""
    return int(oid[:8], 16)


def is_object_id(value: object) -> bool:
    """True for a 24-hex lower/upper-case string."""
    return isinstance(value, str) and OBJECT_ID_RE.match(value.lower()) is not None


class CallIdFactory:
    """Asterisk-style ids: ``cuid``/``uniqueid`` ``<epoch>.<seq>`` and channel suffixes.

    One sequence counter serves the cuid suffix and the CDR ``sequence`` field, as a
    single Asterisk process does; channel names get their own hex counter.
    """

    def __init__(self, rng: random.Random) -> None:
        """Start the counters at seeded, realistic-looking values."""
        self.sequence = rng.randint(1000, 9000)
        self._channel = rng.randint(0x100, 0xFFF)

    def next_sequence(self) -> int:
        """Advance and return the call sequence."""
        self.sequence += 1
        return self.sequence

    def cuid(self, epoch: float) -> tuple[str, int]:
        """A new ``<epoch>.<seq>`` call id and its sequence number."""
        seq = self.next_sequence()
        return f"{int(epoch)}.{seq}", seq

    def channel(self, peer: str) -> str:
        """A SIP channel name such as ``SIP/557-0000a1b2``."""
        self._channel += 1
        return f"SIP/{peer}-{self._channel & 0xFFFFFFFF:08x}"


def originated_call_id(epoch: float, rng: random.Random) -> str:
    """``orig.call.<epoch>.<6 digits>`` as returned by ``call/originate/act`` (§3.2)."""
    return f"orig.call.{int(epoch)}.{rng.randint(100000, 999999)}"


#: How many ``<6 digits>`` suffixes one epoch second offers.
SUFFIXES_PER_SECOND = 900_000
#: Random draws tried before scanning for a free suffix (only a nearly full second needs it).
DRAWS_BEFORE_SCAN = 32


class OriginateIdFactory:
    """``orig.call.<epoch>.<6 digits>`` ids that are never handed out twice.

    Six random digits collide about every two seconds at 1,000 originates a second, so the
    suffixes already used in the current second are remembered. Virtual time never runs
    backwards, so only the newest second needs remembering. When a whole second's 900,000
    suffixes are used up (a frozen clock and a flood of originates), the ids move on to the
    next second: the format stays documented and the id stays unique.
    """

    def __init__(self) -> None:
        """Start with no id issued."""
        self._second = -1
        self._used: set[int] = set()

    def new(self, epoch: float, rng: random.Random) -> str:
        """A fresh id for a call originated at ``epoch``; the suffix is drawn from ``rng``."""
        second = int(epoch)
        if second > self._second:
            self._second, self._used = second, set()
        elif len(self._used) >= SUFFIXES_PER_SECOND:
            self._second, self._used = self._second + 1, set()
        suffix = rng.randint(100000, 999999)
        draws = 1
        while suffix in self._used:
            if draws >= DRAWS_BEFORE_SCAN:
                suffix = self._free_after(suffix)
                break
            suffix = rng.randint(100000, 999999)
            draws += 1
        self._used.add(suffix)
        return f"orig.call.{self._second}.{suffix}"

    def _free_after(self, start: int) -> int:
        """The first unused suffix at or after ``start``, wrapping around (one is known free)."""
        for offset in range(SUFFIXES_PER_SECOND):
            candidate = 100000 + (start - 100000 + offset) % SUFFIXES_PER_SECOND
            if candidate not in self._used:
                return candidate
        raise AssertionError("no free suffix in a second that is not full")
