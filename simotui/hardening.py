"""The checks every listener simotui opens to the network makes: the bridge responder, the event receiver.

No server imports: each check takes the plain facts of a request (the connection's address,
its headers, its body as it streams in), so the responder and the receiver share one copy.

In order, a request is refused:

1. when its address is not on the IP allow-list (403) — the connection's address, or, only when
   the connection comes from a trusted proxy, the right-most ``X-Forwarded-For`` hop that is not
   one (uvicorn's own proxy-header rewriting must be off);
2. when Basic auth is required and its credentials are wrong (401), compared in constant time;
3. when its body is larger than ``max_body`` bytes (413), judged by ``Content-Length`` first
   and by what actually arrives;
4. (the caller's part) when its JSON nests deeper than ``MAX_DEPTH`` (:func:`json_depth`).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simotui.secret import Secret

REFUSED_IP = "IP not allowed"
REFUSED_AUTH = "authentication failed"
REFUSED_UNREADABLE = "request body could not be read"
REFUSED_TOO_LARGE = "request body too large"
MAX_BODY = 16 * 1024
MAX_DEPTH = 8

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Sequence[str]) -> list[Network]:
    """Addresses or CIDR networks; a malformed entry raises ``ValueError`` (never admits nobody silently)."""
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries]


def in_networks(address: str, networks: Sequence[Network]) -> bool:
    """Whether ``address`` is in any of ``networks`` (False for a malformed address)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def peer_address(direct: str, forwarded_for: str | None, trusted: Sequence[Network]) -> str:
    """The address a request came from: the connection's, or — only when the connection is from a
    trusted proxy — the right-most address in ``X-Forwarded-For`` that is not a trusted proxy."""
    if not forwarded_for or not trusted or not in_networks(direct, trusted):
        return direct
    for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
        if hop and not in_networks(hop, trusted):
            return hop
    return direct


def basic_ok(header: str | None, expected: bytes) -> bool:
    """Whether an ``Authorization`` header carries exactly ``user:password`` (constant time)."""
    if not header:
        return False
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "basic" or not token:
        return False
    try:
        decoded = base64.b64decode(token.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(decoded, expected)


def json_depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deep a parsed JSON value nests (stops counting past ``limit``)."""
    if limit < 0 or not isinstance(value, dict | list):
        return 0
    items = value.values() if isinstance(value, dict) else value
    return 1 + max((json_depth(item, limit - 1) for item in items), default=0)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request was refused, and the HTTP status it gets."""

    reason: str
    status: int
    peer: str

    @property
    def headers(self) -> dict[str, str]:
        """Headers the refusal's answer carries (a 401 names its scheme)."""
        return {"WWW-Authenticate": 'Basic realm="simotui"'} if self.status == 401 else {}


class Guard:
    """One listener's allow-list, proxies and credentials; checks requests against them."""

    def __init__(
        self,
        *,
        username: str = "",
        password: Secret | None = None,
        allowed_ips: Sequence[str] = (),
        trusted_proxies: Sequence[str] = (),
        max_body: int = MAX_BODY,
    ) -> None:
        """Basic auth is required when a username or password is set; an empty allow-list allows all.

        Raises:
            ValueError: an allow-list or proxy entry is not an address or network.
        """
        self.networks = parse_networks(allowed_ips)
        self.trusted = parse_networks(trusted_proxies)
        secret = password.reveal() if password is not None else ""
        self.need_auth = bool(username or secret)
        self._expected = f"{username}:{secret}".encode()
        self.max_body = max_body

    def peer(self, direct: str, headers: Mapping[str, str]) -> str:
        """The address the request is judged by."""
        return peer_address(direct, headers.get("x-forwarded-for"), self.trusted)

    def admit(self, direct: str, headers: Mapping[str, str]) -> Refusal | None:
        """Checks 1-2 and the declared length of check 3; None when the request may be read."""
        client = self.peer(direct, headers)
        if self.networks and not in_networks(client, self.networks):
            return Refusal(REFUSED_IP, 403, client)
        if self.need_auth and not basic_ok(headers.get("authorization"), self._expected):
            return Refusal(REFUSED_AUTH, 401, client)
        length = headers.get("content-length", "")
        if length.isascii() and length.isdigit() and int(length) > self.max_body:
            return Refusal(REFUSED_TOO_LARGE, 413, client)
        return None

    async def read(self, chunks: AsyncIterator[bytes]) -> bytes | None:
        """The body as it streams in; None as soon as it passes ``max_body`` (check 3)."""
        raw = bytearray()
        async for chunk in chunks:
            raw += chunk
            if len(raw) > self.max_body:
                return None
        return bytes(raw)
