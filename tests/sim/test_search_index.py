"""Indexed searches give exactly what the linear path gives: same page, same order, same total.

``query.find`` answers from field indexes, sorted views and windows on an indexed table; the
reference is ``filter_rows`` then ``sort_and_page`` over ``table.between``. Random searches
(seeded) are compared on the CDR, queue-detail and queue-stat tables, before and after rows
are added to tables whose indexes are already built (ties in time included).
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest

from simotui.sim import SimulatedPbx, build_pbx
from simotui.sim.models import CdrRecord
from simotui.sim.query import Page, filter_rows, find, sort_and_page
from simotui.sim.services.reports import (
    _CDR_FIELDS,
    _CDR_SORT,
    _QUEUE_REPORT_FIELDS,
    _QUEUE_STAT_FIELDS,
    _QUEUE_STAT_SORT,
    cdr_search,
)
from simotui.sim.tables import Table

from .helpers import frozen_config


def _linear(
    table: Table[Any],
    lo: float | None,
    hi: float | None,
    conds: dict[str, str],
    fields: Any,
    alike: bool,
    page: Page,
    keys: Any,
    natural: str,
) -> tuple[list[Any], int]:
    rows = filter_rows(table.between(lo, hi), conds, fields, alike)
    return sort_and_page(rows, page, keys, natural), len(rows)


def _needle(rng: random.Random, rows: list[Any], get: Any) -> str:
    value = None
    while not value:
        value = get(rng.choice(rows))
    text = str(value)
    choice = rng.random()
    if choice < 0.4:
        return text
    if choice < 0.8 and len(text) > 2:
        start = rng.randrange(len(text) - 1)
        return text[start : start + rng.randint(1, 4)]
    return text.upper() if rng.random() < 0.5 else "no-such-value"


def _random_search(
    rng: random.Random, table: Table[Any], fields: dict[str, Any], keys: dict[str, Any], natural: str
) -> tuple[Any, ...]:
    rows = list(table)
    times = sorted(table.time_of(r) for r in rows)
    lo: float | None = None
    hi: float | None = None
    shape = rng.random()
    if shape < 0.5:
        lo, hi = times[0] - 1, times[-1] + 1
    elif shape < 0.8:
        a, b = sorted(rng.sample(times, 2))
        lo, hi = a, b
    elif shape < 0.9:
        lo = rng.choice(times)
    else:
        hi = rng.choice(times)
    conds: dict[str, str] = {}
    for name in rng.sample(sorted(fields), rng.choice((0, 0, 1, 1, 2))):
        conds[name] = _needle(rng, rows, fields[name])
    alike = rng.random() < 0.6
    sort_names = [*sorted(keys), "no_such_field"]
    sorting: dict[str, int] = {}
    for name in rng.sample(sort_names, rng.choice((0, 1, 1, 1, 2))):
        sorting[name] = rng.choice((1, -1))
    page = Page(rng.choice((0, 0, 0, 3, 40, 250)), rng.choice((1, 20, 20, 50)), sorting or {natural: -1})
    return lo, hi, conds, fields, alike, page, keys, natural


def _compare(pbx: SimulatedPbx, rng: random.Random, searches: int) -> None:
    tables = (
        (pbx.cdrs, _CDR_FIELDS, _CDR_SORT),
        (pbx.queue_reports, _QUEUE_REPORT_FIELDS, _CDR_SORT),
        (pbx.queue_stats, _QUEUE_STAT_FIELDS, _QUEUE_STAT_SORT),
    )
    for table, fields, keys in tables:
        assert table.indexed
        for _ in range(searches):
            args = _random_search(rng, table, fields, keys, "starttime")
            indexed_rows, indexed_total = find(table, *args)
            linear_rows, linear_total = _linear(table, *args)
            assert indexed_total == linear_total, args
            assert [r.oid for r in indexed_rows] == [r.oid for r in linear_rows], args


def _add_rows(pbx: SimulatedPbx, rng: random.Random, count: int) -> None:
    """New CDRs copied from old ones: some at exactly an existing time, some at new ones."""
    existing = list(pbx.cdrs)
    for _ in range(count):
        template = rng.choice(existing)
        shift = 0.0 if rng.random() < 0.5 else rng.uniform(-3600, 3600)
        row: CdrRecord = replace(
            template,
            oid=pbx.new_oid(template.endtime + 1),
            starttime=template.starttime + shift,
            billsec=rng.choice((template.billsec, 0, 7)),
            src=rng.choice((template.src, "557", "09121230557")),
        )
        pbx.cdrs.add(row)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_indexed_searches_match_the_linear_path(seed: int) -> None:
    pbx = build_pbx(frozen_config(seed=seed, history=2500))
    rng = random.Random(f"index-test|{seed}")
    _compare(pbx, rng, 120)
    _add_rows(pbx, rng, 200)  # into indexes and sorted views built by the searches above
    _compare(pbx, rng, 120)


def test_a_cdr_search_answer_is_the_same_with_and_without_indexes() -> None:
    indexed = build_pbx(frozen_config(history=1500))
    plain = build_pbx(frozen_config(history=1500))
    plain.cdrs.indexed = False
    rng = random.Random("index-test|bodies")
    rows = list(indexed.cdrs)
    for _ in range(60):
        body: dict[str, Any] = {
            "conditions": {
                "from": _needle(rng, rows, lambda r: r.src) if rng.random() < 0.5 else "",
                "to": "",
            },
            "date_range": {"from": "2024-04-01 00:00", "to": "2024-05-21 00:00"},
            "pagination": {
                "start": rng.choice((0, 20)),
                "count": 20,
                "sorting": rng.choice(({}, {"billsec": -1}, {"duration": 1}, {"starttime": 1})),
            },
            "alike": rng.choice(("true", "false")),
        }
        assert cdr_search(indexed, body).data == cdr_search(plain, body).data
