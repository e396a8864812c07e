"""Pure normalisers that make two ads comparable: employer, title, place, URLs, references, words.

Language-aware where it matters: gender markers ("(m/v/x)", "(h/f)", "(m/w/d)"), legal forms and
stop words of Dutch, French, English and German are removed before anything is compared.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

from jobcrawler.urls import ad_url


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Small stop-word lists (the most frequent function words of each language, hand-reviewed).
STOP_WORDS: dict[str, frozenset[str]] = {
    "nl": _word_set(
        "de het een en van in op te voor met je jij u we wij ons onze zijn is aan als bij door of om "
        "dat die dit er ook naar tot uit over zo al wat wie hoe heb hebt heeft wordt worden kan kunnen "
        "zal zullen jouw uw niet geen meer dan maar nog"),
    "fr": _word_set(
        "le la les un une des de du et en au aux pour par sur dans avec vous nous tu il elle ils est "
        "sont a ont que qui dont ce cette ces son sa ses votre vos notre nos leur leurs plus ne pas ou "
        "se si etre avoir tres comme"),
    "en": _word_set(
        "the a an and of in on to for with you your we our us is are be will as at by or from that "
        "this these those it its have has can not no more than but also who what how all any"),
    "de": _word_set(
        "der die das ein eine einen einem einer und von in im auf zu fur mit sie du ihr wir uns unser "
        "unsere ist sind sein bei als oder aus dass den dem des es auch wie nicht kein mehr"),
}
_ALL_STOP_WORDS = frozenset().union(*STOP_WORDS.values())
#: What content words leave out besides stop words: single letters (what is left of "(m/v/x)").
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_CONTENT_STOP = {lang: words_ | _LETTERS for lang, words_ in STOP_WORDS.items()}
_ALL_CONTENT_STOP = _ALL_STOP_WORDS | _LETTERS

#: Legal forms and filler words of company names (NV, SRL, GmbH, Ltd ...), compared after folding.
LEGAL_FORMS = _word_set(
    "nv sa bv bvba sprl srl sc scrl cv cvba vzw asbl gmbh ag kg ohg ug ev ltd limited plc llc inc "
    "corp corporation co company sarl sas sasu se spa gie group groep groupe holding belgium belgique "
    "belgie luxembourg nederland deutschland international the")

#: Names that say the employer is not named (agencies hiding their client).
UNNAMED = frozenset({
    "confidential", "confidentieel", "vertrouwelijk", "anonymous", "anoniem", "anonyme",
    "undisclosed", "our client", "onze klant", "notre client", "unser kunde", "client", "klant",
    "unknown", "n a", "na", "private", "prive", "vertraulich"})

#: Titles of talent-pool and open-application ads, which are no vacancy of their own.
_TALENT_POOL = re.compile(
    r"\b(?:talent\s*pool|talentpool|open\s+(?:sollicitatie|application)|spontane\s+sollicitatie|"
    r"spontaneous\s+application|candidature\s+spontanee|initiativbewerbung|unsolicited\s+application|"
    r"vivier|open\s+kandidatuur)\b")

_GENDER = re.compile(
    r"\(\s*[mvwfhxd]\s*(?:[/|,]\s*[mvwfhxd*]\s*){1,3}\)|\b[mvwfhx]\s*/\s*[mvwfhx](?:\s*/\s*[mvwfhxd])?\b|"
    r"\(\s*[a-z]+\s*/\s*[a-z]+\s*\)")
_WORD = re.compile(r"[0-9a-z]+")
_URL_ID = re.compile(r"\d{3,}|[0-9a-f]{8}-[0-9a-f]{4}")
#: A plain http(s) URL: a host of letters, digits, dots and hyphens (no user, port or IPv6) and a
#: path of printable ASCII; what ``urlsplit`` would give of it, without its general parsing.
_PLAIN_URL = re.compile(r"https?://([0-9A-Za-z.-]+)(/[!$-;=@-Z_a-z~]*)?(?:[?#][!-~]*)?")


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def fold(text: str) -> str:
    """Lower case without accents (``"Développeur"`` -> ``"developpeur"``)."""
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))


def words(text: str) -> list[str]:
    """The folded words of a text, gender markers removed."""
    return _WORD.findall(_GENDER.sub(" ", fold(text)))


def employer_key(employer: str | None, agency: str | None = None) -> str | None:
    """A company name without legal form and punctuation; None when the ad does not name one.

    An employer equal to the agency that posted the ad is the agency's own name, not the client's.
    """
    if not employer:
        return None
    tokens = [w for w in words(employer) if w not in LEGAL_FORMS]
    key = " ".join(tokens)
    if not key or key in UNNAMED:
        return None
    if agency and key == employer_key(agency):
        return None
    return key


def same_employer(a: str, b: str) -> bool:
    """Two employer keys name the same company: equal, or one's words start the other's
    ("stripe" and "stripe payments europe")."""
    if a == b:
        return True
    short, long = sorted((a.split(), b.split()), key=len)
    return long[:len(short)] == short


def title_words(title: str | None) -> tuple[str, ...]:
    """A title's content words, gender markers and stop words of all four languages removed."""
    if not title:
        return ()
    return tuple(w for w in words(title) if w not in _ALL_STOP_WORDS)


def title_key(title: str | None) -> str:
    """The normalised title: content words, sorted (word order of titles varies between copies)."""
    return " ".join(sorted(set(title_words(title))))


def title_similarity(a: str, b: str) -> float:
    """Jaccard similarity of the character trigrams of two title keys (0 when either is empty)."""
    ga, gb = _trigrams(a), _trigrams(b)
    if not ga or not gb:
        return 0.0
    return len(ga & gb) / len(ga | gb)


@lru_cache(maxsize=8192)
def _trigrams(key: str) -> frozenset[str]:
    grams: set[str] = set()
    for word in key.split():
        padded = f" {word} "
        grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def is_talent_pool(title: str | None) -> bool:
    """A talent-pool or open-application ad (``"Spontane sollicitatie"``, ``"Talent Pool"``)."""
    return bool(title and _TALENT_POOL.search(" ".join(words(title))))


@lru_cache(maxsize=4096)
def place_key(city: str | None) -> str | None:
    """A city name folded for comparison (``"Liège"`` -> ``"liege"``)."""
    if not city:
        return None
    return " ".join(words(city)) or None


def url_key(url: str | None) -> str | None:
    """Host and path of a URL that names one ad (lower case, no scheme, query, ``www.`` or trailing
    slash, or session id in the path: :func:`jobcrawler.urls.ad_url`); None for URLs that name no ad
    in particular (no number or id in the path)."""
    if not url or url.startswith("mailto:"):
        return None
    url = url.strip()
    if ";" in url:
        url = ad_url(url)
    plain = _PLAIN_URL.fullmatch(url)
    if plain is not None:
        host, path = plain.group(1).lower(), plain.group(2) or ""
    else:
        parts = urlsplit(url)
        host, path = parts.hostname or "", parts.path
    host = host.removeprefix("www.")
    path = path.rstrip("/").lower()
    if not host or not _URL_ID.search(path):
        return None
    return f"{host}{path}"


def reference_key(reference: str | None) -> str | None:
    """A requisition id, folded and without separators; None when too short or without a digit to
    tell vacancies apart (``"R-10007"`` -> ``"r10007"``)."""
    if not reference:
        return None
    key = "".join(_WORD.findall(fold(reference)))
    if len(key) < 4 or not any(c.isdigit() for c in key):
        return None
    return key


def content_words(text: str, language: str | None) -> list[str]:
    """The words of a text without the stop words of its language (all four when unknown) and
    one-letter words (what is left of "(m/v/x)")."""
    stop = _CONTENT_STOP.get(language or "", _ALL_CONTENT_STOP)
    return [w for w in _WORD.findall(fold(text)) if w not in stop]


def shingles(tokens: list[str], size: int = 3) -> set[str]:
    """Word ``size``-grams of a token list (the whole list when it is shorter)."""
    if len(tokens) <= size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


#: Words are cut to this many characters to make stems.
STEM_LENGTH = 6


def stems(tokens: list[str], length: int = STEM_LENGTH) -> set[str]:
    """Words cut to ``length`` characters: a crude stemmer that serves the four languages alike
    ("verantwoordelijk"/"verantwoordelijke", "développeur"/"développeuse"); short words stay whole."""
    return {t[:length] for t in tokens}


def numbers(tokens: list[str]) -> frozenset[str]:
    """The numbers among a text's words (without leading zeros; years of a date left in)."""
    return frozenset(t.lstrip("0") or "0" for t in filter(str.isdigit, tokens) if len(t) <= 6)
