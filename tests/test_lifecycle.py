"""Close only what is really gone: a second crawl of a hostile local site, in-process, against the
mock server. Ads whose page could not be fetched or stored stay open and are counted; an ad whose
own page says 404/410 is closed; a listing not read whole closes nothing and is reported."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

from tests.cli import export as _export
from tests.cli import run
from tests.mockserver import MockServer, Reply
from tests.test_operations import FAST, job_page


def jsonld_site(tmp_path: Path, url: str, name: str = "hostile", start: str = "/jobs/") -> Path:
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[sites.{name}]\nplatform = "jsonld"\nurl = "{url}{start}"\n'
                     'link_pattern = "/job/"\n')
    return sites


def listing(paths: list[str]) -> Reply:
    return Reply(200, "<html><body>" + "".join(f'<a href="{p}">{p}</a>' for p in paths)
                 + "</body></html>")


def bomb() -> Reply:
    """A job page that is a decompression bomb: 40 KB of gzip, 40 MB inflated."""
    return Reply(200, gzip.compress(b"<html>" + b" " * 40_000_000), {
        "Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"})


def deeply_nested(n: int) -> Reply:
    """A JobPosting whose salary nests ~900 objects deep: deep enough for any recursive code."""
    nested: dict = {"value": 3000}
    for _ in range(900):
        nested = {"value": nested}
    posting = {"@context": "https://schema.org", "@type": "JobPosting", "title": f"Lasser {n}",
               "description": "<p>Vast contract in Gent.</p>", "baseSalary": nested,
               "jobLocation": {"address": {"addressLocality": "Gent"}}}
    return Reply(200, f'<html><head><script type="application/ld+json">{json.dumps(posting)}'
                      "</script></head><body></body></html>")


def site_row(db_path: Path) -> dict:
    con = sqlite3.connect(db_path)
    status, problems, stats = con.execute(
        "SELECT status, problems, stats FROM run_sites ORDER BY id DESC LIMIT 1").fetchone()
    return {"status": status, "problems": json.loads(problems), "stats": json.loads(stats)}


HOSTILE = {
    "/job/0/": Reply(403, "Forbidden"),
    "/job/1/": Reply(401, "Unauthorized"),
    "/job/2/": Reply(503, "Maintenance", {"Retry-After": "86400"}),
    "/job/3/": bomb(),
    "/job/4/": deeply_nested(4),
}


def test_blocked_bombed_and_nested_ads_stay_open_and_the_site_is_reported(tmp_path: Path) -> None:
    """12 listed ads; on the second night 4 pages fail (401, 403, 503 asking to wait a day, a
    decompression bomb), one has JSON-LD nested 900 deep and one answers 404. Only the 404 is
    closed; the failures are counted, and with a third of the ads failed the site fails (exit 1).
    The deep value is dropped from its ad, which is stored."""
    paths = [f"/job/{i}/" for i in range(12)]
    routes = {"/jobs/": [listing(paths)], **{p: [Reply(200, job_page(i))] for i, p in enumerate(paths)}}
    db_path = tmp_path / "lc.db"
    db = f"sqlite:///{db_path}"
    with MockServer(routes) as server:
        sites = jsonld_site(tmp_path, server.url)
        first = run("crawl", "--sites", str(sites), "--db", db, *FAST)
        assert first.returncode == 0, first.stdout + first.stderr
        assert len(_export(db)) == 12
        for path, reply in HOSTILE.items():
            routes[path] = [reply]
        routes["/job/5/"] = [Reply(404, "Not found")]
        second = run("crawl", "--sites", str(sites), "--db", db, *FAST,
                             "-s", "JOBCRAWLER_INCREMENTAL=0")
    assert second.returncode == 1, second.stdout + second.stderr
    assert "Traceback" not in second.stderr
    [gone] = _export(db, "--status", "closed")
    assert gone["url"].endswith("/job/5/")
    assert sorted(ad["url"].rsplit("/", 2)[-2] for ad in _export(db)) == sorted(
        str(i) for i in range(12) if i != 5)
    row = site_row(db_path)
    stats = row["stats"]
    assert row["status"] == "failed"
    assert any("4 of 12 listed ads could not be fetched or stored" in p for p in row["problems"])
    assert stats["jobcrawler/dropped/http_403"] == 1 and stats["jobcrawler/dropped/http_401"] == 1
    assert stats["jobcrawler/dropped/http_503"] == 1
    assert stats["jobcrawler/dropped/too_large"] == 1
    assert stats["jobcrawler/ads/failed"] == 4 and stats["jobcrawler/ads/gone"] == 1
    assert stats["jobcrawler/fields/too_deep"] == 1 and stats["jobcrawler/store/items"] == 7


def test_one_failed_page_keeps_its_ad_open_and_the_rest_closes_normally(tmp_path: Path) -> None:
    """Below the threshold the site is fine: the blocked ad stays open (seen in the listing), an ad
    no longer listed is closed."""
    paths = [f"/job/{i}/" for i in range(6)]
    routes = {"/jobs/": [listing(paths)], **{p: [Reply(200, job_page(i))] for i, p in enumerate(paths)}}
    db = f"sqlite:///{tmp_path / 'one.db'}"
    with MockServer(routes) as server:
        sites = jsonld_site(tmp_path, server.url)
        assert (run("crawl", "--sites", str(sites), "--db", db, *FAST)).returncode == 0
        routes["/jobs/"] = [listing(paths[:5])]  # /job/5/ is no longer listed
        routes["/job/0/"] = [Reply(403, "Forbidden")]
        second = run("crawl", "--sites", str(sites), "--db", db, *FAST,
                             "-s", "JOBCRAWLER_INCREMENTAL=0", "-s", "JOBCRAWLER_MAX_FAILED_SHARE=0.25")
    assert second.returncode == 0, second.stdout + second.stderr
    [closed] = _export(db, "--status", "closed")
    assert closed["url"].endswith("/job/5/")
    assert len(_export(db)) == 5  # /job/0/ among them


def test_a_listing_cut_by_depth_closes_nothing_and_is_reported(tmp_path: Path) -> None:
    """A paged listing read to page 5 one night and cut at DEPTH_LIMIT the next (6 of 10 ads
    seen: enough not to look suspicious): the ads beyond the cut are not closed, and the cut is
    reported."""
    routes: dict[str, list[Reply]] = {}
    for page in range(1, 6):
        ads = [f"/job/{page}-{i}/" for i in range(2)]
        more = f'<a rel="next" href="/jobs/?page={page + 1}">next</a>' if page < 5 else ""
        routes["/jobs/" if page == 1 else f"/jobs/?page={page}"] = [Reply(
            200, "<html><body>" + "".join(f'<a href="{p}">x</a>' for p in ads) + more + "</body></html>")]
        routes.update({p: [Reply(200, job_page(page * 10 + i))] for i, p in enumerate(ads)})
    db_path = tmp_path / "depth.db"
    db = f"sqlite:///{db_path}"
    with MockServer(routes) as server:
        sites = jsonld_site(tmp_path, server.url)
        assert (run("crawl", "--sites", str(sites), "--db", db, *FAST)).returncode == 0
        assert len(_export(db)) == 10
        cut = run("crawl", "--sites", str(sites), "--db", db, *FAST, "-s", "DEPTH_LIMIT=3",
                          "-s", "JOBCRAWLER_INCREMENTAL=0")
    assert cut.returncode == 1, cut.stdout
    assert "listing cut at DEPTH_LIMIT" in cut.stdout and "under 50%" not in cut.stdout
    assert _export(db, "--status", "closed") == []
    assert len(_export(db)) == 10


def sitemap_xml(kind: str, locs: list[str]) -> Reply:
    tag = "sitemap" if kind == "sitemapindex" else "url"
    entries = "".join(f"<{tag}><loc>{loc}</loc></{tag}>" for loc in locs)
    return Reply(200, f'<?xml version="1.0"?><{kind} xmlns="http://www.sitemaps.org/schemas/'
                      f'sitemap/0.9">{entries}</{kind}>', {"Content-Type": "application/xml"})


def test_a_sitemap_index_that_never_ends_is_cut_and_reported(tmp_path: Path) -> None:
    """Each sitemap index points to a deeper one, past DEPTH_LIMIT: the crawl stops following at
    JOBCRAWLER_SITEMAP_MAX_DEPTH, says so, and closes nothing."""
    with MockServer({}) as server:
        u = server.url
        routes = server.routes
        routes["/sitemap.xml"] = [sitemap_xml("sitemapindex", [f"{u}/ads.xml", f"{u}/sitemap-1.xml"])]
        routes["/ads.xml"] = [sitemap_xml("urlset", [f"{u}/job/{i}/" for i in range(3)])]
        routes.update({f"/job/{i}/": [Reply(200, job_page(i))] for i in range(3)})
        routes.update({f"/sitemap-{n}.xml": [sitemap_xml("sitemapindex", [f"{u}/sitemap-{n + 1}.xml"])]
                       for n in range(1, 300)})
        sites = jsonld_site(tmp_path, u, start="/sitemap.xml")
        db = f"sqlite:///{tmp_path / 'deep.db'}"
        result = run("crawl", "--sites", str(sites), "--db", db, *FAST)
    assert result.returncode == 1, result.stdout
    assert "sitemap too deep (1)" in result.stdout
    assert len(_export(db)) == 3  # what was read is stored
    assert sum(1 for _, path in server.requests if path.startswith("/sitemap-")) <= 3


def test_a_site_over_its_page_budget_ends_reported_and_closes_nothing(tmp_path: Path) -> None:
    """A sitemap that grew to 2,000 URLs overnight: the crawl stops at JOBCRAWLER_SITE_MAX_PAGES,
    is reported, and closes none of the ads it did not get to."""
    with MockServer({}) as server:
        u = server.url
        server.routes["/sitemap.xml"] = [sitemap_xml("urlset", [f"{u}/job/{i}/" for i in range(5)])]
        server.routes.update({f"/job/{i}/": [Reply(200, job_page(i))] for i in range(2000)})
        sites = jsonld_site(tmp_path, u, start="/sitemap.xml")
        db = f"sqlite:///{tmp_path / 'budget.db'}"
        assert run("crawl", "--sites", str(sites), "--db", db, *FAST).returncode == 0
        server.routes["/sitemap.xml"] = [sitemap_xml(
            "urlset", [f"{u}/job/{i}/" for i in reversed(range(2000))])]  # the known 5 come last
        server.requests.clear()
        result = run("crawl", "--sites", str(sites), "--db", db, *FAST,
                     "-s", "JOBCRAWLER_SITE_MAX_PAGES=40", "-s", "JOBCRAWLER_INCREMENTAL=0")
    assert result.returncode == 1, result.stdout
    assert "page budget (JOBCRAWLER_SITE_MAX_PAGES) reached" in result.stdout
    assert len(server.requests) < 100
    assert _export(db, "--status", "closed") == []


def test_a_failed_page_listed_under_another_url_than_the_stored_one_closes_nothing(tmp_path: Path) -> None:
    """The sitemap lists /job/1/?from=sitemap, the page names /job/1/ as canonical (stored so).
    When that page fails, the crawl cannot tell it from a new ad: no unlisted ad is closed."""
    with MockServer({}) as server:
        u = server.url
        canonical = job_page(1).replace("</head>", f'<link rel="canonical" href="{u}/job/1/"></head>')
        server.routes["/job/1/?from=sitemap"] = [Reply(200, canonical)]
        server.routes.update({f"/job/{i}/": [Reply(200, job_page(i))] for i in range(2, 7)})
        locs = [f"{u}/job/1/?from=sitemap", *(f"{u}/job/{i}/" for i in range(2, 7))]
        server.routes["/sitemap.xml"] = [sitemap_xml("urlset", locs)]
        sites = jsonld_site(tmp_path, u, start="/sitemap.xml")
        db = f"sqlite:///{tmp_path / 'canon.db'}"
        assert run("crawl", "--sites", str(sites), "--db", db, *FAST).returncode == 0
        assert f"{u}/job/1/" in [ad["url"] for ad in _export(db)]
        server.routes["/job/1/?from=sitemap"] = [Reply(403, "Forbidden")]
        server.routes["/sitemap.xml"] = [sitemap_xml("urlset", locs[:5])]  # /job/6/ unlisted
        result = run("crawl", "--sites", str(sites), "--db", db, *FAST, "-s", "JOBCRAWLER_INCREMENTAL=0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "match no stored ad by URL" in result.stderr
    assert _export(db, "--status", "closed") == []  # /job/1/ is online; /job/6/ waits a night
