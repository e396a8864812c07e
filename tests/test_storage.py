"""Persistence on both backends: migrations, idempotent upserts, history, closing, reopening."""

from __future__ import annotations

import os
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, inspect, select, text

from jobcrawler.storage.db import current_revision, head_revision, open_database, session_factory
from jobcrawler.storage.lifecycle import close_unseen, end_run, interrupt_dead_runs, start_run
from jobcrawler.storage.models import Job, JobChange, Run, RunSite
from jobcrawler.storage.upsert import row_from_item, upsert_jobs

T0 = datetime(2025, 12, 1, 2, 0, tzinfo=UTC)


def item(source_id: str, title: str = "Data Engineer", **extra) -> dict:
    base = {"source": "acme", "source_id": source_id, "url": f"https://acme.test/jobs/{source_id}",
            "title": title, "date_posted": "2025-11-30", "date_posted_raw": "30-11-2025",
            "locations": [{"raw": "Gent", "city": "Gent", "municipality": "Gent",
                           "postcode": None, "province_code": "BE-VOV", "region_code": "BE-VLG",
                           "country_code": "BE"}],
            "salary": {"min": "4500", "max": "5500", "currency": "EUR", "period": "month",
                       "raw": "€ 4.500 - € 5.500"},
            "crawled_at": T0.isoformat()}
    return {**base, **extra}


def store(engine, items, run_id=None, now=T0):
    with session_factory(engine).begin() as session:
        return upsert_jobs(session, [row_from_item(i) for i in items], run_id, now)


def test_schema_is_created_by_migrations(db_url: str) -> None:
    engine = open_database(db_url)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {"jobs", "job_changes", "runs", "run_sites", "alembic_version"} <= tables
    unique = inspect(engine).get_unique_constraints("jobs")
    assert any(u["column_names"] == ["source", "source_id"] for u in unique)


def test_upsert_is_idempotent(db_url: str) -> None:
    engine = open_database(db_url)
    first = store(engine, [item("1"), item("2")])
    assert (first.new, first.updated, first.unchanged) == (2, 0, 0)
    later = T0 + timedelta(days=1)
    second = store(engine, [item("1"), item("2")], now=later)
    assert (second.new, second.updated, second.unchanged) == (0, 0, 2)
    with session_factory(engine)() as session:
        jobs = list(session.scalars(select(Job).order_by(Job.source_id)))
        assert len(jobs) == 2
        assert session.scalar(select(func.count()).select_from(JobChange)) == 0
    job = jobs[0]
    assert job.first_seen.replace(tzinfo=UTC) == T0
    assert job.last_seen.replace(tzinfo=UTC) == later
    assert job.last_changed.replace(tzinfo=UTC) == T0
    assert str(job.salary_min) in ("4500", "4500.00")


def test_duplicate_keys_in_one_batch_keep_one_row(db_url: str) -> None:
    engine = open_database(db_url)
    result = store(engine, [item("1", "Old"), item("1", "New")])
    assert result.new == 1
    with session_factory(engine)() as session:
        assert session.scalar(select(Job.title)) == "New"


def test_changes_are_kept(db_url: str) -> None:
    engine = open_database(db_url)
    store(engine, [item("1")])
    later = T0 + timedelta(days=2)
    result = store(engine, [item("1", title="Senior Data Engineer",
                                 salary={"min": 5000, "max": 6000, "currency": "EUR",
                                         "period": "month", "raw": "€ 5.000 - € 6.000"})],
                   now=later)
    assert (result.new, result.updated) == (0, 1)
    with session_factory(engine)() as session:
        [change] = session.scalars(select(JobChange))
        assert change.changes["title"] == ["Data Engineer", "Senior Data Engineer"]
        assert change.changes["salary_min"][1] == "5000"
        assert "url" not in change.changes
        job = session.scalar(select(Job))
        assert job.last_changed.replace(tzinfo=UTC) == later


def test_close_and_reopen(db_url: str) -> None:
    engine = open_database(db_url)
    store(engine, [item("1"), item("2")])
    run_start = T0 + timedelta(days=1)
    store(engine, [item("1")], now=run_start)
    assert close_unseen(engine, "acme", run_start, run_start) == 1
    with session_factory(engine)() as session:
        closed = session.scalar(select(Job).where(Job.source_id == "2"))
        assert closed.status == "closed" and closed.closed_at is not None
    back = run_start + timedelta(days=1)
    store(engine, [item("1"), item("2")], now=back)
    with session_factory(engine)() as session:
        job = session.scalar(select(Job).where(Job.source_id == "2"))
        assert job.status == "open" and job.closed_at is None
        assert job.times_reopened == 1
        assert job.reopened_at.replace(tzinfo=UTC) == back


def test_bad_values_are_cut_or_nulled_not_fatal(db_url: str) -> None:
    engine = open_database(db_url)
    result = store(engine, [item("1", employer="E" * 1000, duration_months="nine",
                                 start_asap="yes", hours_per_week=True)])
    assert result.new == 1
    with session_factory(engine)() as session:
        job = session.scalar(select(Job))
        assert len(job.employer) == 255
        assert job.duration_months is None and job.start_asap is None
        assert job.hours_per_week is None
        assert job.raw["date_posted_raw"] == "30-11-2025"


def test_runs_and_interrupted_runs(db_url: str) -> None:
    """A run left ``running`` is interrupted when its lock is free, whatever its PID says: in a
    container every run is PID 1, which is always alive."""
    engine = open_database(db_url)
    run_id, lock = start_run(engine, "replay", ["acme"])
    with session_factory(engine).begin() as session:  # runs of processes that died
        session.add(Run(command="crawl", started_at=T0, status="running", sites=["acme"], pid=1))
        session.add(Run(command="crawl", started_at=T0, status="running", sites=["acme"],
                        pid=os.getpid()))
    assert interrupt_dead_runs(engine) == 2  # ours holds its lock: alive
    run = end_run(engine, run_id, lock, status="ok")
    assert run.status == "ok" and run.finished_at is not None
    with session_factory(engine)() as session:
        statuses = sorted(session.scalars(select(Run.status)))
    assert statuses == ["interrupted", "interrupted", "ok"]


def test_run_totals_are_summed_by_the_database(db_url: str) -> None:
    """Closing a run of many sites loads none of their rows: the 10,000-site run's end grew by
    ~80 MB when every row (and its crawl's stats) was read to sum the totals in Python."""
    engine = open_database(db_url)
    sites = [f"s{k:04d}" for k in range(2000)]
    run_id, lock = start_run(engine, "crawl", sites)
    stats = {f"jobcrawler/fields/field{k}": k for k in range(300)}  # ~10 KB of JSON a site
    rows = [{"run_id": run_id, "source": name, "spider": "jsonld", "started_at": T0,
             "status": "failed" if k == 7 else "locked" if k == 8 else "ok", "requests": 7,
             "items_seen": 5, "new": 5, "errors": k % 2, "problems": [], "stats": stats}
            for k, name in enumerate(sites)]
    with session_factory(engine).begin() as session:
        session.execute(insert(RunSite), rows)
    tracemalloc.start()
    try:
        run = end_run(engine, run_id, lock)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (run.requests, run.items_seen, run.new, run.updated, run.errors) == (14000, 10000,
                                                                                10000, 0, 1000)
    assert run.status == "failed"  # s0007 failed (a locked site alone would not fail the run)
    assert peak < 5 * 2**20, f"closing the run allocated {peak / 2**20:.1f} MB"


def test_ids_longer_than_the_column_stay_apart(db_url: str) -> None:
    """Two ids sharing their first 255 characters (long URL paths as ids) are two ads."""
    engine = open_database(db_url)
    long_a, long_b = "/jobs/" + "x" * 300 + "/a", "/jobs/" + "x" * 300 + "/b"
    result = store(engine, [item(long_a, "A"), item(long_b, "B"), item("short")])
    assert result.new == 3
    with session_factory(engine)() as session:
        stored = {job.title: job for job in session.scalars(select(Job))}
    assert len(stored) == 3 and stored["A"].source_id != stored["B"].source_id
    assert all(len(job.source_id) <= 255 for job in stored.values())
    assert stored["A"].raw["source_id"] == long_a and stored["Data Engineer"].source_id == "short"
    assert store(engine, [item(long_a, "A")]).unchanged == 1  # the same id again: the same ad


@pytest.mark.parametrize("missing", ["source", "source_id", "url", "title"])
def test_row_needs_identity(missing: str) -> None:
    data = item("1")
    del data[missing]
    with pytest.raises(KeyError):
        row_from_item(data)


def test_models_and_migrations_do_not_drift(db_url: str) -> None:
    """Every schema change is a migration: autogenerate against a migrated database finds nothing."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from jobcrawler.storage.models import Base

    engine = open_database(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


@pytest.mark.postgres
def test_long_text_columns_use_lz4_on_postgresql(pg_url: str) -> None:
    engine = open_database(pg_url)
    with engine.connect() as conn:
        available = conn.execute(text(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")).scalar()
        if not available:
            pytest.skip("this PostgreSQL server was built without lz4")
        methods = dict(conn.execute(text(
            "SELECT attname, attcompression FROM pg_attribute WHERE attrelid = 'jobs'::regclass "
            "AND attname IN ('description_text', 'description_html', 'raw')")).all())
    assert methods == {"description_text": "l", "description_html": "l", "raw": "l"}
