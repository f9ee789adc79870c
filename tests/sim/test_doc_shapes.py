"""Every documented request in the samples gets its documented answer: status, keys and JSON types.

Each sample is sent as documented (its method, its JSON body; an upload as multipart with one
``file`` part) to a fresh simulator (``doc_coverage``); the other language tabs' paths and
methods are sent to the shared loopback server. ``python -m tests.sim.doc_coverage`` prints
the same tally by hand.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from simotui.sim.services import resolve

from .doc_coverage import PRECONDITIONS, answer, answer_all, load, sample_names
from .helpers import load_sample

SAMPLES = sample_names()


def test_every_documented_service_is_served() -> None:
    """No documented path falls through to 501."""
    missing = {
        load(name)["path"] for name in SAMPLES if resolve(load(name)["path"][len("/api/v4/") :]) is None
    }
    assert not missing


@pytest.mark.parametrize("name", SAMPLES)
async def test_documented_request_gets_documented_answer(name: str) -> None:
    """The documented request, sent as documented, gets HTTP 200 and the documented shape."""
    outcome = await answer(name)
    assert outcome.documented, f"{name}: HTTP {outcome.status}:\n" + "\n".join(outcome.problems)


async def test_all_documented_requests_are_answered_as_documented() -> None:
    """The tally: 86 of 86 (print it with ``-s``); only four need a record moved out of the way."""
    outcomes = await answer_all()
    good = sum(o.documented for o in outcomes)
    print(f"\n{good} of {len(outcomes)} documented requests get the documented answer")
    assert (good, len(outcomes)) == (86, 86)
    assert len(PRECONDITIONS) == 4


@pytest.mark.parametrize("name", [n for n in SAMPLES if Path(n).stem.startswith(("sa-", "ad-"))])
def test_documented_path_variants_are_accepted(name: str, client: httpx.Client) -> None:
    """The other language tabs' paths and methods (aliases, PUT ping) work too."""
    sample = load_sample(name)
    for path in dict(sample.get("path_variants", {})).values():
        response = client.post(str(path), json=sample["request"])
        assert response.status_code == 200 and response.json()["success"] == 1, (
            path,
            response.text,
        )
    for method in dict(sample.get("method_variants", {})).values():
        response = client.request(str(method), sample["path"], json=sample["request"])
        assert response.status_code == 200 and response.json()["success"] == 1, (
            method,
            response.text,
        )
