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
from jobcrawler.storage.models import Cluster, Job

#: The lifecycle columns that follow the ad's own fields in the export schema.
LIFECYCLE_FIELDS = ("first_seen", "last_seen", "status", "closed_at")
#: Its duplicate cluster (jobcrawler.dedup) comes last.
CLUSTER_FIELDS = ("cluster_id", "is_canonical")
#: The export schema, in order (README, "Export schema"): the ad's fields as ``items.py`` declares
#: them, then its lifecycle and its cluster.
EXPORT_FIELDS = (*AD_EXPORT_FIELDS, *LIFECYCLE_FIELDS, *CLUSTER_FIELDS)
#: ``export --unique``: one row per duplicate cluster (its canonical ad), with its copies and sources.
UNIQUE_FIELDS = (*EXPORT_FIELDS, "copies", "sources")


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


def job_record(job: Job, canonical_job_id: int | None = None) -> dict[str, Any]:
    """One ad as an export object (``canonical_job_id``: its cluster's canonical ad)."""
    record = {name: _value(job, name) for name in (*AD_EXPORT_FIELDS, *LIFECYCLE_FIELDS)}
    record["cluster_id"] = job.cluster_id
    record["is_canonical"] = None if job.cluster_id is None else job.id == canonical_job_id
    return record


def item_record(item: dict[str, Any]) -> dict[str, Any]:
    """A normalised item (as the pipelines leave it) as an export object, through the same
    columns as a stored ad. A feed knows no database: ``first_seen`` is null, ``last_seen`` is
    the crawl time, ``status`` is open."""
    from jobcrawler.normalize.dates import parse_datetime_utc
    from jobcrawler.storage.upsert import row_from_item

    job = Job(**row_from_item(item))
    crawled = item.get("crawled_at")
    job.last_seen = parse_datetime_utc(crawled) if isinstance(crawled, str) else None
    job.status = "open"
    return job_record(job)


def iter_jobs(engine: Engine, status: str = "open", since: date | None = None,
              source: str | None = None, country: str | None = None) -> Iterator[dict[str, Any]]:
    """Export objects of the ads matching the filters, ordered by source and id."""
    query = _filtered(select(Job, Cluster.canonical_job_id), status, since, source, country)
    with session_factory(engine)() as session:
        rows = session.execute(query.order_by(Job.source, Job.source_id)
                               .execution_options(yield_per=1000))
        for job, canonical in rows:
            yield job_record(job, canonical)


def iter_unique(engine: Engine, status: str = "open", since: date | None = None,
                source: str | None = None, country: str | None = None) -> Iterator[dict[str, Any]]:
    """One export object per duplicate cluster among the ads matching the filters: its canonical
    ad (else its earliest matching ad) with ``copies`` (matching ads in the cluster) and
    ``sources``. Ads not clustered yet (``jobcrawler dedup``) are a cluster each."""
    query = _filtered(select(Job, Cluster.canonical_job_id), status, since, source, country)
    query = query.order_by(Job.cluster_id, Job.first_seen, Job.id).execution_options(yield_per=1000)
    with session_factory(engine)() as session:
        group: list[tuple[Job, int | None]] = []
        for job, canonical in session.execute(query):
            if group and (job.cluster_id is None or job.cluster_id != group[0][0].cluster_id):
                yield _unique_record(group)
                group = []
            group.append((job, canonical))
        if group:
            yield _unique_record(group)


def _unique_record(group: list[tuple[Job, int | None]]) -> dict[str, Any]:
    canonical = group[0][1]
    job = next((j for j, _ in group if j.id == canonical), group[0][0])
    record = job_record(job, canonical)
    record["copies"] = len(group)
    record["sources"] = sorted({j.source for j, _ in group})
    return record


def _filtered(query: Any, status: str, since: date | None, source: str | None,
              country: str | None) -> Any:
    query = query.outerjoin(Cluster, Cluster.id == Job.cluster_id)
    if status != "all":
        query = query.where(Job.status == status)
    if since:
        query = query.where(Job.first_seen >= datetime(since.year, since.month, since.day,
                                                       tzinfo=UTC))
    if source:
        query = query.where(Job.source == source)
    if country:
        query = query.where(Job.country_code == country.upper())
    return query


def write_export(records: Iterator[dict[str, Any]], out: IO[str], fmt: str = "jsonl",
                 fields: tuple[str, ...] = EXPORT_FIELDS) -> int:
    """Write records as JSON Lines or CSV (lists and objects JSON-encoded in their cell)."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=fields)
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
