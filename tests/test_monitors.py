"""Health checks: tables of (stats, previous clean crawl, threshold) -> problem or none."""

from __future__ import annotations

import pytest

from jobcrawler.monitors import CHECKS, health_problems

T = {"JOBCRAWLER_CLOSE_MIN_RATIO": 0.5, "JOBCRAWLER_MAX_DROP_RATIO": 0.2,
     "JOBCRAWLER_FIELD_MIN_SHARE": 0.5, "JOBCRAWLER_MAX_FAILED_SHARE": 0.2}
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
    # an ad page that could not be downloaded is the ad's problem (its ad stays open), not the
    # site's, until too many of them fail (failed ads below)
    ({**CLEAN, "jobcrawler/download_errors/TimeoutError": 2}, None, []),
    ({**CLEAN, "retry/max_reached": 1}, None, []),
    ({**CLEAN, "jobcrawler/errors/listing_failed": 1}, None, ["listing failed (1)"]),
    # Scrapy counts a callback error twice: spider_exceptions/count and spider_exceptions/<Name>
    ({**CLEAN, "spider_exceptions/count": 1, "spider_exceptions/RecursionError": 1}, None,
     ["1 error(s) in the spider's callbacks"]),
    ({**CLEAN, "depth/request_ignored_count": 3}, None,
     ["listing cut at DEPTH_LIMIT: 3 request(s) not made"]),
    ({**CLEAN, "jobcrawler/store/lost": 5}, None,
     ["5 item(s) LOST: they could not be stored nor spooled"]),
    ({**CLEAN, "finish_reason": "closespider_pagecount"}, None,
     ["page budget (JOBCRAWLER_SITE_MAX_PAGES) reached"]),
    ({**CLEAN, "finish_reason": "closespider_timeout"}, None,
     ["time budget (JOBCRAWLER_SITE_MAX_SECONDS) reached"]),
], ids=["clean", "clean-again", "early", "callbacks", "board", "store", "fixture", "download",
        "retries", "listing", "callback-once", "depth", "lost", "page-budget", "time-budget"])
def test_monitor_table(stats, previous, expected):
    assert health_problems(stats, previous, T) == expected


@pytest.mark.parametrize(("seen", "before", "ratio", "fires"), [
    (100, 100, 0.5, False), (50, 100, 0.5, False), (49, 100, 0.5, True), (0, 100, 0.5, True),
    (0, 0, 0.5, False), (80, 100, 0.9, True), (10, None, 0.5, False),
])
def test_too_few_ads(seen, before, ratio, fires):
    stats = {**CLEAN, "jobcrawler/store/seen": seen, "jobcrawler/store/items": seen}
    previous = None if before is None else {**CLEAN, "jobcrawler/store/seen": before}
    problems = health_problems(stats, previous, {**T, "JOBCRAWLER_CLOSE_MIN_RATIO": ratio})
    assert any("under" in p for p in problems) is fires


@pytest.mark.parametrize(("dropped", "items", "ratio", "fires"), [
    (0, 100, 0.2, False), (20, 80, 0.2, False), (21, 79, 0.2, True), (5, 3, 0.2, False),
    (30, 70, 0.5, False), (60, 40, 0.5, True),
])
def test_too_many_drops(dropped, items, ratio, fires):
    stats = {**CLEAN, "jobcrawler/dropped/no_job_content": dropped, "jobcrawler/store/items": items,
             "jobcrawler/fields/date_posted": items, "jobcrawler/fields/locations": items}
    problems = health_problems(stats, None, {**T, "JOBCRAWLER_MAX_DROP_RATIO": ratio})
    assert any("dropped" in p for p in problems) is fires


@pytest.mark.parametrize(("before", "now", "min_share", "fires"), [
    (100, 100, 0.5, False), (100, 50, 0.5, False), (100, 49, 0.5, True), (100, 0, 0.5, True),
    (85, 0, 0.5, False),  # a field the site did not always have is not watched
    (100, 70, 0.8, True),
])
def test_shape_changed(before, now, min_share, fires):
    previous = {**CLEAN, "jobcrawler/fields/date_posted": before}
    stats = {**CLEAN, "jobcrawler/fields/date_posted": now}
    problems = health_problems(stats, previous, {**T, "JOBCRAWLER_FIELD_MIN_SHARE": min_share})
    assert any("date_posted in" in p for p in problems) is fires


@pytest.mark.parametrize(("failed", "listed", "share", "fires"), [
    (0, 12, 0.2, False), (2, 12, 0.2, False), (3, 12, 0.2, True), (4, 12, 0.34, False),
    (5, 12, 0.34, True), (1, 1, 0.2, True), (1, 0, 0.2, True),  # a failed ad with no listing count
])
def test_failed_ads(failed, listed, share, fires):
    stats = {**CLEAN, "jobcrawler/ads/failed": failed, "jobcrawler/ads/listed": listed}
    problems = health_problems(stats, None, {**T, "JOBCRAWLER_MAX_FAILED_SHARE": share})
    assert any("could not be fetched or stored" in p for p in problems) is fires


def test_thresholds_come_from_settings():
    from scrapy.settings import Settings

    drops = next(c for c in CHECKS if c.name == "too many drops")
    assert drops.threshold(Settings({"JOBCRAWLER_MAX_DROP_RATIO": "0.05"})) == 0.05
    assert drops.threshold(Settings()) == 0.2
    ratio = next(c for c in CHECKS if c.name == "too few ads")
    assert ratio.threshold(Settings({"JOBCRAWLER_MAX_DROP_RATIO": "0.05"})) == 0.5


def test_every_threshold_setting_is_a_documented_setting():
    from scrapy.settings import Settings

    project = Settings()
    project.setmodule("jobcrawler.settings")
    for check in CHECKS:
        if check.setting:
            assert project.getfloat(check.setting) == check.default, check.name
