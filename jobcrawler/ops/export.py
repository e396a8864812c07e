"""Export of stored ads in the public export schema (JSON Lines or CSV)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import IO, Any

from sqlalchemy import Engine, select

from jobcrawler.storage.db import session_factory
from jobcrawler.storage.models import Cluster, Job

#: The export schema, in order (README, "Export schema").
EXPORT_FIELDS = (
    "source", "source_id", "url", "apply_url", "title", "employer", "agency", "industry",
    "reference", "date_posted", "date_posted_raw", "valid_through", "start_date", "start_asap",
    "locations", "contract_type", "contract_raw", "duration_months", "duration_open_ended",
    "working_time", "hours_per_week", "remote", "languages_required", "ad_language", "salary",
    "experience_years_min", "description_text", "first_seen", "last_seen", "status", "closed_at",
    "isco_code", "esco_uri", "occupation_label",
    "cluster_id", "is_canonical",
)
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


def job_record(job: Job, canonical_job_id: int | None = None) -> dict[str, Any]:
    """One ad as an export object (``canonical_job_id``: its cluster's canonical ad)."""
    raw = job.raw or {}
    salary = None
    if job.salary_min is not None or job.salary_max is not None:
        salary = {"min": _number(job.salary_min), "max": _number(job.salary_max),
                  "currency": job.salary_currency, "period": job.salary_period,
                  "raw": job.salary_raw}
    record = {
        "source": job.source, "source_id": job.source_id, "url": job.url,
        "apply_url": job.apply_url, "title": job.title, "employer": job.employer,
        "agency": job.agency, "industry": job.industry, "reference": job.reference,
        "date_posted": _iso(job.date_posted), "date_posted_raw": raw.get("date_posted_raw"),
        "valid_through": _iso(job.valid_through), "start_date": _iso(job.start_date),
        "start_asap": job.start_asap, "locations": job.locations or [],
        "contract_type": job.contract_type,
        "contract_raw": raw.get("contract_raw") or raw.get("employment_type_raw"),
        "duration_months": job.duration_months, "duration_open_ended": job.duration_open_ended,
        "working_time": job.working_time, "hours_per_week": job.hours_per_week,
        "remote": job.remote, "languages_required": job.languages_required or [],
        "ad_language": job.ad_language, "salary": salary,
        "experience_years_min": job.experience_years_min,
        "description_text": job.description_text,
        "first_seen": _timestamp(job.first_seen), "last_seen": _timestamp(job.last_seen),
        "status": job.status, "closed_at": _timestamp(job.closed_at),
        "isco_code": job.isco_code, "esco_uri": job.esco_uri, "occupation_label": job.occupation_label,
        "cluster_id": job.cluster_id,
        "is_canonical": None if job.cluster_id is None else job.id == canonical_job_id,
    }
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


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


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
