"""The console's remappable keys: every binding id, and the check of a config's ``[keys]`` table.

The console's bindings carry these ids (``Binding(..., id=...)``); ``[keys]`` maps an id to the
keys that replace its defaults, applied with Textual's ``App.set_keymap``. This module holds the
ids without importing Textual, so ``simotui config check`` can name a mistyped one; a UI test
keeps the list equal to the bindings the console declares.
"""

from __future__ import annotations

from collections.abc import Mapping

BINDING_IDS: dict[str, str] = {
    "app.reports": "open the report browser (ctrl+r)",
    "app.mask": "mask phone numbers on every screen (f3)",
    "app.http-log": "the HTTP log (f4)",
    "app.history": "the journal's history (f5)",
    "app.queues": "the queues and their agents (f7)",
    "app.pbx": "the PBX view and extension board, from pushed events (f6)",
    "app.help": "show or hide help (f1)",
    "app.help-question": "show or hide help (?)",
    "app.quit": "quit (ctrl+q)",
    "app.next-field": "focus the next field (tab)",
    "app.previous-field": "focus the previous field (shift+tab)",
    "dashboard.new-dial": "clear the dial form (ctrl+n)",
    "dashboard.live": "focus the live calls (ctrl+l)",
    "dashboard.recent": "focus the recent dials (ctrl+e)",
    "dial.mode": "switch direct / campaign (ctrl+t)",
    "confirm.yes": "dial, on the confirmation (y)",
    "confirm.no": "cancel, on the confirmation (n, escape)",
    "confirm.enter": "explain the confirmation's keys (enter)",
    "live.details": "a live call's details (enter)",
    "live.pause": "pause polling (p)",
    "live.refresh": "poll now (r)",
    "live.filter": "filter the live calls as you type (/)",
    "live.filter-done": "keep the filter and go back to the live calls (enter, in the filter)",
    "live.clear-filter": "clear the filter, then the marks (escape)",
    "live.mark": "mark or unmark a live call (space)",
    "live.mark-all": "mark every call shown, or unmark them (*)",
    "live.sort": "sort the live calls by the next column (s)",
    "live.sort-reverse": "reverse the live calls' sort (S)",
    "live.columns": "choose the live panel's columns (c)",
    "live.redial-marked": "redial the marked calls, one confirmation (R)",
    "live.export-csv": "export the marked calls as CSV (e)",
    "live.export-json": "export the marked calls as JSON (E)",
    "live.remove": "remove settled calls from the panel (d, delete)",
    "live.faster": "poll faster (+)",
    "live.slower": "poll slower (-)",
    "live.remove-campaign": "remove a finished campaign again (x)",
    "live.copy-cell": "copy the call id (y)",
    "live.copy-row": "copy the row (Y)",
    "recent.redial": "redial a recent dial (r)",
    "recent.swap": "redial with the legs swapped (s)",
    "recent.edit": "put a recent dial in the form (e)",
    "reports.back": "leave the reports (escape)",
    "reports.cdrs": "the CDR tab (c)",
    "reports.campaigns": "the campaign report tab (a)",
    "report.filter": "edit the filters (/)",
    "report.sort": "sort by the column under the cursor (s)",
    "report.next": "next page (pagedown, ctrl+f)",
    "report.prev": "previous page (pageup, ctrl+b)",
    "report.bigger": "bigger pages (+)",
    "report.smaller": "smaller pages (-)",
    "report.export": "export (e)",
    "report.copy-cell": "copy the cell under the cursor (y)",
    "report.copy-row": "copy the row (Y)",
    "tries.close": "close a campaign row's tries (escape, enter)",
    "cdr.back": "leave a CDR (escape)",
    "cdr.dial": "fill the dial form from a CDR (d)",
    "cdr.live": "a CDR's live row (g)",
    "cdr.save-recording": "save a CDR's recording (s)",
    "cdr.copy": "copy a CDR's cuid (y)",
    "call.back": "leave a call's details (escape)",
    "call.copy-timeline": "copy a call's timeline as text (t)",
    "call.copy-markdown": "copy a call's timeline as Markdown (m)",
    "call.save-timeline": "save a call's timeline as Markdown (w)",
    "history.back": "leave the history (escape)",
    "history.search": "search the history (/)",
    "history.redial": "redial from the history (enter)",
    "http-log.back": "leave the HTTP log (escape)",
    "queues.back": "leave the queues (escape)",
    "queues.pause": "pause the agent under the cursor, after confirmation (p)",
    "queues.resume": "resume the agent under the cursor, after confirmation (u)",
    "queues.refresh": "reload the queues and agents (r)",
    "pbx.back": "leave the PBX view (escape)",
    "pbx.filter": "filter the PBX view (/)",
    "pbx.dial": "fill the dial form from a PBX call or extension (d)",
    "export.start": "start an export (enter)",
    "export.close": "close the export dialog (escape)",
    "app.stats": "the stats view (f8)",
    "stats.back": "leave the stats (escape)",
    "stats.reload": "read today's CDRs again (r)",
    "columns.keep": "keep the live panel's columns chosen (enter)",
    "columns.cancel": "leave the live panel's columns as they were (escape)",
}
"""Every binding id of the console, with what it does and its default keys."""

# Enter (held, or typed ahead) must never answer a confirmation: the first Enter opens it.
_NEVER = {"confirm.yes": frozenset({"enter", "ctrl+m", "space"})}


def keymap_problems(keys: Mapping[str, str]) -> list[str]:
    """What is wrong with a ``[keys]`` table, one sentence per problem (empty: nothing)."""
    problems = []
    for binding_id, value in keys.items():
        if binding_id not in BINDING_IDS:
            problems.append(f"unknown binding id {binding_id!r}")
            continue
        chosen = [key.strip() for key in value.split(",")]
        if not all(chosen):
            problems.append(f"{binding_id}: {value!r} names no key")
            continue
        refused = sorted(set(chosen) & _NEVER.get(binding_id, frozenset()))
        if refused:
            problems.append(f"{binding_id}: {', '.join(refused)} cannot dial (a held key would)")
    return problems


def usable_keymap(keys: Mapping[str, str]) -> dict[str, str]:
    """The entries of a ``[keys]`` table that can be applied (those without a problem)."""
    return {
        binding_id: value for binding_id, value in keys.items() if not keymap_problems({binding_id: value})
    }
