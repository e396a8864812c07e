"""Normalisation: pure functions from raw values to clean fields.

``normalize_item`` is the one entry point: the ``NormalizePipeline``, ``jobcrawler normalize`` and
``jobcrawler renormalize`` all call it, so a crawl and a re-run can never disagree. It imports nothing
from Scrapy.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from jobcrawler.normalize import contracts, dates, experience, languages, places, salary, text

#: The normalised fields ``normalize_item`` returns.
NORMALIZED_FIELDS = (
    "description_text", "description_html", "date_posted", "valid_through", "start_date", "start_asap", "locations",
    "contract_type", "duration_months", "duration_open_ended", "working_time", "hours_per_week",
    "remote", "languages_required", "ad_language", "salary", "experience_years_min",
)


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def normalize_item(raw: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """Normalised fields for one item's raw values (keys of :class:`jobcrawler.items.JobPosting`).

    ``raw["crawled_at"]`` (ISO 8601) is the base for relative dates; ``now`` when it is missing.
    Values that cannot be read become None (or an empty list), never an exception.
    """
    crawled_at = dates.parse_datetime_utc(_str(raw.get("crawled_at"))) or now or datetime.now(
        UTC)
    country = _str(raw.get("country_hint") or raw.get("country"))
    country = country.upper() if country and len(country) == 2 else None

    description = text.clean_text(_str(raw.get("description_text"))) if raw.get(
        "description_text") else text.html_to_text(_str(raw.get("description_html")))
    title = _str(raw.get("title"))
    contract_raw = _str(raw.get("contract_raw"))
    employment_type = _str(raw.get("employment_type_raw"))
    if isinstance(raw.get("employment_type_raw"), list):
        employment_type = ", ".join(_as_list(raw["employment_type_raw"]))

    location_texts = [places.address_to_text(a) for a in raw.get("address_raw") or []
                      if isinstance(a, Mapping)]
    location_texts += _as_list(raw.get("location_raw"))
    locations = places.parse_locations([t for t in location_texts if t], country)

    start_raw = _str(raw.get("start_date_raw"))
    start_asap = dates.is_asap(start_raw) if start_raw else None
    start_date = None if start_asap else dates.parse_date(start_raw, crawled_at)

    months, open_ended = contracts.duration(_str(raw.get("duration_raw")), contract_raw, title)
    remote = contracts.remote(_str(raw.get("remote_raw")), *_as_list(raw.get("location_raw")),
                              contract_raw, title, description=description)
    if remote is None and places.mentions_remote(location_texts):
        remote = "remote"

    structured_salary = raw.get("salary_structured")
    return {
        "description_text": description,
        "description_html": text.sanitize_html(_str(raw.get("description_html"))),
        "date_posted": _iso(dates.parse_date(_str(raw.get("date_posted_raw")), crawled_at)),
        "valid_through": _iso(dates.parse_date(_str(raw.get("valid_through_raw")), crawled_at)),
        "start_date": _iso(start_date),
        "start_asap": start_asap,
        "locations": locations,
        "contract_type": contracts.contract_type(employment_type, contract_raw, title,
                                                 description=description),
        "duration_months": months,
        "duration_open_ended": open_ended,
        "working_time": contracts.working_time(employment_type, _str(raw.get("hours_raw")),
                                               contract_raw, title, description=description),
        "hours_per_week": contracts.hours_per_week(_str(raw.get("hours_raw")), contract_raw, title,
                                                   description),
        "remote": remote,
        "languages_required": languages.languages_required(description),
        "ad_language": languages.ad_language(description),
        "salary": salary.parse_salary(
            _str(raw.get("salary_raw")),
            structured_salary if isinstance(structured_salary, Mapping) else None),
        "experience_years_min": experience.experience_years_min(description),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
