"""Storage throughput: upserts per second for N ads, new, then unchanged, then 10% changed.

Rows are built once from normalised synthetic ads; each phase stores them in batches of 500
(one statement per batch), as the store pipeline does. Prints JSON with the rates and the
process's peak RSS.

Run: ``python benchmarks/storage_bench.py --ads 50000 --db sqlite:////tmp/bench.db``
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from normalize_bench import raw_items

from jobcrawler.normalize import normalize_item
from jobcrawler.storage.db import open_database, session_factory
from jobcrawler.storage.upsert import row_from_item, upsert_jobs

BATCH = 500


def rows(n: int) -> list[dict]:
    templates = [{**raw, **normalize_item(raw)} for raw in raw_items(min(n, 2000))]
    out = []
    for i in range(n):
        item = dict(templates[i % len(templates)])
        item.update(source="bench", source_id=str(i), url=f"https://bench.test/job/{i}",
                    title=f"{item['title']} #{i}")
        out.append(row_from_item(item))
    return out


def store(engine, data: list[dict]) -> float:
    started = time.perf_counter()
    for start in range(0, len(data), BATCH):
        with session_factory(engine).begin() as session:
            upsert_jobs(session, data[start:start + BATCH], None)
    return len(data) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ads", type=int, default=50_000)
    parser.add_argument("--db", required=True)
    args = parser.parse_args()
    engine = open_database(args.db)
    data = rows(args.ads)
    new = store(engine, data)
    unchanged = store(engine, data)
    changed = [dict(r, title=r["title"] + " (updated)", content_hash=r["content_hash"][::-1])
               if i % 10 == 0 else r for i, r in enumerate(data)]
    ten_percent = store(engine, changed)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"ads": args.ads, "new_per_s": new, "unchanged_per_s": unchanged,
                      "changed_10pct_per_s": ten_percent, "peak_rss_mb": peak_mb}))


if __name__ == "__main__":
    main()
