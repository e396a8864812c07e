"""Normalisation throughput: items per second through ``normalize_item`` on one core.

10,000 realistic raw items (a unique 1-3 KB HTML description each, see ``ad_text.py``, in four
languages; ISO, day-first, month-name and relative dates; places from the gazetteer, exonyms and
provinces; contracts; salary ranges) are generated deterministically, then normalised in rounds;
each round starts with cold caches.

Also prints ``libraries_only_items_per_s``: the same items through the three library calls alone
(nh3, Resiliparse, py3langid), the ceiling before any rule runs.

Run: ``python benchmarks/normalize_bench.py [--items N] [--rounds R]`` (prints JSON).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ad_text
import nh3

from jobcrawler import text
from jobcrawler.normalize import dates, languages, normalize_item, occupation, places, salary

DATES = ["2025-12-{d}", "{d:02d}-12-2025", "{d}/11/2025", "Posted {d} days ago", "{d} dagen geleden",
         "il y a {d} jours", "vor {d} Tagen", "Publié le {d} décembre 2025", "Geplaatst op {d} november 2025",
         "Posted 30+ Days Ago", "gisteren", "vandaag", "2025-12-{d:02d}T09:00:00Z"]
LOCATIONS = ["Gent", "Gand", "Antwerpen, Belgium", "Bruxelles", "Brussels, Belgium", "Liège", "Luik",
             "Leuven", "1831 Diegem", "Groot-Bijgaarden, Flanders, Belgium", "East Flanders, Belgium",
             "Oost-Vlaanderen", "Wallonie", "Luxembourg", "L-1855 Luxembourg", "Esch-sur-Alzette",
             "Mons", "Namur, Wallonie", "Hasselt, Limburg", "Belgium & Luxembourg", "Remote, Belgium",
             "Kortrijk", "Courtrai", "Mechelen of Antwerpen", "Paris, France"]
CONTRACTS = ["CDI", "Vast contract", "Freelance 9 months+", "Interim", "CDD 6 mois", "Studentenjob",
             "Full-Time", "Temps plein", "Deeltijds 32u/week", "Contractor", "Stage", "befristet"]
SALARIES = ["€ 3.{a}00 - € 4.{b}00 bruto per maand", "{a}5k-{b}5k EUR per year", "450 €/jour",
            "Entre 3{a} 000 et 4{b} 000 € brut/an", "€60-€70 per hour", "competitive", "marktconform", ""]
def raw_items(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    items = []
    for i in range(n):
        _, description = ad_text.description_html(rng, i)
        items.append({
            "title": f"Medewerker {i}", "description_html": description,
            "date_posted_raw": rng.choice(DATES).format(d=rng.randint(1, 28)),
            "location_raw": [rng.choice(LOCATIONS)],
            "contract_raw": rng.choice(CONTRACTS),
            "salary_raw": rng.choice(SALARIES).format(a=rng.randint(1, 4), b=rng.randint(5, 9)),
            "start_date_raw": rng.choice(["ASAP", "dès que possible", "01/02/2026", ""]),
            "crawled_at": "2025-12-20T03:00:00+00:00",
        })
    return items


def clear_caches() -> None:
    dates._dateparser.cache_clear()
    places._parse_one.cache_clear()
    text._html_to_text.cache_clear()
    text._sanitize_html.cache_clear()
    salary._parse_text.cache_clear()
    occupation._classify_title.cache_clear()
    occupation._match.cache_clear()


def bench(n: int, rounds: int) -> dict:
    items = raw_items(n)
    normalize_item(items[0], now=datetime.now(UTC))  # load the gazetteer and the language model
    rates = []
    for _ in range(rounds):
        clear_caches()
        started = time.perf_counter()
        for item in items:
            normalize_item(item)
        rates.append(n / (time.perf_counter() - started))
    return {"items": n, "rounds": rounds, "items_per_s": statistics.median(rates),
            "rates": [round(r) for r in rates], "libraries_only_items_per_s": libraries_only(items)}


def libraries_only(items: list[dict]) -> float:
    """Items/s of the three library calls every ad needs and nothing else: sanitising (nh3),
    HTML to text (Resiliparse) and language identification (py3langid): the ceiling of any
    normaliser built on them, before a single rule runs."""
    started = time.perf_counter()
    for item in items:
        languages.ad_language(text._plain_text(nh3.clean(item["description_html"])))
    return len(items) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(bench(args.items, args.rounds)))


if __name__ == "__main__":
    main()
