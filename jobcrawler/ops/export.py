"""Export of stored ads in the public export schema (JSON Lines or CSV)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import IO, Any

from sqlalchemy import JSON, Engine, select

from jobcrawler.items import EXPORT_FIELDS as AD_EXPORT_FIELDS
from jobcrawler.items import FIELD_COLUMNS, RAW_FIELDS
from jobcrawler.storage.db import session_factory
from jobcrawler.storage.models import Job

#: The lifecycle columns that follow the ad's own fields in the export schema.
LIFECYCLE_FIELDS = ("first_seen", "last_seen", "status", "closed_at")
#: The export schema, in order (README, "Export schema"): the ad's fields as ``items.py`` declares
#: them, then its lifecycle.
EXPORT_FIELDS = (*AD_EXPORT_FIELDS, *LIFECYCLE_FIELDS)


def _number(value: Decimal | None) -> int | float | None:
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
    return {"min": _number(job.salary_min), "max": _number(job.salary_max),
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
        return _number(value)
    return value.isoformat() if isinstance(value, date) else value


def job_record(job: Job) -> dict[str, Any]:
    """One ad as an export object."""
    return {name: _value(job, name) for name in EXPORT_FIELDS}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def iter_jobs(engine: Engine, status: str = "open", since: date | None = None,
              source: str | None = None, country: str | None = None) -> Iterator[dict[str, Any]]:
    """Export objects of the ads matching the filters, ordered by source and id."""
    query = select(Job).order_by(Job.source, Job.source_id)
    if status != "all":
        query = query.where(Job.status == status)
    if since:
        query = query.where(Job.first_seen >= datetime(since.year, since.month, since.day,
                                                       tzinfo=UTC))
    if source:
        query = query.where(Job.source == source)
    if country:
        query = query.where(Job.country_code == country.upper())
    with session_factory(engine)() as session:
        for job in session.scalars(query.execution_options(yield_per=1000)):
            yield job_record(job)


def write_export(records: Iterator[dict[str, Any]], out: IO[str], fmt: str = "jsonl") -> int:
    """Write records as JSON Lines or CSV (lists and objects JSON-encoded in their cell)."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
        for record in records:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict)
                             else v for k, v in record.items()})
            count += 1
        return count
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
