"""Downloader middlewares, and the incremental spider middleware."""

from __future__ import annotations

import ipaddress
import logging
import socket
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.error import DNSLookupError
from twisted.internet.task import deferLater

from jobcrawler import resolver as dns
from jobcrawler.extensions import SiteLifecycle
from jobcrawler.items import JobPosting, SeenAd
from jobcrawler.resolver import Address, ip_of, is_private_address
from jobcrawler.signals import AD_META
from jobcrawler.storage.lifecycle import fresh
from jobcrawler.timestamps import utc_time

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def refused_at_connection(request: Request, exception: Exception) -> str | None:
    """The private address for which :class:`jobcrawler.resolver.SafeResolver` refused the
    request's host, when that is why its download failed."""
    if not isinstance(exception, (CannotResolveHostError, DNSLookupError)):
        return None
    return dns.refused_address(urlparse(request.url).hostname or "")


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, honouring ``Retry-After`` on 429 and 503.

    The retry waits as long as the server asks (at most ``RETRY_AFTER_MAX`` seconds; longer
    requests give up on that URL), and the domain's download slot slows down to match, so the
    other requests to that site wait too. Stats: ``jobcrawler/retry_after/waits``.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("RETRY_AFTER_MAX", 120.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Any:
        wait = None
        if response.status in (429, 503) and not request.meta.get("dont_retry"):
            wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None or wait <= 0:
            return super().process_response(request, response)
        if wait > self.max_wait:
            logger.warning("%s asks to retry after %.0f s (over RETRY_AFTER_MAX): giving up",
                           request.url, wait)
            self.crawler.stats.inc_value("jobcrawler/retry_after/too_long")
            return response
        self.crawler.stats.inc_value("jobcrawler/retry_after/waits")
        self._slow_down(request, wait)
        logger.info("%s: %d, retrying after %.1f s as asked", request.url, response.status, wait)
        from twisted.internet import reactor  # the installed one (never import it at module level)

        await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return super().process_response(request, response)

    def process_exception(self, request: Request, exception: Exception) -> Any:
        """Retried as Scrapy does, except an address refused by the resolver (it would be again)."""
        if refused_at_connection(request, exception) is not None:
            return None
        return super().process_exception(request, exception)

    def _slow_down(self, request: Request, wait: float) -> None:
        downloader = self.crawler.engine.downloader if self.crawler.engine else None
        if downloader is None:
            return
        key = request.meta.get("download_slot") or downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, min(wait, self.max_wait))


_PRIVATE_NAMES = ("localhost", ".localhost", ".local", ".internal", ".lan", ".home.arpa")
def is_private_host(host: str) -> bool:
    """True for local-only names and for IP literals (any spelling) of private addresses.

    Names are not resolved here: :class:`SafeUrlMiddleware` resolves them.
    """
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(_PRIVATE_NAMES):
        return True
    address = ip_of(name)
    return address is not None and is_private_address(address)


async def resolve(host: str) -> list[Address]:
    """Every address ``host`` resolves to (in a thread: the reactor never blocks)."""
    from twisted.internet.threads import deferToThread

    infos = await maybe_deferred_to_future(deferToThread(socket.getaddrinfo, host, None))
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


class SafeUrlMiddleware:
    """Only http(s), and no private or loopback hosts unless the site itself is configured there.

    Every request passes here, retries and redirects included (they come back through the
    downloader middlewares, whatever ``dont_filter`` says). An IP literal in any spelling is read as
    the resolver would, and a name is resolved (``JOBCRAWLER_RESOLVE_HOSTS``, cached per host):
    every address it resolves to must be public. A site whose ``base_url`` is on 127.0.0.1 (tests,
    a local mirror) may fetch that host; a link or redirect from page content to another private
    address is refused and counted as ``jobcrawler/refused/<reason>``.
    ``JOBCRAWLER_ALLOW_PRIVATE_HOSTS = True`` lifts the host rule.

    This lookup is not the one Scrapy connects with: a name can resolve differently a moment
    later (DNS rebinding). The address actually used is checked by
    :class:`jobcrawler.resolver.SafeResolver` (``TWISTED_DNS_RESOLVER``), to which this middleware
    tells its site's configured hosts while its spider runs; a page refused there fails as a DNS
    lookup error, is not retried, and is counted as ``jobcrawler/refused/private_address``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.allow_private = settings.getbool("JOBCRAWLER_ALLOW_PRIVATE_HOSTS")
        # replay never reaches the network: nothing to resolve
        self.resolve_names = (settings.getbool("JOBCRAWLER_RESOLVE_HOSTS", True)
                              and not settings.getbool("JOBCRAWLER_REPLAY"))
        self.resolver = resolve
        self._resolved: dict[str, list[Address]] = {}
        self._allowed: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SafeUrlMiddleware:
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_opened(self) -> None:
        """Tell the process's resolver which names this crawl lets resolve to private addresses."""
        self._allowed = {dns.EVERY_HOST} if self.allow_private else self._configured_hosts()
        dns.allow(self._allowed)

    def spider_closed(self) -> None:
        dns.release(self._allowed)
        self._allowed = set()

    async def process_request(self, request: Request) -> None:
        parsed = urlparse(request.url)
        if parsed.scheme not in ("http", "https"):
            self._refuse(request, "scheme", f"scheme {parsed.scheme!r}")
        host = (parsed.hostname or "").rstrip(".")
        if self.allow_private or host in self._configured_hosts():
            return
        if is_private_host(host):
            self._refuse(request, "private_host", f"private or loopback host {host!r}")
        if not self.resolve_names or ip_of(host) is not None:
            return
        if host not in self._resolved:
            try:
                self._resolved[host] = await self.resolver(host)
            except OSError:  # unresolvable: the download fails and is counted there
                self._resolved[host] = []
        private = [str(a) for a in self._resolved[host] if is_private_address(a)]
        if private:
            self._refuse(request, "private_host", f"{host!r} resolves to {', '.join(private)}")

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A private address refused by the resolver as the download connected: counted and
        logged like a refusal here (the page fails as a DNS lookup error)."""
        address = refused_at_connection(request, exception)
        if address is not None:
            self.crawler.stats.inc_value("jobcrawler/refused/private_address")
            logger.warning("Refused %s at connection: %r resolves to the private address %s",
                           request.url, urlparse(request.url).hostname, address)

    def _configured_hosts(self) -> set[str]:
        spider = self.crawler.spider
        return {urlparse(getattr(spider, attr, "") or "").hostname or ""
                for attr in ("base_url", "start_url")} - {""}

    def _refuse(self, request: Request, reason: str, detail: str) -> None:
        self.crawler.stats.inc_value(f"jobcrawler/refused/{reason}")
        logger.warning("Refused %s: %s", request.url, detail)
        raise IgnoreRequest(f"refused: {detail}")


class DownloadErrorMiddleware:
    """The last word on a download that failed for good (after retries): one warning line and a
    ``jobcrawler/download_errors/<error>`` count instead of a traceback per URL. A crawl with such
    errors did not see everything, so it is not clean and closes no ads."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DownloadErrorMiddleware:
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return
        name = type(exception).__name__
        self.crawler.stats.inc_value(f"jobcrawler/download_errors/{name}")
        logger.warning("Could not download %s: %s: %s", request.url, name,
                       str(exception)[:200] or "no detail")
        raise IgnoreRequest(f"download failed: {name}") from exception


class IncrementalMiddleware(BaseSpiderMiddleware):
    """What the listing says, told to the lifecycle extension, and incremental re-crawls.

    - A request for an ad's page (request meta ``jobcrawler_ad``, set by ``JobSpider.ad_meta``)
      names a listed ad. A known ad the site says has not changed since we last fetched it is not
      fetched again: the request becomes a :class:`~jobcrawler.items.SeenAd`
      (``jobcrawler/incremental/not_fetched``); every ad is fetched again after
      ``JOBCRAWLER_FULL_REFRESH_DAYS``. ``JOBCRAWLER_INCREMENTAL = False`` fetches everything.
    - An item names a listed ad too (API listings give items, not requests).
    - A request without an errback gets the spider's ``page_failed``, so no failed page goes
      uncounted.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.incremental = crawler.settings.getbool("JOBCRAWLER_INCREMENTAL", True)
        self.refresh_days = crawler.settings.getfloat("JOBCRAWLER_FULL_REFRESH_DAYS", 7)

    @property
    def lifecycle(self) -> SiteLifecycle | None:
        return self.crawler.get_extension(SiteLifecycle)

    def get_processed_request(self, request: Request, response: Response | None) -> Any:
        errback = getattr(self.crawler.spider, "page_failed", None)
        if request.errback is None and errback is not None:
            request.errback = errback
        ad = request.meta.get(AD_META)
        lifecycle = self.lifecycle
        if not isinstance(ad, dict) or lifecycle is None:
            return request
        key = ad.get("key")
        if key not in lifecycle.asked:
            self.crawler.stats.inc_value("jobcrawler/ads/listed")
        lifecycle.ad_asked(key)
        known = lifecycle.known_ad(key)
        if not self.incremental or known is None or known.fetched_at is None:
            return request
        changed_at = known.fetched_at if ad.get("assume_unchanged") else utc_time(ad.get("changed_at"))
        if not fresh(known, changed_at, datetime.now(UTC), self.refresh_days):
            return request
        self.crawler.stats.inc_value("jobcrawler/incremental/not_fetched")
        lifecycle.ad_answered(key)
        return SeenAd(source=lifecycle.source, source_id=known.source_id)

    def process_spider_input(self, response: Response) -> None:
        """An ad's page reached its callback: it came to an end (whatever the callback makes of it)."""
        ad = response.meta.get(AD_META)
        if isinstance(ad, dict) and (lifecycle := self.lifecycle) is not None:
            lifecycle.ad_answered(ad.get("key"))

    def get_processed_item(self, item: Any, response: Response | None) -> Any:
        lifecycle = self.lifecycle
        if isinstance(item, JobPosting) and lifecycle is not None:
            if response is None or AD_META not in response.meta:  # not counted as a request
                self.crawler.stats.inc_value("jobcrawler/ads/listed")
            if item.source_id:
                lifecycle.ad_listed(source_id=" ".join(str(item.source_id).split()))
        return item


