"""Experience: the minimum years an ad asks for."""

from __future__ import annotations

import re

from jobcrawler.normalize.scan import KeywordSentences

# Numbers written as words, one to ten, in the four languages ("trois ans", "five years").
_NUMBER_WORDS = {
    word: n
    for n, words in enumerate((
        "one een één un une ein eine einem einen", "two twee deux zwei", "three drie trois drei",
        "four vier quatre vier", "five vijf cinq fünf funf", "six zes six sechs",
        "seven zeven sept sieben", "eight acht huit acht", "nine negen neuf neun", "ten tien dix zehn",
    ), start=1)
    for word in words.split()
}
_NUMBER = r"(\d{1,2}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_YEARS = re.compile(
    r"(?:(?<!\w)(for|since|depuis|sinds|seit|already|al|bereits|d[ée]j[àa])\s+)?"
    r"(?:(?:at\s+least|minimum(?:\s+of)?|min\.?|minstens|ten\s+minste|minimaal|au\s+moins|"
    r"minimum\s+de|mindestens|wenigstens|over|more\s+than|plus\s+de|meer\s+dan|mehr\s+als|"
    r"between|entre|tussen|zwischen)\s+)?"
    r"\b" + _NUMBER + r"\s*(?:\+|\s*(?:-|à|a|tot|to|bis|–|and|et|en|und)\s*\d{1,2})?\s*\+?\s*"
    r"(?:years?|yrs?|jaar|jaren|ans?|ann[ée]es?|jahre?n?)\b",
    re.IGNORECASE,
)
# "N years" written after the word: "Years of experience: 6", "Ervaring: 4 tot 6 jaar" is the other
_YEARS_AFTER = re.compile(
    r"(?:years?\s+of\s+experience|jaren?\s+ervaring|ann[ée]es?\s+d'exp[ée]rience|"
    r"jahre\s+(?:berufs)?erfahrung)\s*[:\-–]\s*(\d{1,2})\b", re.IGNORECASE)
_EXPERIENCE = re.compile(r"\b(?:experience|ervaring|exp[ée]rience|erfahrung|berufserfahrung|"
                         r"expertise|track\s+record|werkervaring)\b", re.IGNORECASE)


# Substrings without which a sentence cannot state experience (the Aho-Corasick key words).
_EXPERIENCE_SENTENCES = KeywordSentences(("experi", "ervaring", "expéri", "erfahrung", "expertise", "track record"))


def experience_years_min(text: str | None) -> int | None:
    """Smallest number of years of experience the ad requires ("at least 8+ years" is 8)."""
    if not text:
        return None
    for sentence in _EXPERIENCE_SENTENCES(text[:50000], limit=600):
        if not _EXPERIENCE.search(sentence):
            continue
        for match in _YEARS.finditer(sentence):
            if match[1]:  # "for 25 years", "depuis 10 ans": how long the company exists, not experience
                continue
            years = _NUMBER_WORDS.get(match[2].casefold()) or int(match[2])
            if 0 < years <= 40:
                return years
        for match in _YEARS_AFTER.finditer(sentence):
            years = int(match[1])
            if 0 < years <= 40:
                return years
    return None
