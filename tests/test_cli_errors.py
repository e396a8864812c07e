"""Every mistake a user can make with the ``jobcrawler`` command: one line on stderr saying what is
wrong (and what to do), the documented exit status, no traceback, nothing left behind.

In-process (``main(argv)``): fast, one test per mistake. Only what needs a real crawl runs the
command in a subprocess (the last tests).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from jobcrawler.ops.cli import main
from tests.conftest import FIXTURES, ROOT
from tests.test_maintenance import spooled_item

DEMO_SITES = str(FIXTURES / "sites.toml")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``jobcrawler ARGS`` in-process: (exit status, stdout, stderr)."""
    try:
        status = main(list(args))
    except SystemExit as exc:  # argparse's own usage errors
        status = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def stocked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A SQLite database holding three ads of source ``acme`` (loaded in-process)."""
    url = f"sqlite:///{tmp_path / 'stocked.db'}"
    spool = tmp_path / "ads.jsonl"
    spool.write_text("".join(json.dumps(spooled_item(n)) + "\n" for n in range(3)))
    assert cli(capsys, "db", "upgrade", "--db", url)[0] == 0
    assert cli(capsys, "load-spool", str(spool), "--db", url)[0] == 0
    return url


def registry(tmp_path: Path, text: str) -> str:
    path = tmp_path / "sites.toml"
    path.write_text(text)
    return str(path)


# --- the registry ----------------------------------------------------------------------------

@pytest.mark.parametrize(("table", "message"), [
    ('platform = "greenhouse"\nbord = "acme"', "site 'acme': unknown key 'bord' for platform "
     "'greenhouse' (did you mean 'board'?)"),
    ('platform = "talentbrew"\nulr = "https://careers.acme.com"', "unknown key 'ulr' for platform "
     "'talentbrew' (did you mean 'url'?)"),
    ('platform = "greenhous"\nboard = "acme"', "unknown platform 'greenhous' (did you mean 'greenhouse'?)"),
    ('platform = "greenhouse"', "site 'acme': platform 'greenhouse' needs key 'board'"),
    ('platform = "talentbrew"', "platform 'talentbrew' needs key 'base_url'"),
    ('platform = "greenhouse"\nboard = 3', "key 'board' must be a non-empty string, not 3"),
    ('platform = "greenhouse"\ncompany = "acme"', "unknown key 'company' for platform 'greenhouse'"),
    ('platform = "workday"\nbase_url = "https://acme.wd3.myworkdayjobs.com"\ntenant = "acme"\n'
     'career_site = "External"\nfacets = "{locations: 1}"', "key 'facets' is not valid JSON"),
    ('platform = "workday"\nbase_url = "https://acme.wd3.myworkdayjobs.com"\ntenant = "acme"\n'
     'career_site = "External"\nfacets = "[1]"', "key 'facets' must be a JSON object"),
    ('platform = "lever"\ncompany = "acme"\npage_size = "abc"', "key 'page_size' must be a whole number"),
    ('platform = "lever"\ncompany = "acme"\npage_size = 0', "key 'page_size' must be a whole number"),
    ('platform = "jsonld"\nurl = "https://acme.be/sitemap.xml"\nlink_pattern = "/job/(["',
     "key 'link_pattern' is not a valid regular expression"),
    ('platform = "listing"\nbase_url = "https://acme.be"\njob_link_css = "a[[["',
     "key 'job_link_css' is not a valid CSS selector"),
    ('platform = "greenhouse"\nboard = "acme"\ncountry = "Belgium"', "key 'country' must be a two-letter code"),
    ('platform = "greenhouse"\nboard = "acme"\ncountries = "BE"', "key 'countries' must be a list"),
    ('platform = "talentbrew"\nbase_url = "careers.acme.com"', "key 'base_url' must be an http(s) URL"),
])
def test_sites_names_the_broken_site_and_key(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              table: str, message: str) -> None:
    path = registry(tmp_path, f'[sites.acme]\n{table}\n\n[sites.good]\nplatform = "vivid"\n')
    status, out, err = cli(capsys, "sites", "--sites", path)
    assert status == 2
    assert message in one_line(err) and err.startswith(f"jobcrawler: {path}: site 'acme'")
    assert "good" in out and "acme" in out  # the listing still shows every site


def test_sites_without_a_registry_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys, "sites")  # the working folder has no sites.toml
    assert status == 2
    assert "no site registry sites.toml here" in one_line(err) and "--sites" in err


def test_sites_top_level_typo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = registry(tmp_path, '[site.acme]\nplatform = "vivid"\n')
    status, _, err = cli(capsys, "sites", "--sites", path)
    assert status == 2 and "unknown table or key 'site' (did you mean 'sites'?)" in one_line(err)


def test_sites_with_the_database_down_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, "sites", "--sites", DEMO_SITES,
                           "--db", "postgresql://jc:s3cret@127.0.0.1:1/none")
    assert status == 0 and "never run" in out
    assert "last results unknown: cannot open the database" in one_line(err) and "s3cret" not in err


def test_sites_reads_last_results_without_creating_a_database(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "sites", "--sites", DEMO_SITES,
                         "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert status == 0 and "never run" in out and "demo-workday" in out
    assert not (tmp_path / "none.db").exists()


def test_crawl_refuses_a_broken_registry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = registry(tmp_path, '[sites.acme]\nplatform = "greenhouse"\nbord = "x"\n'
                              '[sites.good]\nplatform = "vivid"\n')
    db = tmp_path / "x.db"
    status, out, err = cli(capsys, "crawl", "--sites", path, "--db", f"sqlite:///{db}")
    assert status == 2 and out == ""
    assert "unknown key 'bord'" in err and "nothing was run" in err and "--skip-broken" in err
    assert not db.exists()


def test_crawl_of_only_broken_sites_runs_nothing_even_with_skip_broken(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = registry(tmp_path, '[sites.acme]\nplatform = "greenhous"\n')
    status, _, err = cli(capsys, "crawl", "--skip-broken", "--sites", path)
    assert status == 2 and "no site left to run" in err


@pytest.mark.parametrize("verb", ["replay", "crawl", "record"])
def test_missing_registry_is_one_line(verb: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys, verb, "vivid")
    assert status == 2 and "no site registry sites.toml here" in one_line(err)


def test_unknown_site_is_wrong_usage(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys, "replay", "vivd", "--sites", DEMO_SITES)
    assert status == 2
    assert "unknown site vivd (did you mean 'vivid'?)" in one_line(err)
    assert not Path("jobcrawler.db").exists()


def test_replay_with_no_fixtures_here_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys, "replay", "--sites", str(ROOT / "sites.toml"))  # no fixtures/ here
    assert status == 2
    assert "no fixtures for adecco, vivid, collibra" in one_line(err) and "--fixtures DIR" in err
    assert not Path("jobcrawler.db").exists()


# --- settings --------------------------------------------------------------------------------

@pytest.mark.parametrize(("assignment", "message"), [
    ("DOWNLOAD_DELAY=abc", "-s DOWNLOAD_DELAY=abc: DOWNLOAD_DELAY takes a number"),
    ("ROBOTSTXT_OBEY=maybe", "ROBOTSTXT_OBEY takes True/False"),
    ("DOWNLOAD_DELY=2", "-s DOWNLOAD_DELY: no such setting (did you mean DOWNLOAD_DELAY?)"),
    ("DOWNLOAD_DELAY", "-s takes NAME=VALUE"),
    ("download_delay=2", "-s takes NAME=VALUE"),
    ("ITEM_PIPELINES=[1]", "ITEM_PIPELINES takes a JSON object"),
])
def test_bad_setting_is_wrong_usage_not_a_failed_site(
        assignment: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "x.db"
    status, out, err = cli(capsys, "replay", "vivid", "--sites", DEMO_SITES, "-s", assignment,
                           "--fixtures", str(FIXTURES), "--db", f"sqlite:///{db}")
    assert status == 2 and out == ""
    assert message in one_line(err)
    assert not db.exists()


# --- the database ----------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [["export"], ["runs"], ["renormalize"], ["export", "--output", "x.csv"],
                                  ["db", "current"]])
def test_no_empty_database_is_created_by_readers(argv: list[str], capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOBCRAWLER_DB_URL")  # the default: jobcrawler.db in the working folder
    status, out, err = cli(capsys, *argv)  # the working folder holds no jobcrawler.db
    assert status == 3 and out == ""
    assert f"no database jobcrawler.db in {Path.cwd()} (" in one_line(err)
    assert not Path("jobcrawler.db").exists() and not Path("x.csv").exists()


def test_sqlite_folder_that_does_not_exist_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys, "replay", "vivid", "--sites", DEMO_SITES, "--fixtures", str(FIXTURES),
                         "--db", f"sqlite:///{tmp_path / 'nowhere' / 'x.db'}")
    assert status == 3
    assert "unable to open database file" in one_line(err)
    assert f"the folder {tmp_path / 'nowhere'} does not exist" in err


def test_sqlite_url_naming_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys, "db", "upgrade", "--db", f"sqlite:///{tmp_path}")
    assert status == 3 and f"({tmp_path} is a folder)" in one_line(err)


def test_log_file_that_cannot_be_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    status, _, err = cli(capsys, "replay", "--sites", DEMO_SITES, "--log-file", str(blocker / "x.log"))
    assert status == 2 and f"--log-file {blocker / 'x.log'}: cannot write it" in one_line(err)


def test_record_needs_site_names(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys, "record", "--sites", DEMO_SITES)
    assert status == 2 and "name the sites to record" in one_line(err)


def test_sqlite_hints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jobcrawler.ops import command

    assert command.sqlite_hint(tmp_path / "a" / "x.db") == f" (the folder {tmp_path / 'a'} does not exist)"
    assert command.sqlite_hint(tmp_path) == f" ({tmp_path} is a folder)"
    assert command.sqlite_hint(tmp_path / "x.db") == ""
    monkeypatch.setattr(command.os, "access", lambda path, mode: False)  # as a user, not root
    assert "is not writable; SQLite also writes its journal there" in command.sqlite_hint(tmp_path / "x.db")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any folder")
def test_sqlite_folder_not_writable_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    status, _, err = cli(capsys, "db", "upgrade", "--db", f"sqlite:///{folder / 'x.db'}")
    assert status == 3 and "is not writable" in one_line(err)


def test_corrupted_sqlite_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is no database" * 100)
    out_file = tmp_path / "ads.jsonl"
    status, _, err = cli(capsys, "export", "--db", f"sqlite:///{bad}", "--output", str(out_file))
    assert status == 3 and "file is not a database" in one_line(err)
    assert not out_file.exists()


@pytest.mark.parametrize("password", ["s3cr@t!pass", "s3cret/pa?ss#w:rd", "s3cr%t pa$$"])
def test_passwords_are_masked_whatever_they_contain(password: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys, "export", "--db", f"postgresql://jc:{password}@127.0.0.1:1/none")
    assert status in (2, 3)
    line = one_line(err)
    for piece in (password, *password.replace("@", " ").replace("/", " ").split()):
        if len(piece) >= 4:
            assert piece not in line
    assert "jc:***@" in line
    if "@" in password:
        assert status == 2 and "%40" in line


def test_postgres_scheme_is_accepted(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from jobcrawler.storage.db import database_url

    assert database_url("postgres://u:p@h:5432/d") == "postgresql+psycopg://u:p@h:5432/d"
    url = pg_url.replace("postgresql+psycopg://", "postgres://")
    status, out, _ = cli(capsys, "db", "upgrade", "--db", url)
    assert status == 0 and "database at revision" in out


def test_database_url_that_is_no_url(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys, "runs", "--db", "jobcrawler.db")
    assert status == 2 and "is not a URL (e.g. sqlite:///jobcrawler.db" in one_line(err)


# --- export ----------------------------------------------------------------------------------

def test_output_extension_picks_the_format(stocked: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    csv_file = tmp_path / "ads.csv"
    status, _, err = cli(capsys, "export", "--db", stocked, "--output", str(csv_file))
    assert status == 0 and f"3 ad(s) written to {csv_file}" in err
    assert csv_file.read_text().startswith("source,source_id,url,")
    jsonl = tmp_path / "ads.jsonl"
    assert cli(capsys, "export", "--db", stocked, "--output", str(jsonl))[0] == 0
    assert json.loads(jsonl.read_text().splitlines()[0])["source"] == "acme"
    forced = tmp_path / "ads.txt"  # --format says otherwise
    assert cli(capsys, "export", "--db", stocked, "--output", str(forced), "--format", "csv")[0] == 0
    assert forced.read_text().startswith("source,")


@pytest.mark.parametrize(("args", "message"), [
    (["--output", "ads.txt"], "cannot tell the format of ads.txt from its extension"),
    (["--output", "/nonexistent/ads.csv"], "--output /nonexistent/ads.csv: the folder /nonexistent does not exist"),
    (["--output", "."], "is a folder"),
    (["--country", "BEL"], "argument --country: 'BEL' is not a two-letter country code"),
    (["--since", "2025-31-12"], "argument --since: '2025-31-12' is not a day like"),
    (["--status", "gone"], "argument --status: invalid choice: 'gone'"),
    (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
])
def test_export_usage_mistakes(stocked: str, args: list[str], message: str,
                               capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, "export", "--db", stocked, *args)
    assert status == 2 and out == ""
    assert message in one_line(err)


@pytest.mark.parametrize(("args", "message"), [
    (["--source", "nosuch"], "0 ads match (--status open, --source nosuch); no stored ad has source "
     "'nosuch' (sources: acme)"),
    (["--country", "lu"], "0 ads match (--status open, --country LU)"),
    (["--status", "closed"], "0 ads match (--status closed)"),
])
def test_empty_filters_say_0_ads_match(stocked: str, args: list[str], message: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, "export", "--db", stocked, *args)
    assert status == 0 and out == ""
    assert message in one_line(err)


def test_export_that_fails_midway_leaves_no_partial_file(
        stocked: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    from jobcrawler.ops import export

    def failing(*args: object, **kwargs: object):
        yield {"source": "acme"}
        raise OperationalError("SELECT", {}, sqlite3.DatabaseError("database disk image is malformed"))

    monkeypatch.setattr(export, "iter_jobs", failing)
    target = tmp_path / "ads.jsonl"
    target.write_text("yesterday's export\n")
    status, _, err = cli(capsys, "export", "--db", stocked, "--output", str(target))
    assert status == 3 and "database disk image is malformed" in one_line(err)
    assert target.read_text() == "yesterday's export\n"  # the old file stays whole
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".ads")] == []


# --- the other verbs -------------------------------------------------------------------------

def test_renormalize_unknown_source(stocked: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, "renormalize", "--db", stocked, "--source", "nosuch")
    assert status == 0 and out == ""
    assert "0 ads match (--source nosuch); no stored ad has source 'nosuch'" in one_line(err)


@pytest.mark.parametrize(("content", "message"), [
    ("not json at all\n", "line 1 is not JSON"),
    ('{"title": "no identity"}\n', "line 1 is not a stored ad (no source and source_id)"),
    ("", "it holds no items"),
])
def test_load_spool_of_a_file_that_is_no_spool(stocked: str, tmp_path: Path, content: str, message: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    cli(capsys, "runs", "--db", stocked)
    runs_before = sqlite3.connect(stocked.removeprefix("sqlite:///")).execute(
        "SELECT count(*) FROM runs").fetchone()
    bogus = tmp_path / "notes.txt"
    bogus.write_text(content)
    status, _, err = cli(capsys, "load-spool", str(bogus), "--db", stocked)
    assert status == 2
    assert f"{bogus} is not a jobcrawler spool file: {message}; nothing was loaded" in one_line(err)
    con = sqlite3.connect(stocked.removeprefix("sqlite:///"))
    assert con.execute("SELECT count(*) FROM runs").fetchone() == runs_before  # no run left "running"
    assert con.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone() == (0,)


def test_load_spool_missing_file(stocked: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = cli(capsys, "load-spool", "nope.jsonl", "--db", stocked)
    assert status == 2 and "no spool file nope.jsonl" in one_line(err)


def test_runs_table_keeps_whole_commands(stocked: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "runs", "--db", stocked)
    assert status == 0
    header, row = out.splitlines()[:2]
    assert header.split()[:4] == ["id", "command", "started", "status"]
    assert row.split()[1] == "load-spool" and "ok" in row.split()


@pytest.mark.parametrize(("argv", "message"), [
    (["exprt"], "argument COMMAND: invalid choice: 'exprt'"),
    ([], "the following arguments are required: COMMAND"),
    (["runs", "-n", "0"], "argument -n/--limit: '0' is not a whole number above 0"),
    (["replay", "--wait", "soon"], "argument --wait: invalid float value: 'soon'"),
    (["db", "downgrade"], "argument action: invalid choice: 'downgrade'"),
    (["load-spool"], "the following arguments are required: file"),
])
def test_argument_mistakes_are_one_line(argv: list[str], message: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, *argv)
    assert status == 2 and out == ""
    assert message in one_line(err) and "--help" in err


# --- what needs a real crawl: a subprocess, from a folder without scrapy.cfg ---------------------

def test_crawl_from_any_folder_with_absolute_paths(tmp_path: Path) -> None:
    """No scrapy.cfg, no sites.toml, no logs/ in the working folder: the installed command knows
    its settings, stores the ads, prints the summary, creates the log's folder; --skip-broken
    runs the good site and reports the broken one."""
    from tests.mockserver import MockServer, Reply
    from tests.test_operations import job_page

    work = tmp_path / "elsewhere"
    work.mkdir()
    paths = [f"/job/{i}/" for i in range(3)]
    routes = {"/jobs/": [Reply(200, "".join(f'<a href="{p}">x</a>' for p in paths))]}
    routes.update({p: [Reply(200, job_page(i))] for i, p in enumerate(paths)})
    with MockServer(routes) as server:
        sites = tmp_path / "conf" / "sites.toml"
        sites.parent.mkdir()
        sites.write_text(f'[sites.local]\nplatform = "jsonld"\nurl = "{server.url}/jobs/"\n'
                         f'link_pattern = "/job/"\n\n[sites.typo]\nplatform = "greenhouse"\n'
                         f'bord = "acme"\n')
        db = tmp_path / "data" / "ads.db"
        db.parent.mkdir()
        env = {k: v for k, v in os.environ.items() if k not in ("JOBCRAWLER_DB_URL",
                                                                 "SCRAPY_SETTINGS_MODULE")}
        result = subprocess.run(
            [str(Path(sys.executable).with_name("jobcrawler")), "crawl", "--skip-broken",
             "--sites", str(sites), "--db", f"sqlite:///{db}", "--log-file", "logs/crawl.log",
             "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"],
            cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr  # the broken site failed
    assert "Traceback" not in result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:3]}
    assert rows["local"][3] == "3" and rows["local"][-1] == "ok"
    assert rows["typo"][-1] == "failed"
    assert "typo: not run: " in result.stdout and "did you mean 'board'?" in result.stdout
    assert (work / "logs" / "crawl.log").stat().st_size > 0
    assert sqlite3.connect(db).execute("SELECT count(*) FROM jobs").fetchone() == (3,)
    assert not (work / "jobcrawler.db").exists()
    assert work != ROOT


def test_a_site_that_cannot_start_never_takes_down_the_run(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """One site's spider cannot even be created (so its crawler has no stats): the other site is
    crawled, the summary is printed, the run is finished and recorded, the status is 1."""
    from jobcrawler.spiders.vivid import VividResourcingSpider
    from tests.cli import run

    def broken(cls, crawler, *args, **kwargs):
        raise ValueError("the site's spider broke at start")

    monkeypatch.setattr(VividResourcingSpider, "from_crawler", classmethod(broken))
    db = tmp_path / "x.db"
    result = run("replay", "vivid", "adecco", "--sites", DEMO_SITES, "--fixtures", str(FIXTURES),
                 "--db", f"sqlite:///{db}", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "vivid: could not run: the site's spider broke at start" in result.stdout
    assert "run 1: some sites failed" in result.stdout
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:3]}
    assert rows["adecco"][-1] == "ok" and rows["vivid"][-1] == "failed"
    con = sqlite3.connect(db)
    assert con.execute("SELECT status FROM runs").fetchall() == [("failed",)]
    assert con.execute("SELECT count(*) FROM jobs WHERE source = 'adecco'").fetchone() == (2,)
