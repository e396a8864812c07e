"""Text helpers: HTML to plain text, sanitised HTML, folding for matching."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

import html_text
import lxml.etree
import lxml.html
import nh3

_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*(\n\s*)+")
_ESCAPED_TAG = re.compile(r"&lt;/?[a-zA-Z][a-zA-Z0-9]*[^&]{0,200}?&gt;")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def unescape_twice_escaped(markup: str) -> str:
    """Undo HTML that was escaped once more than it should be (``&lt;p&gt;`` in a description)."""
    if _ESCAPED_TAG.search(markup) and "<" not in markup.replace("&lt;", ""):
        return html.unescape(markup)
    return markup


def html_to_text(markup: str | None) -> str | None:
    """Plain text of an HTML fragment, keeping paragraphs and list items on their own lines.

    The markup is sanitised first (no script or style left), so html-text's own, slower,
    cleaning pass is skipped. Cached: the spider (for "Label: value" lines) and the normaliser
    ask for the same description.
    """
    if not markup or not markup.strip():
        return None
    return _html_to_text(markup)


@lru_cache(maxsize=256)
def _html_to_text(markup: str) -> str | None:
    markup = _CONTROL.sub("", sanitize_html(markup) or "")
    if not markup.strip():
        return None
    try:
        tree = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return clean_text(markup)
    return clean_text(html_text.etree_to_text(tree, guess_layout=True))


def clean_text(text: str | None) -> str | None:
    """Whitespace folded per line, entities decoded, at most one blank line in a row."""
    if text is None:
        return None
    text = _CONTROL.sub("", html.unescape(text))
    lines = [_WS.sub(" ", line).strip() for line in text.splitlines()]
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    return text or None


def sanitize_html(markup: str | None) -> str | None:
    """HTML safe to show anywhere: no script, style, event handlers or javascript: URLs."""
    if not markup:
        return None
    return nh3.clean(unescape_twice_escaped(markup)) or None


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-light form of ``text`` for matching names and words."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[\-‐-―'’`´./_]+", " ", text)
    return " ".join(text.split())
