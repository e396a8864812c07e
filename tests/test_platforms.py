"""Platform spiders: the error cases of every list endpoint, and the field mappings, in-process."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from scrapy.http import TextResponse

from jobcrawler.extract import platforms
from jobcrawler.items import JobPosting
from jobcrawler.signals import AD_META
from jobcrawler.spiders.platforms import (
    AshbySpider,
    EuresSpider,
    GreenhouseSpider,
    LeverSpider,
    RecruiteeSpider,
    SmartRecruitersSpider,
    WorkdaySpider,
)
from tests.test_spiders import make_spider

SPIDERS = {
    "greenhouse": (GreenhouseSpider, {"board": "acme"}, {"jobs": []}),
    "lever": (LeverSpider, {"company": "acme"}, []),
    "recruitee": (RecruiteeSpider, {"company": "acme"}, {"offers": []}),
    "ashby": (AshbySpider, {"board": "acme"}, {"jobs": []}),
    "smartrecruiters": (SmartRecruitersSpider, {"company": "acme"},
                        {"offset": 0, "limit": 100, "totalFound": 0, "content": []}),
    "workday": (WorkdaySpider, {"base_url": "https://acme.wd3.myworkdayjobs.com", "tenant": "acme",
                                "career_site": "External"}, {"total": 0, "jobPostings": []}),
    "eures": (EuresSpider, {"location_codes": "be"}, {"numberRecords": 0, "jvs": []}),
}


def spider_and_response(platform: str, status: int = 200, body: bytes | str = b""):
    cls, kwargs, _ = SPIDERS[platform]
    spider = make_spider(cls, site=f"test-{platform}", **kwargs)
    request = spider.list_request(0)
    if isinstance(body, str):
        body = body.encode()
    response = TextResponse(request.url, status=status, body=body, request=request,
                            headers={"Content-Type": "application/json"})
    return spider, response


def stats(spider) -> dict:
    return spider.crawler.stats.get_stats()


@pytest.mark.parametrize("platform", SPIDERS)
def test_empty_board_gives_nothing_and_no_error(platform):
    empty = SPIDERS[platform][2]
    spider, response = spider_and_response(platform, body=json.dumps(empty))
    assert list(spider.parse_list(response, offset=0)) == []
    assert not any(k.startswith("jobcrawler/errors/") for k in stats(spider))


@pytest.mark.parametrize("status", [404, 410])
@pytest.mark.parametrize("platform", SPIDERS)
def test_board_gone_is_reported(platform, status):
    spider, response = spider_and_response(platform, status=status, body='{"message": "not found"}')
    assert list(spider.parse_list(response, offset=0)) == []
    assert stats(spider)["jobcrawler/errors/board_not_found"] == 1


@pytest.mark.parametrize("body", ['{"jobs": [', "<html>Maintenance</html>", ""])
@pytest.mark.parametrize("platform", SPIDERS)
def test_malformed_response_is_reported(platform, body):
    spider, response = spider_and_response(platform, body=body)
    assert list(spider.parse_list(response, offset=0)) == []
    assert stats(spider)["jobcrawler/errors/malformed_response"] == 1


@pytest.mark.parametrize("platform", SPIDERS)
def test_unexpected_shape_is_reported(platform):
    spider, response = spider_and_response(platform, body='{"error": "rate limited"}' if platform != "lever"
                                           else '{"ok": false, "error": "Document not found"}')
    assert list(spider.parse_list(response, offset=0)) == []
    assert stats(spider)["jobcrawler/errors/unexpected_shape"] == 1


@pytest.mark.parametrize("platform", ["greenhouse", "lever", "recruitee", "ashby"])
def test_postings_without_id_or_title_are_counted_drops(platform):
    spider, response = spider_and_response(platform)
    key = {"greenhouse": "jobs", "recruitee": "offers", "ashby": "jobs"}.get(platform)
    postings = [{"id": 1}, "not an object", {"title": "no id"}]
    body = json.dumps({key: postings} if key else postings)
    response = response.replace(body=body.encode())
    assert list(spider.parse_list(response, offset=0)) == []
    assert stats(spider)["jobcrawler/dropped/malformed_posting"] == 3


def test_lever_pages_until_a_short_page():
    spider, response = spider_and_response("lever")
    spider.page_size = 2
    page = [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]
    results = list(spider.parse_list(response.replace(body=json.dumps(page).encode()), offset=0))
    assert [type(r).__name__ for r in results] == ["JobPosting", "JobPosting", "Request"]
    assert "skip=2&limit=2" in results[-1].url
    short = list(spider.parse_list(response.replace(body=b'[{"id": "c", "text": "C"}]'), offset=2))
    assert len(short) == 1


def test_workday_reports_truncation_at_the_cap_and_pages_within_it():
    spider, response = spider_and_response("workday")
    postings = [{"title": f"T{i}", "externalPath": f"/job/X/T_{i}"} for i in range(20)]
    body = json.dumps({"total": 2000, "jobPostings": postings}).encode()
    results = list(spider.parse_list(response.replace(body=body), offset=0))
    assert stats(spider)["jobcrawler/errors/listing_truncated"] == 1
    assert sum(1 for r in results if r.method == "POST") == 1  # the next page
    assert json.loads(results[-1].body)["offset"] == 20


def test_workday_detail_refused_is_reported_not_stored():
    spider, _ = spider_and_response("workday")
    detail_url = f"{spider.cxs}/job/X/T_1"
    response = TextResponse(detail_url, status=403, body=b"Forbidden")
    assert list(spider.parse_detail(response, summary={"title": "T"})) == []
    assert stats(spider)["jobcrawler/errors/detail_refused"] == 1


def test_smartrecruiters_detail_missing_keeps_the_list_data():
    spider, _ = spider_and_response("smartrecruiters")
    posting = {"id": "9", "name": "Verpleegkundige", "releasedDate": "2025-12-01T08:00:00Z",
               "location": {"city": "Brugge", "country": "be"},
               "company": {"identifier": "acme", "name": "Acme"}}
    response = TextResponse("https://api.smartrecruiters.com/v1/companies/acme/postings/9",
                            status=404, body=b"{}")
    [item] = list(spider.parse_detail(response, posting=posting))
    assert isinstance(item, JobPosting)
    assert item.address_raw == [{"addressLocality": "Brugge", "addressCountry": "BE"}]
    assert stats(spider)["jobcrawler/detail_missing"] == 1


@pytest.mark.parametrize(("released", "changed_at"), [
    ("2025-12-01T08:00:00.000Z", "2025-12-01T08:00:00+00:00"),
    ("2025-12-01T09:00:00+01:00", "2025-12-01T08:00:00+00:00"),  # the same moment
    ("2025-12-01T08:00:00", "2025-12-01T08:00:00+00:00"),  # UTC unless it says otherwise
    ("2025-12-01", "2025-12-01T23:59:59+00:00"),  # a day: changed that day, so its last second
    ("yesterday", None), (None, None), (20251201, None),
])
def test_smartrecruiters_release_date_is_the_change_the_incremental_crawl_compares(
        released, changed_at):
    """The incremental middleware does not fetch a known ad again whose release date is not newer
    than our last fetch: the spider reads that date itself (``changed_time``), no normaliser."""
    spider, _ = spider_and_response("smartrecruiters")
    response = TextResponse("https://api.smartrecruiters.com/v1/companies/acme/postings", body=b"{}")
    [request] = list(spider.posting_results({"id": "9", "releasedDate": released}, response))
    found = request.meta[AD_META]["changed_at"]
    assert (found and datetime.fromisoformat(found)) == (changed_at and datetime.fromisoformat(changed_at))


def test_spiders_need_their_keys():
    with pytest.raises(ValueError, match="board"):
        make_spider(GreenhouseSpider)
    with pytest.raises(ValueError, match="tenant"):
        make_spider(WorkdaySpider, base_url="https://x.wd1.myworkdayjobs.com")


# --- mappings: wrong types never raise, structured values land in the structured fields -----

GARBAGE = [{}, {"id": None}, {"id": 1, "title": 5}, {"id": 1, "text": ["x"]},
           {"id": 1, "title": "T", "locations": "Gent", "offices": "x", "categories": [1],
            "salary": "lots", "lists": {"a": 1}, "compensation": [], "location": 3}]


@pytest.mark.parametrize("data", GARBAGE)
@pytest.mark.parametrize("mapping", [platforms.greenhouse, platforms.lever, platforms.recruitee,
                                     platforms.ashby])
def test_mappings_survive_wrong_types(mapping, data):
    result = mapping(data)
    assert isinstance(result, dict)


def test_recruitee_structured_values():
    fields = platforms.recruitee({
        "id": 1, "title": "Boekhouder", "employment_type_code": "fulltime_permanent",
        "hybrid": True, "remote": False, "max_hours_per_week": "38",
        "salary": {"min": "3000", "max": "3600", "period": "month", "currency": "EUR"},
        "locations": [{"city": "Gent", "country_code": "BE", "postal_code": "9000"}]})
    assert fields["employment_type_raw"] == "fulltime permanent"
    assert fields["remote_raw"] == "hybrid" and fields["hours_raw"] == "38 hours per week"
    assert fields["salary_structured"]["min"] == "3000"
    assert fields["address_raw"] == [{"addressLocality": "Gent", "postalCode": "9000",
                                      "addressCountry": "BE"}]


def test_lever_keeps_lists_and_reads_salary_range():
    fields = platforms.lever({
        "id": "x", "text": "Dev", "description": "<p>Intro</p>",
        "lists": [{"text": "Profile", "content": "<li>Fluent Dutch</li>"}],
        "salaryRange": {"min": 50000, "max": 60000, "currency": "EUR", "interval": "per-year-salary"}})
    assert "<h3>Profile</h3><ul><li>Fluent Dutch</li></ul>" in fields["description_html"]
    assert fields["salary_structured"]["period"] == "year"


# --- the generic JSON-LD spider -----------------------------------------------------------------

def test_jsonld_spider_modes():
    from jobcrawler.spiders.jsonld import JobtoolzSpider, JsonLdSpider

    robots = make_spider(JsonLdSpider, site="t", url="https://www.example.be/robots.txt")
    assert robots.sitemap_mode and robots.base_url == "https://www.example.be"
    listing = make_spider(JsonLdSpider, site="t", url="https://www.example.be/jobs",
                          link_pattern="/job/")
    assert not listing.sitemap_mode
    jobtoolz = make_spider(JobtoolzSpider, site="t", company="acme", language="fr")
    assert jobtoolz.start_url == "https://acme.jobtoolz.com/fr"
    assert jobtoolz.link_pattern.search("https://acme.jobtoolz.com/fr/comptable-1")


def test_listing_finds_links_in_anchors_and_embedded_json_on_its_own_host_only():
    from jobcrawler.spiders.jsonld import JsonLdSpider

    spider = make_spider(JsonLdSpider, site="t", url="https://jobs.example.be/list",
                         link_pattern="/job/")
    body = (b'<a href="/job/1">1</a><a href="https://evil.example.com/job/2">x</a>'
            b'<script>var s={"u":"https:\\/\\/jobs.example.be\\/job\\/3"}</script>'
            b'<a rel="next" href="/list?page=2">next</a>')
    response = TextResponse("https://jobs.example.be/list", body=body,
                            headers={"Content-Type": "text/html"})
    urls = [r.url for r in spider.parse_listing(response, page=1)]
    assert urls == ["https://jobs.example.be/job/1", "https://jobs.example.be/job/3",
                    "https://jobs.example.be/list?page=2"]


def test_microdata_posting_is_read_when_there_is_no_json_ld():
    from parsel import Selector

    from jobcrawler.extract.jsonld import microdata_postings

    html = ('<div itemscope itemtype="http://schema.org/JobPosting"><h1 itemprop="title">Kok</h1>'
            '<time itemprop="datePosted" datetime="2025-12-01">1 dec</time>'
            '<div itemprop="description"><p>Vast contract</p></div>'
            '<span itemprop="jobLocation" itemscope><span itemprop="addressLocality">Gent</span>'
            '</span></div>')
    [posting] = microdata_postings(Selector(text=html))
    assert posting["title"] == "Kok" and posting["datePosted"] == "2025-12-01"
    assert posting["jobLocation"]["address"]["addressLocality"] == "Gent"
    assert "<p>Vast contract</p>" in posting["description"]


def test_teamtailor_and_personio_mappings():
    tt = platforms.teamtailor({"title": "Kok", "link": "https://x.be/jobs/1-kok", "guid": "g1",
                               "remoteStatus": "fully",
                               "locations": [{"city": "Gent", "country": "Belgium"},
                                             {"name": "HQ"}]})
    assert tt["location_raw"] == ["Gent, Belgium", "HQ"] and tt["remote_raw"] == "remote"
    pe = platforms.personio({"id": "7", "name": "Kok", "office": "Gent",
                             "additionalOffices": ["Brugge"], "employmentType": "permanent",
                             "schedule": "full-time",
                             "jobDescriptions": [{"name": "Taken", "value": "<p>Koken</p>"}]},
                            "https://acme.jobs.personio.de")
    assert pe["url"] == "https://acme.jobs.personio.de/job/7"
    assert pe["location_raw"] == ["Gent", "Brugge"]
    assert pe["description_html"] == "<h3>Taken</h3><p>Koken</p>"


# --- XML feeds and HTML sites: the same error cases ---------------------------------------------

def xml_spider(platform: str):
    from jobcrawler.spiders.feeds import PersonioSpider, TeamtailorSpider

    cls = {"personio": PersonioSpider, "teamtailor": TeamtailorSpider}[platform]
    return make_spider(cls, site=f"test-{platform}", company="acme")


@pytest.mark.parametrize(("platform", "body", "outcome"), [
    ("personio", '<?xml version="1.0"?><workzag-jobs></workzag-jobs>', None),
    ("teamtailor", '<rss version="2.0"><channel><title>x</title></channel></rss>', None),
    ("personio", '{"jobs": [', "malformed_response"),
    ("teamtailor", "", "malformed_response"),
    ("personio", "<html><body>Maintenance</body></html>", "unexpected_shape"),
    ("teamtailor", "<html><body>Maintenance</body></html>", "unexpected_shape"),
    ("teamtailor", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;'
                   '&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><item><title>&b;&b;&b;</title><guid>1'
                   "</guid></item></channel></rss>", "no expansion"),
])
def test_xml_feed_outcomes(platform, body, outcome):
    spider = xml_spider(platform)
    request = spider.list_request(0)
    response = TextResponse(request.url, body=body.encode(), request=request,
                            headers={"Content-Type": "application/xml"})
    results = list(spider.parse_list(response, offset=0))
    errors = {k.rsplit("/", 1)[-1] for k in stats(spider) if k.startswith("jobcrawler/errors/")}
    if outcome == "no expansion":  # a feed declaring entities is refused, never expanded
        assert results == [] and errors == {"malformed_response"}
    elif outcome is None:
        assert results == [] and not errors
    else:
        assert results == [] and errors == {outcome}


def test_personio_falls_back_to_json_then_reports_a_gone_board():
    spider = xml_spider("personio")
    request = spider.list_request(0)
    gone = TextResponse(request.url, status=404, body=b"", request=request)
    [fallback] = list(spider.parse_list(gone, offset=0))
    assert fallback.url == "https://acme.jobs.personio.de/search.json"
    listing = TextResponse(fallback.url, body=b'[{"id": 5, "name": "Kok", "office": "Gent"}]')
    [item] = list(spider.parse_json_fallback(listing))
    assert item.source_id == "5" and item.location_raw == ["Gent"]
    missing = TextResponse(fallback.url, status=404, body=b"")
    assert list(spider.parse_json_fallback(missing)) == []
    assert stats(spider)["jobcrawler/errors/board_not_found"] == 1


@pytest.mark.parametrize("mode", ["sitemap", "listing"])
def test_gone_start_url_is_reported_for_html_sites(mode):
    from jobcrawler.spiders.jsonld import JsonLdSpider
    from jobcrawler.spiders.vivid import VividResourcingSpider

    if mode == "sitemap":
        spider = make_spider(JsonLdSpider, site="t", url="https://x.be/sitemap.xml")
        response = TextResponse("https://x.be/sitemap.xml", status=404, body=b"")
        assert list(spider.parse_sitemap(response)) == []
        not_xml = TextResponse("https://x.be/sitemap.xml", body=b"<html>oops</html>")
        assert list(spider.parse_sitemap(not_xml)) == []
        assert stats(spider)["jobcrawler/errors/malformed_response"] == 1
    else:
        spider = make_spider(VividResourcingSpider, site="t", base_url="https://x.be")
        response = TextResponse("https://x.be/jobs/", status=410, body=b"")
        assert list(spider.parse_listing(response, page=1)) == []
    assert stats(spider)["jobcrawler/errors/board_not_found"] == 1


@pytest.mark.parametrize("entity", ['<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">',
                                    '<!ENTITY b SYSTEM "file:///etc/hostname">'])
def test_sitemaps_never_expand_entities(entity):
    from scrapy.utils.sitemap import Sitemap

    body = (f'<?xml version="1.0"?><!DOCTYPE r [{entity}]><urlset '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.be/&b;</loc>'
            "</url></urlset>").encode()
    assert [u["loc"] for u in Sitemap(body)] == ["https://x.be/"]


# --- EURES: a saved search page (synthetic ads in the real response shape, fixtures/demo-eures) --
def _eures_items(body: bytes, **kwargs):
    from jobcrawler.normalize import normalize_item
    from jobcrawler.spiders.platforms import EuresSpider

    spider = make_spider(EuresSpider, site="test-eures", location_codes="be,lu", **kwargs)
    request = spider.list_request(0)
    response = TextResponse(request.url, body=body, request=request, headers={"Content-Type": "application/json"})
    results = list(spider.parse_list(response, offset=0))
    items = {i.source_id: {**i.__dict__, **normalize_item(i.__dict__)} for i in results if isinstance(i, JobPosting)}
    return spider, request, results, items


def test_eures_request_is_the_public_search():
    from jobcrawler.spiders.platforms import EuresSpider

    spider = make_spider(EuresSpider, site="test-eures", location_codes="be,LU", keywords="data")
    request = spider.list_request(100)
    body = json.loads(request.body)
    assert request.method == "POST"
    assert request.url == "https://europa.eu/eures/api/jv-searchengine/public/jv-search/search?lang=en"
    assert (body["page"], body["resultsPerPage"], body["locationCodes"]) == (3, 50, ["be", "lu"])
    assert body["keywords"] == [{"keyword": "data", "specificSearchCode": "EVERYWHERE"}]


def test_eures_ads_are_mapped_with_their_nuts_places():
    from tests.conftest import ROOT

    spider, _, _, ads = _eures_items((ROOT / "fixtures" / "demo-eures" / "pages" / "search-1.json").read_bytes())
    assert len(ads) == 6 and stats(spider)["jobcrawler/dropped/malformed_posting"] == 1
    places = {k: [(loc["raw"], loc["province_code"], loc["region_code"], loc["country_code"])
                  for loc in ad["locations"]] for k, ad in ads.items()}
    vdab = ads["MTAwMDEtVkRBQi0xMjM0NTY3OC1TIDE"]
    assert places[vdab["source_id"]] == [("BE211", "BE-VAN", "BE-VLG", "BE")]
    assert (vdab["date_posted"], vdab["employer"], vdab["contract_type"], vdab["working_time"]) == (
        "2026-11-18", "Kempen Logistics", "permanent", "full_time")
    assert vdab["url"] == "https://europa.eu/eures/portal/jv-se/jv-details/MTAwMDEtVkRBQi0xMjM0NTY3OC1TIDE?lang=en"
    assert (vdab["salary"]["min"], vdab["salary"]["max"], vdab["salary"]["period"]) == (2600, 2900, "month")
    forem = ads["MjAwMDItRk9SRU0tODc2NTQzMjEtUyAx"]
    assert places[forem["source_id"]] == [("BE352", "BE-WNA", "BE-WAL", "BE")]
    assert (forem["contract_type"], forem["working_time"], forem["ad_language"]) == ("fixed_term", "part_time", "fr")
    actiris = ads["MzAwMDMtQUNUSVJJUy0xMTIyMzM0NC1TIDE"]
    assert actiris["title"] == "Bilingual receptionist"  # the English translation, as asked for
    assert places[actiris["source_id"]] == [("BE100", None, "BE-BRU", "BE")]
    assert (actiris["contract_type"], actiris["remote"]) == ("temporary", "on_site")
    adem = ads["NDAwMDQtQURFTS01NTY2Nzc4OC1TIDE"]
    assert places[adem["source_id"]] == [("LU000", None, None, "LU")]
    assert adem["contract_type"] == "internship"
    assert places["NTAwMDUtVkRBQi05OTg4Nzc2Ni1TIDE"] == [("BE2", None, "BE-VLG", "BE"), ("BE1", None, "BE-BRU", "BE")]
    # a region of another country is placed in that country; an empty list names the country
    assert places["NjAwMDYtQkEtNDQ1NTY2NzctUyAx"] == [("DEA2D", None, None, "DE"), ("BE", None, None, "BE")]


def test_eures_pages_until_the_total_and_reports_the_cap():
    body = json.dumps({"numberRecords": 120, "jvs": [{"id": str(i), "title": "Job"} for i in range(50)]})
    spider, _, results, _ = _eures_items(body.encode())
    following = [r for r in results if not isinstance(r, JobPosting)]
    assert len(following) == 1 and json.loads(following[0].body)["page"] == 2
    spider, _, results, _ = _eures_items(json.dumps({"numberRecords": 25_000, "jvs": []}).encode())
    assert stats(spider)["jobcrawler/errors/listing_truncated"] == 1
