"""Experience: the minimum years an ad asks for."""

from __future__ import annotations

import re

_YEARS = re.compile(
    r"(?:(?:at\s+least|minimum(?:\s+of)?|min\.?|minstens|ten\s+minste|minimaal|au\s+moins|"
    r"minimum\s+de|mindestens|wenigstens|over|more\s+than|plus\s+de|meer\s+dan|mehr\s+als)\s+)?"
    r"(\d{1,2})\s*(?:\+|\s*(?:-|à|a|tot|to|bis|–)\s*\d{1,2})?\s*\+?\s*"
    r"(?:years?|yrs?|jaar|jaren|ans?|ann[ée]es?|jahre?n?)\b",
    re.IGNORECASE,
)
# "N years" written after the word: "Years of experience: 6", "Ervaring: 4 tot 6 jaar" is the other
_YEARS_AFTER = re.compile(
    r"(?:years?\s+of\s+experience|jaren?\s+ervaring|ann[ée]es?\s+d'exp[ée]rience|"
    r"jahre\s+(?:berufs)?erfahrung)\s*[:\-–]\s*(\d{1,2})\b", re.IGNORECASE)
# Abbreviations whose full stop does not end a sentence ("mind. 3 Jahre", "min. 2 ans").
_ABBREVIATION_END = re.compile(r"\b(?:mind|min|max|ca|bzw|env|ong|resp|bv|z\.b|e\.g|i\.e|incl|excl)\.$",
                               re.IGNORECASE)
_EXPERIENCE = re.compile(r"\b(?:experience|ervaring|exp[ée]rience|erfahrung|berufserfahrung|"
                         r"expertise|track\s+record|werkervaring)\b", re.IGNORECASE)


_YEAR_UNITS = ("year", "yr", "jaar", "jaren", " an", "année", "jahr")
_EXPERIENCE_STEMS = ("experi", "ervaring", "expéri", "erfahrung", "expertise", "track record")


def _sentences(text: str) -> list[str]:
    """Sentences, not split after an abbreviation such as "mind." or "min."."""
    sentences: list[str] = []
    for part in re.split(r"(?<=[.!?;\n•])\s+", text):
        if sentences and sentences[-1].endswith(".") and _ABBREVIATION_END.search(sentences[-1][-8:]):
            sentences[-1] += " " + part
        else:
            sentences.append(part)
    return sentences


def experience_years_min(text: str | None) -> int | None:
    """Smallest number of years of experience the ad requires ("at least 8+ years" is 8)."""
    lower = text.lower() if text else ""
    if not any(stem in lower for stem in _EXPERIENCE_STEMS) or not any(
            unit in lower for unit in _YEAR_UNITS):
        return None
    seen: set[str] = set()
    for sentence in _sentences(text[:50000]):
        if sentence in seen:
            continue
        seen.add(sentence)
        low = sentence.lower()
        if not any(word in low for word in _EXPERIENCE_STEMS) or not _EXPERIENCE.search(sentence):
            continue
        for match in (*_YEARS.finditer(sentence[:600]), *_YEARS_AFTER.finditer(sentence[:600])):
            years = int(match[1])
            if 0 < years <= 40:
                return years
    return None
