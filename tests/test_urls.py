"""The canonical form of an ad's URL (jobcrawler.urls.ad_url) and the identities made from it:
tracking and session parameters and fragments off, everything else byte for byte."""

from __future__ import annotations

import json

import pytest

from jobcrawler.dedup.keys import url_key
from jobcrawler.spiders.jsonld import JsonLdSpider
from jobcrawler.storage.lifecycle import stale_url_id
from jobcrawler.urls import SESSION_PARAMETERS, TRACKING_PARAMETERS, ad_url, volatile_parameter
from tests.conftest import ROOT

CLEANED = [  # (linked as, canonical form)
    ("https://jobs.example.be/job/12?utm_source=indeed", "https://jobs.example.be/job/12"),
    ("https://jobs.example.be/job/12/?utm_source=indeed&utm_medium=cpc&utm_campaign=be",
     "https://jobs.example.be/job/12/"),
    ("https://jobs.example.be/job/12?UTM_Source=x", "https://jobs.example.be/job/12"),
    ("https://jobs.example.be/job/12?gclid=Cj0K&fbclid=IwAR2&msclkid=9f",
     "https://jobs.example.be/job/12"),
    ("https://jobs.example.be/job/12?mc_cid=ab12&mc_eid=cd34&_ga=2.1.3",
     "https://jobs.example.be/job/12"),
    ("https://jobs.example.be/job/12#apply", "https://jobs.example.be/job/12"),
    ("https://jobs.example.be/job/12?id=7#apply", "https://jobs.example.be/job/12?id=7"),
    ("https://jobs.example.be/job.php?id=123&utm_source=x", "https://jobs.example.be/job.php?id=123"),
    ("https://jobs.example.be/job.php?utm_source=x&id=123", "https://jobs.example.be/job.php?id=123"),
    ("https://jobs.example.be/vacature?vacancy=88&fbclid=1&lang=nl",
     "https://jobs.example.be/vacature?vacancy=88&lang=nl"),
    ("https://jobs.example.be/detail?jobId=A-1&PHPSESSID=3f2a9c",
     "https://jobs.example.be/detail?jobId=A-1"),
    ("https://jobs.example.be/detail?sid=8e1f0a&jobId=A-1", "https://jobs.example.be/detail?jobId=A-1"),
    ("https://jobs.example.be/job/12;jsessionid=0A1B2C3D", "https://jobs.example.be/job/12"),
    ("https://jobs.example.be/job/12;JSESSIONID=0A1B?lang=fr", "https://jobs.example.be/job/12?lang=fr"),
    ("https://jobs.example.be/job/12;jsessionid=0A1B?utm_source=x#top",
     "https://jobs.example.be/job/12"),
    ("https://jobs.example.be/job/12?b=2&utm_term=x&a=1", "https://jobs.example.be/job/12?b=2&a=1"),
    ("https://jobs.example.be/job/12?a=%20x&a=y&gclid=1", "https://jobs.example.be/job/12?a=%20x&a=y"),
    ("/job/12/?utm_source=x", "/job/12/"),
]

UNCHANGED = [  # no tracking or session part: byte for byte as linked (ids stored from them stay)
    "https://jobs.example.be/job/12",
    "https://jobs.example.be/job/12/",
    "https://jobs.example.be/job.php?id=123",
    "https://jobs.example.be/job.php?ID=123&lang=nl",
    "https://jobs.example.be/vacature?vacancy=88",
    "https://jobs.example.be/detail?jobId=A-1",
    "https://job-boards.greenhouse.io/acme?gh_jid=7000001",
    "https://jobs.example.be/job/12?b=2&a=1",  # not sorted (canonicalize_url would)
    "https://jobs.example.be/job/12?q=a+b&r=%C3%A9t%C3%A9",  # not re-encoded
    "https://jobs.example.be/job/caf\u00e9-12?x=\u00e9",
    "https://jobs.example.be/job/12?flag&x=",
    "https://jobs.example.be/job/12?a=1&&b=2",
    "https://jobs.example.be/job/12?",
    "https://jobs.example.be/job/12;v=2",  # a path parameter that is no session
    "https://jobs.example.be/job/12?from=sitemap&ref=R-12&source=vdab&src=x",  # ambiguous: kept
    "https://jobs.example.be/job/12?utm=1&session=2&mysid=3&sidebar=4",  # look-alikes kept
    "HTTPS://Jobs.Example.be/Job/12",  # case kept
    "/job/12/?id=7",
]


@pytest.mark.parametrize(("linked", "canonical"), CLEANED, ids=[c[0] for c in CLEANED])
def test_tracking_and_session_parts_come_off(linked: str, canonical: str) -> None:
    assert ad_url(linked) == canonical
    assert ad_url(canonical) == canonical  # idempotent


@pytest.mark.parametrize("url", UNCHANGED)
def test_other_urls_stay_byte_for_byte(url: str) -> None:
    assert ad_url(url) == url


def _fixture_items() -> list[dict]:
    return [json.loads(line) for path in sorted((ROOT / "fixtures").glob("*/expected.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_fixtures_urls_and_url_ids_stay_byte_for_byte() -> None:
    """The stored URLs and the URL-made ids of every fixture site (goldens) do not change."""
    items = _fixture_items()
    assert len(items) > 20
    for item in items:
        assert ad_url(item["url"]) == item["url"]
        assert not stale_url_id(item["source_id"])
    url_ids = [item for item in items if item["source_id"].startswith("/")]
    assert url_ids
    for item in url_ids:
        assert JsonLdSpider.id_from_url(item["url"]) == item["source_id"]


ID_FROM_URL = [  # the id of a posting that names none
    ("https://www.maasinterim.be/vacature/administratief-bediende-hasselt/",
     "/vacature/administratief-bediende-hasselt"),
    ("https://x.be/vacature/a-b/?utm_source=indeed", "/vacature/a-b"),
    ("https://x.be/job.php?id=123", "/job.php?id=123"),
    ("https://x.be/job.php?id=123&utm_medium=cpc#apply", "/job.php?id=123"),
    ("https://x.be/job.php?gclid=1&id=123&lang=nl", "/job.php?id=123&lang=nl"),
    ("https://x.be/job/9;jsessionid=ABC", "/job/9"),
    ("https://x.be/", "/"),
    ("https://x.be/?utm_source=x", "/"),
]


@pytest.mark.parametrize(("url", "expected"), ID_FROM_URL, ids=[c[0] for c in ID_FROM_URL])
def test_id_from_url(url: str, expected: str) -> None:
    assert JsonLdSpider.id_from_url(url) == expected


def test_ad_meta_keys_urls_in_canonical_form_and_ids_as_they_are() -> None:
    key = JsonLdSpider.ad_meta("https://x.be/job/1/?utm_source=a#b")["jobcrawler_ad"]["key"]
    assert key == "https://x.be/job/1/"
    assert JsonLdSpider.ad_meta("id:a?utm_source=b")["jobcrawler_ad"]["key"] == "id:a?utm_source=b"


def test_url_keys_of_duplicate_detection_ignore_session_ids_in_the_path() -> None:
    assert url_key("https://www.x.be/job/123;jsessionid=AB12") == url_key("https://x.be/job/123")
    assert url_key("https://x.be/job/123/?utm_source=y#z") == "x.be/job/123"


@pytest.mark.parametrize(("source_id", "stale"), [
    ("/job/1?utm_source=x", True), ("/job/1;jsessionid=A", True), ("/job.php?id=1", False),
    ("/vacature/a-b", False), ("R-10007", False), ("a?utm_source=x", False),
])
def test_stale_url_ids(source_id: str, stale: bool) -> None:
    assert stale_url_id(source_id) is stale


def test_the_parameter_lists_are_lower_case_and_keep_the_names_that_name_ads() -> None:
    for name in TRACKING_PARAMETERS | SESSION_PARAMETERS:
        assert name == name.lower()
    for name in ("id", "jobId", "vacancy", "gh_jid", "ref", "source", "from", "page", "lang"):
        assert not volatile_parameter(name), name
    for name in ("utm_source", "utm_whatever", "gclid", "fbclid", "JSESSIONID", "PHPSESSID", "sid"):
        assert volatile_parameter(name), name
