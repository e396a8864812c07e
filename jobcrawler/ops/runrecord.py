"""Run records: a ``runs`` row per command, a ``run_sites`` row per site crawl, and the decision
whether a site's crawl was clean enough to close the ads it did not see.

``RunRecordExtension`` is a Scrapy extension: it opens the site's row when the spider opens and, when
it closes (after the pipelines have flushed), reads the crawl's stats, judges the crawl, closes
unseen ads only after a clean crawl, and finishes the row.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapy import signals
from sqlalchemy import select, update

from jobcrawler.monitors import Thresholds, health_problems, stat_sum
from jobcrawler.storage.db import database_url, error_message, open_database, session_factory
from jobcrawler.storage.models import Run, RunSite
from jobcrawler.storage.upsert import close_unseen

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from sqlalchemy import Engine

logger = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


def start_run(engine: Engine, command: str, sites: list[str]) -> int:
    """Record a new run (status ``running``); runs left ``running`` by a dead process are marked
    ``interrupted`` first."""
    mark_interrupted(engine)
    with session_factory(engine).begin() as session:
        run = Run(command=command, started_at=utcnow(), status="running", sites=sites,
                  pid=os.getpid())
        session.add(run)
        session.flush()
        return run.id


def mark_interrupted(engine: Engine) -> int:
    """Runs still ``running`` whose process is gone become ``interrupted``; the number marked."""
    marked = 0
    with session_factory(engine).begin() as session:
        for run in session.scalars(select(Run).where(Run.status == "running")):
            if run.pid and run.pid != os.getpid() and _alive(run.pid):
                continue
            if run.pid == os.getpid():
                continue
            run.status = "interrupted"
            run.finished_at = run.finished_at or utcnow()
            session.execute(update(RunSite).where(RunSite.run_id == run.id,
                                                  RunSite.status == "running")
                            .values(status="interrupted"))
            marked += 1
    if marked:
        logger.warning("Marked %d earlier run(s) as interrupted", marked)
    return marked


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def finish_run(engine: Engine, run_id: int, status: str | None = None,
               message: str | None = None) -> Run:
    """Close a run: totals from its sites, status ``ok`` unless a site failed (or as given)."""
    with session_factory(engine).begin() as session:
        run = session.get_one(Run, run_id)
        sites = list(session.scalars(select(RunSite).where(RunSite.run_id == run_id)))
        for name in ("requests", "items_seen", "new", "updated", "unchanged", "closed",
                     "dropped", "errors"):
            setattr(run, name, sum(getattr(s, name) for s in sites))
        if status is None:
            status = "ok" if all(s.status == "ok" for s in sites) else "failed"
        run.status = status
        run.message = message
        run.finished_at = utcnow()
        session.flush()
        session.expunge(run)
        return run


@dataclass
class SiteRun:
    """The state of one site's crawl, shared by the pipelines and the extension via the crawler."""

    engine: Engine
    run_id: int
    source: str
    started_at: datetime
    own_run: bool
    row_id: int = 0
    problems: list[str] = field(default_factory=list)


def site_run(crawler: Crawler) -> SiteRun:
    """The crawler's :class:`SiteRun`, created (with its database rows) on first use."""
    existing = getattr(crawler, "jobcrawler_site_run", None)
    if existing is not None:
        return existing
    settings = crawler.settings
    engine = open_database(settings.get("JOBCRAWLER_DB_URL"))
    spider = crawler.spider
    source = getattr(spider, "site", None) or spider.name
    run_id = settings.getint("JOBCRAWLER_RUN_ID")
    own_run = not run_id
    if own_run:
        run_id = start_run(engine, "scrapy crawl", [source])
    state = SiteRun(engine=engine, run_id=run_id, source=source, started_at=utcnow(),
                    own_run=own_run)
    with session_factory(engine).begin() as session:
        row = RunSite(run_id=run_id, source=source, spider=spider.name,
                      started_at=state.started_at, status="running")
        session.add(row)
        session.flush()
        state.row_id = row.id
    crawler.jobcrawler_site_run = state  # type: ignore[attr-defined]
    return state


def site_errors(stats: dict[str, Any]) -> int:
    """Errors of one site's crawl: callback exceptions, requests given up, items not stored."""
    return (stat_sum(stats, "spider_exceptions/") + stats.get("retry/max_reached", 0)
            + stat_sum(stats, "jobcrawler/errors/") + stat_sum(stats, "jobcrawler/download_errors/")
            + stats.get("jobcrawler/store/failed", 0) + stats.get("jobcrawler/normalize/failed", 0))


def last_clean_stats(engine: Engine, source: str, before_run: int) -> dict[str, Any] | None:
    """The stats of the last clean crawl of ``source`` before this run (None if none)."""
    with session_factory(engine)() as session:
        return session.scalar(
            select(RunSite.stats)
            .where(RunSite.source == source, RunSite.clean.is_(True), RunSite.run_id < before_run)
            .order_by(RunSite.id.desc()).limit(1))


class RunRecordExtension:
    """Records each site's crawl and closes unseen ads after a clean one (see module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.thresholds = Thresholds.from_settings(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecordExtension:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        try:
            site_run(self.crawler)
        except Exception as exc:  # the database is down: the store pipeline spools the items
            logger.error("Cannot record the run in the database: %s", crawl_error(exc, self.crawler))
            self.crawler.stats.set_value("jobcrawler/run/unrecorded", 1)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        state: SiteRun | None = getattr(self.crawler, "jobcrawler_site_run", None)
        stats = self.crawler.stats.get_stats()
        if state is None:
            return
        try:
            self._finish(state, stats, reason)
        except Exception as exc:
            logger.error("Cannot finish the run record: %s", crawl_error(exc, self.crawler))
            self.crawler.stats.set_value("jobcrawler/run/unrecorded", 1)

    def _finish(self, state: SiteRun, stats: dict[str, Any], reason: str) -> None:
        previous = last_clean_stats(state.engine, state.source, state.run_id)
        problems = [*state.problems,
                    *health_problems({**stats, "finish_reason": reason}, previous, self.thresholds)]
        now = utcnow()
        closed = 0
        with session_factory(state.engine).begin() as session:
            if problems:
                logger.warning("%s: not a clean crawl, no ads closed: %s", state.source,
                               "; ".join(problems))
            else:
                closed = close_unseen(session, state.source, state.started_at, now)
                if closed:
                    logger.info("%s: closed %d ad(s) no longer listed", state.source, closed)
            row = session.get_one(RunSite, state.row_id)
            row.finished_at = now
            row.finish_reason = reason
            row.clean = not problems
            row.status = "ok" if not problems else "failed"
            row.problems = problems
            row.requests = stats.get("downloader/request_count", 0)
            row.items_seen = stats.get("jobcrawler/store/seen", 0)
            row.new = stats.get("jobcrawler/store/new", 0)
            row.updated = stats.get("jobcrawler/store/updated", 0)
            row.unchanged = stats.get("jobcrawler/store/unchanged", 0)
            row.closed = closed
            row.dropped = stat_sum(stats, "jobcrawler/dropped/")
            row.errors = site_errors(stats)
            row.stats = {k: (v.isoformat() if isinstance(v, datetime) else v)
                         for k, v in stats.items()}
        self.crawler.stats.set_value("jobcrawler/closed", closed)
        self.crawler.stats.set_value("jobcrawler/problems", problems)
        if state.own_run:
            finish_run(state.engine, state.run_id)


def crawl_error(exc: BaseException, crawler: Crawler) -> str:
    """A database error of this crawl, fit for the log (no password)."""
    return error_message(exc, database_url(crawler.settings.get("JOBCRAWLER_DB_URL")))
