"""Build jobcrawler/data/occupations.tsv: ESCO occupation labels (en, nl, fr, de) -> ISCO-08 unit group.

Sources (``../shared/datasets/``, each with its PROVENANCE.md; ESCO is (c) European Union, reuse with
attribution: "This service uses the ESCO classification of the European Commission."):

- ``esco-v1.2-occupations/occupations_{en,nl,fr}.csv``: the occupations, their ISCO-08 unit group and
  their preferred, alternative and hidden labels in English, Dutch and French.
- ``esco-v1.0.8-occupations-4lang/occupations_de.csv``: German labels (the only German we have),
  joined by concept URI; occupations that v1.2 no longer has are left out, and v1.2's ISCO group wins.
- ``jobcrawler/data/occupations_supplement.toml``: hand-reviewed ad wording ESCO lacks (never MELO).

- ``esco-v1.2-occupations/ISCOGroups_{en,nl,fr}.csv`` and ``esco-v1.0.8-occupations-4lang/ISCOGroups_de.csv``:
  the titles of the ISCO-08 unit groups that have occupations ("Bedrijfsleiders van restaurants").

The output has three kinds of rows: ``O`` (index, ISCO-08 code, ESCO occupation id, preferred label in
en/nl/fr/de), ``L`` (normalised label, occupation index, rank 0 preferred / 1 alternative /
2 hidden / 3 supplement, number of distinct ISCO-08 groups that share the label, languages) and ``G``
(ISCO-08 unit group, normalised title of the group; the ranking adds a little to a group whose own
title is near the part).

Run: ``python scripts/build_occupations.py`` (``--check`` compares with the committed file instead).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jobcrawler.normalize.occupation import URI_PREFIX, normalize_label  # noqa: E402

DATA = ROOT / "jobcrawler" / "data"
OUTPUT = DATA / "occupations.tsv"
SUPPLEMENT = DATA / "occupations_supplement.toml"
LANGUAGES = ("en", "nl", "fr", "de")
RANKS = {"preferredLabel": 0, "altLabels": 1, "hiddenLabels": 2}
#: Shorter labels ("AG", "KP") are abbreviations that titles use for other things (places, companies).
MIN_CHARS = 3


def datasets_dir() -> Path:
    """``../shared/datasets`` beside the checkout (as in CI), else the team's shared folder."""
    for candidate in (ROOT.parent / "shared" / "datasets", ROOT.parent.parent / "shared" / "datasets",
                      Path("/work/shared/datasets")):
        if (candidate / "esco-v1.2-occupations").is_dir():
            return candidate
    raise SystemExit("ESCO datasets not found (expected ../shared/datasets/esco-v1.2-occupations)")


def variants(label: str) -> list[str]:
    """A label's readings: "Lagerarbeiter/Lagerarbeiterin" and "leraar/lerares lager onderwijs" give
    both forms; a slash between unrelated words ("TIG/MIG") is kept as it is."""
    label = label.strip()
    if "/" not in label:
        return [label] if label else []
    halves = [h.strip() for h in label.split("/")]
    if len(halves) == 2 and all(" " in h for h in halves):
        return [h for h in halves if h]
    words = label.split(" ")
    slashed = [i for i, w in enumerate(words) if "/" in w]
    if len(slashed) == 1:
        i = slashed[0]
        return [" ".join([*words[:i], alt, *words[i + 1:]]) for alt in words[i].split("/") if alt]
    return [label]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def build() -> str:
    base = datasets_dir()
    occupations: dict[str, dict[str, str]] = {}  # uri -> {isco, en, nl, fr, de}
    labels: dict[str, list[tuple[str, int, str]]] = defaultdict(list)  # key -> [(uri, rank, lang)]
    sources = [(lang, base / "esco-v1.2-occupations" / f"occupations_{lang}.csv") for lang in ("en", "nl", "fr")]
    sources.append(("de", base / "esco-v1.0.8-occupations-4lang" / "occupations_de.csv"))
    for lang, path in sources:
        for row in _read(path):
            uri = row["conceptUri"]
            if lang == "de" and uri not in occupations:
                continue  # not in ESCO v1.2 any more
            occupation = occupations.setdefault(uri, {"isco": row["iscoGroup"]})
            occupation[lang] = row["preferredLabel"].strip()
            for column, rank in RANKS.items():
                for label in row[column].split("\n"):
                    for form in variants(label):
                        key = normalize_label(form)
                        if len(key) >= MIN_CHARS:
                            labels[key].append((uri, rank, lang))
    with SUPPLEMENT.open("rb") as f:
        supplement = tomllib.load(f)
    by_english = {occ["en"]: uri for uri, occ in occupations.items()}
    for entry in supplement.get("label", []):
        uri = by_english.get(entry["occupation"])
        if uri is None:
            raise SystemExit(f"supplement: no ESCO occupation has the English label {entry['occupation']!r}")
        for label in entry["labels"]:
            labels[normalize_label(label)].append((uri, 3, ""))

    order = sorted(occupations, key=lambda u: (occupations[u]["isco"], u))
    index = {uri: i for i, uri in enumerate(order)}
    lines = [
        "# Generated by scripts/build_occupations.py from ESCO v1.2 (en, nl, fr) and v1.0.8 (de): do not edit.",
        "# This service uses the ESCO classification of the European Commission. (c) European Union.",
    ]
    for uri in order:
        occ = occupations[uri]
        lines.append("\t".join(["O", str(index[uri]), occ["isco"], uri.removeprefix(URI_PREFIX),
                                *(occ.get(lang, "") for lang in LANGUAGES)]))
    group_titles: set[tuple[str, str]] = set()
    group_sources = [base / "esco-v1.2-occupations" / f"ISCOGroups_{lang}.csv" for lang in ("en", "nl", "fr")]
    group_sources.append(base / "esco-v1.0.8-occupations-4lang" / "ISCOGroups_de.csv")
    groups_used = {occ["isco"] for occ in occupations.values()}
    for path in group_sources:
        for row in _read(path):
            if row["code"] in groups_used:
                for title in (row["preferredLabel"], *row.get("altLabels", "").split("\n")):
                    key = normalize_label(title)
                    if len(key) >= MIN_CHARS:
                        group_titles.add((row["code"], key))
    for code, key in sorted(group_titles):
        lines.append("\t".join(["G", code, key]))
    for key in sorted(labels):
        entries = labels[key]
        isco_votes: dict[str, int] = defaultdict(int)
        for uri, _, _ in entries:
            isco_votes[occupations[uri]["isco"]] += 1
        supplement_uris = [uri for uri, rank, _ in entries if rank == 3]
        if supplement_uris:  # the reviewed table decides
            best_uri, best_rank = supplement_uris[0], 3
            groups = 1
        else:
            best_uri, best_rank, _ = min(
                entries, key=lambda e: (e[1], -isco_votes[occupations[e[0]]["isco"]], index[e[0]]))
            groups = len(isco_votes)
        langs = ",".join(sorted({lang for uri, _, lang in entries if uri == best_uri and lang}))
        lines.append("\t".join(["L", key, str(index[best_uri]), str(best_rank), str(groups), langs]))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file, write nothing")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} differs from a rebuild: run scripts/build_occupations.py", file=sys.stderr)
            return 1
        print(f"{OUTPUT} is up to date")
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(text.encode()):,} bytes, {text.count(chr(10) + 'L' + chr(9)):,} labels)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
