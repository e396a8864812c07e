"""The labelled set (tests/data/labelled.jsonl): at least 95% right on every field, and at least
300 values, as scripts/precision.py prints them."""

from __future__ import annotations

import json
import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from precision import DATA, measure

ROWS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def results() -> dict:
    """Measured once, when the first test asks (not while collecting: every pytest-xdist worker
    collects every module)."""
    return measure(ROWS)


def test_the_set_is_large_enough():
    assert len(ROWS) >= 300


@pytest.mark.parametrize("field", sorted({row["field"] for row in ROWS}))
def test_precision_per_field(field, results):
    r = results[field]
    assert r["correct"] / r["rows"] >= 0.95, r["errors"]
