"""The jobcrawler command as a user runs it (subprocesses), with the golden items per site."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jobcrawler.sites import load_sites
from tests.conftest import FIXTURES, ROOT

VOLATILE = ("first_seen", "last_seen", "cluster_id", "is_canonical")  # clusters: test_replay_clusters_*
UPDATE = os.environ.get("JOBCRAWLER_UPDATE_GOLDEN") == "1"
DEMO_SITES = str(FIXTURES / "sites.toml")
#: Every site of fixtures/sites.toml has its golden items (README, "Add a site").
FIXTURE_SITES = list(load_sites(DEMO_SITES))


def run(*args: str, stdin: str | None = None, cwd: Path = ROOT, env: dict | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "jobcrawler", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = tmp_path_factory.mktemp("cli") / "replay.db"
    url = f"sqlite:///{db}"
    result = run("replay", "--db", url, "--sites", DEMO_SITES)
    assert result.returncode == 0, result.stderr + result.stdout
    return url


def _export(url: str, *extra: str) -> list[dict]:
    result = run("export", "--db", url, *extra)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize("site", FIXTURE_SITES)
def test_replay_matches_golden_items(replayed: str, site: str) -> None:
    records = [{k: v for k, v in r.items() if k not in VOLATILE}
               for r in _export(replayed, "--source", site)]
    golden = FIXTURES / site / "expected.jsonl"
    assert UPDATE or golden.exists(), (
        f"no {golden}: write it with JOBCRAWLER_UPDATE_GOLDEN=1 pytest tests/test_cli.py, then read it")
    if UPDATE:
        golden.write_text("".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n"
                                  for r in records), encoding="utf-8")
    expected = [json.loads(line) for line in golden.read_text(encoding="utf-8").splitlines()]
    assert records == expected


def test_seed_values(replayed: str) -> None:
    """The values the issue names for the two seed ads."""
    by_ref = {(r["source"], r["title"]): r for r in _export(replayed)}
    adecco = by_ref[("adecco", "Head of Infrastructure & Operations – Belgium & Luxembourg")]
    assert adecco["employer"] == "The Adecco Group"
    assert adecco["reference"] == "NE03221"
    assert adecco["date_posted"] == "2025-12-09"
    [loc] = adecco["locations"]
    assert (loc["city"], loc["province_code"], loc["region_code"], loc["country_code"]) == (
        "Groot-Bijgaarden", "BE-VBR", "BE-VLG", "BE")
    assert adecco["languages_required"] == ["en", "nl", "fr"]
    assert adecco["ad_language"] == "en"
    assert adecco["experience_years_min"] == 8

    vivid = by_ref[("vivid", "IT Infrastructure Manager")]
    assert vivid["agency"] == "Vivid Resourcing"
    assert vivid["employer"] is None
    assert vivid["industry"] == "Food Manufacturing"
    assert vivid["contract_type"] == "freelance"
    assert (vivid["duration_months"], vivid["duration_open_ended"]) == (9, True)
    assert vivid["start_asap"] is True
    [loc] = vivid["locations"]
    assert (loc["city"], loc["province_code"], loc["region_code"], loc["country_code"]) == (
        None, "BE-VOV", "BE-VLG", "BE")
    assert vivid["languages_required"] == ["nl", "en"]
    assert vivid["salary"] is None


def test_replay_twice_changes_nothing_but_last_seen(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    assert run("replay", "--db", url).returncode == 0
    first = _export(url)
    second_run = run("replay", "--db", url)
    assert second_run.returncode == 0
    assert "adecco" in second_run.stdout and "run 2: ok" in second_run.stdout
    second = _export(url)
    assert len(first) == len(second) == 4
    for a, b in zip(first, second, strict=True):
        assert a["first_seen"] == b["first_seen"]
        assert {k: v for k, v in a.items() if k != "last_seen"} == {
            k: v for k, v in b.items() if k != "last_seen"}


def test_replay_summary_counts_and_one_site(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'one.db'}"
    result = run("replay", "vivid", "--db", url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["site", "platform", "requests", "items"]
    row = lines[1].split()
    assert row[0] == "vivid" and row[-1] == "ok"
    assert row[3] == "2"  # two ads stored
    assert row[8] == "1"  # the broken page, dropped and counted
    assert "adecco" not in result.stdout


def test_replay_with_missing_fixtures_fails_the_site(tmp_path: Path) -> None:
    """A request with no fixture is a counted miss, never a network call; the site fails."""
    fixtures = tmp_path / "fixtures"
    (fixtures / "vivid").mkdir(parents=True)
    (fixtures / "vivid" / "responses.json").write_text("[]")
    url = f"sqlite:///{tmp_path / 'miss.db'}"
    result = run("replay", "vivid", "--db", url, "--fixtures", str(fixtures))
    assert result.returncode == 1
    assert "had no fixture" in result.stdout


def test_unknown_site_and_bad_database_are_clean_errors(tmp_path: Path) -> None:
    result = run("replay", "nosuchsite", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 2
    assert "unknown site" in result.stderr and "Traceback" not in result.stderr
    result = run("replay", "--db", "postgresql+psycopg://jc:secret@127.0.0.1:1/none")
    assert result.returncode == 3
    assert "cannot open the database" in result.stderr
    assert "secret" not in result.stderr and "Traceback" not in result.stderr


def test_export_csv_and_filters(replayed: str, tmp_path: Path) -> None:
    out = tmp_path / "ads.csv"
    result = run("export", "--db", replayed, "--format", "csv", "--output", str(out))
    assert result.returncode == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("source,source_id,url,apply_url,title")
    assert len(_export(replayed, "--country", "LU", "--source", "adecco")) == 1
    assert len(_export(replayed, "--status", "closed")) == 0
    assert len(_export(replayed, "--source", "vivid")) == 2


def test_help_on_every_verb() -> None:
    for verb in ("replay", "crawl", "record", "export", "normalize", "db", "runs", "sites",
                 "load-spool", "renormalize"):
        result = run(verb, "--help")
        assert result.returncode == 0, verb
        assert "Example" in result.stdout, verb


def test_normalize_command() -> None:
    lines = "\n".join([
        json.dumps({"title": "Consultant", "date_posted_raw": "3 dagen geleden",
                    "crawled_at": "2025-12-20T08:00:00Z", "location_raw": "Gand",
                    "contract_raw": "CDI", "salary_raw": "€ 4.500 - € 5.500 bruto per maand",
                    "custom": 1}),
        "{not json",
        json.dumps({"start_date_raw": "dès que possible", "location_raw": ["Luik", "Bergen"]}),
        json.dumps({"title": "Java \ud800", "description_html": "<p>Gent\udc00</p>"}),  # lone surrogates
    ])
    result = run("normalize", stdin=lines)
    assert result.returncode == 1  # one line failed
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0]["date_posted"] == "2025-12-17"
    assert out[0]["locations"][0]["city"] == "Gent"
    assert out[0]["contract_type"] == "permanent"
    assert out[0]["salary"]["min"] == 4500 and out[0]["salary"]["period"] == "month"
    assert out[0]["custom"] == 1
    assert out[1] == {"error": out[1]["error"], "line": 2}
    assert out[2]["start_asap"] is True
    assert [loc["city"] for loc in out[2]["locations"]] == ["Liège", "Mons"]
    assert out[3]["title"] == "Java \ufffd" and out[3]["description_text"] == "Gent\ufffd"


def test_scrapy_list_and_crawl_from_the_repository_root(tmp_path: Path) -> None:
    listed = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert {"talentbrew", "vivid", "listing"} <= set(listed.stdout.split())
    db = f"sqlite:///{tmp_path / 'scrapy.db'}"
    crawled = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "vivid", "-a", "site=vivid",
         "-s", "JOBCRAWLER_REPLAY=1", "-s", f"JOBCRAWLER_DB_URL={db}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert crawled.returncode == 0, crawled.stderr
    assert "'jobcrawler/store/new': 2" in crawled.stderr
    assert len(_export(db)) == 2
    runs = run("runs", "--db", db)
    assert "scrapy c" in runs.stdout and "ok" in runs.stdout


def test_replay_clusters_the_agency_copies(replayed: str) -> None:
    """demo-agency reposts three employers' ads: each copy joins its employer's cluster (whose
    canonical ad is the employer's own), its own Data Engineer ad in Gent stays alone."""
    records = _export(replayed, "--status", "all")
    clusters: dict[int, set[tuple[str, str]]] = {}
    for r in records:
        clusters.setdefault(r["cluster_id"], set()).add((r["source"], r["source_id"]))
    copies = sorted(sorted(members) for members in clusters.values() if len(members) > 1)
    assert copies == [
        [("demo-agency", "SI-5120"), ("demo-greenhouse", "7000001")],  # Data Engineer, Gent
        [("demo-agency", "SI-5150"), ("demo-jobtoolz", "88101")],  # Werfleider, Sint-Niklaas
        [("demo-agency", "SI-5177"), ("demo-smartrecruiters", "744000100000001")],  # night nurse
    ]
    assert len(clusters) == len(records) - 3
    canonical = {(r["source"], r["source_id"]) for r in records if r["is_canonical"]}
    assert {source_id for source, source_id in canonical if source == "demo-agency"} == {"SI-5190"}
    unique = _export(replayed, "--status", "all", "--unique")
    assert len(unique) == len(clusters)
    by_title = {(u["source"], u["title"]): u for u in unique}
    assert by_title[("demo-greenhouse", "Data Engineer")]["copies"] == 2
    assert by_title[("demo-greenhouse", "Data Engineer")]["sources"] == ["demo-agency", "demo-greenhouse"]
    runs = run("runs", "--db", replayed)
    header, row = runs.stdout.splitlines()[:2]
    assert row.split()[header.split().index("copies") + 1] == "3"  # "started" is two words
