"""Real-shaped job ads in nl/fr/en/de and the copies agencies and job boards make of them.

Used by the dedup evaluation set (scripts/build_dedup_eval.py) and benchmark
(benchmarks/dedup_bench.py). Three sources of ads:

- the fixture sites' golden items (fixtures/*/expected.jsonl: synthetic ads in the platforms' shapes);
- real responses in /work/shared/real-world/ (Stripe on Greenhouse, bunq on Recruitee, Personio XML);
- ads composed from ESCO v1.0.8 (``$JOBCRAWLER_ESCO``, the European Commission's occupation
  descriptions, human-translated in the four languages and aligned by concept): a vacancy's text is
  an employer's introduction, its occupation's description, two or three sentences of related
  occupations (what makes one vacancy differ from another of the same occupation), the offer and
  numbers (hours, years, salary) drawn per vacancy.

Copies are rewritten as agencies rewrite (:func:`agency_rewrite`): the client's name hidden behind
"our client", the agency's own introduction and closing, sentences dropped and reordered, the title
changed (alternative ESCO label, gender marker), sometimes the whole ad in another language.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ESCO = Path(os.environ.get("JOBCRAWLER_ESCO",
                           "/work/shared/datasets/esco-v1.0.8-occupations-4lang"))
REAL_WORLD = Path(os.environ.get("JOBCRAWLER_REAL_WORLD", "/work/shared/real-world"))
LANGS = ("nl", "fr", "en", "de")


@dataclass
class Occupation:
    uri: str
    isco: str
    labels: dict[str, list[str]]  # preferred label first
    descriptions: dict[str, str]


def load_occupations(path: Path = ESCO) -> list[Occupation]:
    """ESCO occupations that have a description in all four languages, in file order."""
    by_uri: dict[str, Occupation] = {}
    for lang in LANGS:
        with open(path / f"occupations_{lang}.csv", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                occ = by_uri.setdefault(row["conceptUri"], Occupation(row["conceptUri"],
                                                                      row["iscoGroup"], {}, {}))
                alts = [a.strip() for a in (row["altLabels"] or "").split("\n") if a.strip()]
                occ.labels[lang] = [row["preferredLabel"], *alts]
                occ.descriptions[lang] = " ".join((row["description"] or "").split())
    return [o for o in by_uri.values()
            if all(len(o.descriptions.get(lang, "")) > 80 for lang in LANGS)]


_SYLLABLES = ("an", "bel", "cor", "da", "el", "fin", "gro", "har", "in", "jo", "kem", "lu", "mo",
              "nor", "ost", "pra", "quin", "ro", "sol", "ter", "ul", "ver", "wa", "xan", "ys", "zen")
LEGAL = {"nl": ("NV", "BV", "BVBA", "CV"), "fr": ("SA", "SRL", "SPRL", "ASBL"), "en": ("Ltd", "Group", "PLC"),
         "de": ("GmbH", "AG", "KG")}
CITIES = [  # city, province code, country
    ("Gent", "BE-VOV", "BE"), ("Antwerpen", "BE-VAN", "BE"), ("Bruxelles", "BE-BRU", "BE"),
    ("Liège", "BE-WLG", "BE"), ("Leuven", "BE-VBR", "BE"), ("Namur", "BE-WNA", "BE"),
    ("Mechelen", "BE-VAN", "BE"), ("Kortrijk", "BE-VWV", "BE"), ("Hasselt", "BE-VLI", "BE"),
    ("Brugge", "BE-VWV", "BE"), ("Charleroi", "BE-WHT", "BE"), ("Mons", "BE-WHT", "BE"),
    ("Aalst", "BE-VOV", "BE"), ("Wavre", "BE-WBR", "BE"), ("Genk", "BE-VLI", "BE"),
    ("Luxembourg", "LU-LU", "LU"), ("Esch-sur-Alzette", "LU-ES", "LU"),
    ("Amsterdam", "NL-NH", "NL"), ("Rotterdam", "NL-ZH", "NL"), ("Eindhoven", "NL-NB", "NL"),
    ("Köln", "DE-NW", "DE"), ("Aachen", "DE-NW", "DE"), ("Düsseldorf", "DE-NW", "DE"),
    ("Lille", "FR-HDF", "FR"), ("Paris", "FR-IDF", "FR")]
CONTRACTS = ("permanent", "permanent", "permanent", "fixed_term", "temporary", "freelance")
AGENCIES = ("Randstad", "Start People", "Tempo-Team", "Adecco", "Manpower", "Synergie", "Accent Jobs",
            "Hays", "Robert Walters", "Page Personnel", "Unique", "Daoust")

INTRO = {
    "nl": ["{employer} uit {city} zoekt een gemotiveerde {title}.",
           "Voor onze vestiging in {city} zijn we op zoek naar een {title}.",
           "Word jij onze nieuwe {title} in {city}? {employer} groeit en versterkt het team."],
    "fr": ["{employer} à {city} recherche un(e) {title} motivé(e).",
           "Pour notre site de {city}, nous recherchons un(e) {title}.",
           "Rejoignez {employer} à {city} en tant que {title} !"],
    "en": ["{employer} in {city} is looking for a motivated {title}.",
           "For our site in {city} we are hiring a {title}.",
           "Join {employer} in {city} as our new {title}."],
    "de": ["{employer} in {city} sucht eine/n motivierte/n {title}.",
           "Für unseren Standort {city} suchen wir eine/n {title}.",
           "Verstärken Sie {employer} in {city} als {title}."],
}
OFFER = {
    "nl": ["We bieden een contract van {hours} uur per week en een brutoloon vanaf {salary} euro per maand.",
           "Je hebt minstens {years} jaar relevante ervaring.", "Je krijgt maaltijdcheques, een hospitalisatieverzekering en {days} vakantiedagen.",
           "Opleidingen en doorgroeimogelijkheden binnen een team van {staff} collega's."],
    "fr": ["Nous offrons un contrat de {hours} heures par semaine et un salaire brut à partir de {salary} euros par mois.",
           "Vous avez au moins {years} ans d'expérience pertinente.", "Vous recevez des chèques-repas, une assurance hospitalisation et {days} jours de congé.",
           "Des formations et des perspectives d'évolution au sein d'une équipe de {staff} collègues."],
    "en": ["We offer a contract of {hours} hours a week and a gross salary from {salary} euro a month.",
           "You have at least {years} years of relevant experience.", "You get meal vouchers, hospitalisation insurance and {days} days of holiday.",
           "Training and room to grow in a team of {staff} colleagues."],
    "de": ["Wir bieten einen Vertrag mit {hours} Stunden pro Woche und ein Bruttogehalt ab {salary} Euro im Monat.",
           "Sie haben mindestens {years} Jahre einschlägige Erfahrung.", "Sie erhalten Essensgutscheine, eine Krankenzusatzversicherung und {days} Urlaubstage.",
           "Weiterbildung und Entwicklungsmöglichkeiten in einem Team von {staff} Kolleginnen und Kollegen."],
}
AGENCY_INTRO = {
    "nl": ["Voor onze klant, een gerenommeerd bedrijf in de regio {city}, zoeken wij een {title}.",
           "{agency} zoekt voor een klant in {city} een ervaren {title}.",
           "Onze klant, actief in de regio {city}, versterkt zijn team met een {title}."],
    "fr": ["Pour notre client, une entreprise renommée de la région de {city}, nous recherchons un(e) {title}.",
           "{agency} recherche pour un client à {city} un(e) {title} expérimenté(e).",
           "Notre client, actif dans la région de {city}, renforce son équipe avec un(e) {title}."],
    "en": ["For our client, a well-known company in the {city} area, we are looking for a {title}.",
           "{agency} is recruiting an experienced {title} for a client in {city}.",
           "Our client, based in the {city} region, is strengthening its team with a {title}."],
    "de": ["Für unseren Kunden, ein renommiertes Unternehmen in der Region {city}, suchen wir eine/n {title}.",
           "{agency} sucht für einen Kunden in {city} eine/n erfahrene/n {title}.",
           "Unser Kunde in der Region {city} verstärkt sein Team mit einer/einem {title}."],
}
AGENCY_CLOSING = {
    "nl": "Interesse? Solliciteer via {agency} of bel ons kantoor voor meer informatie.",
    "fr": "Intéressé(e) ? Postulez via {agency} ou appelez notre agence pour plus d'informations.",
    "en": "Interested? Apply through {agency} or call our office for more information.",
    "de": "Interesse? Bewerben Sie sich über {agency} oder rufen Sie unser Büro an.",
}
GENDER = {"nl": " (m/v/x)", "fr": " (h/f/x)", "en": "", "de": " (m/w/d)"}
TALENT_POOL = {"nl": "Spontane sollicitatie", "fr": "Candidature spontanée", "en": "Talent Pool",
               "de": "Initiativbewerbung"}


def employer_name(rng: random.Random, lang: str) -> str:
    name = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{name} {rng.choice(LEGAL[lang])}"


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


@dataclass
class Vacancy:
    """One job as its employer posts it; :func:`posting` turns it into stored items."""

    key: str
    occupation: Occupation | None
    lang: str
    title: str
    employer: str | None
    city: tuple[str, str, str] | None
    contract: str | None
    day: str  # ISO date posted
    body: list[str]  # the vacancy's own sentences (occupation + related + offer)
    reference: str | None = None
    url: str | None = None
    apply_url: str | None = None


def compose(rng: random.Random, occ: Occupation, occupations: list[Occupation], lang: str, key: str,
            employer: str | None = None, city: tuple[str, str, str] | None = None,
            day: str = "2025-11-20") -> Vacancy:
    """A vacancy of ``occ`` in ``lang`` at a (new) employer in a (random) city."""
    employer = employer or employer_name(rng, lang)
    city = city or rng.choice(CITIES)
    title = occ.labels[lang][0]
    related = [o for o in occupations if o.isco[:3] == occ.isco[:3] and o.uri != occ.uri] or occupations
    extra = [s for o in rng.sample(related, min(2, len(related)))
             for s in _sentences(o.descriptions[lang])[:2]]
    values = {"hours": rng.choice((19, 24, 32, 36, 38, 40)), "salary": rng.randrange(2400, 6200, 50),
              "years": rng.randint(1, 8), "days": rng.randint(20, 32), "staff": rng.randint(8, 900)}
    offer = [s.format(**values) for s in rng.sample(OFFER[lang], rng.randint(2, 4))]
    intro = rng.choice(INTRO[lang]).format(employer=employer, city=city[0], title=title)
    body = [intro, *_sentences(occ.descriptions[lang]), *extra, *offer]
    return Vacancy(key=key, occupation=occ, lang=lang, title=title, employer=employer, city=city,
                   contract=rng.choice(CONTRACTS), day=day, body=body,
                   reference=f"{employer[:3].upper()}-{rng.randint(1000, 99999)}" if rng.random() < 0.4 else None)


def item(v: Vacancy, source: str, source_id: str, *, title: str | None = None,
         employer: Any = ..., agency: str | None = None, body: list[str] | None = None,
         city: Any = ..., contract: Any = ..., day: Any = ..., reference: Any = ..., url: str | None = None,
         apply_url: Any = ..., lang: str | None = None, occupation: Occupation | None = None) -> dict[str, Any]:
    """A stored item (the normalised fields the store pipeline writes) for one posting of ``v``."""
    place = v.city if city is ... else city
    location = [{"raw": place[0], "city": place[0], "municipality": place[0], "province_code": place[1],
                 "country_code": place[2], "postcode": None, "region_code": None}] if place else []
    occ = occupation or v.occupation
    return {
        "source": source, "source_id": source_id, "url": url or f"https://{source}.example/jobs/{source_id}",
        "apply_url": v.apply_url if apply_url is ... else apply_url,
        "title": title or v.title, "employer": v.employer if employer is ... else employer,
        "agency": agency, "reference": v.reference if reference is ... else reference,
        "date_posted": v.day if day is ... else day, "locations": location,
        "contract_type": v.contract if contract is ... else contract,
        "description_text": "\n".join(body if body is not None else v.body),
        "ad_language": lang or v.lang, "isco_code": occ.isco if occ else None,
    }


def agency_rewrite(rng: random.Random, v: Vacancy, agency: str, lang: str | None = None,
                   occupations_by_uri: dict[str, Occupation] | None = None) -> tuple[str, list[str]]:
    """(title, sentences) of an agency's copy of ``v``: client hidden, own introduction and closing,
    a third of the sentences dropped, the rest partly reordered; in ``lang`` when given (the
    occupation's own translation, the numbers kept)."""
    lang = lang or v.lang
    occ = v.occupation
    if occ is not None and lang != v.lang:
        body = _sentences(occ.descriptions[lang])
        numbers = [s for s in v.body if re.search(r"\d", s)]
        body += [_translate_offer(s, v.lang, lang) for s in numbers]
        labels = occ.labels[lang]
    else:
        body = list(v.body[1:])
        labels = occ.labels[lang] if occ is not None else [v.title]
    keep = [s for s in body if rng.random() > 0.3] or body[:2]
    if len(keep) > 3:
        i = rng.randrange(len(keep) - 1)
        keep[i], keep[i + 1] = keep[i + 1], keep[i]
    title = rng.choice(labels[:4]) + GENDER[lang]
    intro = rng.choice(AGENCY_INTRO[lang]).format(city=v.city[0] if v.city else "", title=title,
                                                  agency=agency)
    return title, [intro, *keep, AGENCY_CLOSING[lang].format(agency=agency)]


def _translate_offer(sentence: str, source: str, target: str) -> str:
    """The offer sentence with the same numbers in the target language (the templates align)."""
    for i, template in enumerate(OFFER[source]):
        pattern = re.escape(template)
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>\\d+)", pattern)
        match = re.fullmatch(pattern, sentence)
        if match:
            return OFFER[target][i].format(**{**dict.fromkeys(("hours", "salary", "years", "days", "staff"), 0),
                                              **match.groupdict()})
    return sentence


def fixture_items() -> list[dict[str, Any]]:
    """The fixture sites' golden items (synthetic ads in the platforms' shapes)."""
    items = []
    for path in sorted((ROOT / "fixtures").glob("*/expected.jsonl")):
        items.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line)
    return items


def real_world_items() -> list[dict[str, Any]]:
    """The real ads of /work/shared/real-world/ as items (title, employer, place, text)."""
    from html import unescape

    from jobcrawler.text import html_to_text

    out: list[dict[str, Any]] = []
    stripe = json.loads((REAL_WORLD / "greenhouse/stripe-jobs-content.json").read_text(encoding="utf-8"))
    for job in stripe["jobs"]:
        out.append({"source": "stripe-greenhouse", "source_id": str(job["id"]), "url": job["absolute_url"],
                    "title": job["title"], "employer": job.get("company_name") or "Stripe",
                    "reference": None, "date_posted": job["first_published"][:10],
                    "locations": [{"city": job["location"]["name"].split(",")[0], "country_code": None}],
                    "description_text": html_to_text(unescape(job["content"])), "ad_language": "en"})
    bunq = json.loads((REAL_WORLD / "recruitee/bunq-offers.json").read_text(encoding="utf-8"))
    for offer in bunq["offers"]:
        text = html_to_text((offer.get("description") or "") + (offer.get("requirements") or ""))
        out.append({"source": "bunq-recruitee", "source_id": str(offer["id"]), "url": offer["careers_url"],
                    "apply_url": offer.get("careers_apply_url"), "title": offer["title"],
                    "employer": offer["company_name"], "date_posted": offer["published_at"][:10],
                    "locations": [{"city": offer["city"], "country_code": offer["country_code"]}],
                    "contract_type": "permanent", "description_text": text, "ad_language": "en"})
    xml = (REAL_WORLD / "personio/personio-xml-en.xml").read_text(encoding="utf-8")
    values = re.findall(r"<!\[CDATA\[(.*?)\]\]>", xml, re.S)
    out.append({"source": "personio-xml", "source_id": re.search(r"<id>(\d+)</id>", xml).group(1),
                "url": "https://personio.jobs.personio.de/job/1834171", "employer": "Personio SE & Co. KG",
                "title": unescape(re.search(r"<name>(.*?)</name>", xml).group(1)),
                "date_posted": "2026-09-01", "locations": [{"city": "Munich", "country_code": "DE"}],
                "description_text": html_to_text(" ".join(values)), "ad_language": "en"})
    return out
