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
_EXPERIENCE = re.compile(r"\b(?:experience|ervaring|exp[ée]rience|erfahrung|berufserfahrung|"
                         r"expertise|track\s+record|werkervaring)\b", re.IGNORECASE)


_EXPERIENCE_STEMS = ("experi", "ervaring", "expéri", "erfahrung", "expertise", "track record")


def experience_years_min(text: str | None) -> int | None:
    """Smallest number of years of experience the ad requires ("at least 8+ years" is 8)."""
    if not text or not any(w in text.lower() for w in ("year", "jaar", "an", "jahr", "yr")):
        return None
    seen: set[str] = set()
    for sentence in re.split(r"(?<=[.!?;\n•])\s+", text[:50000]):
        if sentence in seen:
            continue
        seen.add(sentence)
        low = sentence.lower()
        if not any(word in low for word in _EXPERIENCE_STEMS) or not _EXPERIENCE.search(sentence):
            continue
        for match in _YEARS.finditer(sentence[:600]):
            years = int(match[1])
            if 0 < years <= 40:
                return years
    return None
