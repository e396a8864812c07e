"""The pipeline chain: validate -> normalise -> scope -> store, with counted drops and spooling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from jobcrawler.extensions import SiteLifecycle
from jobcrawler.items import JobPosting
from jobcrawler.pipelines import NormalizePipeline, ScopePipeline, StorePipeline, ValidatePipeline
from jobcrawler.spiders.talentbrew import TalentBrewSpider
from jobcrawler.storage.db import open_database, session_factory
from jobcrawler.storage.models import Job, RunSite


def crawler_for(db_url: str, tmp_path: Path, **spider_kwargs):
    crawler = get_crawler(TalentBrewSpider, {"JOBCRAWLER_DB_URL": db_url,
                                             "JOBCRAWLER_SPOOL_DIR": str(tmp_path / "spool"),
                                             "JOBCRAWLER_STORE_BATCH_SIZE": 2,
                                             "EXTENSIONS": {SiteLifecycle: 0}})
    crawler.spider = TalentBrewSpider.from_crawler(
        crawler, site="acme", base_url="https://acme.test", **spider_kwargs)
    crawler.stats.open_spider()
    crawler.get_extension(SiteLifecycle).source = "acme"
    return crawler


def raw_item(n: int, **extra) -> JobPosting:
    return JobPosting(source="acme", source_id=str(n), url=f"https://acme.test/job/{n}",
                      title=f"  Java   developer {n} ", location_raw=["Gent, Belgium"],
                      date_posted_raw="09-12-2025", contract_raw="CDI",
                      description_html="<p>Vous parlez couramment le français.</p>"
                                       "<script>alert(1)</script>",
                      crawled_at="2025-12-20T08:00:00+00:00", **extra)


def chain(crawler):
    return [cls.from_crawler(crawler) for cls in (ValidatePipeline, NormalizePipeline,
                                                  ScopePipeline, StorePipeline)]


def test_chain_stores_normalised_items(sqlite_url: str, tmp_path: Path) -> None:
    crawler = crawler_for(sqlite_url, tmp_path)
    pipes = chain(crawler)
    for n in range(3):
        item = raw_item(n)
        for pipe in pipes:
            item = pipe.process_item(item)
    assert item.title == "Java developer 2"
    assert item.date_posted == "2025-12-09" and item.contract_type == "permanent"
    assert "<script>" not in item.description_html
    pipes[-1].close_spider()
    stats = crawler.stats.get_stats()
    assert stats["jobcrawler/store/seen"] == 3 and stats["jobcrawler/store/new"] == 3
    engine = open_database(sqlite_url)
    with session_factory(engine)() as session:
        jobs = list(session.scalars(select(Job)))
        assert {j.city for j in jobs} == {"Gent"}
        assert session.scalar(select(RunSite.source)) == "acme"


@pytest.mark.parametrize("missing", ["source_id", "url", "title"])
def test_validate_drops_with_a_reason_and_a_counter(sqlite_url, tmp_path, missing) -> None:
    crawler = crawler_for(sqlite_url, tmp_path)
    item = raw_item(1)
    setattr(item, missing, "   ")
    with pytest.raises(DropItem, match=f"missing_{missing}"):
        ValidatePipeline.from_crawler(crawler).process_item(item)
    assert crawler.stats.get_value(f"jobcrawler/dropped/missing_{missing}") == 1


def test_garbage_in_optional_fields_is_nulled_and_raw_kept(sqlite_url, tmp_path) -> None:
    crawler = crawler_for(sqlite_url, tmp_path)
    item = raw_item(1, salary_raw="\x00\x01 lots of money", start_date_raw=["not", "a", "string"])
    item.date_posted_raw = "the 45th of Smarch"
    item = NormalizePipeline.from_crawler(crawler).process_item(item)
    assert item.date_posted is None and item.salary is None and item.start_date is None
    assert item.date_posted_raw == "the 45th of Smarch"


def test_scope_keeps_configured_countries(sqlite_url, tmp_path) -> None:
    crawler = crawler_for(sqlite_url, tmp_path, countries="BE,LU")
    scope = ScopePipeline.from_crawler(crawler)
    be = NormalizePipeline.from_crawler(crawler).process_item(raw_item(1))
    assert scope.process_item(be) is be
    bg = raw_item(2)
    bg.location_raw = ["Sofia, Bulgaria"]
    bg = NormalizePipeline.from_crawler(crawler).process_item(bg)
    with pytest.raises(DropItem, match="out of scope"):
        scope.process_item(bg)
    assert crawler.stats.get_value("jobcrawler/filtered/out_of_scope") == 1


def test_database_down_spools_items(tmp_path: Path) -> None:
    url = "postgresql+psycopg://jc:secret@127.0.0.1:1/nowhere"
    crawler = crawler_for(url, tmp_path)
    store = StorePipeline.from_crawler(crawler)
    for n in range(3):
        store.process_item(NormalizePipeline.from_crawler(crawler).process_item(raw_item(n)))
    store.close_spider()
    assert crawler.stats.get_value("jobcrawler/store/failed") == 3
    [spool] = (tmp_path / "spool").glob("*.jsonl")
    lines = [json.loads(line) for line in spool.read_text().splitlines()]
    assert [line["source_id"] for line in lines] == ["0", "1", "2"]
    assert lines[0]["date_posted"] == "2025-12-09"


def test_lone_surrogates_are_replaced_before_they_reach_the_database(db_url, tmp_path) -> None:
    # json.loads accepts "\ud800": an API or JSON-LD block can hand us text no database can encode.
    crawler = crawler_for(db_url, tmp_path)
    pipes = chain(crawler)
    item = raw_item(1, salary_raw="\ud800 3.000 EUR", address_raw=[{"addressLocality": "Gent\udfff"}])
    item.title = "Java \ud83d developer"
    item.description_html = "<p>Vous parlez couramment le français.\udc00</p>"
    for pipe in pipes:
        item = pipe.process_item(item)
    pipes[-1].close_spider()
    assert crawler.stats.get_value("jobcrawler/store/new") == 1
    with session_factory(open_database(db_url))() as session:
        job = session.scalars(select(Job)).one()
        assert job.title == "Java \ufffd developer"
        assert job.salary_raw == "\ufffd 3.000 EUR"
        assert job.description_text == "Vous parlez couramment le français.\ufffd"


def test_a_spool_that_cannot_be_written_counts_the_items_as_lost(tmp_path: Path, caplog) -> None:
    """Disk full: the log must not say the items were spooled; they are counted as lost."""
    crawler = crawler_for("postgresql+psycopg://jc:secret@127.0.0.1:1/nowhere", tmp_path)
    store = StorePipeline.from_crawler(crawler)
    store.spool_path = Path("/dev/full")  # every write: ENOSPC
    for n in range(3):
        store.process_item(NormalizePipeline.from_crawler(crawler).process_item(raw_item(n)))
    store.close_spider()
    assert crawler.stats.get_value("jobcrawler/store/lost") == 3
    assert caplog.text.count("item(s) LOST: neither stored nor spooled") == 2  # 2 + 1 items
    assert "were spooled to" not in caplog.text


def test_an_unwritable_spool_folder_stops_the_crawl_before_it_starts(tmp_path: Path) -> None:
    from scrapy.exceptions import CloseSpider

    blocker = tmp_path / "spool"
    blocker.write_text("a file where the spool folder should be")
    crawler = crawler_for(f"sqlite:///{tmp_path / 'x.db'}", tmp_path)
    with pytest.raises(CloseSpider) as raised:
        StorePipeline.from_crawler(crawler).open_spider()
    assert raised.value.reason == "spool_not_writable"
    fine = crawler_for(f"sqlite:///{tmp_path / 'x.db'}", tmp_path / "elsewhere")
    StorePipeline.from_crawler(fine).open_spider()
