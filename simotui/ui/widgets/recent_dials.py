"""RecentDials: the requests dialled this session — redial, swap legs, or edit in a keystroke."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from simotui.calls.dials import CampaignDial, Dial
from simotui.dialing import swapped, swapped_campaign
from simotui.ui.masking import masker

MAX_RECENT = 50


def describe(dial: Dial) -> str:
    """``557 → 552``, with its trunk, marked ``⟳`` when placed through a campaign: short, so
    that a dial fits one line of the panel."""
    mode = "⟳ " if isinstance(dial, CampaignDial) else ""
    trunk = f" · {dial.trunk_name}" if dial.trunk_name else ""
    return f"{mode}{dial.caller} → {dial.callee}{trunk}"


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

        dial: Dial
        confirm: bool

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.requests: list[Dial] = []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        from simotui.ui.access import allowed

        return allowed(self, action)

    def on_mount(self) -> None:
        self.border_title = "Recent dials"
        self.border_subtitle = "⟳ campaign"
        mask_changed = getattr(self.app, "mask_changed", None)
        if mask_changed is not None:
            mask_changed.subscribe(self, lambda _on: self._show())

    def remember(self, request: Dial) -> None:
        """Put a request at the top, dropping an identical older one."""
        self.requests = [request, *[r for r in self.requests if r != request][: MAX_RECENT - 1]]
        self._show()
        self.highlighted = 0

    def _show(self) -> None:
        highlighted = self.highlighted
        mask = masker(self)
        self.clear_options()
        # One line per dial (app.tcss: no wrap, an ellipsis where it is cut).
        self.add_options([Option(mask(describe(r))) for r in self.requests])
        if highlighted is not None and self.requests:
            self.highlighted = min(highlighted, len(self.requests) - 1)

    def _selected(self) -> Dial | None:
        if self.highlighted is None or not self.requests:
            return None
        return self.requests[self.highlighted]

    def action_redial(self) -> None:
        request = self._selected()
        if request is not None:
            self.post_message(self.Chosen(request, confirm=True))

    def action_swap(self) -> None:
        request = self._selected()
        if isinstance(request, CampaignDial):
            self.post_message(self.Chosen(swapped_campaign(request), confirm=True))
        elif request is not None:
            self.post_message(self.Chosen(swapped(request), confirm=True))

    def action_edit(self) -> None:
        request = self._selected()
        if request is not None:
            self.post_message(self.Chosen(request, confirm=False))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_redial()
