"""The occupation of an ad: its ESCO occupation and ISCO-08 unit group, from the title, offline.

``classify("Magazijnier (m/v/x) - Gent", lang="nl")`` gives ``{"isco_code": "9333", "esco_uri": ...,
"label": "magazijnmedewerker", "score": 1.0}``; None when unsure (score under ``THRESHOLD``), for
open applications and talent pools, and for titles that name no occupation.

How: the title is cut into parts (" - ", " | ", "/", brackets); gender markers ("(m/v/x)", "H/F",
"(m/w/d)", "(e)", "*in"), seniority, contract and employer jargon words are dropped, and a part made
only of generic words ("Medewerker") says nothing. Each part is looked up among the ESCO labels in
four languages plus reviewed ad wording (``jobcrawler/data/occupations.tsv``, built by
``scripts/build_occupations.py``): a whole label (or its compound: "medewerker klantendienst"), the
longest label inside it, or the nearest label by edit distance (rapidfuzz). A place ("Gent") finds
nothing sure and loses to the occupation part. When the title gives nothing sure, the first sentences
of the description are searched for a label. The table loads on first use (about 0.3 s of CPU).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

URI_PREFIX = "http://data.europa.eu/esco/occupation/"
LANGUAGES = ("en", "nl", "fr", "de")
#: Below this score the classifier says None: the lowest of 0.80/0.85/0.90 whose ISCO-2 precision on
#: the MELO Belgian tune part reaches about 0.90 (scripts/occupation_eval.py).
THRESHOLD = 0.9
#: Nearest labels by edit distance under this similarity (0-100) are not considered at all.
FUZZY_CUTOFF = 70.0
#: Score of a label found in the description's first sentences (the title named no occupation).
DESCRIPTION_SCORE = 0.9
DESCRIPTION_CHARS = 300
#: Longer runs of words are not looked up as one label (few ESCO labels are longer; none in ads).
MAX_LABEL_WORDS = 6

_NULL_TITLES = re.compile(
    r"open(?:e|en)? sollicitatie|spontane? (?:sollicitatie|application|bewerbung)|vrije sollicitatie|"
    r"candidature(?:s)? (?:spontan[ée]e?s?|libre)|open application|unsolicited application|"
    r"general application|talent ?pool|talent community|initiativbewerbung|blindbewerbung|"
    r"werfreserve|r[ée]serve de recrutement", re.IGNORECASE)
#: "(m/v/x)", "H/F", "(f/h/x)", "(m/w/d)", "M/F", "(w/m/d)" ...
_GENDER = re.compile(r"[(\[]?\b[mvfhwdx](?:\s*[/|,]\s*[mvfhwdx]){1,3}\b[)\]]?", re.IGNORECASE)
#: "Caissier(ère)", "Assistant(e)", "administratif(ve)", "Lehrer*in", "Mitarbeiter:innen", "/-in"
_GENDER_SUFFIX = re.compile(
    r"\((?:e|ère|ere|euse|se|ve|rice|trice|ne|le|in|innen|a|es|nes)\)|[*:_/]-?inn?(?:en)?\b|"
    r"/-?in\b|(?<=\w)\((?:in|innen)\)|/-(?:frau|mann)\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s[-–—|•·]\s|[/,;:()\[\]{}|•·+]|\s[-–—]|[-–—]\s")
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that say nothing about the occupation: seniority, contract, schedule, employer jargon.
_NOISE_WORDS = _words("""
senior junior medior ervaren ervaring experienced confirme confirmee experimente experimentee
erfahrener erfahrene lead principal staff
interim interimaire cdi cdd fulltime parttime full part time voltijds deeltijds voltijdse deeltijdse
temps plein partiel mi vollzeit teilzeit befristet unbefristet vast vaste contract contrat tijdelijk
tijdelijke freelance job jobs vacature vacatures vacancy offre emploi stelle studentenjob jobstudent
student studenten students werkstudent flexi flexijob stagiair stagiaire stage intern internship
trainee praktikant praktikantin praktikum nacht night shift ploegen ploeg ploegenstelsel ploegendienst
dagploeg nachtploeg pauses weekend avondwerk optie option urgent dringend nieuw new nouveau neu
asap immediate regio region omgeving rijbewijs permis hiring wanted gezocht recherche recherchons
zoeken zoekt cherche sucht suchen m v x h f w d hero heroes ninja rockstar guru wizard champion
superhero superheld toptalent talent topper crack
""")
#: Words that name no occupation on their own: a title made only of them is vague.
GENERIC_WORDS = _words("""
medewerker medewerkster bediende werknemer arbeider employee employe worker staff collaborateur
collaboratrice mitarbeiter mitarbeiterin angestellter angestellte beschaftigter operator operateur
operatrice technicus technieker technician technicien technicienne techniker specialist specialiste
spezialist expert experte consultant consultante berater adviseur advisor conseiller conseillere
assistant assistante assistent assistentin helper helpster hulp aide helfer helferin manager
responsable verantwoordelijke leider leiter leiterin coordinator coordinateur coordinatrice
koordinator agent officer professional profil profile description offre functie fonction
administrateur administrator beheerder planner planificateur analist analyste analyst ingenieur
engineer inspecteur inspector monteur installateur chauffeur driver conducteur bestuurder fahrer
""")
_SHORT_WORDS = _words("en et und and of de du des la le les het van voor pour für for in im te "
                         "a au aux bij met with mit avec een an der die das den dem")


_LIGATURES = str.maketrans({"ß": "ss", "œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "’": "'"})
_COMBINING = re.compile(r"[\u0300-\u036f]")
_NOT_WORD = re.compile(r"[\W_]+")


def normalize_label(text: str) -> str:
    """Lower case, no accents, letters and digits only: "Chef-kok" -> "chef kok"."""
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES)))
    return _NOT_WORD.sub(" ", text).strip()


class _Tables:
    """The label table and the blocks of labels the edit distance is computed for; built once."""

    def __init__(self, text: str) -> None:
        #: occupation index -> (isco, ESCO id, preferred label en, nl, fr, de)
        self.occupations: list[list[str]] = []
        #: label key -> (occupation index, rank 0 preferred/1 alternative/2 hidden/3 supplement,
        #: distinct ISCO groups sharing it, languages)
        self.labels: dict[str, tuple[int, int, int, str]] = {}
        blocks: defaultdict[str, list[str]] = defaultdict(list)
        for line in text.splitlines():
            if line.startswith("L\t"):
                _, key, occ, rank, groups, langs = line.split("\t")
                self.labels[key] = (int(occ), int(rank), int(groups), langs)
                for word in key.split(" "):
                    if len(word) >= 4:
                        blocks[word[:4]].append(key)
                        blocks["$" + word[-5:]].append(key)
            elif line.startswith("O\t"):
                self.occupations.append(line.split("\t")[2:])
        self.blocks = dict(blocks)
        #: the first words of the labels: where a label may start
        self.first_words = {key.partition(" ")[0] for key in self.labels}

    def near(self, key: str) -> list[str]:
        """Labels that share a word's first four or last five letters with ``key``: the only ones
        the edit distance is computed for (compounds share their head: "lagermitarbeiter" and
        "lagerarbeiter"). In table order, so that ties always go the same way."""
        found: dict[str, None] = {}
        for word in key.split():
            if len(word) >= 4:
                found.update(dict.fromkeys(self.blocks.get(word[:4], ())))
                found.update(dict.fromkeys(self.blocks.get("$" + word[-5:], ())))
        return list(found)

    def contained(self, key: str, strict: bool = False) -> str | None:
        """The longest label made of consecutive words of ``key`` (at most ``MAX_LABEL_WORDS``);
        ``strict`` (for descriptions) takes only preferred or reviewed labels of 5 characters or more,
        or labels of several words: ESCO's alternative labels include words like "products"."""
        words = key.split()
        labels, firsts = self.labels, self.first_words
        best = ""
        for i, word in enumerate(words):
            if word not in firsts:
                continue
            for size in range(min(len(words) - i, MAX_LABEL_WORDS), 0, -1):
                sub = " ".join(words[i:i + size]) if size > 1 else word
                if (len(sub) > len(best) and sub in labels and sub not in GENERIC_WORDS
                        and (not strict or self._sure(sub, size))):
                    best = sub
                    break
        return best or None

    def _sure(self, key: str, words: int) -> bool:
        return (words > 1 and len(key) >= 8) or (self.labels[key][1] in (0, 3) and len(key) >= 5)


@cache
def _tables() -> _Tables:
    return _Tables(files("jobcrawler.data").joinpath("occupations.tsv").read_text("utf-8"))


def is_null_title(title: str) -> bool:
    """Open applications and talent pools name no occupation."""
    return bool(_NULL_TITLES.search(title))


def title_parts(title: str) -> list[str]:
    """The normalised parts of a title that may name the occupation, noise words dropped."""
    title = _GENDER_SUFFIX.sub("", _GENDER.sub(" ", title))
    parts = []
    for piece in _SEPARATORS.split(title):
        words = [w for w in normalize_label(piece).split() if w not in _NOISE_WORDS and not w.isdigit()]
        while words and words[0] in _SHORT_WORDS:
            words.pop(0)
        while words and words[-1] in _SHORT_WORDS:
            words.pop()
        if words and not all(w in GENERIC_WORDS for w in words):
            parts.append(" ".join(words))
    return parts


def _compounds(key: str) -> list[str]:
    """Dutch and German write "medewerker klantendienst" and "klantendienstmedewerker", "Mitarbeiter
    Kundenservice" and "Kundenservicemitarbeiter": the compound of a two-word part whose head is a
    generic word."""
    words = key.split()
    if len(words) != 2:
        return []
    head, rest = words if words[0] in GENERIC_WORDS else words[::-1]
    if head not in GENERIC_WORDS or rest in GENERIC_WORDS:
        return []
    return [rest + head, rest + "s" + head]


def _match(key: str) -> tuple[float, str] | None:
    """(score, label key) of the best label for one normalised part."""
    tables = _tables()
    for form in (key, *_compounds(key)):
        label = tables.labels.get(form)
        if label is not None:
            return _label_score(1.0, label), form
    best: tuple[float, str] | None = None
    longest = tables.contained(key)
    if longest is not None:
        coverage = len(longest) / len(key)
        best = (_label_score(0.8 + 0.2 * coverage, tables.labels[longest]), longest)
    from rapidfuzz import fuzz, process

    cutoff = max(FUZZY_CUTOFF, best[0] ** 0.5 * 100) if best else FUZZY_CUTOFF
    found = process.extractOne(key, tables.near(key), scorer=fuzz.ratio, processor=None, score_cutoff=cutoff)
    if found is not None:
        score = _label_score((found[1] / 100) ** 2, tables.labels[found[0]])
        if best is None or score > best[0]:
            best = (score, found[0])
    return best


def _label_score(similarity: float, label: tuple[int, int, int, str]) -> float:
    """Similarity lowered for labels that several ISCO groups share and for hidden labels."""
    _, rank, groups, _ = label
    return similarity * (0.9 if groups > 1 else 1.0) * (0.97 if rank == 2 else 1.0)


@lru_cache(maxsize=65536)
def _classify_title(title: str) -> tuple[float, str] | None:
    if is_null_title(title):
        return None
    best: tuple[float, str] | None = None
    for part in title_parts(title):
        found = _match(part)
        if found and (best is None or found[0] > best[0]):
            best = found
    return best


def _from_description(description: str) -> tuple[float, str] | None:
    """The longest label in the description's first sentences."""
    tables = _tables()
    found = tables.contained(normalize_label(description[:DESCRIPTION_CHARS]), strict=True)
    return (_label_score(DESCRIPTION_SCORE, tables.labels[found]), found) if found else None


def _result(score: float, key: str, lang: str | None) -> dict[str, Any]:
    tables = _tables()
    index, _, _, langs = tables.labels[key]
    isco, uid, *names = tables.occupations[index]
    by_lang = dict(zip(LANGUAGES, names, strict=True))
    name = by_lang.get(lang or "") or next((by_lang[x] for x in langs.split(",") if by_lang.get(x)), by_lang["en"])
    return {"isco_code": isco, "esco_uri": URI_PREFIX + uid, "label": name, "score": round(score, 3)}


def classify(title: str | None, description: str | None = None, lang: str | None = None,
             threshold: float | None = None) -> dict[str, Any] | None:
    """The occupation of an ad (see the module docstring); ``lang`` (en/nl/fr/de) picks the label's
    language. ``threshold`` overrides ``THRESHOLD`` (0 gives the best guess, whatever its score)."""
    threshold = THRESHOLD if threshold is None else threshold
    if not title or is_null_title(title):
        return None
    best = _classify_title(title[:200])
    if (best is None or best[0] < threshold) and description:
        found = _from_description(description)
        if found and (best is None or found[0] > best[0]):
            best = found
    if best is None or best[0] < threshold:
        return None
    return _result(best[0], best[1], lang)
