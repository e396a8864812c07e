"""Many sites in one ``jobcrawler crawl``: at most JOBCRAWLER_SITES_AT_ONCE crawls at a time, every
site crawled, no traceback (the small version of benchmarks/many_sites.py)."""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

from scrapy.settings import Settings

from jobcrawler.ops.runner import SITES_PER_CPU, sites_at_once
from tests.conftest import ROOT
from tests.test_cli import run

sys.path.insert(0, str(ROOT / "benchmarks"))

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]


def max_overlap(intervals: list[tuple[datetime, datetime]]) -> int:
    """The most intervals open at one moment."""
    events = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    most = current = 0
    for _, step in events:
        current += step
        most = max(most, current)
    return most


def test_sites_at_once_bounds_the_crawls_and_every_site_is_crawled(tmp_path: Path) -> None:
    from many_sites import server, write_registry

    sites, ads = 24, 2
    db = tmp_path / "many.db"
    with server(sites, ads) as port:
        write_registry(tmp_path / "sites.toml", sites, port)
        result = run("crawl", "--sites", str(tmp_path / "sites.toml"), "--db", f"sqlite:///{db}",
                     *FAST, "-s", "JOBCRAWLER_SITES_AT_ONCE=3", cwd=tmp_path,
                     env={"SCRAPY_SETTINGS_MODULE": "jobcrawler.settings"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert sum(1 for line in result.stdout.splitlines() if line.endswith("  ok")) == sites
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*), count(DISTINCT url) FROM jobs").fetchone() == (48, 48)
        rows = con.execute("SELECT started_at, finished_at FROM run_sites").fetchall()
        stats = [json.loads(row[0]) for row in con.execute("SELECT stats FROM run_sites")]
    assert all(s.get("scheduler/enqueued/disk") for s in stats)  # each site its own disk queue
    assert len(rows) == sites
    overlap = max_overlap([(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in rows])
    assert 2 <= overlap <= 3


def test_sites_at_once_default_comes_from_the_machine(monkeypatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    assert sites_at_once(Settings({"JOBCRAWLER_SITES_AT_ONCE": 0})) == 4 * SITES_PER_CPU
    assert sites_at_once(Settings({"JOBCRAWLER_SITES_AT_ONCE": "5"})) == 5
    assert sites_at_once(Settings({})) == 4 * SITES_PER_CPU


def test_max_overlap() -> None:
    t = [datetime(2026, 1, 1, 0, 0, s) for s in range(6)]
    assert max_overlap([(t[0], t[2]), (t[1], t[3]), (t[2], t[4])]) == 2  # end before start at t2
    assert max_overlap([(t[0], t[5]), (t[1], t[2]), (t[3], t[4])]) == 2


def test_download_handler_close_never_fires_twice() -> None:
    """Scrapy's handler schedules ``d.callback`` one second after closing its pool and cancels it
    only when the awaiting coroutine resumes; on a busy event loop the timed call ran first and
    Twisted logged AlreadyCalledError (one traceback per site closed, at 1,000 sites)."""
    from twisted.internet.defer import Deferred, gatherResults
    from twisted.web.client import HTTPConnectionPool

    from jobcrawler.downloadhandlers import _fire_once

    closed = HTTPConnectionPool(None).closeCachedConnections()  # no connection: fired at once
    _fire_once(closed)  # the pool closed first: nothing happens
    assert closed.called and closed.result is None
    # a connection that never closes: the handler gives up (the same Deferred shape as the pool's)
    hanging = gatherResults([Deferred()]).addCallback(lambda _: None)
    _fire_once(hanging)
    assert hanging.called and hanging.result is None


def test_every_http_crawl_uses_the_handler(monkeypatch) -> None:
    from scrapy.utils.misc import load_object

    from jobcrawler.downloadhandlers import HTTP11DownloadHandler
    from jobcrawler.ops.runner import crawl_settings

    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "jobcrawler.settings")  # as jobcrawler's main() does
    handlers = crawl_settings("crawl", "sqlite://").getdict("DOWNLOAD_HANDLERS")
    assert load_object(handlers["http"]) is load_object(handlers["https"]) is HTTP11DownloadHandler
