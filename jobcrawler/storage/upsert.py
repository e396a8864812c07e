"""Batched, idempotent upserts of ads and the lifecycle rules (first/last seen, closing, history)."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from sqlalchemy import String, case, delete, insert, select, text, update
from sqlalchemy.orm import Session

from jobcrawler.items import RAW_FIELDS
from jobcrawler.storage.models import Job, JobChange, JobLocation

logger = logging.getLogger(__name__)

#: Columns that hold an ad's content: a change in any of them is recorded in ``job_changes``.
CONTENT_COLUMNS: tuple[str, ...] = (
    "url", "apply_url", "title", "employer", "agency", "industry", "reference", "date_posted",
    "valid_through", "start_date", "start_asap", "locations", "country_code", "province_code",
    "region_code", "city", "contract_type", "duration_months", "duration_open_ended",
    "working_time", "hours_per_week", "remote", "languages_required", "ad_language", "salary_min",
    "salary_max", "salary_currency", "salary_period", "salary_raw", "experience_years_min",
    "description_text", "description_html",
    "isco_code", "esco_uri", "occupation_label",
)
#: Raw values that do not make a change on their own (they differ on every crawl).
VOLATILE_RAW = ("crawled_at",)
_LENGTHS = {c.name: c.type.length for c in Job.__table__.columns
            if isinstance(c.type, String) and c.type.length}
_LOCATIONS = JobLocation.__table__
#: The columns of a ``job_locations`` row taken from one location object, with their lengths.
LOCATION_COLUMNS = {c.name: c.type.length for c in JobLocation.__table__.columns
                    if isinstance(c.type, String)}


@dataclass
class BatchResult:
    """What one batch did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and abs(number) < Decimal("1e10") else None


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def row_from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """The ``jobs`` column values of one normalised item (without lifecycle columns).

    Values too long for their column are cut, and values of the wrong type become None, each with
    a logged warning: one bad field never fails the batch it is in.
    """
    salary = item.get("salary") if isinstance(item.get("salary"), Mapping) else {}
    occupation = item.get("occupation") if isinstance(item.get("occupation"), Mapping) else {}
    locations = [loc for loc in item.get("locations") or [] if isinstance(loc, Mapping)]
    first = locations[0] if locations else {}
    row: dict[str, Any] = {
        "source": item["source"], "source_id": str(item["source_id"]),
        "url": item["url"], "apply_url": item.get("apply_url"), "title": item["title"],
        "employer": item.get("employer"), "agency": item.get("agency"),
        "industry": item.get("industry"), "reference": item.get("reference"),
        "date_posted": _date(item.get("date_posted")),
        "valid_through": _date(item.get("valid_through")),
        "start_date": _date(item.get("start_date")),
        "start_asap": item.get("start_asap") if isinstance(item.get("start_asap"), bool) else None,
        "locations": jsonable(locations),
        "country_code": first.get("country_code"), "province_code": first.get("province_code"),
        "region_code": first.get("region_code"), "city": first.get("city"),
        "contract_type": item.get("contract_type"),
        "duration_months": _int(item.get("duration_months")),
        "duration_open_ended": item.get("duration_open_ended")
        if isinstance(item.get("duration_open_ended"), bool) else None,
        "working_time": item.get("working_time"),
        "hours_per_week": _float(item.get("hours_per_week")),
        "remote": item.get("remote"),
        "languages_required": [x for x in item.get("languages_required") or []
                               if isinstance(x, str)],
        "ad_language": item.get("ad_language"),
        "salary_min": _decimal(salary.get("min")), "salary_max": _decimal(salary.get("max")),
        "salary_currency": salary.get("currency"), "salary_period": salary.get("period"),
        "salary_raw": item.get("salary_raw") or salary.get("raw"),
        "experience_years_min": _int(item.get("experience_years_min")),
        "isco_code": occupation.get("isco_code"), "esco_uri": occupation.get("esco_uri"),
        "occupation_label": occupation.get("label"),
        "description_text": item.get("description_text"),
        "description_html": item.get("description_html"),
        # the (sanitised) description HTML has its own column: not repeated in the raw values
        "raw": {k: jsonable(item.get(k)) for k in RAW_FIELDS
                if k != "description_html" and item.get(k) not in (None, [], "")},
    }
    for column, length in _LENGTHS.items():
        value = row.get(column)
        if value is None:
            continue
        if not isinstance(value, str):
            logger.warning("%s/%s: %s is not text (%r): stored as null",
                           row["source"], row["source_id"], column, type(value).__name__)
            row[column] = None
        elif len(value) > length:
            logger.warning("%s/%s: %s cut from %d to %d characters",
                           row["source"], row["source_id"], column, len(value), length)
            row[column] = value[:length]
    row["content_hash"] = content_hash(row)
    return row


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def content_hash(row: Mapping[str, Any]) -> str:
    """A fingerprint of an ad's content: equal hashes mean nothing a user sees has changed."""
    raw = {k: v for k, v in (row.get("raw") or {}).items() if k not in VOLATILE_RAW}
    content = {c: jsonable(row.get(c)) for c in CONTENT_COLUMNS}
    content["raw"] = raw
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(text.encode()).hexdigest()


@cache
def _upsert_statement(dialect: str) -> Any:
    """INSERT ... ON CONFLICT (source, source_id) DO UPDATE, built once per dialect and run with
    a list of rows (SQLAlchemy batches them into multi-row statements, compiled once)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(Job)
    excluded = stmt.excluded
    was_closed = Job.status == "closed"
    set_ = {c: getattr(excluded, c) for c in (*CONTENT_COLUMNS, "raw", "content_hash")}
    set_.update(
        last_seen=excluded.last_seen,
        last_run_id=excluded.last_run_id,
        last_changed=case((Job.content_hash != excluded.content_hash, excluded.last_seen),
                          else_=Job.last_changed),
        status="open",
        closed_at=None,
        reopened_at=case((was_closed, excluded.last_seen), else_=Job.reopened_at),
        times_reopened=Job.times_reopened + case((was_closed, 1), else_=0),
    )
    # the ids written are returned for their job_locations rows (one round trip, no look-up)
    return (stmt.on_conflict_do_update(index_elements=["source", "source_id"], set_=set_)
            .returning(Job.id, Job.source_id))


_NUMERIC = {"salary_min": Decimal, "salary_max": Decimal, "hours_per_week": float}


def _same(column: str, before: Any, after: Any) -> bool:
    if before is None or after is None or column not in _NUMERIC:
        return before == after
    return _NUMERIC[column](before) == _NUMERIC[column](after)  # 4500 and 4500.00 are one amount


def _diff(old: Job, new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """field -> [old, new] for every content column that changed."""
    changes = {}
    for column in CONTENT_COLUMNS:
        before, after = jsonable(getattr(old, column)), jsonable(new.get(column))
        if not _same(column, before, after):
            changes[column] = [before, after]
    return changes


def _record_changes(session: Session, source: str, batch: Mapping[str, Mapping[str, Any]],
                    run_id: int | None, now: datetime, reason: str) -> tuple[dict[str, Any], list[int]]:
    """Stored (id, hash) of the batch's ads, and the ids whose content changed, with a
    ``job_changes`` row for each of those."""
    existing = {
        r.source_id: r for r in session.execute(
            select(Job.id, Job.source_id, Job.content_hash)
            .where(Job.source == source, Job.source_id.in_(list(batch))))
    }
    changed_ids = [r.id for sid, r in existing.items() if r.content_hash != batch[sid]["content_hash"]]
    if changed_ids:
        for old in session.scalars(select(Job).where(Job.id.in_(changed_ids))):
            session.add(JobChange(job_id=old.id, run_id=run_id, changed_at=now, reason=reason,
                                  changes=_diff(old, batch[old.source_id])))
    return existing, changed_ids


def location_rows(job_id: int, locations: Any) -> list[dict[str, Any]]:
    """The ``job_locations`` rows of one ad's ``locations`` (text values only, cut to length)."""
    if not isinstance(locations, list):
        return []
    return [{"job_id": job_id, "position": i,
             **{k: loc[k][:n] if isinstance(loc.get(k), str) else None
                for k, n in LOCATION_COLUMNS.items()}}
            for i, loc in enumerate(x for x in locations if isinstance(x, dict))]


def sync_locations(session: Session, rows: Mapping[int, Mapping[str, Any]],
                   replace: Iterable[int] = ()) -> None:
    """Write the ``job_locations`` rows of ads (``jobs.id`` -> their row) from their
    ``locations``, first removing those of the ads in ``replace`` (ads whose content changed)."""
    replace = list(replace)
    connection = session.connection()  # Core statements: no ORM work per row
    if replace:
        connection.execute(delete(_LOCATIONS).where(_LOCATIONS.c.job_id.in_(replace)))
    values = [v for job_id, row in rows.items() for v in location_rows(job_id, row.get("locations"))]
    if values:
        connection.execute(insert(_LOCATIONS), values)


def update_content(session: Session, rows: Iterable[Mapping[str, Any]], now: datetime | None = None,
                   reason: str = "renormalize") -> BatchResult:
    """Rewrite the content of ads already stored, keeping their lifecycle (seen times, status).

    Changes are recorded like any other; rows of ads not stored are ignored.
    """
    now = now or datetime.now(UTC)
    result = BatchResult()
    by_source: dict[str, dict[str, Mapping[str, Any]]] = {}
    for row in rows:
        by_source.setdefault(row["source"], {})[row["source_id"]] = row
    for source, batch in by_source.items():
        existing, changed_ids = _record_changes(session, source, batch, None, now, reason)
        changed = set(changed_ids)
        updates = [{"id": r.id, "last_changed": now,
                    **{c: batch[sid][c] for c in (*CONTENT_COLUMNS, "raw", "content_hash")}}
                   for sid, r in existing.items() if r.id in changed]
        if updates:
            session.execute(update(Job), updates)
            sync_locations(session, {u["id"]: u for u in updates}, replace=changed)
        result.updated += len(updates)
        result.unchanged += len(existing) - len(updates)
    return result


#: PostgreSQL plans the batch look-ups from table statistics; after this many new rows they are
#: refreshed (autovacuum's analyze lags far behind a first large load).
ANALYZE_EVERY = 10_000
_new_since_analyze: dict[str, int] = {}


def _refresh_statistics(session: Session, new_rows: int) -> None:
    bind = session.get_bind()
    if bind.dialect.name != "postgresql" or not new_rows:
        return
    key = str(bind.url)
    _new_since_analyze[key] = _new_since_analyze.get(key, 0) + new_rows
    if _new_since_analyze[key] >= ANALYZE_EVERY:
        session.execute(text("ANALYZE jobs"))
        _new_since_analyze[key] = 0


def upsert_jobs(session: Session, rows: Iterable[Mapping[str, Any]], run_id: int | None,
                now: datetime | None = None, reason: str = "crawl") -> BatchResult:
    """Insert new ads and update seen ones, one statement per source; history for changes.

    Idempotent: storing the same rows again changes only ``last_seen`` and ``last_run_id``.
    A closed ad that is seen again is reopened (``reopened_at``, ``times_reopened``).
    """
    now = now or datetime.now(UTC)
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        by_key[(row["source"], row["source_id"])] = dict(row)  # the last one of a key wins
    result = BatchResult()
    sources = sorted({source for source, _ in by_key})
    for source in sources:
        batch = {sid: row for (src, sid), row in by_key.items() if src == source}
        existing, changed_ids = _record_changes(session, source, batch, run_id, now, reason)
        result.new += len(batch) - len(existing)
        result.updated += len(changed_ids)
        result.unchanged += len(existing) - len(changed_ids)

        changed = set(changed_ids)
        unchanged_ids = [r.id for r in existing.values() if r.id not in changed]
        if unchanged_ids:  # same content: only the lifecycle columns move
            was_closed = Job.status == "closed"
            session.execute(
                update(Job).where(Job.id.in_(unchanged_ids)).values(
                    last_seen=now, last_run_id=run_id, status="open", closed_at=None,
                    reopened_at=case((was_closed, now), else_=Job.reopened_at),
                    times_reopened=Job.times_reopened + case((was_closed, 1), else_=0)),
                execution_options={"synchronize_session": False})
        unchanged_keys = {sid for sid, r in existing.items() if r.id not in changed}
        values = [{**row, "first_seen": now, "last_seen": now, "last_changed": now,
                   "status": "open", "times_reopened": 0, "first_run_id": run_id,
                   "last_run_id": run_id} for sid, row in batch.items() if sid not in unchanged_keys]
        if values:
            # Core executemany on the session's connection: one prepared statement for the batch
            written = session.connection().execute(_upsert_statement(session.get_bind().dialect.name),
                                                   values)
            sync_locations(session, {job_id: batch[sid] for job_id, sid in written},
                           replace=changed)  # the new ads have no location rows yet
    _refresh_statistics(session, result.new)
    return result


def close_unseen(session: Session, source: str, seen_since: datetime,
                 now: datetime | None = None) -> int:
    """Close the open ads of ``source`` not seen since ``seen_since``; the number closed.

    Only call this after a run that completed cleanly for ``source``.
    """
    now = now or datetime.now(UTC)
    result = session.execute(
        update(Job)
        .where(Job.source == source, Job.status == "open", Job.last_seen < seen_since)
        .values(status="closed", closed_at=now)
    )
    return result.rowcount or 0
