"""Day figures over the simulator's whole history (thousands of rows, queues, trunks): equal to a
recomputation by hand from the server's own records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from simotui.api import CdrQuery, Pagination, SimotelClient
from simotui.api.models import Cdr
from simotui.calls.stats import day_stats, percent, session_stats, strip_text
from simotui.sim import SimulatorHandle
from tests.ui.test_stats import expected_day


async def test_day_stats_equal_the_servers_records(client: SimotelClient, sim: SimulatorHandle) -> None:
    now = datetime.fromtimestamp(sim.pbx.clock.now(), UTC)
    query = CdrQuery(date_from=now - timedelta(days=60), date_to=now)
    rows: list[Cdr] = []
    while True:
        page = await client.reports.cdr_search(query, Pagination(len(rows), 500, {"starttime": 1}))
        rows.extend(page.records)
        if not page.records or len(rows) >= page.total:
            break
    ids = {cdr.id for cdr in rows}
    records = [r for r in sim.pbx.cdrs if r.oid in ids]
    assert len(records) == len(rows) > 500
    stats = day_stats(rows, now)
    expected = expected_day(records)
    overall = stats.overall
    assert (overall.total, overall.answered, overall.talk, overall.wait) == (
        expected["total"],
        expected["answered"],
        expected["talk"],
        expected["wait"],
    )
    assert dict(stats.dispositions) == expected["outcomes"]
    assert {name: f.total for name, f in stats.per_trunk.items()} == expected["trunks"]
    assert len(stats.answered_per_minute) == 60


def test_empty_figures_say_dash() -> None:
    stats = session_stats([], datetime(2026, 1, 1, tzinfo=UTC))
    assert percent(stats.placed.answer_rate) == "—"
    assert strip_text(stats) == "placed 0 · answered — · talk — · wait —"
