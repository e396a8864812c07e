"""Shared fixtures: a database on each backend (SQLite file, PostgreSQL schema), paths."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from scrapy.utils.reactor import install_reactor

# The crawl tests run Scrapy in this process (tests/cli.py): the reactor Scrapy expects, installed
# before anything imports twisted.internet.reactor.
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")

# Property tests (tests/test_properties.py, tests/test_scan.py): 50 examples each in the default
# run; ``pytest --hypothesis-profile=soak`` tries 1,000 (a few minutes).
settings.register_profile("quick", max_examples=50)
settings.register_profile("soak", max_examples=1000)
settings.load_profile("quick")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
PG_BASE = os.environ.get("JOBCRAWLER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    import psycopg

    try:
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test",
                             connect_timeout=3):
            return None
    except Exception as exc:  # any failure to connect means: skip, with the reason
        return f"PostgreSQL at 127.0.0.1:5432 does not answer: {exc}"


_PG_REASON = _pg_available()

#: Test files that take longest (wall time: processes started, waits; measured with one file per
#: worker, longest first), run first: with pytest-xdist the files are handed out in this order
#: (``--no-loadscope-reorder`` in pyproject.toml: xdist would otherwise hand out the files with
#: the most tests first), the short files fill in at the end, and no long file ends the run alone.
LONG_FIRST = ("test_scrapyd.py", "test_lock.py", "test_reliability.py", "test_lifecycle.py",
              "test_operations.py", "test_scrapy_way.py", "test_cli_errors.py", "test_readme.py",
              "test_gazetteer.py", "test_dedup_memory.py", "test_normalize_memory.py", "test_cli.py",
              "test_dedup_store.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(LONG_FIRST)))  # stable: else as found


@pytest.fixture(scope="session", autouse=True)
def _hermetic_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test (nor a module-scoped fixture, nor a subprocess it starts) reads or writes the
    working folder's database, spool or logs: the defaults point into a temporary folder."""
    work = tmp_path_factory.mktemp("session-cwd")
    before = _working_files()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(work)
        _isolate(mp, work)
        yield
    assert _working_files() == before, "a test wrote the repository's jobcrawler.db, its locks, spool/ or logs/"


def _working_files() -> dict[str, float | None]:
    """When the checkout's own database, its locks, spool and logs last changed (None: absent)."""
    paths = [ROOT / "jobcrawler.db", ROOT / "jobcrawler.db.locks", ROOT / "spool", ROOT / "logs"]
    for folder in paths[1:]:
        if folder.is_dir():
            paths.extend(folder.iterdir())
    return {str(p): p.stat().st_mtime if p.exists() else None for p in paths}


@pytest.fixture(autouse=True)
def _hermetic(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs in a folder of its own, with the default database and spool in it."""
    work = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(work)
    _isolate(monkeypatch, work)


def _isolate(mp: pytest.MonkeyPatch, work: Path) -> None:
    import jobcrawler.settings as project_settings

    mp.setenv("JOBCRAWLER_DB_URL", f"sqlite:///{work / 'jobcrawler.db'}")
    mp.setenv("JOBCRAWLER_SPOOL_DIR", str(work / "spool"))
    # settings.py read $JOBCRAWLER_SPOOL_DIR once, when first imported: during collection that is
    # before any of this, so it says "spool", and an in-process crawl run from the repository root
    # (tests/cli.py) made the checkout's spool/ (the session check above failed in a fresh clone)
    mp.setattr(project_settings, "JOBCRAWLER_SPOOL_DIR", str(work / "spool"))
    mp.delenv("JOBCRAWLER_SITES", raising=False)
    mp.delenv("JOBCRAWLER_FIXTURES_DIR", raising=False)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards."""
    if _PG_REASON:
        pytest.skip(_PG_REASON)
    import psycopg

    schema = f"jc_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test",
                         autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    finally:
        from jobcrawler.storage.db import get_engine

        get_engine.cache_clear()
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test",
                             autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """The same test on both backends."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")
