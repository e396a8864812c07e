"""Duplicate clustering: ``jobcrawler dedup --rebuild`` over N stored ads, and an incremental run.

Stores N ads (70% vacancies composed from ESCO occupation descriptions in nl/fr/en/de, 30% copies:
agency rewrites, some in another language, and plain reposts on job boards; scripts/dedup_corpus.py),
then, in a fresh process so its memory is its own, rebuilds every cluster on one core, and in
another clusters ``--new`` new ads incrementally (1,000 by default: a night's; 50,000 is the
run's end of a 10,000-site crawl). Prints JSON: wall and CPU seconds (the CPU figure is the one to
read on a shared machine: the load average is printed beside it), ads/s, clusters, peak RSS of
that process, and the rebuilt clusters' pair precision and recall against the vacancies the ads
were made from (the corpus knows which ads copy which vacancy: recall at scale, where crowded keys
and bands are dropped).

Run: ``python benchmarks/dedup_bench.py --ads 100000 --db sqlite:////tmp/dedup_bench.db``
(``--stored`` measures again a database an earlier run stored: copy it first, the incremental
step adds ads to it).
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
#: The item key that names the vacancy an ad posts (the truth the clusters are scored on; the
#: store ignores it).
VACANCY = "bench_vacancy"


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
            out[-1][VACANCY] = v.key
            continue
        lang = rng.choice(corpus.LANGS)
        day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        v = corpus.compose(rng, rng.choice(occupations), occupations, lang, str(len(out)),
                           employer=rng.choice(employers[lang]), day=day)
        vacancies.append(v)
        out.append(corpus.item(v, "careers", str(len(out))))
        out[-1][VACANCY] = v.key
    return out


def store(db: str, data: list[dict]) -> None:
    engine = open_database(db)
    now = datetime(2025, 12, 20, tzinfo=UTC)
    for start in range(0, len(data), BATCH):
        with session_factory(engine).begin() as session:
            upsert_jobs(session, [row_from_item(i) for i in data[start:start + BATCH]], None, now)


def score(db: str, truth: list[dict]) -> dict:
    """Pair precision and recall of the clusters against the vacancies the ads were made from (a
    pair: two ads in one cluster; a true pair: two ads of one vacancy)."""
    from collections import Counter, defaultdict

    from sqlalchemy import select

    from jobcrawler.storage.models import Job

    vacancy = {(i["source"], i["source_id"]): i[VACANCY] for i in truth}
    in_cluster: dict[int, Counter] = defaultdict(Counter)
    with session_factory(open_database(db))() as session:
        for source, source_id, cluster in session.execute(select(Job.source, Job.source_id, Job.cluster_id)):
            if (source, source_id) in vacancy:
                in_cluster[cluster][vacancy[(source, source_id)]] += 1
    pairs = sum(n * (n - 1) // 2 for c in in_cluster.values() for n in [sum(c.values())])
    found = sum(n * (n - 1) // 2 for c in in_cluster.values() for n in c.values())
    true = sum(n * (n - 1) // 2 for n in Counter(vacancy.values()).values())
    return {"pairs_true": true, "pairs_found": found, "pairs_merged_wrongly": pairs - found,
            "pair_recall": round(found / true, 4) if true else None,
            "pair_precision": round(found / pairs, 4) if pairs else None}


def _peak_rss_mb() -> int:
    """This process's peak resident memory: VmHWM on Linux (getrusage's maxrss keeps the parent's
    peak across fork and exec, so a process started by one holding 50,000 ads would report it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def measure(db: str, rebuild: bool, ads: int | None = None) -> dict:
    """Runs in a process of its own (so the peak memory is the clustering's): ``rebuild`` every
    cluster, else cluster the ads not yet clustered (a run's new ads) incrementally. After a
    rebuild, with ``ads`` (the number stored), the clusters are scored against their vacancies."""
    from sqlalchemy import func, select

    from jobcrawler.dedup.store import cluster_ads
    from jobcrawler.storage.models import Cluster

    engine = open_database(db)
    rss_before = _peak_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    result = cluster_ads(engine, rebuild=rebuild)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    out = {"ads": result.processed, "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
           "load_average": round(os.getloadavg()[0], 1),
           "ads_per_cpu_second": round(result.processed / cpu) if cpu else None,
           "copies": result.copies, "merged": result.merged, "reasons": dict(result.reasons),
           "peak_rss_mb_before": rss_before, "peak_rss_mb": _peak_rss_mb()}
    if rebuild:
        with session_factory(engine)() as session:
            out["clusters"] = session.scalar(select(func.count()).select_from(Cluster))
            out["clusters_with_copies"] = session.scalar(select(func.count()).select_from(Cluster)
                                                         .where(Cluster.size > 1))
        if ads:
            out.update(score(db, items(ads)))
    return out


def _measure(db: str, step: str, ads: int) -> dict:
    output = subprocess.run([sys.executable, __file__, "--measure", step, "--db", db, "--ads", str(ads)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ads", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=1000, help="ads added for the incremental run")
    parser.add_argument("--db", required=True)
    parser.add_argument("--stored", action="store_true",
                        help="the database holds the --ads ads already (stored by an earlier run): measure only")
    parser.add_argument("--measure", choices=("rebuild", "incremental"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.db, args.measure == "rebuild", args.ads)))
        return
    if not args.stored:
        started = time.perf_counter()
        store(args.db, items(args.ads))
        print(f"stored {args.ads} ads in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    report = {"rebuild": _measure(args.db, "rebuild", args.ads)}
    if args.new:
        extra = items(args.new, seed=12)  # a night's new ads: other vacancies and their copies
        for i, row in enumerate(extra):
            row["source_id"] = f"new-{i}"
        store(args.db, extra)
        report["incremental"] = _measure(args.db, "incremental", 0)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
