"""One reader of the ISO 8601 timestamps jobcrawler writes and reads back: an item's
``crawled_at``, the ``changed_at`` of an ad-page request, a sitemap ``lastmod``, a platform's
release date.

They are read the same way everywhere: ``datetime.fromisoformat`` (Python 3.11: ``Z``, offsets,
fractions, bare dates), a time without an offset taken as UTC, the result an aware datetime in
UTC; anything else (not a string, empty, not ISO 8601) is None, never an error. Readers of a
site's own date texts ("12 januari 2026", "3 days ago") are not this one: they are normalisers
(``jobcrawler.normalize.dates``).

This module imports nothing from jobcrawler: every layer may use it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def utc_time(value: Any) -> datetime | None:
    """An ISO 8601 date or time as an aware UTC datetime; UTC when it names no offset; None when
    it is not one (``"2026-11-25T20:05:00+01:00"`` -> 19:05 UTC)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
