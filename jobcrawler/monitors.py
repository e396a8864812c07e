"""Health of one site's crawl, decided at its end: declarative checks over the crawl's stats.

Each check is declared in spidermon's shape (``BaseStatMonitor``): a value read from the stats
(this crawl's and, where it compares, the last clean crawl's), a threshold (a setting, per site
with ``-s``), and the comparison the value must pass. A crawl that fails any check is not clean:
its site is reported failed, the run's exit status says so, and it closes no ads (only those whose
own page said they are gone). spidermon itself is not used: its monitors run as a unittest suite
in their own ``spider_closed`` handler, while the verdict is needed inside the lifecycle's, before
any ad is closed, and against the last clean crawl kept in our database.

| check | value | must be | threshold setting |
|---|---|---|---|
| ended early | ``finish_reason`` (a budget, a shutdown) | ``finished`` | |
| spider errors | ``spider_exceptions/count`` | 0 | |
| site problems | each ``jobcrawler/errors/*`` (board gone, listing failed or cut...) | 0 | |
| items not stored | ``jobcrawler/store/failed`` | 0 | |
| items lost | ``jobcrawler/store/lost`` (the spool could not be written) | 0 | |
| missing fixtures | ``httpcache/ignore`` | 0 | |
| listing cut | ``depth/request_ignored_count`` | 0 | |
| too few ads | ``jobcrawler/store/seen`` / the last clean crawl's | >= | ``JOBCRAWLER_CLOSE_MIN_RATIO`` |
| too many drops | ``jobcrawler/dropped/*`` / ads (10 ads or more) | <= | ``JOBCRAWLER_MAX_DROP_RATIO`` |
| failed ads | ``jobcrawler/ads/failed`` / ``jobcrawler/ads/listed`` | <= | ``JOBCRAWLER_MAX_FAILED_SHARE`` |
| shape changed | ``jobcrawler/fields/<f>`` share (a field once in 90% of ads) | >= | ``..._FIELD_MIN_SHARE`` |
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jobcrawler.items import MONITORED_FIELDS

__all__ = ["CHECKS", "MONITORED_FIELDS", "Check", "health_problems", "site_errors", "stat_sum"]

Stats = Mapping[str, Any]
#: What a check measured: ``value`` is compared with the threshold; the rest is for the message.
Measure = dict[str, Any]

#: The shape check compares fields the last clean crawl had in at least this share of its ads.
USUAL_SHARE = 0.9
#: Checks that compare shares of drops need at least this many ads.
MIN_ITEMS = 10
#: Why a crawl ended early, in words: the budgets (Scrapy's CloseSpider extension, as our
#: settings name them) and our own reasons.
END_REASONS = {"closespider_pagecount": "page budget (JOBCRAWLER_SITE_MAX_PAGES) reached",
               "closespider_timeout": "time budget (JOBCRAWLER_SITE_MAX_SECONDS) reached",
               "spool_not_writable": "the spool folder (JOBCRAWLER_SPOOL_DIR) is not writable: "
                                     "not crawled",
               "lock_lost": "the site's lock was lost to another process: stopped"}
_COMPARE = {"==": operator.eq, "<=": operator.le, ">=": operator.ge, "<": operator.lt,
            ">": operator.gt}


def stat_sum(stats: Stats, prefix: str, exclude: tuple[str, ...] = ()) -> int:
    return sum(v for k, v in stats.items()
               if k.startswith(prefix) and isinstance(v, int) and not k.startswith(exclude))


def callback_errors(stats: Stats) -> int:
    """Exceptions in the spider's callbacks: Scrapy counts each one twice, as
    ``spider_exceptions/count`` and ``spider_exceptions/<Exception>``."""
    if "spider_exceptions/count" in stats:
        return stats["spider_exceptions/count"]
    return stat_sum(stats, "spider_exceptions/")


def site_errors(stats: Stats) -> int:
    """Errors of one site's crawl: callback exceptions, requests given up, items not stored."""
    return (callback_errors(stats) + stats.get("retry/max_reached", 0)
            + stat_sum(stats, "jobcrawler/errors/") + stat_sum(stats, "jobcrawler/download_errors/")
            + stats.get("jobcrawler/store/failed", 0) + stats.get("jobcrawler/store/lost", 0)
            + stats.get("jobcrawler/normalize/failed", 0))


@dataclass(frozen=True)
class Check:
    """One health check: ``measure`` reads the stats (None: the check does not apply), and the
    crawl is healthy when ``value <assertion> threshold``; the threshold is the setting ``setting``
    (``default`` when unset). ``message`` is formatted with the measure and ``threshold``."""

    name: str
    measure: Callable[[Stats, Stats | None], Measure | list[Measure] | None]
    assertion: str
    message: str
    setting: str | None = None
    default: float = 0.0

    def threshold(self, settings: Any) -> float:
        if self.setting is None or settings is None:
            return self.default
        if hasattr(settings, "getfloat"):
            return settings.getfloat(self.setting, self.default)
        return float(settings.get(self.setting, self.default))

    def problems(self, stats: Stats, previous: Stats | None, settings: Any = None) -> list[str]:
        measured = self.measure(stats, previous)
        if measured is None:
            return []
        threshold = self.threshold(settings)
        return [self.message.format(**m, threshold=threshold)
                for m in (measured if isinstance(measured, list) else [measured])
                if not _COMPARE[self.assertion](m["value"], threshold)]


def _stat(name: str) -> Callable[[Stats, Stats | None], Measure]:
    return lambda stats, previous: {"value": stats.get(name, 0)}


def _finish(stats: Stats, previous: Stats | None) -> Measure:
    reason = stats.get("finish_reason")
    ok = reason in (None, "finished")
    return {"value": 0 if ok else 1, "reason": END_REASONS.get(reason, f"crawl ended early ({reason})")}


def _site_errors(stats: Stats, previous: Stats | None) -> list[Measure]:
    return [{"value": v, "what": k.rsplit("/", 1)[-1].replace("_", " ")}
            for k, v in sorted(stats.items()) if k.startswith("jobcrawler/errors/")]


def _seen_ratio(stats: Stats, previous: Stats | None) -> Measure | None:
    before = (previous or {}).get("jobcrawler/store/seen", 0)
    seen = stats.get("jobcrawler/store/seen", 0)
    return {"value": seen / before, "seen": seen, "before": before} if before else None


def _drop_ratio(stats: Stats, previous: Stats | None) -> Measure | None:
    dropped = stat_sum(stats, "jobcrawler/dropped/")
    total = dropped + stats.get("jobcrawler/store/items", 0)
    return {"value": dropped / total, "dropped": dropped, "total": total} \
        if total >= MIN_ITEMS else None


def _failed_share(stats: Stats, previous: Stats | None) -> Measure | None:
    failed = stats.get("jobcrawler/ads/failed", 0)
    listed = max(stats.get("jobcrawler/ads/listed", 0), failed)
    return {"value": failed / listed, "failed": failed, "listed": listed} if failed else None


def _field_share(name: str) -> Callable[[Stats, Stats | None], Measure | None]:
    def measure(stats: Stats, previous: Stats | None) -> Measure | None:
        if not previous:
            return None
        items = stats.get("jobcrawler/store/items", 0)
        before_items = previous.get("jobcrawler/store/items", 0)
        if items < MIN_ITEMS or before_items < MIN_ITEMS:
            return None
        key = f"jobcrawler/fields/{name}"
        before = previous.get(key, 0) / before_items
        if before < USUAL_SHARE:  # a field the site did not always have is not watched
            return None
        return {"value": stats.get(key, 0) / items, "before": before}
    return measure


CHECKS: tuple[Check, ...] = (
    Check("ended early", _finish, "==", "{reason}"),
    Check("spider errors", lambda s, p: {"value": callback_errors(s)}, "==",
          "{value} error(s) in the spider's callbacks"),
    Check("site problems", _site_errors, "==", "{what} ({value})"),
    Check("items not stored", _stat("jobcrawler/store/failed"), "==",
          "{value} item(s) could not be stored (spooled)"),
    Check("items lost", _stat("jobcrawler/store/lost"), "==",
          "{value} item(s) LOST: they could not be stored nor spooled"),
    Check("missing fixtures", _stat("httpcache/ignore"), "==", "{value} request(s) had no fixture"),
    Check("listing cut", _stat("depth/request_ignored_count"), "==",
          "listing cut at DEPTH_LIMIT: {value} request(s) not made"),
    Check("too few ads", _seen_ratio, ">=",
          "saw {seen} ads, under {threshold:.0%} of the last clean crawl ({before})",
          "JOBCRAWLER_CLOSE_MIN_RATIO", 0.5),
    Check("too many drops", _drop_ratio, "<=",
          "{dropped} of {total} ads dropped, over {threshold:.0%}", "JOBCRAWLER_MAX_DROP_RATIO", 0.2),
    Check("failed ads", _failed_share, "<=",
          "{failed} of {listed} listed ads could not be fetched or stored, over {threshold:.0%}",
          "JOBCRAWLER_MAX_FAILED_SHARE", 0.2),
    *(Check(f"shape of {name}", _field_share(name), ">=",
            f"{name} in {{value:.0%}} of ads, was {{before:.0%}} (has the site's shape changed?)",
            "JOBCRAWLER_FIELD_MIN_SHARE", 0.5) for name in MONITORED_FIELDS),
)


def health_problems(stats: Stats, previous: Stats | None, settings: Any = None) -> list[str]:
    """Every failed check's problem with this crawl (empty: healthy and clean); thresholds from
    ``settings`` (Scrapy settings or a mapping of setting names)."""
    return [problem for check in CHECKS for problem in check.problems(stats, previous, settings)]
