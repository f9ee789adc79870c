"""What simotui keeps on disk between runs: the journal of dials and call states (persistence only)."""

from simotui.store.journal import CancelledRecord, Journal, JournalEntry, StateRecord

__all__ = ["CancelledRecord", "Journal", "JournalEntry", "StateRecord"]
