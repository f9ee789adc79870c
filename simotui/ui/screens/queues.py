"""QueuesScreen: the PBX's queues and their agents; pause or resume one behind a confirmation.

The queues come from ``pbx/queues/search``, their members from the users search and whether each
is paused from the open sessions of ``reports/agent/search`` (see :mod:`simotui.agents`). A pause
is a live write: it is confirmed like a dial, sent once, never retried, and reloaded from the PBX
afterwards rather than assumed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta, tzinfo

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label

from simotui.agents import AgentChange, AgentDesk, ChangeOutcome, ChangeResult, QueueAgent, agents_of
from simotui.api.client import SimotelClient
from simotui.api.models import AgentSession, Pagination, Queue, User
from simotui.calls.clock import Clock
from simotui.errors import SimotuiError, fault_words
from simotui.ui.screens.confirm import ConfirmDialScreen
from simotui.ui.widgets.status_line import StatusLine
from simotui.ui.workers import ReportsDeadWorkers

SESSION_DAYS = 30
"""How far back open pause sessions are looked for (an agent paused last month is still paused)."""
SESSION_PAGES = 20
PAGE_SIZE = 100


class QueuesScreen(ReportsDeadWorkers, Screen[None]):
    """Queues on the left, the highlighted queue's agents on the right; ``p`` pauses, ``u`` resumes."""

    DEFAULT_CSS = """
    QueuesScreen #queues-panes { height: 1fr; }
    QueuesScreen #queues-table { width: 2fr; }
    QueuesScreen #agents-pane { width: 3fr; }
    QueuesScreen #agents-title { color: $text-muted; padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="queues.back"),
        Binding("p", "change(True)", "Pause agent", id="queues.pause"),
        Binding("u", "change(False)", "Resume agent", id="queues.resume"),
        Binding("r", "reload", "Refresh", id="queues.refresh"),
    ]

    def __init__(
        self,
        client: SimotelClient,
        desk: AgentDesk,
        clock: Clock,
        tz: tzinfo,
        status_line: Callable[[], StatusLine],
        *,
        readonly: bool = False,
    ) -> None:
        super().__init__()
        self.client = client
        self.desk = desk
        self.clock = clock
        self.tz = tz
        self.status_line = status_line
        self.readonly = readonly
        self.queues: list[Queue] = []
        self.users: tuple[User, ...] = ()
        self.agents: list[QueueAgent] = []
        self.queue_number = ""
        self.last_result: ChangeResult | None = None
        """The last change's result (tests read it; the user gets a notification)."""

    def compose(self) -> ComposeResult:
        yield Label("Queues and agents   p: pause   u: resume   r: refresh", classes="screen-title")
        with Horizontal(id="queues-panes"):
            queues: DataTable[str] = DataTable(cursor_type="row", id="queues-table")
            queues.add_columns("Queue", "Name", "Agents", "Strategy")
            yield queues
            with Vertical(id="agents-pane"):
                yield Label("", id="agents-title", markup=False)
                agents: DataTable[str] = DataTable(cursor_type="row", id="agents-table")
                agents.add_columns("Agent", "Name", "State", "Since")
                yield agents
        yield self.status_line()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#queues-table", DataTable).focus()
        self._load_queues()

    def action_reload(self) -> None:
        self._load_queues()

    # -- loading --------------------------------------------------------------------------------

    @work(exclusive=True, group="queues", exit_on_error=False, description="Load the queues")
    async def _load_queues(self) -> None:
        title = self.query_one("#agents-title", Label)
        title.update("loading queues…")
        try:
            queues = await self.client.pbx.search_queues("")
            self.users = await self.client.pbx.search_users("")
        except SimotuiError as error:
            title.update(f"queues not loaded — {fault_words(error)}: {error.message} (r: try again)")
            return
        self.queues = sorted(queues, key=lambda q: (len(q.number), q.number))
        table = self.query_one("#queues-table", DataTable)
        chosen = self.queue_number
        table.clear()
        for queue in self.queues:
            members = sum(1 for user in self.users if queue.number in user.queues)
            table.add_row(queue.number, queue.name, str(members), queue.strategy, key=queue.number)
        if not self.queues:
            title.update("this PBX has no queues")
            return
        numbers = [queue.number for queue in self.queues]
        table.move_cursor(row=numbers.index(chosen) if chosen in numbers else 0)
        self._show_queue(numbers[table.cursor_row])

    @on(DataTable.RowHighlighted, "#queues-table")
    def _queue_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None and event.row_key.value != self.queue_number:
            self._show_queue(str(event.row_key.value))

    def _show_queue(self, number: str) -> None:
        self.queue_number = number
        self._load_agents(number)

    @work(exclusive=True, group="agents", exit_on_error=False, description="Load a queue's agents")
    async def _load_agents(self, number: str) -> None:
        title = self.query_one("#agents-title", Label)
        name = next((q.name for q in self.queues if q.number == number), "")
        title.update(f"queue {number} {name}: loading agents…")
        now = self.clock()
        sessions: list[AgentSession] = []
        try:
            for page in range(SESSION_PAGES):
                found = await self.client.reports.agent_search(
                    now - timedelta(days=SESSION_DAYS),
                    now + timedelta(days=1),
                    queue=number,
                    page=Pagination(start=page * PAGE_SIZE, count=PAGE_SIZE),
                )
                sessions.extend(found.records)
                if len(sessions) >= found.total or not found.records:
                    break
        except SimotuiError as error:
            title.update(f"queue {number}: agents not loaded — {fault_words(error)}: {error.message}")
            return
        if number != self.queue_number:
            return
        self.agents = agents_of(number, self.users, sessions, self.clock(), self.desk.known)
        table = self.query_one("#agents-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        for agent in self.agents:
            since = (
                agent.paused_since.astimezone(self.tz).strftime("%m-%d %H:%M") if agent.paused_since else ""
            )
            table.add_row(agent.agent, agent.name, agent.state, since, key=agent.agent)
        if self.agents:
            table.move_cursor(row=min(cursor, len(self.agents) - 1))
        paused = sum(agent.paused for agent in self.agents)
        title.update(f"queue {number} {name}: {len(self.agents)} agents, {paused} paused")

    # -- changing -------------------------------------------------------------------------------

    def selected_agent(self) -> QueueAgent | None:
        table = self.query_one("#agents-table", DataTable)
        if not self.agents or not 0 <= table.cursor_row < len(self.agents):
            return None
        return self.agents[table.cursor_row]

    def action_change(self, pause: bool) -> None:
        if self.readonly:
            self.notify("Read-only profile: agents are not changed from here.", severity="warning")
            return
        agent = self.selected_agent()
        if agent is None:
            self.notify("Choose an agent first (Tab to the agents table).", severity="warning")
            return
        if agent.paused == pause:
            self.notify(f"{agent.agent} is already {agent.state} in queue {agent.queue}.")
            return
        change = AgentChange(agent.queue, agent.agent, pause)
        if not self.desk.claim(change):
            self.notify(f"A change of {agent.agent} in {agent.queue} is on its way.", severity="warning")
            return
        queue = next((q for q in self.queues if q.number == agent.queue), None)
        label = f"{agent.agent} {agent.name}".strip()
        title = (
            f"{change.verb.capitalize()} agent {label} in queue {agent.queue} {queue.name if queue else ''}?"
        )
        screen = ConfirmDialScreen(
            title.replace("  ", " ").replace(" ?", "?"),
            change.service,
            change.body,
            on_abandoned=lambda: self.desk.release(change),
            verb=change.verb,
        )
        self.app.push_screen(screen, lambda yes: self._answered(change, bool(yes)))

    def _answered(self, change: AgentChange, yes: bool) -> None:
        if not yes:
            self.desk.release(change)
            return
        self._send(change)

    @work(group="agent-change", exit_on_error=False, description="Change an agent")
    async def _send(self, change: AgentChange) -> None:
        result = await self.desk.send(change)
        self.last_result = result
        severities: dict[ChangeOutcome, SeverityLevel] = {
            ChangeOutcome.DONE: "information",
            ChangeOutcome.REFUSED: "error",
            ChangeOutcome.UNKNOWN: "warning",
        }
        severity = severities[result.outcome]
        self.notify(result.summary, severity=severity, timeout=8)
        # What the PBX now says, not what we assume: a lost answer is checked by looking.
        self._load_agents(change.queue)
