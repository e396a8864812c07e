"""Whether two ads are the same vacancy, and by which rule: pure functions over :class:`AdView`.

Rules are tried cheapest first; the first that holds is the link's recorded reason. A few facts
forbid a link whatever the rules say (:func:`never_link`): two named employers that differ, two
countries, two occupations (ISCO) when both ads have one, a talent-pool ad beside a real vacancy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

import numpy as np

from jobcrawler.dedup import keys as k
from jobcrawler.dedup import signature as sig

#: Two ads posted more than this many days apart are not copies (unless one is a repost).
WINDOW_DAYS = 60
#: A repost joins the cluster of an ad closed at most this many days before it appeared.
REPOST_DAYS = 365
#: ISCO codes are compared on this many digits (minor groups): a classifier often hesitates
#: between neighbouring unit groups of one minor group, never between minor groups.
ISCO_DIGITS = 3
#: Rules in the order they are tried; the position ranks competing links.
REASONS = ("reference", "apply_url", "title_place", "text", "semantic")
#: Word-shingle Jaccard (or containment of the shorter text) for the "text" rule.
TEXT_JACCARD = 0.6
TEXT_CONTAINMENT = 0.85
#: Stem Jaccard (or containment) and title likeness for the "semantic" rule.
SEMANTIC_JACCARD = 0.5
SEMANTIC_CONTAINMENT = 0.8
SEMANTIC_TITLE = 0.35
#: Shingle plus stem containment for the "semantic" rule when titles differ (agencies retitle).
SEMANTIC_SUM = 1.2
#: An agency's rewrite under the same title (normalised titles this alike): less of the wording
#: needs to agree when every number the shorter text states is in the other (a rewrite drops and
#: rephrases sentences but keeps the facts it gives: hours, pay, years).
REWRITE_TITLE = 0.7
REWRITE_CONTAINMENT = 0.5
#: Fewer shingles or stems than this are too little text to compare (shorter texts, down to
#: SHORT_TEXT shingles, link only when one is almost wholly in the other and the titles agree).
MIN_TEXT = 15
SHORT_TEXT = 5
#: Agencies advertise a temporary contract "with a view to permanent": the two may be one job.
_TEMP_OR_PERM = frozenset({"temporary", "permanent"})


@dataclass(slots=True)
class AdView:
    """What the rules compare of one ad (built by :func:`view` from its stored fields)."""

    id: int
    source: str = ""
    employer: str | None = None  # employer_key: None when the ad names none
    agency: bool = False
    title: str = ""  # title_key
    talent_pool: bool = False
    country: str | None = None
    province: str | None = None
    city: str | None = None  # place_key
    contract: str | None = None
    day: date | None = None  # posted, else first seen
    closed_day: date | None = None
    isco: str | None = None
    reference: str | None = None  # reference_key
    urls: tuple[str, ...] = ()
    shingles: np.ndarray | None = None  # MinHash of word 3-shingles
    stems: np.ndarray | None = None  # the word stems' hashes, sorted (an exact set: short)
    n_shingles: int = 0
    n_stems: int = 0
    numbers: frozenset[str] = frozenset()  # the numbers the text states (hours, pay, years)
    language: str | None = None
    cluster_id: int | None = field(default=None, compare=False)


class Link(NamedTuple):
    """A reason two ads are one vacancy; ``rank`` orders competing links (lower is better)."""

    reason: str
    rank: int
    score: float


def view(job_id: int, *, source: str = "", title: str | None = None, employer: str | None = None,
         agency: str | None = None, country: str | None = None, province: str | None = None,
         city: str | None = None, contract: str | None = None, day: date | None = None,
         closed_day: date | None = None, isco: str | None = None, reference: str | None = None,
         urls: tuple[str | None, ...] = (), text: str | None = None,
         language: str | None = None) -> AdView:
    """An ad's comparable parts, signatures included (the expensive part: about 0.2 ms; many ads
    are cheaper together: :func:`views`)."""
    return views([dict(job_id=job_id, source=source, title=title, employer=employer, agency=agency,
                       country=country, province=province, city=city, contract=contract, day=day,
                       closed_day=closed_day, isco=isco, reference=reference, urls=urls, text=text,
                       language=language)])[0]


def views(ads: list[dict[str, Any]]) -> list[AdView]:
    """The views of many ads (each a mapping of :func:`view`'s arguments), their signatures
    computed together (:func:`signature.signatures`: the same values, a few numpy passes)."""
    out = []
    for start in range(0, len(ads), sig.BATCH):  # the words of one batch at a time are kept
        parts = [_parts(**fields) for fields in ads[start:start + sig.BATCH]]
        signatures = sig.signatures([words for _ad, words in parts], k.STEM_LENGTH)
        for (ad, _words), (shingles, n_shingles, stems) in zip(parts, signatures, strict=True):
            ad.shingles, ad.n_shingles, ad.stems, ad.n_stems = shingles, n_shingles, stems, len(stems)
            out.append(ad)
    return out


def _parts(job_id: int, *, source: str = "", title: str | None = None, employer: str | None = None,
           agency: str | None = None, country: str | None = None, province: str | None = None,
           city: str | None = None, contract: str | None = None, day: date | None = None,
           closed_day: date | None = None, isco: str | None = None, reference: str | None = None,
           urls: tuple[str | None, ...] = (), text: str | None = None,
           language: str | None = None) -> tuple[AdView, list[str]]:
    """An ad's view without its signatures, and the content words they are made of."""
    # the first MAX_WORDS content words; a 100 KB description costs no more than a long ad
    tokens = k.content_words((text or "")[:sig.MAX_WORDS * 20], language)[:sig.MAX_WORDS]
    ad = AdView(
        id=job_id, source=source, employer=k.employer_key(employer, agency), agency=bool(agency),
        title=k.title_key(title), talent_pool=k.is_talent_pool(title), country=country,
        province=province, city=k.place_key(city), contract=contract, day=day,
        closed_day=closed_day, isco=isco, reference=k.reference_key(reference),
        urls=tuple(sorted({u for u in map(k.url_key, urls) if u})), numbers=k.numbers(tokens),
        language=language)
    return ad, tokens


def exact_keys(ad: AdView) -> list[int]:
    """Keys of exact values: :func:`strong_keys` and :func:`weak_keys`."""
    return strong_keys(ad) + weak_keys(ad)


def strong_keys(ad: AdView) -> list[int]:
    """Keys that nearly prove a link by themselves: requisition id, URLs."""
    found = []
    if ad.reference:
        found.append(sig.text_key("ref", ad.reference))
    found.extend(sig.text_key("url", u) for u in ad.urls)
    return found


def weak_keys(ad: AdView) -> list[int]:
    """Keys many ads share (a common title in a city, an occupation in a city), under which the ad
    is stored: their candidates are filtered by :func:`plausible` like the LSH bands' before any
    rule is tried."""
    found = []
    if ad.title:
        found.append(sig.text_key("title", f"{ad.title}|{ad.city or ad.province or ''}"))
        found.append(sig.text_key("title", ad.title))  # for copies that give no place
    if ad.isco and (ad.city or ad.province):  # translations share no words, only the occupation
        found.append(sig.text_key("isco", f"{ad.isco}|{ad.city or ad.province}"))
    return found


def weak_lookup_keys(ad: AdView) -> list[int]:
    """The weak keys an ad's candidates are looked up under. An ad with a city looks for its title
    in that city, in its province among ads that name no city (``"title|BE-VOV"``) and among ads
    that give no place (``"title|"``), not in every other city (a place that differs links
    nothing); an ad without a city looks at the title anywhere."""
    found = []
    if ad.title:
        if ad.city:
            found.append(sig.text_key("title", f"{ad.title}|{ad.city}"))
            if ad.province:
                found.append(sig.text_key("title", f"{ad.title}|{ad.province}"))
            found.append(sig.text_key("title", f"{ad.title}|"))
        else:
            found.append(sig.text_key("title", ad.title))
    if ad.isco and (ad.city or ad.province):
        found.append(sig.text_key("isco", f"{ad.isco}|{ad.city or ad.province}"))
    return found


def band_keys(ad: AdView) -> list[int]:
    """LSH band keys of the ad's shingle signature (none for too little text)."""
    if ad.shingles is None or ad.n_shingles < MIN_TEXT:
        return []
    return sig.band_keys(ad.shingles)


def index_keys(ad: AdView) -> list[int]:
    """The keys under which an ad is found by others: exact values, then LSH bands."""
    return exact_keys(ad) + band_keys(ad)


def plausible(ad: AdView, others: list[AdView]) -> list[AdView]:
    """The candidates some rule may link: text close enough (shingles compared in one vectorised
    pass, then word stems for those sharing a few shingles), the same title with a named employer,
    a short text or in the same place, or the same occupation in another language."""
    if not others or ad.shingles is None:
        return []
    shingles = np.count_nonzero(np.array([o.shingles for o in others]) == ad.shingles, axis=1)
    n = sig.NUM_PERM
    return [o for o, same in zip(others, shingles.tolist(), strict=True)
            if same >= 0.2 * n or _cheap_link(ad, o) or (same >= 0.1 * n and _stem_jaccard(ad, o) >= 0.3)]


def _cheap_link(a: AdView, b: AdView) -> bool:
    if a.title and a.title == b.title and (
            (a.employer and b.employer) or min(a.n_shingles, b.n_shingles) < MIN_TEXT
            or same_place(a, b)):
        return True
    return bool(a.isco and a.isco == b.isco and a.language != b.language)


def never_link(a: AdView, b: AdView) -> str | None:
    """Why two ads can never be one vacancy, or None."""
    if a.employer and b.employer and not k.same_employer(a.employer, b.employer):
        return "employer"
    if a.country and b.country and a.country != b.country:
        return "country"
    if a.isco and b.isco and a.isco[:ISCO_DIGITS] != b.isco[:ISCO_DIGITS]:
        return "occupation"
    if a.talent_pool != b.talent_pool:
        return "talent_pool"
    return None


def conflict(a: AdView, b: AdView) -> bool:
    """Two ads that may not share a cluster joined by a weak link (``semantic``) or by a third ad
    linked to both: :func:`never_link`, or texts stating numbers that all differ. A rewrite linked
    to a copy that lacks the figures (half the text) must not join a vacancy whose figures differ."""
    return never_link(a, b) is not None or _facts_differ(a, b)


def timing(a: AdView, b: AdView) -> str | None:
    """``"window"`` when posted close together, ``"repost"`` when the later ad appeared after the
    earlier one closed, None when neither."""
    if a.day is None or b.day is None:
        return "window"
    early, late = (a, b) if a.day <= b.day else (b, a)
    if early.closed_day is not None and 0 <= (late.day - early.closed_day).days <= REPOST_DAYS \
            and late.closed_day is None:
        return "repost"
    if (late.day - early.day).days <= WINDOW_DAYS:
        return "window"
    return None


def same_place(a: AdView, b: AdView) -> bool | None:
    """True when a known place agrees, False when it differs, None when nothing is comparable."""
    if a.city and b.city:
        return a.city == b.city
    if a.province and b.province:
        return a.province == b.province
    return None


def same_contract(a: AdView, b: AdView) -> bool:
    if not a.contract or not b.contract or a.contract == b.contract:
        return True
    return (a.agency or b.agency) and {a.contract, b.contract} == _TEMP_OR_PERM


def link(a: AdView, b: AdView) -> Link | None:
    """The first rule by which ``a`` and ``b`` are one vacancy, or None."""
    if never_link(a, b):
        return None
    when = timing(a, b)
    if when is None:
        return None
    found = _rule(a, b)
    if found is None:
        return None
    return found._replace(reason="repost") if when == "repost" else found


def _rule(a: AdView, b: AdView) -> Link | None:
    titles = k.title_similarity(a.title, b.title)
    place = same_place(a, b)
    if a.reference and a.reference == b.reference and (
            titles >= 0.3 or (a.employer and b.employer) or _stem_jaccard(a, b) >= 0.3):
        return Link("reference", 0, 1.0)
    if a.urls and set(a.urls) & set(b.urls):
        return Link("apply_url", 1, 1.0)
    if place is False or not same_contract(a, b):
        return None
    if a.employer and b.employer and a.title and a.title == b.title and place:
        return Link("title_place", 2, 1.0)
    shortest = min(a.n_shingles, b.n_shingles)
    shingled = _jaccard(a.shingles, b.shingles)
    shingles_in = sig.containment(shingled, a.n_shingles, b.n_shingles)
    if shortest >= MIN_TEXT and (shingled >= TEXT_JACCARD or shingles_in >= TEXT_CONTAINMENT) and (
            titles >= 0.25 or shingled >= 0.85):
        return Link("text", 3, shingled)
    if SHORT_TEXT <= shortest < MIN_TEXT and shingles_in >= 0.9 and titles >= 0.5:
        return Link("text", 3, shingled)
    if place and min(a.n_stems, b.n_stems) >= MIN_TEXT and not _facts_differ(a, b):
        shared = _shared_stems(a, b)
        stemmed = shared / (a.n_stems + b.n_stems - shared)
        stems_in = shared / min(a.n_stems, b.n_stems)
        if titles >= SEMANTIC_TITLE and (stemmed >= SEMANTIC_JACCARD or stems_in >= SEMANTIC_CONTAINMENT):
            return Link("semantic", 4, stemmed)
        if shingles_in >= 0.35 and shingles_in + stems_in >= SEMANTIC_SUM:
            return Link("semantic", 4, stemmed)
        if titles >= REWRITE_TITLE and stems_in >= REWRITE_CONTAINMENT and a.contract \
                and a.contract == b.contract and _numbers_kept(a, b):
            return Link("semantic", 4, stemmed)
    if place and _translation(a, b):
        return Link("semantic", 4, 0.0)
    return None


def _translation(a: AdView, b: AdView) -> bool:
    """The same vacancy in another language: the same occupation (ISCO unit group, from the
    classifier) in the same place, and the same numbers (hours, pay, years), which translators
    keep: at least two, and every number of the text stating fewer is in the other (a shortened
    translation drops sentences, not the figures of those it keeps)."""
    if not (a.language and b.language and a.language != b.language and a.isco and a.isco == b.isco):
        return False
    return len(a.numbers & b.numbers) >= 2 and _numbers_kept(a, b)


def _numbers_kept(a: AdView, b: AdView) -> bool:
    """Every number of the text that states fewer is in the other's (none counts as kept)."""
    fewer, more = (a.numbers, b.numbers) if len(a.numbers) <= len(b.numbers) else (b.numbers, a.numbers)
    return fewer <= more


def _facts_differ(a: AdView, b: AdView) -> bool:
    """Both texts state numbers (hours, pay, years, team size) and share none: two vacancies that
    read alike (rewrites keep the numbers)."""
    return len(a.numbers) >= 2 and len(b.numbers) >= 2 and not a.numbers & b.numbers


def _shared_stems(a: AdView, b: AdView) -> int:
    if a.stems is None or b.stems is None:
        return 0
    return len(np.intersect1d(a.stems, b.stems, assume_unique=True))


def _stem_jaccard(a: AdView, b: AdView) -> float:
    shared = _shared_stems(a, b)
    union = a.n_stems + b.n_stems - shared
    return shared / union if union else 0.0


def _jaccard(a: np.ndarray | None, b: np.ndarray | None) -> float:
    if a is None or b is None:
        return 0.0
    return sig.jaccard(a, b)


def best_link(ad: AdView, candidates: list[AdView]) -> tuple[AdView, Link] | None:
    """The candidate ``ad`` is most surely a copy of: best rule, then highest score, then earliest."""
    best: tuple[tuple[int, float, int], AdView, Link] | None = None
    for other in candidates:
        if other.id == ad.id:
            continue
        found = link(ad, other)
        if found is None:
            continue
        order = (found.rank, -found.score, other.id)
        if best is None or order < best[0]:
            best = (order, other, found)
    return (best[1], best[2]) if best else None
