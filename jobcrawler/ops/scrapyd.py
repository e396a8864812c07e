"""Crawl sites as Scrapyd jobs on one or more nodes, all writing to one PostgreSQL database.

Each site is one job, ``scrapy crawl PLATFORM -a site=NAME -a ...`` with the database and the run's
id as settings: the same site crawl ``jobcrawler crawl`` runs in-process (the same extension records
it in the run's ``run_sites`` row, runs the health checks and closes unseen ads), so the coordinator
reads each site's result from the database and prints the same summary.

The coordinator keeps each node's queue short (``JOBCRAWLER_SCRAPYD_QUEUE`` pending jobs) and gives
the next site to the least busy node (pending + running, from ``listjobs.json``). A node that stops
answering, and a job that runs longer than ``JOBCRAWLER_SCRAPYD_JOB_TIMEOUT``, are reported; the
site is crawled once more on another node.

Nodes run Scrapyd in a Python environment with jobcrawler installed (``pip install
'jobcrawler[scale]'``: the job needs its dependencies, migrations and data as files); the deployed
egg (:func:`deploy`) registers the project and its settings module with Scrapyd.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

from jobcrawler.ops.command import EXIT_NOTHING_RAN, EXIT_USAGE, CommandError
from jobcrawler.ops.runner import RunResult, SiteResult, _cluster, crawl_settings
from jobcrawler.storage.db import database_url, open_database, session_factory
from jobcrawler.storage.lifecycle import LOCKED_PROBLEM, NOTES_STAT, end_run, start_run
from jobcrawler.storage.lock import LockHeld, site_lock
from jobcrawler.storage.models import RunSite

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from jobcrawler.sites import Site

logger = logging.getLogger(__name__)

PROJECT = "jobcrawler"
#: schedule.json parameters that cannot be spider arguments.
_RESERVED = {"project", "spider", "setting", "jobid", "_version", "priority"}
#: Settings of the coordinator's command line that mean nothing on a node.
_LOCAL_ONLY = {"JOBCRAWLER_SITES", "JOBCRAWLER_PROGRESS", "JOBCRAWLER_FIXTURES_DIR", "JOBDIR"}


class ScrapydError(CommandError):
    """A node cannot be used (not reachable, project not deployed, egg not built); nothing ran."""

    def __init__(self, message: str, status: int = EXIT_NOTHING_RAN) -> None:
        super().__init__(message, status)


def _require_scale() -> None:
    try:
        import scrapyd_client  # noqa: F401
    except ImportError:
        raise ScrapydError("Scrapyd support needs the scale extra: pip install 'jobcrawler[scale]'",
                           EXIT_USAGE) from None


def _client(url: str, timeout: float) -> Any:
    """A scrapyd-client ``ScrapydClient`` whose requests give up after ``timeout`` seconds."""
    _require_scale()
    import requests
    from scrapyd_client.pyclient import HEADERS, ScrapydClient, _process_response

    class Client(ScrapydClient):
        # scrapyd-client sends its requests without a timeout: a hung node would hang the run
        def _get(self, basename: str, params: Any = None) -> Any:
            return _process_response(requests.get(f"{self.url}/{basename}.json", params=params or {},
                                                  headers=HEADERS, auth=self.auth, timeout=timeout))

        def _post(self, basename: str, data: Any) -> Any:
            return _process_response(requests.post(f"{self.url}/{basename}.json", data=data,
                                                   headers=HEADERS, auth=self.auth, timeout=timeout))

        def cancel_with(self, project: str, job: str, signal: str) -> Any:
            """``cancel.json`` with a signal (TERM: Scrapy stops gracefully; KILL)."""
            return self._post("cancel", data={"project": project, "job": job, "signal": signal})

    return Client(url.rstrip("/"))


def node_urls(value: str) -> list[str]:
    """``URL[,URL...]`` as a list; each must be http(s)."""
    urls = [u.strip().rstrip("/") for u in value.split(",") if u.strip()]
    bad = [u for u in urls if not u.startswith(("http://", "https://"))]
    if not urls or bad:
        raise ScrapydError(f"Scrapyd nodes are http(s) URLs separated by commas, not {value!r}",
                           EXIT_USAGE)
    return urls


def check_nodes(urls: list[str], timeout: float = 10.0) -> None:
    """Every node answers and has the project deployed, else :class:`ScrapydError`."""
    for url in urls:
        try:
            projects = _client(url, timeout).projects()
        except Exception as exc:
            raise ScrapydError(f"Scrapyd node {url} does not answer: {exc}") from None
        if PROJECT not in projects:
            raise ScrapydError(f"{PROJECT} is not deployed on {url} (jobcrawler deploy {url})")


def schedule_args(site: Site, settings: dict[str, Any]) -> list[tuple[str, str]]:
    """The ``schedule.json`` parameters of a site's job: its settings and spider arguments.

    Every argument of the site's registry table is passed, so the node needs no registry file.
    """
    args = [("setting", f"{name}={value}") for name, value in settings.items()]
    for name, value in site.spider_kwargs().items():
        if name in _RESERVED:
            raise ScrapydError(f"site {site.name!r}: option {name!r} cannot be passed to Scrapyd")
        args.append((name, ",".join(map(str, value)) if isinstance(value, list) else str(value)))
    return args


@dataclass
class Job:
    """One site's job on one node."""

    site: Site
    node: Node
    job_id: str
    attempt: int
    scheduled: float
    running_since: float | None = None
    cancelled_at: float | None = None


@dataclass
class Node:
    """A Scrapyd node as the coordinator sees it."""

    url: str
    client: Any
    jobs: dict[str, Job] = field(default_factory=dict)
    pending: int = 0
    running: int = 0
    failures: int = 0
    dead: bool = False

    @property
    def busy(self) -> int:
        return self.pending + self.running


class Coordinator:
    """Schedules a run's sites on Scrapyd nodes and waits for them (see module docstring)."""

    def __init__(self, engine: Engine, run_id: int, urls: list[str], job_settings: dict[str, Any],
                 poll: float = 5.0, queue: int = 2, job_timeout: float = 6 * 3600,
                 node_failures: int = 3, request_timeout: float = 10.0, lock_wait: float = 0.0) -> None:
        self.engine = engine
        self.lock_wait = lock_wait
        self.run_id = run_id
        self.job_settings = job_settings
        self.poll = poll
        self.queue = max(1, queue)
        self.job_timeout = job_timeout
        self.node_failures = max(1, node_failures)
        self.nodes = [Node(url, _client(url, request_timeout)) for url in urls]
        self.todo: deque[tuple[Site, int, set[str]]] = deque()
        self.results: dict[str, SiteResult] = {}
        self.problems: list[str] = []

    def run(self, sites: list[Site]) -> None:
        """Crawl ``sites`` on the nodes; fills :attr:`results` and :attr:`problems`."""
        for site in sites:
            result = self.results[site.name] = SiteResult(site=site.name, platform=site.platform)
            if self.lock_wait <= 0 and self._locked(site.name):  # the job would find it so
                _mark_locked(result)
                continue
            self.todo.append((site, 1, set()))
        for node in self.nodes:
            self._refresh(node)
        while self.todo or any(node.jobs for node in self.nodes):
            self._schedule()
            if not self._live():
                for site, _attempt, _avoid in self.todo:
                    self.results[site.name].problems.append("not crawled: no Scrapyd node answers")
                self.todo.clear()
                break
            time.sleep(self.poll)
            for node in self._live():
                self._refresh(node)

    def _live(self) -> list[Node]:
        return [node for node in self.nodes if not node.dead]

    def _schedule(self) -> None:
        """Give waiting sites to the least busy nodes whose queue is short."""
        from scrapyd_client.exceptions import ErrorResponse

        waiting = len(self.todo)
        for _ in range(waiting):
            site, attempt, avoid = self.todo.popleft()
            ready = [n for n in self._live() if n.pending < self.queue and n.url not in avoid]
            if not ready:
                if not [n for n in self._live() if n.url not in avoid]:
                    self.results[site.name].problems.append(
                        "not crawled again: no other Scrapyd node answers")
                    continue
                self.todo.append((site, attempt, avoid))
                continue
            node = min(ready, key=lambda n: n.busy)
            try:
                job_id = node.client.schedule(PROJECT, site.platform,
                                              schedule_args(site, self.job_settings))
            except ScrapydError as exc:
                self.results[site.name].problems.append(str(exc))
                continue
            except ErrorResponse as exc:  # the node answered no (e.g. no such spider)
                self.results[site.name].problems.append(f"{node.url} refused the job: {exc}")
                continue
            except Exception as exc:  # the node failed: try it on the next round
                logger.warning("Scrapyd node %s did not take %s: %s", node.url, site.name, exc)
                self._node_failed(node, exc)
                self.todo.appendleft((site, attempt, avoid))
                continue
            logger.info("%s: job %s on %s", site.name, job_id, node.url)
            node.jobs[job_id] = Job(site, node, job_id, attempt, time.monotonic())
            node.pending += 1

    def _refresh(self, node: Node) -> None:
        """Read the node's jobs; collect the results of those that ended."""
        try:
            listing = node.client.jobs(PROJECT)
        except Exception as exc:
            self._node_failed(node, exc)
            return
        node.failures = 0
        pending = {job["id"] for job in listing.get("pending", [])}
        running = {job["id"] for job in listing.get("running", [])}
        node.pending, node.running = len(pending), len(running)
        logs = {job["id"]: job.get("log_url") for job in listing.get("finished", [])}
        now = time.monotonic()
        for job_id, job in list(node.jobs.items()):
            if job_id in running:
                job.running_since = job.running_since or now
                if job.cancelled_at is None and now - job.running_since > self.job_timeout:
                    self._cancel(job, "TERM")
                elif job.cancelled_at is not None and now - job.cancelled_at > max(60.0, self.poll * 3):
                    self._cancel(job, "KILL")
            elif job_id not in pending:
                del node.jobs[job_id]
                self._ended(job, logs.get(job_id))

    def _cancel(self, job: Job, signal: str) -> None:
        if job.cancelled_at is None:
            job.cancelled_at = time.monotonic()
            self.problems.append(f"{job.site.name}: job {job.job_id} on {job.node.url} ran longer than "
                                 f"{self.job_timeout:g} s and was cancelled")
        try:
            job.node.client.cancel_with(PROJECT, job.job_id, signal)
        except Exception as exc:
            logger.warning("Cannot cancel job %s on %s: %s", job.job_id, job.node.url, exc)

    def _node_failed(self, node: Node, exc: BaseException) -> None:
        node.failures += 1
        logger.warning("Scrapyd node %s: %s", node.url, exc)
        if node.failures < self.node_failures:
            return
        node.dead = True
        lost = list(node.jobs.values())
        node.jobs.clear()
        retried = []
        for job in lost:
            if not self._ended(job, None, lost_on=node.url):
                retried.append(job.site.name)
        message = f"Scrapyd node {node.url} stopped answering ({type(exc).__name__})"
        if retried:
            message += f"; its site(s) {', '.join(retried)} were crawled again on another node"
        logger.error("%s", message)
        self.problems.append(message)

    def _ended(self, job: Job, log_url: str | None, lost_on: str | None = None) -> bool:
        """Read a job's site row; True when the site's result is final, False when it is retried."""
        row = self._row(job.site.name)
        finished = row is not None and row.status != "running"
        timed_out = job.cancelled_at is not None
        if (lost_on or timed_out) and not (finished and not timed_out) and job.attempt == 1:
            self._forget(job.site.name)
            self.todo.appendleft((job.site, 2, {job.node.url}))
            return False
        result = self.results[job.site.name]
        if row is not None and row.status == "locked":  # the job found the site locked
            _mark_locked(result)
            return True
        if row is not None:
            fill_result(result, row)
        elif self._locked(job.site.name):  # a job of an older jobcrawler: no row when locked
            _mark_locked(result)
            return True
        if not finished:
            where = f"job {job.job_id} on {job.node.url}" + (f" (log: {log_url})" if log_url else "")
            result.problems.append(f"the crawl did not finish ({where})")
        elif timed_out:
            result.problems.append(f"job {job.job_id} on {job.node.url} was cancelled (too long)")
        result.status = "ok" if not result.problems else "failed"
        return True

    def _locked(self, source: str) -> bool:
        """Another process holds the site's lock (it is being crawled)."""
        lock = site_lock(self.engine, source)
        try:
            lock.acquire()
        except LockHeld:
            return True
        lock.release()
        return False

    def _row(self, source: str) -> RunSite | None:
        with session_factory(self.engine)() as session:
            return session.scalar(select(RunSite).where(RunSite.run_id == self.run_id,
                                                        RunSite.source == source))

    def _forget(self, source: str) -> None:
        """Drop a lost job's row, so the site's next job records its crawl under the same run."""
        with session_factory(self.engine).begin() as session:
            session.execute(delete(RunSite).where(RunSite.run_id == self.run_id,
                                                  RunSite.source == source))


def _mark_locked(result: SiteResult) -> None:
    result.status = "locked"
    result.problems.append(LOCKED_PROBLEM)


def fill_result(result: SiteResult, row: RunSite) -> None:
    """A site's summary figures from its ``run_sites`` row."""
    result.requests, result.items = row.requests, row.items_seen
    result.new, result.updated, result.unchanged = row.new, row.updated, row.unchanged
    result.closed, result.dropped, result.errors = row.closed, row.dropped, row.errors
    result.seconds = float((row.stats or {}).get("elapsed_time_seconds") or 0.0)
    result.problems = list(row.problems or [])
    result.notes = list((row.stats or {}).get(NOTES_STAT) or [])


def run_sites_scrapyd(sites: list[Site], urls: list[str], db_url: str | None,
                      extra_settings: dict[str, Any] | None = None) -> RunResult:
    """Crawl ``sites`` as Scrapyd jobs on ``urls`` into one database; the result as
    :func:`jobcrawler.ops.runner.run_sites` gives it."""
    url = database_url(db_url)
    engine = open_database(url)
    run_id, run_lock = start_run(engine, "crawl", [s.name for s in sites])
    settings = crawl_settings("crawl", url, extra_settings)
    job_settings = {name: value for name, value in (extra_settings or {}).items()
                    if name not in _LOCAL_ONLY}
    # the node has no registry file: the job's arguments are the site's whole table
    job_settings.update({"JOBCRAWLER_DB_URL": url, "JOBCRAWLER_RUN_ID": run_id,
                         "JOBCRAWLER_SITE_FROM_ARGS": True})
    coordinator = Coordinator(
        engine, run_id, urls, job_settings,
        poll=settings.getfloat("JOBCRAWLER_SCRAPYD_POLL_SECONDS"),
        queue=settings.getint("JOBCRAWLER_SCRAPYD_QUEUE"),
        job_timeout=settings.getfloat("JOBCRAWLER_SCRAPYD_JOB_TIMEOUT"),
        node_failures=settings.getint("JOBCRAWLER_SCRAPYD_NODE_FAILURES"),
        lock_wait=settings.getfloat("JOBCRAWLER_LOCK_WAIT"))
    coordinator.run(sites)
    results = [coordinator.results[s.name] for s in sites]
    for result in results:
        if result.problems and result.status != "locked":
            result.status = "failed"
    if settings.getbool("JOBCRAWLER_DEDUP", True):  # as a local run does, once the sites are in
        _cluster(engine, run_id, results)
    failed = [r.site for r in results if r.status in ("failed", "locked")]
    message = "; ".join([*coordinator.problems, *([f"failed: {', '.join(failed)}"] if failed else [])])
    record_error = None
    try:
        end_run(engine, run_id, run_lock, status="failed" if failed or coordinator.problems else "ok",
                message=message or None)
    except SQLAlchemyError as exc:
        record_error = f"the end of run {run_id} could not be recorded ({type(exc).__name__})"
        logger.error("%s", record_error)
    return RunResult(run_id=run_id, sites=results, record_error=record_error,
                     problems=coordinator.problems)


def crawl(sites: list[Site], nodes: str, db_url: str | None,
          extra_settings: dict[str, Any] | None = None) -> RunResult:
    """``jobcrawler crawl --scrapyd URL[,URL...]``: check the nodes and the database, then crawl."""
    urls = node_urls(nodes)
    if database_url(db_url).startswith("sqlite"):
        raise ScrapydError("--scrapyd needs a PostgreSQL database that every node reaches "
                           "(--db postgresql://...)", EXIT_USAGE)
    check_nodes(urls)
    return run_sites_scrapyd(sites, urls, db_url, extra_settings)


def project_folder() -> Path:
    """The folder with scrapy.cfg and setup.py the egg is built from: the working folder's project,
    else the source checkout jobcrawler runs from."""
    from scrapy.utils.conf import closest_scrapy_cfg

    for candidate in (closest_scrapy_cfg(), Path(__file__).resolve().parents[2] / "scrapy.cfg"):
        if candidate and Path(candidate).is_file() and (Path(candidate).parent / "setup.py").is_file():
            return Path(candidate).parent
    raise ScrapydError("jobcrawler deploy builds the egg from the project's source folder "
                       "(scrapy.cfg, setup.py): run it there")


def build_egg(folder: Path, target: Path) -> Path:
    """Build the project's egg with scrapyd-client (``scrapyd-deploy --build-egg``)."""
    done = subprocess.run([sys.executable, "-m", "scrapyd_client.deploy", "--build-egg", str(target)],
                          cwd=folder, capture_output=True, text=True)
    if done.returncode or not target.is_file():
        raise ScrapydError(f"building the egg failed: {(done.stderr or done.stdout).strip()[-300:]}")
    return target


def deploy(urls: list[str], version: str | None = None, timeout: float = 60.0,
           egg: Path | None = None) -> dict[str, list[str]]:
    """Build the egg once (or take ``egg``) and add it to every node as a new version of the
    project; the spiders each node lists afterwards, by node."""
    _require_scale()
    import requests

    version = version or str(int(time.time()))
    spiders = {}
    with tempfile.TemporaryDirectory(prefix="jobcrawler-egg-") as tmp:
        egg = egg or build_egg(project_folder(), Path(tmp) / f"{PROJECT}-{version}.egg")
        for url in urls:
            try:
                with egg.open("rb") as fh:
                    response = requests.post(f"{url}/addversion.json",
                                             data={"project": PROJECT, "version": version},
                                             files={"egg": (egg.name, fh)}, timeout=timeout)
                answer = response.json()
            except (requests.RequestException, ValueError) as exc:
                raise ScrapydError(f"cannot deploy to {url}: {exc}") from None
            if answer.get("status") != "ok":
                raise ScrapydError(f"{url} refused the egg: {answer.get('message', answer)}")
            spiders[url] = _client(url, timeout).spiders(PROJECT)
    return spiders


def cmd_deploy(args: Any) -> int:
    """``jobcrawler deploy URL[,URL...]``: build the egg and add it to each node."""
    for url, spiders in deploy(node_urls(args.url)).items():
        print(f"{url}: jobcrawler deployed ({len(spiders)} spiders)")
    return 0
