"""Normalisation: pure functions from raw values to clean fields.

``normalize_item`` is the one entry point: the ``NormalizePipeline``, ``jobcrawler normalize`` and
``jobcrawler renormalize`` all call it, so a crawl and a re-run can never disagree. It imports nothing
from Scrapy.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from jobcrawler import text
from jobcrawler.items import NORMALIZED_FIELDS
from jobcrawler.normalize import (
    contracts,
    dates,
    experience,
    languages,
    nuts,
    occupation,
    places,
    salary,
)

__all__ = ["NORMALIZED_FIELDS", "normalize_item"]

#: Which source wins when sources disagree, per field, strongest first. "Statement" is the ad's own
#: contract line ("Contract type: ...") or a platform's custom field holding one (Lever's
#: ``commitment``, Greenhouse's employment-type metadata), both kept in ``contract_raw``; "enum" is
#: the platform's fixed code (``employment_type_raw``: Recruitee ``fulltime_permanent``,
#: SmartRecruiters ``permanent``, Ashby ``FullTime``...); "flag" is its work-model flag
#: (``remote_raw``). In the description, a sentence about the applicant or the company ("an
#: internship can be enough") says nothing about the job.
PRECEDENCE: dict[str, tuple[str, ...]] = {
    "contract_type": ("title", "statement", "enum", "description"),
    "remote": ("title", "statement and locations", "description's opening lines", "flag", "description"),
    "working_time": ("enum", "hours", "statement", "title", "description"),
    "salary": ("platform numbers", "salary line", "description"),
}

#: Raw statements (a date, a contract line, a salary) longer than this are cut before matching:
#: no real one is longer, and rules stay fast on garbage.
STATEMENT_LIMIT = 300
#: How much of a description the text rules read.
DESCRIPTION_LIMIT = 20_000


def _as_list(value: Any) -> list[str]:
    """Strings of a raw value that may be one string or a list, each cut to a statement's length."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list | tuple):
        return [v[:STATEMENT_LIMIT] for v in value if isinstance(v, str) and v.strip()]
    return []


def _str(value: Any, limit: int = STATEMENT_LIMIT) -> str | None:
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def normalize_item(raw: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """Normalised fields for one item's raw values (keys of :class:`jobcrawler.items.JobPosting`):
    those its declaration marks normalised (``NORMALIZED_FIELDS``).

    ``raw["crawled_at"]`` (ISO 8601) is the base for relative dates; ``now`` when it is missing.
    Values that cannot be read become None (or an empty list), never an exception.
    """
    crawled_at = dates.parse_datetime_utc(_str(raw.get("crawled_at"))) or now or datetime.now(
        UTC)
    country = _str(raw.get("country_hint") or raw.get("country"))
    country = country.upper() if country and len(country) == 2 else None

    raw_html = _str(raw.get("description_html"), 10 * DESCRIPTION_LIMIT)
    description = text.clean_text(_str(raw.get("description_text"), 10 * DESCRIPTION_LIMIT)) if raw.get(
        "description_text") else text.html_to_text(raw_html)
    scanned = description[:DESCRIPTION_LIMIT] if description else None
    title = _str(raw.get("title"))
    contract_raw = _str(raw.get("contract_raw"))
    employment_type = _str(raw.get("employment_type_raw"))
    if isinstance(raw.get("employment_type_raw"), list):
        employment_type = ", ".join(_as_list(raw["employment_type_raw"]))

    addresses = raw.get("address_raw")
    addresses = addresses if isinstance(addresses, list) else [addresses]
    structured_places = [t for a in addresses if isinstance(a, Mapping) and (t := places.address_to_text(a))]
    location_texts = structured_places + _as_list(raw.get("location_raw"))
    locations = places.item_locations(structured_places, _as_list(raw.get("location_raw")), country)
    nuts_codes = raw.get("nuts_raw")
    if isinstance(nuts_codes, list) and nuts_codes:  # EURES: regions by code, before any text
        locations = nuts.locations_from_nuts(nuts_codes) + locations

    start_raw = _str(raw.get("start_date_raw"))
    start_asap = dates.is_asap(start_raw) if start_raw else None
    start_date = None if start_asap else dates.parse_date(start_raw, crawled_at)

    months, open_ended = contracts.duration(_str(raw.get("duration_raw")), contract_raw, title)
    remote = contracts.remote_by_source(title, [contract_raw, *_as_list(raw.get("location_raw"))],
                                        _str(raw.get("remote_raw")), scanned)
    if remote is None and places.mentions_remote(location_texts):
        remote = "remote"

    structured_salary = raw.get("salary_structured")
    placed_in = next((loc.get("country_code") for loc in locations if loc.get("country_code")), None) or country
    pay = salary.parse_salary(
        _str(raw.get("salary_raw")),
        structured_salary if isinstance(structured_salary, Mapping) else None,
        country=placed_in) or salary.salary_in_text(scanned, placed_in)
    ad_language = languages.ad_language(scanned)
    return {
        "description_text": description,
        "description_html": text.sanitize_html(raw_html),
        "date_posted": _iso(dates.parse_date(_str(raw.get("date_posted_raw")), crawled_at)),
        "valid_through": _iso(dates.parse_date(_str(raw.get("valid_through_raw")), crawled_at)),
        "start_date": _iso(start_date),
        "start_asap": start_asap,
        "locations": locations,
        "contract_type": contracts.contract_type_by_source(title, contract_raw, employment_type, scanned),
        "duration_months": months,
        "duration_open_ended": open_ended,
        "working_time": contracts.working_time(employment_type, _str(raw.get("hours_raw")),
                                               contract_raw, title, description=scanned),
        "hours_per_week": contracts.hours_per_week(_str(raw.get("hours_raw")), contract_raw, title,
                                                   description=scanned),
        "remote": remote,
        "languages_required": languages.languages_required(scanned),
        "ad_language": ad_language,
        "salary": pay,
        "experience_years_min": experience.experience_years_min(scanned),
        "occupation": occupation.classify(title, scanned, lang=ad_language),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
