"""RecentDials: the requests dialled this session — redial, swap legs, or edit in a keystroke."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from simotui.api.models import OriginateRequest
from simotui.dialing import swapped

MAX_RECENT = 50


def describe(request: OriginateRequest) -> str:
    """``557 → 552``, with the trunk of a PSTN caller (the context shows once prefilled)."""
    trunk = f" via {request.trunk_name}" if request.trunk_name else ""
    return f"{request.caller} → {request.callee}{trunk}"


class RecentDials(OptionList):
    """Most recent first; actions post :class:`RecentDials.Chosen` with what to put in the form."""

    BINDINGS = [
        Binding("r", "redial", "Redial", id="recent.redial"),
        Binding("s", "swap", "Swap legs", id="recent.swap"),
        Binding("e", "edit", "Edit", id="recent.edit"),
    ]

    @dataclass
    class Chosen(Message):
        """A recent dial to put in the form; ``confirm`` asks to dial it straight away."""

        request: OriginateRequest
        confirm: bool

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.requests: list[OriginateRequest] = []

    def on_mount(self) -> None:
        self.border_title = "Recent dials"

    def remember(self, request: OriginateRequest) -> None:
        """Put a request at the top, dropping an identical older one."""
        self.requests = [request, *[r for r in self.requests if r != request][: MAX_RECENT - 1]]
        self.clear_options()
        self.add_options([Option(describe(r)) for r in self.requests])
        self.highlighted = 0

    def _selected(self) -> OriginateRequest | None:
        if self.highlighted is None or not self.requests:
            return None
        return self.requests[self.highlighted]

    def action_redial(self) -> None:
        request = self._selected()
        if request is not None:
            self.post_message(self.Chosen(request, confirm=True))

    def action_swap(self) -> None:
        request = self._selected()
        if request is not None:
            self.post_message(self.Chosen(swapped(request), confirm=True))

    def action_edit(self) -> None:
        request = self._selected()
        if request is not None:
            self.post_message(self.Chosen(request, confirm=False))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_redial()
