"""The occupation of an ad: its ESCO occupation and ISCO-08 unit group, from the title, offline.

``classify("Magazijnier (m/v/x) - Gent", lang="nl")`` gives ``{"isco_code": "9333", "esco_uri": ...,
"label": "magazijnmedewerker", "score": 1.0}``; None when unsure (score under ``THRESHOLD``), for
open applications and talent pools, and for titles that name no occupation.

How: the title is cut into parts (" - ", " | ", "/", brackets); gender markers ("(m/v/x)", "H/F",
"(m/w/d)", "(e)", "*in"), seniority, contract and employer jargon words are dropped, and a part made
only of generic words ("Medewerker") says nothing. Each part is looked up among the ESCO labels in
four languages plus reviewed ad wording (``jobcrawler/data/occupations.tsv``, built by
``scripts/build_occupations.py``): a whole label (or its compound: "medewerker klantendienst") scores 1;
else the nearest labels by character trigrams (TF-IDF cosine) are grouped by ISCO-08 unit group, a group
scoring its best occupation plus a little for its other near occupations, for its own ISCO-08 title
and for the longest label inside the part (``_rank``). A place ("Gent") finds nothing sure and loses
to the occupation part.
When the title gives nothing sure, the first sentences of the description are searched for a label.
The table and its trigram index load on first use (about 0.3 s + 0.15 s of CPU, numpy).
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
#: Below this score the classifier says None: the lowest of 0.80/0.85/0.88/0.90/0.92/0.95 whose ISCO-2
#: precision on the MELO Belgian tune parts pooled (117 titles, gold of ESCO v1.2) reaches 0.90: 0.905
#: with 54% given a code (scripts/occupation_eval.py --melo-part tune).
THRESHOLD = 0.9
#: How many nearest labels (character trigram cosine) the ranking groups by ISCO-08 unit group.
CANDIDATES = 30
#: A group's score: its best occupation's cosine + GROUP_WEIGHT x the next GROUP_OCCUPATIONS'.
GROUP_WEIGHT = 0.1
GROUP_OCCUPATIONS = 3
#: Added to the group of the longest label inside the part, times the share of the part it covers.
CONTAINED_WEIGHT = 0.2
#: Added to a group among the candidates whose own ISCO-08 title is among the GROUP_TITLES nearest
#: to the part, times that cosine.
GROUP_TITLE_WEIGHT = 0.2
GROUP_TITLES = 3
#: A ranked (not whole-label) answer scores under a whole label's 1.
MAX_RANKED_SCORE = 0.99
#: Trigrams that more labels than this share ("er ", "ur ") are skipped at query time: their weight
#: is small and their posting lists long.
MAX_DF = 6000
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
_SEPARATORS = re.compile(r"\s[-–—|•·]\s|[,;:()\[\]{}|•·+]|\s[-–—]|[-–—]\s")
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


class _NgramIndex:
    """Character trigram TF-IDF over the labels, as an inverted index in numpy arrays (built in about
    0.15 s of CPU, vectorised): each label padded with a space ("  kok  " -> " ko", "kok", "ok "),
    its trigrams weighted by inverse document frequency and the label vector L2-normalised; a query's
    cosine with every label is the sum over its trigrams' posting lists."""

    ALPHABET = " abcdefghijklmnopqrstuvwxyz0123456789"
    #: code 0 separates labels, 1.. the alphabet, the last code any other character
    SIZE = len(ALPHABET) + 2

    def __init__(self, keys: list[str]) -> None:
        import numpy as np

        self.np = np
        self.codes = {ch: i + 1 for i, ch in enumerate(self.ALPHABET)}
        lut = np.full(256, self.SIZE - 1, dtype=np.uint16)  # non-ASCII letters: "?", the last code
        lut[0] = 0
        for ch, code in self.codes.items():
            lut[ord(ch)] = code
        text = "\x00".join(f" {key} " for key in keys)
        chars = lut[np.frombuffer(text.encode("ascii", "replace"), dtype=np.uint8)]
        edge = chars == 0
        label = np.cumsum(edge, dtype=np.int32)[:-2]
        grams = (chars[:-2].astype(np.uint32) * self.SIZE + chars[1:-1]) * self.SIZE + chars[2:]
        inside = ~(edge[:-2] | edge[1:-1] | edge[2:])
        # each step's arrays go as soon as the next is made: kept to the end, the build peaked at
        # ~124 MB (traced) for the ~17 MB it keeps, on top of the crawl's memory
        del text, chars, edge
        grams, label = grams[inside].astype(np.uint16), label[inside]  # SIZE ** 3 < 2 ** 16
        del inside
        order = np.argsort(grams, kind="stable")  # a radix sort on 16 bits; labels stay in order
        grams, label = grams[order], label[order]
        del order
        first = np.ones(len(grams), dtype=bool)  # a label's repeated trigram counts once, tf times
        first[1:] = (grams[1:] != grams[:-1]) | (label[1:] != label[:-1])
        starts = np.flatnonzero(first)
        del first
        tf = np.diff(np.append(starts, len(grams)))
        grams, label = grams[starts], label[starts]
        del starts
        self.df = np.bincount(grams, minlength=self.SIZE ** 3)
        self.idf = np.log((1 + len(keys)) / (1 + self.df)) + 1
        weight = tf * self.idf[grams]
        del tf, grams
        norm = np.sqrt(np.bincount(label, weights=weight * weight, minlength=len(keys)))
        self.postings = label
        self.weights = (weight / norm[label]).astype(np.float32)
        self.starts = np.concatenate([[0], np.cumsum(self.df)])
        self.size = len(keys)

    def top(self, key: str, k: int) -> list[tuple[float, int]]:
        """(cosine, label index) of the ``k`` labels nearest to ``key``, best first."""
        np, size = self.np, self.SIZE
        codes = [self.codes.get(ch, size - 1) for ch in f" {key} "]
        counts: dict[int, int] = {}
        for a, b, c in zip(codes, codes[1:], codes[2:], strict=False):
            gram = (a * size + b) * size + c
            counts[gram] = counts.get(gram, 0) + 1
        weights = {gram: n * float(self.idf[gram]) for gram, n in counts.items()}
        norm = sum(w * w for w in weights.values()) ** 0.5
        used = [gram for gram in weights if 0 < self.df[gram] <= MAX_DF]
        if not used:
            return []
        starts = self.starts
        labels = np.concatenate([self.postings[starts[g]:starts[g + 1]] for g in used])
        values = np.concatenate([self.weights[starts[g]:starts[g + 1]] * (weights[g] / norm) for g in used])
        scores = np.bincount(labels, weights=values, minlength=self.size)
        k = min(k, len(labels))
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.lexsort((best, -scores[best]))]
        return [(float(scores[i]), int(i)) for i in best if scores[i] > 0]


class _Tables:
    """The label table and its trigram index; built once."""

    def __init__(self, text: str) -> None:
        #: occupation index -> (isco, ESCO id, preferred label en, nl, fr, de)
        self.occupations: list[list[str]] = []
        #: label key -> (occupation index, rank 0 preferred/1 alternative/2 hidden/3 supplement,
        #: distinct ISCO groups sharing it, languages)
        self.labels: dict[str, tuple[int, int, int, str]] = {}
        #: titles of the ISCO-08 unit groups ("bedrijfsleiders van restaurants") and their codes
        group_titles: list[str] = []
        self.group_codes: list[str] = []
        for line in text.splitlines():
            if line.startswith("L\t"):
                _, key, occ, rank, groups, langs = line.split("\t")
                self.labels[key] = (int(occ), int(rank), int(groups), langs)
            elif line.startswith("G\t"):
                _, code, title = line.split("\t")
                self.group_codes.append(code)
                group_titles.append(title)
            elif line.startswith("O\t"):
                self.occupations.append(line.split("\t")[2:])
        #: the first words of the labels: where a label may start
        self.first_words = {key.partition(" ")[0] for key in self.labels}
        self.keys = list(self.labels)
        self.ngrams = _NgramIndex(self.keys)
        self.group_ngrams = _NgramIndex(group_titles)

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
    for half in (half for piece in _SEPARATORS.split(title) for half in _slash_halves(piece)):
        words = [w for w in half if w not in _NOISE_WORDS and not w.isdigit()]
        while words and words[0] in _SHORT_WORDS:
            words.pop(0)
        while words and words[-1] in _SHORT_WORDS:
            words.pop()
        if words and not all(w in GENERIC_WORDS for w in words):
            parts.append(" ".join(words))
    return parts


def _slash_halves(piece: str) -> list[list[str]]:
    """The normalised words of a piece cut at "/", where the two sides name two things ("Valet/femme
    de chambre", "C/CE"); where the words before the slash are the other gender of the first words
    after it, one reading: "Kaufmann/Kauffrau für Marketingkommunikation", "Staatlich geprüfter
    Techniker/Staatlich geprüfte Technikerin Fachrichtung X", "Leraar/lerares lager onderwijs" ->
    the words after the slash, with any words before the variant ones."""
    halves = [normalize_label(half).split() for half in piece.split("/")]
    out = [halves[0]]
    for right in halves[1:]:
        left = out[-1]
        for size in range(min(len(left), len(right)), 0, -1):
            if all(_gender_variants(a, b) for a, b in zip(left[-size:], right[:size], strict=True)):
                out[-1] = left[:-size] + right
                break
        else:
            out.append(right)
    return out


def _gender_variants(a: str, b: str) -> bool:
    """"kaufmann"/"kauffrau", "magasinier"/"magasiniere", "geprufter"/"geprufte", "kapper"/"kapster"."""
    if a == b or (a.endswith("mann") and b.endswith("frau") and a[:-4] == b[:-4]):
        return True
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return common >= 3 and common >= len(a) - 3


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


@lru_cache(maxsize=65536)
def _match(key: str) -> tuple[float, str] | None:
    """(score, label key) of the best label for one normalised part: the whole label or its
    compound (score 1), else the best ISCO-08 group among the nearest labels (see ``_rank``)."""
    tables = _tables()
    for form in (key, *_compounds(key)):
        label = tables.labels.get(form)
        if label is not None:
            return _label_score(1.0, label), form
    return _rank(key)


def _rank(key: str) -> tuple[float, str] | None:
    """The nearest labels by character trigrams (TF-IDF cosine, ``_NgramIndex``), grouped by
    occupation (its best label) and then by ISCO-08 unit group: a group scores its best occupation
    plus ``GROUP_WEIGHT`` times the next ``GROUP_OCCUPATIONS`` (a national title such as
    "Medewerker in de fruitteelt" sits near several labels of one group rather than on one label),
    plus ``CONTAINED_WEIGHT`` times the share of the part that the longest label inside it covers; for
    choosing the group (not in its score) also ``GROUP_TITLE_WEIGHT`` times the cosine of the group's
    own ISCO-08 title when it is among the ``GROUP_TITLES`` titles nearest to the part ("Bedrijfsleiders
    van restaurants").
    Returns (score capped under 1, the group's best label)."""
    tables = _tables()
    best_of_occupation: dict[int, tuple[float, str]] = {}
    for cosine, index in tables.ngrams.top(key, CANDIDATES):
        label_key = tables.keys[index]
        label = tables.labels[label_key]
        score = _label_score(cosine, label)
        if score > best_of_occupation.get(label[0], (0.0, ""))[0]:
            best_of_occupation[label[0]] = (score, label_key)
    groups: defaultdict[str, list[tuple[float, str]]] = defaultdict(list)
    for occupation, found in best_of_occupation.items():
        groups[tables.occupations[occupation][0]].append(found)
    scores: dict[str, float] = {}
    for isco, found in groups.items():
        found.sort(reverse=True)
        scores[isco] = found[0][0] + GROUP_WEIGHT * sum(f[0] for f in found[1:1 + GROUP_OCCUPATIONS])
    longest = tables.contained(key)
    if longest is not None:
        isco = tables.occupations[tables.labels[longest][0]][0]
        scores[isco] = scores.get(isco, 0.0) + CONTAINED_WEIGHT * len(longest) / len(key)
        groups[isco].append((0.0, longest))
    if not scores:
        return None
    titled: dict[str, float] = {}  # ranks the groups, leaves their score as it is
    leading = sorted(scores.values(), reverse=True)[:2]
    if len(leading) == 2 and leading[0] - leading[1] < GROUP_TITLE_WEIGHT:  # else it cannot change
        for cosine, index in tables.group_ngrams.top(key, GROUP_TITLES):
            isco = tables.group_codes[index]
            if isco in scores and isco not in titled:
                titled[isco] = GROUP_TITLE_WEIGHT * cosine
    isco = min(scores, key=lambda g: (-scores[g] - titled.get(g, 0.0), g))
    return min(scores[isco], MAX_RANKED_SCORE), max(groups[isco])[1]


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
            if best[0] >= 1.0:  # a whole label: no later part can score more
                break
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
