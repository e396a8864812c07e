"""A crawl that nothing on the web can crash or corrupt: hostile pages and a killed process,
against a local server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.cli import export as _export
from tests.cli import run
from tests.mockserver import MockServer, Reply
from tests.test_operations import FAST, job_page


def listing_site(tmp_path: Path, url: str, **extra: str) -> Path:
    sites = tmp_path / "sites.toml"
    lines = [f'{k} = "{v}"' for k, v in extra.items()]
    sites.write_text(f"""
[sites.hostile]
platform = "jsonld"
url = "{url}/jobs/"
link_pattern = "/job/"
{chr(10).join(lines)}
""")
    return sites


def html(body: str, charset: str = "utf-8") -> dict[str, str]:
    return {"Content-Type": f"text/html; charset={charset}"}


def test_hostile_pages_end_in_counted_drops_and_the_good_ads_are_stored(tmp_path: Path) -> None:
    good = [f"/job/good-{i}/" for i in range(3)]
    bad = {
        "/job/cp1252/": Reply(200, job_page(9).replace("Lasser 9", "Lasser Liège").encode("cp1252"),
                              html("", "utf-8")),
        "/job/empty/": Reply(200, b""),
        "/job/login/": Reply(200, "<html><body><h1>Log in</h1><form><input name=pw></form></body></html>"),
        "/job/huge/": Reply(200, "<html><body>" + "x" * 11_000_000 + "</body></html>"),  # > 10 MB
        "/job/loop/": Reply(302, "", {"Location": "/job/loop2/"}),
        "/job/loop2/": Reply(302, "", {"Location": "/job/loop/"}),
        "/job/bad-json-ld/": Reply(200, '<script type="application/ld+json">{"@type": "JobPosting", '
                                        '"title": ["not", "a", "string"], "datePosted": 20251201, '
                                        '"jobLocation": "Gent"}</script>'),
        "/job/private-link/": Reply(302, "", {"Location": "http://10.0.0.1/steal"}),
        "/job/error/": Reply(500, "oops"),
    }
    listing = "".join(f'<a href="{p}">{p}</a>' for p in [*good, *bad])
    routes = {"/jobs/": [Reply(200, f"<html><body>{listing}</body></html>")],
              **{p: [Reply(200, job_page(i))] for i, p in enumerate(good)},
              **{p: [r] for p, r in bad.items()}}
    with MockServer(routes) as server:
        sites = listing_site(tmp_path, server.url)
        db = f"sqlite:///{tmp_path / 'hostile.db'}"
        result = run("crawl", "--sites", str(sites), "--db", db, "--log-file", str(tmp_path / "log"),
                             *FAST)
    # the 500 page gave up after its retries: the site is reported, but nothing crashed
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    ads = {ad["title"]: ad for ad in _export(db)}
    # wrong JSON-LD types are read as text where that makes sense, and kept raw
    assert sorted(ads) == ["Lasser 0", "Lasser 1", "Lasser 2", "Lasser Liège", "not, a, string"]
    assert ads["not, a, string"]["locations"][0]["city"] == "Gent"
    con = sqlite3.connect(tmp_path / "hostile.db")
    stats = json.loads(con.execute("SELECT stats FROM run_sites").fetchone()[0])
    assert stats["jobcrawler/dropped/no_jobposting"] >= 2  # empty body, login page
    # the redirect to 10.0.0.1 is refused (Scrapy's offsite filter or ours, whichever sees it first)
    assert stats.get("offsite/filtered", 0) + stats.get("jobcrawler/refused/private_host", 0) == 1
    assert stats.get("retry/max_reached") == 1
    assert sum(v for k, v in stats.items() if k.startswith("jobcrawler/download_errors/")) == 1
    # the redirect loop and the redirect to 10.0.0.1 never reach a page: counted, and logged
    assert stats["jobcrawler/dropped/page_not_fetched"] == 3
    log = (tmp_path / "log").read_text()
    assert "3 listed ad page(s) were never fetched" in log
    assert stats["jobcrawler/ads/failed"] == 5 and stats["jobcrawler/ads/listed"] == 12


def gated_site(n: int, gate: threading.Event) -> MockServer:
    """A listing of ``n`` job pages that are answered only once ``gate`` is set (in this process:
    the crawler under test is the other process), so the test acts while the crawl is under way."""
    paths = [f"/job/{i}/" for i in range(n)]
    routes = {"/jobs/": [Reply(200, "".join(f'<a href="{p}">x</a>' for p in paths))]}
    routes.update({p: [Reply(200, job_page(i), gate=gate)] for i, p in enumerate(paths)})
    return MockServer(routes)


def wait_until(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not after {timeout:g} s"
        time.sleep(0.05)


#: The second crawl: no politeness delays, many requests at once.
QUICK = [*FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]


def test_kill_9_then_a_new_crawl_leaves_a_consistent_database(tmp_path: Path) -> None:
    root = str(Path(__file__).resolve().parent.parent)
    gate = threading.Event()
    with gated_site(40, gate) as server:
        sites = listing_site(tmp_path, server.url)
        db_path = tmp_path / "killed.db"
        db = f"sqlite:///{db_path}"
        env = {**os.environ, "PYTHONPATH": root}
        crawler = subprocess.Popen(
            [sys.executable, "-m", "jobcrawler", "crawl", "--sites", str(sites), "--db", db],
            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # killed while it waits for its first ad pages (the run and the site are recorded by then)
        wait_until(lambda: any(path.startswith("/job/") for _, path in server.requests),
                   "the crawl never asked for an ad page")
        os.kill(crawler.pid, signal.SIGKILL)
        crawler.wait()
        con = sqlite3.connect(db_path)
        assert con.execute("SELECT status FROM runs").fetchall() == [("running",)]
        assert con.execute("SELECT count(*) FROM run_sites").fetchone() == (1,)
        gate.set()
        # the next run (same site, asking more at once) marks it interrupted and completes
        result = run("crawl", "--sites", str(sites), "--db", db, *QUICK,
                     env={"JOBCRAWLER_STORE_FLUSH_SECONDS": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    rows = con.execute("SELECT id, status FROM runs ORDER BY id").fetchall()
    assert [s for _, s in rows] == ["interrupted", "ok"]
    assert con.execute("SELECT count(*), count(DISTINCT source_id) FROM jobs").fetchone() == (40, 40)
    assert con.execute("SELECT count(*) FROM jobs WHERE status = 'closed'").fetchone() == (0,)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_database_locked_mid_crawl_spools_and_loses_nothing(tmp_path: Path) -> None:
    """Another writer holds the SQLite file for the rest of the crawl: the items go to the spool,
    the exit status says so, load-spool stores them later, and the next crawl is consistent.
    The crawl runs in this process (SQLite's locks hold between two connections of one process as
    between two processes); the process boundary is tested by the kill -9 test above."""
    db_path = tmp_path / "locked.db"
    db = f"sqlite:///{db_path}"
    # a write waits 0.2 s for the lock before it counts as failed (a busy server would wait 10 s)
    env = {"JOBCRAWLER_SQLITE_TIMEOUT": "0.2"}
    gate = threading.Event()
    with gated_site(12, gate) as server, ThreadPoolExecutor(1) as pool:
        sites = listing_site(tmp_path, server.url)
        crawl = pool.submit(run, "crawl", "--sites", str(sites), "--db", db,
                            "-s", f"JOBCRAWLER_SPOOL_DIR={tmp_path / 'spool'}", *FAST, env=env)
        # the crawl has recorded its run and waits for its ad pages: lock the file, then answer
        wait_until(lambda: any(path.startswith("/job/") for _, path in server.requests) or crawl.done(),
                   "the crawl never asked for an ad page")
        assert not crawl.done(), crawl.result()
        blocker = sqlite3.connect(db_path, timeout=5)
        assert blocker.execute("SELECT count(*) FROM run_sites").fetchone() == (1,)
        blocker.execute("BEGIN EXCLUSIVE")  # from now on every other writer waits
        gate.set()
        result = crawl.result(timeout=120)
        blocker.rollback()
        blocker.close()
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        [spool] = (tmp_path / "spool").glob("*.jsonl")
        assert len(spool.read_text().splitlines()) == 12  # every fetched ad kept
        loaded = run("load-spool", str(spool), "--db", db)
        assert loaded.returncode == 0 and "12 new" in loaded.stdout, loaded.stdout + loaded.stderr
        again = run("crawl", "--sites", str(sites), "--db", db, *QUICK)
    assert again.returncode == 0, again.stdout + again.stderr
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT count(*), count(DISTINCT source_id) FROM jobs").fetchone() == (12, 12)
    statuses = [s for (s,) in con.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses[0] == "interrupted" and statuses[-1] == "ok"


def test_network_faults_fail_their_site_only(tmp_path: Path) -> None:
    """Connection refused and timeouts: retried, then reported for that site; the others finish."""
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    good = "".join(f'<a href="/job/{i}/">{i}</a>' for i in range(3))
    never = threading.Event()  # the slow page answers only after the crawl: it always times out
    routes = {"/jobs/": [Reply(200, good)], **{f"/job/{i}/": [Reply(200, job_page(i))] for i in range(3)},
              "/slow/": [Reply(200, '<a href="/job/slow/">x</a>')],
              "/job/slow/": [Reply(200, job_page(9), gate=never)]}
    with MockServer(routes) as server, contextlib.ExitStack() as stack:
        stack.callback(never.set)  # before the server stops: its waiting threads end
        sites = tmp_path / "sites.toml"
        sites.write_text(f"""
[sites.good]
platform = "jsonld"
url = "{server.url}/jobs/"
link_pattern = "/job/"

[sites.refused]
platform = "jsonld"
url = "http://127.0.0.1:{closed_port}/jobs/"
link_pattern = "/job/"

[sites.slow]
platform = "jsonld"
url = "{server.url}/slow/"
link_pattern = "/job/"
""")
        db = f"sqlite:///{tmp_path / 'net.db'}"
        result = run("crawl", "--sites", str(sites), "--db", db, "-s", "DOWNLOAD_TIMEOUT=1",
                     "-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    status = {line.split()[0]: line.split()[-1] for line in result.stdout.splitlines()[1:4]}
    assert status == {"good": "ok", "refused": "failed", "slow": "failed"}
    assert sorted(ad["title"] for ad in _export(db)) == ["Lasser 0", "Lasser 1", "Lasser 2"]
