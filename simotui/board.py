"""CallBoard: the pure diff behind live tables that update in place.

A live table is given a full snapshot of rows (key → cells) on every refresh. The board compares
it with what it showed last and returns only what changed, so the widget can ``add_row``,
``update_cell`` and ``remove_row`` instead of clearing and refilling — keeping the cursor and the
scroll position where the user left them.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Cell = TypeVar("Cell", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Diff(Generic[Cell]):
    """What to do to a table to make it show a new snapshot."""

    added: dict[str, tuple[Cell, ...]] = field(default_factory=dict)
    changed: dict[str, dict[int, Cell]] = field(default_factory=dict)
    removed: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Whether the table is already up to date."""
        return not (self.added or self.changed or self.removed)


@dataclass(slots=True)
class CallBoard(Generic[Cell]):
    """Remembers the rows a table shows and diffs each new snapshot against them."""

    width: int
    rows: dict[str, tuple[Cell, ...]] = field(default_factory=dict)

    def apply(self, snapshot: Mapping[str, Sequence[Cell]]) -> Diff[Cell]:
        """Take a new snapshot of every row; return the diff from the previous one.

        Raises:
            ValueError: a row does not have ``width`` cells.
        """
        added: dict[str, tuple[Cell, ...]] = {}
        changed: dict[str, dict[int, Cell]] = {}
        for key, cells in snapshot.items():
            row = tuple(cells)
            if len(row) != self.width:
                raise ValueError(f"row {key!r} has {len(row)} cells, the board has {self.width}")
            before = self.rows.get(key)
            if before is None:
                added[key] = row
            elif before != row:
                changed[key] = {
                    i: cell for i, (old, cell) in enumerate(zip(before, row, strict=True)) if old != cell
                }
        removed = tuple(key for key in self.rows if key not in snapshot)
        self.rows = {key: tuple(cells) for key, cells in snapshot.items()}
        return Diff(added=added, changed=changed, removed=removed)
