"""The one owner of a site's crawl: :class:`SiteLifecycle`, a Scrapy extension.

It opens the site's run record when the spider opens, knows the site's stored open ads (for the
incremental middleware), hears which ads the listing named, which pages failed and which said
"gone", and when the spider closes (after the pipelines have flushed) judges the crawl with the
health checks, applies the closing rule and finishes the record
(:mod:`jobcrawler.storage.lifecycle` does the database side).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import CloseSpider, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import task

from jobcrawler import signals as jc_signals
from jobcrawler.monitors import health_problems, site_errors, stat_sum
from jobcrawler.signals import AD_META
from jobcrawler.storage import lifecycle
from jobcrawler.storage.db import database_url, error_message, open_database
from jobcrawler.storage.lock import LockHeld, site_lock

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from sqlalchemy import Engine
    from twisted.python.failure import Failure

    from jobcrawler.storage.lifecycle import KnownAd, SiteCrawl
    from jobcrawler.storage.lock import NamedLock

logger = logging.getLogger(__name__)

#: Statuses of an ad's own page that mean the ad is gone: it is closed.
GONE_STATUSES = (404, 410)


class SiteLifecycle:
    """Records one site's crawl and closes only the ads that are really gone (module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.db_url = database_url(settings.get("JOBCRAWLER_DB_URL"))
        self.run_id = settings.getint("JOBCRAWLER_RUN_ID") or None
        self.lock_wait = settings.getfloat("JOBCRAWLER_LOCK_WAIT", 0.0)
        self.lock_check = settings.getfloat("JOBCRAWLER_LOCK_CHECK_SECONDS", 60.0)
        self.persistent_runs = settings.getint("JOBCRAWLER_PERSISTENT_FAILURE_RUNS", 3)
        self.source = ""
        self.crawl: SiteCrawl | None = None
        self.lock: NamedLock | None = None
        self.run_lock: NamedLock | None = None
        self.lock_loop: task.LoopingCall | None = None
        self.known: dict[str, KnownAd] = {}
        self.listed: set[str] = set()
        self.gone: set[str] = set()
        #: Keys of the ad pages the listing asked for, and of those that came to an end (fetched,
        #: failed, gone, skipped): the difference was lost on the way (redirected offsite or into a
        #: page already fetched, cut by depth or budget) and is counted as failed.
        self.asked: set[str] = set()
        self.answered: set[str] = set()
        #: URLs of failed ad pages that match no stored ad: a new ad, or a known one stored under
        #: another URL (its canonical link): which one cannot be told, so nothing unlisted is closed
        #: (unless the page is a persistent failure: :meth:`_unmatched_blocking`).
        self.unmatched: set[str] = set()
        self.problems: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteLifecycle:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.page_failed, signal=jc_signals.page_failed)
        crawler.signals.connect(ext.item_error, signal=signals.item_error)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        return ext

    # --- opening -----------------------------------------------------------------------------
    async def spider_opened(self, spider: Spider) -> None:
        self.source = getattr(spider, "site", None) or spider.name
        try:
            engine = open_database(self.db_url)
        except Exception as exc:  # the database is down: the store pipeline spools the items
            logger.error("Cannot record the run in the database: %s", self.describe(exc))
            self.stats.set_value("jobcrawler/run/unrecorded", 1)
            return
        await self._wait_for_lock(engine)
        try:
            self.database()
        except Exception as exc:
            logger.error("Cannot record the run in the database: %s", self.describe(exc))
            self.stats.set_value("jobcrawler/run/unrecorded", 1)
            return
        try:  # for the incremental middleware, and to keep listed ads open whatever happens
            self.known = lifecycle.known_ads(engine, self.source)
        except Exception as exc:  # a full crawl then
            logger.warning("Known ads of %s unreadable: %s", self.source, self.describe(exc))
        if self.lock is not None and self.lock.backend == "postgresql" and self.lock_check > 0:
            self.lock_loop = task.LoopingCall(self._check_lock)
            self.lock_loop.start(self.lock_check, now=False)

    async def _wait_for_lock(self, engine: Engine) -> None:
        """Take the site's lock (``JOBCRAWLER_LOCK_WAIT`` seconds at most, without blocking the
        other sites); when another process holds it, the spider closes as ``locked``."""
        lock = site_lock(engine, self.source)
        deadline = time.monotonic() + self.lock_wait
        waiting = False
        while True:
            try:
                lock.acquire()
            except LockHeld:
                if time.monotonic() >= deadline:
                    self.stats.set_value("jobcrawler/locked", 1)
                    logger.warning("%s: another process is crawling this site (%s): not crawled",
                                   self.source, lock.description)
                    self._record_locked(engine)
                    raise CloseSpider("locked") from None
                if not waiting:
                    waiting = True
                    logger.info("%s: another process is crawling this site (%s): waiting up to %g s "
                                "for it", self.source, lock.description, self.lock_wait)
                from twisted.internet import reactor  # the installed one, never at module level

                await maybe_deferred_to_future(task.deferLater(reactor, 0.5, lambda: None))
            else:
                self.lock = lock
                return

    def _record_locked(self, engine: Engine) -> None:
        """Within a run (``JOBCRAWLER_RUN_ID``), the site's row says ``locked``: a coordinator of
        Scrapyd jobs reads it there (a plain ``scrapy crawl`` has no run to record it in)."""
        if self.run_id is None:
            return
        try:
            lifecycle.record_locked(engine, self.source, self.crawler.spider.name, self.run_id)
        except Exception as exc:  # the summary still says locked (from the stats)
            logger.warning("%s: cannot record that the site was locked: %s", self.source,
                           self.describe(exc))

    def database(self) -> SiteCrawl:
        """The site's crawl record, opened on first use (again after a failure), under the site's
        lock: when the database was down at the start, the lock is taken now or nothing is
        written (:class:`LockHeld`: the store pipeline spools)."""
        if self.crawl is None:
            engine = open_database(self.db_url)
            if self.lock is None:
                lock = site_lock(engine, self.source)
                lock.acquire()
                self.lock = lock
            lifecycle.interrupt_site_rows(engine, self.source)
            run_id = self.run_id
            if run_id is None:  # a plain scrapy crawl: a run of its own
                run_id, self.run_lock = lifecycle.start_run(engine, "scrapy crawl", [self.source])
            spider = self.crawler.spider
            self.crawl = lifecycle.open_site(engine, self.source, spider.name, run_id)
            self.crawl.own_run = self.run_lock is not None
            self.stats.set_value("jobcrawler/run/unrecorded", 0)
        return self.crawl

    def _check_lock(self) -> None:
        """A lost PostgreSQL connection takes its advisory lock along: take it again, or stop the
        crawl cleanly (it is recorded and summarised) when another process has it."""
        if self.lock is not None and not self.lock.check():
            self.problems.append("the site's lock was lost to another process")
            self.stats.set_value("jobcrawler/lock_lost", 1)
            if self.crawler.engine is not None:
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="lock_lost"))

    def describe(self, exc: BaseException) -> str:
        """A database error of this crawl, fit for the log (no password)."""
        return error_message(exc, self.db_url)

    # --- what the listing says ---------------------------------------------------------------
    def known_ad(self, key: str) -> KnownAd | None:
        """The stored open ad a listing key (URL or ``id:<source_id>``) names, if any."""
        return self.known.get(key)

    def ad_listed(self, key: str | None = None, source_id: str | None = None) -> None:
        """The listing named this ad (by key or id): it stays open even if its page fails."""
        if source_id is None and key is not None:
            ad = self.known.get(key)
            source_id = ad.source_id if ad else None
        if source_id is not None:
            self.listed.add(str(source_id))

    def ad_asked(self, key: str) -> None:
        """A request for this ad's page was made (it is listed)."""
        self.asked.add(key)
        self.ad_listed(key)

    def ad_answered(self, key: str) -> None:
        """This ad's page came to an end: fetched, failed, gone or not fetched as unchanged."""
        self.answered.add(key)

    def page_failed(self, request: Request, failure: Failure) -> None:
        """A page that failed for good: an ad's page is counted (``jobcrawler/dropped/<reason>``,
        ``jobcrawler/ads/failed``) and the ad stays open, or is closed when its page said 404/410;
        a listing page makes the listing incomplete (``jobcrawler/errors/listing_failed``)."""
        exc = failure.value
        status = exc.response.status if isinstance(exc, HttpError) else None
        reason = f"http_{status}" if status else _failure_reason(exc)
        ad = request.meta.get(AD_META)
        if ad is None:
            self.stats.inc_value("jobcrawler/errors/listing_failed")
            logger.warning("%s: listing page %s failed (%s): the listing was not read whole",
                           self.source, request.url, _detail(exc))
            return
        key = ad.get("key") if isinstance(ad, dict) else ad
        self.ad_answered(key)
        if status in GONE_STATUSES:
            known = self.known.get(key)
            if known is not None:
                self.gone.add(known.source_id)
            self.stats.inc_value("jobcrawler/ads/gone")
            logger.info("%s: the ad page %s is gone (HTTP %s)", self.source, request.url, status)
            return
        self.ad_listed(key)
        self._unmatched(key)
        self.stats.inc_value("jobcrawler/ads/failed")
        self.stats.inc_value(f"jobcrawler/dropped/{reason}")
        logger.warning("%s: ad page %s failed (%s); the ad stays open", self.source, request.url,
                       _detail(exc))

    def item_error(self, item: Any, response: Any, failure: Failure) -> None:
        """A pipeline raised (a bug): the item is lost, so it is counted; its ad stays open."""
        self.stats.inc_value("jobcrawler/ads/failed")
        self.stats.inc_value(f"jobcrawler/dropped/pipeline_{type(failure.value).__name__}")

    def spider_error(self, failure: Failure, response: Any) -> None:
        """A callback raised (a bug) on an ad's page: the ad counts as failed, and stays open."""
        if AD_META in (getattr(response, "meta", None) or {}):
            self.stats.inc_value("jobcrawler/ads/failed")

    # --- closing -----------------------------------------------------------------------------
    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.lock_loop is not None and self.lock_loop.running:
            self.lock_loop.stop()
        try:
            self._count_lost_pages()
            if self.crawl is not None:
                if self.lock is not None and not self.lock.check():
                    self.problems.append("the site's lock was lost to another process")
                self._finish(self.stats.get_stats(), reason)
        except Exception as exc:
            logger.error("Cannot finish the run record: %s", self.describe(exc))
            self.stats.set_value("jobcrawler/run/unrecorded", 1)
        finally:
            if self.run_lock is not None:
                self.run_lock.release(remove=True)
            if self.lock is not None:
                self.lock.release()

    def _unmatched(self, key: str | None) -> None:
        if key and not key.startswith("id:") and key not in self.known:
            self.unmatched.add(key)

    def _count_lost_pages(self) -> None:
        lost = self.asked - self.answered
        for key in lost:
            self._unmatched(key)
        if lost:
            self.stats.inc_value("jobcrawler/ads/failed", len(lost))
            self.stats.inc_value("jobcrawler/dropped/page_not_fetched", len(lost))
            logger.warning("%s: %d listed ad page(s) were never fetched (redirected offsite or to a "
                           "page already fetched, or cut): e.g. %s", self.source, len(lost),
                           sorted(lost)[0])

    def _finish(self, stats: dict[str, Any], reason: str) -> None:
        crawl = self.crawl
        assert crawl is not None
        previous = lifecycle.last_clean_stats(crawl.engine, crawl.source, crawl.run_id)
        problems = [*self.problems,
                    *health_problems({**stats, "finish_reason": reason}, previous,
                                    self.crawler.settings)]
        blocking = self._unmatched_blocking(problems)
        outcome = lifecycle.SiteOutcome(
            reason=reason, status="failed" if problems else "ok", problems=problems,
            complete=not problems and not blocking, listed=self.listed, gone=self.gone,
            counts={"requests": stats.get("downloader/request_count", 0),
                    "items_seen": stats.get("jobcrawler/store/seen", 0),
                    "new": stats.get("jobcrawler/store/new", 0),
                    "updated": stats.get("jobcrawler/store/updated", 0),
                    "unchanged": stats.get("jobcrawler/store/unchanged", 0),
                    "dropped": stat_sum(stats, "jobcrawler/dropped/"),
                    "errors": site_errors(stats)})
        if problems:
            logger.warning("%s: not a clean crawl, only ads whose page is gone closed: %s",
                           crawl.source, "; ".join(problems))
        # the stats as they are now (with the unmatched pages); finishes the run too, if its own
        closed = lifecycle.finish_site(crawl, outcome, self.stats.get_stats())
        if closed:
            logger.info("%s: closed %d ad(s) that are gone", crawl.source, closed)
        self.stats.set_value("jobcrawler/closed", closed)
        self.stats.set_value("jobcrawler/problems", problems)

    def _unmatched_blocking(self, problems: list[str]) -> set[str]:
        """The failed ad pages matching no stored ad that hold closing back this time.

        Such a page may be a stored ad listed under another URL (its canonical link): closing the
        unlisted ads could close that one while it is online, so they wait. But a page that fails
        every night (a broken page of the employer's, a permanent 500, a page too large) would then
        stop the site's closing for good, and ads that are gone would stay open. So a page that
        failed so in each of the site's last ``JOBCRAWLER_PERSISTENT_FAILURE_RUNS`` healthy crawls
        is a *persistent failure*: logged and counted (``jobcrawler/ads/persistent_failures``),
        noted in the run summary, and no longer holding closing back. The trade: a stored ad
        re-listed under a new URL whose page fails that many healthy crawls and one more in a row is
        closed although online (and reopened when its page is read again); the alternative was a
        site that never closes again. Many failing pages at once fail the health checks
        (``JOBCRAWLER_MAX_FAILED_SHARE``) and close nothing anyway.

        The pages are recorded in the site's run record (``jobcrawler/ads/unmatched_keys``, read
        back by :func:`jobcrawler.storage.lifecycle.persistent_failures`) whatever the crawl's
        health; only healthy crawls count. A crawl with problems closes nothing unlisted anyway.
        """
        if not self.unmatched:
            return set()
        keys = sorted(self.unmatched)
        self.stats.set_value(lifecycle.UNMATCHED_KEYS_STAT, keys[:lifecycle.UNMATCHED_RECORDED])
        self.stats.set_value("jobcrawler/ads/unmatched_failures", len(keys))
        if problems:
            return set(keys)
        crawl = self.crawl
        assert crawl is not None
        runs = self.persistent_runs
        persistent = lifecycle.persistent_failures(crawl.engine, crawl.source, crawl.run_id, keys,
                                                   runs)
        blocking = self.unmatched - persistent
        notes: list[str] = []
        if persistent:
            self.stats.set_value("jobcrawler/ads/persistent_failures", len(persistent))
            shown = sorted(persistent)
            logger.warning("%s: %d failed ad page(s) matching no stored ad failed in each of the "
                           "last %d healthy crawls too (persistent failures, JOBCRAWLER_PERSISTENT_"
                           "FAILURE_RUNS): they no longer hold closing back: %s%s", crawl.source,
                           len(shown), runs, ", ".join(shown[:5]), ", ..." if len(shown) > 5 else "")
            notes.append(f"{len(shown)} ad page(s) matching no stored ad failed {runs + 1} healthy "
                         f"crawls in a row (persistent failure, e.g. {shown[0]}): not holding "
                         "closing back")
        if blocking:
            shown = sorted(blocking)
            logger.warning("%s: %d failed ad page(s) match no stored ad by URL (new ads, or ads stored "
                           "under another URL): no unlisted ad closed this time, e.g. %s",
                           crawl.source, len(shown), shown[0])
            notes.append(f"no unlisted ad closed: {len(shown)} failed ad page(s) match no stored ad "
                         f"(e.g. {shown[0]})")
        self.stats.set_value(lifecycle.NOTES_STAT, notes)
        return blocking


def _failure_reason(exc: BaseException) -> str:
    if isinstance(exc, IgnoreRequest):
        text = str(exc).lower()
        if "decompress" in text or "maxsize" in text or "download_maxsize" in text:
            return "too_large"
        if "refused" in text:
            return "refused"
        if "redirect" in text:
            return "redirects"
        if "download failed" in text:
            return "download_failed"
        return "ignored"
    return type(exc).__name__


def _detail(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:160]}" if str(exc) else type(exc).__name__
