"""DialForm: the keyboard-first form that builds one originate request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from simotui.api.models import OriginateRequest
from simotui.dialing import FIELDS, LABELS, check_dial
from simotui.directory import Directory

PLACEHOLDERS = {
    "caller": "rung first",
    "callee": "bridged 2nd",
    "context": "main_routing",
    "caller_id": "= caller",
    "trunk_name": "PSTN caller",
    "timeout": "seconds",
    "call_limit": "talk s, opt.",
}
RESTRICT = {"caller": r"\d*", "callee": r"\d*", "timeout": r"\d*", "call_limit": r"\d*"}


class NumberSuggester(Suggester):
    """Completes an extension number from the PBX directory as it is typed."""

    def __init__(self, directory: Directory) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.directory = directory

    async def get_suggestion(self, value: str) -> str | None:
        """The first extension whose number starts with what was typed."""
        return self.directory.complete_number(value)


class TrunkSuggester(Suggester):
    """Completes a trunk name from the PBX's trunks."""

    def __init__(self, directory: Directory) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.directory = directory

    async def get_suggestion(self, value: str) -> str | None:
        """The first trunk whose name starts with what was typed."""
        return self.directory.complete_trunk(value)


class DialForm(Widget):
    """Caller, callee, context, caller ID, trunk, timeout and call limit, checked as typed.

    Enter in any field posts :class:`DialForm.Submitted` with a checked request, or shows each
    problem beside its field and moves the focus to the first one.
    """

    @dataclass
    class Submitted(Message):
        """The form holds a valid request and the user asked to dial it."""

        form: DialForm
        request: OriginateRequest

        @property
        def control(self) -> DialForm:
            """The form that was submitted."""
            return self.form

    def __init__(self, directory: Directory, values: Mapping[str, str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.directory = directory
        self._initial = dict(values)

    def compose(self) -> ComposeResult:
        with Grid(id="dial-fields"):
            for name in FIELDS:
                with Vertical(classes="dial-field", id=f"field-{name}"):
                    with Horizontal(classes="dial-row"):
                        yield Label(LABELS[name], classes="dial-label")
                        yield Input(
                            self._initial.get(name, ""),
                            placeholder=PLACEHOLDERS[name],
                            id=name,
                            compact=True,
                            restrict=RESTRICT.get(name),
                            max_length=64,
                            suggester=self._suggester_for(name),
                            select_on_focus=False,
                        )
                    yield Static("", classes="field-error", id=f"error-{name}")
        yield Static("", id="dial-hint")

    def _suggester_for(self, name: str) -> Suggester | None:
        if name in ("caller", "callee"):
            return NumberSuggester(self.directory)
        if name == "trunk_name":
            return TrunkSuggester(self.directory)
        return None

    def values(self) -> dict[str, str]:
        """The text of every field."""
        return {name: self.query_one(f"#{name}", Input).value for name in FIELDS}

    def fill(self, values: Mapping[str, str]) -> None:
        """Replace the fields' text (prefill from a redial, swap or CDR) and clear errors."""
        for name in FIELDS:
            if name in values:
                self.query_one(f"#{name}", Input).value = values[name]
        self.show_errors({})
        self.query_one("#caller", Input).focus()

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show each message beside its field; an empty mapping clears them all."""
        for name in FIELDS:
            message = errors.get(name, "")
            label = self.query_one(f"#error-{name}", Static)
            label.update(message)
            label.set_class(bool(message), "-shown")
            self.query_one(f"#{name}", Input).set_class(bool(message), "-error")

    def refresh_hint(self) -> None:
        """Name who the caller and callee are, from the directory."""
        values = self.values()
        parts = []
        for name in ("caller", "callee"):
            who = self.directory.describe(values[name])
            if who:
                parts.append(f"{LABELS[name]}: {who}")
        self.query_one("#dial-hint", Static).update("   ".join(parts))

    @on(Input.Changed)
    def _on_field_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id in ("caller", "callee"):
            self.refresh_hint()
        if event.input.has_class("-error"):
            # Re-check as the user fixes a field, so a message goes away once it is right.
            errors = check_dial(self.values()).errors
            name = event.input.id or ""
            self.query_one(f"#error-{name}", Static).update(errors.get(name, ""))
            self.query_one(f"#error-{name}", Static).set_class(name in errors, "-shown")
            event.input.set_class(name in errors, "-error")

    @on(Input.Submitted)
    def _on_field_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        """Check the form; post Submitted, or show the errors and focus the first bad field."""
        check = check_dial(self.values())
        self.show_errors(check.errors)
        if check.request is None:
            first = next(name for name in FIELDS if name in check.errors)
            self.query_one(f"#{first}", Input).focus()
            return
        self.post_message(self.Submitted(self, check.request))
