"""Security: what the crawler fetches, what it stores, what it prints."""

from __future__ import annotations

import asyncio
import ipaddress
import uuid
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from jobcrawler.middlewares import SafeUrlMiddleware, is_private_host
from jobcrawler.spiders.vivid import VividResourcingSpider
from jobcrawler.text import sanitize_html
from tests.cli import run
from tests.conftest import _PG_REASON


@pytest.mark.parametrize(("host", "private"), [
    ("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.10", True), ("172.16.5.4", True),
    ("169.254.169.254", True), ("[::1]", True), ("localhost", True), ("printer.local", True),
    ("0.0.0.0", True), ("www.vividresourcing.com", False), ("8.8.8.8", False),
    ("careers.adeccogroup.com", False),
    # every spelling a resolver reads as an address
    ("127.1", True), ("2130706433", True), ("0177.0.0.1", True), ("0x7f.0.0.1", True),
    ("0x7f000001", True), ("2852039166", True), ("0xa9fea9fe", True), ("0251.0376.0251.0376", True),
    ("[::ffff:127.0.0.1]", True), ("[::ffff:a9fe:a9fe]", True), ("127.0.0.1.", True),
    ("134744072", False), ("cafe.be", False), ("0xcafe.example", False),
])
def test_private_hosts(host, private):
    assert is_private_host(host) is private


FAKE_DNS = {"intranet.example.com": ["127.0.0.1"], "metadata.example.com": ["8.8.8.8", "169.254.169.254"],
            "www.vividresourcing.com": ["93.184.216.34"], "x.be": ["93.184.216.35"]}


async def fake_resolve(host: str) -> list:
    if host not in FAKE_DNS:
        raise OSError("no such host")
    return [ipaddress.ip_address(a) for a in FAKE_DNS[host]]


def middleware(base_url: str, allow: bool = False) -> SafeUrlMiddleware:
    crawler = get_crawler(VividResourcingSpider, {"JOBCRAWLER_ALLOW_PRIVATE_HOSTS": allow})
    crawler.spider = VividResourcingSpider.from_crawler(crawler, site="t", base_url=base_url)
    crawler.stats.open_spider()
    mw = SafeUrlMiddleware.from_crawler(crawler)
    mw.resolver = fake_resolve  # never the real DNS in tests
    return mw


def check(mw: SafeUrlMiddleware, url: str) -> None:
    asyncio.run(mw.process_request(Request(url)))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://x.be/a", "data:text/html,hi",
                                 "http://169.254.169.254/latest/meta-data/",
                                 "http://127.0.0.1:6379/", "http://localhost/admin",
                                 "http://2852039166/latest/meta-data/", "http://0xa9fea9fe/",
                                 "http://127.1:6379/", "http://intranet.example.com/",
                                 "http://metadata.example.com/latest/"])
def test_refused_urls(url):
    mw = middleware("https://www.vividresourcing.com")
    with pytest.raises(IgnoreRequest):
        check(mw, url)
    assert any(k.startswith("jobcrawler/refused/") for k in mw.crawler.stats.get_stats())


def test_the_sites_own_local_host_is_allowed_but_no_other():
    mw = middleware("http://127.0.0.1:8080")
    assert check(mw, "http://127.0.0.1:8080/jobs/") is None
    for url in ("http://10.0.0.5/jobs/", "http://127.1:8080/jobs/", "http://2130706433:8080/jobs/"):
        with pytest.raises(IgnoreRequest):
            check(mw, url)
    assert check(middleware("https://x.be", allow=True), "http://10.0.0.5/") is None
    assert check(mw, "https://www.vividresourcing.com/jobs/") is None
    assert check(mw, "https://unresolvable.example/jobs/") is None  # its download fails instead


def test_remote_control_is_off_like_telnet(monkeypatch):
    from scrapy.extensions.remote_control import RemoteControl
    from scrapy.extensions.telnet import TelnetConsole
    from scrapy.utils.project import get_project_settings

    # tests run in a bare folder: the project's settings by name (passed only after another test
    # had left SCRAPY_SETTINGS_MODULE set in the process)
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "jobcrawler.settings")
    crawler = get_crawler(VividResourcingSpider, dict(get_project_settings()))
    crawler._apply_settings()
    assert crawler.get_extension(TelnetConsole) is None
    assert crawler.get_extension(RemoteControl) is None


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
def test_database_password_never_printed_or_stored(tmp_path: Path):
    """PostgreSQL here trusts every local connection, so a URL with a password still connects."""
    import psycopg

    schema = f"jc_secret_{uuid.uuid4().hex[:8]}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = (f"postgresql+psycopg://postgres:S3cretPassw0rd@127.0.0.1:5432/test"
               f"?options=-csearch_path%3D{schema}")
        log = tmp_path / "crawl.log"
        result = run("replay", "vivid", "--db", url, "--log-file", str(log), "-v")
        assert result.returncode == 0, result.stderr
        failed = run("replay", "vivid", "--db", url.replace("5432", "1"))
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


def test_no_redirect_trick_reaches_an_internal_page(tmp_path):
    """A job page answers 503 (its retry bypasses the offsite filter with dont_filter), then
    redirects to the same machine under another spelling of its address: refused, never stored."""
    from tests.cli import export, run
    from tests.mockserver import MockServer, Reply
    from tests.test_operations import FAST, job_page

    spellings = ["127.1", "2130706433", "0177.0.0.1", "0x7f.0.0.1"]
    internal = job_page(99).replace("Lasser 99", "Internal admin page")
    routes = {"/internal/": [Reply(200, internal)]}
    with MockServer(routes) as server:
        port = server.url.rsplit(":", 1)[1]
        paths = [f"/job/{i}/" for i in range(len(spellings))]
        routes["/jobs/"] = [Reply(200, "".join(f'<a href="{p}">x</a>' for p in paths))]
        for path, host in zip(paths, spellings, strict=True):
            routes[path] = [Reply(503, "busy"), Reply(302, "", {"Location": f"http://{host}:{port}/internal/"})]
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[sites.local]\nplatform = "jsonld"\nurl = "{server.url}/jobs/"\n'
                         'link_pattern = "/job/"\n')
        db = f"sqlite:///{tmp_path / 'ssrf.db'}"
        result = run("crawl", "--sites", str(sites), "--db", db, *FAST)
    assert "/internal/" not in [path for _, path in server.requests]
    assert [ad["title"] for ad in export(db, "--status", "all")] == []
    assert result.stderr.count("Refused http://") == len(spellings)
