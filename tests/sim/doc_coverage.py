"""Send every documented request (``tests/fixtures/doc_samples``) to a fresh simulator, as documented.

Each sample goes to its own freshly built PBX (in-process, no socket), so the answers do not
depend on the order: a documented ``remove`` does not spoil the documented ``search`` after it.
Four samples contradict the state other samples document (the search examples show the very
records these add or rename to), so they are sent after the one request that makes room,
listed in ``PRECONDITIONS``.
Uploads go as ``multipart/form-data`` with one part named ``file`` (§1.1); every other request
as its documented JSON body with its documented method. An answer is *as documented* when its
HTTP status is 200 and its JSON has the documented keys and JSON types (``shape_problems``).

``.venv/bin/python -m tests.sim.doc_coverage`` prints the tally and the failures.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from simotui.sim import RequestLog, SimSettings, build_pbx, create_app

from .helpers import AUTH, DOC_SAMPLES, KEY_HEADER, frozen_config, shape_problems

#: Bytes sent for each documented upload, by the extension of the documented file name.
UPLOAD_CONTENT = {
    ".csv": (b"09151234567\n09151234568\n09151234569\n", "text/csv"),
    ".mp3": (b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64, "audio/mpeg"),
}
DEFAULT_UPLOAD = (b"II*\x00" + b"\x00" * 60, "application/octet-stream")

#: Requests sent before a sample whose documented success needs a record out of the way.
PRECONDITIONS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    # trunks_search documents trunk_name_new, the name trunks_add adds and trunks_edit renames to.
    "sa-trunks_add.json": [("/api/v4/pbx/trunks/remove", {"_id": "603b7ff482f9b45dfc5429f9"})],
    "sa-trunks_edit.json": [("/api/v4/pbx/trunks/remove", {"_id": "603b7ff482f9b45dfc5429f9"})],
    # queues_search documents queue 9009, the number queues_add adds.
    "sa-queues_add.json": [("/api/v4/pbx/queues/remove", {"_id": "603c8d9ffc909f2e766d40d3"})],
    # voicemail_search documents box 999999, the number voicemail_edit gives another box.
    "sa-voicemail_edit.json": [("/api/v4/voicemails/voicemails/remove", {"_id": "64b7f79011294d248a477216"})],
}


def sample_names() -> list[str]:
    """Every documented request's sample file (webhook payloads are not requests)."""
    return [f.name for f in sorted(DOC_SAMPLES.glob("*.json")) if not f.name.startswith("event-")]


def load(name: str) -> dict[str, Any]:
    """One sample file."""
    data: dict[str, Any] = json.loads((DOC_SAMPLES / name).read_text(encoding="utf-8"))
    return data


def upload_file(sample: dict[str, Any]) -> tuple[str, bytes, str]:
    """(file name, content, content type) of a documented upload's ``file`` part."""
    documented = str(sample["request_multipart"]["file"])
    name = Path(documented.replace("\\", "/")).name or "upload.bin"
    if "." not in name:
        name += ".tiff" if "fax" in sample["path"] else ".wav"
    content, media = UPLOAD_CONTENT.get(Path(name).suffix.lower(), DEFAULT_UPLOAD)
    return name, content, media


@dataclass(frozen=True)
class Outcome:
    """How one documented request was answered."""

    name: str
    status: int
    problems: tuple[str, ...]

    @property
    def documented(self) -> bool:
        """Answered with status 200 and the documented shape."""
        return self.status == 200 and not self.problems


async def send(client: httpx.AsyncClient, sample: dict[str, Any]) -> httpx.Response:
    """Send the documented request: multipart for uploads, else its JSON body."""
    if sample.get("request_content_type") == "multipart/form-data":
        return await client.request(
            sample["method"], sample["path"], files={"file": upload_file(sample)}, headers=KEY_HEADER
        )
    return await client.request(sample["method"], sample["path"], json=sample["request"], headers=KEY_HEADER)


async def answer(name: str) -> Outcome:
    """Send sample ``name`` to a fresh simulator and judge the answer."""
    sample = load(name)
    app = create_app(build_pbx(frozen_config()), SimSettings(), RequestLog())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://simotel.test", auth=AUTH) as client:
        for path, body in PRECONDITIONS.get(name, []):
            made_room = await client.post(path, json=body, headers=KEY_HEADER)
            assert made_room.json()["success"] == 1, (name, path, made_room.text)
        response = await send(client, sample)
    try:
        body = response.json()
    except ValueError:
        return Outcome(name, response.status_code, (f"not JSON: {response.text[:80]!r}",))
    problems = shape_problems(sample["response"], body)
    if isinstance(body, dict) and body.get("success") != sample["response"].get("success"):
        problems.insert(0, f"success {body.get('success')!r}: {body.get('message')!r}")
    return Outcome(name, response.status_code, tuple(problems))


async def answer_all() -> list[Outcome]:
    """Every documented request, each on its own fresh simulator."""
    return [await answer(name) for name in sample_names()]


def main() -> None:
    """Print how many documented requests get the documented answer, and what the others got."""
    outcomes = asyncio.run(answer_all())
    good = [o for o in outcomes if o.documented]
    refused = Counter(o.status for o in outcomes if not o.documented)
    print(f"{len(good)} of {len(outcomes)} documented requests get the documented answer")
    if refused:
        print("the others: " + ", ".join(f"{n} x HTTP {s}" for s, n in sorted(refused.items())))
    for o in outcomes:
        if not o.documented:
            print(f"  {o.name}: HTTP {o.status}: {'; '.join(o.problems)[:160]}")


if __name__ == "__main__":
    main()
