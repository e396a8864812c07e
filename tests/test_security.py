"""Security: what the crawler fetches, what it stores, what it prints."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import deferred_f_from_coro_f
from scrapy.utils.test import get_crawler

from jobcrawler.middlewares import SafeUrlMiddleware, is_private_host
from jobcrawler.normalize.text import sanitize_html
from jobcrawler.spiders.vivid import VividResourcingSpider
from tests.cli import crawl, run
from tests.conftest import _PG_REASON


@pytest.mark.parametrize(("host", "private"), [
    ("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.10", True), ("172.16.5.4", True),
    ("169.254.169.254", True), ("[::1]", True), ("localhost", True), ("printer.local", True),
    ("0.0.0.0", True), ("www.vividresourcing.com", False), ("8.8.8.8", False),
    ("careers.adeccogroup.com", False),
])
def test_private_hosts(host, private):
    assert is_private_host(host) is private


def middleware(base_url: str, allow: bool = False) -> SafeUrlMiddleware:
    crawler = get_crawler(VividResourcingSpider, {"JOBCRAWLER_ALLOW_PRIVATE_HOSTS": allow})
    crawler.spider = VividResourcingSpider.from_crawler(crawler, site="t", base_url=base_url)
    crawler.stats.open_spider()
    return SafeUrlMiddleware.from_crawler(crawler)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://x.be/a", "data:text/html,hi",
                                 "http://169.254.169.254/latest/meta-data/",
                                 "http://127.0.0.1:6379/", "http://localhost/admin"])
def test_refused_urls(url):
    mw = middleware("https://www.vividresourcing.com")
    with pytest.raises(IgnoreRequest):
        mw.process_request(Request(url))
    assert any(k.startswith("jobcrawler/refused/") for k in mw.crawler.stats.get_stats())


def test_the_sites_own_local_host_is_allowed_but_no_other():
    mw = middleware("http://127.0.0.1:8080")
    assert mw.process_request(Request("http://127.0.0.1:8080/jobs/")) is None
    with pytest.raises(IgnoreRequest):
        mw.process_request(Request("http://10.0.0.5/jobs/"))
    assert middleware("https://x.be", allow=True).process_request(Request("http://10.0.0.5/")) is None
    assert mw.process_request(Request("https://www.vividresourcing.com/jobs/")) is None


@pytest.mark.parametrize(("dirty", "absent"), [
    ('<p>Hi</p><script>alert(1)</script>', "<script"),
    ('<p onclick="steal()">Hi</p>', "onclick"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ("<style>body{display:none}</style><p>x</p>", "<style"),
    ('<img src=x onerror="alert(1)">', "onerror"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;&lt;p&gt;escaped twice&lt;/p&gt;", "<script"),
    ('<iframe src="https://evil.test"></iframe><p>x</p>', "<iframe"),
])
def test_description_html_is_sanitised(dirty, absent):
    clean = sanitize_html(dirty)
    assert absent not in (clean or "").lower()


@pytest.mark.skipif(bool(_PG_REASON), reason=_PG_REASON or "")
@deferred_f_from_coro_f
async def test_database_password_never_printed_or_stored(tmp_path: Path):
    """PostgreSQL here trusts every local connection, so a URL with a password still connects."""
    import psycopg

    schema = f"jc_secret_{uuid.uuid4().hex[:8]}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = (f"postgresql+psycopg://postgres:S3cretPassw0rd@127.0.0.1:5432/test"
               f"?options=-csearch_path%3D{schema}")
        log = tmp_path / "crawl.log"
        result = await crawl("replay", "vivid", "--db", url, "--log-file", str(log), "-v")
        assert result.returncode == 0, result.stderr
        failed = await crawl("replay", "vivid", "--db", url.replace("5432", "1"))
        assert failed.returncode == 3
        texts = [result.stdout, result.stderr, log.read_text(), failed.stderr, failed.stdout,
                 run("runs", "--db", url).stdout]
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=test") as conn:
            texts += [str(row) for row in conn.execute(
                f'SELECT stats, problems FROM "{schema}".run_sites')]
            texts += [str(row) for row in conn.execute(f'SELECT * FROM "{schema}".runs')]
        assert not [t for t in texts if "S3cretPassw0rd" in t]
    finally:
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
