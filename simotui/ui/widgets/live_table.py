"""LiveTable: a keyed table for many rows that change often, drawn line by line.

Textual's ``DataTable`` re-measures every cell of a column whenever a cell of it changes with
``update_width=True`` — quadratic in rows for a panel whose rows tick every second (at 1,000 calls
it took the whole event loop). This table is built on the line API (``ScrollView.render_line``):

- only the visible lines are drawn, from the rows' cells, on demand;
- a column's width follows its cells through a count of each width in it, so a cell that changes
  costs O(1) and nothing is measured twice;
- an update to a row that is off screen draws nothing.

Rows are keyed by the caller's keys and kept in the order given; a cursor row, Enter, the mouse,
and a fixed header with its own click (for sorting) behave as in ``DataTable``. The caller may
show a subset of the rows in another order (:meth:`LiveTable.show_rows`: a filter, a sort), a
subset of the columns (:attr:`LiveTable.shown_columns`) and marks on rows (:meth:`LiveTable.set_marks`);
rows not shown keep their cells, so showing them again costs nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

# One space either side of a cell, as DataTable draws them.
PADDING = 1
# Drawn in the left padding of a marked row (one cell wide: nothing moves when a row is marked).
MARK = "●"


class LiveTable(ScrollView, can_focus=True):
    """Rows of cells under a fixed header; one cursor row; updates cost what changed."""

    COMPONENT_CLASSES = {
        "live-table--header",
        "live-table--cursor",
        "live-table--even-row",
        "live-table--odd-row",
        "live-table--marked",
    }

    DEFAULT_CSS = """
    LiveTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .live-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        &:dark > .live-table--even-row { background: $surface-darken-1 40%; }
        & > .live-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .live-table--even-row { background: $surface-lighten-1 50%; }
        & > .live-table--marked { color: $accent; text-style: bold; }
        & > .live-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    BINDINGS = [
        Binding("left", "cursor_left", "Left", show=False),
        Binding("right", "cursor_right", "Right", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "cursor_home", "First", show=False),
        Binding("end", "cursor_end", "Last", show=False),
        Binding("enter", "select_cursor", "Select", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True)
    cursor_column: reactive[int] = reactive(0)

    @dataclass
    class RowHighlighted(Message):
        """The cursor moved onto a row (``key`` None: the table is empty)."""

        table: LiveTable
        key: str | None

        @property
        def control(self) -> LiveTable:
            return self.table

    @dataclass
    class RowSelected(Message):
        """Enter, or a double click, on a row."""

        table: LiveTable
        key: str

        @property
        def control(self) -> LiveTable:
            return self.table

    @dataclass
    class HeaderSelected(Message):
        """A click on a column's header."""

        table: LiveTable
        column: int

        @property
        def control(self) -> LiveTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[str],
        *,
        cells: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = tuple(columns)
        self.cells = cells
        """A cell cursor (left/right move it; the cell under it is what is copied or sorted by)."""
        self._order: list[str] = []
        self._index: dict[str, int] = {}
        self._cells: dict[str, tuple[Text, ...]] = {}
        self._counts: list[Counter[int]] = [Counter() for _ in self.columns]
        self._widths: list[int] = [len(label) for label in self.columns]
        self._lines: dict[tuple[str, int, bool], tuple[Strip, Style]] = {}
        self._styles: dict[str, Style] = {}
        self._marks: frozenset[str] = frozenset()
        self.shown_columns: tuple[int, ...] = tuple(range(len(self.columns)))
        """The columns drawn, in table order (the others keep their cells)."""

    def on_mount(self) -> None:
        self.virtual_size = Size(self._total_width(), len(self._order) + 1)

    # -- rows ---------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """How many rows there are."""
        return len(self._order)

    @property
    def keys(self) -> list[str]:
        """The rows' keys, in order."""
        return list(self._order)

    def get_row(self, key: str) -> tuple[str, ...]:
        """A row's cells as plain text."""
        return tuple(cell.plain for cell in self._cells[key])

    def get_row_at(self, index: int) -> tuple[str, ...]:
        """The cells of the row at a position, as plain text."""
        return self.get_row(self._order[index])

    @property
    def cursor_cell(self) -> str | None:
        """The text of the cell under the cursor (its column 0 when the cursor is a row)."""
        key = self.cursor_key
        return None if key is None else self._cells[key][self.cursor_column].plain

    def get_row_index(self, key: str) -> int:
        """Where a row is."""
        return self._index[key]

    def __contains__(self, key: object) -> bool:
        return key in self._cells

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor."""
        if not self._order:
            return None
        return self._order[min(self.cursor_row, len(self._order) - 1)]

    def _count(self, cells: tuple[Text, ...], sign: int) -> None:
        for column, cell in enumerate(cells):
            counts = self._counts[column]
            width = cell.cell_len
            counts[width] += sign
            if counts[width] <= 0:
                del counts[width]

    def _remeasure(self) -> bool:
        widths = [
            max(len(label), max(counts) if counts else 0)
            for label, counts in zip(self.columns, self._counts, strict=True)
        ]
        if widths == self._widths:
            return False
        self._widths = widths
        self._lines.clear()
        return True

    def update_rows(
        self,
        added: Mapping[str, Sequence[Text]] | None = None,
        changed: Mapping[str, Mapping[int, Text]] | None = None,
        removed: Iterable[str] = (),
    ) -> None:
        """Apply a diff: new rows (appended in order), cells that changed, rows that went."""
        dirty = False
        for key in removed:
            cells = self._cells.pop(key, None)
            if cells is None:
                continue
            self._count(cells, -1)
            dirty = True
        if dirty:
            self._order = [key for key in self._order if key in self._cells]
            self._index = {key: i for i, key in enumerate(self._order)}
        for key, row in (added or {}).items():
            cells = tuple(row)
            if key in self._cells:
                self._count(self._cells[key], -1)
            else:
                self._index[key] = len(self._order)
                self._order.append(key)
            self._cells[key] = cells
            self._count(cells, 1)
            dirty = True
        changed_lines: list[int] = []
        top, height = self.scroll_offset.y, self.size.height
        for key, updates in (changed or {}).items():
            old = self._cells.get(key)
            if old is None:
                continue
            updated = list(old)
            for column, cell in updates.items():
                counts = self._counts[column]
                width = old[column].cell_len
                counts[width] -= 1
                if counts[width] <= 0:
                    del counts[width]
                counts[cell.cell_len] += 1
                updated[column] = cell
            self._cells[key] = tuple(updated)
            index = self._index.get(key)
            if index is None:  # a row not shown now (filtered out)
                continue
            for cursor in (True, False):
                self._lines.pop((key, index, cursor), None)
            if top <= index < top + height:
                changed_lines.append(index)
        resized = self._remeasure()
        if dirty or resized:
            self._lines.clear()
            self.virtual_size = Size(self._total_width(), len(self._order) + 1)
            self.cursor_row = min(self.cursor_row, max(len(self._order) - 1, 0))
            self.refresh()
        else:
            # Only the rows that changed on screen are drawn again (the header is line 0).
            for index in changed_lines:
                self.refresh_line(index + 1)

    def clear(self) -> None:
        """Remove every row."""
        self.update_rows(removed=list(self._cells))

    def show_rows(self, keys: Sequence[str]) -> None:
        """Show these rows (of those the table holds), in this order; the cursor stays on its row."""
        order = [key for key in keys if key in self._cells]
        if order == self._order:
            return
        current = self.cursor_key
        self._order = order
        self._index = {key: i for i, key in enumerate(order)}
        self._lines.clear()
        self.virtual_size = Size(self._total_width(), len(self._order) + 1)
        if current is not None and current in self._index:
            self.cursor_row = self._index[current]
        else:
            self.cursor_row = min(self.cursor_row, max(len(self._order) - 1, 0))
            self.post_message(self.RowHighlighted(self, self.cursor_key))
        self.refresh()

    def set_marks(self, keys: Iterable[str]) -> None:
        """Mark these rows (drawn with :data:`MARK` and the marked style)."""
        marks = frozenset(keys)
        if marks != self._marks:
            self._marks = marks
            self._lines.clear()
            self.refresh()

    def show_columns(self, columns: Sequence[int]) -> None:
        """Draw only these columns (indexes into :attr:`columns`)."""
        shown = tuple(sorted({c for c in columns if 0 <= c < len(self.columns)})) or (0,)
        if shown != self.shown_columns:
            self.shown_columns = shown
            self._lines.clear()
            self.virtual_size = Size(self._total_width(), len(self._order) + 1)
            self.refresh()

    def _total_width(self) -> int:
        return sum(self._widths[c] + 2 * PADDING for c in self.shown_columns)

    # -- cursor -------------------------------------------------------------------------------

    def move_cursor(self, key: str) -> None:
        """Put the cursor on a row (and scroll it into view)."""
        if key in self._index:
            self.cursor_row = self._index[key]

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._lines.clear()
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.RowHighlighted(self, self.cursor_key))

    def _scroll_cursor_into_view(self) -> None:
        # The lines rows are drawn on: without the header, and without the horizontal scrollbar
        # that a narrow terminal adds (``size`` counts it: the newest row was hidden under it).
        body = max(self.scrollable_content_region.height - 1, 1)
        top = self.scroll_offset.y
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + body:
            self.scroll_to(y=self.cursor_row - body + 1, animate=False)

    def on_resize(self, event: events.Resize) -> None:
        # A terminal that got smaller must still show the cursor (and the newest rows under it).
        self.call_after_refresh(self._scroll_cursor_into_view)

    def _step(self, rows: int) -> None:
        if self._order:
            self.cursor_row = min(max(self.cursor_row + rows, 0), len(self._order) - 1)

    def action_cursor_left(self) -> None:
        if self.cells:
            self.cursor_column = max(self.cursor_column - 1, 0)

    def action_cursor_right(self) -> None:
        if self.cells:
            self.cursor_column = min(self.cursor_column + 1, len(self.columns) - 1)

    def watch_cursor_column(self) -> None:
        self._lines.clear()
        left = sum(width + 2 * PADDING for width in self._widths[: self.cursor_column])
        right = left + self._widths[self.cursor_column] + 2 * PADDING
        if left < self.scroll_offset.x:
            self.scroll_to(x=left, animate=False)
        elif right > self.scroll_offset.x + self.size.width:
            self.scroll_to(x=right - self.size.width, animate=False)
        self.refresh()

    def action_cursor_up(self) -> None:
        self._step(-1)

    def action_cursor_down(self) -> None:
        self._step(1)

    def action_page_up(self) -> None:
        self._step(-max(self.scrollable_content_region.height - 2, 1))

    def action_page_down(self) -> None:
        self._step(max(self.scrollable_content_region.height - 2, 1))

    def action_cursor_home(self) -> None:
        self._step(-len(self._order))

    def action_cursor_end(self) -> None:
        self._step(len(self._order))

    def action_select_cursor(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.RowSelected(self, key))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            column = self._column_at(event.x + self.scroll_offset.x)
            if column is not None:
                self.post_message(self.HeaderSelected(self, column))
            return
        row = self.scroll_offset.y + event.y - 1
        if 0 <= row < len(self._order):
            self.cursor_row = row
            column = self._column_at(event.x + self.scroll_offset.x)
            if self.cells and column is not None:
                self.cursor_column = column
            if event.chain >= 2:
                self.action_select_cursor()

    def _column_at(self, x: int) -> int | None:
        edge = 0
        for column in self.shown_columns:
            edge += self._widths[column] + 2 * PADDING
            if x < edge:
                return column
        return None

    # -- drawing ------------------------------------------------------------------------------

    def _row_segments(
        self, cells: Sequence[Text], row_style: Style, cursor_cell: int = -1, marked: bool = False
    ) -> list[Segment]:
        segments: list[Segment] = []
        pad = " " * PADDING
        cursor_style = self.get_component_rich_style("live-table--cursor") if cursor_cell >= 0 else None
        for place, column in enumerate(self.shown_columns):
            cell, width = cells[column], self._widths[column]
            base = row_style + cursor_style if column == cursor_cell and cursor_style else row_style
            segments.append(Segment(MARK + pad[1:] if marked and place == 0 else pad, base))
            # A Text's own style is not in its rendered pieces (rich applies it when printing).
            own = base + self._style(cell.style) if cell.style else base
            if cell.spans:
                for piece in cell.render(self.app.console):
                    segments.append(Segment(piece.text, own + piece.style if piece.style else own))
            else:
                segments.append(Segment(cell.plain, own))
            segments.append(Segment(" " * (width - cell.cell_len) + pad, base))
        return segments

    def _style(self, style: str | Style) -> Style:
        if isinstance(style, Style):
            return style
        cached = self._styles.get(style)
        if cached is None:
            cached = self._styles[style] = Style.parse(style)
        return cached

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        if y == 0:
            header = self.get_component_rich_style("live-table--header")
            strip = Strip(self._row_segments([Text(label) for label in self.columns], header))
            return strip.crop_extend(scroll_x, scroll_x + width, header)
        row = scroll_y + y - 1
        if row >= len(self._order):
            return Strip.blank(width, self.rich_style)
        key = self._order[row]
        cursor = row == self.cursor_row
        cache_key = (key, row, cursor)
        cached = self._lines.get(cache_key)
        if cached is None:
            parity = "live-table--even-row" if row % 2 else "live-table--odd-row"
            base = self.rich_style + self.get_component_rich_style(parity)
            cursor_cell = -1
            marked = key in self._marks
            if marked:
                base += self.get_component_rich_style("live-table--marked")
            if cursor and self.cells:
                cursor_cell = self.cursor_column
            elif cursor:
                base += self.get_component_rich_style("live-table--cursor")
            strip = Strip(self._row_segments(self._cells[key], base, cursor_cell, marked))
            cached = self._lines[cache_key] = (strip, base)
        strip, base = cached
        # The row's own background runs to the edge, as DataTable's do.
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def on_focus(self) -> None:
        self._lines.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._lines.clear()
        self.refresh()
