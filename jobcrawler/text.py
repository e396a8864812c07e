"""Text helpers: HTML to plain text, sanitised HTML, folding for matching.

Shared by extraction (``jobcrawler.extract``: the "Label: value" lines of a description's text,
an agency naming itself as the employer) and normalisation (the description text, place names):
a module of its own below both, so that neither stage imports the other.

HTML is sanitised with nh3 (html5ever, in Rust), then turned into text by Resiliparse's
``extract_plain_text`` (Lexbor, in C): paragraphs and headings are separated by a blank line, list
items and line breaks by a line break. This is html-text's layout, but for one blank line fewer
after a list, at a third of its cost (html-text walks the tree in Python; see README "Performance").
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from typing import Any

import nh3
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLParserException, HTMLTree

_BLANK_LINES = re.compile(r"\n{3,}")
_TAG = re.compile(r"<[^>]*>")
_ESCAPED_TAG = re.compile(r"&lt;/?[a-zA-Z][a-zA-Z0-9]*[^&]{0,200}?&gt;")
# Control characters (dropped) and lone surrogates, from JSON escapes such as "\\ud800" (replaced by
# U+FFFD): neither can be written to a database, a UTF-8 file or an HTML parser.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _replacement(match: re.Match[str]) -> str:
    return "\ufffd" if match[0] >= "\ud800" else ""


def writable(text: str) -> str:
    """``text`` without control characters, lone surrogates replaced by U+FFFD."""
    return _UNWRITABLE.sub(_replacement, text)


def writable_value(value: Any) -> Any:
    """``value`` with every string in it, also inside lists and dicts, made :func:`writable`."""
    if isinstance(value, str):
        return writable(value)
    if isinstance(value, list | tuple):
        return [writable_value(v) for v in value]
    if isinstance(value, dict):
        return {writable_value(k): writable_value(v) for k, v in value.items()}
    return value


def unescape_twice_escaped(markup: str) -> str:
    """Undo HTML that was escaped once more than it should be (``&lt;p&gt;`` in a description)."""
    if _ESCAPED_TAG.search(markup) and "<" not in markup.replace("&lt;", ""):
        return html.unescape(markup)
    return markup


def html_to_text(markup: str | None) -> str | None:
    """Plain text of an HTML fragment, keeping paragraphs and list items on their own lines.

    Cached: extraction (for "Label: value" lines) and the normaliser ask for the same description.
    """
    if not markup or not markup.strip():
        return None
    return _html_to_text(markup)


@lru_cache(maxsize=256)
def _html_to_text(markup: str) -> str | None:
    safe = sanitize_html(markup)  # no script, style or comment left to skip
    if not safe:
        return None
    try:
        return clean_text(_plain_text(safe))
    except HTMLParserException:
        return clean_text(_TAG.sub(" ", safe))


def _plain_text(safe_html: str) -> str:
    """Resiliparse's text of sanitised HTML: every element, layout kept, no bullets or link URLs."""
    return extract_plain_text(
        HTMLTree.parse(safe_html), preserve_formatting=True, main_content=False, list_bullets=False,
        alt_texts=False, links=False, form_fields=False, noscript=False, comments=False, skip_elements=None)


def clean_text(text: str | None) -> str | None:
    """Whitespace folded per line, entities decoded, at most one blank line in a row."""
    if text is None:
        return None
    if "&" in text:
        text = html.unescape(text)
    text = writable(text).replace("\u200b", " ")
    text = "\n".join([" ".join(line.split()) for line in text.splitlines()])
    return _BLANK_LINES.sub("\n\n", text).strip() or None


def sanitize_html(markup: str | None) -> str | None:
    """HTML safe to show anywhere: no script, style, event handlers or javascript: URLs."""
    if not markup:
        return None
    return _sanitize_html(markup)


@lru_cache(maxsize=256)
def _sanitize_html(markup: str) -> str | None:
    return nh3.clean(writable(unescape_twice_escaped(markup))) or None


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-light form of ``text`` for matching names and words."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[\-‐-―'’`´./_]+", " ", text)
    return " ".join(text.split())
