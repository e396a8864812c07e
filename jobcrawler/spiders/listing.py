"""Sites that list their ads on paginated HTML pages: listing -> job pages.

Job pages are read by :func:`jobcrawler.extract.page.page_fields`: JSON-LD JobPosting where the
page has it, "Label: value" lines in the body otherwise. The CSS selectors are arguments, so a
site with the usual markup needs no code: only a ``sites.toml`` table.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

import scrapy

from jobcrawler.extract.page import page_fields
from jobcrawler.spiders.base import GONE, JobSpider

if TYPE_CHECKING:
    from scrapy.http import Response


class ListingSpider(JobSpider):
    """A listing page with pagination, then each job page it links to."""

    name = "listing"
    listing_path: ClassVar[str] = "/jobs/"
    job_link_css: ClassVar[str] = "a.job-link::attr(href)"
    next_page_css: ClassVar[str] = "a[rel=next]::attr(href)"
    description_css: ClassVar[str] = ".job-description"
    #: The ad's id: the last path segment of its URL, unless JSON-LD gives an identifier.
    id_pattern: ClassVar[str] = r"/([^/?#]+)/?(?:[?#].*)?$"
    max_pages: ClassVar[int] = 200

    def __init__(self, *args: Any, listing_url: str | None = None, job_link_css: str | None = None,
                 next_page_css: str | None = None, description_css: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.listing_url = listing_url or self.url(self.listing_path)
        self.job_link_css = job_link_css or self.job_link_css
        self.next_page_css = next_page_css or self.next_page_css
        self.description_css = description_css or self.description_css

    async def start(self) -> Any:
        yield scrapy.Request(self.listing_url, callback=self.parse_listing, cb_kwargs={"page": 1},
                             meta={"handle_httpstatus_list": GONE})

    def parse_listing(self, response: Response, page: int) -> Any:
        if response.status in GONE:
            self.report("board_not_found", response.url, f"HTTP {response.status}")
            return
        links = response.css(self.job_link_css).getall()
        if not links:
            self.crawler.stats.inc_value("jobcrawler/listing/empty_page")
        for href in links:
            url = response.urljoin(href)
            yield scrapy.Request(url, callback=self.parse_job, meta=self.ad_meta(url))
        next_href = response.css(self.next_page_css).get()
        if next_href and page < self.max_pages:
            # the dupefilter stops a page that links to itself or to an earlier page
            yield response.follow(next_href, callback=self.parse_listing,
                                  cb_kwargs={"page": page + 1})
        elif next_href:  # the listing goes on: not read whole, so nothing may be closed
            self.report("listing_max_pages", response.url, f"stopped after {page} pages")

    def parse_job(self, response: Response) -> Any:
        fields = page_fields(response, self.description_css)
        if not fields.get("title") or not fields.get("description_html"):
            # a login or error page answered with 200 has a heading but no ad text
            return self.drop("no_job_content", response, "no JSON-LD and no title with a description")
        match = re.search(self.id_pattern, response.url)
        source_id = match[1] if match else None
        fields.pop("url", None)
        return self.new_item(response, source_id=source_id, **fields)
