"""Any site that publishes schema.org JobPosting: the generic spider, and the platforms built on it.

``-a url=`` is where to start: a sitemap or sitemap index (``.xml``), a ``robots.txt`` (its
``Sitemap:`` lines), or a listing page. ``-a link_pattern=`` (a regular expression) picks the job
pages among the sitemap's or the listing's links. Job pages are read from their JSON-LD (arrays,
``@graph``, several blocks), with microdata as a fallback; a page with neither is not a job ad.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, urlparse

import scrapy
from scrapy.spiders import SitemapSpider
from scrapy.utils.sitemap import Sitemap

from jobcrawler.extract.jsonld import job_postings, microdata_postings, posting_fields
from jobcrawler.items import SeenAd
from jobcrawler.spiders.base import GONE, JobSpider, page_selector

if TYPE_CHECKING:
    from scrapy.http import Response

def lastmod_time(value: str) -> datetime | None:
    """A sitemap ``lastmod`` as UTC; a bare date counts as its last second (changed that day)."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if len(value.strip()) <= 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_URL_IN_TEXT = re.compile(r"""https?://[^\s"'<>\\]+|(?<=["'])/[^\s"'<>\\]+(?=["'])""")


class JsonLdSpider(JobSpider, SitemapSpider):
    """Sitemap (or robots.txt) -> job pages, or listing page -> job pages; JobPosting JSON-LD."""

    name = "jsonld"
    #: Where to start when ``-a url=`` is not given, relative to ``base_url``.
    default_start: ClassVar[str] = "/sitemap.xml"
    #: The job pages among the links (a regular expression); everything when empty.
    default_link_pattern: ClassVar[str] = ""
    max_pages: ClassVar[int] = 200

    def __init__(self, *args: Any, url: str | None = None, link_pattern: str | None = None,
                 base_url: str | None = None, **kwargs: Any) -> None:
        if url and not base_url:
            parsed = urlparse(url)
            base_url = f"{parsed.scheme}://{parsed.netloc}"
        super().__init__(*args, base_url=base_url, **kwargs)
        self.start_url = url or self.url(self.default_start)
        self.link_pattern = re.compile(link_pattern or self.default_link_pattern or ".")
        path = urlparse(self.start_url).path
        self.sitemap_mode = path.endswith((".xml", ".xml.gz", "robots.txt"))
        self.sitemap_urls = [self.start_url]
        self.sitemap_rules = [(self.link_pattern, "parse_job")]
        self._cbs = [(self.link_pattern, self.parse_job)]
        self._seen: list[SeenAd] = []

    async def start(self) -> Any:
        if self.sitemap_mode:  # SitemapSpider reads sitemaps, sitemap indexes and robots.txt
            async for request in super().start():
                request.meta["handle_httpstatus_list"] = GONE
                yield request
        else:
            yield scrapy.Request(self.start_url, callback=self.parse_listing, cb_kwargs={"page": 1},
                                 meta={"handle_httpstatus_list": GONE})

    def sitemap_filter(self, entries: Any) -> Iterator[dict[str, Any]]:
        """Sitemap entries to fetch: a known ad whose ``lastmod`` is not newer than our last fetch
        of it is not fetched again, only recorded as seen (incremental crawl)."""
        for entry in entries:
            loc = entry.get("loc", "")
            if entry.get("lastmod") and self.link_pattern.search(loc):
                seen = self.seen_if_fresh(loc, lastmod_time(entry["lastmod"]))
                if seen is not None:
                    self._seen.append(seen)
                    continue
            yield entry

    def _parse_sitemap(self, response: Response) -> Any:
        """SitemapSpider's, with a start URL that is gone or not a sitemap reported."""
        results = self._parse_sitemap_checked(response)
        yield from results
        seen, self._seen = self._seen, []
        yield from seen

    def _parse_sitemap_checked(self, response: Response) -> Any:
        if response.status in GONE:
            self.report("board_not_found", response.url, f"HTTP {response.status}")
            return ()
        if response.url == self.start_url and not response.url.endswith("/robots.txt"):
            body = self._get_sitemap_body(response)
            if body is None or Sitemap(body).type not in ("urlset", "sitemapindex"):
                self.report("malformed_response", response.url, "not a sitemap")
                return ()
        return super()._parse_sitemap(response)

    def parse_listing(self, response: Response, page: int) -> Iterator[Any]:
        """Job links of a listing page, including URLs in embedded JSON, and the next page."""
        if response.status in GONE:
            self.report("board_not_found", response.url, f"HTTP {response.status}")
            return
        candidates = response.css("a::attr(href)").getall()
        candidates += _URL_IN_TEXT.findall(response.text.replace("\\/", "/"))  # JSON escapes
        seen = set()
        host = urlparse(self.base_url).netloc
        for href in candidates:
            url = response.urljoin(href)
            if url in seen or urlparse(url).netloc != host or url == response.url:
                continue
            seen.add(url)
            if self.link_pattern.search(url):
                yield scrapy.Request(url, callback=self.parse_job)
        next_href = (response.css('a[rel="next"]::attr(href), link[rel="next"]::attr(href)').get())
        if next_href and page < self.max_pages:
            yield response.follow(next_href, callback=self.parse_listing,
                                  cb_kwargs={"page": page + 1})

    def posting(self, response: Response) -> dict[str, Any] | None:
        """The page's JobPosting (JSON-LD first, microdata else), or None."""
        page = page_selector(response)
        postings = job_postings(page) or microdata_postings(page)
        return postings[0] if postings else None

    def parse_job(self, response: Response) -> Any:
        posting = self.posting(response)
        if posting is None:
            return self.drop("no_jobposting", response, "no JobPosting JSON-LD or microdata")
        fields = posting_fields(posting)
        if not fields.get("title"):
            return self.drop("no_job_content", response, "a JobPosting without a title")
        canonical = response.css('link[rel="canonical"]::attr(href)').get()
        fields["url"] = response.urljoin(canonical) if canonical else response.url
        source_id = fields.get("reference") or self.id_from_url(fields["url"])
        return self.new_item(response, source_id=source_id, **fields)

    @staticmethod
    def id_from_url(url: str) -> str:
        """The URL's path (and query) as a stable id when the posting names none."""
        parsed = urlparse(url)
        return (parsed.path.rstrip("/") + (f"?{parsed.query}" if parsed.query else "")) or "/"


class JobtoolzSpider(JsonLdSpider):
    """Jobtoolz, a Belgian ATS: ``{tenant}.jobtoolz.com/{nl|en|fr}`` lists the jobs (links, or URLs
    in the page's embedded data) and each job page carries JobPosting JSON-LD
    (``-a company=TENANT -a language=nl``)."""

    name = "jobtoolz"
    company_url = "https://{company}.jobtoolz.com"

    def __init__(self, *args: Any, company: str | None = None, base_url: str | None = None,
                 language: str | None = None, url: str | None = None, **kwargs: Any) -> None:
        lang = language or "nl"
        if not base_url and company:
            base_url = self.company_url.format(company=quote(company, safe=""))
        if base_url and not url:
            url = f"{base_url.rstrip('/')}/{lang}"
        kwargs.setdefault("link_pattern", rf"/{lang}/[^/?#]+/?$")
        super().__init__(*args, base_url=base_url, url=url, language=language, **kwargs)
