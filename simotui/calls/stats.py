"""The shape of the day: figures of the calls this console placed and of the PBX's CDRs of today.

Pure (no Textual, no IO): the stats view pages today's CDRs in a worker and hands them here with
the tracker's calls. The words are those of call-centre dashboards (the reference documents no
dashboard of Simotel's own): *total calls*, *answered*, *answer rate*, *average talk* (billsec),
*average wait*, outcomes by disposition.

CDR rows are grouped into calls by ``cuid`` (a queue writes several rows for one call): a call is
answered when any of its rows is; its talk is its longest billsec, its wait its first row's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from simotui.api.models import Cdr
from simotui.calls.model import Call
from simotui.calls.states import CallState

ANSWERED = "ANSWERED"
NO_TRUNK = "(no trunk)"
SPARK_MINUTES = 60
"""The sparkline's reach: answered calls per minute over the last hour."""

FIRST_PARTY_STATES = frozenset(
    {CallState.FIRST_NO_ANSWER, CallState.FIRST_BUSY, CallState.FIRST_LOST, CallState.FIRST_FAILED}
)
SECOND_PARTY_STATES = frozenset(
    {CallState.ANSWERED, CallState.SECOND_NO_ANSWER, CallState.SECOND_BUSY, CallState.SECOND_FAILED}
)


@dataclass(frozen=True, slots=True)
class Figures:
    """Counts and averages of a set of calls."""

    total: int = 0
    answered: int = 0
    talk: int = 0
    """Seconds talked, summed over answered calls."""
    wait: int = 0
    """Seconds waited, summed over calls with a known wait."""
    waited: int = 0
    """How many calls have a known wait."""

    @property
    def answer_rate(self) -> float | None:
        """Answered / total (None with no calls)."""
        return self.answered / self.total if self.total else None

    @property
    def average_talk(self) -> float | None:
        """Mean billsec of answered calls."""
        return self.talk / self.answered if self.answered else None

    @property
    def average_wait(self) -> float | None:
        """Mean wait of the calls whose wait is known."""
        return self.wait / self.waited if self.waited else None

    def plus(self, answered: bool, talk: int, wait: int | None) -> Figures:
        """These figures with one more call."""
        return Figures(
            self.total + 1,
            self.answered + int(answered),
            self.talk + (talk if answered else 0),
            self.wait + (wait or 0),
            self.waited + int(wait is not None),
        )


@dataclass(frozen=True, slots=True)
class CdrCall:
    """One call of the CDRs: its rows folded together."""

    cuid: str
    start: datetime | None
    disposition: str
    billsec: int
    wait: int
    trunk: str


def fold_cdrs(cdrs: Iterable[Cdr]) -> list[CdrCall]:
    """CDR rows grouped by call (``cuid``; a row without one is a call of its own), oldest first."""
    groups: dict[str, list[Cdr]] = {}
    for cdr in cdrs:
        groups.setdefault(cdr.cuid or f"#{cdr.id}", []).append(cdr)
    calls = []
    for cuid, rows in groups.items():
        first = min(rows, key=lambda row: (_when(row.start), row.id))
        answered = any(row.disposition is not None and row.disposition.value == ANSWERED for row in rows)
        disposition = ANSWERED if answered else (str(rows[-1].disposition) if rows[-1].disposition else "?")
        trunk = next(
            (row.outgoing_point or row.entry_point for row in rows if row.outgoing_point or row.entry_point),
            "",
        )
        calls.append(
            CdrCall(
                cuid,
                first.start,
                disposition,
                max(row.billsec for row in rows),
                first.wait,
                trunk or NO_TRUNK,
            )
        )
    calls.sort(key=lambda c: (_when(c.start), c.cuid))
    return calls


def _when(moment: datetime | None) -> float:
    # Rows without a start sort last.
    return moment.timestamp() if moment is not None else float("inf")


@dataclass(frozen=True, slots=True)
class DayStats:
    """Today's CDRs in figures."""

    overall: Figures = Figures()
    dispositions: Mapping[str, int] = field(default_factory=dict)
    per_trunk: Mapping[str, Figures] = field(default_factory=dict)
    answered_per_minute: tuple[int, ...] = ()
    """Answered calls started in each of the last :data:`SPARK_MINUTES` minutes, oldest first."""


def day_stats(cdrs: Iterable[Cdr], now: datetime, minutes: int = SPARK_MINUTES) -> DayStats:
    """Figures of today's CDR rows (grouped into calls)."""
    overall = Figures()
    dispositions: Counter[str] = Counter()
    trunks: dict[str, Figures] = {}
    spark = [0] * minutes
    first_minute = now.replace(second=0, microsecond=0) - timedelta(minutes=minutes - 1)
    for call in fold_cdrs(cdrs):
        answered = call.disposition == ANSWERED
        overall = overall.plus(answered, call.billsec, call.wait)
        dispositions[call.disposition] += 1
        trunks[call.trunk] = trunks.get(call.trunk, Figures()).plus(answered, call.billsec, call.wait)
        if answered and call.start is not None:
            index = int((call.start - first_minute).total_seconds() // 60)
            if 0 <= index < minutes:
                spark[index] += 1
    return DayStats(overall, dict(dispositions), dict(sorted(trunks.items())), tuple(spark))


@dataclass(frozen=True, slots=True)
class SessionStats:
    """The calls this console tracks, in figures."""

    placed: Figures = Figures()
    """Calls Simotel placed (or may have) that have ended: the answer rate is of these (refused
    and not-sent requests are left out, calls still going are counted in :attr:`going`)."""
    placed_today: int = 0
    first_party: Mapping[str, int] = field(default_factory=dict)
    """How calls ended at the first party (campaign calls never reached), by state."""
    second_party: Mapping[str, int] = field(default_factory=dict)
    """How calls ended once the first party answered, by state."""
    per_trunk: Mapping[str, Figures] = field(default_factory=dict)
    per_campaign: Mapping[str, Figures] = field(default_factory=dict)
    going: int = 0

    @property
    def total(self) -> int:
        """Every call placed this session: ended and still going."""
        return self.placed.total + self.going


def session_stats(calls: Iterable[Call], today: datetime) -> SessionStats:
    """Figures of tracked calls; ``today`` is the PBX's midnight (calls since then are *today*)."""
    placed = Figures()
    today_count = going = 0
    first: Counter[str] = Counter()
    second: Counter[str] = Counter()
    trunks: dict[str, Figures] = {}
    campaigns: dict[str, Figures] = {}
    for call in calls:
        if call.state in (CallState.REFUSED, CallState.NOT_SENT, CallState.SENDING):
            continue
        leg = call.main_leg
        answered = call.state is CallState.ANSWERED
        talk = leg.billsec if leg is not None else 0
        wait = leg.wait if leg is not None else None
        if call.requested_at >= today:
            today_count += 1
        if not call.state.is_final:
            going += 1
            continue
        placed = placed.plus(answered, talk, wait)
        if call.state in FIRST_PARTY_STATES:
            first[call.state.value] += 1
        elif call.state in SECOND_PARTY_STATES:
            second[call.state.value] += 1
        trunk = call.dial.trunk_name or NO_TRUNK
        trunks[trunk] = trunks.get(trunk, Figures()).plus(answered, talk, wait)
        if call.campaign_name or call.campaign_id:
            name = call.campaign_name or call.campaign_id
            campaigns[name] = campaigns.get(name, Figures()).plus(answered, talk, wait)
    return SessionStats(
        placed,
        today_count,
        dict(first),
        dict(second),
        dict(sorted(trunks.items())),
        dict(sorted(campaigns.items())),
        going,
    )


def seconds_text(value: float | None) -> str:
    """An average in ``m:ss``, or a dash."""
    from simotui import display

    return display.duration(round(value)) if value is not None else display.DASH


def percent(rate: float | None) -> str:
    """``75%``, or a dash."""
    return "—" if rate is None else f"{rate * 100:.0f}%"


def strip_text(stats: SessionStats, seconds: Callable[[float | None], str] = seconds_text) -> str:
    """The dashboard's one line, short enough for 80 columns:
    ``placed 12 (today 9) · answered 75% · talk 1:02 · wait 0:08 · 2 going``."""
    placed = stats.placed
    today = f" (today {stats.placed_today})" if stats.placed_today != stats.total else ""
    parts = [
        f"placed {stats.total}{today}",
        f"answered {percent(placed.answer_rate)}",
        f"talk {seconds(placed.average_talk)}",
        f"wait {seconds(placed.average_wait)}",
    ]
    if stats.going:
        parts.append(f"{stats.going} going")
    return " · ".join(parts)
