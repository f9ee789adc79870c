"""``pbx/queues/*``: the queues (§6.3) and their agents (§6.4).

``add`` needs ``name`` and ``number`` (``this queue already exists`` for a number in use,
spelled as documented); ``update``/``remove`` go by ``_id``. Agents:

- ``addagent`` ``{"queue","source","agent","penalty"}`` puts ``agent`` (an extension) in the
  queue: it appears in the user's ``queues`` and an ``inout`` session opens in
  ``reports/agent/search``. Adding an agent already in the queue succeeds and updates its
  penalty (Asterisk would say "Already there"; Simotel's answer to that is not documented).
- ``pauseagent`` opens a ``pause`` session (flags ``"pause":1, "pause_du"``: the API spelling of
  the UI's "Paused" type is not documented), ``resumeagent`` closes it, ``removeagent`` closes
  every open session of the agent in that queue and takes it out.
- An unknown queue, an agent that is no extension (add) or not a member (pause, resume,
  remove): "Requested operation failed".
- The ``batch*`` forms take ``{"agents":[...]}`` and answer ``data.Data`` (capital D), one item
  per agent: the item as sent (``agent`` becomes ``agents`` in batch add, as documented) with
  ``message`` and ``ok``; a failed item has ``ok`` 0 and "Requested operation failed", and the
  reply's own ``ok`` is 1 only when every item succeeded.

The members, pauses and penalties are served by the control plane (``GET /_sim/queues``),
since the documented queue row has no member list.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from simotui.sim import render
from simotui.sim.errors import FAILED_MESSAGE, OK_MESSAGE, OperationFailed, missing_field
from simotui.sim.models import AgentSession, Queue
from simotui.sim.query import conditions, filter_rows, truthy
from simotui.sim.services.common import Reply, Service, object_id, required, service, text
from simotui.sim.state import SimulatedPbx

DUPLICATE = "this queue already exists"
_MODELLED = {"_id", "id", "name", "number", "strategy", "music", "timeout", "call_record"}


def find(pbx: SimulatedPbx, oid: str) -> Queue:
    """The queue with ``_id`` ``oid``, else "Requested operation failed"."""
    for queue in pbx.queues.values():
        if queue.oid == oid:
            return queue
    raise OperationFailed()


def _options(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in _MODELLED and isinstance(k, str)}


def add(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/queues/add``."""
    name = required(body, "name")
    number = required(body, "number")
    if number in pbx.queues:
        raise OperationFailed(DUPLICATE)
    now = pbx.now
    queue = Queue(
        oid=pbx.new_oid(now),
        name=name,
        number=number,
        date=now,
        strategy=text(body, "strategy", "ringall") or "ringall",
        music=text(body, "music", "default") or "default",
        timeout=text(body, "timeout", "30") or "30",
        call_record=text(body, "call_record", "yes") or "yes",
        options=_options(body),
    )
    pbx.queues[number] = queue
    return Reply(OK_MESSAGE, {"_id": queue.oid})


def search(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/queues/search``: a bare list."""
    rows = filter_rows(
        sorted(pbx.queues.values(), key=attrgetter("date")),
        conditions(body),
        {"name": attrgetter("name"), "number": attrgetter("number")},
        truthy(body.get("alike")),
    )
    return Reply("", [render.queue(q, pbx.tz) for q in rows])


def update(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/queues/update``: a new number must be free; members follow the queue."""
    queue = find(pbx, object_id(body, "_id", "id"))
    number = text(body, "number", queue.number).strip() or queue.number
    if number != queue.number and number in pbx.queues:
        raise OperationFailed(DUPLICATE)
    if number != queue.number:
        del pbx.queues[queue.number]
        for user in pbx.users.values():
            user.queues = [number if q == queue.number else q for q in user.queues]
        for session in pbx.open_agent_sessions.values():
            if session.qnum == queue.number:
                session.qnum = number
        pbx.open_agent_sessions = {
            (agent, number if qnum == queue.number else qnum, kind): session
            for (agent, qnum, kind), session in pbx.open_agent_sessions.items()
        }
        queue.number = number
        pbx.queues[number] = queue
    queue.name = text(body, "name", queue.name).strip() or queue.name
    queue.strategy = text(body, "strategy", queue.strategy) or queue.strategy
    queue.music = text(body, "music", queue.music) or queue.music
    queue.timeout = text(body, "timeout", queue.timeout) or queue.timeout
    queue.call_record = text(body, "call_record", queue.call_record) or queue.call_record
    queue.options.update(_options(body))
    return Reply(OK_MESSAGE, "")


def remove(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
    """``pbx/queues/remove``: its agents leave it first."""
    queue = find(pbx, object_id(body, "_id", "id"))
    for agent in list(queue.members):
        leave(pbx, queue, agent)
    del pbx.queues[queue.number]
    return Reply(OK_MESSAGE, "")


# --------------------------------------------------------------------- agents
def _open(pbx: SimulatedPbx, agent: str, queue: Queue, kind: str) -> None:
    key = (agent, queue.number, kind)
    if key in pbx.open_agent_sessions:
        return
    now = pbx.now
    session = AgentSession(pbx.new_oid(now), agent, queue.number, now, None, kind)
    pbx.open_agent_sessions[key] = session
    pbx.agent_sessions.add(session)


def _close(pbx: SimulatedPbx, agent: str, queue: Queue, kind: str) -> None:
    session = pbx.open_agent_sessions.pop((agent, queue.number, kind), None)
    if session is not None:
        session.end = pbx.now


def join(pbx: SimulatedPbx, queue: Queue, agent: str, source: str, penalty: str) -> None:
    """Put ``agent`` in ``queue`` (idempotent: a member only gets the new penalty)."""
    queue.penalties[agent] = penalty
    queue.sources[agent] = source
    if agent in queue.members:
        return
    queue.members.append(agent)
    user = pbx.users.get(agent)
    if user is not None and queue.number not in user.queues:
        user.queues.append(queue.number)
    _open(pbx, agent, queue, "inout")


def leave(pbx: SimulatedPbx, queue: Queue, agent: str) -> None:
    """Take ``agent`` out of ``queue``, closing its open sessions there."""
    if agent in queue.paused:
        queue.paused.discard(agent)
        _close(pbx, agent, queue, "pause")
    _close(pbx, agent, queue, "inout")
    queue.members.remove(agent)
    queue.penalties.pop(agent, None)
    queue.sources.pop(agent, None)
    user = pbx.users.get(agent)
    if user is not None and queue.number in user.queues:
        user.queues.remove(queue.number)


def _queue_and_agent(pbx: SimulatedPbx, item: dict[str, Any]) -> tuple[Queue, str]:
    queue = pbx.queues.get(required(item, "queue"))
    agent = required(item, "agent")
    if queue is None:
        raise OperationFailed()
    return queue, agent


def _add_one(pbx: SimulatedPbx, item: dict[str, Any]) -> str:
    queue = pbx.queues.get(required(item, "queue"))
    source = required(item, "source")
    agent = required(item, "agent")
    if queue is None or agent not in pbx.users:
        raise OperationFailed()
    join(pbx, queue, agent, source, text(item, "penalty"))
    return "Added successfully"


def _remove_one(pbx: SimulatedPbx, item: dict[str, Any]) -> str:
    queue, agent = _queue_and_agent(pbx, item)
    if agent not in queue.members:
        raise OperationFailed()
    leave(pbx, queue, agent)
    return "Removed successfully"


def _pause_one(pbx: SimulatedPbx, item: dict[str, Any]) -> str:
    queue, agent = _queue_and_agent(pbx, item)
    if agent not in queue.members:
        raise OperationFailed()
    queue.paused.add(agent)
    _open(pbx, agent, queue, "pause")
    return "Paused successfully"


def _resume_one(pbx: SimulatedPbx, item: dict[str, Any]) -> str:
    queue, agent = _queue_and_agent(pbx, item)
    if agent not in queue.members:
        raise OperationFailed()
    queue.paused.discard(agent)
    _close(pbx, agent, queue, "pause")
    return "UnPaused successfully"


AgentAction = Callable[[SimulatedPbx, dict[str, Any]], str]


def _single(action: AgentAction) -> Callable[[SimulatedPbx, dict[str, Any]], Reply]:
    def handler(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
        return Reply("", {"message": action(pbx, body), "ok": 1})

    handler.__doc__ = f"One agent: ``{action.__name__.strip('_').replace('_one', '')}``."
    return handler


def _batch(action: AgentAction, *, rename_agent: bool) -> Callable[[SimulatedPbx, dict[str, Any]], Reply]:
    def handler(pbx: SimulatedPbx, body: dict[str, Any]) -> Reply:
        agents = body.get("agents")
        if not isinstance(agents, list) or not agents:
            raise missing_field("agents")
        results: list[dict[str, Any]] = []
        for raw in agents:
            item = dict(raw) if isinstance(raw, dict) else {}
            try:
                message, ok = action(pbx, item), 1
            except OperationFailed as failure:
                message, ok = (failure.message if failure.message else FAILED_MESSAGE), 0
            result = {k: v for k, v in item.items() if isinstance(k, str)}
            if rename_agent and "agent" in result:
                result["agents"] = result.pop("agent")
            result |= {"message": message, "ok": ok}
            results.append(dict(sorted(result.items())))
        return Reply("", {"Data": results, "ok": int(all(r["ok"] == 1 for r in results))})

    handler.__doc__ = 'Several agents at once: ``{"agents": [...]}`` → ``data.Data``.'
    return handler


add_agent = _single(_add_one)
remove_agent = _single(_remove_one)
pause_agent = _single(_pause_one)
resume_agent = _single(_resume_one)

SERVICES: tuple[Service, ...] = (
    service("pbx/queues/add", add),
    service("pbx/queues/search", search, "GET"),
    service("pbx/queues/update", update, "PUT"),
    service("pbx/queues/remove", remove, "DELETE"),
    service("pbx/queues/addagent", add_agent, "PUT"),
    service("pbx/queues/removeagent", remove_agent, "PUT"),
    service("pbx/queues/pauseagent", pause_agent, "PUT"),
    service("pbx/queues/resumeagent", resume_agent, "PUT"),
    service("pbx/queues/batchaddagent", _batch(_add_one, rename_agent=True), "PUT"),
    service("pbx/queues/batchremoveagent", _batch(_remove_one, rename_agent=False), "PUT"),
    service("pbx/queues/batchpauseagent", _batch(_pause_one, rename_agent=False), "PUT"),
    service("pbx/queues/batchresumeagent", _batch(_resume_one, rename_agent=False), "PUT"),
)
