"""ConfirmDialScreen: shows exactly what will be sent, and answers once."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from simotui.ui.masking import masker


class ConfirmDialScreen(ModalScreen[bool]):
    """``y``/Enter sends, ``n``/Esc cancels. A second key press is ignored: one answer, one send."""

    DEFAULT_CSS = """
    ConfirmDialScreen { align: center middle; }
    ConfirmDialScreen > Vertical {
        width: 64; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    ConfirmDialScreen #confirm-body { color: $text-muted; margin: 1 0; }
    ConfirmDialScreen #confirm-keys { text-style: bold; }
    ConfirmDialScreen #confirm-warning { color: $warning; }
    """

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Dial", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "Cancel", id="confirm.no"),
    ]

    def __init__(self, title: str, service: str, body: Mapping[str, Any], *, warning: str = "") -> None:
        super().__init__()
        self.heading = title
        self.service = service
        self.body = dict(body)
        self.warning = warning
        self._answered = False

    def compose(self) -> ComposeResult:
        body = json.dumps(self.body, indent=2, ensure_ascii=False)
        with Vertical():
            yield Label(self.heading)
            yield Static(masker(self)(f"POST {self.service}\n{body}"), id="confirm-body", markup=False)
            if self.warning:
                yield Static(self.warning, id="confirm-warning", markup=False)
            yield Label("y / Enter: dial      n / Esc: cancel", id="confirm-keys")

    def action_answer(self, dial: bool) -> None:
        if self._answered:
            return
        self._answered = True
        self.dismiss(dial)
