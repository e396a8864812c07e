"""Close only what is really gone: a second crawl of a hostile local site, in-process, against the
mock server. Ads whose page could not be fetched or stored stay open and are counted; an ad whose
own page says 404/410 is closed; a listing not read whole closes nothing and is reported."""

from __future__ import annotations

import gzip
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from jobcrawler.storage.db import open_database, session_factory
from jobcrawler.storage.lifecycle import NOTES_STAT, UNMATCHED_KEYS_STAT, persistent_failures
from jobcrawler.storage.models import Run, RunSite
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


# --- a page that fails every night (JOBCRAWLER_PERSISTENT_FAILURE_RUNS) ----------------------------

def closed_ads(db: str) -> list[str]:
    return sorted(ad["url"].rsplit("/", 2)[-2] for ad in _export(db, "--status", "closed"))


def last_site_stats(db: str) -> dict:
    with session_factory(open_database(db))() as session:
        return session.scalar(select(RunSite.stats).order_by(RunSite.id.desc()).limit(1))


def test_a_new_ad_page_failing_every_night_stops_holding_back_closing_after_n_crawls(
        tmp_path: Path, db_url: str) -> None:
    """A new ad whose page answers 500 every night, and an ad that is gone. With the default of 3,
    nights 1-3 close nothing unlisted (the page might be a stored ad under a new URL) and say so in
    the summary; on night 4 the page has failed in each of the 3 crawls before: it is a persistent
    failure (logged, counted, noted) and the gone ad is closed; the new ad is never stored."""
    paths = [f"/job/{i}/" for i in range(6)]
    routes = {"/jobs/": [listing(paths)], **{p: [Reply(200, job_page(i))] for i, p in enumerate(paths)}}
    with MockServer(routes) as server:
        sites = jsonld_site(tmp_path, server.url)
        assert run("crawl", "--sites", str(sites), "--db", db_url, *FAST).returncode == 0
        routes["/jobs/"] = [listing([*paths[:5], "/job/broken/"])]  # /job/5/ is gone
        routes["/job/broken/"] = [Reply(500, "Internal Server Error")]
        for night in (1, 2, 3):
            result = run("crawl", "--sites", str(sites), "--db", db_url, *FAST)
            assert result.returncode == 0, result.stdout + result.stderr
            assert closed_ads(db_url) == [], night
            assert "no unlisted ad closed: 1 failed ad page(s) match no stored ad" in result.stdout
            assert last_site_stats(db_url)["jobcrawler/ads/unmatched_keys"] == [
                f"{server.url}/job/broken/"]
        fourth = run("crawl", "--sites", str(sites), "--db", db_url, *FAST)
    assert fourth.returncode == 0, fourth.stdout + fourth.stderr
    assert closed_ads(db_url) == ["5"]
    assert "failed 4 healthy crawls in a row (persistent failure, e.g. " in fourth.stdout
    assert "no unlisted ad closed" not in fourth.stdout
    assert fourth.stderr.count("persistent failures") == 1
    stats = last_site_stats(db_url)
    assert stats["jobcrawler/ads/persistent_failures"] == 1
    assert stats["jobcrawler/ads/unmatched_failures"] == 1
    assert len(_export(db_url)) == 5


def test_a_different_failing_page_starts_the_count_again(tmp_path: Path) -> None:
    """With JOBCRAWLER_PERSISTENT_FAILURE_RUNS=1: /job/a/ fails, then /job/b/ instead, then /job/a/
    again: it did not fail in the crawl just before, so it still holds closing back; the next night
    it has, and the ad that is gone is closed. Then /job/b/ fails beside it: a fresh failure holds
    closing back again, whatever the persistent one."""
    paths = [f"/job/{i}/" for i in range(12)]
    routes = {"/jobs/": [listing(paths)], **{p: [Reply(200, job_page(i))] for i, p in enumerate(paths)}}
    routes.update({"/job/a/": [Reply(500, "Error")], "/job/b/": [Reply(500, "Error")]})
    db = f"sqlite:///{tmp_path / 'reset.db'}"
    once = ("-s", "JOBCRAWLER_PERSISTENT_FAILURE_RUNS=1")
    nights = [(["/job/a/"], []), (["/job/b/"], []), (["/job/a/"], []), (["/job/a/"], ["11"]),
              (["/job/a/", "/job/b/"], ["11"])]  # /job/11/ gone from night 1, /job/10/ on night 5
    with MockServer(routes) as server:
        sites = jsonld_site(tmp_path, server.url)
        assert run("crawl", "--sites", str(sites), "--db", db, *FAST).returncode == 0
        for night, (failing, closed) in enumerate(nights, 1):
            routes["/jobs/"] = [listing([*paths[:11 if night < 5 else 10], *failing])]
            result = run("crawl", "--sites", str(sites), "--db", db, *FAST, *once)
            assert result.returncode == 0, result.stdout + result.stderr
            assert closed_ads(db) == closed, night
    assert "1 ad page(s) matching no stored ad failed 2 healthy crawls in a row" in result.stdout
    assert "no unlisted ad closed: 1 failed ad page(s)" in result.stdout


def test_a_failed_page_that_then_succeeds_starts_the_count_again_and_what_the_rule_trades(
        tmp_path: Path) -> None:
    """The case the rule guards: the sitemap lists a stored ad (/job/1/) under another URL.
    With JOBCRAWLER_PERSISTENT_FAILURE_RUNS=1: its page fails (nothing unlisted closed), is read
    (the gone ad is closed, /job/1/ stays open), fails (nothing closed: the count started again),
    fails again: a persistent failure, so the gone ad is closed, and so is /job/1/ although online
    (the trade); the night its page is read again it is reopened."""
    with MockServer({}) as server:
        u = server.url
        routes = server.routes
        listed = f"{u}/job/1/?from=sitemap"
        canonical = job_page(1).replace("</head>", f'<link rel="canonical" href="{u}/job/1/"></head>')
        routes.update({f"/job/{i}/": [Reply(200, job_page(i))] for i in range(2, 10)})
        locs = [listed, *(f"{u}/job/{i}/" for i in range(2, 10))]
        sites = jsonld_site(tmp_path, u, start="/sitemap.xml")
        db = f"sqlite:///{tmp_path / 'trade.db'}"
        args = ("crawl", "--sites", str(sites), "--db", db, *FAST, "-s", "JOBCRAWLER_INCREMENTAL=0",
                "-s", "JOBCRAWLER_PERSISTENT_FAILURE_RUNS=1")
        nights = [  # (the stored ad's page, ads listed, ads closed after the night)
            (Reply(200, canonical), locs, []),
            (Reply(500, "Error"), locs[:8], []),  # /job/9/ is gone
            (Reply(200, canonical), locs[:8], ["9"]),
            (Reply(500, "Error"), locs[:7], ["9"]),  # /job/8/ is gone
            (Reply(500, "Error"), locs[:7], ["1", "8", "9"]),
            (Reply(200, canonical), locs[:7], ["8", "9"]),
        ]
        for night, (page, sitemap, closed) in enumerate(nights):
            routes["/job/1/?from=sitemap"] = [page]
            routes["/sitemap.xml"] = [sitemap_xml("urlset", sitemap)]
            result = run(*args)
            assert result.returncode == 0, result.stdout + result.stderr
            assert closed_ads(db) == closed, night
    [reopened] = [ad for ad in _export(db) if ad["url"] == f"{u}/job/1/"]
    assert reopened["status"] == "open"


def test_persistent_failures_count_the_sites_healthy_crawls(db_url: str) -> None:
    """:func:`persistent_failures` on both backends: a key must be recorded in each of the site's
    last N healthy (``ok``) crawls before this run; a failed crawl (cut: the key never fetched, so
    not recorded, or recorded) counts neither way, nor do locked and interrupted crawls and other
    sites; fewer healthy crawls than N, or N = 0, make nothing persistent."""
    engine = open_database(db_url)
    key, other = "https://acme.test/job/x", "https://acme.test/job/y"
    now = datetime.now(UTC)
    with session_factory(engine).begin() as session:
        rows = [("acme", "ok", [key]), ("acme", "failed", []), ("acme", "failed", [other]),
                ("acme", "locked", []), ("acme", "interrupted", []), ("other", "ok", []),
                ("acme", "ok", [key, other])]
        for source, status, keys in rows:
            run = Run(command="crawl", started_at=now, status="ok", sites=[source])
            session.add(run)
            session.flush()
            session.add(RunSite(run_id=run.id, source=source, spider="jsonld", started_at=now,
                                status=status, stats={UNMATCHED_KEYS_STAT: keys} if keys else {}))
        session.flush()
        current = run.id + 1

    def persistent(runs: int, source: str = "acme") -> set[str]:
        return persistent_failures(engine, source, current, [key, other, "new"], runs)

    assert persistent(1) == {key, other}
    assert persistent(2) == {key}  # the failed, locked, interrupted and other site's skipped
    assert persistent(3) == set()  # only 2 healthy crawls of acme
    assert persistent(0) == set()
    assert persistent(1, "other") == set()


def test_a_scrapyd_sites_notes_come_from_its_run_record() -> None:
    """Scrapyd's coordinator reads a site's figures from its ``run_sites`` row: the notes too."""
    from jobcrawler.ops.runner import SiteResult
    from jobcrawler.ops.scrapyd import fill_result

    note = "1 ad page(s) matching no stored ad failed 4 healthy crawls in a row (...)"
    result = SiteResult(site="acme", platform="jsonld")
    fill_result(result, RunSite(requests=3, items_seen=2, new=0, updated=0, unchanged=2, closed=1,
                                dropped=0, errors=0, problems=[], stats={NOTES_STAT: [note]}))
    assert result.notes == [note] and result.closed == 1


# --- the same ad linked with other tracking or session parameters each night ---------------------

def jobs_rows(db: str) -> list[tuple[str, str, str, str]]:
    """(source_id, url, status, first_seen) of every stored ad, by id."""
    con = sqlite3.connect(db.removeprefix("sqlite:///"))
    try:
        return sorted(con.execute("SELECT source_id, url, status, first_seen FROM jobs"))
    finally:
        con.close()


def test_an_ad_linked_with_other_tracking_or_session_parameters_each_night_stays_one_open_ad(
        tmp_path: Path) -> None:
    """The listing links its ads with a different ``utm_``/``fbclid``/session id each night: the
    pages are requested without them, each ad stays one ad (same id, first seen on night 1), open,
    not stored anew; an unlisted ad is still closed (the crawl knew every listed ad). A parameter
    that names the ad (``?id=``) stays: two ads."""
    nights = [
        ["/job/1/?utm_source=indeed&utm_medium=cpc", "/job/2/;jsessionid=AAA111", "/job/3/#apply",
         "/job/q/?id=7&utm_campaign=x", "/job/q/?id=8", "/job/5/"],
        ["/job/1/?utm_source=linkedin&gclid=Zz9", "/job/2/;jsessionid=BBB222?fbclid=IwAR",
         "/job/3/?PHPSESSID=f00#top", "/job/q/?utm_campaign=y&id=7", "/job/q/?id=8&sid=s2"],
    ]
    pages = {"/job/1/": 1, "/job/2/": 2, "/job/3/": 3, "/job/5/": 5, "/job/q/?id=7": 7,
             "/job/q/?id=8": 8}
    routes = {"/jobs/": [listing(nights[0])], **{p: [Reply(200, job_page(n))] for p, n in pages.items()}}
    for link in (link.partition("#")[0] for night in nights for link in night):  # the site
        n = next(n for p, n in pages.items() if link.startswith(p.partition("?")[0])  # answers them
                 and (f"id={n}" in link or "id=" not in p))
        routes.setdefault(link, [Reply(200, job_page(n))])
    db = f"sqlite:///{tmp_path / 'tracking.db'}"
    with MockServer(routes) as server:
        sites = jsonld_site(tmp_path, server.url)
        first = run("crawl", "--sites", str(sites), "--db", db, *FAST)
        assert first.returncode == 0, first.stdout + first.stderr
        before = jobs_rows(db)
        routes["/jobs/"] = [listing(nights[1])]  # /job/5/ is gone
        second = run("crawl", "--sites", str(sites), "--db", db, *FAST,
                     "-s", "JOBCRAWLER_INCREMENTAL=0")
        fetched = {path for _, path in server.requests}
    assert second.returncode == 0, second.stdout + second.stderr
    assert [row[0] for row in before] == ["/job/1", "/job/2", "/job/3", "/job/5", "/job/q?id=7",
                                          "/job/q?id=8"]
    assert not any("utm_" in path or "sessionid" in path.lower() or "clid" in path
                   for path in fetched)  # requested at the clean URL
    after = jobs_rows(db)
    assert [row[0] for row in after] == [row[0] for row in before]  # nothing stored anew
    assert [(row[0], row[2]) for row in after if row[2] == "closed"] == [("/job/5", "closed")]
    assert [row[3] for row in after] == [row[3] for row in before]  # first seen on night 1
    stats = last_site_stats(db)
    assert stats.get("jobcrawler/store/new", 0) == 0


def test_a_page_failing_every_night_under_another_session_id_is_a_persistent_failure(
        tmp_path: Path) -> None:
    """A new ad page that fails every night, linked with a new session id each night: it is one
    page, so with JOBCRAWLER_PERSISTENT_FAILURE_RUNS=1 it stops holding back closing on night 2
    and the ad that is gone is closed."""
    paths = [f"/job/{i}/" for i in range(6)]
    routes = {"/jobs/": [listing(paths)], "/job/broken/": [Reply(500, "Error")],
              "/job/broken/?PHPSESSID=a1": [Reply(500, "Error")],  # it fails however linked
              "/job/broken/?sid=b2&utm_source=mail": [Reply(500, "Error")],
              **{p: [Reply(200, job_page(i))] for i, p in enumerate(paths)}}
    db = f"sqlite:///{tmp_path / 'session.db'}"
    once = ("-s", "JOBCRAWLER_PERSISTENT_FAILURE_RUNS=1")
    with MockServer(routes) as server:
        sites = jsonld_site(tmp_path, server.url)
        assert run("crawl", "--sites", str(sites), "--db", db, *FAST).returncode == 0
        for night, sid in enumerate(["PHPSESSID=a1", "sid=b2&utm_source=mail"], 1):
            routes["/jobs/"] = [listing([*paths[:5], f"/job/broken/?{sid}"])]  # /job/5/ gone
            result = run("crawl", "--sites", str(sites), "--db", db, *FAST, *once)
            assert result.returncode == 0, result.stdout + result.stderr
            assert closed_ads(db) == ([] if night == 1 else ["5"]), night
        assert last_site_stats(db)["jobcrawler/ads/unmatched_keys"] == [f"{server.url}/job/broken/"]


def test_an_ad_stored_under_a_tracking_url_before_is_stored_once_more_and_the_old_row_closed(
        tmp_path: Path) -> None:
    """What the README says of ads stored before URLs were cleaned: an id made of a URL with
    ``utm_`` parameters is not kept open beside the clean one; the ad is stored under its clean id
    and the old row closed by the first complete crawl (once)."""
    paths = [f"/job/{i}/" for i in range(3)]
    routes = {"/jobs/": [listing(paths)], **{p: [Reply(200, job_page(i))] for i, p in enumerate(paths)}}
    db = f"sqlite:///{tmp_path / 'old.db'}"
    with MockServer(routes) as server:
        sites = jsonld_site(tmp_path, server.url)
        assert run("crawl", "--sites", str(sites), "--db", db, *FAST).returncode == 0
        con = sqlite3.connect(tmp_path / "old.db")  # as the code before stored it
        with con:
            con.execute("UPDATE jobs SET source_id = source_id || '?utm_source=x', "
                        "url = url || '?utm_source=x' WHERE source_id = '/job/1'")
        con.close()
        routes["/jobs/"] = [listing([*paths[:1], "/job/1/?utm_source=x", *paths[2:]])]
        result = run("crawl", "--sites", str(sites), "--db", db, *FAST)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {row[0]: row[2] for row in jobs_rows(db)}
    assert rows == {"/job/0": "open", "/job/1": "open", "/job/1?utm_source=x": "closed",
                    "/job/2": "open"}
