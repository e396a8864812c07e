"""Build jobcrawler/data/language_names.json: names of languages in en, nl, fr, de and their own.

For every ISO 639-1 language that py3langid identifies, its name in English, Dutch, French and
German and its own name (autonym), from Unicode **CLDR** via ``babel`` (installed only for this
script: ``pip install -e '.[gazetteer]'``). ``languages_required`` reads these names ("fluent in
Norwegian", "norsk muntlig og skriftlig") beside its hand table of the four main languages.

Left out: names shorter than four letters, names that are also a country's name in those
languages ("Indonesia"), and the few words below that are mostly something else in ads.

Run: ``python scripts/build_language_names.py`` (``--check`` compares with the committed file).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "jobcrawler" / "data" / "language_names.json"
LOCALES = ("en", "nl", "fr", "de")
# Names that in job ads mostly mean something else: "Latin America", "le Brabant wallon" (a
# Belgian province), Dutch "fries" (French fries) and "lets" (Latvian; English "lets")...
NOT_LANGUAGES = {"latin", "latina", "latijn", "latein", "wallon", "waals", "wallonisch", "walloon", "fries",
                 "lets", "volapük", "volapuk", "romani", "sanskrit", "interlingua"}


def build() -> dict[str, list[str]]:
    from babel import Locale, UnknownLocaleError
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    codes = sorted({c for c in LanguageIdentifier.from_model_file(MODEL_FILE).nb_classes if len(c) == 2})
    countries = {name.casefold() for loc in LOCALES for name in Locale(loc).territories.values()}
    names: dict[str, list[str]] = {}
    for code in codes:
        found = [Locale(loc).languages.get(code) for loc in LOCALES]
        with contextlib.suppress(UnknownLocaleError, ValueError):
            found.append(Locale.parse(code).get_language_name(code))
        words = sorted({n.casefold() for n in found if n and len(n) >= 4 and n.casefold() not in countries
                        and n.casefold() not in NOT_LANGUAGES})
        if words:
            names[code] = words
    return names


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
