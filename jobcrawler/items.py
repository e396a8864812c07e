"""The one item jobcrawler's spiders yield and its pipelines fill in, and the one declaration of
an ad's fields.

Modelled on schema.org ``JobPosting`` (and Zyte's ``JobPosting`` item): spiders set the identity
fields and the *raw* fields, exactly as the site states them; ``ExtractPipeline`` fills the raw
fields they left empty from the description's "Label: value" lines; ``NormalizePipeline`` fills in
the normalised twins. Raw values are stored beside normalised ones, so better rules can be re-applied
later without crawling again (``jobcrawler renormalize``).

Each field says, once, where it goes (:func:`ad_field`): the ``jobs`` columns it fills, whether it
is kept in the ``raw`` JSON column, exported, normalised, watched by the shape check. The lists the
rest of the code needs (below the class) are derived from these declarations, and a test checks
the model's columns and the README's export schema against them. Adding a field is: declare it
here, add its column to ``storage/models.py`` with a migration (and, if normalised, return it from
``normalize_item``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

_DEFAULT_COLUMNS = {"identity": True, "ad": True, "raw": False, "normalized": True}


def ad_field(kind: str, *, default: Any = None, list_: bool = False,
             columns: tuple[str, ...] | None = None, raw: bool | None = None,
             export: bool | tuple[str, ...] | None = None, normalized: bool | None = None,
             monitored: bool = False) -> Any:
    """A field of :class:`JobPosting` with where it goes.

    ``kind``: ``identity`` (set by the spider, required), ``ad`` (as the ad states it), ``raw`` (as
    the site states it, read by the normalisers) or ``normalized`` (set by ``normalize_item``).
    ``columns``: the ``jobs`` columns it fills (default: its own name, none for raw values).
    ``raw``: kept in the ``raw`` JSON column (default: raw values). ``export``: in the export
    schema (default: all but raw values), or the names of its columns exported instead.
    ``normalized``: returned by ``normalize_item`` (default: the normalized kind).
    ``monitored``: its presence is watched by the "shape changed" health check.
    """
    assert kind in _DEFAULT_COLUMNS, kind
    metadata = {
        "kind": kind,
        "columns": columns,  # None: the field's own name (or none), see _columns()
        "raw": kind == "raw" if raw is None else raw,
        "export": kind != "raw" if export is None else export,
        "normalized": kind == "normalized" if normalized is None else normalized,
        "monitored": monitored,
    }
    if list_:
        return field(default_factory=list, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass
class JobPosting:
    """One job ad, raw as extracted and normalised by the pipelines."""

    # --- identity (set by the spider; required) ---
    source: str | None = ad_field("identity")
    """The configured site name (``sites.toml``), e.g. ``adecco``."""
    source_id: str | None = ad_field("identity")
    """The ad's stable id on that site (URL id, platform id)."""
    url: str | None = ad_field("identity")
    """The canonical URL of the ad page."""
    apply_url: str | None = ad_field("ad")
    title: str | None = ad_field("identity")

    # --- who and where from ---
    employer: str | None = ad_field("ad")
    """The company that hires; None when an agency does not name its client."""
    agency: str | None = ad_field("ad")
    """The recruitment agency publishing the ad, if any."""
    industry: str | None = ad_field("ad")
    reference: str | None = ad_field("ad")
    """The requisition or reference number the site shows."""

    # --- each normalised value beside the raw value(s) it comes from ---
    date_posted: str | None = ad_field("normalized", monitored=True)
    date_posted_raw: str | None = ad_field("raw", export=True)
    valid_through: str | None = ad_field("normalized")
    valid_through_raw: str | None = ad_field("raw")
    start_date: str | None = ad_field("normalized")
    start_asap: bool | None = ad_field("normalized")
    start_date_raw: str | None = ad_field("raw")
    locations: list[dict[str, Any]] = ad_field(
        "normalized", list_=True, monitored=True,
        columns=("locations", "country_code", "province_code", "region_code", "city"))
    """Places, most specific first; the first one is flattened into columns for indexes."""
    location_raw: list[str] = ad_field("raw", list_=True)
    """Free-text locations, most specific first within each string ("City, Region, Country")."""
    address_raw: list[dict[str, Any]] = ad_field("raw", list_=True)
    """Structured addresses (schema.org PostalAddress keys) where the site has them."""
    nuts_raw: list[str] = ad_field("raw", list_=True)
    """NUTS region codes (EURES: ``BE211``, ``LU000``), the most specific the site gives."""
    contract_type: str | None = ad_field("normalized", monitored=True)
    contract_raw: str | None = ad_field("raw", export=True)
    employment_type_raw: str | None = ad_field("raw")
    """Structured employment type (JSON-LD ``employmentType``, platform codes)."""
    duration_months: int | None = ad_field("normalized")
    duration_open_ended: bool | None = ad_field("normalized")
    duration_raw: str | None = ad_field("raw")
    working_time: str | None = ad_field("normalized")
    hours_per_week: float | None = ad_field("normalized")
    hours_raw: str | None = ad_field("raw")
    remote: str | None = ad_field("normalized")
    remote_raw: str | None = ad_field("raw")
    languages_required: list[str] = ad_field("normalized", list_=True)
    ad_language: str | None = ad_field("normalized")
    salary: dict[str, Any] | None = ad_field(
        "normalized", monitored=True,
        columns=("salary_min", "salary_max", "salary_currency", "salary_period"))
    salary_raw: str | None = ad_field("raw", columns=("salary_raw",))
    salary_structured: dict[str, Any] | None = ad_field("raw")
    """Structured salary from the site (schema.org ``baseSalary``, platform fields)."""
    experience_years_min: int | None = ad_field("normalized")
    occupation: dict[str, Any] | None = ad_field(
        "normalized", columns=("isco_code", "esco_uri", "occupation_label"),
        export=("isco_code", "esco_uri", "occupation_label"))
    """ESCO occupation and ISCO-08 unit group from the title: ``{"isco_code", "esco_uri", "label",
    "score"}``, None when unsure (``normalize.occupation``); exported as its three columns."""
    description_text: str | None = ad_field("normalized", monitored=True)
    description_html: str | None = ad_field("raw", columns=("description_html",), raw=False,
                                            normalized=True)
    """As the site gives it; sanitised by the normaliser, stored in its own column."""

    # --- context of the crawl ---
    country_hint: str | None = ad_field("raw")
    """ISO 3166-1 alpha-2 country from the site's configuration, used to resolve ambiguity."""
    language_hint: str | None = ad_field("raw")
    crawled_at: str | None = ad_field("raw")
    """ISO 8601 UTC time of the crawl; the base for relative dates."""


@dataclass
class SeenAd:
    """An ad the site still lists, known and unchanged since it was last fetched, so not fetched
    again (incremental crawl): the store pipeline only records that it was seen."""

    source: str
    source_id: str


# --- what the rest of the code reads, derived from the declarations above ---------------------

def _columns(f: Any) -> tuple[str, ...]:
    declared = f.metadata["columns"]
    if declared is not None:
        return declared
    return (f.name,) if _DEFAULT_COLUMNS[f.metadata["kind"]] else ()


def _names(keep: Any) -> tuple[str, ...]:
    return tuple(f.name for f in fields(JobPosting) if keep(f))


#: The identity every ad needs (a missing one drops the item).
REQUIRED_FIELDS = _names(lambda f: f.metadata["kind"] == "identity")
#: Keys of the raw values kept in the database's ``raw`` column and read by the normalisers.
RAW_FIELDS = _names(lambda f: f.metadata["raw"])
#: The fields ``normalize_item`` returns.
NORMALIZED_FIELDS = _names(lambda f: f.metadata["normalized"])
#: The ad's fields in the export schema, in order (the lifecycle columns follow them).
EXPORT_FIELDS: tuple[str, ...] = tuple(
    name for f in fields(JobPosting) if f.metadata["export"]
    for name in (f.metadata["export"] if isinstance(f.metadata["export"], tuple) else (f.name,)))
#: Fields whose presence is counted per crawl (``jobcrawler/fields/<name>``) for the shape check.
MONITORED_FIELDS = _names(lambda f: f.metadata["monitored"])
#: Fields stored in a column of their own name that are not outputs of the normalisers: with the
#: raw values, what re-normalising a stored ad starts from.
STORED_INPUT_FIELDS = _names(lambda f: _columns(f) == (f.name,) and not f.metadata["raw"]
                             and f.metadata["kind"] != "normalized")
#: field name -> the ``jobs`` columns it fills.
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {f.name: _columns(f) for f in fields(JobPosting)
                                             if _columns(f)}
#: Every ``jobs`` column an ad's content fills, in declaration order.
AD_COLUMNS: tuple[str, ...] = tuple(c for cols in FIELD_COLUMNS.values() for c in cols)
