"""The one reader of ISO 8601 timestamps (jobcrawler.timestamps.utc_time) and the readers that are
it: an item's crawl time (normalisation, the feed record), the incremental middleware's
``changed_at``, the known ads' fetch time; and the one that differs on purpose (the spiders'
``changed_time``: a bare date is its day's last second)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from jobcrawler.normalize.dates import parse_datetime_utc
from jobcrawler.spiders.base import changed_time
from jobcrawler.storage.records import item_record
from jobcrawler.timestamps import utc_time

T = datetime(2026, 11, 25, 20, 5, tzinfo=UTC)

CASES: list[tuple[Any, datetime | None]] = [  # (value, utc_time(value))
    ("2026-11-25T20:05:00+00:00", T),  # what new_item writes
    ("2026-11-25T20:05:00Z", T),
    ("2026-11-25T20:05:00", T),  # no offset: UTC
    ("2026-11-25T21:05:00+01:00", T),  # converted to UTC
    ("2026-11-25T20:05:00.000+00:00", T),
    ("2026-11-25 20:05:00+00:00", T),
    ("  2026-11-25T20:05:00Z\n", T),
    ("2026-11-25", datetime(2026, 11, 25, tzinfo=UTC)),
    ("20261125T200500Z", T),  # basic format (Python 3.11)
    ("", None), ("   ", None), ("yesterday", None), ("25/11/2026", None), ("2026-13-01", None),
    (None, None), (1764101100, None), (T, None),  # not text: None, not an error
]


@pytest.mark.parametrize(("value", "expected"), CASES, ids=[repr(c[0]) for c in CASES])
def test_utc_time(value: Any, expected: datetime | None) -> None:
    moment = utc_time(value)
    assert moment == expected
    if moment is not None:
        assert moment.tzinfo is UTC


@pytest.mark.parametrize(("value", "expected"), CASES, ids=[repr(c[0]) for c in CASES])
def test_the_crawl_time_of_an_item_is_read_by_it(value: Any, expected: datetime | None) -> None:
    if isinstance(value, str) or value is None:
        assert parse_datetime_utc(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-11-25", datetime(2026, 11, 25, 23, 59, 59, tzinfo=UTC)),  # the day's last second
    ("2026-11-25T20:05:00Z", T),
    ("2026-11-25T21:05:00+01:00", T),
    (" 2026-11-25 ", datetime(2026, 11, 25, 23, 59, 59, tzinfo=UTC)),
    ("", None), (None, None), ("gisteren", None),
])
def test_changed_time_differs_on_purpose_for_a_bare_date(value: Any, expected: datetime | None) -> None:
    assert changed_time(value) == expected


def test_a_feed_records_last_seen_from_the_crawl_time_in_utc() -> None:
    item = {"source": "s", "source_id": "1", "url": "https://x.be/job/1", "title": "Lasser",
            "crawled_at": "2026-11-25T21:05:00+01:00"}
    assert item_record(item)["last_seen"] == "2026-11-25T20:05:00Z"
    assert item_record({**item, "crawled_at": "not a time"})["last_seen"] is None
