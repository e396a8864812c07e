"""Two crawls of one site: the second reports it locked (exit 4 when nothing could run) or waits;
a killed crawl leaves no lock."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import text

from jobcrawler.storage.db import get_engine
from jobcrawler.storage.lock import LockHeld, RunLock, advisory_key, site_lock
from tests.cli import export, in_reactor, run
from tests.conftest import ROOT

HOLDER = """
import sys, time
from jobcrawler.storage.lock import site_lock
from jobcrawler.storage.db import get_engine
lock = site_lock(get_engine(sys.argv[1]), "vivid")
lock.acquire()
print("locked", flush=True)
time.sleep(120)
"""


def test_second_lock_is_refused_then_waits(db_url: str) -> None:
    engine = get_engine(db_url)
    with RunLock(engine):
        other = RunLock(get_engine(db_url), wait=0)
        with pytest.raises(LockHeld):
            other.acquire()
        started = time.monotonic()
        with pytest.raises(LockHeld):
            RunLock(engine, wait=1.0).acquire()
        assert time.monotonic() - started >= 0.9
    with RunLock(engine):  # released: free again
        pass


def test_concurrent_replay_exits_4_and_killed_holder_leaves_no_lock(db_url: str) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, db_url], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = run("replay", "vivid", "--db", db_url)
        assert result.returncode == 4, result.stderr + result.stdout
        assert "vivid: another process is crawling this site" in result.stdout
        assert "nothing ran" in result.stdout
    finally:
        os.kill(holder.pid, signal.SIGKILL)  # kill -9: no cleanup runs
        holder.wait()
    result = run("replay", "vivid", "--db", db_url)
    assert result.returncode == 0, result.stderr + result.stdout


class _OnLog(logging.Handler):
    """Sets ``event`` when a record starting with ``start`` and ending with ``end`` is logged."""

    def __init__(self, start: str, end: str, event: threading.Event) -> None:
        super().__init__(logging.INFO)
        self.start, self.end, self.event = start, end, event

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith(self.start) and message.endswith(self.end):
            self.event.set()


def test_wait_gets_the_lock_when_the_other_run_ends(sqlite_url: str) -> None:
    """The holder lets its lock go once the replay says it waits for it (not after a fixed time,
    which under load could pass before the replay even asked)."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER.replace("time.sleep(120)", "sys.stdin.read()"),
                               sqlite_url], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    waiting = threading.Event()
    log = logging.getLogger("jobcrawler.extensions")
    handler = _OnLog("vivid: another process is crawling this site", "waiting up to 120 s for it", waiting)
    log.addHandler(handler)

    def end_the_holder_once_the_replay_waits() -> None:
        waiting.wait(60)
        holder.stdin.close()  # the holder reads to the end, exits, and its lock goes with it

    ender = threading.Thread(target=end_the_holder_once_the_replay_waits)
    try:
        assert holder.stdout.readline().strip() == "locked"
        ender.start()
        result = run("replay", "vivid", "--db", sqlite_url, "--wait", "120")
        assert waiting.is_set(), "the replay never said it waits for the lock"
        assert result.returncode == 0, result.stderr
        assert holder.wait(60) == 0  # it ended as told, not killed
    finally:
        log.removeHandler(handler)
        waiting.set()
        if ender.is_alive():
            ender.join()
        holder.kill()
        holder.wait()


def test_lock_files_are_kept_in_one_folder_beside_the_database(tmp_path) -> None:
    """A run leaves the database and one folder of lock files beside it, not a file per site: a
    site's file stays (deleting it could let two processes hold the site), the run's goes."""
    db = tmp_path / "data" / "ads.db"
    db.parent.mkdir()
    result = run("replay", "vivid", "adecco", "--db", f"sqlite:///{db}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in db.parent.iterdir() if "lock" in p.name) == ["ads.db.locks"]
    assert sorted(p.name for p in (db.parent / "ads.db.locks").iterdir()) == [
        "site_adecco.lock", "site_vivid.lock"]
    with RunLock(get_engine(f"sqlite:///{db}")) as lock:  # load-spool's, renormalize's
        assert lock.description == str(db.parent / "ads.db.locks" / "database.lock")
        with pytest.raises(LockHeld):
            RunLock(get_engine(f"sqlite:///{db}")).acquire()


def test_a_locked_site_is_reported_and_the_others_still_run(sqlite_url: str) -> None:
    """Last night's crawl of one site still runs (it holds that site's lock): tonight's run
    crawls every other site and reports that one as locked (exit 1, not 4)."""
    with site_lock(get_engine(sqlite_url), "vivid"):
        result = run("replay", "vivid", "adecco", "--db", sqlite_url)
    assert result.returncode == 1, result.stdout + result.stderr
    status = {line.split()[0]: line.split()[-1] for line in result.stdout.splitlines()[1:3]}
    assert status == {"vivid": "locked", "adecco": "ok"}
    assert {ad["source"] for ad in export(sqlite_url)} == {"adecco"}
    with get_engine(sqlite_url).connect() as conn:  # what a coordinator of Scrapyd jobs reads
        rows = dict(conn.execute(text("SELECT source, status FROM run_sites")).all())
    assert rows == {"vivid": "locked", "adecco": "ok"}


def plain_scrapy_crawl(db_url: str) -> dict:
    """``scrapy crawl vivid -a site=vivid`` with the project's settings, in the test process."""
    from scrapy.crawler import CrawlerRunner
    from scrapy.settings import Settings
    from scrapy.utils.defer import maybe_deferred_to_future

    from jobcrawler.spiders.vivid import VividResourcingSpider

    settings = Settings()
    settings.setmodule("jobcrawler.settings", priority="project")
    settings.setdict({"JOBCRAWLER_DB_URL": db_url, "JOBCRAWLER_REPLAY": True,
                      "JOBCRAWLER_SITES": str(ROOT / "sites.toml"),
                      "JOBCRAWLER_FIXTURES_DIR": str(ROOT / "fixtures")}, priority="cmdline")

    async def crawl() -> dict:
        runner = CrawlerRunner(settings)
        crawler = runner.create_crawler(VividResourcingSpider)
        await maybe_deferred_to_future(runner.crawl(crawler, site="vivid"))
        return crawler.stats.get_stats()

    return in_reactor(crawl())


def test_plain_scrapy_crawl_takes_the_sites_lock_and_records_its_run(sqlite_url: str) -> None:
    with site_lock(get_engine(sqlite_url), "vivid"):
        stats = plain_scrapy_crawl(sqlite_url)
    assert stats["jobcrawler/locked"] == 1 and stats["finish_reason"] == "locked"
    assert stats.get("downloader/request_count", 0) == 0
    stats = plain_scrapy_crawl(sqlite_url)
    assert stats["finish_reason"] == "finished" and stats["jobcrawler/store/new"] == 2
    [only_run] = run("runs", "--db", sqlite_url).stdout.splitlines()[1:]  # the locked one ran nothing
    assert only_run.split()[1] == "scrapy" and " ok " in only_run


def lock_holders(pg_url: str, name: str) -> list[int]:
    """The server processes holding lock ``name`` in the test's schema."""
    import psycopg

    schema = pg_url.rsplit("search_path%3D", 1)[1]
    unsigned = advisory_key(f"test.{schema}", name) & 0xFFFF_FFFF_FFFF_FFFF
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as conn:
        return [pid for (pid,) in conn.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = %s "
            "AND objid = %s", (unsigned >> 32, unsigned & 0xFFFF_FFFF))]


def kill_lock_connection(pg_url: str, name: str) -> list[int]:
    """Terminate the server connections holding lock ``name`` in the test's schema (a network
    cut); their process ids."""
    import psycopg

    pids = lock_holders(pg_url, name)
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as conn:
        for pid in pids:
            conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
    return pids


def wait_for_new_holder(pg_url: str, name: str, old: list[int], timeout: float = 20) -> list[int]:
    """The holders of lock ``name`` once a process other than ``old`` holds it (empty after
    ``timeout`` seconds): waits for a state of the server, whatever the machine's load."""
    deadline = time.monotonic() + timeout
    while (holders := lock_holders(pg_url, name)) == [] or set(holders) & set(old):
        if time.monotonic() >= deadline:
            return []
        time.sleep(0.05)
    return holders


@pytest.mark.postgres
def test_a_lost_lock_connection_is_taken_again_and_never_fails_the_run(pg_url: str) -> None:
    lock = site_lock(get_engine(pg_url), "acme")
    lock.acquire()
    assert len(kill_lock_connection(pg_url, "site:acme")) == 1
    lock.release()  # the connection is gone, and the lock with it: no error
    lock.acquire()
    assert len(kill_lock_connection(pg_url, "site:acme")) == 1
    assert lock.check()  # taken again on a new connection
    with pytest.raises(LockHeld):
        site_lock(get_engine(pg_url), "acme").acquire()
    lock.release()


@pytest.mark.postgres
def test_a_crawl_whose_lock_connection_drops_keeps_the_site_locked(pg_url: str, tmp_path) -> None:
    """The PostgreSQL connection holding the site's lock is cut mid-crawl: the crawl takes the
    lock again (a second crawl of the site cannot start meanwhile), stores everything and ends
    with its summary and status 0 (it used to exit 3 without a summary).

    Driven by events, not by time: the job pages are held back (gated) until the test has seen
    the crawl take its lock again and a second crawl refused, so the crawl cannot end first."""
    from tests.mockserver import MockServer, Reply
    from tests.test_operations import FAST, job_page

    fetching, proceed = threading.Event(), threading.Event()
    paths = [f"/job/{i}/" for i in range(10)]
    routes = {"/jobs/": [Reply(200, "".join(f'<a href="{p}">x</a>' for p in paths))],
              **{p: [Reply(200, job_page(i), gate=proceed, arrived=fetching)]
                 for i, p in enumerate(paths)}}
    seen: dict[str, object] = {}

    def cut_then_try_a_second_crawl() -> None:
        try:
            if not fetching.wait(60):  # the crawl holds the site's lock and is fetching ads
                return
            killed = kill_lock_connection(pg_url, "site:local")
            seen["killed"] = len(killed)
            # the crawl checks its lock every 0.2 s: it takes it again on a new connection (20 s
            # at most: before the gate or a download times out and lets the crawl end)
            seen["retaken"] = bool(wait_for_new_holder(pg_url, "site:local", killed))
            second = site_lock(get_engine(pg_url), "local")
            try:
                second.acquire()
            except LockHeld:
                seen["second"] = "locked out"
            else:
                seen["second"] = "started"
                second.release()
        finally:
            proceed.set()  # the job pages go out: the crawl ends

    with MockServer(routes) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.local]\nplatform = "jsonld"\nurl = "{server.url}/jobs/"\n'
                         'link_pattern = "/job/"\n')
        watcher = threading.Thread(target=cut_then_try_a_second_crawl)
        watcher.start()
        try:
            result = run("crawl", "--sites", str(sites), "--db", pg_url, *FAST,
                         "-s", "JOBCRAWLER_LOCK_CHECK_SECONDS=0.2")
        finally:
            proceed.set()
            watcher.join()
    assert seen == {"killed": 1, "retaken": True, "second": "locked out"}
    assert result.returncode == 0, result.stdout + result.stderr
    assert "run 1: ok" in result.stdout
    assert len(export(pg_url)) == 10
