"""The end of a big run without crawling it: the memory of each end-of-run stage for N sites.

A real ``jobcrawler crawl`` of 100 loopback sites (many_sites.py's server, 5 ads each) gives real
rows: each site's ``run_sites`` row with its crawl's stats, and its ads. They are cloned into a
database of N sites and N x 5 new, not yet clustered ads (titles, ids and URLs made unique), in a
run left ``running``: a run of N sites as it stands when its last site has closed. Each stage then
runs in a fresh process, which prints its resident memory before the stage and its peak during it
(``VmHWM``, reset before the stage; Linux only) and its CPU time:

- ``record``: the run's totals and status (:func:`jobcrawler.storage.lifecycle.finish_run`);
- ``cluster``: the duplicate clustering of the run's new ads (what ``JOBCRAWLER_DEDUP`` runs),
  after the release of the normalisers' data as ``jobcrawler crawl`` does (``--no-release``: without);
- ``summary``: the summary table and the alert's body for N sites.

With ``--warm N`` each stage's process first normalises N generated ads (``normalize_bench.py``'s),
so that it holds what a crawl's process holds at its end (the language model, gazetteers, occupation
tables and the per-text caches: ~380 MB with 10,000), not only the imports.

Minutes instead of the hour a real 10,000-site crawl takes (``many_sites.py``), to find which
stage costs what. Run: ``python benchmarks/run_end.py --sites 10000`` from the repository root.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_SITES, ADS = 100, 5
STAGES = ("record", "cluster", "summary")


def seed(workdir: Path) -> Path:
    """A real crawl of SEED_SITES loopback sites into ``workdir/seed.db``."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from many_sites import crawl, server, write_registry

    with server(SEED_SITES, ADS) as port:
        write_registry(workdir / "sites.toml", SEED_SITES, port)
        result = crawl(workdir / "sites.toml", f"sqlite:///{workdir / 'seed.db'}", workdir)
    if result["exit"] != 0:
        raise SystemExit(f"the seed crawl failed (exit {result['exit']})")
    return workdir / "seed.db"


def clone(seed_db: Path, sites: int, target: Path) -> int:
    """``target``: the seed's rows cloned to ``sites`` sites of ADS new ads, in run 2 (running)."""
    shutil.copy(seed_db, target)
    con = sqlite3.connect(target)
    jobs = [r[1] for r in con.execute("PRAGMA table_info(jobs)")]
    crawls = [r[1] for r in con.execute("PRAGMA table_info(run_sites)")]
    ads = [dict(zip(jobs, row, strict=True)) for row in con.execute("SELECT * FROM jobs ORDER BY id")]
    site_row = dict(zip(crawls, con.execute("SELECT * FROM run_sites").fetchone(), strict=True))
    for table in ("dedup_keys", "dedup_ads", "clusters", "job_locations", "job_changes", "jobs",
                  "run_sites"):
        con.execute(f"DELETE FROM {table}")
    names = [f"s{k:05d}" for k in range(sites)]
    con.execute("UPDATE runs SET id = 2, status = 'running', finished_at = NULL, sites = ?",
                (json.dumps(names),))
    con.executemany(f"INSERT INTO run_sites ({','.join(crawls)}) VALUES ({','.join('?' * len(crawls))})",
                    ([{**site_row, "id": k + 1, "run_id": 2, "source": name}[c] for c in crawls]
                     for k, name in enumerate(names)))
    rows = []
    for n in range(sites * ADS):
        ad, k = ads[n % len(ads)], n // ADS
        old = ad["source_id"]
        rows.append([{**ad, "id": n + 1, "source": names[k], "source_id": f"B-{n}", "reference": f"B-{n}",
                      "url": f"{ad['url'].rsplit('/job/', 1)[0]}/{k}/job/{n % ADS}/",
                      "title": f"{ad['title'].rsplit(' (', 1)[0]} ({n})",
                      "content_hash": hashlib.sha1(f"{old}/{n}".encode()).hexdigest(),
                      "cluster_id": None, "first_run_id": 2, "last_run_id": 2}[c] for c in jobs])
        if len(rows) == 5000 or n == sites * ADS - 1:
            con.executemany(f"INSERT INTO jobs ({','.join(jobs)}) VALUES ({','.join('?' * len(jobs))})", rows)
            rows = []
    con.commit()
    count = con.execute("SELECT count(*) FROM jobs").fetchone()[0]
    con.close()
    return count


def _memory() -> dict[str, int]:
    """This process's resident memory now and at its peak (MB)."""
    with open("/proc/self/status") as f:
        return {k: int(v.split()[0]) // 1024 for k, v in (line.split(":", 1) for line in f)
                if k in ("VmRSS", "VmHWM")}


def warm(ads: int) -> None:
    """Normalise ``ads`` generated ads: the normalisers' data and caches, as after a crawl."""
    if not ads:
        return
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from normalize_bench import raw_items

    from jobcrawler.normalize import normalize_item

    now = datetime.now(UTC)
    for item in raw_items(ads):
        normalize_item(item, now=now)


def stage(name: str, db: Path, sites: int, warm_ads: int = 0, release: bool = True) -> str:
    """Run one stage on ``db`` in this process; its line of figures."""
    for module in ("jobcrawler.dedup.store", "jobcrawler.extensions", "jobcrawler.pipelines"):
        importlib.import_module(module)  # what a crawl process has loaded by its end
    warm(warm_ads)
    from jobcrawler.ops import notify, run_cmd, runner
    from jobcrawler.storage.db import open_database
    from jobcrawler.storage.lifecycle import finish_run

    engine = open_database(f"sqlite:///{db}")
    results = [runner.SiteResult(site=f"s{k:05d}", platform="jsonld", status="ok", requests=7,
                                 items=ADS, new=ADS) for k in range(sites)]
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # the peak (VmHWM) starts again from here
    before = _memory()["VmRSS"]
    started = time.process_time()
    if name == "record":
        finish_run(engine, 2)
    elif name == "cluster":  # as runner._end does
        if release:
            from jobcrawler import settings  # the default threshold, as a run reads it

            runner._release_normalizers(results, settings.JOBCRAWLER_RELEASE_CACHES_AT)
        runner._cluster(engine, 2, results)
    else:
        result = runner.RunResult(2, results)
        with contextlib.redirect_stdout(io.StringIO()):
            run_cmd.print_summary(result)
        notify.run_notice(result, "crawl", run_cmd.print_summary)
    cpu = time.process_time() - started
    peak = _memory()["VmHWM"]
    return f"{name:>8} {before:>10} {peak:>8} {peak - before:>+8} {cpu:>8.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10000, help="sites in the run")
    parser.add_argument("--stages", default=",".join(STAGES), help="comma-separated: " + ", ".join(STAGES))
    parser.add_argument("--warm", type=int, default=0, metavar="N",
                        help="normalise N ads first in each stage's process (the crawl's data and caches)")
    parser.add_argument("--no-release", action="store_true",
                        help="cluster without releasing the normalisers' data first")
    parser.add_argument("--keep", type=Path, metavar="DB", help="reuse (or make) the cloned database here")
    parser.add_argument("--stage", help=argparse.SUPPRESS)  # one stage, in a fresh process
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        print(stage(args.stage, args.db, args.sites, args.warm, not args.no_release), flush=True)
        return
    with tempfile.TemporaryDirectory(prefix="run-end-") as tmp:
        workdir = Path(tmp)
        if args.keep is None or not args.keep.exists():
            pristine = args.keep or workdir / "pristine.db"
            clone(seed(workdir), args.sites, pristine)
        else:
            pristine = args.keep
        print(f"{args.sites} sites, {args.sites * ADS} new ads (cloned from a real crawl of "
              f"{SEED_SITES} sites); {args.warm} ads normalised first"
              + ("" if args.no_release else ", their data released before clustering"))
        print(f"{'stage':>8} {'before MB':>10} {'peak MB':>8} {'+MB':>8} {'CPU s':>8}")
        for name in args.stages.split(","):
            db = workdir / "run.db"
            shutil.copy(pristine, db)  # each stage on the run as it stood
            extra = [*(["--warm", str(args.warm)] if args.warm else []),
                     *(["--no-release"] if args.no_release else [])]
            subprocess.run([sys.executable, __file__, "--stage", name, "--db", str(db),
                            "--sites", str(args.sites), *extra], check=True)


if __name__ == "__main__":
    main()
