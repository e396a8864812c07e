"""Any site that publishes schema.org JobPosting: the generic spider, and the platforms built on it.

``-a url=`` is where to start: a sitemap or sitemap index (``.xml``), a ``robots.txt`` (its
``Sitemap:`` lines), or a listing page. ``-a link_pattern=`` (a regular expression) picks the job
pages among the sitemap's or the listing's links. Job pages are read from their JSON-LD (arrays,
``@graph``, several blocks), with microdata as a fallback; a page with neither is not a job ad.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, urlparse

import scrapy
from scrapy.http import XmlResponse
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from jobcrawler.extract.jsonld import job_postings, microdata_postings, posting_fields
from jobcrawler.extract.page import page_selector
from jobcrawler.spiders.base import GONE, JobSpider, changed_time

if TYPE_CHECKING:
    from scrapy.http import Response


_URL_IN_TEXT = re.compile(r"""https?://[^\s"'<>\\]+|(?<=["'])/[^\s"'<>\\]+(?=["'])""")


class JsonLdSpider(JobSpider):
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

    async def start(self) -> Any:
        if self.sitemap_mode:
            yield scrapy.Request(self.start_url, callback=self.parse_sitemap,
                                 meta={"handle_httpstatus_list": GONE})
        else:
            yield scrapy.Request(self.start_url, callback=self.parse_listing, cb_kwargs={"page": 1},
                                 meta={"handle_httpstatus_list": GONE})

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """A robots.txt (its ``Sitemap:`` lines), a sitemap index (its sitemaps) or a urlset (the
        job pages among its URLs, each with its ``lastmod`` for the incremental middleware).

        A start URL that is gone, a sitemap that is not one, and sitemap indexes nested deeper
        than ``JOBCRAWLER_SITEMAP_MAX_DEPTH`` are reported (the listing was not read whole).
        """
        if response.status in GONE:
            self.report("board_not_found", response.url, f"HTTP {response.status}")
            return
        depth = response.request.meta.get("sitemap_depth", 0) if response.request else 0
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                yield scrapy.Request(url, callback=self.parse_sitemap, meta={"sitemap_depth": depth})
            return
        body = self.sitemap_body(response)
        sitemap = Sitemap(body) if body else None
        if sitemap is None or sitemap.type not in ("urlset", "sitemapindex"):
            self.report("malformed_response", response.url, "not a sitemap")
            return
        if sitemap.type == "sitemapindex" and depth >= self.settings.getint(
                "JOBCRAWLER_SITEMAP_MAX_DEPTH", 3):
            self.report("sitemap_too_deep", response.url,
                        f"a sitemap index {depth + 1} levels deep (JOBCRAWLER_SITEMAP_MAX_DEPTH)")
            return
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(loc, callback=self.parse_sitemap,
                                     meta={"sitemap_depth": depth + 1})
            elif self.link_pattern.search(loc):
                yield scrapy.Request(loc, callback=self.parse_job,
                                     meta=self.ad_meta(loc, changed_time(entry.get("lastmod"))))

    def sitemap_body(self, response: Response) -> bytes | None:
        """The XML of a sitemap response (gunzipped within ``DOWNLOAD_MAXSIZE``), or None."""
        if gzip_magic_number(response):
            try:
                return gunzip(response.body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except ValueError:  # over the size limit: a decompression bomb
                return None
        if isinstance(response, XmlResponse) or urlparse(response.url).path.endswith(
                (".xml", ".xml.gz")):
            return response.body
        return None

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
                yield scrapy.Request(url, callback=self.parse_job, meta=self.ad_meta(url))
        next_href = (response.css('a[rel="next"]::attr(href), link[rel="next"]::attr(href)').get())
        if next_href and page < self.max_pages:
            yield response.follow(next_href, callback=self.parse_listing,
                                  cb_kwargs={"page": page + 1})
        elif next_href:  # the listing goes on: not read whole, so nothing may be closed
            self.report("listing_max_pages", response.url, f"stopped after {page} pages")

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
