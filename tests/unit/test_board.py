"""CallBoard diffs snapshots into adds, cell updates and removals."""

from __future__ import annotations

import pytest

from simotui.board import CallBoard


def test_first_snapshot_adds_every_row() -> None:
    board: CallBoard[str] = CallBoard(width=2)
    diff = board.apply({"a": ("1", "x"), "b": ("2", "y")})
    assert diff.added == {"a": ("1", "x"), "b": ("2", "y")}
    assert not diff.changed and not diff.removed


def test_only_changed_cells_are_reported() -> None:
    board: CallBoard[str] = CallBoard(width=3)
    board.apply({"a": ("1", "x", "p"), "b": ("2", "y", "q")})
    diff = board.apply({"a": ("1", "X", "p"), "b": ("2", "y", "q"), "c": ("3", "z", "r")})
    assert diff.changed == {"a": {1: "X"}}
    assert diff.added == {"c": ("3", "z", "r")}
    assert diff.removed == ()


def test_missing_rows_are_removed_and_same_snapshot_is_empty() -> None:
    board: CallBoard[str] = CallBoard(width=1)
    board.apply({"a": ("1",), "b": ("2",)})
    assert board.apply({"b": ("2",)}).removed == ("a",)
    assert board.apply({"b": ("2",)}).is_empty


def test_wrong_width_is_refused() -> None:
    board: CallBoard[str] = CallBoard(width=2)
    with pytest.raises(ValueError):
        board.apply({"a": ("only one",)})
