"""Precision and recall of the duplicate clusters on the labelled pairs of tests/data/dedup/.

Stores the evaluation ads in a fresh database in three runs, as crawls would see them (ads that
close, those seen now, reposts months later; each run clustered incrementally), then counts per
duplicate kind how many labelled duplicates share a cluster (recall) and how many of the hard
non-duplicates that look like that kind were merged (precision = TP / (TP + FP) in the kind).

Run: ``python scripts/dedup_eval.py [--db URL] [--misses]`` (prints a Markdown table).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, update

from jobcrawler.dedup.store import cluster_ads
from jobcrawler.storage.db import open_database, session_factory
from jobcrawler.storage.models import DedupAd, Job
from jobcrawler.storage.upsert import row_from_item, upsert_jobs

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "dedup"
KINDS = ("full", "partial", "semantic", "temporal")
PHASES = {"old": datetime(2025, 10, 1, 3, tzinfo=UTC), "now": datetime(2025, 12, 15, 3, tzinfo=UTC),
          "later": datetime(2026, 6, 1, 3, tzinfo=UTC)}


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def store_and_cluster(db: str, ads: list[dict]) -> dict[str, tuple[int, str | None]]:
    """Store the ads phase by phase (closing the old ones), clustering after each phase; the
    cluster and link reason of each ad by its evaluation key."""
    engine = open_database(db)
    for phase, now in PHASES.items():
        batch = [a for a in ads if a["eval_phase"] == phase]
        with session_factory(engine).begin() as session:
            upsert_jobs(session, [row_from_item(a) for a in batch], None, now)
        if phase == "old":  # the old ads close 40 days after they were posted
            with session_factory(engine).begin() as session:
                for a in batch:
                    posted = date.fromisoformat(a["date_posted"]) if a.get("date_posted") else now.date()
                    closed = datetime.combine(posted + timedelta(days=40), now.timetz())
                    session.execute(update(Job).where(Job.source == a["source"], Job.source_id == a["source_id"])
                                    .values(status="closed", closed_at=closed))
        cluster_ads(engine)
    with session_factory(engine)() as session:
        rows = session.execute(select(Job.source_id, Job.cluster_id, DedupAd.link_reason)
                               .join(DedupAd, DedupAd.job_id == Job.id))
        return {source_id: (cluster, reason) for source_id, cluster, reason in rows}


def evaluate(pairs: list[dict], clusters: dict[str, tuple[int, str | None]]) -> dict:
    table = {k: Counter() for k in KINDS}
    misses, merges = [], Counter()
    for p in pairs:
        same = clusters[p["a"]][0] == clusters[p["b"]][0]
        row = table[p["kind"]]
        if p["duplicate"]:
            row["dup"] += 1
            row["tp"] += same
            if not same:
                misses.append(p)
        else:
            row["non"] += 1
            row["fp"] += same
            if same:
                merges[p["note"]] += 1
                misses.append(p)
    return {"table": table, "misses": misses, "merges": merges}


def report(result: dict) -> str:
    lines = ["| kind | duplicate pairs | found | recall | hard non-duplicates | merged | precision |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    total = Counter()
    for kind in KINDS:
        row = result["table"][kind]
        total.update(row)
        lines.append(_row(kind, row))
    lines.append(_row("all", total))
    merges = result["merges"]
    lines.append("")
    lines.append("False merges by kind of non-duplicate: " + (", ".join(f"{k} {n}" for k, n in merges.items())
                                                        if merges else "none"))
    return "\n".join(lines)


def _row(kind: str, row: Counter) -> str:
    recall = row["tp"] / row["dup"] if row["dup"] else 0.0
    predicted = row["tp"] + row["fp"]
    precision = row["tp"] / predicted if predicted else 1.0
    return (f"| {kind} | {row['dup']} | {row['tp']} | {recall:.3f} | {row['non']} | {row['fp']} | "
            f"{precision:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--misses", action="store_true", help="also list missed and merged pairs")
    parser.add_argument("--no-occupation", action="store_true",
                        help="store the ads without the occupation classifier's ISCO codes")
    parser.add_argument("--data", type=Path, default=DATA,
                        help="folder with ads.jsonl and pairs.jsonl (default: tests/data/dedup)")
    args = parser.parse_args()
    ads, pairs = load(args.data / "ads.jsonl"), load(args.data / "pairs.jsonl")
    if not args.no_occupation:  # as a crawl stores them: with the classifier's occupation
        from jobcrawler.normalize import occupation

        for ad in ads:
            ad["occupation"] = occupation.classify(ad["title"], ad.get("description_text"),
                                                   lang=ad.get("ad_language"))
    with tempfile.TemporaryDirectory() as tmp:
        clusters = store_and_cluster(args.db or f"sqlite:///{tmp}/eval.db", ads)
    result = evaluate(pairs, clusters)
    print(f"{len(ads)} ads, {len(pairs)} labelled pairs\n")
    print(report(result))
    if args.misses:
        by_key = {a["eval_key"]: a for a in ads}
        for p in result["misses"]:
            a, b = by_key[p["a"]], by_key[p["b"]]
            print(f"\n{'MISSED' if p['duplicate'] else 'MERGED'} {p['kind']} ({p['note']}): "
                  f"{a['title']!r} [{a['source']}] / {b['title']!r} [{b['source']}] "
                  f"reasons {clusters[p['a']][1]}/{clusters[p['b']][1]}")


if __name__ == "__main__":
    main()
