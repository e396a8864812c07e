"""Scrapy's own ways work on jobcrawler's spiders: feeds in the export schema without the stubs of
unchanged ads, ``scrapy parse`` of a job page. Subprocesses: the ``scrapy`` command is what is
tested (from the repository root, where scrapy.cfg is)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from jobcrawler.feeds import AdCsvExporter, AdFilter, AdJsonLinesExporter, FeedAddon
from jobcrawler.items import JobPosting, SeenAd
from jobcrawler.storage.records import EXPORT_FIELDS
from tests.conftest import ROOT
from tests.mockserver import MockServer, Reply
from tests.test_operations import job_page


def scrapy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def normalised_item() -> JobPosting:
    return JobPosting(source="acme", source_id="7", url="https://acme.test/7", title="Lasser",
                      date_posted="2025-12-01", locations=[{"raw": "Gent", "city": "Gent"}],
                      languages_required=["nl"], salary={"min": 3000, "max": 3500,
                                                         "currency": "EUR", "period": "month"},
                      crawled_at="2025-12-20T03:00:00+00:00")


def test_feed_exporters_write_the_export_schema(tmp_path: Path) -> None:
    jsonl = tmp_path / "ads.jsonl"
    with jsonl.open("wb") as fh:
        exporter = AdJsonLinesExporter(fh)
        exporter.start_exporting()
        exporter.export_item(normalised_item())
        exporter.finish_exporting()
    record = json.loads(jsonl.read_text())
    assert list(record) == list(EXPORT_FIELDS)
    assert record["salary"] == {"min": 3000, "max": 3500, "currency": "EUR", "period": "month",
                                "raw": None}
    assert (record["status"], record["first_seen"], record["last_seen"]) == (
        "open", None, "2025-12-20T03:00:00Z")
    table = tmp_path / "ads.csv"
    with table.open("wb") as fh:
        exporter = AdCsvExporter(fh)
        exporter.start_exporting()
        exporter.export_item(normalised_item())
        exporter.finish_exporting()
    [row] = list(csv.DictReader(table.open(encoding="utf-8")))
    assert list(row) == list(EXPORT_FIELDS)
    assert json.loads(row["locations"])[0]["city"] == "Gent" and row["languages_required"] == '["nl"]'


def test_every_feed_filters_out_the_stubs_of_unchanged_ads() -> None:
    from scrapy.settings import Settings

    settings = Settings({"FEEDS": {"a.csv": {"format": "csv"}, "b.jsonl": {"format": "jsonl",
                                                                            "item_filter": "x.Y"}}})
    FeedAddon().update_settings(settings)
    feeds = settings.getdict("FEEDS")
    assert feeds["a.csv"]["item_filter"] is AdFilter
    assert feeds["b.jsonl"]["item_filter"] == "x.Y"  # a feed's own filter is kept
    ad_filter = AdFilter({})
    assert ad_filter.accepts(normalised_item())
    assert not ad_filter.accepts(SeenAd(source="acme", source_id="7"))


@pytest.fixture
def sitemap_site() -> MockServer:
    paths = [f"/job/{i}/" for i in range(3)]
    with MockServer({"/job/1/": [Reply(200, job_page(1))]}) as server:
        urls = "".join(f"<url><loc>{server.url}{p}</loc><lastmod>2025-01-01</lastmod></url>"
                       for p in paths)
        server.routes["/sitemap.xml"] = [Reply(200, f'<?xml version="1.0"?><urlset xmlns='
                                               f'"http://www.sitemaps.org/schemas/sitemap/0.9">'
                                               f'{urls}</urlset>', {"Content-Type": "application/xml"})]
        server.routes.update({p: [Reply(200, job_page(i))] for i, p in enumerate(paths)})
        yield server


def test_scrapy_crawl_feed_is_the_export_schema_and_never_stubs(
        sitemap_site: MockServer, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'feed.db'}"
    args = ["crawl", "jsonld", "-a", f"url={sitemap_site.url}/sitemap.xml", "-a", "site=acme",
            "-s", f"JOBCRAWLER_DB_URL={db}", "-s", "DOWNLOAD_DELAY=0",
            "-s", "AUTOTHROTTLE_ENABLED=0"]
    first = scrapy(*args, "-O", str(tmp_path / "first.csv"))
    assert first.returncode == 0, first.stderr
    rows = list(csv.DictReader((tmp_path / "first.csv").open(encoding="utf-8")))
    assert len(rows) == 3 and list(rows[0]) == list(EXPORT_FIELDS)
    assert {r["title"] for r in rows} == {"Lasser 0", "Lasser 1", "Lasser 2"}
    second = scrapy(*args, "-O", str(tmp_path / "second.jsonl"))  # nothing changed: nothing fetched
    assert second.returncode == 0, second.stderr
    assert "'jobcrawler/incremental/not_fetched': 3" in second.stderr
    assert (tmp_path / "second.jsonl").read_text() == ""  # no source,source_id stubs


def test_scrapy_parse_gives_the_item_of_a_job_page(sitemap_site: MockServer) -> None:
    result = scrapy("parse", "--spider=jsonld", "-c", "parse_job", f"{sitemap_site.url}/job/1/")
    assert result.returncode == 0, result.stderr
    assert "'title': 'Lasser 1'" in result.stdout
    assert "Deferred" not in result.stderr and "Traceback" not in result.stderr


def test_scrapy_parse_gives_the_item_extracted_whole(sitemap_site: MockServer) -> None:
    """Pipelines do not run under ``scrapy parse``, and the description's "Label: value" lines and
    an agency naming itself are a pipeline's (ExtractPipeline): the parse command runs it on the
    items it prints, so the item shown is the item normalisation gets."""
    posting = {"@context": "https://schema.org", "@type": "JobPosting", "title": "Werfleider",
               "hiringOrganization": {"name": "ACME Interim"},
               "description": "<p>Contract type: Freelance 9 months+<br>Industry: Bouw</p>"}
    sitemap_site.routes["/job/lines/"] = [Reply(200, '<html><head><script type="application/ld+json">'
                                                     f"{json.dumps(posting)}</script></head></html>")]
    result = scrapy("parse", "--spider=jsonld", "-a", "agency=Acme interim", "-c", "parse_job",
                    "--nocolour", f"{sitemap_site.url}/job/lines/")
    assert result.returncode == 0, result.stderr
    assert "'contract_raw': 'Freelance 9 months+'" in result.stdout
    assert "'industry': 'Bouw'" in result.stdout
    assert "'employer': None" in result.stdout
