"""The one item jobcrawler's spiders yield and its pipelines fill in.

Modelled on schema.org ``JobPosting`` (and Zyte's ``JobPosting`` item): spiders set the identity
fields and the *raw* fields, exactly as the site states them; ``NormalizePipeline`` fills in the
normalised twins. Raw values are stored beside normalised ones, so better rules can be re-applied
later without crawling again (``jobcrawler renormalize``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Keys of the raw values kept in the database's ``raw`` column and read by the normalisers.
RAW_FIELDS: tuple[str, ...] = (
    "date_posted_raw",
    "valid_through_raw",
    "start_date_raw",
    "location_raw",
    "address_raw",
    "nuts_raw",
    "contract_raw",
    "employment_type_raw",
    "duration_raw",
    "hours_raw",
    "remote_raw",
    "salary_raw",
    "salary_structured",
    "description_html",
    "country_hint",
    "language_hint",
    "crawled_at",
)


@dataclass
class JobPosting:
    """One job ad, raw as extracted and normalised by the pipelines."""

    # --- identity (set by the spider; required) ---
    source: str | None = None
    """The configured site name (``sites.toml``), e.g. ``adecco``."""
    source_id: str | None = None
    """The ad's stable id on that site (URL id, platform id)."""
    url: str | None = None
    """The canonical URL of the ad page."""
    title: str | None = None

    # --- who and where from ---
    apply_url: str | None = None
    employer: str | None = None
    """The company that hires; None when an agency does not name its client."""
    agency: str | None = None
    """The recruitment agency publishing the ad, if any."""
    industry: str | None = None
    reference: str | None = None
    """The requisition or reference number the site shows."""

    # --- raw values, as the site states them ---
    date_posted_raw: str | None = None
    valid_through_raw: str | None = None
    start_date_raw: str | None = None
    location_raw: list[str] = field(default_factory=list)
    """Free-text locations, most specific first within each string ("City, Region, Country")."""
    address_raw: list[dict[str, Any]] = field(default_factory=list)
    """Structured addresses (schema.org PostalAddress keys) where the site has them."""
    nuts_raw: list[str] = field(default_factory=list)
    """NUTS region codes (EURES: ``BE211``, ``LU000``), the most specific the site gives."""
    contract_raw: str | None = None
    employment_type_raw: str | None = None
    """Structured employment type (JSON-LD ``employmentType``, platform codes)."""
    duration_raw: str | None = None
    hours_raw: str | None = None
    remote_raw: str | None = None
    salary_raw: str | None = None
    salary_structured: dict[str, Any] | None = None
    """Structured salary from the site (schema.org ``baseSalary``, platform fields)."""
    description_html: str | None = None
    description_text: str | None = None
    country_hint: str | None = None
    """ISO 3166-1 alpha-2 country from the site's configuration, used to resolve ambiguity."""
    language_hint: str | None = None
    crawled_at: str | None = None
    """ISO 8601 UTC time of the crawl; the base for relative dates."""

    # --- normalised values (set by NormalizePipeline) ---
    date_posted: str | None = None
    valid_through: str | None = None
    start_date: str | None = None
    start_asap: bool | None = None
    locations: list[dict[str, Any]] = field(default_factory=list)
    contract_type: str | None = None
    duration_months: int | None = None
    duration_open_ended: bool | None = None
    working_time: str | None = None
    hours_per_week: float | None = None
    remote: str | None = None
    languages_required: list[str] = field(default_factory=list)
    ad_language: str | None = None
    salary: dict[str, Any] | None = None
    experience_years_min: int | None = None
    occupation: dict[str, Any] | None = None
    """ESCO occupation and ISCO-08 unit group from the title: ``{"isco_code", "esco_uri", "label",
    "score"}``, None when unsure (``normalize.occupation``)."""



@dataclass
class SeenAd:
    """An ad the site still lists, known and unchanged since it was last fetched, so not fetched
    again (incremental crawl): the store pipeline only records that it was seen."""

    source: str
    source_id: str
