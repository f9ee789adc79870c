"""The dial form's text fields: masked while not being edited, and numbers as people type them."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Input

from simotui.display import mask_numbers
from simotui.numbers import clean_number, whole_number_text
from simotui.ui.masking import masker


class FormInput(Input):
    """An Input that follows the app's number masking (f3) whenever it does not have the focus.

    The one being edited shows what is typed: masking hides numbers from whoever looks at the
    screen, not from the person typing them.
    """

    @property
    def _value(self) -> Text:
        if not self.has_focus and masker(self) is mask_numbers:
            return Text(mask_numbers(self.value), no_wrap=True, overflow="ignore", end="")
        return super()._value


class NumberInput(FormInput):
    """A phone number (``phone=True``) or a count: any script's digits arrive as ASCII.

    ``۵۵۷`` typed on a Persian layout, or ``0912 123-4567`` pasted, becomes ``557`` or
    ``09121234567`` as it is inserted, so the field shows what will be sent. A phone number may
    start with ``+`` (``+98…``); the profile's country prefix is turned into ``0`` when the form
    is checked (:func:`simotui.dialing.check_dial`).
    """

    def __init__(self, *args: Any, phone: bool, **kwargs: Any) -> None:
        restrict = r"\+?[0-9]*" if phone else r"[0-9]*"
        super().__init__(*args, restrict=restrict, **kwargs)
        self.phone = phone

    def replace(self, text: str, start: int, end: int) -> None:
        """Insert ``text`` (a key or a paste) as digits; a separator alone inserts nothing."""
        cleaned = clean_number(text) if self.phone else whole_number_text(text)
        if text and not cleaned:
            return
        super().replace(cleaned, start, end)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Only what can be typed here is the field's: Textual then lets the app's bindings of
        other printable keys (``?`` for help) through while a number field has the focus."""
        return character is not None and self.accepts(character)

    def accepts(self, character: str) -> bool:
        """Whether typing ``character`` here would change the field (else it is a key for the app)."""
        cleaned = clean_number(character) if self.phone else whole_number_text(character)
        return bool(cleaned) and (cleaned.isdigit() or (self.phone and cleaned == "+"))
