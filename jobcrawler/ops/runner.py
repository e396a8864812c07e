"""Run configured sites in one process (one reactor, one crawler per site) and record the run."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.crawler import Crawler, CrawlerProcess, CrawlerRunner
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from sqlalchemy.exc import SQLAlchemyError

from jobcrawler.monitors import site_errors, stat_sum
from jobcrawler.ops.command import EXIT_LOCKED, EXIT_OK, EXIT_SITES_FAILED
from jobcrawler.replay import INDEX
from jobcrawler.storage.db import database_url, open_database
from jobcrawler.storage.lifecycle import end_run, start_run

if TYPE_CHECKING:
    from scrapy.settings import Settings

    from jobcrawler.sites import Site

logger = logging.getLogger(__name__)



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


@dataclass
class RunResult:
    """What a run did, site by site."""

    run_id: int | None
    sites: list[SiteResult]
    #: Why the run's end could not be recorded (the database failed at the end), if it could not.
    record_error: str | None = None

    @property
    def exit_status(self) -> int:
        ran = [s for s in self.sites if s.status != "skipped"]
        if ran and all(s.status == "locked" for s in ran):
            return EXIT_LOCKED  # nothing could run: every site is being crawled by another process
        failed = any(s.status in ("failed", "locked") for s in self.sites) or self.record_error
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


@dataclass
class _Run:
    """One run being carried out: its record, settings and crawlers."""

    engine: Any
    run_id: int
    lock: Any
    settings: Settings
    queues: tempfile.TemporaryDirectory[str]
    results: list[SiteResult] = field(default_factory=list)
    crawlers: list[tuple[Site, Crawler, SiteResult]] = field(default_factory=list)


def run_sites(sites: list[Site], mode: str, db_url: str | None,
              extra_settings: dict[str, Any] | None = None) -> RunResult:
    """Crawl ``sites`` concurrently in this process's own reactor; one site's failure never stops
    the others.

    Raises the database's error when the database cannot be opened (nothing could run).
    """
    run = _begin(sites, mode, db_url, extra_settings)
    settings = run.settings
    process = CrawlerProcess(settings)
    # Installed here, not by the first site's crawler (as CrawlerProcess.create_crawler would): a
    # site whose spider cannot even be created must not leave the other sites without a reactor.
    if (settings.getbool("TWISTED_REACTOR_ENABLED", True) and settings["TWISTED_REACTOR"]
            and not is_reactor_installed()):
        install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
    _schedule(run, process, sites, mode)
    try:
        if run.crawlers:
            process.start()
    finally:
        run.queues.cleanup()
    return _end(run)


async def run_sites_async(sites: list[Site], mode: str, db_url: str | None,
                          extra_settings: dict[str, Any] | None = None) -> RunResult:
    """:func:`run_sites` inside a reactor that is already running (the tests, an application)."""
    run = _begin(sites, mode, db_url, extra_settings)
    runner = CrawlerRunner(run.settings)
    _schedule(run, runner, sites, mode)
    try:
        await maybe_deferred_to_future(runner.join())
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
    # that lives for this run only: nothing (not even the dupefilter) carries over to the next.
    queues = tempfile.TemporaryDirectory(prefix="jobcrawler-queues-")
    return _Run(engine=engine, run_id=run_id, lock=run_lock, settings=settings, queues=queues)


def _schedule(run: _Run, runner: CrawlerRunner, sites: list[Site], mode: str) -> None:
    settings = run.settings
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
        site_settings = settings.copy()
        if settings.getbool("JOBCRAWLER_DISK_QUEUE", True) and not settings.get("JOBDIR"):
            site_settings.set("JOBDIR", str(Path(run.queues.name) / site.name), "cmdline")
        crawler = Crawler(spider_cls, site_settings)  # the reactor is installed already
        run.crawlers.append((site, crawler, result))
        deferred = runner.crawl(crawler, **site.spider_kwargs())
        deferred.addErrback(_site_failed, result)


def _end(run: _Run) -> RunResult:
    for _site, crawler, result in run.crawlers:
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
        if stats.get("jobcrawler/locked"):
            result.status = "locked"
            result.problems.append("another process is crawling this site: not crawled")
            continue
        if problems is None:  # the run record never finished: the crawl itself broke
            result.problems.append("the crawl did not finish")
        else:
            result.problems.extend(problems)
        if stats.get("jobcrawler/run/unrecorded"):
            result.problems.append("the database could not record this crawl")
        result.status = "ok" if not result.problems else "failed"
    if run.crawlers and run.settings.getbool("JOBCRAWLER_DEDUP", True):
        _cluster(run.engine, run.run_id, run.results)
    failed = [r.site for r in run.results if r.status in ("failed", "locked")]
    record_error = None
    try:
        end_run(run.engine, run.run_id, run.lock, status="failed" if failed else "ok",
                message=f"failed: {', '.join(failed)}" if failed else None)
    except SQLAlchemyError as exc:  # left "running": the next run marks it interrupted
        record_error = f"the end of run {run.run_id} could not be recorded ({type(exc).__name__})"
        logger.error("%s", record_error)
    return RunResult(run_id=run.run_id, sites=run.results, record_error=record_error)


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
