"""The one exception hierarchy of simotui; every failure a user can see is one of these."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


class SimotuiError(Exception):
    """Base of every error simotui raises on purpose.

    Args:
        message: what went wrong, in words a user can act on.
        title: a short heading for the place the message is shown.
    """

    default_title = "Error"

    def __init__(self, message: str, *, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.title = title or self.default_title

    def __str__(self) -> str:
        return self.message


class ConfigError(SimotuiError):
    """The configuration (flags, environment, file) cannot be used."""

    default_title = "Configuration error"


class ReadOnlyRefused(SimotuiError):
    """A request that would change the PBX (a dial, a campaign, a removal) asked of a read-only
    profile: refused before anything is sent."""

    default_title = "Read-only profile"
    code = "read_only"
    status: int | None = None


class ApiError(SimotuiError):
    """The Simotel server answered, and the answer is an error.

    Args:
        message: the server's own message when it sent one, else a description.
        status: the HTTP status code.
        code: a stable machine-readable code (``auth_missing``, ``access_denied`` ...).
        service: the API service path, e.g. ``reports/cdr/search``.
    """

    default_title = "Simotel API error"
    default_code = "api_error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        service: str | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(message, title=title)
        self.status = status
        self.code = code or self.default_code
        self.service = service

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, status={self.status!r}, "
            f"code={self.code!r}, service={self.service!r})"
        )


class OperationFailed(ApiError):
    """HTTP 200 with ``success: 0``: a valid call whose operation failed (e.g. a missing field)."""

    default_title = "Operation failed"
    default_code = "operation_failed"


class AuthError(ApiError):
    """HTTP 401: credentials missing or invalid."""

    default_title = "Authentication failed"
    default_code = "auth_invalid"


class AccessDenied(ApiError):
    """HTTP 403: the API account lacks permission for this service, or the IP is not allowed."""

    default_title = "Access denied"
    default_code = "access_denied"


class RequestRejected(ApiError):
    """HTTP 400, 405 or 415: the server could not accept the request as sent."""

    default_title = "Request rejected"
    default_code = "request_rejected"


class ServiceNotFound(ApiError):
    """HTTP 501 (unknown service) or 404 (wrong URL, or a missing file to download)."""

    default_title = "Not found"
    default_code = "not_found"


class ServerError(ApiError):
    """Any other HTTP error status (5xx and unexpected 4xx)."""

    default_title = "Server error"
    default_code = "server_error"


class ApiUnavailable(SimotuiError):
    """The server could not be reached or did not answer: refused, DNS, TLS, timeout, dropped."""

    default_title = "Simotel unreachable"

    def __init__(self, message: str, *, code: str = "unreachable", title: str | None = None) -> None:
        super().__init__(message, title=title)
        self.code = code
        self.status: int | None = None


class ApiTimeout(ApiUnavailable):
    """The server did not answer in time. For an originate this means *unknown*, not *failed*."""

    default_title = "Simotel timed out"


class ResponseError(SimotuiError):
    """The server answered with something that is not a Simotel response (HTML, broken JSON...)."""

    default_title = "Unexpected response"

    def __init__(
        self, message: str, *, status: int | None = None, title: str | None = None, code: str = "bad_response"
    ) -> None:
        super().__init__(message, title=title)
        self.status = status
        self.code = code
        """``html`` (a web page), ``not_json``, ``too_large``, ``no_success`` or ``bad_response``."""


class RecordParseError(ResponseError):
    """One record of a well-formed response could not be parsed; names the record kind and field.

    Args:
        kind: the model being parsed, e.g. ``Cdr``.
        field: the dotted path of the offending field, e.g. ``route[2].date``.
        value: the offending value (kept short in the message).
    """

    default_title = "Unreadable record"

    def __init__(self, kind: str, field: str, value: Any, reason: str) -> None:
        shown = repr(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        super().__init__(f"{kind}: field {field!r} = {shown}: {reason}")
        self.kind = kind
        self.field = field
        self.value = value
        self.reason = reason


#: HTTP statuses Simotel documents as refusals (reference §1.4): the request was not processed.
#: 404 is documented too ("wrong URL": Apache's page, no JSON) but is left out on purpose: it is
#: the one refusal without Simotel's envelope, so a proxy or a misrouted balancer can send it after
#: the PBX acted. Reading the reports to learn "not placed" costs seconds; a wrong "failed" costs a
#: second call to a real phone.
DOCUMENTED_REFUSALS = frozenset({400, 401, 403, 405, 415, 501})
#: Transport failures that happen before a request leaves: the server never saw it.
NOT_SENT_CODES = frozenset({"refused", "tls", "connect_timeout", "unreachable", "read_only"})


def may_have_been_processed(error: BaseException) -> bool:
    """Whether the server may have acted on a request that ended in ``error``.

    Only Simotel's documented refusals (``success: 0`` with its message, or a documented 4xx)
    and failures before the request left say *not processed*. Anything else — a 5xx or a
    gateway's page, a truncated, non-JSON or ill-typed body, a timeout after sending, a dropped
    connection, an error of our own after the request went out — may hide a placed call.
    """
    if isinstance(error, OperationFailed | ReadOnlyRefused):
        return False
    if isinstance(error, ApiError):
        return error.status not in DOCUMENTED_REFUSALS
    if isinstance(error, ApiUnavailable):
        return error.code not in NOT_SENT_CODES
    return True


_GATEWAY_WORDS = {
    502: "bad gateway (502)",
    503: "PBX unavailable (503), restarting?",
    504: "gateway timeout (504)",
}
_UNAVAILABLE_WORDS = {
    "timeout": "no answer in time",
    "connect_timeout": "cannot connect (timed out)",
    "refused": "connection refused",
    "dropped": "connection dropped mid-answer",
    "tls": "TLS failed",
    "unreachable": "unreachable",
}
_RESPONSE_WORDS = {
    "html": "a web page, not an answer",
    "not_json": "unreadable answer (not JSON)",
    "too_large": "answer far too large",
    "no_success": "not a Simotel answer",
}


def fault_words(error: BaseException) -> str:
    """A few words naming the class of a failure, for the status line: each fault has its own."""
    if isinstance(error, RecordParseError):
        return "unreadable record"
    if isinstance(error, ResponseError):
        return _RESPONSE_WORDS.get(error.code, "unexpected answer")
    if isinstance(error, ApiUnavailable):
        return _UNAVAILABLE_WORDS.get(error.code, "unreachable")
    if isinstance(error, OperationFailed):
        return "refused by the PBX"
    if isinstance(error, AuthError):
        return "authentication failed"
    if isinstance(error, AccessDenied):
        return "access denied"
    if isinstance(error, ServiceNotFound):
        return "not found (404)" if error.status == 404 else "unknown service"
    if isinstance(error, RequestRejected):
        return f"request rejected ({error.status})"
    if isinstance(error, ApiError) and error.status is not None:
        return _GATEWAY_WORDS.get(error.status, f"server error ({error.status})")
    if isinstance(error, SimotuiError):
        return error.title.lower()
    return "internal error"
