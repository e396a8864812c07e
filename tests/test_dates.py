"""Dates: table of real-world strings in four languages, against a fixed crawl time."""

from datetime import UTC, date, datetime

import pytest

from jobcrawler.normalize import dates
from jobcrawler.normalize.dates import is_asap, parse_date

NOW = datetime(2025, 12, 20, 8, 30, tzinfo=UTC)

CASES = [
    # ISO and JSON-LD (fast path)
    ("2025-12-9", date(2025, 12, 9)),  # TalentBrew's unpadded datePosted
    ("2025-12-09", date(2025, 12, 9)),
    ("2025-12-09T10:00:00Z", date(2025, 12, 9)),
    ("2025-12-03T09:15:00+01:00", date(2025, 12, 3)),
    ("2025-12-09 10:00:00 UTC", date(2025, 12, 9)),  # Recruitee
    ("1733788800000", date(2024, 12, 10)),  # Lever createdAt, epoch ms
    # day-first European dates
    ("09-12-2025", date(2025, 12, 9)),  # the Adecco seed: 9 December
    ("Posting date: 09-12-2025", date(2025, 12, 9)),
    ("15/01/2026", date(2026, 1, 15)),
    ("1.3.2025", date(2025, 3, 1)),
    ("Publié le 03/12/2025", date(2025, 12, 3)),
    ("Geplaatst op 12-11-2025", date(2025, 11, 12)),
    # month names
    ("Publié le 3 décembre 2025", date(2025, 12, 3)),
    ("Geplaatst op 12 januari 2026", date(2026, 1, 12)),
    ("Gepubliceerd 5 mei 2025", date(2025, 5, 5)),
    ("Veröffentlicht am 5. März 2025", date(2025, 3, 5)),
    ("December 1, 2025", date(2025, 12, 1)),
    ("1 December 2025", date(2025, 12, 1)),
    ("Posted on 2 Nov 2025", date(2025, 11, 2)),
    ("14 février 2026", date(2026, 2, 14)),
    # relative dates against the crawl time
    ("3 dagen geleden", date(2025, 12, 17)),
    ("il y a 2 jours", date(2025, 12, 18)),
    ("gisteren", date(2025, 12, 19)),
    ("hier", date(2025, 12, 19)),
    ("gestern", date(2025, 12, 19)),
    ("vor 5 Tagen", date(2025, 12, 15)),
    ("Posted 30+ Days Ago", date(2025, 11, 20)),  # Workday: at least 30 days
    ("Posted Yesterday", date(2025, 12, 19)),
    ("Posted Today", date(2025, 12, 20)),
    ("1 maand geleden", date(2025, 11, 20)),
    ("vandaag", date(2025, 12, 20)),
    ("aujourd'hui", date(2025, 12, 20)),
    ("heute", date(2025, 12, 20)),
    ("2 weeks ago", date(2025, 12, 6)),
    ("il y a 3 semaines", date(2025, 11, 29)),
    # unparseable: null, never a guess
    ("", None),
    ("2025", None),
    ("December", None),
    ("nonsense text", None),
    ("31-02-2025", None),
    ("ASAP", None),
    ("n.v.t.", None),
    ("Posted", None),
    ("x" * 200, None),
    # deadlines, "today" with a verb, number words, lower bounds, and periods that are no day
    ("Date limite : 28/12/2025", date(2025, 12, 28)), ("Bewerbungsfrist: 31.12.2025", date(2025, 12, 31)),
    ("Vandaag geplaatst", date(2025, 12, 20)), ("een maand geleden", date(2025, 11, 20)),
    ("Il y a plus de 30 jours", date(2025, 11, 20)), ("Vorige week", None), ("last month", None),
    ("4 Jänner 2026", date(2026, 1, 4)),  # a month word the fast path does not know goes to dateparser
]


@pytest.mark.parametrize(("raw", "expected"), CASES, ids=[c[0][:40] or "empty" for c in CASES])
def test_parse_date(raw: str, expected: date | None) -> None:
    assert parse_date(raw, NOW) == expected


def test_relative_date_needs_a_crawl_time() -> None:
    assert parse_date("3 dagen geleden", None) is None
    assert parse_date("2025-12-9", None) == date(2025, 12, 9)


@pytest.mark.parametrize("raw", ["ASAP", "asap", "As soon as possible", "dès que possible",
                                 "Dès que possible", "zo snel mogelijk", "z.s.m.", "onmiddellijk",
                                 "ab sofort", "Immediate start", "per direct"])
def test_asap(raw: str) -> None:
    assert is_asap(raw)


@pytest.mark.parametrize("raw", ["1 januari 2026", "2026-01-05", "", "Q1 2026"])
def test_not_asap(raw: str) -> None:
    assert not is_asap(raw)


@pytest.mark.parametrize("template", [
    "{n} {u} ago", "Posted {n} {u} ago", "{n} {u} geleden", "Geplaatst {n} {u} geleden", "il y a {n} {u}",
    "Publié il y a {n} {u}", "vor {n} {u}", "Veröffentlicht vor {n} {u}",
])
@pytest.mark.parametrize("unit", ["days", "day", "dagen", "jours", "Tagen", "weeks", "weken", "semaines",
                                  "Wochen", "month", "maanden", "mois", "Monaten", "hours", "uur", "heures",
                                  "Stunden", "years", "jaar", "ans", "Jahren"])
def test_days_ago_fast_path_agrees_with_dateparser(template: str, unit: str) -> None:
    base = datetime(2026, 3, 31, 6, 0, tzinfo=UTC)  # month ends make month arithmetic visible
    for n in (1, 2, 5, 13, 30):
        raw = template.format(n=n, u=unit)
        text = dates._PLUS.sub(r"\1", dates.strip_prefix(raw))
        fast = dates._days_ago(text, base.date())
        slow = dates._dateparser.__wrapped__(text, base.date())
        if fast is not None or slow is not None:
            assert slow is not None and fast == slow[0], raw
            assert parse_date(raw, base) == fast, raw


@pytest.mark.parametrize("month", [
    "januari", "janvier", "Januar", "January", "februari", "février", "Februar", "February", "maart", "mars",
    "März", "March", "april", "avril", "mei", "mai", "May", "juni", "juin", "June", "juli", "juillet", "July",
    "augustus", "août", "August", "september", "septembre", "oktober", "octobre", "October", "november",
    "novembre", "december", "décembre", "Dezember", "Jan", "Feb", "Dec",
])
def test_month_name_fast_path_agrees_with_dateparser(month: str) -> None:
    base = NOW.date()
    french = month.casefold() in ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                  "septembre", "octobre", "novembre", "décembre")
    for raw in (f"4 {month} 2026", f"31 {month} 2025", f"5. {month} 2026", *([f"1er {month} 2026"] * french)):
        fast = dates._day_month_name_year(raw)
        slow = dates._dateparser.__wrapped__(raw, base)
        assert fast == (slow[0] if slow else None), raw
