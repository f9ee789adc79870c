"""ConfirmDialScreen: shows exactly what will be sent, and answers once — to a key meant for it.

Only ``y`` sends. Enter does not: a held Enter (or a second Enter typed ahead) on the dial form
must not both open the confirmation and answer it. A key that arrived before the confirmation
was on screen — type-ahead over a laggy SSH link, a burst of repeats — is ignored: nobody can have
meant to answer a question they had not seen.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from simotui.ui.masking import masker

KEYS_HINT = "y: dial      n / Esc: cancel"


def request_text(body: Mapping[str, Any]) -> str:
    """The request body, one field a line, lists and objects inline (``"numbers": ["557"]``):
    short enough that a campaign's whole request fits an 80×24 terminal."""
    fields = [
        f"  {json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}"
        for key, value in body.items()
    ]
    return "{\n" + ",\n".join(fields) + "\n}" if fields else "{}"


class ConfirmDialScreen(ModalScreen[bool]):
    """``y`` sends, ``n``/Esc cancels; the first answer is the only one."""

    DEFAULT_CSS = """
    ConfirmDialScreen { align: center middle; }
    ConfirmDialScreen > Vertical {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
        border-title-color: $text-muted;
    }
    ConfirmDialScreen #confirm-scroll { height: auto; max-height: 18; margin: 1 0 0 0; }
    ConfirmDialScreen #confirm-body { color: $text-muted; }
    ConfirmDialScreen #confirm-keys { text-style: bold; margin: 1 0 0 0; }
    ConfirmDialScreen #confirm-warning { color: $warning; }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Dial", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "Cancel", id="confirm.no"),
        Binding("enter", "explain", "How to dial", show=False, id="confirm.enter"),
    ]

    def __init__(
        self,
        title: str,
        service: str,
        body: Mapping[str, Any],
        *,
        warning: str = "",
        on_abandoned: Callable[[], object] | None = None,
        verb: str = "dial",
    ) -> None:
        super().__init__()
        self.verb = verb
        """What ``y`` does, in the keys line and the Enter hint (a dial, or an agent's pause)."""
        self.on_abandoned = on_abandoned
        """Called when the screen goes away unanswered (popped by navigation, the app closing)."""
        self.heading = title
        self.service = service
        self.body = dict(body)
        self.warning = warning
        self._answered = False
        # Until the screen has been drawn, every key is one typed before the question was seen.
        self._shown_at = float("inf")

    def compose(self) -> ComposeResult:
        mask = masker(self)
        with Vertical(id="confirm-dialog") as dialog:
            dialog.border_title = f"POST {self.service}"
            yield Label(mask(self.heading), id="confirm-title", markup=False)
            if self.warning:
                yield Static(self.warning, id="confirm-warning", markup=False)
            with VerticalScroll(id="confirm-scroll"):
                yield Static(mask(request_text(self.body)), id="confirm-body", markup=False)
            yield Label(KEYS_HINT.replace("dial", self.verb, 1), id="confirm-keys")

    def on_mount(self) -> None:
        self.call_after_refresh(self._mark_shown)
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Give the request what the screen has left, so the keys line is always on it.

        On a short terminal the request scrolls (the keys hint and the title stay); on one tall
        enough it is shown whole.
        """
        dialog = self.query_one("#confirm-dialog", Vertical)
        scroll = self.query_one("#confirm-scroll", VerticalScroll)
        others = sum(child.outer_size.height for child in dialog.children if child is not scroll)
        # The dialog's border (2) and the request's top margin (1).
        room = self.size.height - others - 3
        scroll.styles.max_height = max(room, 3)

    def on_unmount(self) -> None:
        if not self._answered and self.on_abandoned is not None:
            self.on_abandoned()

    @property
    def shown(self) -> bool:
        """Whether the question is on screen, so that keys from now on answer it."""
        return self._shown_at != float("inf")

    def _mark_shown(self) -> None:
        self._shown_at = time.monotonic()

    def on_key(self, event: events.Key) -> None:
        # Key events carry the monotonic time they were read from the terminal: one read before
        # the question was drawn was typed for something else, and is dropped.
        if event.time < self._shown_at:
            event.stop()
            event.prevent_default()
            return
        # The answer is given here, where the key's time is known, rather than by the bindings:
        # a key read while the screen below was still active reaches the app's bindings only
        # after this screen is on top, and would answer a question it was never typed for.
        # The chain, not BINDINGS: it has the user's [keys] applied.
        mine = [bindings for node, bindings in self._binding_chain if node is self]
        for bindings in mine:
            for binding in bindings.key_to_bindings.get(event.key, ()):
                if binding.action in ("answer(True)", "answer(False)"):
                    event.stop()
                    event.prevent_default()
                    self._answer(binding.action == "answer(True)")
                    return

    def action_explain(self) -> None:
        verb = self.verb
        self.notify(f"Press y to {verb}, n or Esc to cancel (Enter does not {verb}).", timeout=3)

    def action_answer(self, dial: bool) -> None:
        """What the y / n bindings run when a key reaches them without passing :meth:`on_key`:
        a key typed ahead for the screen below. Ignored (their keys answer in ``on_key``)."""

    def _answer(self, dial: bool) -> None:
        if self._answered:
            return
        self._answered = True
        self.dismiss(dial)
