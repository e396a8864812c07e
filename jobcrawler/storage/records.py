"""The export schema (README, "Export schema"): its fields in order, and one ad as its export
object, from a stored row (:func:`ad_record`) or a normalised item (:func:`item_record`).

Below both of its users: ``jobcrawler export`` (``jobcrawler.ops.export``, which adds the flat
location and salary columns of spreadsheets) and Scrapy's own feeds (``jobcrawler.feeds``), so
that a Scrapy component never imports the command line's code.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON

from jobcrawler.items import EXPORT_FIELDS as AD_EXPORT_FIELDS
from jobcrawler.items import FIELD_COLUMNS, RAW_FIELDS
from jobcrawler.storage.models import Job
from jobcrawler.storage.upsert import row_from_item

#: The lifecycle columns that follow the ad's own fields in the export schema.
LIFECYCLE_FIELDS = ("first_seen", "last_seen", "status", "closed_at")
#: Its duplicate cluster (jobcrawler.dedup) comes last.
CLUSTER_FIELDS = ("cluster_id", "is_canonical")
#: The export schema, in order (README, "Export schema"): the ad's fields as ``items.py`` declares
#: them, then its lifecycle and its cluster.
EXPORT_FIELDS = (*AD_EXPORT_FIELDS, *LIFECYCLE_FIELDS, *CLUSTER_FIELDS)


def json_number(value: Decimal | None) -> int | float | None:
    """A stored amount as JSON writes it: an int when it is whole."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _salary(job: Job) -> dict[str, Any] | None:
    if job.salary_min is None and job.salary_max is None:
        return None
    return {"min": json_number(job.salary_min), "max": json_number(job.salary_max),
            "currency": job.salary_currency, "period": job.salary_period, "raw": job.salary_raw}


#: Exported fields that are not one column or one raw value as they are.
_COMPOSED = {
    "salary": _salary,
    "contract_raw": lambda job: (job.raw or {}).get("contract_raw")
    or (job.raw or {}).get("employment_type_raw"),
    "first_seen": lambda job: _timestamp(job.first_seen),
    "last_seen": lambda job: _timestamp(job.last_seen),
    "closed_at": lambda job: _timestamp(job.closed_at),
}


def _value(job: Job, name: str) -> Any:
    if name in _COMPOSED:
        return _COMPOSED[name](job)
    if name in RAW_FIELDS and FIELD_COLUMNS.get(name) != (name,):
        return (job.raw or {}).get(name)
    value = getattr(job, name)
    if value is None and isinstance(Job.__table__.columns[name].type, JSON):
        return []
    if isinstance(value, Decimal):
        return json_number(value)
    return value.isoformat() if isinstance(value, date) else value


def ad_record(job: Job, canonical_job_id: int | None = None) -> dict[str, Any]:
    """One stored ad as an export object, its fields in :data:`EXPORT_FIELDS` order
    (``canonical_job_id``: its cluster's canonical ad)."""
    record = {name: _value(job, name) for name in (*AD_EXPORT_FIELDS, *LIFECYCLE_FIELDS)}
    record["cluster_id"] = job.cluster_id
    record["is_canonical"] = None if job.cluster_id is None else job.id == canonical_job_id
    return record


def _crawl_time(value: Any) -> datetime | None:
    """An item's ``crawled_at`` (ISO 8601) as a datetime, None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def item_record(item: dict[str, Any]) -> dict[str, Any]:
    """A normalised item (as the pipelines leave it) as an export object, through the same
    columns as a stored ad. A feed knows no database: ``first_seen`` is null, ``last_seen`` is
    the crawl time, ``status`` is open."""
    job = Job(**row_from_item(item))
    job.last_seen = _crawl_time(item.get("crawled_at"))
    job.status = "open"
    return ad_record(job)
