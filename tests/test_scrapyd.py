"""jobcrawler crawl --scrapyd: two Scrapyd nodes on 127.0.0.1 (own ports and folders, the project
deployed to both with jobcrawler deploy) crawl loopback sites into one PostgreSQL database."""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from jobcrawler.ops.scrapyd import ScrapydError, node_urls, schedule_args
from jobcrawler.sites import Site
from tests.conftest import ROOT
from tests.test_cli import run

pytest.importorskip("scrapyd")
sys.path.insert(0, str(ROOT / "benchmarks"))

#: Fast polling for the test; politeness delays off (each site is its own host anyway).
SETTINGS = ["-s", "JOBCRAWLER_SCRAPYD_POLL_SECONDS=0.3", "-s", "JOBCRAWLER_SCRAPYD_NODE_FAILURES=2",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]


def finished_jobs(url: str) -> int:
    from scrapyd_bench import get_json

    return len(get_json(f"{url}/listjobs.json?project=jobcrawler")["finished"])


def test_schedule_args_pass_every_registry_key() -> None:
    site = Site("acme", "jsonld", {"url": "https://acme.example/sitemap.xml", "countries": ["BE", "LU"]})
    assert schedule_args(site, {"JOBCRAWLER_RUN_ID": 7}) == [
        ("setting", "JOBCRAWLER_RUN_ID=7"), ("site", "acme"),
        ("url", "https://acme.example/sitemap.xml"), ("countries", "BE,LU")]
    with pytest.raises(ScrapydError):
        schedule_args(Site("x", "jsonld", {"project": "p"}), {})
    assert node_urls("http://a:6800/, http://b:6800") == ["http://a:6800", "http://b:6800"]
    with pytest.raises(ScrapydError):
        node_urls("a:6800")


def test_crawl_without_postgres_or_deployed_project_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sites.toml").write_text('[sites.a]\nplatform = "jsonld"\nurl = "http://127.0.0.1:9/s.xml"\n')
    result = run("crawl", "--sites", str(tmp_path / "sites.toml"), "--db", f"sqlite:///{tmp_path / 'x.db'}",
                 "--scrapyd", "http://127.0.0.1:9")
    assert result.returncode == 2 and "PostgreSQL" in result.stderr


@pytest.mark.postgres
@pytest.mark.parametrize("sites", [2, pytest.param(40, marks=pytest.mark.soak)])
def test_two_nodes_crawl_sites_into_postgres_and_a_dead_node_is_reported(
        tmp_path: Path, pg_url: str, sites: int) -> None:
    """Each job is a Python process (about 2.5 s of CPU), so the default run crawls as few as still
    prove it: 2 sites (one per node: the least busy node first), then node A killed while it crawls
    the one site of the second run, which B crawls again (5 jobs in all). The issue's 40 sites
    (20 in the second run, 60+ jobs) with ``pytest -m soak``."""
    from many_sites import server, write_registry
    from scrapyd_bench import get_json, kill_group, scrapyd_node

    ads = 3
    with ExitStack() as stack:
        port = stack.enter_context(server(sites, ads))
        (url_a, node_a), (url_b, _node_b) = (stack.enter_context(scrapyd_node(tmp_path / n))
                                             for n in ("node-a", "node-b"))
        deployed = run("deploy", f"{url_a},{url_b}")
        assert deployed.returncode == 0, deployed.stderr
        assert deployed.stdout.count("jobcrawler deployed") == 2
        registry = tmp_path / "sites.toml"
        write_registry(registry, sites, port)

        result = run("crawl", "--sites", str(registry), "--db", pg_url, "--scrapyd", f"{url_a},{url_b}",
                     *SETTINGS)
        assert result.returncode == 0, result.stdout + result.stderr
        rows = [line.split() for line in result.stdout.splitlines()[1:sites + 1]]
        assert len(rows) == sites and all(r[-1] == "ok" and r[3] == str(ads) and r[4] == str(ads)
                                          for r in rows), result.stdout
        engine = create_engine(pg_url)
        with engine.connect() as con:
            assert con.execute(text("SELECT count(*), count(DISTINCT (source, source_id)) FROM jobs")
                               ).one() == (sites * ads, sites * ads)
            run_id = con.execute(text("SELECT max(id) FROM runs")).scalar()
            assert con.execute(text("SELECT status, new, items_seen FROM runs WHERE id = :r"),
                               {"r": run_id}).one() == ("ok", sites * ads, sites * ads)
            assert con.execute(text("SELECT count(*) FROM run_sites WHERE run_id = :r AND status = 'ok'"),
                               {"r": run_id}).scalar() == sites
        assert finished_jobs(url_a) > 0 and finished_jobs(url_b) > 0

        # the second run, on some sites (the first goes to A: both nodes are idle, A comes first):
        # node A dies (with its jobs) while it crawls; they go to B
        some = [f"s{k:05d}" for k in range(sites // 2)]
        # the coordinator in a thread of this process (it runs no reactor): no Python start-up
        pool = stack.enter_context(ThreadPoolExecutor(1))
        crawl = pool.submit(run, "crawl", *some, "--sites", str(registry), "--db", pg_url,
                            "--scrapyd", f"{url_a},{url_b}", *SETTINGS, "-s", "DOWNLOAD_DELAY=0.3")
        deadline = time.monotonic() + 60
        while not get_json(f"{url_a}/listjobs.json?project=jobcrawler")["running"]:
            assert time.monotonic() < deadline and not crawl.done(), "node A never ran a job"
            time.sleep(0.1)
        kill_group(node_a)
        second = crawl.result(timeout=240)
        assert second.returncode == 1, second.stdout + second.stderr
        assert f"Scrapyd node {url_a} stopped answering" in second.stdout
        assert "were crawled again on another node" in second.stdout
        assert "Traceback" not in second.stderr
        with engine.connect() as con:
            run_id = con.execute(text("SELECT max(id) FROM runs")).scalar()
            status, message = con.execute(text("SELECT status, message FROM runs WHERE id = :r"),
                                          {"r": run_id}).one()
            assert status == "failed" and url_a in message
            # every site was crawled once more on node B: nothing lost, nothing stored twice
            assert con.execute(text("SELECT count(*) FROM run_sites WHERE run_id = :r AND status = 'ok'"),
                               {"r": run_id}).scalar() == len(some)
            assert con.execute(text("SELECT count(*) FROM jobs WHERE status = 'open'")).scalar() == sites * ads


class FakeNode:
    """A Scrapyd node in the test process: a scheduled job runs for ``ticks`` reads of listjobs,
    then writes its site's run_sites row (as the job's extension would) and ends."""

    def __init__(self, engine, run_id: int, ticks: int = 1, hangs: bool = False,
                 locked: bool = False) -> None:
        self.engine, self.run_id, self.ticks, self.hangs = engine, run_id, ticks, hangs
        self.locked = locked  # the job finds its site locked (the extension records that)
        self.running: dict[str, list] = {}  # job id -> [site, reads left]
        self.scheduled: list[str] = []
        self.cancelled: list[tuple[str, str]] = []
        self.dead = False

    def schedule(self, project: str, spider: str, args: list[tuple[str, str]]) -> str:
        site = dict(args)["site"]
        if site == "refused":
            from scrapyd_client.exceptions import ErrorResponse

            raise ErrorResponse("spider 'jsonld' not found")
        job_id = f"{site}-{len(self.scheduled)}"
        self.scheduled.append(site)
        self.running[job_id] = [site, self.ticks]
        return job_id

    def jobs_listing(self) -> dict:
        if self.dead:
            raise ConnectionError("refused")
        running = []
        for job_id, state in list(self.running.items()):
            state[1] -= 1
            if state[1] >= 0 or (self.hangs and not any(c[0] == job_id for c in self.cancelled)):
                running.append({"id": job_id})
            else:
                del self.running[job_id]
                self._record(state[0])
        return {"pending": [], "running": running, "finished": []}

    def jobs(self, project: str) -> dict:
        return self.jobs_listing()

    def cancel_with(self, project: str, job: str, signal: str) -> None:
        self.cancelled.append((job, signal))

    def _record(self, site: str) -> None:
        from datetime import UTC, datetime

        from jobcrawler.storage.db import session_factory
        from jobcrawler.storage.lifecycle import record_locked
        from jobcrawler.storage.models import RunSite

        if self.locked:
            record_locked(self.engine, site, "jsonld", self.run_id)
            return
        now = datetime.now(UTC)
        with session_factory(self.engine).begin() as session:
            session.add(RunSite(run_id=self.run_id, source=site, spider="jsonld", started_at=now,
                                finished_at=now, status="ok", clean=True, problems=[], items_seen=2,
                                new=2, stats={"elapsed_time_seconds": 1.5}))


def _coordinator(sqlite_url: str, **options):
    from jobcrawler.ops.scrapyd import Coordinator
    from jobcrawler.storage.db import open_database
    from jobcrawler.storage.lifecycle import start_run

    engine = open_database(sqlite_url)
    run_id, _lock = start_run(engine, "crawl", ["a", "b"])
    coordinator = Coordinator(engine, run_id, ["http://n1", "http://n2"], {}, poll=0, **options)
    return coordinator, engine, run_id


SITES = [Site("a", "jsonld", {"url": "http://127.0.0.1:9/a.xml"}),
         Site("b", "jsonld", {"url": "http://127.0.0.1:9/b.xml"})]


def test_coordinator_spreads_sites_and_reads_their_rows(sqlite_url: str) -> None:
    coordinator, engine, run_id = _coordinator(sqlite_url)
    one, two = FakeNode(engine, run_id), FakeNode(engine, run_id)
    coordinator.nodes[0].client, coordinator.nodes[1].client = one, two
    coordinator.run([*SITES, Site("refused", "jsonld", {})])
    assert one.scheduled == ["a"] and two.scheduled == ["b"]  # the least busy node first
    assert [(r.status, r.items, r.new, r.seconds) for r in coordinator.results.values()][:2] == [
        ("ok", 2, 2, 1.5), ("ok", 2, 2, 1.5)]
    assert coordinator.results["refused"].problems == [
        "http://n1 refused the job: spider 'jsonld' not found"]  # a site's problem, not the node's
    assert coordinator.problems == []


def test_coordinator_dead_node_is_reported_and_its_site_crawled_on_the_other(sqlite_url: str) -> None:
    coordinator, engine, run_id = _coordinator(sqlite_url, node_failures=2)
    one, two = FakeNode(engine, run_id, ticks=5), FakeNode(engine, run_id)
    coordinator.nodes[0].client, coordinator.nodes[1].client = one, two
    one.dead = True  # dies once it has its job
    coordinator.run(SITES)
    assert one.scheduled == ["a"] and two.scheduled == ["b", "a"]
    assert coordinator.results["a"].status == "ok"
    assert coordinator.problems == ["Scrapyd node http://n1 stopped answering (ConnectionError); "
                                    "its site(s) a were crawled again on another node"]


def test_coordinator_job_that_never_ends_is_cancelled_and_tried_once_more(sqlite_url: str) -> None:
    coordinator, engine, run_id = _coordinator(sqlite_url, job_timeout=0)
    one, two = FakeNode(engine, run_id, hangs=True), FakeNode(engine, run_id, hangs=True)
    coordinator.nodes[0].client, coordinator.nodes[1].client = one, two
    coordinator.run(SITES[:1])
    assert one.scheduled == ["a"] and two.scheduled == ["a"]  # once more, on the other node
    assert [signal for _, signal in one.cancelled + two.cancelled] == ["TERM", "TERM"]
    result = coordinator.results["a"]
    assert result.status == "failed" and "was cancelled (too long)" in result.problems[-1]
    assert len(coordinator.problems) == 2 and "ran longer than 0 s" in coordinator.problems[0]


def test_coordinator_leaves_a_site_another_process_crawls(sqlite_url: str) -> None:
    """A second coordinator (or any crawl) holding a site's lock: that site is reported locked and
    not scheduled; when every site is locked the run exits 4."""
    from jobcrawler.ops.command import EXIT_LOCKED, EXIT_SITES_FAILED
    from jobcrawler.ops.runner import RunResult
    from jobcrawler.storage.lock import site_lock

    coordinator, engine, run_id = _coordinator(sqlite_url)
    one, two = FakeNode(engine, run_id), FakeNode(engine, run_id)
    coordinator.nodes[0].client, coordinator.nodes[1].client = one, two
    held = site_lock(engine, "a")
    held.acquire()
    try:
        coordinator.run(SITES)
    finally:
        held.release()
    assert one.scheduled + two.scheduled == ["b"]
    locked = coordinator.results["a"]
    assert locked.status == "locked" and "another process is crawling" in locked.problems[0]
    assert RunResult(run_id, list(coordinator.results.values())).exit_status == EXIT_SITES_FAILED
    assert RunResult(run_id, [locked]).exit_status == EXIT_LOCKED


def test_coordinator_reads_a_locked_site_from_its_row(sqlite_url: str) -> None:
    """With --wait the coordinator schedules a locked site anyway; its job waits, gives up and
    leaves a ``locked`` row: the site is reported locked, though its lock is free by then."""
    coordinator, engine, run_id = _coordinator(sqlite_url, lock_wait=5)
    one, two = FakeNode(engine, run_id, locked=True), FakeNode(engine, run_id, locked=True)
    coordinator.nodes[0].client, coordinator.nodes[1].client = one, two
    coordinator.run(SITES[:1])
    assert one.scheduled + two.scheduled == ["a"]
    result = coordinator.results["a"]
    assert (result.status, result.problems) == ("locked", [
        "another process is crawling this site: not crawled"])


def test_a_site_job_needs_no_registry_file(tmp_path: Path) -> None:
    """A node has no sites.toml: a job of a site whose table holds nothing but its platform
    (``-a site=NAME`` alone) runs on its arguments, as the coordinator sets it."""
    from scrapy.utils.test import get_crawler

    from jobcrawler.sites import SiteConfigError
    from jobcrawler.spiders.vivid import VividResourcingSpider

    missing = {"JOBCRAWLER_SITES": str(tmp_path / "sites.toml")}
    with pytest.raises(SiteConfigError, match="no site registry"):
        VividResourcingSpider.from_crawler(get_crawler(VividResourcingSpider, missing), site="vivid")
    crawler = get_crawler(VividResourcingSpider, {**missing, "JOBCRAWLER_SITE_FROM_ARGS": True})
    spider = VividResourcingSpider.from_crawler(crawler, site="vivid")
    assert (spider.site, spider.base_url) == ("vivid", "https://www.vividresourcing.com")
