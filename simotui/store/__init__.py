"""What simotui keeps on disk between runs: the journal of dials and call states (no Textual)."""

from simotui.store.journal import Journal, JournalCall, Outcome

__all__ = ["Journal", "JournalCall", "Outcome"]
