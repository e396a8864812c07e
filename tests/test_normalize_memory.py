"""Releasing the normalisers' data: their caches empty, the same results after a reload."""

from __future__ import annotations

import gc
import tracemalloc
from datetime import UTC, datetime

import pytest

from jobcrawler.normalize import languages, memory, normalize_item, occupation, places

NOW = datetime(2025, 12, 1, tzinfo=UTC)
RAW = {"title": "Magazijnier (m/v/x) - Geel", "employer": "Kempen Logistics NV",
       "description_html": "<p>Voor ons distributiecentrum in Geel zoeken we een magazijnier met "
                           "ervaring. Vast contract, 38 uur per week, 2.400 tot 2.800 euro bruto.</p>",
       "locations": [{"city": "Geel", "country": "BE"}], "date_posted": "2025-11-28",
       "employment_type": "FULL_TIME"}


def test_release_empties_the_loaders_and_gives_the_same_results_after() -> None:
    before = normalize_item(RAW, now=NOW)
    assert languages._identifier.cache_info().currsize == 1
    emptied = memory.release()
    assert emptied >= 10
    for loader in (languages._identifier, occupation._tables, places._index):
        assert loader.cache_info().currsize == 0, loader
    assert normalize_item(RAW, now=NOW) == before  # loaded again on the next ad


def test_release_empties_the_shared_text_helpers_too() -> None:
    """HTML to text and folding moved out of ``normalize/`` (``jobcrawler.text``, shared with
    extraction): their per-text caches are still the normalisers' to give back."""
    from jobcrawler import text

    text.html_to_text(RAW["description_html"])
    text.fold("Sint-Niklaas")
    cached = (text._html_to_text, text._sanitize_html, text.fold)
    assert all(function.cache_info().currsize for function in cached)
    memory.release()
    assert [function.cache_info().currsize for function in cached] == [0, 0, 0]


def test_release_frees_the_loaded_data() -> None:
    """The language model, gazetteer and classifier are tens of MB of Python objects: released,
    tracemalloc sees them go (they would stay if a module kept its own reference)."""
    memory.release()
    tracemalloc.start()
    try:
        normalize_item(RAW, now=NOW)
        loaded = tracemalloc.get_traced_memory()[0]
        memory.release()
        gc.collect()
        left = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert loaded > 50 * 2**20
    assert left < loaded * 0.1, (loaded, left)


@pytest.mark.parametrize(("stored", "at", "released"), [
    ((1500, 499), 2000, False), ((1500, 499, 1), 2000, True), ((2000,), 2000, True),
    ((0,), 0, True), ((3,), 0, True), ((10_000,), 10**9, False)])
def test_a_big_run_releases_the_normalisers_before_clustering(monkeypatch, stored, at, released) -> None:
    from jobcrawler.ops import runner

    calls: list[int] = []
    monkeypatch.setattr(memory, "release", lambda: calls.append(1) or 0)
    results = [runner.SiteResult(site=f"s{i}", platform="jsonld", new=n // 2, updated=n - n // 2)
               for i, n in enumerate(stored)]
    assert runner._release_normalizers(results, at) is released
    assert calls == ([1] if released else [])


def test_the_release_threshold_is_a_setting_the_runner_reads(monkeypatch, sqlite_url) -> None:
    """2,000 new or changed ads by default (a replay of one site stores 2: nothing released);
    ``-s JOBCRAWLER_RELEASE_CACHES_AT=0`` releases after any run."""
    from jobcrawler import settings
    from tests.cli import run

    assert settings.JOBCRAWLER_RELEASE_CACHES_AT == 2000
    calls: list[int] = []
    monkeypatch.setattr(memory, "release", lambda: calls.append(1) or 0)
    result = run("replay", "vivid", "--db", sqlite_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert calls == []
    result = run("replay", "vivid", "--db", sqlite_url, "-s", "JOBCRAWLER_RELEASE_CACHES_AT=0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert calls == [1]
