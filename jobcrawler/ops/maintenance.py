"""Work on stored data without crawling: load spooled items, re-apply today's normalisers."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from jobcrawler.normalize import normalize_item
from jobcrawler.normalize.dates import parse_datetime_utc
from jobcrawler.ops.runrecord import finish_run, start_run
from jobcrawler.storage.db import session_factory
from jobcrawler.storage.models import Job, RunSite
from jobcrawler.storage.upsert import BatchResult, row_from_item, update_content, upsert_jobs

logger = logging.getLogger(__name__)

#: Stored identity columns that go back into an item for re-normalisation.
IDENTITY = ("source", "source_id", "url", "apply_url", "title", "employer", "agency", "industry",
            "reference", "description_html")


def _batches(items: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def read_spool(path: Path) -> list[dict[str, Any]]:
    """The items of a spool file; ValueError (naming the line) when it is not one."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            raise ValueError(f"line {number} is not JSON") from None
        if not isinstance(item, dict) or not all(
                isinstance(item.get(key), str) and item[key] for key in ("source", "source_id")):
            raise ValueError(f"line {number} is not a stored ad (no source and source_id)")
        items.append(item)
    if not items:
        raise ValueError("it holds no items")
    return items


def load_spool(engine: Engine, path: Path, batch_size: int = 500,
               items: list[dict[str, Any]] | None = None) -> BatchResult:
    """Store the items of a spool file (written when the database was down) under a new run.

    Each item counts as seen at its own crawl time. The file is renamed ``*.loaded`` afterwards;
    loading it twice would change nothing anyway (upserts are idempotent). The file is read whole
    first (:func:`read_spool`): one that is not a spool starts no run.
    """
    if items is None:
        items = read_spool(path)
    run_id = start_run(engine, "load-spool", [])
    try:
        total = _load_items(engine, items, run_id, batch_size)
    except BaseException:
        finish_run(engine, run_id, status="failed", message=f"loading {path.name} failed")
        raise
    finish_run(engine, run_id, status="ok", message=f"loaded {path.name}")
    path.rename(path.with_name(path.name + ".loaded"))
    return total


def _load_items(engine: Engine, lines: list[dict[str, Any]], run_id: int,
                batch_size: int) -> BatchResult:
    total = BatchResult()
    per_source: dict[str, BatchResult] = {}
    for batch in _batches(iter(lines), batch_size):
        for source in sorted({item["source"] for item in batch}):
            items = [item for item in batch if item["source"] == source]
            seen = [t for item in items if (t := parse_datetime_utc(item.get("crawled_at")))]
            with session_factory(engine).begin() as session:
                result = upsert_jobs(session, [row_from_item(i) for i in items], run_id,
                                     max(seen) if seen else None)
            counts = per_source.setdefault(source, BatchResult())
            for target in (counts, total):
                target.new += result.new
                target.updated += result.updated
                target.unchanged += result.unchanged
    with session_factory(engine).begin() as session:
        now = datetime.now(UTC)
        for source, c in sorted(per_source.items()):  # recorded, never clean: closes nothing
            session.add(RunSite(run_id=run_id, source=source, spider="load-spool", started_at=now,
                                finished_at=now, status="ok", clean=False, new=c.new,
                                updated=c.updated, unchanged=c.unchanged,
                                items_seen=c.new + c.updated + c.unchanged))
    return total


def renormalize(engine: Engine, source: str | None = None, batch_size: int = 500) -> BatchResult:
    """Re-apply today's normalisers to the stored raw values of every ad (or one source's).

    A changed field is recorded in ``job_changes`` with reason ``renormalize``; seen times and
    status are left alone.
    """
    total = BatchResult()
    query = select(Job).order_by(Job.id)
    if source:
        query = query.where(Job.source == source)
    with session_factory(engine)() as reader:
        items = ({**(job.raw or {}), **{c: getattr(job, c) for c in IDENTITY}}
                 for job in reader.scalars(query.execution_options(yield_per=batch_size)))
        for batch in _batches(items, batch_size):
            rows = [row_from_item({**item, **normalize_item(item)}) for item in batch]
            with session_factory(engine).begin() as session:
                result = update_content(session, rows)
            total.updated += result.updated
            total.unchanged += result.unchanged
    logger.info("Renormalised: %d changed, %d unchanged", total.updated, total.unchanged)
    return total
