"""Finding the sentences of a description that a rule family needs to read.

A description is split into sentences once, and each family (languages, experience, contract,
remote work, working time) looks for its key words with one Aho-Corasick pass (pyahocorasick, in C)
over the lower-cased text. Only the sentences holding a key word reach the family's regular
expressions: a 3 KB ad costs a few microseconds per family instead of a regex search over all of it.

Key words are necessary substrings: a family's expressions can only match inside a sentence that
holds one of its key words (``tests/test_scan.py`` checks each family against a full-text search).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache

import ahocorasick

# A sentence ends after . ! ? ; or a bullet followed by white space, and at every line break.
# A colon does not end one: "Languages: English, French" is one statement.
_BOUNDARY = re.compile(r"[.!?;•\n]\s*")
# Abbreviations whose full stop does not end a sentence ("mind. 3 Jahre", "min. 2 ans", "e.g. Dutch").
_ABBREVIATION_END = re.compile(r"\b(?:mind|min|max|ca|bzw|env|ong|resp|bv|z\.b|e\.g|i\.e|incl|excl)\.$",
                               re.IGNORECASE)


@lru_cache(maxsize=8)
def _lower(text: str) -> str:
    """Lower-cased ``text`` with the same length, so positions carry over to the original."""
    lower = text.lower()
    if len(lower) != len(text):  # a few characters (e.g. "İ") grow when lower-cased
        lower = "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)
    return lower


@lru_cache(maxsize=8)
def _sentence_spans(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(starts, ends) of the sentences of ``text``, computed once per text for every family."""
    starts, ends = [0], []
    for m in _BOUNDARY.finditer(text):
        at = m.start()
        if text[at] == "\n":
            end = at
        elif m.end() == at + 1 and m.end() < len(text):
            continue  # "3.5", "e.g.x": no white space after the mark
        elif text[at] == "." and "\n" not in m[0] and _ABBREVIATION_END.search(text[max(0, at - 7): at + 1]):
            continue
        else:
            end = at + 1
        ends.append(end)
        starts.append(m.end())
    ends.append(len(text))
    return tuple(starts), tuple(ends)


class _Families:
    """Every family's key words in one automaton: one pass over a text serves them all."""

    def __init__(self) -> None:
        self.words: list[tuple[str, ...]] = []
        self._automaton: ahocorasick.Automaton | None = None

    def add(self, words: tuple[str, ...]) -> int:
        """Register a family; its number. The automaton is rebuilt on the next search."""
        self.words.append(words)
        self._automaton = None
        _hits.cache_clear()
        return len(self.words) - 1

    def automaton(self) -> ahocorasick.Automaton:
        if self._automaton is None:
            owners: dict[str, list[int]] = {}
            for family, words in enumerate(self.words):
                for word in words:
                    owners.setdefault(word, []).append(family)
            automaton = ahocorasick.Automaton()
            for word, families in owners.items():
                automaton.add_word(word, (len(word), tuple(families)))
            automaton.make_automaton()
            self._automaton = automaton
        return self._automaton


_FAMILIES = _Families()


@lru_cache(maxsize=8)
def _hits(text: str) -> tuple[tuple[int, ...], ...]:
    """Start positions of each family's key words in ``text`` (index: the family's number)."""
    found: list[list[int]] = [[] for _ in _FAMILIES.words]
    for end, (length, families) in _FAMILIES.automaton().iter(_lower(text)):
        for family in families:
            found[family].append(end - length + 1)
    return tuple(tuple(starts) for starts in found)


class KeywordSentences:
    """The sentences of a text that hold one of some key words (case-insensitive substrings)."""

    def __init__(self, words: Iterable[str], lead: int = 0) -> None:
        """``lead``: how many characters before the word each key word has (1 for " norsk", a key
        anchored at a word start): the sentence is the one where the word itself begins."""
        self.words = tuple(sorted({w.lower() for w in words if w}))
        self.lead = lead
        self._family = _FAMILIES.add(self.words)

    def __call__(self, text: str, limit: int | None = None) -> list[str]:
        """The distinct sentences holding a key word, in text order, each cut to ``limit``."""
        if not text:
            return []
        hits = _hits(text)[self._family]
        if not hits:
            return []
        starts, ends = _sentence_spans(text)
        found: list[str] = []
        seen: set[str] = set()
        last = -1
        for position in hits:
            i = bisect_right(starts, position + self.lead) - 1
            if i == last:
                continue
            last = i
            sentence = text[starts[i]: ends[i]].rstrip()
            if limit is not None:
                sentence = sentence[:limit]
            if sentence and sentence not in seen:
                seen.add(sentence)
                found.append(sentence)
        return found
