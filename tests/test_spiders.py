"""Spider callbacks on saved fixture responses, and the replay storage itself (in-process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from jobcrawler.items import JobPosting
from jobcrawler.replay import FixtureStorage, ReplayAddon, request_key
from jobcrawler.spiders.talentbrew import TalentBrewSpider
from jobcrawler.spiders.vivid import VividResourcingSpider
from tests.conftest import FIXTURES, ROOT

ADECCO = "https://careers.adeccogroup.com"
VIVID = "https://www.vividresourcing.com"


def make_spider(cls, **kwargs):
    crawler = get_crawler(cls, {"JOBCRAWLER_FIXTURES_DIR": str(FIXTURES),
                               "JOBCRAWLER_SITES": str(ROOT / "sites.toml")})
    crawler.spider = cls.from_crawler(crawler, **kwargs)
    crawler.stats.open_spider()
    return crawler.spider


def fixture_response(spider, url: str):
    storage = FixtureStorage(Settings({"JOBCRAWLER_FIXTURES_DIR": str(FIXTURES)}))
    storage.open_spider(spider)
    response = storage.retrieve_response(spider, Request(url))
    assert response is not None, url
    return response


def test_talentbrew_job_page_gives_raw_fields():
    spider = make_spider(TalentBrewSpider, site="adecco", base_url=ADECCO,
                         employer="The Adecco Group")
    url = (f"{ADECCO}/en/job/groot-bijgaarden/head-of-infrastructure-and-operations-belgium-"
           "and-luxembourg/22630/88000000001")
    item = spider.parse_job(fixture_response(spider, url))
    assert isinstance(item, JobPosting)
    assert item.source == "adecco" and item.source_id == "88000000001"
    assert item.reference == "NE03221"
    assert item.date_posted_raw == "2025-12-9"
    assert item.location_raw == ["Groot-Bijgaarden, Flanders, Belgium"]
    assert item.address_raw == [{"addressLocality": "Groot-Bijgaarden",
                                 "addressRegion": "Flanders", "addressCountry": "Belgium"}]
    assert item.employer == "The Adecco Group"
    assert "fluency in English, Dutch, and French" in item.description_html


def test_talentbrew_reads_apply_url_and_commented_json_ld():
    spider = make_spider(TalentBrewSpider, site="adecco", base_url=ADECCO)
    item = spider.parse_job(fixture_response(
        spider, f"{ADECCO}/en/job/luxembourg/consultant-recrutement-it/22630/88000000002"))
    # this page's JSON-LD has a trailing comma: chompjs reads it
    assert item.title == "Consultant(e) en recrutement IT"
    assert item.apply_url.startswith("https://adecco.wd3.myworkdayjobs.com/")
    assert item.employment_type_raw == "Full-Time"


def test_talentbrew_broken_page_is_a_counted_drop():
    spider = make_spider(TalentBrewSpider, site="adecco", base_url=ADECCO)
    result = spider.parse_job(fixture_response(
        spider, f"{ADECCO}/en/job/antwerpen/account-manager/22630/88000000004"))
    assert result is None
    assert spider.crawler.stats.get_value("jobcrawler/dropped/no_job_content") == 1


def test_talentbrew_sitemap_selects_job_pages_only():
    spider = make_spider(TalentBrewSpider, site="adecco", base_url=ADECCO)
    assert spider.start_url == f"{ADECCO}/sitemap.xml" and spider.sitemap_mode
    response = fixture_response(spider, f"{ADECCO}/en/sitemap.xml")
    assert response.body.startswith(b"\xef\xbb\xbf")  # served with a BOM
    requests = list(spider.parse_sitemap(response))
    assert len(requests) == 5
    assert all("/job/" in r.url for r in requests)


def test_vivid_labelled_lines_page():
    """Without JSON-LD the page gives its description and a title from its "Job title:" line; the
    other lines are the ExtractPipeline's (tests/test_extract.py)."""
    spider = make_spider(VividResourcingSpider, site="vivid", base_url=VIVID)
    url = f"{VIVID}/job/it-infrastructure-manager-east-flanders-belgium-freelance-9-months/"
    item = spider.parse_job(fixture_response(spider, url))
    assert item.agency == "Vivid Resourcing" and item.employer is None
    assert item.source_id == "it-infrastructure-manager-east-flanders-belgium-freelance-9-months"
    assert item.title == "IT Infrastructure Manager"
    assert "Contract type: Freelance 9 months+" in item.description_html
    assert (item.industry, item.contract_raw, item.location_raw) == (None, None, [])  # not a spider's work


def test_vivid_json_ld_page_in_a_graph_with_escaped_html():
    spider = make_spider(VividResourcingSpider, site="vivid", base_url=VIVID)
    item = spider.parse_job(fixture_response(spider, f"{VIVID}/job/sap-basis-consultant-brussels/"))
    assert item.title == "SAP Basis Consultant"
    assert item.employer == "Vivid Resourcing"  # the JSON-LD's hiring organisation, as it says
    assert item.reference == "VR-48213"
    assert item.salary_structured == {"currency": "EUR", "min": 650, "max": 750, "period": "DAY"}


def test_vivid_listing_pagination_stops_on_a_self_link():
    spider = make_spider(VividResourcingSpider, site="vivid", base_url=VIVID)
    page1 = list(spider.parse_listing(fixture_response(spider, f"{VIVID}/jobs/"), page=1))
    assert [r.url for r in page1][-1] == f"{VIVID}/jobs/page/2/"
    assert len(page1) == 3
    page2 = list(spider.parse_listing(fixture_response(spider, f"{VIVID}/jobs/page/2/"), page=2))
    # page 2 links to itself as "next": the request is made, and Scrapy's dupefilter drops it
    assert page2[-1].url == f"{VIVID}/jobs/page/2/" and not page2[-1].dont_filter


def test_listing_stops_at_max_pages():
    spider = make_spider(VividResourcingSpider, site="vivid", base_url=VIVID)
    page = list(spider.parse_listing(fixture_response(spider, f"{VIVID}/jobs/"),
                                     page=spider.max_pages))
    assert all("/jobs/page" not in r.url for r in page)
    assert spider.crawler.stats.get_value("jobcrawler/errors/listing_max_pages") == 1


def test_spider_needs_a_base_url():
    with pytest.raises(ValueError, match="base_url"):
        make_spider(TalentBrewSpider)


def test_site_argument_reads_the_registry():
    spider = make_spider(TalentBrewSpider, site="adecco")
    assert spider.base_url == ADECCO and spider.countries == ["BE", "LU"]
    assert spider.allowed_domains == ["careers.adeccogroup.com"]


# --- the replay storage ------------------------------------------------------------------------

def test_missing_fixture_is_none(tmp_path: Path):
    spider = make_spider(VividResourcingSpider, site="vivid", base_url=VIVID)
    storage = FixtureStorage(Settings({"JOBCRAWLER_FIXTURES_DIR": str(FIXTURES)}))
    storage.open_spider(spider)
    assert storage.retrieve_response(spider, Request(f"{VIVID}/nothing-here")) is None


def test_record_mode_writes_readable_fixtures(tmp_path: Path):
    spider = make_spider(VividResourcingSpider, site="vivid", base_url=VIVID)
    settings = Settings({"JOBCRAWLER_FIXTURES_DIR": str(tmp_path), "JOBCRAWLER_RECORD": True})
    storage = FixtureStorage(settings)
    storage.open_spider(spider)
    request = Request(f"{VIVID}/jobs/?page=3")
    response = HtmlResponse(request.url, body=b"<html><h1>Jobs</h1></html>", request=request,
                            headers={"Content-Type": "text/html", "Set-Cookie": "secret=1"})
    assert storage.retrieve_response(spider, request) is None  # recording always fetches
    storage.store_response(spider, request, response)
    storage.close_spider(spider)
    [entry] = json.loads((tmp_path / "vivid" / "responses.json").read_text())
    assert entry["url"] == request.url and entry["status"] == 200
    assert "Set-Cookie" not in entry["headers"]
    assert (tmp_path / "vivid" / entry["body"]).read_bytes() == response.body
    # and the recording replays
    replay = FixtureStorage(Settings({"JOBCRAWLER_FIXTURES_DIR": str(tmp_path)}))
    replay.open_spider(spider)
    replayed = replay.retrieve_response(spider, Request(f"{VIVID}/jobs/?page=3"))
    assert replayed.css("h1::text").get() == "Jobs"


def test_request_key_is_canonical():
    assert request_key("get", "https://x.test/a?b=2&a=1#frag") == request_key(
        "GET", "https://x.test/a?a=1&b=2")
    assert request_key("POST", "https://x.test/", b"{}") != request_key("POST", "https://x.test/")


def test_addon_switches_on_the_cache_only_in_replay_or_record():
    settings = Settings({"JOBCRAWLER_REPLAY": True})
    ReplayAddon().update_settings(settings)
    assert settings.getbool("HTTPCACHE_ENABLED") and settings.getbool("HTTPCACHE_IGNORE_MISSING")
    assert settings["HTTPCACHE_STORAGE"] == "jobcrawler.replay.FixtureStorage"
    plain = Settings()
    ReplayAddon().update_settings(plain)
    assert not plain.getbool("HTTPCACHE_ENABLED")
