"""The last step of extraction, after the spider: ``ExtractPipeline`` (``complete_item``) fills the
raw fields the structured data left empty from the description's "Label: value" lines, and drops
an employer that is the agency itself. Spiders did this in ``new_item`` until session 5; these are
its tests, moved, and the same ads through the pipeline."""

from __future__ import annotations

from typing import Any

import pytest
from itemadapter import ItemAdapter
from scrapy.utils.test import get_crawler

from jobcrawler import settings
from jobcrawler.extract.item import complete_item, names_itself
from jobcrawler.items import JobPosting, SeenAd
from jobcrawler.pipelines import ExtractPipeline, ValidatePipeline
from jobcrawler.spiders.vivid import VividResourcingSpider
from tests.test_spiders import VIVID, fixture_response, make_spider

LINES = ("<p>Job Title: Werfleider<br>Industry: Bouw<br>Location: Gent<br>"
         "Contract type: Freelance 9 months+<br>Start date: ASAP</p><p>Wij zoeken...</p>")


def extracted(spider: Any, url: str) -> JobPosting:
    item = spider.parse_job(fixture_response(spider, url))
    return ExtractPipeline.from_crawler(spider.crawler).process_item(item)


def test_vivid_labelled_lines_page() -> None:
    spider = make_spider(VividResourcingSpider, site="vivid", base_url=VIVID)
    item = extracted(spider, f"{VIVID}/job/it-infrastructure-manager-east-flanders-belgium-freelance-9-months/")
    assert item.agency == "Vivid Resourcing" and item.employer is None
    assert (item.title, item.industry, item.contract_raw) == (
        "IT Infrastructure Manager", "Food Manufacturing", "Freelance 9 months+")
    assert (item.start_date_raw, item.duration_raw) == ("ASAP", "9 months+")
    assert item.location_raw == ["East Flanders, Belgium"]


def test_vivid_json_ld_page_in_a_graph_with_escaped_html() -> None:
    spider = make_spider(VividResourcingSpider, site="vivid", base_url=VIVID)
    item = extracted(spider, f"{VIVID}/job/sap-basis-consultant-brussels/")
    assert item.employer is None  # the agency's JSON-LD names the agency itself
    assert item.reference == "VR-48213"  # the JSON-LD's, not a line's
    assert item.contract_raw == "Freelance 6 months (extension likely)"  # from the escaped body
    assert item.salary_structured == {"currency": "EUR", "min": 650, "max": 750, "period": "DAY"}


@pytest.mark.parametrize(("given", "expected"), [
    ({}, {"title": "Werfleider", "industry": "Bouw", "location_raw": ["Gent"],
          "contract_raw": "Freelance 9 months+", "start_date_raw": "ASAP"}),
    ({"title": "Site manager", "contract_raw": "Vast", "location_raw": ["Antwerpen"]},
     {"title": "Site manager", "contract_raw": "Vast", "location_raw": ["Antwerpen"], "industry": "Bouw"}),
    ({"title": "", "industry": None, "location_raw": []},  # empty says nothing: the lines fill it
     {"title": "Werfleider", "industry": "Bouw", "location_raw": ["Gent"]}),
], ids=["lines-fill-empty-fields", "structured-values-win", "empty-values-are-filled"])
def test_lines_fill_only_what_the_structured_data_left_empty(given: dict, expected: dict) -> None:
    item = JobPosting(source="s", source_id="1", url="https://s.test/1", description_html=LINES, **given)
    complete_item(ItemAdapter(item))
    assert {name: getattr(item, name) for name in expected} == expected


@pytest.mark.parametrize(("employer", "agency", "kept"), [
    ("Vivid Resourcing", "Vivid Resourcing", False),
    ("VIVID-resourcing", "Vivid Resourcing", False),  # folded: case, punctuation
    ("Société Générale", "Societe generale", False),  # and accents
    ("Acme NV", "Vivid Resourcing", True),  # a client named: kept
    ("Acme NV", None, True),
    (None, "Vivid Resourcing", True),
], ids=["same", "case-and-hyphen", "accents", "a-client", "no-agency", "no-employer"])
def test_an_agency_naming_itself_is_no_employer(employer: str | None, agency: str | None,
                                                kept: bool) -> None:
    assert names_itself(employer, agency) is not kept
    item = complete_item({"employer": employer, "agency": agency})
    assert item["employer"] == (employer if kept else None)


def test_nothing_to_read_changes_nothing() -> None:
    item = {"title": "Lasser", "description_html": None, "employer": "Acme", "agency": None}
    assert complete_item(dict(item)) == item
    stub = SeenAd(source="s", source_id="1")
    assert ExtractPipeline.from_crawler(get_crawler()).process_item(stub) is stub


def test_extraction_is_the_first_pipeline_and_a_titled_line_passes_validation() -> None:
    """An API ad whose only title is a "Job title:" line: extracted before validation needs it."""
    order = sorted(settings.ITEM_PIPELINES, key=settings.ITEM_PIPELINES.get)
    assert order[:2] == ["jobcrawler.pipelines.ExtractPipeline", "jobcrawler.pipelines.ValidatePipeline"]
    crawler = get_crawler()
    item = JobPosting(source="s", source_id="1", url="https://s.test/1", description_html=LINES)
    for pipeline in (ExtractPipeline, ValidatePipeline):
        item = pipeline.from_crawler(crawler).process_item(item)
    assert item.title == "Werfleider"
