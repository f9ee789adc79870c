"""Property tests of the normaliser: any JSON is either a model or one RecordParseError."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import jdatetime
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simotui.api.dates import format_jalali, parse_local_string, parse_pbx_time, pbx_zone
from simotui.api.groups import parse_cursor, parse_list, parse_page
from simotui.api.models import (
    Announcement,
    Campaign,
    CampaignCallInfo,
    CampaignReportRow,
    Cdr,
    OriginateResult,
    Queue,
    Trunk,
    TrunkManager,
    User,
)
from simotui.errors import RecordParseError

TEHRAN = pbx_zone("Asia/Tehran")
MODELS = [
    Cdr,
    Campaign,
    CampaignReportRow,
    CampaignCallInfo,
    TrunkManager,
    Announcement,
    User,
    Trunk,
    Queue,
    OriginateResult,
]
CDR_KEYS = [
    "_id",
    "start",
    "answer",
    "endtime",
    "route",
    "details",
    "billsec",
    "sequence",
    "disposition",
    "tries",
    "last_try",
    "cause",
    "cause-txt",
    "cdr_id",
    "active",
    "active_times",
    "numbers",
    "statistics",
    "campaign_id",
    "$date",
    "$oid",
    "date",
    "originated_call_id",
    "try",
    "capacity",
    "port",
    "queues",
    "duration",
    "type",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=24),
    st.sampled_from(
        [
            "1399-02-31 16:04:34",
            "2021-06-22 10:19:04",
            "1400-13-01",
            "",
            "yes",
            "True",
            "16",
            "orig.call.1.2",
            "9999-99-99",
            "0000-00-00 00:00:00",
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(CDR_KEYS), st.text(max_size=8)), inner, max_size=6),
    ),
    max_leaves=30,
)
records = st.dictionaries(st.sampled_from(CDR_KEYS), json_values, max_size=12)


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(records, json_values))
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_any_json_is_a_model_or_a_record_parse_error(model: Any, data: Any) -> None:
    try:
        model.from_api(data, TEHRAN)
    except RecordParseError as exc:
        assert exc.field and exc.kind


@settings(max_examples=200, deadline=None)
@given(data=json_values)
def test_any_page_is_a_page_or_a_record_parse_error(data: Any) -> None:
    for parse in (parse_page, parse_cursor, parse_list):
        try:
            parse("Cdr", data, Cdr.from_api, TEHRAN)
        except RecordParseError:
            pass


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 1, 1)),
    st.integers(0, 23),
    st.integers(0, 59),
    st.integers(0, 59),
)
def test_jalali_rendering_round_trips(day: Any, hour: int, minute: int, second: int) -> None:
    moment = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TEHRAN)
    assert parse_local_string(format_jalali(moment, TEHRAN), TEHRAN) == moment


def test_jalali_dates_invalid_in_gregorian_parse() -> None:
    # The 31st of Ordibehesht exists in Jalali only (reference §4.7 sample).
    parsed = parse_local_string("1399-02-31 16:04:34", TEHRAN)
    assert (parsed.year, parsed.month, parsed.day) == (2020, 5, 20)
    assert parsed.hour == 16 and parsed.utcoffset() is not None
    # Esfand 30 exists only in Jalali leap years: 1399 is one, 1400 is not.
    assert parse_local_string("1399-12-30", TEHRAN).date() == jdatetime.date(1399, 12, 30).togregorian()
    with pytest.raises(ValueError):
        parse_local_string("1400-12-30", TEHRAN)


def test_tehran_dst_is_applied_before_2023() -> None:
    summer_2021 = parse_local_string("1400-04-01 10:19:04", TEHRAN)  # answer 2021-06-22 10:19:04
    assert summer_2021.astimezone(UTC) == datetime(2021, 6, 22, 5, 49, 4, tzinfo=UTC)
    winter = parse_local_string("1401-09-11 09:57:53", TEHRAN)  # 2022-12-02, +03:30
    assert winter.astimezone(UTC) == datetime(2022, 12, 2, 6, 27, 53, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"$date": {"$numberLong": "1624340947977"}}, datetime(2021, 6, 22, 5, 49, 7, 977000, tzinfo=UTC)),
        ({"$date": 1624340947977}, datetime(2021, 6, 22, 5, 49, 7, 977000, tzinfo=UTC)),
        (1675683148.9228208, datetime.fromtimestamp(1675683148.9228208, tz=UTC)),
        ("2021-01-16T06:30:37Z", datetime(2021, 1, 16, 6, 30, 37, tzinfo=UTC)),
        ("", None),
        (None, None),
    ],
)
def test_every_date_form(value: Any, expected: datetime | None) -> None:
    assert parse_pbx_time(value, TEHRAN) == expected


def test_parse_error_names_the_field() -> None:
    with pytest.raises(RecordParseError) as caught:
        Cdr.from_api({"_id": "x", "route": [{"type": "Trunk", "date": {"$date": "soon"}}]}, TEHRAN)
    assert caught.value.field == "route[0].date"
    assert "route[0].date" in str(caught.value)
