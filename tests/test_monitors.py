"""Health monitors: tables of (stats, previous clean crawl, threshold) -> problem or none."""

from __future__ import annotations

import pytest

from jobcrawler.monitors import Thresholds, health_problems

T = Thresholds(close_min_ratio=0.5, max_drop_ratio=0.2, field_min_share=0.5)
CLEAN = {"finish_reason": "finished", "jobcrawler/store/seen": 100, "jobcrawler/store/items": 100,
         "jobcrawler/fields/date_posted": 100, "jobcrawler/fields/locations": 95}


@pytest.mark.parametrize(("stats", "previous", "expected"), [
    (CLEAN, None, []),
    (CLEAN, CLEAN, []),
    ({**CLEAN, "finish_reason": "shutdown"}, None, ["crawl ended early (shutdown)"]),
    ({**CLEAN, "spider_exceptions/KeyError": 2}, None, ["2 error(s) in the spider's callbacks"]),
    ({**CLEAN, "jobcrawler/errors/board_not_found": 1}, None, ["board not found (1)"]),
    ({**CLEAN, "jobcrawler/store/failed": 3}, None, ["3 item(s) could not be stored (spooled)"]),
    ({**CLEAN, "httpcache/ignore": 1}, None, ["1 request(s) had no fixture"]),
    ({**CLEAN, "jobcrawler/download_errors/TimeoutError": 2}, None,
     ["2 page(s) could not be downloaded"]),
    ({**CLEAN, "retry/max_reached": 1}, None, ["1 request(s) failed after all retries"]),
], ids=["clean", "clean-again", "early", "callbacks", "board", "store", "fixture", "download",
        "retries"])
def test_monitor_table(stats, previous, expected):
    assert health_problems(stats, previous, T) == expected


@pytest.mark.parametrize(("seen", "before", "ratio", "fires"), [
    (100, 100, 0.5, False), (50, 100, 0.5, False), (49, 100, 0.5, True), (0, 100, 0.5, True),
    (0, 0, 0.5, False), (80, 100, 0.9, True), (10, None, 0.5, False),
])
def test_too_few_ads(seen, before, ratio, fires):
    stats = {**CLEAN, "jobcrawler/store/seen": seen, "jobcrawler/store/items": seen}
    previous = None if before is None else {**CLEAN, "jobcrawler/store/seen": before}
    problems = health_problems(stats, previous, Thresholds(close_min_ratio=ratio))
    assert any("under" in p for p in problems) is fires


@pytest.mark.parametrize(("dropped", "items", "ratio", "fires"), [
    (0, 100, 0.2, False), (20, 80, 0.2, False), (21, 79, 0.2, True), (5, 3, 0.2, False),
    (30, 70, 0.5, False), (60, 40, 0.5, True),
])
def test_too_many_drops(dropped, items, ratio, fires):
    stats = {**CLEAN, "jobcrawler/dropped/no_job_content": dropped, "jobcrawler/store/items": items,
             "jobcrawler/fields/date_posted": items, "jobcrawler/fields/locations": items}
    problems = health_problems(stats, None, Thresholds(max_drop_ratio=ratio))
    assert any("dropped" in p for p in problems) is fires


@pytest.mark.parametrize(("before", "now", "min_share", "fires"), [
    (100, 100, 0.5, False), (100, 50, 0.5, False), (100, 49, 0.5, True), (100, 0, 0.5, True),
    (85, 0, 0.5, False),  # a field the site did not always have is not watched
    (100, 70, 0.8, True),
])
def test_shape_changed(before, now, min_share, fires):
    previous = {**CLEAN, "jobcrawler/fields/date_posted": before}
    stats = {**CLEAN, "jobcrawler/fields/date_posted": now}
    problems = health_problems(stats, previous, Thresholds(field_min_share=min_share))
    assert any("date_posted in" in p for p in problems) is fires


def test_thresholds_come_from_settings():
    from scrapy.settings import Settings

    t = Thresholds.from_settings(Settings({"JOBCRAWLER_MAX_DROP_RATIO": "0.05"}))
    assert t.max_drop_ratio == 0.05 and t.close_min_ratio == 0.5
