"""PanelView's rules by property: a filter shows exactly the rows whose text has every word, a sort
is a stable permutation of what matched, marks act on what is shown."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from simotui.panel_view import PanelView, matches, terms

COLUMNS = ("Call", "Caller → Callee", "State", "Elapsed")
words = st.text(alphabet="ab 12", max_size=6)
rows = st.dictionaries(
    st.text(alphabet="kxyz", min_size=1, max_size=4),
    st.tuples(st.text(alphabet="ab12 ", max_size=8), st.one_of(st.none(), st.integers(0, 5))),
    max_size=25,
)


@given(rows, words)
def test_the_filter_shows_exactly_the_rows_with_every_word(
    data: dict[str, tuple[str, int | None]], query: str
) -> None:
    view = PanelView(COLUMNS, query=query)
    shown = view.arrange(list(data), lambda k: data[k][0].lower(), lambda k, c: data[k][1])
    wanted = [k for k in data if all(w in data[k][0].lower() for w in terms(query))]
    assert shown == wanted


@given(rows, words, st.integers(0, 3), st.booleans())
def test_a_sort_is_a_stable_permutation_of_what_matched(
    data: dict[str, tuple[str, int | None]], query: str, column: int, descending: bool
) -> None:
    view = PanelView(COLUMNS, query=query, sort_column=column, descending=descending)
    shown = view.arrange(list(data), lambda k: data[k][0].lower(), lambda k, c: data[k][1])
    unsorted = PanelView(COLUMNS, query=query).arrange(
        list(data), lambda k: data[k][0].lower(), lambda k, c: 0
    )
    assert sorted(shown) == sorted(unsorted)
    known = [data[k][1] for k in shown if data[k][1] is not None]
    assert known == sorted(known, reverse=descending)
    # Unknown values last, whichever the direction.
    values = [data[k][1] for k in shown]
    assert values == [*known, *[None] * (len(values) - len(known))]
    if not descending:  # equal values keep placing order
        for a, b in pairwise(shown):
            if data[a][1] == data[b][1]:
                assert list(data).index(a) < list(data).index(b)


@given(rows, st.lists(st.text(alphabet="kxyz", min_size=1, max_size=4), max_size=5))
def test_removed_rows_never_show_and_lose_their_marks(
    data: dict[str, tuple[str, int | None]], gone: list[str]
) -> None:
    view = PanelView(COLUMNS)
    view.mark_all(list(data))
    view.forget(gone)
    shown = view.arrange(list(data), lambda k: "", lambda k, c: None)
    assert not set(shown) & set(gone)
    assert not view.marked & set(gone)


def test_marks_chosen_and_mark_all_toggles() -> None:
    view = PanelView(COLUMNS)
    assert view.chosen(["a", "b"], "b") == ["b"]
    assert view.toggle_mark("a") and not view.toggle_mark("a")
    view.mark_all(["a", "b"])
    assert view.chosen(["b", "a", "c"], "c") == ["b", "a"]
    view.mark_all(["a", "b"])
    assert not view.marked


def test_sort_cycles_and_columns_hide() -> None:
    view = PanelView(COLUMNS)
    view.show_columns(["Call", "State"])
    assert view.visible_columns == (0, 2)
    view.next_sort()
    assert view.sort_column == 0
    view.next_sort()
    assert view.sort_column == 2 and view.sort_label() == "by State ↑"
    view.sort_by(2)
    assert view.descending
    view.next_sort()
    assert view.sort_column is None
    view.sort_by(2)
    view.show_columns(["Call"])  # sorting by a hidden column stops
    assert view.sort_column is None
    view.show_columns([])
    assert view.visible_columns == (0,)
    assert matches("abc", ()) and view.title(3, 10) == "10"
    view.query = "x"
    assert view.title(3, 10) == "3 of 10"
