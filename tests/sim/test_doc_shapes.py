"""Each documented request to an implemented endpoint gets a response of the documented shape."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from simotui.sim.services import resolve

from .helpers import DOC_SAMPLES, load_sample, shape_problems


def _samples() -> tuple[list[str], list[str]]:
    implemented: list[str] = []
    skipped: list[str] = []
    for file in sorted(DOC_SAMPLES.glob("*.json")):
        if file.name.startswith("event-"):
            continue
        sample = json.loads(file.read_text(encoding="utf-8"))
        path = str(sample["path"])
        target = implemented if resolve(path.removeprefix("/api/v4/")) is not None else skipped
        target.append(file.name)
    return implemented, skipped


IMPLEMENTED, SKIPPED = _samples()

#: Documented endpoints the simulator does not implement (reported as not covered).
NOT_IMPLEMENTED_PATHS = {
    "/api/v4/autodialer/announcements/add",
    "/api/v4/autodialer/announcements/remove",
    "/api/v4/autodialer/announcements/update",
    "/api/v4/autodialer/announcements/upload",
    "/api/v4/autodialer/contacts/add",
    "/api/v4/autodialer/contacts/remove",
    "/api/v4/autodialer/contacts/search",
    "/api/v4/autodialer/contacts/update",
    "/api/v4/autodialer/groups/add",
    "/api/v4/autodialer/groups/remove",
    "/api/v4/autodialer/groups/update",
    "/api/v4/autodialer/groups/upload",
    "/api/v4/pbx/announcements/add",
    "/api/v4/pbx/announcements/remove",
    "/api/v4/pbx/announcements/search",
    "/api/v4/pbx/announcements/update",
    "/api/v4/pbx/announcements/upload",
    "/api/v4/pbx/blacklists/add",
    "/api/v4/pbx/blacklists/remove",
    "/api/v4/pbx/blacklists/search",
    "/api/v4/pbx/blacklists/update",
    "/api/v4/pbx/faxes/add",
    "/api/v4/pbx/faxes/search",
    "/api/v4/pbx/faxes/upload",
    "/api/v4/pbx/musiconholds/search",
    "/api/v4/pbx/queues/add",
    "/api/v4/pbx/queues/addagent",
    "/api/v4/pbx/queues/batchaddagent",
    "/api/v4/pbx/queues/batchpauseagent",
    "/api/v4/pbx/queues/batchremoveagent",
    "/api/v4/pbx/queues/batchresumeagent",
    "/api/v4/pbx/queues/pauseagent",
    "/api/v4/pbx/queues/remove",
    "/api/v4/pbx/queues/removeagent",
    "/api/v4/pbx/queues/resumeagent",
    "/api/v4/pbx/queues/update",
    "/api/v4/pbx/trunks/add",
    "/api/v4/pbx/trunks/remove",
    "/api/v4/pbx/trunks/update",
    "/api/v4/pbx/users/add",
    "/api/v4/pbx/users/remove",
    "/api/v4/pbx/users/update",
    "/api/v4/pbx/whitelists/add",
    "/api/v4/pbx/whitelists/remove",
    "/api/v4/pbx/whitelists/search",
    "/api/v4/pbx/whitelists/update",
    "/api/v4/reports/queue/ordered/id",
    "/api/v4/reports/queue_details/ordered/id",
    "/api/v4/voicemails/inbox/search",
    "/api/v4/voicemails/voicemails/add",
    "/api/v4/voicemails/voicemails/remove",
    "/api/v4/voicemails/voicemails/search",
    "/api/v4/voicemails/voicemails/update",
}


def test_the_not_implemented_list_is_exact() -> None:
    """Adding or dropping an endpoint must update the documented list of gaps."""
    skipped_paths = {load_sample(name)["path"] for name in SKIPPED}
    assert skipped_paths == NOT_IMPLEMENTED_PATHS


@pytest.mark.parametrize("name", IMPLEMENTED)
def test_documented_request_gets_documented_shape(name: str, client: httpx.Client) -> None:
    """Send the documented request (documented method) and compare keys and JSON types."""
    sample = load_sample(name)
    response = client.request(sample["method"], sample["path"], json=sample["request"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    documented = sample["response"]
    assert body["success"] == documented["success"] == 1, body
    problems = shape_problems(documented, body)
    assert not problems, f"{name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", [n for n in IMPLEMENTED if Path(n).stem.startswith(("sa-", "ad-"))])
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
