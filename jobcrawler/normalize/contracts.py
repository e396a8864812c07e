"""Contract type, duration, working time, hours and remote work, from nl/fr/en/de text.

Each function takes the texts to read in order of trust (structured platform value, the ad's own
"Contract type:" line, the title, then the description) and returns the first answer found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from jobcrawler.normalize.scan import KeywordSentences

CONTRACT_TYPES = ("permanent", "fixed_term", "temporary", "freelance", "internship", "student",
                  "apprenticeship", "other")

# Order matters: more specific words before the general ones they contain, and a fixed term before
# "temporary" ("Temporary (Fixed Term)" is a fixed-term contract, "Interim" a temporary one).
_CONTRACT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("student", r"\b(?:student(?:en)?job|jobstudent|job\s+[ée]tudiant|[ée]tudiant|werkstudent\w*|"
                    r"student\s+job|studentenarbeid|flexi[- ]?job\s+student|working\s+student|"
                    r"studentische\s+(?:hilfskraft|aushilfe|mitarbeit\w*))\b"),
        ("apprenticeship", r"\b(?:apprenti(?:ce|ssage)(?:ship)?|alternance|duaal\s+leren|"
                           r"leercontract|ausbildung|lehrstelle|dual\s+learning)\b"),
        ("internship", r"\b(?:internship|intern|stage|stageplaats|stageplek|stagiair[e]?|praktikant(?:in)?|"
                       r"trainee(?:ship)?)\b|"
                       r"praktikum\b"),  # also in compounds: "Pflichtpraktikum"
        ("freelance", r"\b(?:freelance[r]?|free[- ]lance|zelfstandige?|ind[ée]pendant|(?:in|out)side\s+ir35|ir35|"
                      r"selbst[äa]ndig|freiberuflich|contractor|self[- ]employed|"
                      r"consultant\s+\(?freelance|contract\s+role|b2b)\b"),
        ("fixed_term", r"\b(?:cdd|ftc|contrat\s+[àa]\s+dur[ée]e\s+d[ée]termin[ée]e|bepaalde\s+duur|"
                       r"\d+[- ]?(?:months?|mnd|maanden|mois|monate?)\s+(?:fixed[- ]term\s+)?contract|"
                       r"maternity\s+(?:cover|leave\s+cover)|parental\s+leave\s+cover|zwangerschapsvervanging|"
                       r"tijdelijk(?!\s+werk)(?:\s+contract)?|fixed[- ]term|befristet\w*|temporary\s+contract|"
                       r"contract\s+van\s+bepaalde\s+duur|replacement\s+contract|vervangingscontract|"
                       r"contrat\s+de\s+remplacement)\b"),
        ("temporary", r"\b(?:interim|int[ée]rim(?:aire)?|uitzend\w*|temp(?:orary)?|"
                      r"zeitarbeit|leiharbeit|arbeitnehmer[üu]berlassung|tijdelijk\s+werk|"
                      r"flexi[- ]?job)\b"),
        ("permanent", r"\b(?:cdi|contrat\s+[àa]\s+dur[ée]e\s+ind[ée]termin[ée]e|onbepaalde\s+duur|"
                      r"vast(?:\s+contract|e\s+job|\s+dienstverband)?|permanent|unbefristet\w*|"
                      r"festanstellung|full[- ]time\s+employee|regular|employee)\b"),
    )
)
# Structured platform codes (Recruitee, SmartRecruiters, schema.org employmentType...).
_STRUCTURED = {
    "full_time": None, "fulltime": None, "full-time": None, "part_time": None, "part-time": None,
    "permanent": "permanent", "permanent_employee": "permanent", "contract": "fixed_term",
    "contractor": "freelance", "fixed_term": "fixed_term", "temporary": "temporary",
    "temp": "temporary", "intern": "internship", "internship": "internship",
    "trainee": "internship", "freelance": "freelance", "freelancer": "freelance",
    "volunteer": "other", "per_diem": "temporary", "working_student": "student",
    "student": "student", "apprenticeship": "apprenticeship", "other": "other",
}

_DURATION = re.compile(
    r"(\d{1,3})\s*(?:-|to|tot|à|a|bis)?\s*(?:\d{1,3}\s*)?"
    r"(months?|maanden|maand|mois|monate?n?|mnd|m\b|years?|jaar|jaren|ans?|jahre?n?|"
    r"weeks?|weken|semaines?|wochen?)\s*(\+|or\s+more|ou\s+plus|of\s+meer|oder\s+mehr|"
    r"\(?(?:possible\s+)?(?:extension|verlenging|prolongation|verl[äa]ngerung)|"
    r"with\s+(?:possible\s+)?extension|renewable|renouvelable|verlengbaar)?",
    re.IGNORECASE,
)
_OPEN_ENDED_WORDS = re.compile(
    r"\b(?:extension|extendable|renewable|verlenging|verlengbaar|prolongation|renouvelable|"
    r"verl[äa]ngerung|long[- ]term|lange\s+termijn|longue\s+dur[ée]e)\b", re.IGNORECASE)

_FULL_TIME = re.compile(r"\b(?:full[- ]?time|voltijdse?|voltijds|fulltime|temps\s+plein|vollzeit|"
                        r"38\s*u(?:ur)?|40\s*u(?:ur)?)\b", re.IGNORECASE)
_PART_TIME = re.compile(r"\b(?:part[- ]?time|deeltijdse?|deeltijds|parttime|temps\s+partiel|teilzeit|"
                        r"mi[- ]temps|halftime|halftijds|4/5(?:de|e|[èe]me)?|80\s*%)\b", re.IGNORECASE)
_HOURS = re.compile(
    r"(\d{1,2}(?:[.,]\d)?)\s*(?:-\s*\d{1,2}\s*)?(?:h|u|uur|uren|hours?|hrs?|heures?|std\.?|"
    r"stunden)\s*(?:/|per|par|pro|a|an|in\s+de|)\s*(?:week|semaine|woche|wk|w)\b",
    re.IGNORECASE,
)
_REMOTE = re.compile(r"\b(?:100\s*%\s*(?:remote|thuiswerk|t[ée]l[ée]travail)|fully\s+remote|"
                     r"full[- ]?remote|remote[- ]first|remote\s+only|work\s+from\s+anywhere|"
                     r"volledig\s+thuiswerk|enti[èe]rement\s+[àa]\s+distance|"
                     r"vollst[äa]ndig\s+remote|remote)\b", re.IGNORECASE)
_HYBRID = re.compile(r"\b(?:hybrid|hybride|hybrid\s+work|gedeeltelijk\s+thuiswerk|work(?:ing)?\s+from\s+home|wfh|"
                     r"thuiswerk|telewerk|t[ée]l[ée]travail|home\s?office|mobiles\s+arbeiten|"
                     r"\d\s*(?:days?|dagen|jours?|tage?)\s+(?:remote|thuis|from\s+home|"
                     r"de\s+t[ée]l[ée]travail|home\s?office))\b", re.IGNORECASE)
_ON_SITE = re.compile(r"\b(?:on[- ]?site|onsite|op\s+locatie|op\s+kantoor|sur\s+site|au\s+bureau|vor\s+ort|"
                      r"im\s+b[üu]ro|in[- ]office|in\s+the\s+office|"
                      r"pr[ée]sentiel)\b", re.IGNORECASE)
# "Kein Homeoffice", "no remote", "geen thuiswerk", "pas de télétravail": work on site.
_NO_REMOTE = re.compile(r"\b(?:no|not|geen|pas\s+de|sans|kein(?:e)?)\s+(?:remote|home\s?office|thuiswerk|"
                        r"telewerk|t[ée]l[ée]travail|work(?:ing)?\s+from\s+home|hybrid\w*)\b", re.IGNORECASE)
_STRUCTURED_REMOTE = {"remote": "remote", "hybrid": "hybrid", "on_site": "on_site",
                      "onsite": "on_site", "on-site": "on_site", "in_office": "on_site",
                      "telecommute": "remote", "fully_remote": "remote"}


# In a whole description only unambiguous phrases count ("hybrid infrastructure" is no work model).
_DESCRIPTION_CONTRACT = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("permanent", r"\b(?:cdi|contrat\s+[àa]\s+dur[ée]e\s+ind[ée]termin[ée]e|"
                      r"(?:contract\s+(?:van|voor)\s+)?onbepaalde\s+duur|vast\s+contract|"
                      r"unbefristete[rn]?(?:\s+arbeitsvertrag)?|festanstellung|permanent\s+contract|"
                      r"permanent\s+(?:position|role))\b"),
        ("fixed_term", r"\b(?:cdd|contrat\s+[àa]\s+dur[ée]e\s+d[ée]termin[ée]e|"
                       r"contract\s+(?:van|voor)\s+bepaalde\s+duur|befristete[rn]?\s+"
                       r"(?:arbeitsvertrag|vertrag)|fixed[- ]term\s+contract)\b"),
        ("student", r"\b(?:studentenjob|jobstudent|job\s+[ée]tudiant|werkstudent)\b"),
        ("internship", r"\b(?:internship|stagiair|praktikum)\b"),
    )
)
# "Contract type: Permanent", "Duration of Assignment: Permanent", "Vertragsart: befristet": a
# labelled line inside the description states the contract as the ad's own contract line does.
_CONTRACT_LINE = re.compile(
    r"\b(?:contract(?:\s+type)?|type\s+of\s+contract|employment\s+type|duration\s+of\s+(?:the\s+)?assignment|"
    r"contracttype|soort\s+contract|type\s+contract|type\s+de\s+contrat|vertragsart|anstellungsart|"
    r"befristung)\s*:\s*([^.\n;]{1,60})", re.IGNORECASE)
_FIXED_TERM_BASIS = re.compile(r"\b(?:on\s+a\s+fixed[- ]term\s+basis|fixed[- ]term\s+(?:role|position|"
                               r"appointment|basis))\b", re.IGNORECASE)
# A sentence about the applicant or the company, not the job: "an internship can be enough",
# "experience from a previous internship", "we have hosted interns for 20 years".
_ABOUT_APPLICANT = re.compile(
    r"\b(?:experience|ervaring|exp[ée]rience|erfahrung|enough|volstaat|voldoende|suffit|reicht|previous|"
    r"prior|completed|afgeronde?|eerdere?|you\s+have|you've|je\s+hebt|vous\s+avez|sie\s+haben|"
    r"du\s+hast|we\s+have\s+(?:hosted|welcomed|offered)|since|sinds|depuis|seit)\b", re.IGNORECASE)
_DESCRIPTION_REMOTE = (
    ("remote", re.compile(r"\b(?:100\s*%\s*(?:remote|thuiswerk|t[ée]l[ée]travail)|fully\s+remote|"
                          r"full[- ]?remote|remote[- ]first|remote\s+only|volledig\s+thuiswerk|"
                          r"enti[èe]rement\s+[àa]\s+distance|vollst[äa]ndig\s+remote)\b",
                          re.IGNORECASE)),
    ("hybrid", re.compile(r"\b(?:hybrid(?:e)?\s*(?::|work(?:ing)?|werken|model|mode|role|"
                          r"position|setup|arrangement|schedule|job|way\s+of\s+working)|"
                          r"t[ée]l[ée]travail|thuiswerk|telewerk|home\s?office|remote\s+work|"
                          r"work(?:ing)?\s+from\s+home|mobiles\s+arbeiten|"
                          r"\d\s*(?:days?|dagen|jours?|tage?)\s+(?:per\s+week\s+)?(?:remote|thuis|"
                          r"from\s+home|de\s+t[ée]l[ée]travail|home\s?office))(?!\w)", re.IGNORECASE)),
    ("on_site", re.compile(r"\b(?:100\s*%\s*(?:on[- ]?site|op\s+kantoor|sur\s+site)|"
                           r"fully\s+on[- ]?site|no\s+remote)\b", re.IGNORECASE)),
)


def _texts(texts: Iterable[str | None]) -> list[str]:
    """The non-empty texts, platform codes made words ("FULL_TIME" reads as "FULL TIME")."""
    return [t[:20000].replace("_", " ") for t in texts if isinstance(t, str) and t.strip()]


def contract_type(*texts: str | None, description: str | None = None) -> str | None:
    """One of :data:`CONTRACT_TYPES`, from the first text that names a contract.

    ``texts`` are short statements (platform value, "Contract type:" line, title); the
    ``description`` is read last, for unambiguous phrases only ("CDI", "onbepaalde duur").
    """
    return _contract_in(texts) or _in_description(description, _CONTRACT_SENTENCES, _DESCRIPTION_CONTRACT)


def contract_type_by_source(title: str | None, statement: str | None, enum: str | None,
                            description: str | None) -> str | None:
    """The contract type when sources may disagree: see :data:`jobcrawler.normalize.PRECEDENCE`.

    The title and the ad's contract line (or a platform's custom field) are explicit statements
    and win over the platform's enum, which wins over the description; in the description only
    a labelled contract line or an unambiguous phrase counts, and never one in a sentence about
    the applicant or the company ("an internship can be enough").
    """
    return (_contract_in([title, statement]) or _contract_in([enum])
            or _contract_in_description(description))


def _contract_in_description(description: str | None) -> str | None:
    if not description:
        return None
    sentences = [s for s in _CONTRACT_SENTENCES(description[:20000]) if not _ABOUT_APPLICANT.search(s)]
    for sentence in sentences:
        if (line := _CONTRACT_LINE.search(sentence)) and (kind := _contract_in([line[1]])):
            return kind
    relevant = "\n".join(sentences)
    if _FIXED_TERM_BASIS.search(relevant):
        return "fixed_term"
    return next((kind for kind, pattern in _DESCRIPTION_CONTRACT if pattern.search(relevant)), None)


def _contract_in(texts: Iterable[str | None]) -> str | None:
    for text in _texts(texts):
        key = text.strip().casefold().replace(" ", "_")
        if key in _STRUCTURED:
            if _STRUCTURED[key]:
                return _STRUCTURED[key]
            continue
        for kind, pattern in _CONTRACT_RULES:
            if pattern.search(text):
                return kind
    return None


def duration(*texts: str | None) -> tuple[int | None, bool | None]:
    """(months, open-ended) of a fixed-term or freelance mission: "9 months+" is (9, True)."""
    for text in _texts(texts):
        for m in _DURATION.finditer(text):
            n = int(m[1])
            unit = m[2].casefold()
            if unit.startswith(("y", "j", "an")):
                months = n * 12
            elif unit.startswith(("w", "se")):
                months = max(1, round(n / 4.345))
            else:
                months = n
            if not 0 < months <= 120:
                continue
            open_ended = bool(m[3]) or bool(_OPEN_ENDED_WORDS.search(text))  # "Long-term, 24 months"
            return months, open_ended
    return None, None


_EITHER = re.compile(r"\b(?:or|of|ou|oder)\b|/", re.IGNORECASE)
_WORKING_TIME = re.compile(f"(?P<part_time>{_PART_TIME.pattern})|(?P<full_time>{_FULL_TIME.pattern})",
                           re.IGNORECASE)


def working_time(*texts: str | None, description: str | None = None) -> str | None:
    """``full_time`` or ``part_time``, whichever a text names first: short statements first, then
    the description."""
    for text in _texts(texts):
        if mentions(text, _WORKING_TIME_WORDS) and (m := _WORKING_TIME.search(text)):
            if _PART_TIME.search(text) and _FULL_TIME.search(text) and _EITHER.search(text):
                continue  # "Teilzeit oder Vollzeit", "full-time or part-time": either
            return m.lastgroup
    if description and (m := _WORKING_TIME.search("\n".join(_WORKING_TIME_SENTENCES(description[:20000])))):
        return m.lastgroup
    return None


def hours_per_week(*texts: str | None, description: str | None = None) -> float | None:
    """Weekly hours: "24h/semaine", "32u/week", "38 Stunden pro Woche"; short statements first."""
    sentences = _HOURS_SENTENCES(description[:20000]) if description else []
    for text in [*_texts(texts), *sentences]:
        if not mentions(text, _HOURS_WORDS):
            continue
        if m := _HOURS.search(text):
            hours = float(m[1].replace(",", "."))
            if 1 <= hours <= 60:
                return hours
    return None


# Words without which a family's patterns cannot match: a cheap look first (statements) or the
# Aho-Corasick key words that pick a description's sentences (see :mod:`jobcrawler.normalize.scan`).
_REMOTE_WORDS = ("remote", "thuis", "travail", "distance", "hybrid", "telewerk", "home", "mobiles", "site", "office",
                 "kantoor", "bureau", "büro", "buro",
                 "kantoor")
_CONTRACT_WORDS = ("cdi", "cdd", "dur", "duur", "contract", "contrat", "employment type", "assignment", "vertragsart",
                   "anstellungsart", "befrist", "festanstell", "student", "tudiant", "stagiair",
                   "internship", "praktikum", "permanent", "fixed")
_HOURS_WORDS = ("week", "semaine", "woche", "wk", "/w")
_WORKING_TIME_WORDS = ("time", "tijd", "temps", "zeit", "4/5", "80", "38", "40")
_REMOTE_SENTENCES = KeywordSentences(_REMOTE_WORDS)
_CONTRACT_SENTENCES = KeywordSentences(_CONTRACT_WORDS)
_HOURS_SENTENCES = KeywordSentences(_HOURS_WORDS)
_WORKING_TIME_SENTENCES = KeywordSentences(_WORKING_TIME_WORDS)


def _in_description(description: str | None, sentences: KeywordSentences,
                    rules: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    """The first rule's kind whose unambiguous phrase the description contains (read last)."""
    if not description:
        return None
    relevant = "\n".join(sentences(description[:20000]))
    return next((kind for kind, pattern in rules if pattern.search(relevant)), None) if relevant else None


def mentions(text: str, words: tuple[str, ...]) -> bool:
    """True when the lower-cased ``text`` contains one of ``words`` (a pre-filter)."""
    lower = text.lower()
    return any(word in lower for word in words)


def remote(*texts: str | None, description: str | None = None) -> str | None:
    """``remote``, ``hybrid`` or ``on_site``: short statements first, then unambiguous phrases
    of the ``description``."""
    return _remote_in(texts) or _in_description(description, _REMOTE_SENTENCES, _DESCRIPTION_REMOTE)


# What the ad says of its own work model, in the title or opening lines: "This role is hybrid",
# "Hybrid role:", "This position is hybrid based in ...", "in the office 3 days a week".
_OWN_MODEL = (
    ("on_site", re.compile(r"\b(?:(?:role|position|job|work)\s+is\s+(?:fully\s+|entirely\s+)?(?:on[- ]?site|"
                           r"office[- ]based|in[- ]office)|(?:on[- ]?site|office[- ]based)\s+(?:role|position)|"
                           r"travail\s+(?:100\s*%\s+)?en\s+pr[ée]sentiel)\b", re.IGNORECASE)),
    ("remote", re.compile(r"\b(?:this\s+(?:role|position|job)\s+is\s+(?:fully\s+|100\s*%\s+)?remote|"
                          r"(?:fully\s+)?remote\s+(?:role|position)\b(?!\s+(?:is\s+)?(?:not|possible))|"
                          r"home[- ]?based|(?:location|workplace|work\s+location|standplaats|lieu(?:\s+de\s+travail)?|"
                          r"arbeitsort)\s*:\s*(?:fully\s+|100\s*%\s+)?remote)\b", re.IGNORECASE)),
    ("hybrid", re.compile(r"\b(?:this\s+(?:role|position|job)\s+is\s+(?:a\s+)?hybrid|hybrid\s+(?:role|position|"
                          r"working|based))\b", re.IGNORECASE)),
)
# "Hybrid Cloud Engineer", "Remote Sensing Scientist": a work model word before a technical noun.
_TITLE_NOT_MODEL = re.compile(r"\b(?:hybrid|remote)\s+(?:cloud|infrastructure|it\b|systems?|apps?|applications?|"
                              r"integration|vehicles?|cars?|sensing|monitoring|access|pilot|control|"
                              r"operations?\s+center)", re.IGNORECASE)
# Where a location says "Homebased"/"Home based" (UK ads), the job is remote.
_HOME_BASED = re.compile(r"\bhome[- ]?based\b", re.IGNORECASE)


def remote_by_source(title: str | None, statements: Iterable[str | None], flag: str | None,
                     description: str | None) -> str | None:
    """``remote``, ``hybrid`` or ``on_site`` when sources may disagree (see
    :data:`jobcrawler.normalize.PRECEDENCE`): the title, then the ad's own statements (contract line,
    locations), then what the opening of the description says of this job ("Hybrid role", "This
    role is hybrid"), then the platform's flag, then an unambiguous phrase anywhere in the
    description. "Remote from the text when the platform says nothing."
    """
    if title and not _TITLE_NOT_MODEL.search(title) and (found := _remote_in([title])):
        return found
    texts = [t for t in statements if t]
    if any(_HOME_BASED.search(t) for t in texts):
        return "remote"
    if found := _remote_in(texts):
        return found
    if description and (found := _own_model(description[:600])):
        return found
    if found := _remote_in([flag]):
        return found
    return _own_model_sentences(description)


# "in the office 3 days a week", "op kantoor 2 dagen per week": some days in the office is hybrid.
_DAYS = re.compile(r"\b[1-4]\s*(?:days?|dagen|jours?|tage?)\s*(?:a|per|p/?w|par|pro|in\s+de)\b", re.IGNORECASE)
_OFFICE = re.compile(r"\b(?:office|on[- ]?site|kantoor|bureau|b[üu]ro)\b", re.IGNORECASE)


# A word each of the patterns above needs: a cheap look before the regular expression.
_OWN_MODEL_WORDS = {"on_site": ("site", "office", "sentiel"), "remote": ("remote", "home"), "hybrid": ("hybrid",)}


def _own_model(text: str) -> str | None:
    lower = text.lower()
    found = next((kind for kind, pattern in _OWN_MODEL
                  if any(w in lower for w in _OWN_MODEL_WORDS[kind]) and pattern.search(text)), None)
    if found is None and any(w in lower for w in ("day", "dag", "jour", "tag")):
        for days in _DAYS.finditer(text):  # an office word on the same line, close by
            start = max(text.rfind("\n", 0, days.start()) + 1, days.start() - 50)
            end = text.find("\n", days.end())
            end = days.end() + 40 if end == -1 else min(end, days.end() + 40)
            if _OFFICE.search(text, start, end):
                return "hybrid"
    return found


def _own_model_sentences(description: str | None) -> str | None:
    if not description:
        return None
    relevant = "\n".join(_REMOTE_SENTENCES(description[:20000]))
    return (_own_model(relevant) or next((kind for kind, pattern in _DESCRIPTION_REMOTE if pattern.search(relevant)),
                                         None)) if relevant else None


def _remote_in(texts: Iterable[str | None]) -> str | None:
    for text in _texts(texts):
        key = text.strip().casefold().replace(" ", "_")
        if key in _STRUCTURED_REMOTE:
            return _STRUCTURED_REMOTE[key]
        if _NO_REMOTE.search(text):
            return "on_site"
        if _HYBRID.search(text) and not re.search(r"100\s*%|fully|volledig|enti[èe]rement", text,
                                                  re.IGNORECASE):
            return "hybrid"
        if _REMOTE.search(text):
            return "remote"
        if _ON_SITE.search(text):
            return "on_site"
    return None
