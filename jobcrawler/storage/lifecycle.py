"""A site's crawl lifecycle in the database, in plain SQLAlchemy: the one place that starts and
finishes runs, knows a site's open ads, records the ads seen, and closes the ones that are gone.

The Scrapy side (:class:`jobcrawler.extensions.SiteLifecycle`) drives these functions; the command
line (``jobcrawler crawl``, ``load-spool``) uses them for its own run rows. Nothing here imports
Scrapy.

The closing rule: an open ad of a site is closed when the site's whole listing was read and the ad
was not in it (not seen since the crawl started), or when its own page answered 404/410. A crawl
that did not read its whole listing closes nothing.

A listed ad page that failed and matches no stored ad by URL may be a stored ad listed under another
URL, so it holds closing back too, unless it is a *persistent failure*: it failed so in each of the
site's last ``JOBCRAWLER_PERSISTENT_FAILURE_RUNS`` healthy crawls (:func:`persistent_failures`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, update

from jobcrawler.storage.db import session_factory
from jobcrawler.storage.lock import LockHeld, NamedLock, run_lock
from jobcrawler.storage.models import Job, Run, RunSite
from jobcrawler.storage.upsert import storage_id
from jobcrawler.timestamps import utc_time
from jobcrawler.urls import ad_url

logger = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


# --- runs ------------------------------------------------------------------------------------------

def start_run(engine: Engine, command: str, sites: list[str]) -> tuple[int, NamedLock]:
    """Record a new run (status ``running``); its id, and its lock, held by this process until
    :func:`end_run` (or its death). Runs left ``running`` by a dead process are marked
    ``interrupted`` first."""
    interrupt_dead_runs(engine)
    with session_factory(engine).begin() as session:
        run = Run(command=command, started_at=utcnow(), status="running", sites=sites,
                  pid=os.getpid())
        session.add(run)
        session.flush()
        lock = run_lock(engine, run.id)
        lock.acquire()  # before the row is committed: no one sees the run without its lock
        return run.id, lock


def end_run(engine: Engine, run_id: int, lock: NamedLock, status: str | None = None,
            message: str | None = None) -> Run:
    """:func:`finish_run`, then let the run's lock go."""
    try:
        return finish_run(engine, run_id, status, message)
    finally:
        lock.release(remove=True)


def interrupt_dead_runs(engine: Engine) -> int:
    """Runs recorded as ``running`` whose lock is free have died: mark them ``interrupted``.

    By lock state, not by PID: a PID is reused (in a container every run is PID 1).
    """
    dead = []
    for run_id in running_runs(engine):
        lock = run_lock(engine, run_id)
        try:
            lock.acquire()
        except LockHeld:
            continue  # alive
        lock.release(remove=True)
        dead.append(run_id)
    return mark_interrupted(engine, dead) if dead else 0


#: The figures a run's record totals from its sites' rows.
RUN_TOTALS = ("requests", "items_seen", "new", "updated", "unchanged", "closed", "dropped", "errors")


def finish_run(engine: Engine, run_id: int, status: str | None = None,
               message: str | None = None) -> Run:
    """Close a run: totals from its sites, status ``ok`` unless a site failed (or as given).

    Summed and counted by the database: no site row is loaded, so a run of 10,000 sites (each
    row holding its crawl's stats) costs no more memory than a run of one.
    """
    with session_factory(engine).begin() as session:
        of_run = RunSite.run_id == run_id
        totals = session.execute(select(*(func.coalesce(func.sum(getattr(RunSite, name)), 0)
                                          for name in RUN_TOTALS)).where(of_run)).one()
        if status is None:
            failed = session.scalar(select(func.count()).select_from(RunSite)
                                    .where(of_run, RunSite.status.not_in(("ok", "locked"))))
            status = "failed" if failed else "ok"
        run = session.get_one(Run, run_id)
        for name, total in zip(RUN_TOTALS, totals, strict=True):
            setattr(run, name, int(total))
        run.status = status
        run.message = message
        run.finished_at = utcnow()
        session.flush()
        session.expunge(run)
        return run


def mark_interrupted(engine: Engine, run_ids: Iterable[int]) -> int:
    """Mark these runs (found dead by their caller) ``interrupted``, with their running sites."""
    marked = 0
    with session_factory(engine).begin() as session:
        for run in session.scalars(select(Run).where(Run.id.in_(list(run_ids)),
                                                     Run.status == "running")):
            run.status = "interrupted"
            run.finished_at = run.finished_at or utcnow()
            session.execute(update(RunSite).where(RunSite.run_id == run.id,
                                                  RunSite.status == "running")
                            .values(status="interrupted", finished_at=utcnow()))
            marked += 1
    if marked:
        logger.warning("Marked %d earlier run(s) as interrupted", marked)
    return marked


def running_runs(engine: Engine) -> list[int]:
    """Ids of the runs recorded as ``running``."""
    with session_factory(engine)() as session:
        return list(session.scalars(select(Run.id).where(Run.status == "running")))


def interrupt_site_rows(engine: Engine, source: str, keep_run: int | None = None) -> int:
    """Site crawls of ``source`` still ``running`` in another run: their process is gone (the caller
    holds the site's lock), so they become ``interrupted``; the number marked."""
    with session_factory(engine).begin() as session:
        query = (update(RunSite).where(RunSite.source == source, RunSite.status == "running")
                 .values(status="interrupted", finished_at=utcnow()))
        if keep_run is not None:
            query = query.where(RunSite.run_id != keep_run)
        return session.execute(query).rowcount or 0


# --- one site's crawl ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class KnownAd:
    """A stored open ad: its id, and when its page was last really fetched (UTC)."""

    source_id: str
    fetched_at: datetime | None


@dataclass
class SiteCrawl:
    """The database side of one site's crawl: its run, its ``run_sites`` row, its start time."""

    engine: Engine
    run_id: int
    source: str
    started_at: datetime
    own_run: bool
    row_id: int = 0


def open_site(engine: Engine, source: str, spider: str, run_id: int) -> SiteCrawl:
    """Start recording a site's crawl: a ``run_sites`` row under ``run_id``."""
    crawl = SiteCrawl(engine=engine, run_id=run_id, source=source, started_at=utcnow(),
                      own_run=False)
    with session_factory(engine).begin() as session:
        row = RunSite(run_id=run_id, source=source, spider=spider, started_at=crawl.started_at,
                      status="running")
        session.add(row)
        session.flush()
        crawl.row_id = row.id
    return crawl


#: The problem of a site not crawled because another process holds its lock.
LOCKED_PROBLEM = "another process is crawling this site: not crawled"


def record_locked(engine: Engine, source: str, spider: str, run_id: int) -> None:
    """Record in run ``run_id`` that ``source`` was not crawled: another process holds its lock.

    The row (status ``locked``) is what a coordinator that only reads the database (Scrapyd jobs)
    learns it from; one is there already when the site's job ran before in this run.
    """
    now = utcnow()
    with session_factory(engine).begin() as session:
        exists = session.scalar(select(RunSite.id).where(RunSite.run_id == run_id,
                                                         RunSite.source == source))
        if exists is None:
            session.add(RunSite(run_id=run_id, source=source, spider=spider, started_at=now,
                                finished_at=now, status="locked", finish_reason="locked",
                                problems=[LOCKED_PROBLEM], stats={}))


def known_ads(engine: Engine, source: str) -> dict[str, KnownAd]:
    """The open ads of ``source``, keyed by URL and by ``id:<source_id>``.

    The URL key is the canonical form the listing's keys have (:func:`jobcrawler.urls.ad_url`: no
    tracking or session parameters), so an ad linked with another ``utm_`` or session parameter
    each night is the same known ad. An ad stored before that form existed, with an id made of
    a URL with such parameters (``/job/12?utm_source=x``: :func:`stale_url_id`), is keyed by its
    URL as stored only: its page is stored once more under the clean id, and the old row, no
    longer listed, is closed by the first complete crawl rather than kept open beside it.
    """
    known: dict[str, KnownAd] = {}
    with session_factory(engine)() as session:
        rows = session.execute(select(Job.source_id, Job.url, Job.raw)
                               .where(Job.source == source, Job.status == "open"))
        for source_id, url, raw in rows:
            ad = KnownAd(source_id, utc_time((raw or {}).get("crawled_at")))
            known[url] = ad
            if not stale_url_id(source_id):
                known[ad_url(url)] = ad
            known[f"id:{source_id}"] = ad
    return known


def stale_url_id(source_id: str) -> bool:
    """True for an id made of a URL's path and query (``JsonLdSpider.id_from_url``) before
    tracking and session parameters were taken off: ``/job/12?utm_source=x``."""
    return source_id.startswith("/") and ad_url(source_id) != source_id


def fresh(ad: KnownAd, changed_at: datetime | None, now: datetime, refresh_days: float) -> bool:
    """True when ``ad`` need not be fetched again: fetched after the site's last change of it
    (``changed_at``; None = the site says nothing) and within ``refresh_days``."""
    if ad.fetched_at is None or now - ad.fetched_at > timedelta(days=refresh_days):
        return False
    return changed_at is not None and changed_at <= ad.fetched_at


def record_seen(engine: Engine, source: str, source_ids: Iterable[str], run_id: int | None,
                now: datetime) -> int:
    """Record that these ads were seen (listed) by this run; the number touched."""
    ids = sorted(set(source_ids))
    touched = 0
    for start in range(0, len(ids), 500):
        with session_factory(engine).begin() as session:
            result = session.execute(
                update(Job)
                .where(Job.source == source, Job.source_id.in_(ids[start:start + 500]))
                .values(last_seen=now, last_run_id=run_id, status="open", closed_at=None))
            touched += result.rowcount or 0
    return touched


def close_gone(engine: Engine, source: str, source_ids: Iterable[str], now: datetime) -> int:
    """Close the open ads whose own page said they are gone (404/410); the number closed."""
    ids = sorted(set(source_ids))
    if not ids:
        return 0
    with session_factory(engine).begin() as session:
        result = session.execute(
            update(Job).where(Job.source == source, Job.status == "open",
                              Job.source_id.in_(ids))
            .values(status="closed", closed_at=now))
        return result.rowcount or 0


def close_unseen(engine: Engine, source: str, seen_since: datetime, now: datetime) -> int:
    """Close the open ads of ``source`` not seen since ``seen_since``; the number closed.

    Only after a crawl that read the site's whole listing.
    """
    with session_factory(engine).begin() as session:
        result = session.execute(
            update(Job)
            .where(Job.source == source, Job.status == "open", Job.last_seen < seen_since)
            .values(status="closed", closed_at=now))
        return result.rowcount or 0


def last_clean_stats(engine: Engine, source: str, before_run: int) -> dict[str, Any] | None:
    """The stats of the last clean crawl of ``source`` before this run (None if none)."""
    with session_factory(engine)() as session:
        return session.scalar(
            select(RunSite.stats)
            .where(RunSite.source == source, RunSite.clean.is_(True), RunSite.run_id < before_run)
            .order_by(RunSite.id.desc()).limit(1))


#: The stat (a sorted list, recorded in ``run_sites.stats``) of a crawl's failed ad pages that matched
#: no stored ad: what :func:`persistent_failures` reads back. At most :data:`UNMATCHED_RECORDED` of
#: them are kept; a key left out of a crawl's list counts as not failed in it (it holds closing back).
UNMATCHED_KEYS_STAT = "jobcrawler/ads/unmatched_keys"
UNMATCHED_RECORDED = 100
#: The stat of a site's notes for the run summary: what did not fail its crawl but decided what was
#: closed (a list of sentences, beside the ``jobcrawler/problems`` that fail it).
NOTES_STAT = "jobcrawler/notes"


def persistent_failures(engine: Engine, source: str, before_run: int, keys: Iterable[str],
                        runs: int) -> set[str]:
    """Those of ``keys`` (this crawl's failed ad pages that match no stored ad) that failed so in
    each of the last ``runs`` healthy crawls of ``source`` before this run: they no longer hold
    closing back.

    Healthy crawls (status ``ok``) only: one in which a key did not fail (fetched fine, or not
    listed) starts its count again. A crawl that failed a health check counts neither way: its
    pages may have been cut (a budget, a shutdown: never fetched, so recorded as failed) rather
    than failed; ``locked`` and ``interrupted`` crawls did not judge anything. Fewer than ``runs``
    healthy crawls, or ``runs`` < 1: none.
    """
    wanted = set(keys)
    if runs < 1 or not wanted:
        return set()
    with session_factory(engine)() as session:
        records = list(session.scalars(
            select(RunSite.stats)
            .where(RunSite.source == source, RunSite.status == "ok", RunSite.run_id < before_run)
            .order_by(RunSite.id.desc()).limit(runs)))
    if len(records) < runs:
        return set()
    for stats in records:
        failed = (stats or {}).get(UNMATCHED_KEYS_STAT)
        wanted &= set(failed) if isinstance(failed, list) else set()
    return wanted


@dataclass
class SiteOutcome:
    """How a site's crawl ended, as the extension judged it."""

    reason: str
    status: str
    problems: list[str] = field(default_factory=list)
    #: Whether the whole listing was read and nothing went wrong enough to stop closing.
    complete: bool = False
    #: Known ads listed in this crawl (their pages may have failed): kept open.
    listed: set[str] = field(default_factory=set)
    #: Known ads whose own page said 404/410: closed whatever the listing says.
    gone: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)


def finish_site(crawl: SiteCrawl, outcome: SiteOutcome, stats: dict[str, Any]) -> int:
    """Apply the closing rule and finish the site's row; the number of ads closed."""
    now = utcnow()
    listed = {storage_id(i) for i in outcome.listed} - outcome.gone
    if listed:  # listed ads whose page could not be fetched or stored stay open, as seen
        record_seen(crawl.engine, crawl.source, listed, crawl.run_id, now)
    closed = close_gone(crawl.engine, crawl.source, outcome.gone, now)
    if outcome.complete:
        closed += close_unseen(crawl.engine, crawl.source, crawl.started_at, now)
    with session_factory(crawl.engine).begin() as session:
        row = session.get_one(RunSite, crawl.row_id)
        row.finished_at = now
        row.finish_reason = outcome.reason
        row.clean = outcome.complete and outcome.status == "ok"
        row.status = outcome.status
        row.problems = outcome.problems
        for name, value in outcome.counts.items():
            setattr(row, name, value)
        row.closed = closed
        row.stats = {k: (v.isoformat() if isinstance(v, datetime) else v)
                     for k, v in stats.items()}
    if crawl.own_run:
        finish_run(crawl.engine, crawl.run_id)
    return closed
