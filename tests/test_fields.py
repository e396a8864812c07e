"""An ad's fields are declared once (items.py): the model, the export schema, the README and the
normaliser are checked against that declaration, so adding a field is one declaration plus its
column, and a mismatch fails here."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import UTC, datetime

from jobcrawler.items import AD_COLUMNS, EXPORT_FIELDS, NORMALIZED_FIELDS, JobPosting
from jobcrawler.ops.export import EXPORT_FIELDS as SCHEMA
from jobcrawler.ops.export import job_record
from jobcrawler.storage.db import open_database, session_factory
from jobcrawler.storage.models import Job
from jobcrawler.storage.upsert import BOOKKEEPING_COLUMNS, row_from_item, upsert_jobs
from tests.conftest import ROOT


def test_every_jobs_column_is_declared_by_the_item_or_bookkeeping() -> None:
    columns = {c.name for c in Job.__table__.columns}
    assert columns - set(AD_COLUMNS) - set(BOOKKEEPING_COLUMNS) == set(), \
        "a jobs column nobody declared: declare its field in items.py or list it in BOOKKEEPING_COLUMNS"
    assert set(AD_COLUMNS) - columns == set(), "a field of items.py without its jobs column"
    assert not set(AD_COLUMNS) & set(BOOKKEEPING_COLUMNS)


def test_the_export_schema_is_the_items_then_the_lifecycle_and_the_readme_lists_it() -> None:
    item_fields = {f.name for f in fields(JobPosting)}
    assert set(EXPORT_FIELDS) <= item_fields | set(AD_COLUMNS)
    assert SCHEMA[:len(EXPORT_FIELDS)] == EXPORT_FIELDS
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Export schema", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([a-z_]+)`", section))
    assert set(SCHEMA) - documented == set(), "export fields missing from README's Export schema"


def test_normalised_fields_are_item_fields() -> None:
    assert set(NORMALIZED_FIELDS) <= {f.name for f in fields(JobPosting)}


def full_item() -> dict:
    """A value for every field of the item (a normalised ad as the pipelines leave it)."""
    values = {"source": "acme", "source_id": "1", "url": "https://acme.test/1", "title": "Kok",
              "locations": [{"raw": "Gent", "city": "Gent", "country_code": "BE",
                             "province_code": "BE-VOV", "region_code": "BE-VLG"}],
              "salary": {"min": 3000, "max": 3500, "currency": "EUR", "period": "month",
                         "raw": "3000-3500"},
              "languages_required": ["nl"], "address_raw": [{"addressLocality": "Gent"}],
              "location_raw": ["Gent"], "salary_structured": {"min": 3000},
              "date_posted": "2025-12-01", "valid_through": "2026-01-01", "start_date": "2026-02-01",
              "start_asap": False, "duration_months": 6, "duration_open_ended": True,
              "hours_per_week": 38.0, "experience_years_min": 2, "crawled_at": "2025-12-20T08:00:00+00:00",
              "occupation": {"isco_code": "5120", "esco_uri": "http://data.europa.eu/esco/occupation/x",
                             "label": "kok", "score": 1.0}}
    for f in fields(JobPosting):
        values.setdefault(f.name, f"{f.name} value"[:2] if f.name.endswith(("_code", "language"))
                          else f"{f.name} value")
    return values


def test_every_exported_field_of_a_full_item_survives_storage(sqlite_url: str) -> None:
    """A field declared in items.py reaches the export without code of its own: a new field
    that is stored but not exported (or the reverse) shows up here as None."""
    engine = open_database(sqlite_url)
    now = datetime(2025, 12, 20, tzinfo=UTC)
    with session_factory(engine).begin() as session:
        upsert_jobs(session, [row_from_item(full_item())], None, now)
    with session_factory(engine)() as session:
        record = job_record(session.query(Job).one())
    # still open, not clustered yet
    assert [name for name in SCHEMA if record[name] in (None, [])] == ["closed_at", "cluster_id",
                                                                       "is_canonical"]
