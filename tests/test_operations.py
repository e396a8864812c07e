"""Nightly operations: failing sites, suspicious drops, Retry-After, against fixtures and a local
server on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from jobcrawler.middlewares import retry_after_seconds
from tests.cli import export as _export
from tests.cli import run
from tests.conftest import FIXTURES, ROOT
from tests.mockserver import MockServer, Reply

#: No politeness delays against the local test server (retries and Retry-After still apply).
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]


def copy_fixtures(tmp_path: Path, site: str = "vivid") -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(FIXTURES / site, target / site)
    return target


def edit_index(fixtures: Path, site: str, url_part: str, **changes) -> None:
    index_path = fixtures / site / "responses.json"
    index = json.loads(index_path.read_text())
    for entry in index:
        if entry["url"].endswith(url_part):
            entry.update(changes)
    index_path.write_text(json.dumps(index))


def test_site_answering_500_fails_alone_and_closes_nothing(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ops.db'}"
    assert (run("replay", "--db", db)).returncode == 0
    fixtures = copy_fixtures(tmp_path)
    shutil.copytree(FIXTURES / "adecco", fixtures / "adecco")
    edit_index(fixtures, "vivid", "/jobs/", status=500)
    result = run("replay", "--db", db, "--fixtures", str(fixtures))
    assert result.returncode == 1, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:3]}
    assert rows["adecco"][-1] == "ok" and rows["vivid"][-1] == "failed"
    assert "listing failed (1)" in result.stdout  # its listing page, after all retries
    assert len(_export(db, "--source", "vivid")) == 2  # its ads stay open
    assert len(_export(db, "--source", "adecco")) == 2


def test_empty_listing_is_suspicious_and_closes_nothing(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ops.db'}"
    assert (run("replay", "vivid", "--db", db)).returncode == 0
    fixtures = copy_fixtures(tmp_path)
    (fixtures / "vivid" / "pages" / "jobs-page-1.html").write_text(
        "<html><body><h1>Latest jobs</h1><p>No jobs found.</p></body></html>")
    result = run("replay", "vivid", "--db", db, "--fixtures", str(fixtures))
    assert result.returncode == 1
    assert "saw 0 ads, under 50% of the last clean crawl (2)" in result.stdout
    assert len(_export(db)) == 2


def test_clean_crawl_closes_ads_no_longer_listed(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ops.db'}"
    assert (run("replay", "vivid", "--db", db)).returncode == 0
    fixtures = copy_fixtures(tmp_path)
    edit_index(fixtures, "vivid", "/job/sap-basis-consultant-brussels/", status=404,
               body="pages/not-found.html")
    result = run("replay", "vivid", "--db", db, "--fixtures", str(fixtures))
    assert result.returncode == 0, result.stdout
    [closed] = _export(db, "--status", "closed")
    assert closed["source_id"] == "sap-basis-consultant-brussels"
    assert closed["closed_at"] is not None
    assert len(_export(db)) == 1


def job_page(n: int) -> str:
    posting = {"@context": "https://schema.org", "@type": "JobPosting", "title": f"Lasser {n}",
               "datePosted": "2025-12-01", "description": "<p>Vast contract in Gent.</p>",
               "jobLocation": {"address": {"addressLocality": "Gent", "addressCountry": "BE"}}}
    return (f'<html><head><script type="application/ld+json">{json.dumps(posting)}</script>'
            f"</head><body><h1>Lasser {n}</h1></body></html>")


def local_site(tmp_path: Path, url: str) -> Path:
    sites = tmp_path / "sites.toml"
    sites.write_text(f"""
[sites.local]
platform = "listing"
base_url = "{url}"
listing_url = "{url}/jobs/"
job_link_css = "a.job::attr(href)"
""")
    return sites


def test_retry_after_is_honoured(tmp_path: Path) -> None:
    listing = '<html><body><a class="job" href="/job/1/">1</a></body></html>'
    routes = {
        "/jobs/": [Reply(429, "slow down", {"Retry-After": "1"}), Reply(200, listing)],
        "/job/1/": [Reply(503, "busy", {"Retry-After": "1"}), Reply(200, job_page(1))],
    }  # whole seconds (RFC 9110 delay-seconds): the shortest wait a server can ask
    with MockServer(routes) as server:
        sites = local_site(tmp_path, server.url)
        db = f"sqlite:///{tmp_path / 'ra.db'}"
        result = run("crawl", "--sites", str(sites), "--db", db, *FAST)
    assert result.returncode == 0, result.stdout + result.stderr
    first, second = server.hits["/jobs/"]
    assert second - first >= 1.0
    first, second = server.hits["/job/1/"]
    assert second - first >= 1.0
    [ad] = _export(db)
    assert ad["title"] == "Lasser 1" and ad["locations"][0]["city"] == "Gent"


@pytest.mark.parametrize(("value", "expected"), [
    ("120", 120.0), (b"5", 5.0), ("", None), (None, None), ("soon", None),
    ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
])
def test_retry_after_header_values(value, expected) -> None:
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    assert retry_after_seconds(value, now) == expected


def test_retry_after_date_in_the_past_is_zero() -> None:
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC) + timedelta(hours=1)
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:30 GMT", now) == 0.0


def sitemap(url: str, lastmods: dict[int, str]) -> str:
    entries = "".join(f"<url><loc>{url}/job/{i}/</loc><lastmod>{day}</lastmod></url>"
                      for i, day in lastmods.items())
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>')


def test_incremental_second_run_fetches_only_what_changed(tmp_path: Path) -> None:
    n = 50
    old = {i: "2025-11-01T08:00:00+00:00" for i in range(n)}
    routes: dict[str, list[Reply]] = {f"/job/{i}/": [Reply(200, job_page(i))] for i in range(n)}
    routes["/sitemap.xml"] = [Reply(200, "", {"Content-Type": "application/xml"})]
    db = f"sqlite:///{tmp_path / 'inc.db'}"
    sites = tmp_path / "sites.toml"
    with MockServer(routes) as server:
        sites.write_text(f'[sites.inc]\nplatform = "jsonld"\nurl = "{server.url}/sitemap.xml"\n'
                         'link_pattern = "/job/"\n')

        def crawl_paths(lastmods: dict[int, str]) -> list[str]:
            routes["/sitemap.xml"][0].body = sitemap(server.url, lastmods)
            server.requests.clear()
            result = run("crawl", "--sites", str(sites), "--db", db, *FAST)
            assert result.returncode == 0, result.stdout + result.stderr
            return [path for _, path in server.requests]

        first = crawl_paths(old)
        assert sum(1 for path in first if path.startswith("/job/")) == n
        second = crawl_paths(old)  # nothing changed
        assert [path for path in second if path.startswith("/job/")] == []
        assert len(second) / len(first) <= 0.05
        ads = _export(db)
        assert len(ads) == n and all(ad["status"] == "open" for ad in ads)
        changed = {**old, 7: "2099-01-01T00:00:00+00:00"}  # one ad changed (2%)
        third = crawl_paths(changed)
        assert [path for path in third if path.startswith("/job/")] == ["/job/7/"]
        assert len(third) / len(first) <= 0.07
        del changed[3]  # an ad no longer listed is still detected, and closed
        crawl_paths(changed)
    [closed] = _export(db, "--status", "closed")
    assert closed["url"].endswith("/job/3/")


@pytest.mark.parametrize(("settings", "expected"), [
    ({}, "jobcrawler/0.1.0 (+https://github.com/jobcrawler/jobcrawler)"),
    ({"JOBCRAWLER_CONTACT": "mailto:ops@example.org"}, "jobcrawler/0.1.0 (+mailto:ops@example.org)"),
    ({"USER_AGENT": "Mine/1"}, "Mine/1"),
])
def test_user_agent_names_the_project_and_its_contact(settings, expected, monkeypatch) -> None:
    from scrapy.utils.project import get_project_settings

    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "jobcrawler.settings")  # tests run in a bare folder
    from jobcrawler.addons import UserAgentAddon

    project = get_project_settings()
    for key, value in settings.items():
        project.set(key, value, "cmdline")
    UserAgentAddon().update_settings(project)
    assert project.get("USER_AGENT") == expected


def test_progress_line_only_when_asked(capsys) -> None:
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    from jobcrawler.ops.progress import ProgressExtension
    from jobcrawler.spiders.vivid import VividResourcingSpider

    with pytest.raises(NotConfigured):
        ProgressExtension.from_crawler(get_crawler(settings_dict={}))
    crawler = get_crawler(VividResourcingSpider, {"JOBCRAWLER_PROGRESS": True,
                                                  "JOBCRAWLER_SITES": str(ROOT / "sites.toml")})
    crawler.spider = VividResourcingSpider.from_crawler(crawler, site="vivid")
    crawler.stats.open_spider()
    for key, value in (("response_received_count", 12), ("jobcrawler/store/seen", 9),
                       ("jobcrawler/dropped/no_job_content", 2), ("jobcrawler/dropped/http_403", 1)):
        crawler.stats.set_value(key, value)
    ProgressExtension.from_crawler(crawler).report()
    assert capsys.readouterr().err == "vivid: 12 pages, 9 ads, 3 dropped\n"
