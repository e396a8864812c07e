"""Run configured sites in one process (one reactor, one crawler per site) and record the run."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.crawler import Crawler, CrawlerProcess, CrawlerRunner
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet.defer import Deferred, DeferredList, DeferredSemaphore

from jobcrawler.monitors import site_errors, stat_sum
from jobcrawler.ops.command import EXIT_LOCKED, EXIT_OK, EXIT_SITES_FAILED
from jobcrawler.replay import INDEX
from jobcrawler.resolver import install_resolver
from jobcrawler.storage.db import database_url, open_database
from jobcrawler.storage.lifecycle import LOCKED_PROBLEM, NOTES_STAT, end_run, start_run

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.settings import Settings

    from jobcrawler.sites import Site

logger = logging.getLogger(__name__)


#: Site crawls at a time per CPU when ``JOBCRAWLER_SITES_AT_ONCE`` is not set (see settings.py).
SITES_PER_CPU = 8


@dataclass
class SiteResult:
    """One site's figures at the end of a run."""

    site: str
    platform: str
    status: str = "failed"
    requests: int = 0
    items: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    dropped: int = 0
    errors: int = 0
    #: new ads that were copies of ads already known (jobcrawler.dedup)
    copies: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    #: what did not fail the crawl but decided what was closed (a persistent failure...)
    notes: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    """What a run did, site by site."""

    run_id: int | None
    sites: list[SiteResult]
    #: Why the run's end could not be recorded (the database failed at the end), if it could not.
    record_error: str | None = None
    #: What went wrong beyond one site's crawl (a Scrapyd node that stopped answering).
    problems: list[str] = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        ran = [s for s in self.sites if s.status != "skipped"]
        if ran and all(s.status == "locked" for s in ran) and not self.problems:
            return EXIT_LOCKED  # nothing could run: every site is being crawled by another process
        failed = (any(s.status in ("failed", "locked") for s in self.sites) or self.record_error
                  or self.problems)
        return EXIT_SITES_FAILED if failed else EXIT_OK


def crawl_settings(mode: str, db_url: str | None, extra: dict[str, Any] | None = None) -> Settings:
    """Project settings for a run in ``mode`` (crawl, replay or record)."""
    settings = get_project_settings()
    settings.set("JOBCRAWLER_DB_URL", database_url(db_url), "cmdline")
    settings.set("JOBCRAWLER_REPLAY", mode == "replay", "cmdline")
    settings.set("JOBCRAWLER_RECORD", mode == "record", "cmdline")
    for key, value in (extra or {}).items():
        settings.set(key, value, "cmdline")
    return settings


def sites_at_once(settings: Settings) -> int:
    """How many site crawls run at a time: ``JOBCRAWLER_SITES_AT_ONCE``, else a number per CPU."""
    return max(1, settings.getint("JOBCRAWLER_SITES_AT_ONCE")
               or SITES_PER_CPU * (os.cpu_count() or 1))


class _SiteProcess(CrawlerProcess):
    """A ``CrawlerProcess`` that remembers being stopped (Ctrl-C), so that queued sites do not start."""

    stopping = False

    def stop(self) -> Deferred[Any]:
        self.stopping = True
        return super().stop()


@dataclass
class _Run:
    """One run being carried out: its record, its settings, its sites."""

    engine: Any
    run_id: int
    lock: Any
    settings: Settings
    queues: tempfile.TemporaryDirectory[str]
    results: list[SiteResult] = field(default_factory=list)
    started: bool = False


def run_sites(sites: list[Site], mode: str, db_url: str | None,
              extra_settings: dict[str, Any] | None = None) -> RunResult:
    """Crawl ``sites``, at most :func:`sites_at_once` at a time, the next starting as one ends;
    one site's failure never stops the others. Each site's crawl takes that site's lock.

    Raises the database's error when the database cannot be opened (nothing could run).
    """
    run = _begin(sites, mode, db_url, extra_settings)
    settings = run.settings
    process = _SiteProcess(settings)
    # Installed here, not by the first site's crawler (as CrawlerProcess.create_crawler would): a
    # site whose spider cannot even be created must not leave the other sites without a reactor.
    if (settings.getbool("TWISTED_REACTOR_ENABLED", True) and settings["TWISTED_REACTOR"]
            and not is_reactor_installed()):
        install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
    everything = _schedule(run, process, sites, mode)
    try:
        if not everything.called:
            everything.addBoth(_stop_reactor)
            process.start(stop_after_crawl=False)
    finally:
        run.queues.cleanup()
    return _end(run)


async def run_sites_async(sites: list[Site], mode: str, db_url: str | None,
                          extra_settings: dict[str, Any] | None = None) -> RunResult:
    """:func:`run_sites` inside a reactor that is already running (the tests, an application)."""
    run = _begin(sites, mode, db_url, extra_settings)
    install_resolver(run.settings)  # as CrawlerProcess does; a CrawlerRunner installs none
    everything = _schedule(run, CrawlerRunner(run.settings), sites, mode)
    try:
        await maybe_deferred_to_future(everything)
    finally:
        run.queues.cleanup()
    return _end(run)


def _begin(sites: list[Site], mode: str, db_url: str | None,
           extra_settings: dict[str, Any] | None) -> _Run:
    engine = open_database(db_url)
    run_id, run_lock = start_run(engine, mode, [s.name for s in sites])
    settings = crawl_settings(mode, db_url, {**(extra_settings or {}), "JOBCRAWLER_RUN_ID": run_id})
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, "cmdline")  # the CLI set up logging
    # Pending requests wait on disk, not in memory (a 50,000-URL sitemap), in a folder per site
    # that lives for this site's crawl only: nothing (not even the dupefilter) carries over.
    queues = tempfile.TemporaryDirectory(prefix="jobcrawler-queues-")
    return _Run(engine=engine, run_id=run_id, lock=run_lock, settings=settings, queues=queues)


def _schedule(run: _Run, runner: CrawlerRunner, sites: list[Site], mode: str) -> Deferred[Any]:
    """Every runnable site's crawl, at most :func:`sites_at_once` at a time; fires when all ended."""
    settings = run.settings
    runnable = []
    fixtures_dir = Path(settings.get("JOBCRAWLER_FIXTURES_DIR"))
    for site in sites:
        result = SiteResult(site=site.name, platform=site.platform)
        run.results.append(result)
        if mode == "replay" and not (fixtures_dir / site.name / INDEX).exists():
            result.status = "skipped"
            result.problems.append(f"no fixtures in {fixtures_dir / site.name}: skipped")
            continue
        try:
            spider_cls = runner.spider_loader.load(site.platform)
        except KeyError:
            result.problems.append(f"no spider named {site.platform!r}")
            continue
        runnable.append((site, spider_cls, result))
    run.started = bool(runnable)

    def crawl_site(site: Site, spider_cls: type[Spider], result: SiteResult) -> Deferred[Any] | None:
        if getattr(runner, "stopping", False):
            result.problems.append("not started: the run was stopped")
            return None
        crawler = Crawler(spider_cls, settings)  # its own copy; the reactor is installed already
        jobdir = None
        if settings.getbool("JOBCRAWLER_DISK_QUEUE", True) and not settings.get("JOBDIR"):
            jobdir = Path(run.queues.name) / site.name
            crawler.settings.set("JOBDIR", str(jobdir), "cmdline")
        deferred = runner.crawl(crawler, **site.spider_kwargs())
        deferred.addErrback(_site_failed, result)
        # read the figures now and let the crawler go: memory stays flat however many sites
        deferred.addBoth(_site_done, crawler, result, jobdir)
        return deferred

    semaphore = DeferredSemaphore(sites_at_once(settings))
    return DeferredList([semaphore.run(crawl_site, *args).addErrback(_site_failed, args[2])
                         for args in runnable])


def _end(run: _Run) -> RunResult:
    results = run.results
    logger.info("Run %d: every site's crawl has ended (%d sites); recording the run",
                run.run_id, len(results))
    if run.started and run.settings.getbool("JOBCRAWLER_DEDUP", True):
        _release_normalizers(results, run.settings.getint("JOBCRAWLER_RELEASE_CACHES_AT"))
        _cluster(run.engine, run.run_id, results)
    failed = [r.site for r in results if r.status in ("failed", "locked")]
    record_error = None
    try:
        end_run(run.engine, run.run_id, run.lock, status="failed" if failed else "ok",
                message=f"failed: {', '.join(failed)}" if failed else None)
    except SQLAlchemyError as exc:  # left "running": the next run marks it interrupted
        record_error = f"the end of run {run.run_id} could not be recorded ({type(exc).__name__})"
        logger.error("%s", record_error)
    else:
        logger.info("Run %d recorded", run.run_id)
    return RunResult(run_id=run.run_id, sites=results, record_error=record_error)


def _site_done(_: Any, crawler: Crawler, result: SiteResult, jobdir: Path | None) -> None:
    """A site's crawl ended: its figures and status from its stats; its queue folder removed."""
    try:
        stats = crawler.stats.get_stats()
    except RuntimeError:  # "not set yet": the spider could not even be created
        stats = {}
    problems = stats.get("jobcrawler/problems")
    result.requests = stats.get("downloader/request_count", 0)
    result.items = stats.get("jobcrawler/store/seen", 0)
    result.new = stats.get("jobcrawler/store/new", 0)
    result.updated = stats.get("jobcrawler/store/updated", 0)
    result.unchanged = stats.get("jobcrawler/store/unchanged", 0)
    result.closed = stats.get("jobcrawler/closed", 0)
    result.dropped = stat_sum(stats, "jobcrawler/dropped/")
    result.errors = site_errors(stats)
    result.seconds = stats.get("elapsed_time_seconds", 0.0)
    result.notes = list(stats.get(NOTES_STAT) or [])
    if jobdir is not None:
        shutil.rmtree(jobdir, ignore_errors=True)
    if stats.get("jobcrawler/locked"):
        result.status = "locked"
        result.problems.append(LOCKED_PROBLEM)
        return
    if problems is None:  # the run record never finished: the crawl itself broke
        result.problems.append("the crawl did not finish")
    else:
        result.problems.extend(problems)
    if stats.get("jobcrawler/run/unrecorded"):
        result.problems.append("the database could not record this crawl")
    result.status = "ok" if not result.problems else "failed"


def _stop_reactor(_: Any) -> None:
    from twisted.internet import reactor

    with contextlib.suppress(RuntimeError):  # already stopping (Ctrl-C)
        reactor.stop()


def _release_normalizers(results: list[SiteResult], at: int) -> bool:
    """Every site has ended: no ad is normalised any more in this run. After a run that stored at
    least ``at`` new or changed ads (``JOBCRAWLER_RELEASE_CACHES_AT``; 0: any run) the normalisers'
    data (language model, gazetteers, occupation tables: loaded again if needed) goes before the
    clustering. True when it went."""
    stored = sum(r.new + r.updated for r in results)
    if stored < at:
        return False
    from jobcrawler.normalize import memory

    memory.release()
    logger.info("Normalisers' data released before clustering %d new or changed ad(s)", stored)
    return True


def _cluster(engine: Any, run_id: int, results: list[SiteResult]) -> None:
    """Cluster the run's new and changed ads; a failure is logged, never fails the run (the next
    run or ``jobcrawler dedup`` clusters what is left)."""
    from sqlalchemy import select

    from jobcrawler.dedup.store import cluster_ads
    from jobcrawler.storage.db import session_factory
    from jobcrawler.storage.models import RunSite

    try:
        cluster_ads(engine, run_id=run_id)
        with session_factory(engine)() as session:
            copies = dict(session.execute(select(RunSite.source, RunSite.new_copies)
                                          .where(RunSite.run_id == run_id)).all())
    except SQLAlchemyError as exc:
        logger.error("Duplicate clustering failed (run jobcrawler dedup later): %s", exc)
        return
    for result in results:
        result.copies = copies.get(result.site) or 0


def _site_failed(failure: Any, result: SiteResult) -> None:
    message = failure.getErrorMessage()
    logger.error("Site %s could not run: %s", result.site, message)
    result.problems.append(f"could not run: {message}")
