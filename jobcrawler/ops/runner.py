"""Run configured sites in one process (one reactor, one crawler per site) and record the run."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from sqlalchemy.exc import SQLAlchemyError

from jobcrawler.monitors import stat_sum
from jobcrawler.ops.command import EXIT_OK, EXIT_SITES_FAILED
from jobcrawler.ops.runrecord import finish_run, site_errors, start_run
from jobcrawler.replay import INDEX
from jobcrawler.storage.db import database_url, open_database

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
        failed = any(s.status == "failed" for s in self.sites) or self.record_error
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


def run_sites(sites: list[Site], mode: str, db_url: str | None,
              extra_settings: dict[str, Any] | None = None) -> RunResult:
    """Crawl ``sites`` concurrently; one site's failure never stops the others.

    Raises the database's error when the database cannot be opened (nothing could run).
    """
    engine = open_database(db_url)
    run_id = start_run(engine, mode, [s.name for s in sites])
    settings = crawl_settings(mode, db_url, {**(extra_settings or {}), "JOBCRAWLER_RUN_ID": run_id})
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, "cmdline")  # the CLI set up logging
    process = CrawlerProcess(settings)
    # Installed here, not by the first site's crawler (as CrawlerProcess.create_crawler would): a
    # site whose spider cannot even be created must not leave the other sites without a reactor.
    if (settings.getbool("TWISTED_REACTOR_ENABLED", True) and settings["TWISTED_REACTOR"]
            and not is_reactor_installed()):
        install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
    crawlers = []
    results = []
    fixtures_dir = Path(settings.get("JOBCRAWLER_FIXTURES_DIR"))
    # Pending requests wait on disk, not in memory (a 50,000-URL sitemap), in a folder per site
    # that lives for this run only: nothing (not even the dupefilter) carries over to the next.
    queues = tempfile.TemporaryDirectory(prefix="jobcrawler-queues-")
    for site in sites:
        result = SiteResult(site=site.name, platform=site.platform)
        results.append(result)
        if mode == "replay" and not (fixtures_dir / site.name / INDEX).exists():
            result.status = "skipped"
            result.problems.append(f"no fixtures in {fixtures_dir / site.name}: skipped")
            continue
        try:
            spider_cls = process.spider_loader.load(site.platform)
        except KeyError:
            result.problems.append(f"no spider named {site.platform!r}")
            continue
        site_settings = settings.copy()
        if settings.getbool("JOBCRAWLER_DISK_QUEUE", True) and not settings.get("JOBDIR"):
            site_settings.set("JOBDIR", str(Path(queues.name) / site.name), "cmdline")
        crawler = Crawler(spider_cls, site_settings)  # the reactor is installed above
        crawlers.append((site, crawler, result))
        deferred = process.crawl(crawler, **site.spider_kwargs())
        deferred.addErrback(_site_failed, result)
    try:
        if crawlers:
            process.start()
    finally:
        queues.cleanup()
    for _site, crawler, result in crawlers:
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
        if problems is None:  # the run record never finished: the crawl itself broke
            result.problems.append("the crawl did not finish")
        else:
            result.problems.extend(problems)
        if stats.get("jobcrawler/run/unrecorded"):
            result.problems.append("the database could not record this crawl")
        result.status = "ok" if not result.problems else "failed"
    failed = [r.site for r in results if r.status == "failed"]
    record_error = None
    try:
        finish_run(engine, run_id, status="failed" if failed else "ok",
                   message=f"failed: {', '.join(failed)}" if failed else None)
    except SQLAlchemyError as exc:  # left "running": the next run marks it interrupted
        record_error = f"the end of run {run_id} could not be recorded ({type(exc).__name__})"
        logger.error("%s", record_error)
    return RunResult(run_id=run_id, sites=results, record_error=record_error)


def _site_failed(failure: Any, result: SiteResult) -> None:
    message = failure.getErrorMessage()
    logger.error("Site %s could not run: %s", result.site, message)
    result.problems.append(f"could not run: {message}")
