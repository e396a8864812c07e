"""Duplicate clusters in the database, on both backends: incremental, changes, rebuild, runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import func, select, update

from jobcrawler.dedup import store as store_module
from jobcrawler.dedup.store import cluster_ads
from jobcrawler.ops.cli import main
from jobcrawler.storage.db import open_database, session_factory
from jobcrawler.storage.lifecycle import close_unseen, start_run
from jobcrawler.storage.models import Cluster, DedupAd, DedupKey, Job, Run
from jobcrawler.storage.upsert import row_from_item, upsert_jobs

T0 = datetime(2025, 12, 1, 2, 0, tzinfo=UTC)
TEXT = ("Kempen Logistics zoekt voor het distributiecentrum in Geel een teamleader magazijn. Je "
        "stuurt een ploeg van twaalf orderpickers aan, je plant de shiften en je volgt de KPI's op. "
        "Je hebt minstens drie jaar ervaring in de logistiek en kent SAP EWM. Wij bieden een vast "
        "contract, een ploegenpremie en maaltijdcheques van 8 euro.")
OTHER = ("Voor een ziekenhuis in Geel zoeken we een verpleegkundige voor de dienst geriatrie. Je "
         "verzorgt de patiënten, je dient medicatie toe en je werkt nauw samen met de artsen. Je "
         "hebt een bachelor verpleegkunde en een visum. Vast contract en een goede verloning.")


def item(source: str, source_id: str, **extra) -> dict:
    base = {"source": source, "source_id": source_id, "url": f"https://{source}.test/jobs/{source_id}",
            "title": "Teamleader Magazijn", "employer": "Kempen Logistics NV", "date_posted": "2025-11-28",
            "locations": [{"city": "Geel", "province_code": "BE-VAN", "country_code": "BE"}],
            "contract_type": "permanent", "description_text": TEXT, "ad_language": "nl"}
    return {**base, **extra}


def store(engine, items, run_id=None, now=T0):
    with session_factory(engine).begin() as session:
        return upsert_jobs(session, [row_from_item(i) for i in items], run_id, now)


def clusters(engine) -> dict[tuple[str, str], int]:
    with session_factory(engine)() as session:
        return {(s, i): c for s, i, c in session.execute(select(Job.source, Job.source_id, Job.cluster_id))}


def canonical(engine, cluster_id: int) -> tuple[str, str]:
    with session_factory(engine)() as session:
        job_id = session.scalar(select(Cluster.canonical_job_id).where(Cluster.id == cluster_id))
        return tuple(session.execute(select(Job.source, Job.source_id).where(Job.id == job_id)).one())


def reason(engine, source: str, source_id: str) -> str | None:
    with session_factory(engine)() as session:
        return session.scalar(select(DedupAd.link_reason).join(Job, Job.id == DedupAd.job_id)
                              .where(Job.source == source, Job.source_id == source_id))


AGENCY_COPY = item("agency", "a1", employer=None, agency="Randstad", title="Teamleader magazijn (m/v/x)",
                   description_text="Voor onze klant: " + TEXT + " Solliciteer via Randstad.")


def test_copies_join_one_cluster_whose_canonical_is_the_employers_ad(db_url: str) -> None:
    engine = open_database(db_url)
    store(engine, [AGENCY_COPY])  # the agency's copy is seen first
    store(engine, [item("careers", "c1", reference="KL-2025-17"),
                   item("ats", "77001", reference="KL 2025 17", description_text="Zie onze site."),
                   item("careers", "c2", title="Boekhouder", description_text=OTHER)],
          now=T0 + timedelta(hours=1))
    result = cluster_ads(engine)
    assert (result.processed, result.copies) == (4, 2)
    found = clusters(engine)
    assert found[("agency", "a1")] == found[("careers", "c1")] == found[("ats", "77001")]
    assert found[("careers", "c2")] != found[("careers", "c1")]
    # the employer's own postings (careers site, ATS) come before the agency's, seen earlier
    assert canonical(engine, found[("careers", "c1")]) == ("ats", "77001")  # stored first of the two
    assert reason(engine, "careers", "c1") == "reference"  # to the ATS ad, stored before it
    with session_factory(engine)() as session:
        sizes = sorted(session.scalars(select(Cluster.size)))
        assert sizes == [1, 3]
        assert session.scalar(select(func.count()).select_from(Job)) == 4  # nothing deleted
        assert session.scalar(select(func.count()).select_from(Job).where(Job.cluster_id.is_(None))) == 0


def test_only_new_and_changed_ads_are_matched(db_url: str) -> None:
    engine = open_database(db_url)
    store(engine, [item("careers", "c1"), item("careers", "c2", title="Boekhouder", description_text=OTHER)])
    assert cluster_ads(engine).processed == 2
    assert cluster_ads(engine).processed == 0
    store(engine, [item("careers", "c1"), item("careers", "c2", title="Boekhouder", description_text=OTHER)],
          now=T0 + timedelta(days=1))  # seen again, unchanged
    assert cluster_ads(engine).processed == 0
    store(engine, [AGENCY_COPY], now=T0 + timedelta(days=1))
    result = cluster_ads(engine)
    assert (result.processed, result.copies) == (1, 1)
    assert clusters(engine)[("agency", "a1")] == clusters(engine)[("careers", "c1")]
    with session_factory(engine)() as session:
        assert session.scalar(select(Cluster.last_seen).where(Cluster.size == 2)).replace(
            tzinfo=UTC) == T0 + timedelta(days=1)


def test_changed_ads_move_and_clusters_keep_a_members_id(db_url: str) -> None:
    engine = open_database(db_url)
    store(engine, [item("careers", "c1")])
    store(engine, [AGENCY_COPY, item("board", "b1", employer=None)], now=T0 + timedelta(hours=1))
    cluster_ads(engine)
    before = clusters(engine)
    assert len(set(before.values())) == 1
    first = before[("careers", "c1")]
    # the founding ad becomes another job: it leaves, the cluster takes another member's id
    store(engine, [item("careers", "c1", title="Boekhouder", description_text=OTHER)],
            now=T0 + timedelta(days=1))
    result = cluster_ads(engine)
    assert (result.processed, result.moved) == (1, 1)
    after = clusters(engine)
    assert after[("careers", "c1")] == first  # its id is its own cluster's
    assert after[("agency", "a1")] == after[("board", "b1")] != first
    with session_factory(engine)() as session:
        ids = {c: j for c, j in session.execute(select(Cluster.id, Cluster.size))}
        assert ids == {first: 1, after[("agency", "a1")]: 2}
        member_ids = set(session.scalars(select(Job.id).where(Job.cluster_id == after[("agency", "a1")])))
        assert after[("agency", "a1")] in member_ids
        keys = session.scalar(select(func.count()).select_from(DedupKey))
    assert cluster_ads(engine, rebuild=True).processed == 3
    rebuilt = clusters(engine)
    assert (rebuilt[("agency", "a1")] == rebuilt[("board", "b1")]) and rebuilt[("careers", "c1")] != rebuilt[
        ("board", "b1")]
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(DedupKey)) == keys  # no stale keys


def test_a_repost_after_closing_joins_the_old_cluster(db_url: str) -> None:
    engine = open_database(db_url)
    store(engine, [item("careers", "c1")])
    cluster_ads(engine)
    close_unseen(engine, "careers", T0 + timedelta(days=30), T0 + timedelta(days=30))
    store(engine, [item("careers", "c9", date_posted="2026-03-02")], now=T0 + timedelta(days=90))
    cluster_ads(engine)
    assert clusters(engine)[("careers", "c9")] == clusters(engine)[("careers", "c1")]
    assert reason(engine, "careers", "c9") == "repost"


def test_never_linked_across_employers_and_countries(db_url: str) -> None:
    engine = open_database(db_url)
    store(engine, [item("careers", "c1"), item("other", "o1", employer="Geel Transport BV"),
                   item("lux", "l1", employer=None,
                        locations=[{"city": "Luxembourg", "country_code": "LU"}])])
    cluster_ads(engine)
    assert len(set(clusters(engine).values())) == 3


def test_a_run_records_how_many_new_ads_were_copies(db_url: str) -> None:
    engine = open_database(db_url)
    store(engine, [item("careers", "c1")])
    cluster_ads(engine)
    run_id, _lock = start_run(engine, "crawl", ["agency", "board"])
    store(engine, [AGENCY_COPY, item("board", "b1", employer=None),
                   item("board", "b2", title="Boekhouder", description_text=OTHER)],
          run_id=run_id, now=T0 + timedelta(days=1))
    cluster_ads(engine, run_id=run_id)
    with session_factory(engine)() as session:
        assert session.scalar(select(Run.new_copies).where(Run.id == run_id)) == 2


def test_dedup_command(db_url: str, capsys) -> None:
    engine = open_database(db_url)
    store(engine, [item("careers", "c1"), AGENCY_COPY])
    assert main(["dedup", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "2 ad(s) clustered" in out and "1 copy of known ads" in out and "2 ad(s) in 1 cluster(s)" in out
    assert main(["dedup", "--db", db_url, "--rebuild"]) == 0
    assert "2 ad(s) clustered" in capsys.readouterr().out


def test_export_gives_clusters_and_unique_gives_one_row_per_cluster(db_url: str) -> None:
    from jobcrawler.ops.export import iter_jobs, iter_unique

    engine = open_database(db_url)
    store(engine, [item("careers", "c1"), item("careers", "c2", title="Boekhouder", description_text=OTHER)])
    store(engine, [AGENCY_COPY], now=T0 + timedelta(hours=1))
    assert [r["is_canonical"] for r in iter_jobs(engine)] == [None, None, None]  # not clustered yet
    assert len(list(iter_unique(engine))) == 3
    cluster_ads(engine)
    records = {r["source_id"]: r for r in iter_jobs(engine)}
    assert records["a1"]["cluster_id"] == records["c1"]["cluster_id"] != records["c2"]["cluster_id"]
    assert (records["c1"]["is_canonical"], records["a1"]["is_canonical"]) == (True, False)
    unique = {r["source_id"]: r for r in iter_unique(engine)}
    assert set(unique) == {"c1", "c2"}
    assert (unique["c1"]["copies"], unique["c1"]["sources"]) == (2, ["agency", "careers"])
    assert [r["copies"] for r in iter_unique(engine, source="agency")] == [1]  # filters apply first


def test_ads_without_text_or_title_are_clustered_alone(db_url: str) -> None:
    engine = open_database(db_url)
    store(engine, [item("careers", "c1", description_text=None, locations=[]),
                   item("careers", "c2", title="?", description_text="x " * 60000)])
    assert cluster_ads(engine).processed == 2
    assert len(set(clusters(engine).values())) == 2


def test_a_rewrite_joins_no_cluster_through_a_copy_that_lacks_the_figures(db_url: str) -> None:
    """Another client's vacancy rewritten by an agency reads like the half copy of ours on a board
    (the figures cut away) but states other figures than our original: it stays apart."""
    original = ("Kempen Logistics zoekt voor het distributiecentrum in Geel een teamleader magazijn. Je "
                "stuurt een ploeg orderpickers aan, je plant de shiften en je volgt de KPI's op. Je hebt "
                "ervaring in de logistiek en kent SAP EWM. Je overlegt dagelijks met de transportplanning "
                "en de klantendienst. Ploeg van 12 mensen, minstens 3 jaar ervaring, 38 uur per week.")
    other_client = ("Voor onze klant in Geel zoeken wij een teamleader magazijn. Je stuurt een ploeg "
                    "orderpickers aan, je plant de shiften en je volgt de KPI's op. Je hebt ervaring in de "
                    "logistiek en kent SAP EWM. Je overlegt dagelijks met de transportplanning en de "
                    "klantendienst. Ploeg van 25 mensen, minstens 5 jaar ervaring, 40 uur per week. "
                    "Solliciteer via Randstad.")
    engine = open_database(db_url)
    store(engine, [item("careers", "c1", description_text=original),
                   item("board", "b1", employer=None, description_text=original.split(" Ploeg van")[0])])
    store(engine, [item("agency", "a1", employer=None, agency="Randstad", title="Teamleader magazijn (m/v/x)",
                        description_text=other_client)], now=T0 + timedelta(hours=1))
    cluster_ads(engine)
    found = clusters(engine)
    assert found[("careers", "c1")] == found[("board", "b1")]
    assert found[("agency", "a1")] != found[("careers", "c1")]


def test_a_crowded_band_takes_no_more_ads(db_url: str, monkeypatch) -> None:
    """Boilerplate shared by many unrelated ads (here: one text at six employers) fills the same
    LSH bands; beyond MAX_PER_BAND ads a band is neither searched nor stored under."""
    monkeypatch.setattr(store_module, "MAX_PER_BAND", 2)
    engine = open_database(db_url)
    store(engine, [item(f"site{i}", f"x{i}", title=f"Functie {i}", employer=f"Werkgever {i} NV",
                        locations=[{"city": city, "country_code": "BE"}])
                   for i, city in enumerate(("Geel", "Mol", "Lier", "Aalst", "Gent", "Ieper"))])
    cluster_ads(engine)
    with session_factory(engine)() as session:
        largest = session.scalar(select(func.count()).select_from(DedupKey).group_by(DedupKey.key)
                                 .order_by(func.count().desc()).limit(1))
    assert largest == 3  # two, then the third that found it crowded; not six


def test_the_latest_views_stay_cached(db_url: str, monkeypatch) -> None:
    """The cache of candidate views is bounded: past CACHE_LIMIT the oldest go, the latest stay
    (a repost or copy is most often of a recent ad)."""
    monkeypatch.setattr(store_module, "CACHE_LIMIT", 4)
    engine = open_database(db_url)
    store(engine, [item("careers", f"c{i}", title=f"Functie {i}", description_text=f"Tekst {i}.")
                   for i in range(9)])
    with session_factory(engine)() as session:
        ids = sorted(session.scalars(select(Job.id)))
    matcher = None
    for chunk in (ids[:3], ids[3:6], ids[6:]):
        with session_factory(engine).begin() as session:
            matcher = matcher or store_module._Matcher(session, store_module.DedupResult())
            matcher.session = session
            matcher.run_chunk(chunk)
    assert len(matcher.cache) <= 4 + 3
    assert set(ids[4:]) <= matcher.cache.keys()  # half the limit kept from before the last chunk
    assert not set(ids[:4]) & matcher.cache.keys()


def test_stored_views_are_the_fresh_ones(db_url: str) -> None:
    """The views read back for candidates (driver's cursor: SQLite text or psycopg types) compare
    as the ones computed from the ad."""
    engine = open_database(db_url)
    store(engine, [item("careers", "c1", reference="KL-2025-17",
                        apply_url="https://kempen.test/jobs/4471/apply"), AGENCY_COPY])
    with session_factory(engine).begin() as session:  # one closed ad: its closing day is read too
        session.execute(update(Job).where(Job.source_id == "a1")
                        .values(status="closed", closed_at=T0 + timedelta(days=3)))
    cluster_ads(engine)
    with session_factory(engine)() as session:
        rows = session.execute(select(*store_module._job_columns())).all()
        fresh = {ad.id: ad for ad in store_module._fresh_views(rows)}
        stored = store_module._load_views(session, fresh)
    assert set(stored) == set(fresh)
    for job_id, ad in fresh.items():
        again = stored[job_id]
        for name in ("source", "employer", "agency", "title", "talent_pool", "country", "province",
                     "city", "contract", "day", "closed_day", "isco", "reference", "urls", "n_shingles",
                     "n_stems", "numbers", "language", "cluster_id"):
            assert getattr(again, name) == getattr(ad, name), name
        assert np.array_equal(again.shingles, ad.shingles) and np.array_equal(again.stems, ad.stems)
    assert {ad.closed_day for ad in stored.values()} == {None, (T0 + timedelta(days=3)).date()}
    with session_factory(engine)() as session:  # rows the driver wrote read back through the ORM
        written = {row.job_id: (row.url_keys, row.numbers, row.talent_pool, row.shingles)
                   for row in session.scalars(select(DedupAd))}
    assert written == {i: (list(ad.urls), sorted(ad.numbers), ad.talent_pool, ad.shingles.tobytes())
                       for i, ad in fresh.items()}


@pytest.mark.parametrize("value", [
    "[]", '["7"]', '["32", "404", "5400"]', '[""]', '["", ""]', '["a,b", "c d"]',
    '["a","b"]', '["a",  "b"]', '[ "a" ]', '["caf\\u00e9", "x"]', '["a\\"b"]', '["a\\\\"]',
    "null", '["x/1", 2]', b'["a", "b"]', ["already", "decoded"], None,
])
def test_stored_string_lists_read_as_json(value):
    """url_keys and numbers are split directly when json.dumps wrote them plainly: the same lists."""
    expected = store_module._json(value) or []
    assert store_module._strings(value) == expected
    assert store_module._strings(json.dumps(expected)) == expected


@pytest.mark.parametrize("enabled", [True, False])
def test_automatic_collection_is_off_while_matching_and_as_it_was_after(db_url: str, monkeypatch,
                                                                        enabled: bool) -> None:
    import gc

    engine = open_database(db_url)
    store(engine, [item("careers", "c1"), AGENCY_COPY])
    seen, chunks = [], []
    run_chunk = store_module._Matcher.run_chunk

    def watched(self, ids):
        seen.append(gc.isenabled())
        return run_chunk(self, ids)

    monkeypatch.setattr(store_module._Matcher, "run_chunk", watched)
    monkeypatch.setattr(store_module, "_collect_chunk", lambda: chunks.append(gc.isenabled()))
    (gc.enable if enabled else gc.disable)()
    try:
        cluster_ads(engine, chunk_size=1)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
    assert seen == [False, False] and chunks == [False, False]  # each chunk's cycles collected after it
