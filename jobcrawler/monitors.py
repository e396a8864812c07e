"""Health of one site's crawl, decided at its end: spidermon-style threshold checks over stats.

Each monitor reads stats (this crawl's and, where it compares, the last clean crawl's) and a
threshold from settings, and gives a problem or nothing. A crawl with any problem is not clean:
it closes no ads, its site is reported failed, and the run's exit status says so.

| monitor | stat(s) | setting |
|---|---|---|
| ended early | ``finish_reason`` | |
| spider errors | ``spider_exceptions/*`` | |
| site problems | ``jobcrawler/errors/*`` (board gone, malformed, truncated...) | |
| items not stored | ``jobcrawler/store/failed`` | |
| missing fixtures | ``httpcache/ignore`` | |
| pages not downloaded | ``jobcrawler/download_errors/*``, ``retry/max_reached`` | |
| too few ads | ``jobcrawler/store/seen`` vs the last clean crawl | ``JOBCRAWLER_CLOSE_MIN_RATIO`` |
| too many drops | ``jobcrawler/dropped/*`` vs items | ``JOBCRAWLER_MAX_DROP_RATIO`` |
| shape changed | ``jobcrawler/fields/<f>`` share vs the last clean crawl | ``JOBCRAWLER_FIELD_MIN_SHARE`` |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Fields whose presence is counted per crawl (``jobcrawler/fields/<name>``) for the shape check.
MONITORED_FIELDS = ("date_posted", "locations", "description_text", "contract_type", "salary")
#: The shape check compares fields the last clean crawl had in at least this share of its ads.
USUAL_SHARE = 0.9
#: Checks that compare shares need at least this many ads.
MIN_ITEMS = 10


@dataclass(frozen=True)
class Thresholds:
    """The monitors' settings."""

    close_min_ratio: float = 0.5
    max_drop_ratio: float = 0.2
    field_min_share: float = 0.5

    @classmethod
    def from_settings(cls, settings: Any) -> Thresholds:
        return cls(close_min_ratio=settings.getfloat("JOBCRAWLER_CLOSE_MIN_RATIO", 0.5),
                   max_drop_ratio=settings.getfloat("JOBCRAWLER_MAX_DROP_RATIO", 0.2),
                   field_min_share=settings.getfloat("JOBCRAWLER_FIELD_MIN_SHARE", 0.5))


def stat_sum(stats: dict[str, Any], prefix: str, exclude: tuple[str, ...] = ()) -> int:
    return sum(v for k, v in stats.items()
               if k.startswith(prefix) and isinstance(v, int) and not k.startswith(exclude))


def callback_errors(stats: dict[str, Any]) -> int:
    """Exceptions in the spider's callbacks: Scrapy counts each one twice, as
    ``spider_exceptions/count`` and ``spider_exceptions/<Exception>``."""
    if "spider_exceptions/count" in stats:
        return stats["spider_exceptions/count"]
    return stat_sum(stats, "spider_exceptions/")


def site_errors(stats: dict[str, Any]) -> int:
    """Errors of one site's crawl: callback exceptions, requests given up, items not stored."""
    return (callback_errors(stats) + stats.get("retry/max_reached", 0)
            + stat_sum(stats, "jobcrawler/errors/") + stat_sum(stats, "jobcrawler/download_errors/")
            + stats.get("jobcrawler/store/failed", 0) + stats.get("jobcrawler/normalize/failed", 0))


Monitor = Callable[[dict[str, Any], dict[str, Any] | None, Thresholds], list[str]]


def ended_early(stats, previous, t):
    reason = stats.get("finish_reason")
    return [] if reason in (None, "finished") else [f"crawl ended early ({reason})"]


def spider_errors(stats, previous, t):
    n = callback_errors(stats)
    return [f"{n} error(s) in the spider's callbacks"] if n else []


def site_problems(stats, previous, t):
    return [f"{k.rsplit('/', 1)[-1].replace('_', ' ')} ({v})" for k, v in sorted(stats.items())
            if k.startswith("jobcrawler/errors/")]


def items_not_stored(stats, previous, t):
    n = stats.get("jobcrawler/store/failed", 0)
    return [f"{n} item(s) could not be stored (spooled)"] if n else []


def missing_fixtures(stats, previous, t):
    n = stats.get("httpcache/ignore", 0)
    return [f"{n} request(s) had no fixture"] if n else []


def pages_not_downloaded(stats, previous, t):
    problems = []
    if n := stat_sum(stats, "jobcrawler/download_errors/"):
        problems.append(f"{n} page(s) could not be downloaded")
    if n := stats.get("retry/max_reached", 0):
        problems.append(f"{n} request(s) failed after all retries")
    return problems


def too_few_ads(stats, previous, t):
    before = (previous or {}).get("jobcrawler/store/seen", 0)
    seen = stats.get("jobcrawler/store/seen", 0)
    if before and seen < before * t.close_min_ratio:
        return [f"saw {seen} ads, under {t.close_min_ratio:.0%} of the last clean crawl ({before})"]
    return []


def too_many_drops(stats, previous, t):
    dropped = stat_sum(stats, "jobcrawler/dropped/")
    total = dropped + stats.get("jobcrawler/store/items", 0)
    if total >= MIN_ITEMS and dropped / total > t.max_drop_ratio:
        return [f"{dropped} of {total} ads dropped, over {t.max_drop_ratio:.0%}"]
    return []


def shape_changed(stats, previous, t):
    if not previous:
        return []
    items, before_items = stats.get("jobcrawler/store/items", 0), previous.get("jobcrawler/store/items", 0)
    if items < MIN_ITEMS or before_items < MIN_ITEMS:
        return []
    problems = []
    for name in MONITORED_FIELDS:
        key = f"jobcrawler/fields/{name}"
        before, now = previous.get(key, 0) / before_items, stats.get(key, 0) / items
        if before >= USUAL_SHARE and now < t.field_min_share:
            problems.append(f"{name} in {now:.0%} of ads, was {before:.0%} (has the site's shape "
                            "changed?)")
    return problems


MONITORS: tuple[Monitor, ...] = (ended_early, spider_errors, site_problems, items_not_stored,
                                 missing_fixtures, pages_not_downloaded, too_few_ads,
                                 too_many_drops, shape_changed)


def health_problems(stats: dict[str, Any], previous: dict[str, Any] | None,
                    thresholds: Thresholds) -> list[str]:
    """Every monitor's problems with this crawl (empty: healthy and clean)."""
    return [problem for monitor in MONITORS for problem in monitor(stats, previous, thresholds)]
