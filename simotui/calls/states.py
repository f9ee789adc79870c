"""The one vocabulary of a call's life: every state, its words, whether it is final, its tone.

The live panel, the call detail, the history view, the command line and the journal all say a
call's state with these words and nothing else. A state is derived from what is known about
the call (see :mod:`simotui.calls.model`); it is never typed in by a widget.
"""

from __future__ import annotations

from enum import StrEnum


class Tone(StrEnum):
    """How a state should look: the console colours by tone, looked up by state."""

    LIVE = "live"
    """Still going: nothing to worry about yet."""
    GOOD = "good"
    """Ended the way the user wanted."""
    WARN = "warn"
    """Ended without a conversation: a party did not answer or was busy."""
    BAD = "bad"
    """Refused, failed, or never left."""
    UNKNOWN = "unknown"
    """The outcome is not known for sure."""


class CallState(StrEnum):
    """Where a call is; the value is the word a user reads."""

    # The request itself.
    SENDING = "sending"
    MAYBE_PLACED = "may have been placed"
    NOT_SENT = "not sent"
    REFUSED = "refused"
    NO_TRACE = "no trace"
    # A direct call Simotel accepted.
    WAITING = "waiting for CDR"
    NO_CDR_YET = "no CDR yet"
    # A direct call, as pushed events tell its progress (see calls/pushed.py).
    FIRST_RINGING = "1st ringing"
    SECOND_RINGING = "2nd ringing"
    HUNG_UP = "hung up"
    # A campaign call Simotel accepted.
    DIALLING_FIRST = "dialling 1st"
    RETRYING_FIRST = "retrying 1st"
    FIRST_ANSWERED = "1st answered"
    BRIDGED = "bridged"
    # Ends.
    ANSWERED = "answered"
    SECOND_NO_ANSWER = "2nd: no answer"
    SECOND_BUSY = "2nd: busy"
    SECOND_FAILED = "2nd: failed"
    FIRST_FAILED = "1st: failed"
    FIRST_NO_ANSWER = "1st: no answer"
    FIRST_BUSY = "1st: busy"
    FIRST_LOST = "1st: lost"
    NOT_BRIDGED = "not bridged"
    NO_CDR = "no CDR"
    NO_REPORT = "no report"
    ENDED = "ended"

    @property
    def is_final(self) -> bool:
        """Whether nothing more will be learnt about the call (polling stops)."""
        return self not in _ONGOING

    @property
    def tone(self) -> Tone:
        """How the state looks."""
        return _TONES[self]

    @property
    def placed(self) -> bool | None:
        """Whether the PBX placed the call: True, False, or None while that is not known."""
        if self in (CallState.NOT_SENT, CallState.REFUSED):
            return False
        if self in (CallState.SENDING, CallState.MAYBE_PLACED, CallState.NO_TRACE):
            return None
        return True


_ONGOING = frozenset(
    {
        CallState.SENDING,
        CallState.MAYBE_PLACED,
        CallState.WAITING,
        CallState.NO_CDR_YET,
        CallState.FIRST_RINGING,
        CallState.SECOND_RINGING,
        CallState.HUNG_UP,
        CallState.DIALLING_FIRST,
        CallState.RETRYING_FIRST,
        CallState.FIRST_ANSWERED,
        CallState.BRIDGED,
    }
)

_TONES: dict[CallState, Tone] = {
    CallState.SENDING: Tone.LIVE,
    CallState.MAYBE_PLACED: Tone.UNKNOWN,
    CallState.NOT_SENT: Tone.BAD,
    CallState.REFUSED: Tone.BAD,
    CallState.NO_TRACE: Tone.UNKNOWN,
    CallState.WAITING: Tone.LIVE,
    CallState.NO_CDR_YET: Tone.UNKNOWN,
    CallState.FIRST_RINGING: Tone.LIVE,
    CallState.SECOND_RINGING: Tone.LIVE,
    CallState.HUNG_UP: Tone.LIVE,
    CallState.DIALLING_FIRST: Tone.LIVE,
    CallState.RETRYING_FIRST: Tone.LIVE,
    CallState.FIRST_ANSWERED: Tone.LIVE,
    CallState.BRIDGED: Tone.LIVE,
    CallState.ANSWERED: Tone.GOOD,
    CallState.SECOND_NO_ANSWER: Tone.WARN,
    CallState.SECOND_BUSY: Tone.WARN,
    CallState.SECOND_FAILED: Tone.BAD,
    CallState.FIRST_FAILED: Tone.BAD,
    CallState.FIRST_NO_ANSWER: Tone.WARN,
    CallState.FIRST_BUSY: Tone.WARN,
    CallState.FIRST_LOST: Tone.BAD,
    CallState.NOT_BRIDGED: Tone.BAD,
    CallState.NO_CDR: Tone.UNKNOWN,
    CallState.NO_REPORT: Tone.UNKNOWN,
    CallState.ENDED: Tone.WARN,
}

#: What each state means, in one sentence (the detail screen, the CLI, the help legend).
MEANINGS: dict[CallState, str] = {
    CallState.SENDING: "the request is on its way to Simotel",
    CallState.MAYBE_PLACED: (
        "the answer was lost after Simotel may have acted on it; NOT retried — looking for the call "
        "in the reports"
    ),
    CallState.NOT_SENT: "the request never reached Simotel; no call was placed",
    CallState.REFUSED: "Simotel refused the request; no call was placed",
    CallState.NO_TRACE: (
        "no trace of the call in the reports by its deadline: it was not placed, or its first party "
        "never answered (Simotel then writes no CDR)"
    ),
    CallState.WAITING: "Simotel accepted the call; its CDR is written when it ends",
    CallState.NO_CDR_YET: (
        "no CDR yet: the first party did not answer, or the call is still going (still polled)"
    ),
    CallState.FIRST_RINGING: "the first party's phone is ringing (pushed event)",
    CallState.SECOND_RINGING: "the first party answered; the second party's phone is ringing (pushed event)",
    CallState.HUNG_UP: "the call has ended (pushed event); its CDR is being read",
    CallState.DIALLING_FIRST: "the autodialer is ringing the first party",
    CallState.RETRYING_FIRST: "the first party did not answer a try; the autodialer will try again",
    CallState.FIRST_ANSWERED: "the first party answered; waiting for Simotel to ask for the second",
    CallState.BRIDGED: "the first party answered and was handed on to the second party",
    CallState.ANSWERED: "both parties talked",
    CallState.SECOND_NO_ANSWER: "the first party answered; the second party did not",
    CallState.SECOND_BUSY: "the first party answered; the second party was busy",
    CallState.SECOND_FAILED: "the first party answered; the second party could not be dialled",
    CallState.FIRST_FAILED: "the first party could not be dialled (no such extension, or no trunk)",
    CallState.FIRST_NO_ANSWER: "the first party did not answer any try",
    CallState.FIRST_BUSY: "the first party was busy at its last try",
    CallState.FIRST_LOST: "the first party's call was lost before it rang",
    CallState.NOT_BRIDGED: "the first party answered but no second leg was recorded",
    CallState.NO_CDR: (
        "no CDR by timeout + call limit + grace: the first party most likely never answered "
        "(Simotel writes no CDR then); campaign mode knows for sure"
    ),
    CallState.NO_REPORT: "the campaign wrote no report row by its deadline",
    CallState.ENDED: "the call ended with a disposition simotui does not know",
}
