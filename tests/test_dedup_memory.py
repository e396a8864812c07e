"""The memory of clustering is bounded by the chunk and the caches, not by the ads clustered.

tracemalloc counts the Python objects (numpy's arrays included) a clustering pass allocates: its
peak while clustering and what it leaves behind. A per-chunk object kept alive (a result list, a
view that holds its chunk, an identity map) makes the peak grow with the number of chunks, and
fails the second bound.
"""

from __future__ import annotations

import gc
import random
import tracemalloc

import pytest

from jobcrawler.dedup import keys
from jobcrawler.dedup import store as store_module
from jobcrawler.dedup.store import cluster_ads
from jobcrawler.storage.db import open_database, session_factory
from jobcrawler.storage.upsert import row_from_item, upsert_jobs

WORDS = [
    "magazijn", "logistiek", "ploeg", "planning", "klant", "verkoop", "boekhouding", "onderhoud",
    "techniek", "productie", "kwaliteit", "veiligheid", "opleiding", "contract", "premie",
    "maaltijdcheques", "ervaring", "rijbewijs", "team", "verantwoordelijk", "analyse",
    "rapportering", "software", "netwerk", "zorg", "patiënten", "dienst",
]


def _ads(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        text = " ".join(rng.choice(WORDS) for _ in range(120))
        out.append({"source": f"site{i % 50}", "source_id": f"{seed}-{i}",
                    "url": f"https://site{i % 50}.test/jobs/{seed}-{i}",
                    "title": f"{rng.choice(WORDS).title()} medewerker {i}",
                    "employer": f"Werkgever {i % 97} NV", "date_posted": "2025-11-28",
                    "locations": [{"city": rng.choice(("Geel", "Mol", "Gent")), "country_code": "BE"}],
                    "description_text": text, "ad_language": "nl"})
    return out


def _held_after_each_chunk(engine, chunk_size: int) -> list[int]:
    """Bytes held by the clustering after each of its chunks (the title trigram cache emptied:
    bounded by its own size, it would hide the rest at this scale)."""
    held: list[int] = []
    run_chunk = store_module._Matcher.run_chunk

    def measured(self, ids):
        run_chunk(self, ids)
        keys._trigrams.cache_clear()
        held.append(tracemalloc.get_traced_memory()[0])

    gc.collect()
    tracemalloc.start()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(store_module._Matcher, "run_chunk", measured)
            cluster_ads(engine, chunk_size=chunk_size)
    finally:
        tracemalloc.stop()
    return held


def test_clustering_holds_no_more_after_many_chunks(sqlite_url: str, monkeypatch) -> None:
    """Twelve chunks of 200 ads: what the pass holds from chunk to chunk (the view cache, bounded
    at CACHE_LIMIT views) stops growing once the cache is full; a per-chunk object kept alive, or
    a cache bound by nothing, grows it by ~100 KB a chunk."""
    monkeypatch.setattr(store_module, "CACHE_LIMIT", 400)
    engine = open_database(sqlite_url)
    with session_factory(engine).begin() as session:  # a first pass: the lasting caches load
        upsert_jobs(session, [row_from_item(a) for a in _ads(100, 7)], None)
    cluster_ads(engine)
    with session_factory(engine).begin() as session:
        upsert_jobs(session, [row_from_item(a) for a in _ads(2400, 1)], None)
    held = _held_after_each_chunk(engine, chunk_size=200)
    assert len(held) == 12
    growth = max(held[6:]) - max(held[2:6])  # the cache is full from the third chunk on
    assert growth < 300 * 1024, [h // 1024 for h in held]
