"""Languages: those an ad requires (ISO 639-1) and the language the ad is written in."""

from __future__ import annotations

import re
from functools import cache

from jobcrawler.normalize.scan import KeywordSentences

_NAMES: dict[str, str] = {}
for _code, _words in {
    "en": "english engels anglais englisch englischkenntnisse eng",
    "nl": "dutch nederlands néerlandais neerlandais niederländisch niederlandisch "
          "niederländischkenntnisse flemish vlaams nederlandstalig néerlandophone",
    "fr": "french frans français francais französisch franzosisch französischkenntnisse franstalig "
          "francophone",
    "de": "german duits allemand deutsch deutschkenntnisse duitstalig germanophone",
    "lb": "luxembourgish luxemburgs luxembourgeois luxemburgisch",
    "es": "spanish spaans espagnol spanisch",
    "it": "italian italiaans italien italienisch",
    "pl": "polish pools polonais polnisch",
    "pt": "portuguese portugees portugais portugiesisch",
}.items():
    for _word in _words.split():
        _NAMES[_word] = _code
_CODES = {"en": "en", "nl": "nl", "fr": "fr", "de": "de", "eng": "en", "ned": "nl", "fra": "fr",
          "fr.": "fr", "ger": "de", "lu": "lb"}

_LANGUAGE_WORD = re.compile(
    r"\b(" + "|".join(sorted((re.escape(w) for w in _NAMES), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_CODE_PAIR = re.compile(r"\b(EN|NL|FR|DE)\s*[/&+-]\s*(EN|NL|FR|DE)(?:\s*[/&+-]\s*(EN|NL|FR|DE))?\b")
_REQUIRED = re.compile(
    r"\b(?:fluen(?:t|cy|tly)|speak|spoken|written|proficien(?:t|cy)|command\s+of|knowledge\s+of|"
    r"native|bilingual|trilingual|language\s+requirements?|languages?|required|mandatory|must|"
    r"vloeiend|vlot|kennis\s+van|beheers\w*|spreek\w*|tweetalig|drietalig|taal|talen|"
    r"moedertaal|vereist|noodzakelijk|couramment|ma[îi]tris\w*|parl\w*|bilingue|"
    r"trilingue|langue|langues|connaissance|exig[ée]e?|indispensable|obligatoire|courant(?:e|s|es)?|"
    r"flie(?:ß|ss)end|sprachkenntnisse|sprache|sprachen|beherrsch\w*|\w*kenntnisse|verhandlungssicher|"
    r"muttersprache|zweisprachig|erforderlich|sprech\w*)\b",
    re.IGNORECASE,
)
_PLUS = re.compile(
    r"\b(?:is\s+a\s+plus|a\s+plus|an?\s+(?:asset|advantage|bonus)|nice\s+to\s+have|preferred|"
    r"would\s+be\s+(?:a\s+)?(?:plus|advantage|beneficial)|is\s+een\s+(?:plus|pluspunt|troef|"
    r"meerwaarde|voordeel)|pluspunt|troef|meerwaarde|un\s+(?:atout|plus)|est\s+un\s+(?:atout|plus)|"
    r"constitue\s+un\s+atout|appr[ée]ci[ée]e?|von\s+vorteil|w[üu]nschenswert|ein\s+plus)\b",
    re.IGNORECASE,
)
_ANY_LANGUAGE = re.compile(_LANGUAGE_WORD.pattern + "|" + _CODE_PAIR.pattern, re.IGNORECASE)


def languages_required(text: str | None) -> list[str]:
    """ISO 639-1 codes of the languages the ad asks for, in the order it names them.

    A language named in a sentence that only calls it a plus ("is een pluspunt", "un atout") is
    left out.
    """
    if not text:
        return []
    return _required_in(_sentences_naming_a_language(text[:50000]))


def _required_in(sentences: list[str]) -> list[str]:
    found: list[str] = []
    for sentence in sentences:
        if not _REQUIRED.search(sentence) and not _LEVEL.search(sentence):
            continue
        plus = _PLUS.search(sentence)
        for match in _LANGUAGE_WORD.finditer(sentence):
            if plus and _same_clause(sentence, match.start(), plus.start()):
                continue
            code = _NAMES[match[1].casefold()]
            if code not in found:
                found.append(code)
        for match in _CODE_PAIR.finditer(sentence):
            for group in match.groups():
                if group and (code := _CODES[group.casefold()]) not in found:
                    found.append(code)
    return found


# Substrings without which no language word or code pair can occur (the Aho-Corasick key words):
# every language word itself, and the code pairs' "EN/", "/FR", "NL-"... (tests/test_scan.py).
_LANGUAGE_SENTENCES = KeywordSentences((
    *_NAMES,
    *(f"{code}{sep}" for code in ("en", "nl", "fr", "de") for sep in ("/", "-", "&", "+", " /", " -", " &", " +")),
    *(f"{sep}{code}" for code in ("en", "nl", "fr", "de") for sep in ("/", "-", "&", "+", "/ ", "- ", "& ", "+ ")),
))


def _sentences_naming_a_language(text: str) -> list[str]:
    """The distinct sentences (at most 600 characters) that name a language or a code pair."""
    return [s for s in _LANGUAGE_SENTENCES(text, limit=600) if _ANY_LANGUAGE.search(s)]


_CLAUSE_BREAK = re.compile(r"\b(?:but|mais|maar|aber|while|tandis|terwijl|whereas)\b|;",
                           re.IGNORECASE)
# A comma continues a list of languages when a language word stands right before it and right
# after it ("English, Dutch, and French").
_LIST_COMMA_BEFORE = re.compile(_LANGUAGE_WORD.pattern + r"\s*$", re.IGNORECASE)
# "Frans: zeer goed", "English (C1)", "Deutsch – sehr gut": a language with the level asked for.
_LEVEL = re.compile(_LANGUAGE_WORD.pattern + r"\s*[:(\-–]\s*(?:(?:very|zeer|tr[èe]s|sehr)\s+)?(?:good|goed|"
                    r"bon(?:ne)?|gut|excellent\w*|uitstekend|perfect\w*|parfait\w*|fluent|courant|vloeiend|"
                    r"native|moedertaal|muttersprache|[abc][12])\b", re.IGNORECASE)
_ARTICLE = r"(?:(?:le|la|les|het|de|das|the)\s+|l')?"
_BARE_ITEM = re.compile(r"\s*(?:(?:and|en|et|und|or|of|ou|oder)\s+)?" + _ARTICLE + _LANGUAGE_WORD.pattern + r"\s*",
                        re.IGNORECASE)
_LIST_END = re.compile(_BARE_ITEM.pattern + r"\s(?:and|en|et|und|or|of|ou|oder)\s+" + _ARTICLE + _LANGUAGE_WORD.pattern,
                       re.IGNORECASE)
_LIST_COMMA_AFTER = re.compile(r"\s*(?:(?:and|en|et|und|or|of|ou|oder)\s+)?" + _LANGUAGE_WORD.pattern,
                               re.IGNORECASE)


def _same_clause(sentence: str, a: int, b: int) -> bool:
    """True when the plus marker at ``b`` applies to the language named at ``a``.

    A marker in parentheses applies to the word just before them ("Frans (pluspunt)"); otherwise
    to its clause: no "but"/"mais"/"maar", no ';', and no comma in between except the commas of a
    list of languages ("English, Dutch and French is a plus").
    """
    open_paren = sentence.rfind("(", 0, b)
    if open_paren != -1 and ")" not in sentence[open_paren:b]:
        return a < open_paren and not sentence[a:open_paren].strip(" ,").count(" ") and (
            _LANGUAGE_WORD.fullmatch(sentence[a:open_paren].strip(" ,")) is not None)
    lo, hi = sorted((a, b))
    span = sentence[lo:hi]
    if _CLAUSE_BREAK.search(span):
        return False
    if a < b and "," in span:
        # "Knowledge of English, Dutch and French is a plus": single languages, then the list's
        # end ("Dutch and French") in the marker's piece. Not in "Dutch and French, English is a
        # plus" (a list of its own) nor "Vous maîtrisez le français, l'anglais est un atout".
        lead_in = sentence[sentence.rfind(",", 0, a) + 1: a]
        *items, last = sentence[a:b].split(",")
        return (not _LANGUAGE_WORD.search(lead_in) and _LIST_END.match(last) is not None
                and all(_BARE_ITEM.fullmatch(item) for item in items))
    return all(_LIST_COMMA_BEFORE.search(span[:i]) and _LIST_COMMA_AFTER.match(span[i + 1:])
               for i, ch in enumerate(span) if ch == ",")


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["nl", "fr", "en", "de"])
    return identifier


def ad_language(text: str | None) -> str | None:
    """The language of the ad's text (nl, fr, en or de); None for text too short to tell."""
    if not text or len(text.strip()) < 40:
        return None
    # 150 characters tell four languages apart, even after an English title line (README
    # "Performance"); the model's tables are large, so every character read costs a cache miss.
    code, probability = _identifier().classify(text[:150])
    return code if probability >= 0.5 else None
