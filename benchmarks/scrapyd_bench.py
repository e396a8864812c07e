"""Ads per second: one ``jobcrawler crawl`` process vs Scrapyd with 1, 2 and 4 processes.

The same loopback sites (``many_sites.py``: each site its own 127.0.x.y, a sitemap and ``--ads``
JobPosting pages) are crawled into a fresh PostgreSQL schema each time, delays off: once in one
process (``jobcrawler crawl``), then with ``jobcrawler crawl --scrapyd`` on one local Scrapyd node
whose ``max_proc`` is 1, 2, 4 (the egg built once, added to each node). Wall time includes each
job's start (a Python process importing Scrapy and jobcrawler, about 2.5 s of CPU).

Run: ``python benchmarks/scrapyd_bench.py --sites 8 --ads 200 --procs 1,2,4`` from the repository
root (needs the ``scale`` extra and PostgreSQL at 127.0.0.1:5432, database ``test``).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "JOBCRAWLER_DEDUP=False",
        "-s", "JOBCRAWLER_SCRAPYD_POLL_SECONDS=0.5"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


@contextmanager
def scrapyd_node(folder: Path, max_proc: int = 2) -> Iterator[tuple[str, subprocess.Popen]]:
    """A Scrapyd node on 127.0.0.1 in ``folder`` (its own config, eggs, logs), in a process group
    of its own (killing the group kills its jobs too); yields its URL and process."""
    folder.mkdir(parents=True)
    port = free_port()
    (folder / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\nmax_proc = {max_proc}\n"
        f"poll_interval = 0.2\neggs_dir = {folder / 'eggs'}\nlogs_dir = {folder / 'logs'}\n"
        f"dbs_dir = {folder / 'dbs'}\n")
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    proc = subprocess.Popen([PY, "-m", "scrapyd"], cwd=folder, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get_json(f"{url}/daemonstatus.json")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"Scrapyd did not start in {folder}") from None
                time.sleep(0.2)
        yield url, proc
    finally:
        kill_group(proc)


def kill_group(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Send ``sig`` to a node and its jobs (its process group)."""
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    proc.wait()


@contextmanager
def pg_schema() -> Iterator[str]:
    import psycopg

    schema = f"jc_bench_{uuid.uuid4().hex[:10]}"
    dsn = "host=127.0.0.1 port=5432 user=postgres dbname=test"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def stored(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as con:
        count = con.execute(text("SELECT count(*) FROM jobs")).scalar()
    engine.dispose()
    return count


def timed_crawl(registry: Path, db: str, extra: list[str]) -> tuple[float, int, int]:
    started = time.monotonic()
    done = subprocess.run([PY, "-m", "jobcrawler", "crawl", "--sites", str(registry), "--db", db,
                           *FAST, *extra], cwd=ROOT, capture_output=True, text=True)
    wall = time.monotonic() - started
    if done.returncode:
        print(done.stdout[-1500:], done.stderr[-1500:], file=sys.stderr)
    return wall, stored(db), done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=8)
    parser.add_argument("--ads", type=int, default=200)
    parser.add_argument("--procs", default="1,2,4")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from many_sites import server, write_registry

    from jobcrawler.ops.scrapyd import build_egg, deploy, project_folder

    rows = []
    with tempfile.TemporaryDirectory() as tmp, server(args.sites, args.ads) as port:
        work = Path(tmp)
        registry = work / "sites.toml"
        write_registry(registry, args.sites, port)
        egg = build_egg(project_folder(), work / "jobcrawler.egg")
        with pg_schema() as db:
            rows.append(("jobcrawler crawl, one process", 1, *timed_crawl(registry, db, [])))
        for procs in (int(p) for p in args.procs.split(",")):
            with scrapyd_node(work / f"node-{procs}", max_proc=procs) as (url, _), pg_schema() as db:
                deploy([url], egg=egg)
                rows.append((f"Scrapyd, max_proc={procs}", procs,
                             *timed_crawl(registry, db, ["--scrapyd", url])))
    print(f"{args.sites} sites x {args.ads} ads, {os.cpu_count()} CPUs")
    print(f"{'how':32} {'processes':>9} {'wall s':>7} {'ads':>6} {'ads/s':>6} {'exit':>4}")
    for how, procs, wall, ads, status in rows:
        print(f"{how:32} {procs:>9} {wall:>7.1f} {ads:>6} {ads / wall:>6.0f} {status:>4}")


if __name__ == "__main__":
    main()
