"""DialForm: the keyboard-first form that builds one originate, or one campaign-mode dial."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from simotui.calls.dials import CallMode, Dial
from simotui.dialing import (
    CAMPAIGN_FIELDS,
    CAMPAIGN_LABELS,
    FIELDS,
    LABELS,
    check_campaign_dial,
    check_dial,
)
from simotui.directory import Directory
from simotui.numbers import DEFAULT_COUNTRY_CODE
from simotui.ui.focus import focus_now
from simotui.ui.masking import masker
from simotui.ui.widgets.fields import FormInput, NumberInput
from simotui.ui.workers import ReportsDeadWorkers

PLACEHOLDERS = {
    "caller": "rung first",
    "callee": "bridged 2nd",
    "context": "main_routing",
    "caller_id": "= caller",
    "trunk_name": "PSTN caller",
    "timeout": "seconds",
    "call_limit": "talk s, opt.",
    "interface_context": "simotui",
    "interface_text": "bridge",
    "tries": "1",
    "try_interval": "60",
}
CAMPAIGN_PLACEHOLDERS = {"trunk_name": "PSTN 2nd party"}
PHONE_FIELDS = frozenset({"caller", "callee"})
COUNT_FIELDS = frozenset({"timeout", "call_limit", "tries", "try_interval"})
SELECTS = ("trunk_manager_id", "announcement_id")
ALL_FIELDS = tuple(dict.fromkeys((*FIELDS, *CAMPAIGN_FIELDS)))
DIRECT_ONLY = frozenset(FIELDS) - frozenset(CAMPAIGN_FIELDS)
CAMPAIGN_ONLY = frozenset(CAMPAIGN_FIELDS) - frozenset(FIELDS)


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


class DialForm(ReportsDeadWorkers, Widget):
    """Caller, callee and the rest, checked as typed; ``ctrl+t`` switches direct ↔ campaign.

    Enter in any field posts :class:`DialForm.Submitted` with a checked dial, or shows each
    problem beside its field and moves the focus to the first one.
    """

    # Not in the footer: the form's own first line says what ctrl+t does, and at 80 columns the
    # footer's room goes to the keys said nowhere else (f1 help among them).
    BINDINGS = [Binding("ctrl+t", "toggle_mode", "Direct/campaign", show=False, id="dial.mode")]

    mode: reactive[CallMode] = reactive(CallMode.DIRECT)

    @dataclass
    class Submitted(Message):
        """The form holds a valid dial and the user asked to place it."""

        form: DialForm
        dial: Dial

        @property
        def control(self) -> DialForm:
            """The form that was submitted."""
            return self.form

    def __init__(
        self,
        directory: Directory,
        values: Mapping[str, str],
        *,
        country_code: str = DEFAULT_COUNTRY_CODE,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.directory = directory
        self.country_code = country_code
        """The profile's country: ``+CC…`` is dialled as ``0…``."""
        self._initial = dict(values)
        # The option ids each picker currently offers (a value not offered clears the picker).
        self._offered: dict[str, set[str]] = {name: set() for name in SELECTS}
        # Campaign-only fields are mounted the first time campaign mode is used: the console's
        # first frame has half the widgets to style without them. Until then their values live
        # in ``_initial``.
        self._campaign_mounted = False
        self._campaign_mounting = False

    def compose(self) -> ComposeResult:
        yield Static("", id="dial-mode")
        with Grid(id="dial-fields"):
            for name in ALL_FIELDS:
                if name not in CAMPAIGN_ONLY:
                    yield self._field(name)
        yield Static("", id="dial-hint")

    def _field(self, name: str) -> Vertical:
        row = Horizontal(
            Label(LABELS.get(name) or CAMPAIGN_LABELS[name], classes="dial-label", id=f"label-{name}"),
            self._editor(name),
            classes="dial-row",
        )
        return Vertical(
            row,
            Static("", classes="field-error", id=f"error-{name}"),
            classes="dial-field",
            id=f"field-{name}",
        )

    def _editor(self, name: str) -> Input | Select[str]:
        if name in SELECTS:
            prompt = "none" if name == "announcement_id" else "loading…"
            return Select([], prompt=prompt, id=name, compact=True, allow_blank=True)
        value = self._initial.get(name, "")
        placeholder = PLACEHOLDERS[name]
        suggester = self._suggester_for(name)
        if name in PHONE_FIELDS or name in COUNT_FIELDS:
            return NumberInput(
                value,
                phone=name in PHONE_FIELDS,
                placeholder=placeholder,
                id=name,
                compact=True,
                max_length=64,
                suggester=suggester,
                select_on_focus=False,
            )
        return FormInput(
            value,
            placeholder=placeholder,
            id=name,
            compact=True,
            max_length=64,
            suggester=suggester,
            select_on_focus=False,
        )

    def on_mount(self) -> None:
        self._show_mode()
        mask_changed = getattr(self.app, "mask_changed", None)
        if mask_changed is not None:
            mask_changed.subscribe(self, lambda _on: self._masking_changed())

    def _masking_changed(self) -> None:
        for field in self.query(FormInput):
            field.refresh()
        self.refresh_hint()

    def _suggester_for(self, name: str) -> Suggester | None:
        if name in ("caller", "callee"):
            return NumberSuggester(self.directory)
        if name == "trunk_name":
            return TrunkSuggester(self.directory)
        return None

    def _mounted(self, name: str) -> bool:
        return name not in CAMPAIGN_ONLY or self._campaign_mounted

    async def _mount_campaign_fields(self) -> None:
        if self._campaign_mounted or self._campaign_mounting:
            return
        self._campaign_mounting = True
        fields = [self._field(name) for name in ALL_FIELDS if name in CAMPAIGN_ONLY]
        await self.query_one("#dial-fields", Grid).mount_all(fields)
        # Only now do the fields exist: until here every value went to ``_initial``.
        self._campaign_mounted = True
        self._set_campaign_options()
        for name in SELECTS:
            self._choose(name, self._initial.get(name, ""))
        self._show_mode()

    # -- values -------------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        """The text of every field (a select's value is its option id, or "")."""
        values: dict[str, str] = {}
        for name in ALL_FIELDS:
            if not self._mounted(name):
                values[name] = self._initial.get(name, "")
                continue
            widget = self.query_one(f"#{name}")
            if isinstance(widget, Select):
                values[name] = widget.value if isinstance(widget.value, str) else ""
            elif isinstance(widget, Input):
                values[name] = widget.value
        return values

    def fill(self, values: Mapping[str, str]) -> None:
        """Replace the fields' text (prefill from a redial, swap or CDR) and clear errors."""
        for name, value in values.items():
            if name not in ALL_FIELDS:
                continue
            if not self._mounted(name):
                self._initial[name] = value
                continue
            widget = self.query_one(f"#{name}")
            if isinstance(widget, Select):
                self._choose(name, value)
            elif isinstance(widget, Input):
                widget.value = value
        self.show_errors({})
        focus_now(self.query_one("#caller", Input))

    def _choose(self, name: str, value: str) -> None:
        if not self._mounted(name):
            self._initial[name] = value
            return
        widget: Select[str] = self.query_one(f"#{name}", Select)
        if value in self._offered[name]:
            widget.value = value
        else:
            widget.clear()

    def load_campaign_options(self, preferred_manager: str, preferred_announcement: str) -> None:
        """Fill the trunk-manager and announcement pickers from the directory."""
        self._offered["trunk_manager_id"] = {m.id for m in self.directory.trunk_managers}
        self._offered["announcement_id"] = {a.id for a in self.directory.announcements}
        self._set_campaign_options()
        self._choose("trunk_manager_id", self.directory.default_trunk_manager(preferred_manager))
        self._choose("announcement_id", preferred_announcement)

    def _set_campaign_options(self) -> None:
        if not self._campaign_mounted:
            return
        manager_options = [
            (f"{m.title} ({'active' if m.is_active else m.status})", m.id)
            for m in self.directory.trunk_managers
        ]
        managers: Select[str] = self.query_one("#trunk_manager_id", Select)
        managers.set_options(manager_options)
        managers.prompt = "none on the PBX" if not manager_options else "pick one"
        announcements: Select[str] = self.query_one("#announcement_id", Select)
        announcements.set_options([(a.name, a.id) for a in self.directory.announcements])

    # -- mode ---------------------------------------------------------------------------------

    def action_toggle_mode(self) -> None:
        self.mode = CallMode.CAMPAIGN if self.mode is CallMode.DIRECT else CallMode.DIRECT
        # The trunk means another leg in each mode (the PSTN caller's vs the second party's).
        self.query_one("#trunk_name", Input).value = ""

    def watch_mode(self, mode: CallMode) -> None:
        if not self.is_mounted:
            return
        if mode is CallMode.CAMPAIGN and not self._campaign_mounted:
            self.run_worker(
                self._mount_campaign_fields(),
                group="dial-form",
                exclusive=True,
                exit_on_error=False,
                description="Show the campaign fields",
            )
            return
        self._show_mode()

    def _show_mode(self) -> None:
        campaign = self.mode is CallMode.CAMPAIGN
        for name in DIRECT_ONLY:
            self.query_one(f"#field-{name}").display = not campaign
        if self._campaign_mounted:
            for name in CAMPAIGN_ONLY:
                self.query_one(f"#field-{name}").display = campaign
        trunk = self.query_one("#trunk_name", Input)
        trunk.placeholder = CAMPAIGN_PLACEHOLDERS["trunk_name"] if campaign else PLACEHOLDERS["trunk_name"]
        from simotui.ui.access import READ_ONLY_FORM, read_only

        text = (
            "Campaign: the autodialer rings the caller   ctrl+t: direct"
            if campaign
            else "Direct originate   ctrl+t: campaign"
        )
        if read_only(self):
            text = READ_ONLY_FORM
        self.set_class(read_only(self), "-read-only")
        self.query_one("#dial-mode", Static).update(text)
        self.set_class(campaign, "-campaign")
        self.show_errors({})
        self.border_title = "Dial · campaign" if campaign else "Dial"
        if self.directory.autodialer_error and campaign:
            self.query_one("#dial-hint", Static).update(f"Autodialer: {self.directory.autodialer_error}")

    # -- errors and hints ---------------------------------------------------------------------

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show each message beside its field; an empty mapping clears them all."""
        for name in ALL_FIELDS:
            if not self._mounted(name):
                continue
            message = errors.get(name, "")
            label = self.query_one(f"#error-{name}", Static)
            label.update(message)
            label.set_class(bool(message), "-shown")
            self.query_one(f"#{name}").set_class(bool(message), "-error")

    def refresh_hint(self) -> None:
        """Name who the caller and callee are, from the directory."""
        values = self.values()
        parts = []
        for name in ("caller", "callee"):
            typed = values[name]
            matches = self.directory.candidates(typed)
            if typed and typed not in self.directory.users and matches:
                # Still typing: name who the number could become.
                listed = ", ".join(f"{u.number} {u.name}".strip() for u in matches)
                parts.append(f"{LABELS[name]}: {listed}…")
                continue
            who = self.directory.describe(typed)
            if who:
                parts.append(f"{LABELS[name]}: {who}")
        self.query_one("#dial-hint", Static).update(masker(self)("   ".join(parts)))

    def _check(self) -> tuple[Dial | None, Mapping[str, str]]:
        if self.mode is CallMode.CAMPAIGN:
            campaign = check_campaign_dial(self.values(), country_code=self.country_code)
            return campaign.dial, campaign.errors
        direct = check_dial(self.values(), country_code=self.country_code)
        return direct.request, direct.errors

    @on(Input.Changed)
    def _on_field_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id in ("caller", "callee"):
            self.refresh_hint()
        if event.input.has_class("-error"):
            # Re-check as the user fixes a field, so a message goes away once it is right.
            errors = self._check()[1]
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
        dial, errors = self._check()
        self.show_errors(errors)
        if dial is None:
            first = next((n for n in ALL_FIELDS if n in errors and self._mounted(n)), "caller")
            focus_now(self.query_one(f"#{first}"))
            return
        from simotui.ui.access import READ_ONLY_FORM, read_only

        if read_only(self):
            # Said where the user looks; the tracker would refuse the proposal anyway.
            self.notify(READ_ONLY_FORM, title="Read-only profile", severity="warning", timeout=4)
            return
        self.post_message(self.Submitted(self, dial))
