"""The sentence finder that feeds the description rules, and the promise it rests on: a family's
key words are necessary substrings, so reading only their sentences changes no answer."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobcrawler.normalize import contracts, languages, scan
from jobcrawler.normalize.scan import KeywordSentences

FINDER = KeywordSentences(["remote", "ervaring", "télé"])


@pytest.mark.parametrize(("text", "expected"), [
    ("We work remote. Nothing else here.", ["We work remote."]),
    ("REMOTE first!\nNo office", ["REMOTE first!"]),
    ("Languages: English, French; remote possible", ["remote possible"]),
    ("Minimum 3 jaar ervaring. Rijbewijs B.", ["Minimum 3 jaar ervaring."]),
    ("Min. 3 jaar ervaring vereist. Verder niets.", ["Min. 3 jaar ervaring vereist."]),
    ("• Remote • Télétravail possible", ["Remote •", "Télétravail possible"]),
    ("Remote.\n\nRemote.", ["Remote."]),  # each distinct sentence once
    ("İstanbul office, remote team", ["İstanbul office, remote team"]),  # "İ" grows when lower-cased
    ("Nothing to see", []),
    ("", []),
])
def test_sentences(text: str, expected: list[str]) -> None:
    assert FINDER(text) == expected


def test_limit() -> None:
    long = "remote " + "x" * 1000
    assert FINDER(long, limit=10) == ["remote xxx"]


# Phrases every description rule knows, mixed with filler, in sentences: whatever the mix, reading
# only the key-word sentences gives what a search over the whole text gives.
PHRASES = [
    "100% remote", "fully remote", "remote-first", "volledig thuiswerk", "entièrement à distance",
    "vollständig remote", "Hybrid work", "hybride werken", "télétravail", "Teletravail", "thuiswerk",
    "telewerk", "home office", "Homeoffice", "remote work", "working from home", "mobiles Arbeiten",
    "2 dagen thuis", "3 days from home", "2 jours de télétravail", "100% on-site", "fully onsite",
    "no remote", "100% op kantoor", "CDI", "CDD", "contrat à durée indéterminée",
    "Contrat à durée déterminée", "contract van onbepaalde duur", "onbepaalde duur", "vast contract",
    "unbefristeter Arbeitsvertrag", "Festanstellung", "permanent contract", "permanent position",
    "contract voor bepaalde duur", "befristeter Vertrag", "fixed-term contract", "studentenjob",
    "jobstudent", "job étudiant", "Job etudiant", "Werkstudent", "internship", "stagiair", "Praktikum",
    "full-time", "Fulltime", "voltijds", "temps plein", "Vollzeit", "38u", "40 uur", "part-time",
    "deeltijds", "temps partiel", "Teilzeit", "mi-temps", "halftime", "halftijds", "4/5", "80 %",
    "32u/week", "24h/semaine", "38 Stunden pro Woche", "20 hrs per week", "36 h/w",
]
FILLER = ["we", "offer", "a", "team", "in", "Gent", "met", "de", "la", "und", "with", "time", "site",
          "home", "duur", "contract", "temps", "week", ",", "(", ")", "2", "on", "job"]
SENTENCE = st.lists(st.sampled_from(PHRASES + FILLER), min_size=1, max_size=12).map(" ".join)
TEXT = st.lists(SENTENCE, min_size=1, max_size=8).map(". ".join)


def _first_rule(rules: tuple[tuple[str, re.Pattern[str]], ...], text: str) -> str | None:
    return next((kind for kind, pattern in rules if pattern.search(text)), None)


@settings(deadline=None)
@given(TEXT)
def test_description_rules_read_only_key_word_sentences(text: str) -> None:
    assert contracts.remote(description=text) == _first_rule(contracts._DESCRIPTION_REMOTE, text)
    assert contracts.contract_type(description=text) == _first_rule(contracts._DESCRIPTION_CONTRACT, text)
    m = contracts._WORKING_TIME.search(text)
    assert contracts.working_time(description=text) == (m.lastgroup if m else None)
    m = contracts._HOURS.search(text)
    whole = float(m[1].replace(",", ".")) if m else None
    found = contracts.hours_per_week(description=text)
    if whole is not None and 1 <= whole <= 60:
        assert found == whole
    elif whole is None:
        assert found is None


LANGUAGE_PHRASES = [
    "English", "Engels", "anglais", "Englisch", "Dutch", "Nederlands", "néerlandais", "Niederländisch",
    "French", "Frans", "français", "Französisch", "German", "Duits", "allemand", "Deutsch", "Luxembourgish",
    "FR/NL", "NL - FR", "EN & FR", "DE+FR", "fr / nl", "is a plus", "est un atout", "is een troef",
    "fluent", "vloeiend", "couramment", "fließend", "kennis van", "required", ": goed", "(C1)",
]
LANGUAGE_TEXT = st.lists(
    st.lists(st.sampled_from(LANGUAGE_PHRASES + FILLER), min_size=1, max_size=10).map(" ".join),
    min_size=1, max_size=6).map(". ".join)


@settings(deadline=None)
@given(LANGUAGE_TEXT)
def test_languages_read_only_key_word_sentences(text: str) -> None:
    starts, ends = scan._sentence_spans(text)
    every = list(dict.fromkeys(text[s:e].rstrip()[:600] for s, e in zip(starts, ends, strict=True)))
    naming = [s for s in every if s and languages._ANY_LANGUAGE.search(s)]
    assert languages.languages_required(text) == languages._required_in(naming)
