"""PanelView: what a live table shows of its rows — the filter, the sort, the columns, the marks.

Pure and headless (no Textual): the live panel keeps one, feeds it each row's search text and
sort values, and asks it which rows to show, in which order. Keeping this apart from the widget
means the rules are tested by property (every row shown matches, none that matches is hidden, the
sort is a stable permutation of what matched) without a terminal.

The filter is typed as in k9s or sngrep: every word must appear, in any order, case ignored,
anywhere in the row's text (its numbers, the parties' names, its state, its campaign).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SortValue = tuple[Any, ...]


def terms(query: str) -> tuple[str, ...]:
    """The words of a filter, lower-cased (an empty filter has none and shows everything)."""
    return tuple(word for word in query.lower().split() if word)


def matches(text: str, words: Sequence[str]) -> bool:
    """Whether every word occurs in ``text`` (already lower-cased)."""
    return all(word in text for word in words)


@dataclass(slots=True)
class PanelView:
    """The filter, sort, column choice and marks of one live table.

    Args:
        columns: every column's name, in table order.
    """

    columns: tuple[str, ...]
    query: str = ""
    sort_column: int | None = None
    """The column rows are sorted by; None keeps the order the calls were placed in."""
    descending: bool = False
    hidden_columns: frozenset[int] = frozenset()
    marked: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)
    """Rows taken off the panel (by hand or archived): the journal keeps them."""

    @property
    def words(self) -> tuple[str, ...]:
        """The filter's words."""
        return terms(self.query)

    @property
    def active(self) -> bool:
        """Whether the table shows anything but every row in placing order."""
        return bool(self.words) or self.sort_column is not None

    @property
    def visible_columns(self) -> tuple[int, ...]:
        """The columns shown, in table order (never none: the first stays when all are hidden)."""
        shown = tuple(i for i in range(len(self.columns)) if i not in self.hidden_columns)
        return shown or (0,)

    def arrange(
        self,
        keys: Iterable[str],
        text: Callable[[str], str],
        sort_value: Callable[[str, int], Hashable | None],
    ) -> list[str]:
        """The keys to show, in order: those that match the filter, sorted (stably) by the sort column.

        Args:
            keys: every row's key, in placing order.
            text: a row's search text, lower-cased.
            sort_value: a row's value in a column (comparable with the other rows' values).
        """
        words = self.words
        shown = [key for key in keys if key not in self.removed and (not words or matches(text(key), words))]
        column = self.sort_column
        if column is None:
            return list(reversed(shown)) if self.descending else shown
        values = {key: sort_value(key, column) for key in shown}
        # Unknown values (a billsec before the CDR) go last whichever the direction; Python's sort
        # is stable, so equal values keep placing order, reversed or not.
        known = sorted(
            (key for key in shown if values[key] is not None),
            key=lambda key: values[key],  # type: ignore[arg-type,return-value]
            reverse=self.descending,
        )
        return known + [key for key in shown if values[key] is None]

    # -- sorting ------------------------------------------------------------------------------

    def sort_by(self, column: int) -> None:
        """Sort by a column; asked again for the same column, reverse the order."""
        if self.sort_column == column:
            self.descending = not self.descending
        else:
            self.sort_column, self.descending = column, False

    def next_sort(self) -> None:
        """Sort by the next shown column (after the last: placing order again)."""
        shown = self.visible_columns
        if self.sort_column is None:
            self.sort_column, self.descending = shown[0], False
            return
        later = [c for c in shown if c > self.sort_column]
        self.sort_column = later[0] if later else None
        self.descending = False

    def sort_label(self) -> str:
        """``by State ↓``, or empty when rows are in placing order."""
        if self.sort_column is None:
            return ""
        return f"by {self.columns[self.sort_column]} {'↓' if self.descending else '↑'}"

    # -- columns ------------------------------------------------------------------------------

    def show_columns(self, names: Iterable[str]) -> None:
        """Show these columns (by name; unknown names are ignored), hide the others."""
        wanted = set(names)
        self.hidden_columns = frozenset(i for i, name in enumerate(self.columns) if name not in wanted)
        if self.sort_column is not None and self.sort_column in self.hidden_columns:
            self.sort_column, self.descending = None, False

    @property
    def shown_names(self) -> tuple[str, ...]:
        """The names of the columns shown."""
        return tuple(self.columns[i] for i in self.visible_columns)

    # -- marks --------------------------------------------------------------------------------

    def toggle_mark(self, key: str) -> bool:
        """Mark a row, or unmark it; returns whether it is now marked."""
        if key in self.marked:
            self.marked.discard(key)
            return False
        self.marked.add(key)
        return True

    def mark_all(self, keys: Sequence[str]) -> None:
        """Mark every row given (the ones shown); when all are marked already, unmark them."""
        if keys and all(key in self.marked for key in keys):
            self.marked.difference_update(keys)
        else:
            self.marked.update(keys)

    def chosen(self, shown: Sequence[str], cursor: str | None) -> list[str]:
        """The rows an action applies to: the marked ones shown (in shown order), else the cursor's."""
        marked = [key for key in shown if key in self.marked]
        if marked:
            return marked
        return [cursor] if cursor is not None else []

    def forget(self, keys: Iterable[str]) -> None:
        """Take rows off the panel: unmarked, and never shown again."""
        for key in keys:
            self.removed.add(key)
            self.marked.discard(key)

    def prune(self, existing: Mapping[str, object]) -> None:
        """Drop marks of rows that no longer exist."""
        self.marked.intersection_update(existing)

    def title(self, shown: int, total: int) -> str:
        """``12 of 340`` while a filter hides some rows, else just the count."""
        return f"{shown} of {total}" if self.words else f"{total}"
