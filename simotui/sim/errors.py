"""The operation-level failures a handler or an engine raises: HTTP 200, ``success`` 0, an exact message."""

from __future__ import annotations

OK_MESSAGE = "Requested operation is done successfully"
FAILED_MESSAGE = "Requested operation failed"


class OperationFailed(Exception):
    """A valid request whose operation failed: HTTP 200, ``success`` 0 and this message."""

    def __init__(self, message: str = FAILED_MESSAGE) -> None:
        """Carry the exact Simotel message."""
        super().__init__(message)
        self.message = message


def missing_field(name: str) -> OperationFailed:
    """The documented ``Field '<name>':value is missing`` failure."""
    return OperationFailed(f"Field '{name}':value is missing")
