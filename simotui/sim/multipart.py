"""Reading the ``file`` part of a ``multipart/form-data`` upload with the standard library.

Starlette's form parser needs ``python-multipart``; the simulator takes only what §1.1
documents (one part named ``file``), which ``email``'s MIME parser reads well enough.
"""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

from simotui.sim.services.common import Upload


def is_multipart(content_type: str | None) -> bool:
    """Whether the request declares ``multipart/form-data``."""
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() == "multipart/form-data"


def file_part(content_type: str, raw: bytes) -> Upload | None:
    """The part named ``file``, or ``None`` when there is none.

    Raises:
        ValueError: the body is not multipart (no boundary, no parts).
    """
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + raw)
    if not message.is_multipart():
        raise ValueError("not a multipart body")
    parts = list(message.iter_parts())
    if not parts:
        raise ValueError("no parts")
    for part in parts:
        if part.get_param("name", header="content-disposition") != "file":
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        return Upload(part.get_filename() or "", content, part.get_content_type())
    return None
