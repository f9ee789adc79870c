"""End-to-end over loopback HTTP: originate, find the CDR, tail the cursor, paginate and filter."""

from __future__ import annotations

from typing import Any

import httpx

from simotui.sim import SimulatorHandle
from simotui.sim.dates import gregorian

from .helpers import TEHRAN


def post(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST and return the envelope, asserting success."""
    response = client.post(f"/api/v4/{path}", json=body)
    assert response.status_code == 200, response.text
    envelope: dict[str, Any] = response.json()
    assert envelope["success"] == 1, envelope
    return envelope


def around(sim: SimulatorHandle, before: float, after: float) -> dict[str, str]:
    """A Gregorian PBX-local ``date_range`` around the simulator's now."""
    now = sim.pbx.clock.now()
    return {"from": gregorian(now - before, TEHRAN)[:16], "to": gregorian(now + after, TEHRAN)[:16]}


def test_originate_then_find_the_cdr(sim: SimulatorHandle, client: httpx.Client) -> None:
    """The §9 recipe: search by date range and from/to, match ``originated_call_id``."""
    body = {
        "caller": "557",
        "callee": "552",
        "context": "main_routing",
        "caller_id": "557",
        "timeout": "30",
        "call_limit": "30",
    }
    call_id = post(client, "call/originate/act", body)["data"]["originated_call_id"]
    window = around(sim, 120, 600)
    search = {
        "conditions": {"from": "557", "to": "552", "cuid": ""},
        "date_range": window,
        "pagination": {"start": 0, "count": 20, "sorting": {}},
        "alike": "false",
    }
    assert [
        r
        for r in post(client, "reports/cdr/search", search)["data"]["data"]
        if r.get("originated_call_id") == call_id
    ] == []
    sim.pbx.advance(120)
    data = post(client, "reports/cdr/search", search)["data"]
    [row] = [r for r in data["data"] if r.get("originated_call_id") == call_id]
    assert row["comment"] == f"originated call: {call_id}" and row["disposition"] == "ANSWERED"
    assert data["pagination"]["sorting"] == {"starttime": -1} and data["target"] == "cdr"
    by_cuid = {
        "conditions": {"from": "", "to": "", "cuid": row["cuid"]},
        "date_range": {},
        "pagination": {"start": 0, "count": 20, "sorting": {}},
        "alike": "true",
    }
    quick = post(client, "reports/quick/search", by_cuid)
    assert [r["_id"] for r in quick["data"]["data"]] == [row["_id"]]
    assert "target" not in quick["data"] and isinstance(quick["data"]["data"][0]["endtime"], str)


def test_ordered_cursor_tails_to_the_end(sim: SimulatorHandle, client: httpx.Client) -> None:
    """Ascending ``_id``, 20 per page, end of stream is ``[]`` with the same ``last_id``."""
    seen: list[str] = []
    last = ""
    while True:
        data = post(client, "reports/cdr/ordered/id", {"_id": last})["data"]
        ids = [r["_id"] for r in data["data"]]
        assert len(ids) <= 20
        if not ids:
            assert data["last_id"] == last
            break
        assert data["last_id"] == ids[-1]
        seen += ids
        last = data["last_id"]
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == len(sim.pbx.cdrs)
    # New rows show up after the last id.
    post(
        client,
        "call/originate/act",
        {"caller": "553", "callee": "554", "context": "main_routing", "caller_id": "553"},
    )
    sim.pbx.advance(120)
    fresh = post(client, "reports/cdr/ordered/id", {"_id": last})["data"]
    assert len(fresh["data"]) == 1 and fresh["data"][0]["src"] == "553"


def test_pagination_sorting_and_alike(sim: SimulatorHandle, client: httpx.Client) -> None:
    """start/count/total echo, a custom sort, alike substring vs exact match."""
    window = around(sim, 31 * 86400, 3600)
    base = {"conditions": {"from": "", "to": "", "cuid": ""}, "date_range": window, "alike": "true"}
    first = post(
        client,
        "reports/cdr/search",
        {**base, "pagination": {"start": 0, "count": 5, "sorting": {}}},
    )["data"]
    second = post(
        client,
        "reports/cdr/search",
        {**base, "pagination": {"start": 5, "count": 5, "sorting": {}}},
    )["data"]
    assert (
        first["pagination"]["count"] == 5
        and first["pagination"]["total"] == second["pagination"]["total"] > 10
    )
    assert not {r["_id"] for r in first["data"]} & {r["_id"] for r in second["data"]}
    by_billsec = post(
        client,
        "reports/cdr/search",
        {**base, "pagination": {"start": 0, "count": 10, "sorting": {"billsec": -1}}},
    )["data"]
    values = [r["billsec"] for r in by_billsec["data"]]
    assert values == sorted(values, reverse=True) and by_billsec["pagination"]["sorting"] == {"billsec": -1}
    for alike in (True, "true", 1, "1", "yes"):
        users = post(
            client,
            "pbx/users/search",
            {
                "status": "all",
                "alike": alike,
                "conditions": {"name": "sara", "number": "", "mapped": ""},
            },
        )["data"]
        assert [u["number"] for u in users] == ["552"]
    exact = post(client, "pbx/users/search", {"alike": "false", "conditions": {"name": "sara"}})["data"]
    assert exact == []
    everyone = post(client, "pbx/users/search", {"alike": "false", "conditions": ""})["data"]
    assert {"552", "557", "100", "101"} <= {u["number"] for u in everyone}
    assert all(u["secret"] == "******" for u in everyone)
    mapped = post(client, "pbx/users/search", {"status": "mapped", "alike": True, "conditions": {}})["data"]
    assert mapped and len(mapped) < len(everyone)
    trunks = post(client, "pbx/trunks/search", {"alike": "true", "conditions": {"name": ""}})["data"]
    assert {"Cisco", "Center", "trunk_name_new"} <= {t["name"] for t in trunks}
    assert all("secret=" in t["more_options"] and "******" not in t["more_options"] for t in trunks)


def test_jalali_date_range_is_accepted(client: httpx.Client) -> None:
    """Leniency: a Jalali ``date_range`` (year < 1700) selects what its Gregorian twin does."""
    body = {
        "conditions": {"from": "562", "to": "", "cuid": ""},
        "pagination": {"start": 0, "count": 20, "sorting": {}},
        "alike": "true",
    }
    gregorian_hits = post(
        client,
        "reports/cdr/search",
        {**body, "date_range": {"from": "2021-06-22 10:00", "to": "2021-06-22 11:00:00"}},
    )
    jalali_hits = post(
        client,
        "reports/cdr/search",
        {**body, "date_range": {"from": "1400-04-01 10:00", "to": "1400-04-01 11:00"}},
    )
    assert gregorian_hits["data"]["data"] == jalali_hits["data"]["data"]
    assert [r["cuid"] for r in jalali_hits["data"]["data"]] == ["1624340875.75933"]
