"""Past traffic: N realistic CDRs over the 30 days before now, with queue/poll/agent rows and a few
finished campaigns, deterministic for a seed and fast enough for N = 100,000.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any, TypeVar

from simotui.sim.dates import local
from simotui.sim.models import (
    AgentSession,
    Campaign,
    CdrRecord,
    PollRecord,
    QueueStat,
    RouteStep,
)
from simotui.sim.scenarios import PSTN_PREFIXES, QUEUES
from simotui.sim.state import SimulatedPbx

HISTORY_DAYS = 30
T = TypeVar("T")

#: Relative call volume per local hour of the day (office hours dominate).
_HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 4, 10, 16, 18, 18, 15, 14, 16, 17, 15, 12, 8, 5, 4, 3, 2, 1]
_HOUR_CUM = list(accumulate(_HOUR_WEIGHTS))

_KINDS = ("incoming", "outgoing", "local", "originate")
_KIND_CUM = list(accumulate((45, 28, 15, 12)))
_DISPOSITIONS = ("ANSWERED", "NO ANSWER", "BUSY", "FAILED")
_DISPOSITION_CUM = list(accumulate((62, 20, 10, 8)))


def _choice(rng: random.Random, items: Sequence[T]) -> T:
    # random.choice/randint are several times slower than one random() call, and
    # 100,000 calls need a few hundred thousand draws.
    return items[int(rng.random() * len(items))]


def _randint(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _pick(rng: random.Random, items: tuple[str, ...], cum: list[int]) -> str:
    return items[bisect_right(cum, rng.random() * cum[-1])]


def _pstn(rng: random.Random) -> str:
    prefix = _choice(rng, PSTN_PREFIXES)
    return prefix + str(_randint(rng, 10 ** (10 - len(prefix)), 10 ** (11 - len(prefix)) - 1))


def _midnights(now: float, pbx: SimulatedPbx) -> list[float]:
    today = local(now, pbx.tz).replace(hour=0, minute=0, second=0, microsecond=0)
    days = []
    for back in range(HISTORY_DAYS, -1, -1):
        day = today - timedelta(days=back)
        days.append(datetime(day.year, day.month, day.day, tzinfo=pbx.tz).timestamp())
    return days


def fill_history(pbx: SimulatedPbx, count: int, now: float | None = None) -> None:
    """Add ``count`` past CDRs (plus queue, poll, agent rows and campaigns) ending before now."""
    if count <= 0:
        return
    now = pbx.clock.now() if now is None else now
    rng = random.Random(f"simotel-history|{pbx.seed}")
    earliest = now - HISTORY_DAYS * 86400
    midnights = _midnights(now, pbx)
    starts: list[float] = []
    while len(starts) < count:
        hour = bisect_right(_HOUR_CUM, rng.random() * _HOUR_CUM[-1])
        t = _choice(rng, midnights) + hour * 3600 + rng.random() * 3600
        # Leave room for the call to end before now.
        if earliest <= t <= now - 1200:
            starts.append(float(int(t)))
    starts.sort()

    gen = _Generator(pbx, rng)
    records = [gen.cdr(t) for t in starts]
    pbx.cdrs.add_many(records)
    for record in records:
        if record.record:
            pbx.recordings[record.record] = record.billsec
    pbx.queue_stats.add_many(gen.queue_stats)
    pbx.queue_reports.add_many(gen.queue_reports)
    pbx.polls.add_many(gen.polls)
    for row in gen.queue_reports:
        if row.record:
            pbx.recordings[row.record] = row.billsec
    pbx.agent_sessions.add_many(_agent_sessions(pbx, rng, midnights, now))
    _past_campaigns(pbx, rng, now)


class _Generator:
    """Builds one past call at a time, collecting the queue and poll rows it implies."""

    def __init__(self, pbx: SimulatedPbx, rng: random.Random) -> None:
        self.pbx = pbx
        self.rng = rng
        self.exts = sorted(pbx.users)
        self.agents = {q: [m for m in members if m in pbx.users] for q, (_, members) in QUEUES.items()}
        self.queue_names = {q: name for q, (name, _) in QUEUES.items()}
        self.queue_numbers = list(self.agents)
        self.pstn_trunks = [t for t in ("Cisco", "Center", "t1541") if t in pbx.trunks]
        self.queue_stats: list[QueueStat] = []
        self.queue_reports: list[CdrRecord] = []
        self.polls: list[PollRecord] = []

    def _record_name(self, start: float, cuid: str) -> str:
        return self.pbx.recording_name(start, cuid)

    def cdr(self, start: float) -> CdrRecord:
        """One past CDR starting at ``start``."""
        rng = self.rng
        kind = _pick(rng, _KINDS, _KIND_CUM)
        disposition = _pick(rng, _DISPOSITIONS, _DISPOSITION_CUM)
        cuid, seq = self.pbx.call_ids.cuid(start)
        uniqueid = cuid if rng.random() < 0.9 else f"{int(start)}.{seq + 1}"
        wait = _randint(rng, 1, 25) if disposition != "FAILED" else _randint(rng, 0, 2)
        billsec = 0
        if disposition == "ANSWERED":
            billsec = min(3600, int(rng.lognormvariate(4.0, 1.0)) + 3)
        if kind == "incoming":
            return self._incoming(start, cuid, uniqueid, seq, disposition, wait, billsec)
        if kind == "outgoing":
            return self._outgoing(start, cuid, uniqueid, seq, disposition, wait, billsec)
        if kind == "local":
            return self._local(start, cuid, uniqueid, seq, disposition, wait, billsec, None)
        return self._originate(start, cuid, uniqueid, seq, disposition, wait, billsec)

    def _finish(
        self,
        start: float,
        wait: int,
        billsec: int,
        disposition: str,
    ) -> tuple[float, float | None, float]:
        answer = start + wait if disposition == "ANSWERED" else None
        end = start + wait + billsec
        return end, answer, start + _choice(self.rng, (0.0, 1.0, 1.0, 2.0))

    def _call_cdr(
        self,
        *,
        start: float,
        end: float,
        answer: float | None,
        starttime: float,
        wait: int,
        billsec: int,
        disposition: str,
        seq: int,
        cuid: str,
        uniqueid: str,
        route: list[RouteStep],
        record: str | None,
        **fields: Any,
    ) -> CdrRecord:
        """A finished call's CDR: the columns every kind of call fills alike, plus its own ``fields``."""
        return CdrRecord(
            oid=self.pbx.object_ids.new(end + 1),
            cuid=cuid,
            uniqueid=uniqueid,
            start=start,
            answer=answer,
            duration=wait + billsec,
            billsec=billsec,
            wait=wait,
            disposition=disposition,
            sequence=seq,
            starttime=starttime,
            endtime=end,
            route=route,
            hangup=_choice(self.rng, ("caller", "callee")) if disposition == "ANSWERED" else None,
            record=record,
            **fields,
        )

    def _incoming(
        self,
        start: float,
        cuid: str,
        uniqueid: str,
        seq: int,
        disposition: str,
        wait: int,
        billsec: int,
    ) -> CdrRecord:
        rng = self.rng
        pbx = self.pbx
        src = _pstn(rng)
        trunk = pbx.trunks[_choice(rng, self.pstn_trunks)]
        if disposition == "FAILED":
            disposition = "NO ANSWER"
        welcome = round(rng.uniform(3.5, 4.5), 6)
        # The caller hears the whole welcome before anyone can answer, so the wait covers it.
        wait = max(wait, int(welcome) + 1)
        end, answer, starttime = self._finish(start, wait, billsec, disposition)
        t = start + 0.01
        route: list[RouteStep] = [("IncomingRoute", "Incoming Route", 0.010565, t)]
        t += welcome
        route.append(("Announcement", "Welcome", welcome, t))
        to_queue = rng.random() < 0.6
        dstchannel, lastapp, lastdata = "", "Hangup", ""
        if to_queue:
            qnum = _choice(rng, self.queue_numbers)
            agent = _choice(rng, self.agents[qnum])
            route.append(("Queue", self.queue_names[qnum], round(max(0.0, end - t), 6), max(end, t)))
            lastapp, lastdata = "Queue", f"{qnum},tT,,,300"
            if disposition == "ANSWERED":
                dstchannel = pbx.call_ids.channel(agent)
            self._queue_rows(start, cuid, src, qnum, agent, disposition, wait, billsec, end)
        else:
            agent = _choice(rng, self.exts)
            route.append(("Extension", "Extension", round(max(0.0, end - t), 6), max(end, t)))
            lastapp, lastdata = "Dial", f"SIP/{agent},30,TtKk"
            dstchannel = pbx.call_ids.channel(agent) if disposition != "NO ANSWER" else ""
        record = None
        if disposition == "ANSWERED" and rng.random() < 0.5:
            record = self._record_name(start, cuid)
        return self._call_cdr(
            start=start,
            end=end,
            answer=answer,
            starttime=starttime,
            wait=wait,
            billsec=billsec,
            disposition=disposition,
            seq=seq,
            cuid=cuid,
            uniqueid=uniqueid,
            route=route,
            record=record,
            type="incoming",
            clid=f'"" <{src}>',
            src=src,
            dst=trunk.did,
            dcontext="incoming",
            channel=pbx.call_ids.channel(trunk.name),
            dstchannel=dstchannel,
            lastapp=lastapp,
            lastdata=lastdata,
            did=trunk.did,
            entry_point=trunk.name,
        )

    def _queue_rows(
        self,
        start: float,
        cuid: str,
        src: str,
        qnum: str,
        agent: str,
        disposition: str,
        wait: int,
        billsec: int,
        end: float,
    ) -> None:
        pbx = self.pbx
        rng = self.rng
        answered = disposition == "ANSWERED"
        entered = start + 4.0
        queue_id = f"{int(entered)}.{_randint(rng, 100, 9999)}"
        agent_user = pbx.users.get(agent)
        agent_name = agent_user.name if agent_user is not None else agent
        ring = entered + 0.06
        self.queue_stats.append(
            QueueStat(
                oid=pbx.object_ids.new(end + 1),
                cuid=cuid,
                queue_id=queue_id,
                qnum=qnum,
                src=src,
                dst=agent,
                dst_name=agent_name,
                duration=int(end - entered),
                wait=max(0, wait - 4),
                agent_wait=max(0, wait - 4),
                billsec=billsec,
                starttime=entered,
                endtime=end,
                ringtime=ring,
                answeredtime=start + wait if answered else None,
                queue_status="CONTINUE" if answered else "TIMEOUT",
                disposition="ANSWERED" if answered else "MISSED",
                hangup=_choice(rng, ("caller", "agent")) if answered else "caller",
            )
        )
        seq = pbx.call_ids.next_sequence()
        local_chan = f"Local/{agent}@simotel-local-agents-{seq & 0xFFFF:08x};2"
        record = None
        if answered and pbx.queues[qnum].call_record == "yes":
            record = pbx.recording_name(start, cuid)
        self.queue_reports.append(
            CdrRecord(
                oid=pbx.object_ids.new(end + 1),
                type="queue_report",
                cuid=cuid,
                uniqueid=f"{int(entered)}.{seq}",
                clid=f'"{src}" <{src}>',
                src=src,
                dst=agent,
                dcontext="simotel-local-agents",
                channel=local_chan,
                dstchannel=pbx.call_ids.channel(agent),
                lastapp="Dial",
                lastdata=f"SIP/{agent},15,TtKkm",
                start=entered,
                answer=start + wait if answered else None,
                duration=int(end - entered),
                billsec=billsec,
                wait=max(0, wait - 4),
                disposition="ANSWERED" if answered else "NO ANSWER",
                sequence=seq,
                starttime=entered,
                endtime=end,
                qnum=qnum,
                queue_id=queue_id,
                tries=1,
                last_try=end,
                dst_name=agent_name,
                record=record,
            )
        )
        if answered and rng.random() < 0.25:
            self.polls.append(
                PollRecord(
                    oid=pbx.object_ids.new(end + 15),
                    uniqueid=cuid,
                    src=src,
                    dst=agent,
                    point=_randint(rng, 1, 20),
                    label=_choice(rng, ("sale", "support", "quality")),
                    qnum=qnum,
                    date=end + 14,
                )
            )

    def _outgoing(
        self,
        start: float,
        cuid: str,
        uniqueid: str,
        seq: int,
        disposition: str,
        wait: int,
        billsec: int,
    ) -> CdrRecord:
        rng = self.rng
        pbx = self.pbx
        src = _choice(rng, self.exts)
        dst = _pstn(rng)
        trunk = _choice(rng, ("Center", "Center", "Cisco"))
        end, answer, starttime = self._finish(start, wait, billsec, disposition)
        record = None
        if disposition == "ANSWERED" and (pbx.users[src].call_record == "yes" or rng.random() < 0.4):
            record = self._record_name(start, cuid)
        t = start + 0.011
        route: list[RouteStep] = [("OutgoingRoute", "Outgoing Route", 0.011272, t)]
        t += 0.0055
        route.append(("Switcher", "Switcher", 0.005508, t))
        if record is not None:
            t += 0.0067
            route.append(("Answer", "Answer", 0.006667, t))
            t += 0.0056
            route.append(("MixMonitor", "Mix Monitor", 0.005578, t))
        route.append(("Trunk", trunk, round(max(0.0, end - t), 6), max(end, t)))
        failed = disposition == "FAILED"
        return self._call_cdr(
            start=start,
            end=end,
            answer=answer,
            starttime=starttime,
            wait=wait,
            billsec=billsec,
            disposition=disposition,
            seq=seq,
            cuid=cuid,
            uniqueid=uniqueid,
            route=route,
            record=record,
            type="outgoing",
            clid=f'"{pbx.users[src].name}" <{src}>',
            src=src,
            dst=dst,
            dcontext="main_routing",
            channel=pbx.call_ids.channel(src),
            dstchannel="" if failed else pbx.call_ids.channel(trunk),
            lastapp="Dial",
            lastdata=f"SIP/{trunk}/{dst},60,TtKk",
            outgoing_point=trunk,
        )

    def _local(
        self,
        start: float,
        cuid: str,
        uniqueid: str,
        seq: int,
        disposition: str,
        wait: int,
        billsec: int,
        originated: str | None,
    ) -> CdrRecord:
        rng = self.rng
        pbx = self.pbx
        src = _choice(rng, self.exts)
        dst = _choice(rng, [e for e in self.exts if e != src] or self.exts)
        end, answer, starttime = self._finish(start, wait, billsec, disposition)
        record = None
        if disposition == "ANSWERED" and "yes" in (
            pbx.users[src].call_record,
            pbx.users[dst].call_record,
        ):
            record = self._record_name(start, cuid)
        t = start + 0.013
        route: list[RouteStep] = [("OutgoingRoute", "Outgoing Route", 0.013199, t)]
        route.append(("Extension", "Extension", round(max(0.0, end - t), 6), max(end, t)))
        dialled = disposition != "FAILED"
        return self._call_cdr(
            start=start,
            end=end,
            answer=answer,
            starttime=starttime,
            wait=wait,
            billsec=billsec,
            disposition=disposition,
            seq=seq,
            cuid=cuid,
            uniqueid=uniqueid,
            route=route,
            record=record,
            type="local",
            clid=f'"" <{dst}>' if originated else f'"{pbx.users[src].name}" <{src}>',
            src=src,
            dst=dst,
            dcontext="main_routing",
            channel=pbx.call_ids.channel(src),
            dstchannel=pbx.call_ids.channel(dst) if dialled else "",
            lastapp="Dial" if dialled else "Hangup",
            lastdata=f"SIP/{dst},,TtKkg" if dialled else "",
            comment=f"originated call: {originated}" if originated else "",
            originated_call_id=originated,
        )

    def _originate(
        self,
        start: float,
        cuid: str,
        uniqueid: str,
        seq: int,
        disposition: str,
        wait: int,
        billsec: int,
    ) -> CdrRecord:
        rng = self.rng
        pbx = self.pbx
        orig = f"orig.call.{int(start)}.{_randint(rng, 100000, 999999)}"
        if rng.random() < 0.25:
            src = _choice(rng, self.exts)
            dst = _choice(rng, (_pstn(rng), _choice(rng, self.exts), "123"))
            step = round(rng.uniform(0.04, 0.055), 6)
            return CdrRecord(
                oid=pbx.object_ids.new(start + 2),
                type="local",
                cuid=cuid,
                uniqueid=cuid,
                clid=f'"" <{dst}>',
                src=src,
                dst=dst,
                dcontext="main_routing",
                channel="OutgoingSpoolFailed",
                dstchannel="",
                lastapp="Hangup",
                lastdata="",
                start=start,
                answer=None,
                duration=1,
                billsec=0,
                wait=1,
                disposition="FAILED",
                sequence=seq,
                starttime=start + 1,
                endtime=start + 2,
                comment=f"originated call: {orig}",
                originated_call_id=orig,
                route=[("OutgoingRoute", "Outgoing Route", step, start + step)],
            )
        return self._local(start, cuid, uniqueid, seq, disposition, wait, billsec, orig)


def _agent_sessions(
    pbx: SimulatedPbx, rng: random.Random, midnights: list[float], now: float
) -> list[AgentSession]:
    """Log-in/log-out sessions of every queue member, one or two per working day."""
    rows: list[AgentSession] = []
    for midnight in midnights:
        for qnum, (_, members) in QUEUES.items():
            for exten in members:
                if rng.random() < 0.2:
                    continue
                start = midnight + _randint(rng, 8 * 3600, 11 * 3600)
                end = start + _randint(rng, 2 * 3600, 8 * 3600)
                if end >= now:
                    continue
                rows.append(AgentSession(pbx.object_ids.new(end), exten, qnum, start, end))
    return rows


def _past_campaigns(pbx: SimulatedPbx, rng: random.Random, now: float) -> None:
    """A few finished campaigns in the last weeks; the engine runs them when the PBX syncs."""
    tm_id = next(iter(pbx.trunk_managers), "")
    announcements = list(pbx.announcements)
    for index, (name, days_ago, size) in enumerate(
        (("yalda-promo", 24, 14), ("debt-reminder", 12, 20), ("survey-1403", 3, 9))
    ):
        created = now - days_ago * 86400 + _randint(rng, 0, 3600)
        start = created + 600
        numbers = [_pstn(rng) for _ in range(size)]
        # Aim some numbers at each outcome rule so the reports show every disposition.
        numbers[0] = numbers[0][:-2] + "00"
        numbers[1] = numbers[1][:-2] + "99"
        numbers[2] = numbers[2][:-2] + "98"
        pbx.add_campaign(
            Campaign(
                oid=pbx.object_ids.new(created),
                name=name,
                trunk_manager_id=tm_id,
                interface_context="" if index != 1 else "poll07",
                interface_text="" if index != 1 else "fathi",
                numbers=numbers,
                groups=[],
                try_interval="300",
                tries="2",
                start=start,
                end=start + 2 * 86400,
                announcement=announcements[index % len(announcements)] if announcements else "",
                description="",
                count=len(numbers),
                date=created,
            )
        )
