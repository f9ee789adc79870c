"""Nothing stops silently: a worker that dies anywhere in the console is reported to the app.

Textual posts ``Worker.StateChanged`` to the node that started the worker and does not bubble
it, so every node that runs workers mixes in :class:`ReportsDeadWorkers`, which forwards a death
to the app; the app's one handler says what died and why where the user looks, and restarts
what must keep running.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message
from textual.worker import Worker, WorkerState


@dataclass
class WorkerDied(Message):
    """A worker ended with an exception it did not handle."""

    worker: Worker[Any]


class ReportsDeadWorkers:
    """Mixin for a widget or screen that runs workers (put it before the Textual base class)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            app = getattr(self, "app", None)
            if app is not None:
                app.post_message(WorkerDied(event.worker))
