"""``HOST:PORT`` listen addresses, read the one way everything that listens reads them."""

from __future__ import annotations


def parse_listen(text: str, *, any_port: bool = False) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6) into its parts.

    Args:
        text: the address as written.
        any_port: also accept port 0 ("any free port": tests and the demo, never a profile,
            since Simotel must be told the port).

    Raises:
        ValueError: the text is not such an address (the message says why).
    """
    cleaned = text.strip()
    host, sep, port = cleaned.rpartition(":")
    if not sep or not host:
        raise ValueError(f"expected HOST:PORT, e.g. 0.0.0.0:8081, not {text!r}")
    if host.startswith("[") != host.endswith("]"):
        raise ValueError(f"an IPv6 host goes in brackets, e.g. [::1]:8081, not {text!r}")
    low = 0 if any_port else 1
    if not port.isascii() or not port.isdigit() or not low <= int(port) <= 65535:
        raise ValueError(f"the port must be {low}..65535, not {port!r}")
    return host.strip("[]"), int(port)
