"""The shared base of every jobcrawler spider: site configuration, item creation, counted drops.

Spiders only fetch and yield: they name the ad each ad-page request fetches (:meth:`JobSpider.ad_meta`)
and leave what is known, seen, skipped or closed to the lifecycle extension and the incremental
middleware. They read a response with ``jobcrawler.extract``'s functions into the fields the site
states; the rest of extraction ("Label: value" lines, an agency naming itself) is the
``ExtractPipeline``'s. They import nothing from ``normalize/``, ``storage/`` or ``ops/``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, urlparse

import scrapy

from jobcrawler.extract.item import EMPTY
from jobcrawler.items import JobPosting
from jobcrawler.signals import AD_META, page_failed
from jobcrawler.sites import Registry, SiteConfigError, read_registry, sites_path
from jobcrawler.timestamps import utc_time
from jobcrawler.urls import ad_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

#: Statuses that mean "this board or listing does not exist (any more)": handled and reported.
GONE = [404, 410]


def _registry(path: str | None) -> Registry:
    """The registry, read once per version of the file: ``jobcrawler crawl`` creates one spider per
    site, and reading 10,000 tables for each of 10,000 sites took most of a big run's time."""
    file = sites_path(path)
    try:
        stat = file.stat()
    except OSError:
        return read_registry(path)  # its own clear error
    return _read_registry(str(file.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _read_registry(path: str, _mtime_ns: int, _size: int) -> Registry:
    return read_registry(path)


class JobSpider(scrapy.Spider):
    """Base of the platform spiders.

    Arguments (``-a key=value`` or a ``sites.toml`` table): ``site`` (the configured site name; its
    table fills in the other arguments), ``base_url`` (the site root, or a local mirror such as
    ``http://127.0.0.1:8080`` for tests), and the hints ``employer``, ``agency``, ``country``,
    ``language``.
    """

    #: The site root when neither ``base_url`` nor the site table gives one.
    default_base_url: ClassVar[str | None] = None
    #: Hosted platforms with a host per customer: the root for ``-a company=NAME``
    #: (e.g. ``"https://{company}.recruitee.com"``); ``base_url`` still wins (a custom domain).
    company_url: ClassVar[str | None] = None

    def __init__(self, site: str | None = None, base_url: str | None = None,
                 employer: str | None = None, agency: str | None = None,
                 country: str | None = None, language: str | None = None,
                 countries: str | list[str] | None = None, company: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not base_url and company and self.company_url:
            base_url = self.company_url.format(company=quote(company, safe=""))
        self.site = site or self.name
        self.base_url = (base_url or self.default_base_url or "").rstrip("/")
        if not self.base_url:
            raise ValueError(f"spider {self.name!r} needs -a base_url=URL or -a site=NAME")
        self.employer = employer
        self.agency = agency
        self.country = country.upper() if country else None
        self.language = language
        if isinstance(countries, str):
            countries = [c.strip() for c in countries.split(",") if c.strip()]
        self.countries = [c.upper() for c in countries] if countries else None
        host = urlparse(self.base_url).hostname
        if host:
            self.allowed_domains = [host]

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> JobSpider:
        """``-a site=NAME``: the site's registry table fills in the arguments not given.

        A site name that is not in the registry is fine when the other arguments are given
        (``-a site=test -a board=acme``); alone, it is an error, unless
        ``JOBCRAWLER_SITE_FROM_ARGS`` says the arguments are the site's whole table (a Scrapyd
        job: its node has no registry file, and a table may hold nothing but the platform).
        """
        site = kwargs.get("site")
        if site and not crawler.settings.getbool("JOBCRAWLER_SITE_FROM_ARGS"):
            try:  # another site's broken table is no concern of this one
                registry = _registry(crawler.settings.get("JOBCRAWLER_SITES"))
            except SiteConfigError:
                if set(kwargs) == {"site"}:
                    raise
                registry = None
            sites = registry.sites if registry else {}
            if site in sites:
                kwargs = {**sites[site].spider_kwargs(), **kwargs}
            elif set(kwargs) == {"site"}:
                if registry and site in registry.broken:
                    raise SiteConfigError(registry.broken[site])
                raise ValueError(f"site {site!r} is not in the registry ({', '.join(sites)})")
        return super().from_crawler(crawler, *args, **kwargs)

    # --- what the lifecycle needs to know ----------------------------------------------------
    @staticmethod
    def ad_meta(key: str, changed_at: datetime | None = None, assume_unchanged: bool = False,
                **meta: Any) -> dict[str, Any]:
        """Request meta for the page of one listed ad: ``key`` is its URL (taken in its canonical
        form, :func:`jobcrawler.urls.ad_url`: no tracking or session parameters) or ``id:<source_id>``;
        ``changed_at`` is when the site says it last changed (sitemap ``lastmod``, posting date);
        ``assume_unchanged`` is for platforms that say nothing. The incremental middleware skips
        a known ad that has not changed; the lifecycle keeps a listed ad open if its page fails.
        """
        if not key.startswith("id:"):
            key = ad_url(key)
        ad = {"key": key, "changed_at": changed_at.isoformat() if changed_at else None,
              "assume_unchanged": assume_unchanged}
        return {AD_META: ad, **meta}

    def page_failed(self, failure: Failure) -> None:
        """The errback of every request (set by the incremental middleware): tells the lifecycle
        extension (signal ``page_failed``), which counts it and keeps the ad open."""
        request = getattr(failure, "request", None)
        if request is None:
            response = getattr(failure.value, "response", None)
            request = getattr(response, "request", None)
        if request is not None:
            self.crawler.signals.send_catch_log(signal=page_failed, request=request,
                                                failure=failure)

    def url(self, path: str) -> str:
        """An absolute URL on the configured site."""
        return f"{self.base_url}/{path.lstrip('/')}"

    def new_item(self, response: Response, **fields: Any) -> JobPosting:
        """An item for ``response`` with the site's identity and hints filled in, and the
        ``fields`` that have a value.

        The description's "Label: value" lines fill the raw fields left empty later, in the
        ``ExtractPipeline`` (:func:`jobcrawler.extract.item.complete_item`).
        """
        item = JobPosting(
            source=self.site,
            url=response.url,
            employer=self.employer,
            agency=self.agency,
            country_hint=self.country,
            language_hint=self.language,
            crawled_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        for key, value in fields.items():
            if value not in EMPTY:
                setattr(item, key, value)
        return item

    def report(self, reason: str, url: str, detail: str) -> None:
        """A problem with the site itself, not with one ad (stats ``jobcrawler/errors/<reason>``):
        the crawl is then not clean, closes no ads, and the run's exit status says so."""
        self.crawler.stats.inc_value(f"jobcrawler/errors/{reason}")
        logger.warning("%s: %s at %s (%s)", self.site, reason, url, detail)

    def drop(self, reason: str, response: Response, detail: str = "") -> None:
        """Count and log a page that gives no item (stats key ``jobcrawler/dropped/<reason>``)."""
        self.crawler.stats.inc_value(f"jobcrawler/dropped/{reason}")
        logger.warning("Dropped %s: %s%s", response.url, reason, f" ({detail})" if detail else "")


def changed_time(value: Any) -> datetime | None:
    """When a site says an ad last changed (a sitemap ``lastmod``, a platform's release date), for
    :meth:`JobSpider.ad_meta`: an ISO 8601 date or time, UTC unless it says otherwise; a bare date
    counts as its last second (changed that day). None when it is not one.

    :func:`jobcrawler.timestamps.utc_time` but for the bare date, on purpose: a ``lastmod`` of
    "2026-11-25" means changed some time that day, so an ad fetched on it earlier is not fresh."""
    moment = utc_time(value)
    if moment is not None and len(value.strip()) <= 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment
