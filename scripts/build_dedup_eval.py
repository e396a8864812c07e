"""Build the labelled duplicate evaluation set: tests/data/dedup/ads.jsonl and pairs.jsonl.

Originals: the fixture sites' golden items (synthetic ads in the platforms' shapes; demo-agency's
copies left out), the real ads of /work/shared/real-world/ (Stripe, bunq, Personio), and vacancies
composed from ESCO occupation descriptions in nl/fr/en/de (scripts/dedup_corpus.py). Each labelled
pair is an original beside one of:

- full: the same ad on a job board or aggregator (same title and text, the board's own footer);
- partial: a copy lacking details (the first half of the text, no city or no contract or no date,
  sometimes no employer);
- semantic: an agency's rewrite (client hidden, own introduction and closing, sentences dropped and
  reordered, another title label), a quarter of them in another language (ESCO's translation of
  the occupation, the numbers kept);
- temporal: a repost 2-6 months after the original closed, by the employer or an agency;

and hard non-duplicates, each marked with the kind of duplicate it looks like:

- same_text_other_city (full): the employer's same ad for another city;
- same_text_other_country (full): ... for another country;
- talent_pool (partial): the employer's talent-pool ad beside the real one, same city;
- same_title_other_employer (semantic): another employer's vacancy of the same occupation in the
  same city;
- agency_other_client (semantic): an agency's rewrite of another client's vacancy of the same
  occupation in the same city;
- other_job_same_employer (semantic): another occupation at the same employer and city (shared
  introduction and offer);
- other_job_after_closing (temporal): the employer's next vacancy (another occupation) after the
  first closed.

Run: ``python scripts/build_dedup_eval.py`` (deterministic: seed 2026, the set the rules were
tuned on) and ``python scripts/build_dedup_eval.py --seed 7 --out tests/data/dedup/held-out``
(the held-out set, measured once after tuning).
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dedup_corpus as corpus

OUT = corpus.ROOT / "tests" / "data" / "dedup"
BOARDS = ("jobat", "stepstone", "indeed-feed", "monster", "jobsdb")
FOOTER = {"nl": "Solliciteer nu via {board}.", "fr": "Postulez maintenant via {board}.",
          "en": "Apply now via {board}.", "de": "Jetzt bewerben über {board}."}


def vacancy_from_item(item: dict, key: str) -> corpus.Vacancy:
    """A fixture or real-world item as a vacancy (its text split in sentences)."""
    loc = (item.get("locations") or [{}])[0]
    city = (loc.get("city"), loc.get("province_code"), loc.get("country_code")) if loc.get("city") else None
    text = item.get("description_text") or ""
    body = [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]
    return corpus.Vacancy(key=key, occupation=None, lang=item.get("ad_language") or "en",
                          title=item["title"], employer=item.get("employer"), city=city,
                          contract=item.get("contract_type"), day=item.get("date_posted") or "2025-11-20",
                          body=body, reference=item.get("reference"), url=item.get("url"),
                          apply_url=item.get("apply_url"))


def shift(day: str, days: int) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


class Builder:
    def __init__(self, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self.occupations = corpus.load_occupations()
        self.ads: list[dict] = []
        self.pairs: list[dict] = []
        self.count = 0

    def add(self, item: dict, phase: str = "now") -> str:
        """Store ``item`` under a new id; ``phase`` old = stored early and closed before ``now``."""
        self.count += 1
        key = f"ad{self.count:04d}"
        url = item.get("url") or ""
        if url.endswith("/jobs/"):  # no URL of its own: one on the site, like the site's others
            url = f"https://{item['source']}.example/jobs/{100000 + self.count}"
        self.ads.append({**item, "source_id": key, "url": url, "eval_key": key, "eval_phase": phase})
        return key

    def pair(self, a: str, b: str, kind: str, duplicate: bool, note: str) -> None:
        self.pairs.append({"a": a, "b": b, "kind": kind, "duplicate": duplicate, "note": note})

    def originals(self) -> list[corpus.Vacancy]:
        rng = self.rng
        found = [vacancy_from_item(i, f"fx{n}") for n, i in enumerate(corpus.fixture_items())
                 if i["source"] != "demo-agency"]
        found += [vacancy_from_item(i, f"rw{n}") for n, i in enumerate(corpus.real_world_items())]
        for n in range(130):
            lang = corpus.LANGS[n % 4]
            day = shift("2025-10-01", rng.randint(0, 60))
            found.append(corpus.compose(rng, rng.choice(self.occupations), self.occupations, lang,
                                        f"esco{n}", day=day))
        return found

    def build(self) -> None:
        originals = self.originals()
        for n, v in enumerate(originals):
            role = n % 4  # spread the kinds over every kind of original
            temporal = role == 3 or (n % 9 == 0)
            phase = "old" if temporal else "now"
            own = self.add(corpus.item(v, "careers", "", url=v.url), phase)
            if temporal:
                self.temporal(v, own)
                continue
            self.full(v, own)
            if role in (0, 2):
                self.partial(v, own)
            self.semantic(v, own, translate=v.occupation is not None and n % 4 == 1)
            self.negatives(v, own, n)

    def full(self, v: corpus.Vacancy, own: str) -> None:
        board = self.rng.choice(BOARDS)
        body = [*v.body, FOOTER[v.lang].format(board=board)]
        copy = self.add(corpus.item(v, board, "", body=body, day=shift(v.day, self.rng.randint(0, 10)),
                                    employer=v.employer if self.rng.random() < 0.7 else None,
                                    reference=None, apply_url=None))
        self.pair(own, copy, "full", True, f"{board} repost")

    def partial(self, v: corpus.Vacancy, own: str) -> None:
        rng = self.rng
        half = v.body[:max(2, (len(v.body) + 1) // 2)]
        drop = rng.choice(("city", "contract", "day", "employer"))
        fields = {"body": half, "reference": None, "apply_url": None}
        if drop == "city":
            fields["city"] = None
        elif drop == "contract":
            fields["contract"] = None
        elif drop == "day":
            fields["day"] = None
        else:
            fields["employer"] = None
        board = rng.choice(BOARDS)
        copy = self.add(corpus.item(v, board, "", **fields))
        self.pair(own, copy, "partial", True, f"half the text, no {drop}")

    def semantic(self, v: corpus.Vacancy, own: str, translate: bool) -> str:
        rng = self.rng
        agency = rng.choice(corpus.AGENCIES)
        lang = rng.choice([x for x in corpus.LANGS if x != v.lang]) if translate else v.lang
        title, body = corpus.agency_rewrite(rng, v, agency, lang)
        copy = self.add(corpus.item(v, agency.lower().replace(" ", "-"), "", title=title, body=body,
                                    employer=None, agency=agency, reference=None, apply_url=None,
                                    lang=lang, day=shift(v.day, rng.randint(1, 20))))
        self.pair(own, copy, "semantic", True, f"{agency} rewrite" + (f" in {lang}" if translate else ""))
        return copy

    def temporal(self, v: corpus.Vacancy, own: str) -> None:
        rng = self.rng
        later = shift(v.day, rng.randint(70, 200))
        if rng.random() < 0.5:
            body = list(v.body)
            if len(body) > 3:
                body.pop(rng.randrange(1, len(body)))
            repost = self.add(corpus.item(v, "careers", "", body=body, day=later, url=None), "later")
            note = "the employer reposts"
        else:
            agency = rng.choice(corpus.AGENCIES)
            title, body = corpus.agency_rewrite(rng, v, agency)
            repost = self.add(corpus.item(v, agency.lower().replace(" ", "-"), "", title=title, body=body,
                                          employer=None, agency=agency, reference=None, apply_url=None,
                                          day=later), "later")
            note = f"{agency} reposts"
        self.pair(own, repost, "temporal", True, note)
        if v.occupation is not None:  # the employer's next, other vacancy after the first closed
            occ = rng.choice([o for o in self.occupations if o.isco[:2] != v.occupation.isco[:2]])
            other = corpus.compose(rng, occ, self.occupations, v.lang, v.key + "-next", employer=v.employer,
                                   city=v.city, day=later)
            key = self.add(corpus.item(other, "careers", "", contract=v.contract), "later")
            self.pair(own, key, "temporal", False, "other_job_after_closing")

    def negatives(self, v: corpus.Vacancy, own: str, n: int) -> None:
        rng = self.rng
        kind = n % 5
        if kind == 0 and v.city:  # the same ad for another city (or country)
            country = rng.random() < 0.3
            cities = [c for c in corpus.CITIES if (c[2] != v.city[2] if country else
                                                   (c[2] == v.city[2] and c[0] != v.city[0]))]
            if cities:
                city = rng.choice(cities)
                body = [s.replace(v.city[0], city[0]) for s in v.body]
                key = self.add(corpus.item(v, "careers", "", body=body, city=city, reference=None, url=None,
                                           apply_url=None))
                self.pair(own, key, "full", False,
                          "same_text_other_country" if country else "same_text_other_city")
        elif kind == 1 and v.employer:  # the employer's talent pool
            pool = corpus.TALENT_POOL[v.lang]
            body = [v.body[0].replace(v.title, pool), *v.body[-2:]]
            key = self.add(corpus.item(v, "careers", "", title=pool, body=body, reference=None, url=None,
                                       apply_url=None))
            self.pair(own, key, "partial", False, "talent_pool")
        elif kind == 2 and v.occupation is not None:  # same occupation and city, another employer
            other = corpus.compose(rng, v.occupation, self.occupations, v.lang, v.key + "-rival", city=v.city,
                                   day=shift(v.day, rng.randint(0, 15)))
            key = self.add(corpus.item(other, "careers", ""))
            self.pair(own, key, "semantic", False, "same_title_other_employer")
        elif kind == 3 and v.occupation is not None:  # an agency's copy of another client's vacancy
            other = corpus.compose(rng, v.occupation, self.occupations, v.lang, v.key + "-client", city=v.city,
                                   day=shift(v.day, rng.randint(0, 15)))
            agency = rng.choice(corpus.AGENCIES)
            title, body = corpus.agency_rewrite(rng, other, agency)
            key = self.add(corpus.item(other, agency.lower().replace(" ", "-"), "", title=title, body=body,
                                       employer=None, agency=agency, reference=None))
            self.pair(own, key, "semantic", False, "agency_other_client")
        elif v.occupation is not None:  # another job at the same employer and place
            occ = rng.choice([o for o in self.occupations if o.isco[:3] != v.occupation.isco[:3]])
            other = corpus.compose(rng, occ, self.occupations, v.lang, v.key + "-other", employer=v.employer,
                                   city=v.city, day=shift(v.day, rng.randint(0, 15)))
            key = self.add(corpus.item(other, "careers", "", contract=v.contract))
            self.pair(own, key, "semantic", False, "other_job_same_employer")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    builder = Builder(args.seed)
    builder.build()
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "ads.jsonl", "w", encoding="utf-8") as out:
        for ad in builder.ads:
            out.write(json.dumps(ad, ensure_ascii=False, sort_keys=True) + "\n")
    with open(args.out / "pairs.jsonl", "w", encoding="utf-8") as out:
        for pair in builder.pairs:
            out.write(json.dumps(pair, ensure_ascii=False) + "\n")
    kinds: dict[tuple[str, bool], int] = {}
    for p in builder.pairs:
        kinds[(p["kind"], p["duplicate"])] = kinds.get((p["kind"], p["duplicate"]), 0) + 1
    print(f"{len(builder.ads)} ads, {len(builder.pairs)} pairs: "
          + ", ".join(f"{k}{'' if d else ' (non-dup)'} {n}" for (k, d), n in sorted(kinds.items())))


if __name__ == "__main__":
    main()
