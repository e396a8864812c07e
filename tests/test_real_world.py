"""Real responses of real employers (``../shared/real-world/``: Greenhouse for Stripe, Recruitee for
bunq, Personio's XML feed for Personio SE; see its PROVENANCE.md), put through the platform spider's
parsing and ``normalize_item`` exactly as a crawl does. Each assertion is what a careful reader of
the response sees, not what the code happens to give.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from itemadapter import ItemAdapter
from scrapy.http import TextResponse

from jobcrawler.normalize import normalize_item
from jobcrawler.spiders.feeds import PersonioSpider
from jobcrawler.spiders.platforms import GreenhouseSpider, RecruiteeSpider
from tests.conftest import ROOT
from tests.test_spiders import make_spider

# ../shared/real-world/ beside the checkout (/work/main) or beside the worktrees (/work/wt/NAME)
REAL = next((p for p in (ROOT.parent / "shared" / "real-world", ROOT.parent.parent / "shared" / "real-world")
             if p.is_dir()), Path("../shared/real-world"))
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real-world/ is not here")

CRAWLED = datetime(2026, 10, 1, 6, 0, tzinfo=UTC)


def _ads(cls, kwargs: dict, path: str, content_type: str) -> dict[str, dict]:
    spider = make_spider(cls, site="real-world", **kwargs)
    request = spider.list_request(0)
    response = TextResponse(request.url, body=(REAL / path).read_bytes(), request=request,
                            headers={"Content-Type": content_type})
    ads = {}
    for item in spider.parse_list(response, offset=0):
        raw = dict(ItemAdapter(item))
        ads[raw["source_id"]] = {**raw, **normalize_item(raw, now=CRAWLED)}
    return ads


@pytest.fixture(scope="module")
def stripe() -> dict[str, dict]:
    return _ads(GreenhouseSpider, {"board": "stripe"}, "greenhouse/stripe-jobs-content.json", "application/json")


@pytest.fixture(scope="module")
def bunq() -> dict[str, dict]:
    return _ads(RecruiteeSpider, {"company": "bunq"}, "recruitee/bunq-offers.json", "application/json")


@pytest.fixture(scope="module")
def personio() -> dict[str, dict]:
    return _ads(PersonioSpider, {"company": "personio"}, "personio/personio-xml-en.xml", "application/xml")


def _places(ad: dict) -> list[tuple[str | None, str | None]]:
    return [((loc.get("city") or "").casefold() or None, loc.get("country_code")) for loc in ad["locations"]]


# --- Greenhouse, Stripe: three "Abuse Investigator" ads, two in Dublin, one in three US cities -----
def test_stripe_every_ad_is_read(stripe):
    assert set(stripe) == {"8172508", "8172510", "8172487"}
    assert {ad["title"] for ad in stripe.values()} == {"Abuse Investigator"}
    assert {ad["employer"] for ad in stripe.values()} == {"Stripe"}


def test_stripe_posting_date_is_first_published_not_updated_at(stripe):
    # every ad was updated on 2026-09-25; they were published on 3 and 9 September
    assert {k: ad["date_posted"] for k, ad in stripe.items()} == {
        "8172508": "2026-09-03", "8172510": "2026-09-09", "8172487": "2026-09-03"}


def test_stripe_office_names_are_not_places(stripe):
    assert stripe["8172508"]["location_raw"] == ["Dublin"]  # not "Ireland Locations"
    assert stripe["8172510"]["location_raw"] == ["Seattle, San Francisco, New York City"]  # not "US"


def test_stripe_text_is_html_not_escaped_html(stripe):
    ad = stripe["8172508"]
    assert ad["description_text"].startswith("Who we are")
    assert "&lt;" not in ad["description_html"] and "<h2>" in ad["description_html"]


def test_stripe_states_no_contract_remote_or_salary(stripe):
    # the fixture's author cut the text short: what is left states none of these
    for ad in stripe.values():
        assert (ad["contract_type"], ad["remote"], ad["salary"], ad["ad_language"]) == (None, None, None, "en")


def test_stripe_places(stripe):
    assert _places(stripe["8172508"]) == [("dublin", "IE")]
    us = _places(stripe["8172510"])
    assert [c for _, c in us] == ["US", "US", "US"]
    assert us[0][0] == "seattle" and us[1][0] == "san francisco" and us[2][0] in ("new york", "new york city")


# --- Recruitee, bunq: a permanent legal counsel and a three-month intern, both hybrid in Amsterdam -
def test_bunq_legal_counsel(bunq):
    ad = bunq["2760348"]
    assert ad["title"] == "(Senior) Legal Counsel" and ad["employer"] == "bunq"
    assert ad["date_posted"] == "2026-09-25"
    assert (ad["contract_type"], ad["working_time"], ad["hours_per_week"]) == ("permanent", "full_time", 40.0)
    assert ad["remote"] == "hybrid"  # hybrid: true, remote and on_site false
    assert ad["salary"] is None  # the salary object is all nulls
    assert ad["ad_language"] == "en"


def test_bunq_intern_title_beats_the_permanent_code(bunq):
    ad = bunq["2760260"]
    assert ad["employment_type_raw"] == "fulltime permanent"
    assert ad["contract_type"] == "internship"
    assert (ad["working_time"], ad["hours_per_week"], ad["remote"]) == ("full_time", 40.0, "hybrid")
    assert ad["languages_required"] == ["en"]  # "You're fluent in written and spoken English"


def test_bunq_places(bunq):
    for ad in bunq.values():
        assert _places(ad) == [("amsterdam", "NL")]


# --- Personio XML, Personio SE: a staff engineer, hybrid in Munich or Dublin ---------------------
def test_personio_position(personio):
    ad = personio["1834171"]
    assert ad["title"] == "Staff Software Engineer, Data Platform"
    assert ad["employer"] == "Personio SE & Co. KG"
    assert ad["date_posted"] == "2024-11-13"
    assert (ad["contract_type"], ad["working_time"]) == ("permanent", "full_time")
    # the platform says nothing of remote work; the first line does: "This position is hybrid"
    assert ad["remote"] == "hybrid"
    assert ad["experience_years_min"] == 10  # "10+ years of software engineering experience"
    assert ad["salary"] is None  # "a competitive reward package ... that includes salary"
    assert ad["ad_language"] == "en"
    assert ad["location_raw"] == ["Munich", "Berlin"]


def test_personio_places(personio):
    cities = _places(personio["1834171"])
    assert [c for _, c in cities] == ["DE", "DE"]
    assert cities[0][0] in ("munich", "münchen") and cities[1][0] == "berlin"
