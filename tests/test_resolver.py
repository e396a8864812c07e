"""The resolver Scrapy connects with refuses private addresses (DNS rebinding).

No test reaches a real DNS server: ``socket.getaddrinfo`` (the middleware's lookup) and
``socket.gethostbyname`` (Scrapy's threaded resolver) answer from a table for the test's names.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.settings import Settings
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.test import get_crawler

from jobcrawler import resolver as dns
from jobcrawler.resolver import PrivateAddressError, SafeResolver, checked
from tests.cli import in_reactor
from tests.mockserver import MockServer, Reply


@pytest.fixture
def allowance() -> Iterator[list[str]]:
    """Hosts allowed for the test, taken back afterwards."""
    hosts: list[str] = []
    yield hosts
    dns.release(hosts)


@pytest.mark.parametrize(("address", "name", "allowed", "refused"), [
    ("93.184.216.34", "www.example.com", [], False),
    ("8.8.8.8", "dns.example", [], False),
    ("2606:2800:220:1::", "v6.example", [], False),
    ("127.0.0.1", "rebind.example", [], True),
    ("169.254.169.254", "metadata.example", [], True),
    ("10.1.2.3", "intranet.example", [], True),
    ("192.168.1.1", "router.example", [], True),
    ("0.0.0.0", "zero.example", [], True),
    ("::1", "v6.example", [], True),
    ("::ffff:127.0.0.1", "mapped.example", [], True),
    ("fe80::1%eth0", "scoped.example", [], True),
    ("127.0.0.1", "2130706433", [], True),  # a numeric spelling the C library resolves
    # a running crawler's configured site host, in any case and with a final dot
    ("127.0.0.1", "jobs.mirror.test", ["jobs.mirror.test"], False),
    ("127.0.0.1", "JOBS.Mirror.test.", ["jobs.mirror.test"], False),
    ("127.0.0.1", "other.mirror.test", ["jobs.mirror.test"], True),
    ("10.0.0.7", "anything.example", [dns.EVERY_HOST], False),  # JOBCRAWLER_ALLOW_PRIVATE_HOSTS
])
def test_private_addresses_are_refused_unless_allowed(allowance, address, name, allowed, refused):
    allowance.extend(allowed)
    dns.allow(allowed)
    if refused:
        with pytest.raises(PrivateAddressError, match="refused"):
            checked(address, name)
    else:
        assert checked(address, name) == address


def test_an_allowance_lasts_while_one_crawler_holds_it():
    dns.allow(["a.test"])
    dns.allow(["a.test", "b.test"])
    dns.release(["a.test", "b.test"])
    assert dns.is_allowed("a.test") and not dns.is_allowed("b.test")
    dns.release(["a.test"])
    assert not dns.is_allowed("a.test")


def project_settings() -> Settings:
    """The project's settings (tests run in a bare folder: by module, not scrapy.cfg)."""
    settings = Settings()
    settings.setmodule("jobcrawler.settings", priority="project")
    return settings


class FakeDns:
    """Answers for the test's names, in turn (the last repeats); every other name as before."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []
        real_getaddrinfo, real_gethostbyname = socket.getaddrinfo, socket.gethostbyname

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            if host not in answers:
                return real_getaddrinfo(host, *args, **kwargs)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (self.answer(host), 0))]

        def gethostbyname(host: str) -> str:
            return self.answer(host) if host in answers else real_gethostbyname(host)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket, "gethostbyname", gethostbyname)

    def answer(self, host: str) -> str:
        self.asked.append(host)
        replies = self.answers[host]
        return replies[min(self.asked.count(host), len(replies)) - 1]


def test_the_resolver_checks_every_answer_cached_or_not(monkeypatch):
    from twisted.internet import reactor

    name = f"rebind-{uuid.uuid4().hex[:8]}.test"
    FakeDns(monkeypatch, {name: ["127.0.0.1"]})
    resolver = SafeResolver(reactor, cache_size=100, timeout=5)

    async def lookup() -> Any:
        from scrapy.utils.defer import maybe_deferred_to_future

        try:
            return await maybe_deferred_to_future(resolver.getHostByName(name))
        except PrivateAddressError as exc:
            return exc

    assert isinstance(in_reactor(lookup()), PrivateAddressError)
    dns.allow([name])
    try:
        assert in_reactor(lookup()) == "127.0.0.1"  # from the cache, now allowed
    finally:
        dns.release([name])
    assert isinstance(in_reactor(lookup()), PrivateAddressError)  # from the cache, refused again


def test_the_project_connects_through_the_safe_resolver():
    from twisted.internet import reactor

    settings = project_settings()
    assert load_object(settings["TWISTED_DNS_RESOLVER"]) is SafeResolver

    async def install() -> Any:
        return dns.install_resolver(Settings({"TWISTED_DNS_RESOLVER": settings["TWISTED_DNS_RESOLVER"]}))

    previous = in_reactor(install())
    try:
        assert isinstance(reactor.resolver, SafeResolver)
    finally:
        reactor.installResolver(previous)


@pytest.mark.parametrize(("allow_private", "allowed", "refused"), [
    (False, ["127.0.0.1", "www.vividresourcing.com"], ["other.example"]),
    (True, ["127.0.0.1", "www.vividresourcing.com", "other.example"], []),
])
def test_each_crawler_tells_the_resolver_its_hosts_while_it_runs(allow_private, allowed, refused):
    from jobcrawler.middlewares import SafeUrlMiddleware
    from jobcrawler.spiders.vivid import VividResourcingSpider

    crawler = get_crawler(VividResourcingSpider, {"JOBCRAWLER_ALLOW_PRIVATE_HOSTS": allow_private})
    crawler.spider = VividResourcingSpider.from_crawler(
        crawler, site="t", base_url="https://www.vividresourcing.com", start_url="http://127.0.0.1:8080/")
    mw = SafeUrlMiddleware.from_crawler(crawler)
    mw.spider_opened()
    try:
        assert [h for h in allowed + refused if dns.is_allowed(h)] == allowed
    finally:
        mw.spider_closed()
    assert not any(dns.is_allowed(h) for h in allowed)


class LinkSpider(Spider):
    """Fetches its site's ``/jobs/`` page and every link on it; failed pages are counted."""

    name = "links"

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url
        self.failed: list[str] = []

    async def start(self) -> Any:
        yield Request(f"{self.base_url}/jobs/", errback=self.page_failed)

    def parse(self, response: Any) -> Any:
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, errback=self.page_failed)
        yield {"url": response.url}

    def page_failed(self, failure: Any) -> None:
        self.failed.append(failure.request.url)


def crawl_site(site: str, link: str, server: MockServer) -> tuple[Any, LinkSpider]:
    """Crawl ``site`` (its listing links to ``link``) in this process, connecting through the
    project's ``TWISTED_DNS_RESOLVER`` installed as ``CrawlerProcess`` installs it."""
    from twisted.internet import reactor

    project = project_settings()
    server.routes["/jobs/"] = [Reply(200, f'<a href="{link}">an ad</a>')]
    crawler = get_crawler(LinkSpider, {
        "DOWNLOADER_MIDDLEWARES": project["DOWNLOADER_MIDDLEWARES"],
        "TWISTED_DNS_RESOLVER": project["TWISTED_DNS_RESOLVER"],
        "ROBOTSTXT_OBEY": False, "RETRY_TIMES": 2, "DNSCACHE_ENABLED": True,
    })

    async def run() -> Any:
        resolver = build_from_crawler(load_object(crawler.settings["TWISTED_DNS_RESOLVER"]),
                                      crawler, reactor=reactor)
        previous = reactor.resolver
        resolver.install_on_reactor()
        try:
            await crawler.crawl_async(base_url=site)
        finally:
            reactor.installResolver(previous)

    in_reactor(run())
    return crawler.stats.get_stats(), crawler.spider


def test_a_name_rebound_to_loopback_after_the_check_is_not_connected_to(monkeypatch):
    """The middleware's lookup of a linked name answers a public address, Scrapy's lookup a moment
    later 127.0.0.1 (the mock server): no request reaches it; the page fails, counted, once."""
    tag = uuid.uuid4().hex[:8]
    site, evil = f"jobs-{tag}.test", f"evil-{tag}.test"
    fake = FakeDns(monkeypatch, {site: ["127.0.0.1"], evil: ["93.184.216.34", "127.0.0.1"]})
    with MockServer({"/internal/": [Reply(200, "internal admin page")]}) as server:
        port = server.url.rsplit(":", 1)[1]
        stats, spider = crawl_site(f"http://{site}:{port}", f"http://{evil}:{port}/internal/", server)
    assert ("GET", "/jobs/") in server.requests  # the configured site host resolves to loopback
    assert ("GET", "/internal/") not in server.requests
    assert fake.asked.count(evil) == 2  # the middleware's check, then the connection's lookup
    assert spider.failed == [f"http://{evil}:{port}/internal/"]
    assert stats["jobcrawler/refused/private_address"] == 1
    assert stats["jobcrawler/download_errors/CannotResolveHostError"] == 1
    assert "retry/count" not in stats  # refused, not retried
    assert stats["item_scraped_count"] == 1
    assert not dns.is_allowed(site)  # taken back when the spider closed


def test_a_link_to_a_name_on_loopback_is_refused_before_any_connection(monkeypatch):
    """The same name is allowed as the configured site host and refused as a mere link (the
    middleware's early refusal, ``jobcrawler/refused/private_host``)."""
    tag = uuid.uuid4().hex[:8]
    site, other = f"jobs-{tag}.test", f"other-{tag}.test"
    FakeDns(monkeypatch, {site: ["127.0.0.1"], other: ["127.0.0.1"]})
    with MockServer({"/internal/": [Reply(200, "internal admin page")]}) as server:
        port = server.url.rsplit(":", 1)[1]
        stats, spider = crawl_site(f"http://{site}:{port}", f"http://{other}:{port}/internal/", server)
    assert ("GET", "/jobs/") in server.requests
    assert ("GET", "/internal/") not in server.requests
    assert stats["jobcrawler/refused/private_host"] == 1
    assert spider.failed == [f"http://{other}:{port}/internal/"]


def test_an_ad_page_rebound_to_loopback_fails_and_its_ad_stays_open(monkeypatch, tmp_path):
    """``jobcrawler crawl`` (in this process) on a site whose configured host is a name on the
    loopback mock server: the first night stores 6 ads; the second, one ad page answers 503, then
    redirects to a name whose DNS says public to the check and loopback to the connection. No
    request reaches the internal page; that ad's page counts as failed and its ad stays open.
    (The host is a subdomain of the site's: the spiders' ``allowed_domains`` filter any other.)"""
    from tests.cli import export, run
    from tests.test_lifecycle import jsonld_site, listing, site_row
    from tests.test_operations import FAST, job_page

    tag = uuid.uuid4().hex[:8]
    # a subdomain of the site: Scrapy's offsite filter (allowed_domains) lets it through
    site = f"jobs-{tag}.test"
    evil = f"internal.{site}"
    FakeDns(monkeypatch, {site: ["127.0.0.1"], evil: ["93.184.216.34", "127.0.0.1"]})
    paths = [f"/job/{i}/" for i in range(6)]
    routes = {"/jobs/": [listing(paths)], "/internal/": [Reply(200, job_page(99))],
              **{p: [Reply(200, job_page(i))] for i, p in enumerate(paths)}}
    db = f"sqlite:///{tmp_path / 'rebind.db'}"
    with MockServer(routes) as server:
        port = server.url.rsplit(":", 1)[1]
        sites = jsonld_site(tmp_path, f"http://{site}:{port}")
        first = run("crawl", "--sites", str(sites), "--db", db, *FAST)
        assert first.returncode == 0, first.stdout + first.stderr
        routes["/job/1/"] = [Reply(503, "busy"),
                             Reply(302, "", {"Location": f"http://{evil}:{port}/internal/"})]
        second = run("crawl", "--sites", str(sites), "--db", db, *FAST,
                     "-s", "JOBCRAWLER_INCREMENTAL=0")
    assert "/internal/" not in [path for _, path in server.requests]
    assert "Traceback" not in second.stderr
    assert f"Refused http://{evil}:{port}/internal/ at connection" in second.stderr
    assert sorted(ad["title"] for ad in export(db)) == [f"Lasser {i}" for i in range(6)]
    assert export(db, "--status", "closed") == []
    stats = site_row(tmp_path / "rebind.db")["stats"]
    assert stats["jobcrawler/refused/private_address"] == 2  # the page and that host's robots.txt
    assert stats["jobcrawler/ads/failed"] == 1 and stats["jobcrawler/dropped/download_failed"] == 1
