"""jobcrawler browse: datasette on the database with the shipped metadata, built and queried in-process."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jobcrawler.ops.browse import BrowseError, _template, datasette_app, metadata, sqlite_path
from jobcrawler.storage.db import open_database, session_factory
from jobcrawler.storage.upsert import row_from_item, upsert_jobs
from tests.conftest import ROOT
from tests.test_cli import run

pytest.importorskip("datasette")

T0 = datetime(2025, 12, 1, 2, 0, tzinfo=UTC)


def _ad(source_id: str, province: str, contract: str, languages: list[str]) -> dict:
    return {"source": "acme", "source_id": source_id, "url": f"https://acme.test/{source_id}",
            "title": "Data Engineer", "contract_type": contract, "languages_required": languages,
            "locations": [{"raw": "x", "city": None, "municipality": None, "postcode": None,
                           "province_code": province, "region_code": "BE-VLG", "country_code": "BE"},
                          {"raw": "y", "city": None, "municipality": None, "postcode": None,
                           "province_code": "BE-VAN", "region_code": "BE-VLG", "country_code": "BE"}]}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "ads.db"
    engine = open_database(f"sqlite:///{path}")
    with session_factory(engine).begin() as session:
        upsert_jobs(session, [row_from_item(_ad("1", "BE-VOV", "permanent", ["nl", "fr"])),
                              row_from_item(_ad("2", "BE-VOV", "temporary", ["nl"])),
                              row_from_item(_ad("3", "BE-WLG", "permanent", ["fr"]))], None, T0)
    engine.dispose()
    return path


def _get(app, path: str) -> dict:
    async def fetch() -> dict:
        response = await app.client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        return response.json()

    return asyncio.run(fetch())


def test_datasette_with_metadata(db: Path) -> None:
    app = datasette_app(db)
    data = _get(app, "/ads/jobs.json?_shape=objects&_size=0")
    facets = data["facet_results"]
    facets = facets.get("results", facets)  # shape differs between datasette versions
    by_value = {name: {str(r["value"]): r["count"] for r in f["results"]} for name, f in facets.items()}
    assert by_value["province_code"] == {"BE-VOV": 2, "BE-WLG": 1}
    assert by_value["contract_type"] == {"permanent": 2, "temporary": 1}
    assert by_value["languages_required"] == {"nl": 2, "fr": 2}
    assert {"source", "status"} <= set(by_value)
    assert "isco_code" in by_value  # the occupation's column

    rows = _get(app, "/ads/open_ads_per_province_every_location.json?_shape=array")
    assert {r["province_code"]: r["count(DISTINCT l.job_id)"] for r in rows} == {
        "BE-VOV": 2, "BE-WLG": 1, "BE-VAN": 3}
    for query in ("changes_of_one_ad", "copies_of_one_ad"):  # every canned query runs on our schema
        assert _get(app, f"/ads/{query}.json?_shape=array&source=acme&source_id=1") == []
    for query in ("open_ads_per_province", "new_ads_this_week", "closed_within_14_days",
                  "open_vacancies_per_province"):
        assert isinstance(_get(app, f"/ads/{query}.json?_shape=array"), list)

    served = _get(app, "/-/metadata.json")
    jobs = served["databases"]["ads"]["tables"]["jobs"]
    assert "One row per ad" in jobs["description"]
    assert jobs["columns"]["province_code"].startswith("First location")


def _statements(sql: str) -> set[str]:
    """SQL statements with comments dropped, spaces folded, and literal values and parameters
    alike (the README names an example ad where a canned query asks for one)."""
    sql = re.sub(r"--[^\n]*", "", sql)
    return {re.sub(r"'[^']*'|:\w+", "?", " ".join(s.split())) for s in sql.split(";") if s.strip()}


def test_canned_queries_are_the_readme_examples() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples: set[str] = set()
    for block in re.findall(r"```sql\n(.*?)```", readme, re.DOTALL):
        examples |= _statements(block.split("-- the same on PostgreSQL")[0])
    queries = _template()["databases"]["jobcrawler"]["queries"]
    canned = set().union(*(_statements(q["sql"]) for q in queries.values()))
    assert len(examples) >= 6 and examples <= canned, examples - canned


def test_metadata_names_the_file_and_describes_only_present_columns(tmp_path: Path) -> None:
    """A database without the columns other features add (an older schema) gets no facet or
    description for them, instead of a datasette error."""
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, title TEXT, contract_type TEXT)")
    data = metadata(path)
    assert list(data["databases"]) == ["old"]
    jobs = data["databases"]["old"]["tables"]["jobs"]
    assert jobs["facets"] == ["contract_type"]
    assert set(jobs["columns"]) == {"title", "contract_type"}


def test_only_sqlite_files(tmp_path: Path) -> None:
    with pytest.raises(BrowseError, match="SQLite files only"):
        sqlite_path("postgresql+psycopg://u@127.0.0.1/x")
    with pytest.raises(BrowseError, match="no database file"):
        sqlite_path(f"sqlite:///{tmp_path / 'none.db'}")
    result = run("browse", "--db", "postgresql+psycopg://u:secret@127.0.0.1:1/x")
    assert result.returncode == 3 and "SQLite files only" in result.stderr
    assert "Traceback" not in result.stderr
