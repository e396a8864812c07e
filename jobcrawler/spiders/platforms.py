"""Spiders of the hosted ATS platforms' public JSON endpoints, each a short mapping on
:class:`jobcrawler.spiders.api.ApiSpider`. Every one also runs alone, e.g.
``scrapy crawl greenhouse -a board=acme`` or ``-a base_url=http://127.0.0.1:8080``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import scrapy

from jobcrawler.extract import platforms
from jobcrawler.spiders.api import ApiSpider
from jobcrawler.spiders.base import GONE, changed_time

if TYPE_CHECKING:
    from scrapy.http import Response


def _required(spider: Any, name: str, value: str | None) -> str:
    if not value:
        raise ValueError(f"spider {spider.name!r} needs -a {name}=...")
    return quote(value, safe="")


class GreenhouseSpider(ApiSpider):
    """Greenhouse job boards: the whole board in one response (``-a board=TOKEN``)."""

    name = "greenhouse"
    default_base_url = "https://boards-api.greenhouse.io"
    mapping = staticmethod(platforms.greenhouse)

    def __init__(self, *args: Any, board: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.board = _required(self, "board", board)

    def list_request(self, offset: int) -> scrapy.Request:
        return self.list_page(self.url(f"/v1/boards/{self.board}/jobs?content=true"), offset)

    def postings(self, data: Any) -> Any:
        return data.get("jobs") if isinstance(data, dict) else None


class LeverSpider(ApiSpider):
    """Lever postings, paged with ``skip``/``limit`` (``-a company=NAME``; EU accounts:
    ``-a base_url=https://api.eu.lever.co``)."""

    name = "lever"
    default_base_url = "https://api.lever.co"
    mapping = staticmethod(platforms.lever)

    def __init__(self, *args: Any, company: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = _required(self, "company", company)

    def list_request(self, offset: int) -> scrapy.Request:
        return self.list_page(self.url(
            f"/v0/postings/{self.company}?mode=json&skip={offset}&limit={self.page_size}"), offset)

    def postings(self, data: Any) -> Any:
        return data

    def next_offset(self, data: Any, postings: list[Any], offset: int) -> int | None:
        return offset + self.page_size if len(postings) >= self.page_size else None


class RecruiteeSpider(ApiSpider):
    """Recruitee offers (``-a company=SLUG`` for ``SLUG.recruitee.com``, or ``-a base_url=`` for
    a custom careers domain)."""

    name = "recruitee"
    mapping = staticmethod(platforms.recruitee)
    company_url = "https://{company}.recruitee.com"

    def list_request(self, offset: int) -> scrapy.Request:
        return self.list_page(self.url("/api/offers"), offset)

    def postings(self, data: Any) -> Any:
        return data.get("offers") if isinstance(data, dict) else None


class AshbySpider(ApiSpider):
    """Ashby job boards with compensation (``-a board=NAME``)."""

    name = "ashby"
    default_base_url = "https://api.ashbyhq.com"
    mapping = staticmethod(platforms.ashby)

    def __init__(self, *args: Any, board: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.board = _required(self, "board", board)

    def list_request(self, offset: int) -> scrapy.Request:
        return self.list_page(self.url(
            f"/posting-api/job-board/{self.board}?includeCompensation=true"), offset)

    def postings(self, data: Any) -> Any:
        return data.get("jobs") if isinstance(data, dict) else None


class SmartRecruitersSpider(ApiSpider):
    """SmartRecruiters postings, paged, then each posting's detail for its text
    (``-a company=IDENTIFIER``)."""

    name = "smartrecruiters"
    default_base_url = "https://api.smartrecruiters.com"

    def __init__(self, *args: Any, company: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = _required(self, "company", company)

    def list_request(self, offset: int) -> scrapy.Request:
        return self.list_page(self.url(
            f"/v1/companies/{self.company}/postings?limit={self.page_size}&offset={offset}"), offset)

    def postings(self, data: Any) -> Any:
        return data.get("content") if isinstance(data, dict) else None

    def next_offset(self, data: Any, postings: list[Any], offset: int) -> int | None:
        total = data.get("totalFound") if isinstance(data, dict) else None
        following = offset + len(postings)
        return following if isinstance(total, int) and following < total else None

    def posting_results(self, posting: dict[str, Any], response: Response) -> Iterator[Any]:
        posting_id = posting.get("id")
        if not posting_id:
            yield from self.item_or_drop(response, {})
            return
        changed = changed_time(posting.get("releasedDate"))
        yield scrapy.Request(
            self.url(f"/v1/companies/{self.company}/postings/{quote(str(posting_id), safe='')}"),
            callback=self.parse_detail, cb_kwargs={"posting": posting},
            meta=self.ad_meta(f"id:{posting_id}", changed, handle_httpstatus_list=GONE))

    def parse_detail(self, response: Response, posting: dict[str, Any]) -> Iterator[Any]:
        detail = None
        if response.status not in GONE:
            detail = self.load_json(response)
        if not isinstance(detail, dict):
            self.crawler.stats.inc_value("jobcrawler/detail_missing")
            detail = None
        yield from self.item_or_drop(response, platforms.smartrecruiters(posting, detail))


class WorkdaySpider(ApiSpider):
    """Workday career sites: POSTed list pages of 20, then each job's detail
    (``-a base_url=https://TENANT.wdN.myworkdayjobs.com -a tenant=TENANT -a career_site=SITE``).

    Workday caps ``total`` at 2000 and wraps offsets beyond it to page 1: a listing that reaches
    the cap is reported as truncated (the crawl is then partial and closes nothing; split it by
    facets with ``-a facets='{"locations": ["..."]}'``). A detail API that refuses (401/403) while
    the list works is reported instead of storing blank ads.
    """

    name = "workday"
    page_size = 20
    cap = 2000

    def __init__(self, *args: Any, tenant: str | None = None, career_site: str | None = None,
                 facets: str | dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = _required(self, "tenant", tenant)
        self.career_site = _required(self, "career_site", career_site)
        self.facets = json.loads(facets) if isinstance(facets, str) else (facets or {})
        self.total: int | None = None

    @property
    def cxs(self) -> str:
        return self.url(f"/wday/cxs/{self.tenant}/{self.career_site}")

    def list_request(self, offset: int) -> scrapy.Request:
        body = {"appliedFacets": self.facets, "limit": self.page_size, "offset": offset,
                "searchText": ""}
        return self.list_page(f"{self.cxs}/jobs", offset, method="POST", body=json.dumps(body),
                              headers={"Content-Type": "application/json",
                                       "Accept": "application/json"})

    def postings(self, data: Any) -> Any:
        return data.get("jobPostings") if isinstance(data, dict) else None

    def next_offset(self, data: Any, postings: list[Any], offset: int) -> int | None:
        if self.total is None:  # only the first page states the total
            self.total = data.get("total") if isinstance(data.get("total"), int) else 0
            if self.total >= self.cap:
                self.report("listing_truncated", f"{self.cxs}/jobs",
                            f"total {self.total} reaches Workday's cap; split by facets")
        following = offset + self.page_size
        return following if following < min(self.total, self.cap) else None

    def posting_results(self, posting: dict[str, Any], response: Response) -> Iterator[Any]:
        path = posting.get("externalPath")
        if not isinstance(path, str) or not path.startswith("/"):
            yield from self.item_or_drop(response, {})
            return
        req_id = platforms.dig(posting, "bulletFields", 0)
        # the list says nothing about changes: a known posting is fetched again only after
        # JOBCRAWLER_FULL_REFRESH_DAYS
        key = f"id:{req_id}" if isinstance(req_id, str) else f"{self.cxs}{path}"
        yield scrapy.Request(f"{self.cxs}{path}", callback=self.parse_detail,
                             cb_kwargs={"summary": posting},
                             headers={"Accept": "application/json"},
                             meta=self.ad_meta(key, assume_unchanged=isinstance(req_id, str),
                                               handle_httpstatus_list=[401, 403]))

    def parse_detail(self, response: Response, summary: dict[str, Any]) -> Iterator[Any]:
        if response.status in (401, 403):
            self.report("detail_refused", response.url, f"HTTP {response.status} on a job detail")
            return
        detail = self.load_json(response)
        if isinstance(detail, dict):
            yield from self.item_or_drop(response, platforms.workday(summary, detail))


class EuresSpider(ApiSpider):
    """EURES, the European job-mobility portal: the public employment services' ads (VDAB, Le
    Forem, Actiris, ADEM...) through its public search, POSTed pages of 50
    (``-a location_codes=be,lu`` NUTS codes or countries, optional ``-a keywords=...``,
    ``-a language=en`` for the ads' translation).

    EURES answers at most 10,000 results a search (``cap``): a search that reaches it is reported
    as truncated (split it by NUTS region: ``-a location_codes=be2``).
    """

    name = "eures"
    default_base_url = "https://europa.eu"
    page_size = 50
    cap = 10_000

    def __init__(self, *args: Any, location_codes: str | list[str] | None = "be,lu",
                 keywords: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = location_codes.split(",") if isinstance(location_codes, str) else (location_codes or [])
        self.location_codes = [c.strip().lower() for c in codes if c.strip()]
        self.keywords = keywords
        #: The language EURES is asked for (its translation of the ads, the detail page's).
        self.request_language = (self.language or "en").lower()
        self.total: int | None = None

    def list_request(self, offset: int) -> scrapy.Request:
        body = {
            "resultsPerPage": self.page_size, "page": offset // self.page_size + 1,
            "sortSearch": "MOST_RECENT",
            "keywords": [{"keyword": self.keywords, "specificSearchCode": "EVERYWHERE"}] if self.keywords else [],
            "publicationPeriod": None, "occupationUris": [], "skillUris": [], "requiredExperienceCodes": [],
            "positionScheduleCodes": [], "sectorCodes": [], "educationAndQualificationLevelCodes": [],
            "positionOfferingCodes": [], "locationCodes": self.location_codes, "euresFlagCodes": [],
            "otherBenefitsCodes": [], "requiredLanguages": [], "minNumberPost": None,
            "sessionId": "jobcrawler",
        }
        search = self.url(f"/eures/api/jv-searchengine/public/jv-search/search?lang={self.request_language}")
        return self.list_page(search, offset, method="POST", body=json.dumps(body),
                              headers={"Content-Type": "application/json", "Accept": "application/json"})

    def postings(self, data: Any) -> Any:
        return data.get("jvs") if isinstance(data, dict) else None

    def next_offset(self, data: Any, postings: list[Any], offset: int) -> int | None:
        if self.total is None:
            self.total = data.get("numberRecords") if isinstance(data.get("numberRecords"), int) else 0
            if self.total > self.cap:
                self.report("listing_truncated", self.url("/eures/api/jv-searchengine/public/jv-search/search"),
                            f"{self.total} results; EURES returns at most {self.cap}: split by NUTS region")
        following = offset + self.page_size
        return following if following < min(self.total, self.cap) else None

    def posting_results(self, posting: dict[str, Any], response: Response) -> Iterator[Any]:
        yield from self.item_or_drop(response, platforms.eures(posting, self.request_language))
