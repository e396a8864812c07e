"""Run every benchmark and print one table: figure, value, goal, ok.

1. full pipeline vs a bare Scrapy spider on a local careers site (pages/s and the ratio)
2. normalisation items/s        3. storage upserts/s (SQLite and PostgreSQL)
4. incremental re-crawl requests 5. peak memory of full crawls   6. start-up time

Pairs run alternately and each figure is the median of its rounds. Timings are printed, never
asserted: a busy machine gives other numbers. ``--quick`` (about 2 minutes on 2 cores) uses
smaller sizes; it is what CI may run.

Run: ``python benchmarks/run.py [--quick]`` from the repository root.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
PY = sys.executable
# The same crawl settings for both sides: no politeness delays against the local server.
FAST = {"CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 32, "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": False, "LOG_LEVEL": "ERROR",
        "TELNETCONSOLE_ENABLED": False, "HTTPCACHE_ENABLED": False,
        "MEMUSAGE_CHECK_INTERVAL_SECONDS": 1}  # sample memory every second, not every minute
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def site(jobs: int, port: int, changed: float = 0.0, faults: float = 0.0):
    proc = subprocess.Popen([PY, str(BENCH / "careers_site.py"), "--jobs", str(jobs), "--port",
                             str(port), "--changed", str(changed), "--faults", str(faults)],
                            stdout=subprocess.PIPE, text=True)
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.kill()
        proc.wait()


def settings_args(extra: dict | None = None) -> list[str]:
    args = []
    for key, value in {**FAST, **(extra or {})}.items():
        args += ["-s", f"{key}={value}"]
    return args


def crawl_bare(url: str, workdir: Path) -> dict:
    stats = workdir / f"bare-{uuid.uuid4().hex[:6]}.json"
    spider = workdir / "bare_spider.py"
    shutil.copy(BENCH / "bare_spider.py", spider)
    subprocess.run([PY, "-m", "scrapy", "runspider", str(spider), "-a", f"url={url}/sitemap.xml",
                    "-a", f"stats={stats}", *settings_args()], cwd=workdir, check=True,
                   capture_output=True)
    return json.loads(stats.read_text())


def crawl_jobcrawler(url: str, db: Path, extra: dict | None = None) -> dict:
    subprocess.run([PY, "-m", "scrapy", "crawl", "jsonld", "-a", "site=bench",
                    "-a", f"url={url}/sitemap.xml", "-a", "link_pattern=/job/",
                    *settings_args({"JOBCRAWLER_DB_URL": f"sqlite:///{db}", **(extra or {})})],
                   cwd=ROOT, check=True, capture_output=True)
    con = sqlite3.connect(db)
    stats_json, finished = con.execute(
        "SELECT stats, finished_at FROM run_sites ORDER BY id DESC LIMIT 1").fetchone()
    con.close()
    stats = json.loads(stats_json)
    start = datetime.fromisoformat(stats["start_time"]).replace(tzinfo=None)
    end = datetime.fromisoformat(finished).replace(tzinfo=None)
    stats["elapsed_time_seconds"] = (end - start).total_seconds()
    return stats


def pages_per_s(stats: dict) -> float:
    return stats.get("response_received_count", 0) / max(stats["elapsed_time_seconds"], 1e-9)


def bench_pipeline(jobs: int, rounds: int, workdir: Path) -> dict:
    bare, full = [], []
    with site(jobs, free_port()) as url:
        for r in range(rounds):
            bare.append(pages_per_s(crawl_bare(url, workdir)))
            db = workdir / f"pipeline-{r}.db"
            full.append(pages_per_s(crawl_jobcrawler(url, db)))
    a, b = statistics.median(bare), statistics.median(full)
    return {"bare_pages_per_s": a, "jobcrawler_pages_per_s": b, "ratio": b / a,
            "rounds_bare": [round(x) for x in bare], "rounds_full": [round(x) for x in full]}


def run_json(args: list[str]) -> dict:
    out = subprocess.run([PY, *args], cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", connect_timeout=3):
            return True
    except Exception:
        return False


def bench_storage(ads: int, workdir: Path) -> dict:
    results = {"sqlite": run_json([str(BENCH / "storage_bench.py"), "--ads", str(ads),
                                   "--db", f"sqlite:///{workdir / 'storage.db'}"])}
    if pg_available():
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as c:
            c.execute(f'CREATE SCHEMA "{schema}"')
        try:
            results["postgresql"] = run_json([str(BENCH / "storage_bench.py"), "--ads", str(ads),
                                              "--db", f"{PG}?options=-csearch_path%3D{schema}"])
        finally:
            with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as c:
                c.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return results


def bench_incremental(jobs: int, workdir: Path) -> dict:
    port = free_port()
    db = workdir / "incremental.db"
    counts = []
    for changed in (0.0, 0.0, 0.01):
        with site(jobs, port, changed) as url:
            counts.append(crawl_jobcrawler(url, db)["downloader/request_count"])
    return {"first": counts[0], "unchanged": counts[1], "one_percent_changed": counts[2],
            "unchanged_ratio": counts[1] / counts[0], "changed_ratio": counts[2] / counts[0]}


def bench_memory(sizes: list[int], workdir: Path) -> dict:
    """Peak RSS of full crawls, pending requests on disk as ``jobcrawler crawl`` keeps them (a
    ``JOBDIR`` for the run: ``JOBCRAWLER_DISK_QUEUE``)."""
    peaks = {}
    for jobs in sizes:
        with site(jobs, free_port()) as url:
            stats = crawl_jobcrawler(url, workdir / f"memory-{jobs}.db",
                                     {"JOBDIR": str(workdir / f"queue-{jobs}")})
        peaks[jobs] = stats.get("memusage/max", 0) / 2**20
    return peaks


def bench_startup(rounds: int) -> dict:
    def timed(cmd: list[str]) -> float:
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    jobcrawler = str(Path(PY).with_name("jobcrawler"))
    return {"jobcrawler_help_s": timed([jobcrawler, "--help"]),
            "scrapy_list_s": timed([PY, "-m", "scrapy", "list"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, about 2 minutes")
    args = parser.parse_args()
    q = args.quick
    pages, rounds = (600, 3) if q else (5000, 3)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        p = bench_pipeline(pages, rounds, work)
        rows += [(f"1. bare Scrapy, {pages} pages", f"{p['bare_pages_per_s']:.0f} pages/s", "", ""),
                 (f"1. jobcrawler (all pipelines, SQLite), {pages} pages",
                  f"{p['jobcrawler_pages_per_s']:.0f} pages/s", "", ""),
                 ("1. ratio jobcrawler / bare", f"{p['ratio']:.2f}", ">= 0.90", p["ratio"] >= 0.9)]
        n = run_json([str(BENCH / "normalize_bench.py"), "--items", "3000" if q else "10000"])
        rows.append((f"2. normalise, {n['items']} items, 1 core", f"{n['items_per_s']:.0f} items/s",
                     ">= 5000", n["items_per_s"] >= 5000))
        rows.append(("2. the same items, library calls alone (nh3, Resiliparse, py3langid)",
                     f"{n['libraries_only_items_per_s']:.0f} items/s", "", ""))
        ads = 5000 if q else 50_000
        for backend, s in bench_storage(ads, work).items():
            goal_new = ">= 10000" if backend == "sqlite" else ""
            goal_same = ">= 20000" if backend == "sqlite" else ""
            rows += [(f"3. {backend} upserts, {ads} new", f"{s['new_per_s']:.0f} ads/s", goal_new,
                      s["new_per_s"] >= 10000 if backend == "sqlite" else ""),
                     (f"3. {backend} upserts, unchanged", f"{s['unchanged_per_s']:.0f} ads/s",
                      goal_same, s["unchanged_per_s"] >= 20000 if backend == "sqlite" else ""),
                     (f"3. {backend} upserts, 10% changed", f"{s['changed_10pct_per_s']:.0f} ads/s",
                      "", ""),
                     (f"3. {backend} storage peak RSS", f"{s['peak_rss_mb']:.0f} MB", "", "")]
        inc = bench_incremental(pages, work)
        rows += [(f"4. re-crawl unchanged ({inc['unchanged']}/{inc['first']} requests)",
                  f"{inc['unchanged_ratio']:.1%}", "<= 5%", inc["unchanged_ratio"] <= 0.05),
                 (f"4. re-crawl 1% changed ({inc['one_percent_changed']}/{inc['first']})",
                  f"{inc['changed_ratio']:.1%}", "<= 7%", inc["changed_ratio"] <= 0.07)]
        sizes = [600, 5000] if q else [5000, 50_000]
        for jobs, mb in bench_memory(sizes, work).items():
            goal = "< 300 MB" if jobs == 50_000 else ""
            rows.append((f"5. peak RSS, full crawl of {jobs} pages", f"{mb:.0f} MB", goal,
                         mb < 300 if jobs == 50_000 else ""))
        s = bench_startup(3 if q else 5)
        rows += [("6. jobcrawler --help", f"{s['jobcrawler_help_s']:.2f} s", "< 1 s",
                  s["jobcrawler_help_s"] < 1),
                 ("6. scrapy list", f"{s['scrapy_list_s']:.2f} s", "< 1 s", s["scrapy_list_s"] < 1)]
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    width = max(len(r[0]) for r in rows)
    print(f"{'figure':{width}}  {'value':>16}  {'goal':>9}  ok")
    for name, value, goal, ok in rows:
        mark = "" if ok == "" else ("yes" if ok else "NO")
        print(f"{name:{width}}  {value:>16}  {goal:>9}  {mark}")


if __name__ == "__main__":
    main()
