"""Soak test (not in the default run: ``pytest -m soak``): 20,000 ads from a local site with 5% of
its pages faulty. Nothing crashes, every good ad is stored exactly once, memory stays bounded."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

JOBS = int(os.environ.get("JOBCRAWLER_SOAK_JOBS", "20000"))


@pytest.mark.soak
def test_soak_20000_ads_with_5_percent_faults(tmp_path: Path) -> None:
    from careers_site import faulty
    from run import crawl_jobcrawler, free_port, site

    good = [i for i in range(JOBS) if faulty(i, 0.05) is None]
    db = tmp_path / "soak.db"
    with site(JOBS, free_port(), faults=0.05) as url:
        try:
            stats = crawl_jobcrawler(url, db, {"RETRY_TIMES": 1})
        except subprocess.CalledProcessError as exc:
            raise AssertionError(exc.stderr) from None
    con = sqlite3.connect(db)
    stored = con.execute("SELECT count(*), count(DISTINCT source_id) FROM jobs").fetchone()
    assert stored == (len(good), len(good))
    assert not stats.get("spider_exceptions/count") and not any(
        k.startswith("spider_exceptions/") for k in stats)
    assert stats["memusage/max"] / 2**20 < 400
