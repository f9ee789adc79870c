"""Queue agents: members and pauses from the PBX's records; a change sent once, never retried."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from simotui.agents import AgentChange, AgentDesk, ChangeOutcome, KnownState, agents_of
from simotui.api.models import AgentSession, User
from simotui.errors import ApiTimeout, OperationFailed, ServerError

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def user(number: str, *queues: str) -> User:
    return User(f"id{number}", number, f"name {number}", True, "", "", "", None, "", queues, None, {})


def session(exten: str, queue: str, kind: str, start: datetime, end: datetime | None) -> AgentSession:
    return AgentSession(f"s{exten}{kind}{start:%H%M%S}", kind, exten, queue, start, end, None, {})


USERS = [user("555", "900"), user("557", "900", "9009"), user("570", "900"), user("560", "901")]


def states(agents: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {a.agent: a.state for a in agents}


def test_members_come_from_the_users_queues_and_pauses_from_open_sessions() -> None:
    sessions = [
        session("557", "900", "pause", NOW - timedelta(minutes=5), None),  # open: no end
        session("570", "900", "pause", NOW - timedelta(hours=1), NOW - timedelta(minutes=30)),  # ended
        session("555", "9009", "pause", NOW - timedelta(minutes=1), None),  # another queue
    ]
    agents = agents_of("900", USERS, sessions, NOW)
    assert states(agents) == {"555": "in queue", "557": "paused", "570": "in queue"}
    assert agents[1].paused_since == NOW - timedelta(minutes=5)


def test_a_session_ending_now_so_far_is_going_on() -> None:
    """Reported as the simulator does: an open session ends at the PBX's time now."""
    sessions = [session("555", "900", "Paused", NOW - timedelta(minutes=2), NOW)]
    assert states(agents_of("900", USERS, sessions, NOW))["555"] == "paused"
    later = NOW + timedelta(minutes=1)  # a minute on, that session is over
    assert states(agents_of("900", USERS, sessions, later))["555"] == "in queue"


def test_this_consoles_confirmed_change_wins_over_sessions_no_newer() -> None:
    """Resumed a moment ago: the pause 'ends now', which alone would still read as paused."""
    sessions = [session("555", "900", "pause", NOW - timedelta(minutes=2), NOW)]
    known = {("900", "555"): KnownState(False, NOW)}
    assert states(agents_of("900", USERS, sessions, NOW, known))["555"] == "in queue"
    # Someone else paused the agent again later: the newer session wins.
    again = [
        *sessions,
        session("555", "900", "pause", NOW + timedelta(minutes=5), NOW + timedelta(minutes=6)),
    ]
    assert states(agents_of("900", USERS, again, NOW + timedelta(minutes=6), known))["555"] == "paused"


def test_a_member_only_the_sessions_know_is_listed() -> None:
    sessions = [session("599", "900", "inout", NOW - timedelta(hours=1), None)]
    assert "599" in states(agents_of("900", USERS, sessions, NOW))


class FakePbx:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.sent: list[tuple[str, str, str]] = []

    async def pause(self, queue: str, agent: str) -> str:
        self.sent.append(("pause", queue, agent))
        if self.error:
            raise self.error
        return "Paused successfully"

    async def resume(self, queue: str, agent: str) -> str:
        self.sent.append(("resume", queue, agent))
        return "UnPaused successfully"


def desk_for(pbx: FakePbx) -> AgentDesk:
    return AgentDesk(pbx.pause, pbx.resume, lambda: NOW)


def test_one_change_per_agent_at_a_time_and_only_once_claimed() -> None:
    pbx = FakePbx()
    desk = desk_for(pbx)
    change = AgentChange("900", "555", pause=True)
    with pytest.raises(RuntimeError):
        asyncio.run(desk.send(change))  # never without a claim
    assert desk.claim(change) and not desk.claim(change) and desk.busy(change)
    assert desk.claim(AgentChange("900", "557", pause=True))  # another agent is free
    result = asyncio.run(desk.send(change))
    assert result.outcome is ChangeOutcome.DONE and result.message == "Paused successfully"
    assert pbx.sent == [("pause", "900", "555")]
    assert desk.known[("900", "555")] == KnownState(True, NOW)
    assert desk.claim(change)  # free again once answered
    desk.release(change)
    assert not desk.busy(change)


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (OperationFailed("Requested operation failed"), ChangeOutcome.REFUSED),
        (ServerError("bad gateway", status=502), ChangeOutcome.UNKNOWN),
        (ApiTimeout("no answer in 10 s", code="timeout"), ChangeOutcome.UNKNOWN),
    ],
)
def test_a_failed_change_is_refused_or_unknown_and_never_retried(
    error: Exception, outcome: ChangeOutcome
) -> None:
    pbx = FakePbx(error)
    desk = desk_for(pbx)
    change = AgentChange("900", "555", pause=True)
    desk.claim(change)
    result = asyncio.run(desk.send(change))
    assert result.outcome is outcome
    assert len(pbx.sent) == 1 and not desk.busy(change)
    assert ("900", "555") not in desk.known
    if outcome is ChangeOutcome.UNKNOWN:
        assert "may have been applied" in result.summary and "not retried" in result.summary
