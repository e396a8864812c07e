"""load-spool and renormalize, on both backends."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from jobcrawler.ops.maintenance import load_spool, renormalize
from jobcrawler.storage.db import open_database, session_factory
from jobcrawler.storage.models import Job, JobChange, Run
from jobcrawler.storage.upsert import jsonable
from tests.test_cli import run


def spooled_item(n: int) -> dict:
    return {"source": "acme", "source_id": str(n), "url": f"https://acme.test/{n}",
            "title": "Boekhouder", "date_posted": "2025-12-09", "date_posted_raw": "09-12-2025",
            "location_raw": ["Gent"], "contract_raw": "Vast contract", "contract_type": "permanent",
            "locations": [], "crawled_at": "2025-12-20T03:00:00+00:00"}


def test_load_spool(db_url: str, tmp_path: Path) -> None:
    engine = open_database(db_url)
    spool = tmp_path / "20251220T030000-acme.jsonl"
    spool.write_text("".join(json.dumps(spooled_item(n)) + "\n" for n in range(3)))
    result = load_spool(engine, spool)
    assert result.new == 3
    assert not spool.exists() and spool.with_name(spool.name + ".loaded").exists()
    with session_factory(engine)() as session:
        jobs = list(session.scalars(select(Job)))
        assert len(jobs) == 3 and jobs[0].contract_type == "permanent"
        assert jobs[0].last_seen.strftime("%Y-%m-%d %H") == "2025-12-20 03"
        assert session.scalar(select(Run.command)) == "load-spool"


def test_renormalize_applies_rules_to_raw_values_and_records_changes(db_url: str) -> None:
    engine = open_database(db_url)
    load_spool_item = spooled_item(1)
    load_spool_item["locations"] = []  # stored before the place rules knew "Gent"
    from jobcrawler.storage.upsert import row_from_item, upsert_jobs

    with session_factory(engine).begin() as session:
        upsert_jobs(session, [row_from_item(load_spool_item)], None)
    result = renormalize(engine)
    assert (result.updated, result.unchanged) == (1, 0)
    with session_factory(engine)() as session:
        job = session.scalar(select(Job))
        assert job.city == "Gent" and job.province_code == "BE-VOV"
        assert job.status == "open"
        change = session.scalar(select(JobChange))
        assert change.reason == "renormalize" and "locations" in change.changes
    assert renormalize(engine).updated == 0  # idempotent


def test_cli_renormalize_and_load_spool(sqlite_url: str, tmp_path: Path) -> None:
    assert run("replay", "vivid", "--db", sqlite_url).returncode == 0
    result = run("renormalize", "--db", sqlite_url, "--source", "vivid")
    assert result.returncode == 0, result.stderr
    assert "0 ad(s) changed, 2 unchanged" in result.stdout
    spool = tmp_path / "x.jsonl"
    spool.write_text(json.dumps(jsonable(spooled_item(9))) + "\n")
    result = run("load-spool", str(spool), "--db", sqlite_url)
    assert result.returncode == 0 and "1 new" in result.stdout
    result = run("load-spool", str(tmp_path / "missing.jsonl"), "--db", sqlite_url)
    assert result.returncode == 2 and "no spool file" in result.stderr


def test_db_commands(db_url: str) -> None:
    from jobcrawler.storage.db import head_revision

    head = head_revision()
    before = run("db", "current", "--db", db_url)
    if db_url.startswith("sqlite"):  # a missing file is said so, not created
        assert before.returncode == 3 and "no database" in before.stderr, before.stderr
        assert not Path(db_url.removeprefix("sqlite:///")).exists()
    else:
        assert before.returncode == 0 and before.stdout.startswith("(empty)"), before.stdout
    upgraded = run("db", "upgrade", "--db", db_url)
    assert upgraded.returncode == 0 and f"revision {head}" in upgraded.stdout
    after = run("db", "current", "--db", db_url)
    assert after.stdout.startswith(head)
    broken = run("db", "current", "--db", "postgresql+psycopg://x:pw@127.0.0.1:1/none")
    assert broken.returncode == 3 and "pw" not in broken.stderr


def test_load_spool_records_each_sources_own_counts(db_url: str, tmp_path: Path) -> None:
    engine = open_database(db_url)
    spool = tmp_path / "mixed.jsonl"
    items = [spooled_item(1), spooled_item(2), {**spooled_item(3), "source": "other"}]
    spool.write_text("".join(json.dumps(item) + "\n" for item in items))
    load_spool(engine, spool)
    from jobcrawler.storage.models import RunSite

    with session_factory(engine)() as session:
        counts = {r.source: (r.new, r.items_seen) for r in session.scalars(select(RunSite))}
    assert counts == {"acme": (2, 2), "other": (1, 1)}
