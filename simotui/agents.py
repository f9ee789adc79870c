"""Queue agents: who is in which queue, who is paused, and a pause or resume sent at most once.

Pausing an agent is the other live write the API offers besides dialling: a mistaken one takes a
person off a queue's calls. So it gets what a dial gets — a confirmation, one request per intent,
never retried — and a lost answer is reported as *may have been applied*, to be checked against
the agents' sessions, never as a failure to try again.

Where the reference is silent: a queue row has no member list, so an agent's queues come from
the users search (each user's ``queues``), and whether one is paused from the open pause sessions
of ``reports/agent/search`` (any session type naming a pause; the API spelling of the UI's
"Paused" is undocumented). Nor does the reference say how a session still going on is reported:
with no ``end``, or — as the simulator does — ending "now so far". Both count as going on: a pause
whose end is within ``ONGOING_SLACK`` of the PBX's time now. That cannot tell a pause resumed a
moment ago from one going on, so what this console itself changed, and the PBX confirmed, wins
over sessions no newer than the change. No pause session seen means *in queue*.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from simotui.api.models import AgentSession, User
from simotui.errors import SimotuiError, fault_words, may_have_been_processed


@dataclass(frozen=True, slots=True)
class QueueAgent:
    """One member of a queue, as far as the PBX's records tell."""

    queue: str
    agent: str
    name: str
    paused: bool
    paused_since: datetime | None = None

    @property
    def state(self) -> str:
        """The word the agents table shows."""
        return "paused" if self.paused else "in queue"


ONGOING_SLACK = timedelta(seconds=5)


def ongoing(session: AgentSession, now: datetime) -> bool:
    """Whether a session is still going on at ``now`` (the PBX's time)."""
    return session.end is None or session.end >= now - ONGOING_SLACK


@dataclass(frozen=True, slots=True)
class KnownState:
    """What a confirmed change of this console set: paused or not, at the PBX's time ``at``."""

    paused: bool
    at: datetime


def agents_of(
    queue: str,
    users: Iterable[User],
    sessions: Iterable[AgentSession],
    now: datetime,
    known: Mapping[tuple[str, str], KnownState] | None = None,
) -> list[QueueAgent]:
    """The members of ``queue``, by extension number, each paused or not at ``now``."""
    names: dict[str, str] = {}
    for user in users:
        if queue in user.queues:
            names[user.number] = user.name
    pauses: dict[str, datetime | None] = {}
    latest: dict[str, datetime] = {}
    for session in sessions:
        if session.queue != queue:
            continue
        if session.is_pause and session.end is not None:
            latest[session.exten] = max(session.end, latest.get(session.exten, session.end))
        if not ongoing(session, now):
            continue
        if session.is_pause:
            pauses[session.exten] = session.start
        names.setdefault(session.exten, "")  # a member the users list did not name
    agents = []
    for agent in sorted(names, key=lambda number: (len(number), number)):
        paused, since = agent in pauses, pauses.get(agent)
        mine = (known or {}).get((queue, agent))
        seen = latest.get(agent)
        if mine is not None and (seen is None or seen <= mine.at + ONGOING_SLACK):
            paused, since = mine.paused, (since if mine.paused else None)
        agents.append(QueueAgent(queue, agent, names[agent], paused, since))
    return agents


@dataclass(frozen=True, slots=True)
class AgentChange:
    """One intent: pause (or resume) one agent in one queue."""

    queue: str
    agent: str
    pause: bool

    @property
    def verb(self) -> str:
        return "pause" if self.pause else "resume"

    @property
    def service(self) -> str:
        return "pbx/queues/pauseagent" if self.pause else "pbx/queues/resumeagent"

    @property
    def body(self) -> dict[str, str]:
        return {"queue": self.queue, "agent": self.agent}

    @property
    def key(self) -> tuple[str, str]:
        return (self.queue, self.agent)


class ChangeOutcome(Enum):
    """How a change ended, as far as the console can know."""

    DONE = "done"
    REFUSED = "refused"
    """Simotel refused it (its documented answer): nothing changed."""
    UNKNOWN = "may have been applied"
    """The answer was lost after the request may have arrived: look at the agents' sessions."""


@dataclass(frozen=True, slots=True)
class ChangeResult:
    change: AgentChange
    outcome: ChangeOutcome
    message: str

    @property
    def summary(self) -> str:
        """One line for a notification."""
        what = f"{self.change.verb} {self.change.agent} in {self.change.queue}"
        if self.outcome is ChangeOutcome.DONE:
            return f"{what}: {self.message or 'done'}"
        if self.outcome is ChangeOutcome.REFUSED:
            return f"{what}: refused — {self.message}"
        return f"{what}: may have been applied ({self.message}); refresh to see — not retried"


Send = Callable[[str, str], Awaitable[str]]


class AgentDesk:
    """Sends agent changes: each intent once, one at a time per agent and queue."""

    def __init__(self, pause: Send, resume: Send, clock: Callable[[], datetime]) -> None:
        self._pause = pause
        self._resume = resume
        self._clock = clock
        self._in_flight: set[tuple[str, str]] = set()
        self.known: dict[tuple[str, str], KnownState] = {}
        """What the PBX confirmed of this console's changes (see :func:`agents_of`)."""
        self.sent = 0
        """Requests sent (a test counts them against the PBX's log)."""

    def busy(self, change: AgentChange) -> bool:
        """Whether a change of that agent in that queue is on its way."""
        return change.key in self._in_flight

    def claim(self, change: AgentChange) -> bool:
        """Take the right to send ``change``; False while one for the same agent is in flight."""
        if change.key in self._in_flight:
            return False
        self._in_flight.add(change.key)
        return True

    def release(self, change: AgentChange) -> None:
        """Give the right back without sending (the confirmation was declined)."""
        self._in_flight.discard(change.key)

    async def send(self, change: AgentChange) -> ChangeResult:
        """Send a claimed change once. Never retried, whatever the answer."""
        if change.key not in self._in_flight:
            raise RuntimeError("an agent change is sent only after it was claimed")
        send = self._pause if change.pause else self._resume
        try:
            self.sent += 1
            message = await send(change.queue, change.agent)
        except SimotuiError as error:
            outcome = ChangeOutcome.UNKNOWN if may_have_been_processed(error) else ChangeOutcome.REFUSED
            return ChangeResult(change, outcome, f"{fault_words(error)}: {error.message}")
        finally:
            self._in_flight.discard(change.key)
        self.known[change.key] = KnownState(change.pause, self._clock())
        return ChangeResult(change, ChangeOutcome.DONE, message)
