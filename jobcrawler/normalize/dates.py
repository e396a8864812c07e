"""Dates: ISO and JSON-LD first, then day-first European dates, month names and relative dates.

All functions are pure: the crawl time is passed in, never read from the clock, so "3 dagen geleden"
means the same thing whenever the stored raw value is normalised again.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from jobcrawler.timestamps import utc_time

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2}| ?UTC)?)?\s*$")
_DMY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")
_EPOCH_MS = re.compile(r"^\s*(\d{12,13})\s*$")
_RFC822 = re.compile(r"^\s*(?:[A-Z][a-z]{2},\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}\s+\d{2}:\d{2}")
_PREFIX = re.compile(
    r"^\s*(?:posted(?:\s+on)?|date\s+posted|posting\s+date|published(?:\s+on)?|publi[ée]e?\s+le|"
    r"publi[ée]e?|mis\s+en\s+ligne\s+le|date\s+de\s+publication|geplaatst\s+op|geplaatst|"
    r"gepubliceerd\s+op|gepubliceerd|publicatiedatum|datum|ver[öo]ffentlicht\s+am|"
    r"ver[öo]ffentlicht|online\s+seit|start(?:\s+date)?|startdatum|date\s+de\s+d[ée]but|"
    r"d[ée]but|beginn|eintritt|valid\s+through|closing\s+date|deadline|apply\s+by|"
    r"date\s+limite(?:\s+de\s+(?:candidature|d[ée]p[ôo]t))?|postuler\s+avant\s+le|sluitingsdatum|"
    r"uiterste\s+(?:sollicitatie)?datum|solliciteren\s+tot|bewerbungsfrist|bewerbungsschluss|"
    r"bewerben\s+bis)\s*[:\-–]?\s*",
    re.IGNORECASE,
)
_ASAP = re.compile(
    r"\b(?:asap|a\.s\.a\.p|as\s+soon\s+as\s+possible|immediate(?:ly)?|immediate\s+start|"
    r"d[èe]s\s+que\s+possible|au\s+plus\s+vite|imm[ée]diat(?:ement)?|"
    r"zo\s+snel\s+mogelijk|z\.s\.m|onmiddellijk|direct|per\s+direct|"
    r"ab\s+sofort|sofort|schnellstm[öo]glich|so\s+bald\s+wie\s+m[öo]glich|nach\s+vereinbarung)\b",
    re.IGNORECASE,
)
# "30+ days ago": the '+' makes dateparser give up; the number is a lower bound, keep it.
# ... and so are "more than 30 days", "plus de 30 jours", "meer dan 30 dagen", "mehr als 30 Tagen".
_PLUS = re.compile(r"(\d+)\s*\+|(?:more\s+than|over|plus\s+de|meer\s+dan|ruim|mehr\s+als|über)\s+(\d+)",
                   re.IGNORECASE)
_TODAY = re.compile(r"^\s*(?:today|just\s+posted|vandaag|aujourd'?hui|heute|now)"
                    r"(?:\s+(?:posted|geplaatst|gepubliceerd|publi[ée]e?|mis\s+en\s+ligne|ver[öo]ffentlicht))?\s*$",
                    re.IGNORECASE)

_DATEPARSER_LANGUAGES = ["en", "nl", "fr", "de"]
# "Last week", "vorige maand", "le mois dernier": a period, not a day; dateparser would pick one.
_VAGUE = re.compile(r"\b(?:last|vorige|verleden|afgelopen|letzte[nr]?|vergangene[nr]?|dernier|derni[èe]re)\s+"
                    r"(?:week|month|year|maand|jaar|semaine|mois|ann[ée]e|woche|monat|jahr)\b|"
                    r"\b(?:la\s+semaine|le\s+mois|l'ann[ée]e)\s+derni[èe]re?\b", re.IGNORECASE)

# The commonest relative dates, "5 days ago" in the four languages, read without dateparser (which
# costs about a millisecond per new string); anything else still goes to dateparser.
_AGO_UNITS: dict[str, dict[str, str]] = {
    "en": {"minute": "minutes", "minutes": "minutes", "hour": "hours", "hours": "hours", "day": "days",
           "days": "days", "week": "weeks", "weeks": "weeks", "month": "months", "months": "months",
           "year": "years", "years": "years"},
    "nl": {"minuut": "minutes", "minuten": "minutes", "uur": "hours", "uren": "hours", "dag": "days",
           "dagen": "days", "week": "weeks", "weken": "weeks", "maand": "months", "maanden": "months",
           "jaar": "years", "jaren": "years"},
    "fr": {"minute": "minutes", "minutes": "minutes", "heure": "hours", "heures": "hours", "jour": "days",
           "jours": "days", "semaine": "weeks", "semaines": "weeks", "mois": "months", "an": "years",
           "ans": "years", "année": "years", "années": "years"},
    "de": {"minute": "minutes", "minuten": "minutes", "stunde": "hours", "stunden": "hours", "tag": "days",
           "tagen": "days", "woche": "weeks", "wochen": "weeks", "monat": "months", "monaten": "months",
           "jahr": "years", "jahren": "years"},
}
_ONE = {"a": 1, "an": 1, "one": 1, "een": 1, "één": 1, "un": 1, "une": 1, "einem": 1, "einer": 1, "ein": 1}
_AGO = re.compile(r"^(?:(?P<en>\d{1,3}|an?|one)\s*(?P<en_unit>\w+)\s+ago|"
                  r"(?P<nl>\d{1,3}|een|één)\s*(?P<nl_unit>\w+)\s+geleden|"
                  r"il\s+y\s+a\s+(?P<fr>\d{1,3}|une?)\s*(?P<fr_unit>\w+)|"
                  r"vor\s+(?P<de>\d{1,3}|einem|einer)\s*(?P<de_unit>\w+))$", re.IGNORECASE)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def strip_prefix(raw: str) -> str:
    """Remove "Posted", "Publié le", "Geplaatst op"... in front of a date."""
    previous = None
    while previous != raw:
        previous, raw = raw, _PREFIX.sub("", raw, count=1)
    return raw.strip()


def is_asap(raw: str | None) -> bool:
    """True when a start date says "as soon as possible" in any of the four languages."""
    return bool(raw) and bool(_ASAP.search(raw))


def parse_date(raw: str | None, crawled_at: datetime | None = None) -> date | None:
    """The calendar date in ``raw``, or None when it cannot be read without guessing.

    ``crawled_at`` is the base for relative dates ("vor 5 Tagen"); without it they give None.
    """
    if not raw or not isinstance(raw, str):
        return None
    raw = raw.strip()
    if len(raw) > 80:
        return None
    if m := _ISO_DATE.match(raw):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if m := _EPOCH_MS.match(raw):
        return datetime.fromtimestamp(int(m[1]) / 1000, tz=UTC).date()
    if _RFC822.match(raw):
        try:
            return parsedate_to_datetime(raw).date()
        except (TypeError, ValueError):
            pass
    text = strip_prefix(raw)
    if m := _DMY.match(text):
        return _valid(int(m[3]), int(m[2]), int(m[1]))
    if m := _ISO_DATE.match(text):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if (named := _day_month_name_year(text)) is not None:
        return named
    if not text or not any(ch.isalnum() for ch in text):
        return None
    base = (crawled_at or datetime(1970, 1, 1, tzinfo=UTC)).date()
    if _VAGUE.search(text):
        return None
    if _TODAY.match(text):
        return base if crawled_at else None
    text = _PLUS.sub(lambda m: m[1] or m[2], text)
    if (ago := _days_ago(text, base)) is not None:
        return ago if crawled_at else None
    parsed = _dateparser(text, base)
    if parsed is None:
        return None
    if crawled_at is None and parsed[1]:
        return None  # a relative date with no crawl time to count from
    return parsed[0]


# Day-first dates with a month name, "4 februari 2026", "2 février 2026", "5. März 2026", "4 February
# 2026", read without dateparser too (an optional weekday in front: "lundi 9 février 2026").
_MONTHS = {
    name: number
    for number, names in enumerate((
        "january januari janvier januar jan", "february februari février fevrier februar feb fév fev febr",
        "march maart mars märz marz mar mrt mär", "april avril apr avr", "may mei mai",
        "june juni juin jun", "july juli juillet jul juil", "august augustus août aout aug",
        "september septembre sep sept", "october oktober octobre oct okt",
        "november novembre nov", "december decembre décembre dezember dec déc dez",
    ), start=1)
    for name in names.split()
}
_DAY_MONTH_YEAR = re.compile(r"^(?:[^\W\d]+,?\s+)?(\d{1,2})(?:er|e|\.)?\s+([^\W\d]+)\.?\s+(\d{4})$")


def _day_month_name_year(text: str) -> date | None:
    """The date of "4 februari 2026" and its kin, or None for any other text (an unknown month
    word is left to dateparser)."""
    m = _DAY_MONTH_YEAR.match(text)
    if not m or (month := _MONTHS.get(m[2].casefold())) is None:
        return None
    return _valid(int(m[3]), month, int(m[1]))


def _days_ago(text: str, base: date) -> date | None:
    """The date of "5 days ago", "3 dagen geleden", "il y a 2 semaines", "vor 1 Monat" from ``base``
    (at noon, as dateparser counts), or None for any other text."""
    m = _AGO.match(text)
    if not m:
        return None
    language = next(lang for lang in _AGO_UNITS if m[lang])
    kind = _AGO_UNITS[language].get(m[f"{language}_unit"].casefold())
    if kind is None:
        return None
    noon = datetime(base.year, base.month, base.day, 12, 0)
    n = _ONE.get(m[language].casefold()) or int(m[language])
    if kind in ("months", "years"):
        return (noon - relativedelta(**{kind: n})).date()
    return (noon - timedelta(**{kind: n})).date()


@lru_cache(maxsize=32768)
def _dateparser(text: str, base: date) -> tuple[date, bool] | None:
    """dateparser, configured day-first and relative to ``base``; cached by (text, crawl day)."""
    import dateparser

    settings = {
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": datetime(base.year, base.month, base.day, 12, 0),
        "RETURN_TIME_AS_PERIOD": False,
        "STRICT_PARSING": False,
        "REQUIRE_PARTS": ["day", "month"],
    }
    try:
        result = dateparser.parse(text, languages=_DATEPARSER_LANGUAGES, settings=settings)
    except (ValueError, OverflowError, TypeError):  # dateparser raises these on odd input
        return None
    if result is None:
        # Relative dates have no explicit day and month: try again without REQUIRE_PARTS only
        # when the text has a relative word, so "2025" or "December" alone stay unparsed.
        if not _looks_relative(text):
            return None
        settings.pop("REQUIRE_PARTS")
        try:
            result = dateparser.parse(text, languages=_DATEPARSER_LANGUAGES, settings=settings)
        except (ValueError, OverflowError, TypeError):
            return None
        if result is None:
            return None
        return result.date(), True
    return result.date(), _looks_relative(text)


_RELATIVE = re.compile(
    r"\b(?:ago|geleden|il\s+y\s+a|vor|yesterday|gisteren|hier|gestern|eergisteren|avant[- ]hier|"
    r"vorgestern|today|vandaag|aujourd|heute|last|vorige|dernier|letzte)\b",
    re.IGNORECASE,
)


def _looks_relative(text: str) -> bool:
    return bool(_RELATIVE.search(text))


def parse_datetime_utc(raw: str | None) -> datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime (the ``crawled_at`` of an item):
    :func:`jobcrawler.timestamps.utc_time`."""
    return utc_time(raw)
