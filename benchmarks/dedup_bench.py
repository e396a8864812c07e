"""Duplicate clustering: ``jobcrawler dedup --rebuild`` over N stored ads, and an incremental run.

Stores N ads (70% vacancies composed from ESCO occupation descriptions in nl/fr/en/de, 30% copies:
agency rewrites, some in another language, and plain reposts on job boards; scripts/dedup_corpus.py),
then, in a fresh process so its memory is its own, rebuilds every cluster on one core and
clusters 1% new ads incrementally. Prints JSON: wall and CPU seconds (the CPU figure is the one to
read on a shared machine: the load average is printed beside it), ads/s, clusters, peak RSS of
that process.

Run: ``python benchmarks/dedup_bench.py --ads 100000 --db sqlite:////tmp/dedup_bench.db``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import dedup_corpus as corpus

from jobcrawler.storage.db import open_database, session_factory
from jobcrawler.storage.upsert import row_from_item, upsert_jobs

BATCH = 1000


def items(n: int, seed: int = 11) -> list[dict]:
    rng = random.Random(seed)
    occupations = corpus.load_occupations()
    employers = {lang: [corpus.employer_name(rng, lang) for _ in range(3000)] for lang in corpus.LANGS}
    out: list[dict] = []
    vacancies: list[corpus.Vacancy] = []
    while len(out) < n:
        if vacancies and rng.random() < 0.3:
            v = rng.choice(vacancies)
            agency = rng.choice(corpus.AGENCIES)
            if rng.random() < 0.5:
                lang = rng.choice(corpus.LANGS) if rng.random() < 0.2 else v.lang
                title, body = corpus.agency_rewrite(rng, v, agency, lang)
                out.append(corpus.item(v, agency.lower().replace(" ", "-"), str(len(out)), title=title,
                                       employer=None, agency=agency, body=body, lang=lang,
                                       reference=None))
            else:
                out.append(corpus.item(v, "jobboard", str(len(out))))
            continue
        lang = rng.choice(corpus.LANGS)
        day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        v = corpus.compose(rng, rng.choice(occupations), occupations, lang, str(len(out)),
                           employer=rng.choice(employers[lang]), day=day)
        vacancies.append(v)
        out.append(corpus.item(v, "careers", str(len(out))))
    return out


def store(db: str, data: list[dict]) -> None:
    engine = open_database(db)
    now = datetime(2025, 12, 20, tzinfo=UTC)
    for start in range(0, len(data), BATCH):
        with session_factory(engine).begin() as session:
            upsert_jobs(session, [row_from_item(i) for i in data[start:start + BATCH]], None, now)


def measure(db: str, new: int) -> dict:
    """Runs in its own process: rebuild, then cluster ``new`` more ads incrementally."""
    from sqlalchemy import func, select

    from jobcrawler.dedup.store import cluster_ads
    from jobcrawler.storage.models import Cluster

    engine = open_database(db)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    result = cluster_ads(engine, rebuild=True)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with session_factory(engine)() as session:
        clusters = session.scalar(select(func.count()).select_from(Cluster))
        total = session.scalar(select(func.count()).select_from(Cluster).where(Cluster.size > 1))
    extra = items(new, seed=12)  # a night's new ads: other vacancies and their copies
    for i, row in enumerate(extra):
        row["source_id"] = f"new-{i}"
    store(db, extra)
    started = time.perf_counter()
    incremental = cluster_ads(engine)
    inc_seconds = time.perf_counter() - started
    return {"ads": result.processed, "rebuild_seconds": round(seconds, 1),
            "rebuild_cpu_seconds": round(cpu, 1), "load_average": round(os.getloadavg()[0], 1),
            "ads_per_second": round(result.processed / seconds), "clusters": clusters,
            "clusters_with_copies": total, "copies": result.copies, "reasons": dict(result.reasons),
            "incremental_new_ads": incremental.processed, "incremental_seconds": round(inc_seconds, 2),
            "peak_rss_mb_before": round(rss_before / 1024), "peak_rss_mb": round(rss_after / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ads", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=1000, help="ads added for the incremental run")
    parser.add_argument("--db", required=True)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.db, args.new)))
        return
    started = time.perf_counter()
    store(args.db, items(args.ads))
    print(f"stored {args.ads} ads in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    output = subprocess.run([sys.executable, __file__, "--measure", "--db", args.db, "--new", str(args.new)],
                            check=True, capture_output=True, text=True).stdout
    print(json.dumps(json.loads(output), indent=1))


if __name__ == "__main__":
    main()
