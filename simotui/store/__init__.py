"""What simotui keeps on disk between runs: the journal of dials and call states (persistence only)."""

from simotui.store.journal import Journal, JournalEntry, StateRecord

__all__ = ["Journal", "JournalEntry", "StateRecord"]
