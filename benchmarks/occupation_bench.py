"""Occupation classifier: titles per second on one core (unique titles, cache cleared) and start-up.

    python benchmarks/occupation_bench.py [--titles 6000] [--runs 3]

Titles: the hand-labelled ad titles (tests/data/occupation_titles.tsv) and ESCO labels, each made
unique the way ads vary them (gender marker, seniority, place, contract words), so that the per-title
cache never hits. Start-up: a fresh interpreter times ``import jobcrawler.normalize`` and then the
first ``classify`` call, which loads the table (what a crawl pays once). Last, ``normalize_item`` on
the normalisation benchmark's ads with and without the classifier.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MARKERS = ["", " (m/v/x)", " H/F", " (m/w/d)", " (h/f/x)", " M/F"]
PREFIXES = ["", "Senior ", "Junior ", "Ervaren ", ""]
PLACES = ["", " - Gent", " - Liège", " - Antwerpen", " | Brussels", " - Eupen", " - Namur", " - Hasselt"]
CONTRACTS = ["", " - CDI", " - interim", " (Vollzeit)", " - fulltime", " - temps partiel"]

STARTUP = """
import time
t0, c0 = time.perf_counter(), time.process_time()
import jobcrawler.normalize
t1, c1 = time.perf_counter(), time.process_time()
from jobcrawler.normalize import occupation
occupation.classify("Magazijnier (m/v/x) - Gent")
t2, c2 = time.perf_counter(), time.process_time()
print(t1 - t0, t2 - t1, c1 - c0, c2 - c1)
"""


def titles(n: int, seed: int = 2026) -> list[str]:
    from jobcrawler.normalize import occupation

    rng = random.Random(seed)
    base = [line.split("\t")[3].strip() for line in
            (ROOT / "tests" / "data" / "occupation_titles.tsv").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith(("#", "part"))]
    esco = [rng.choice([name for name in row[2:] if name]) for row in occupation._tables().occupations]
    pool = base + esco
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        title = (rng.choice(PREFIXES) + rng.choice(pool) + rng.choice(MARKERS) + rng.choice(PLACES)
                 + rng.choice(CONTRACTS))
        if title not in seen:
            seen.add(title)
            out.append(title)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--titles", type=int, default=6000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--items", type=int, default=3000, help="ads for the normalize_item pair")
    args = parser.parse_args()

    runs = []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, "-c", STARTUP], cwd=ROOT, capture_output=True, text=True, check=True)
        runs.append([float(x) for x in out.stdout.split()])
    wall_import, wall_load, cpu_import, cpu_load = (statistics.median(r[i] for r in runs) for i in range(4))
    print(f"start-up: import jobcrawler.normalize {wall_import:.3f} s wall ({cpu_import:.3f} s CPU); the first "
          f"classify, which loads the table, adds {wall_load:.3f} s wall ({cpu_load:.3f} s CPU) "
          f"(median of {args.runs})")

    from jobcrawler.normalize import occupation

    batch = titles(args.titles)
    rates = []
    for _ in range(args.runs):
        occupation._classify_title.cache_clear()
        occupation._match.cache_clear()
        start = time.process_time()
        given = sum(occupation.classify(title) is not None for title in batch)
        rates.append(len(batch) / (time.process_time() - start))
    print(f"classify: {statistics.median(rates):,.0f} unique titles/s on one core (CPU time, median of "
          f"{args.runs} runs of {len(batch):,}; {given / len(batch):.0%} given a code)")
    start = time.process_time()
    for title in batch:
        occupation.classify(title)
    print(f"classify, cached titles: {len(batch) / (time.process_time() - start):,.0f} titles/s")
    labels = occupation._tables().labels
    ranked = [title for title in batch if not any(
        form in labels for part in occupation.title_parts(title) for form in (part, *occupation._compounds(part)))]
    rates = []
    for _ in range(args.runs):
        occupation._classify_title.cache_clear()
        occupation._match.cache_clear()
        start = time.process_time()
        for title in ranked:
            occupation.classify(title)
        rates.append(len(ranked) / (time.process_time() - start))
    print(f"classify, the {len(ranked):,} of them with no whole label in any part (every part ranked by "
          f"trigrams): {statistics.median(rates):,.0f} titles/s")
    normalize_with_and_without(args.items, args.runs)
    return 0


def normalize_with_and_without(n: int, runs: int) -> None:
    """normalize_item on the normalisation benchmark's items (unique descriptions, vague titles
    "Medewerker N", so every ad also searches its description), with the classifier and without it,
    alternately, in CPU time."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import normalize_bench

    from jobcrawler import normalize
    from jobcrawler.normalize import occupation

    items = normalize_bench.raw_items(n)
    real = occupation.classify
    rates: dict[bool, list[float]] = {True: [], False: []}
    try:
        for _ in range(runs):
            for on in (True, False):
                occupation.classify = real if on else (lambda *args, **kwargs: None)
                normalize_bench.clear_caches()
                start = time.process_time()
                for item in items:
                    normalize.normalize_item(item)
                rates[on].append(n / (time.process_time() - start))
    finally:
        occupation.classify = real
    print(f"normalize_item, {n:,} ads: {statistics.median(rates[True]):,.0f} items/s with the classifier, "
          f"{statistics.median(rates[False]):,.0f} without (CPU time, median of {runs} alternating runs)")


if __name__ == "__main__":
    sys.exit(main())
