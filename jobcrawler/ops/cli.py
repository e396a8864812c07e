"""The ``jobcrawler`` command: the verbs and their options; each verb's code is a small module.

A verb is registered here with ``set_defaults(func="module:function")`` (imported only when that
verb runs, so ``jobcrawler --help`` stays fast). Errors become one clear line on stderr and an exit
status, never a traceback (statuses: :mod:`jobcrawler.ops.command`).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from datetime import date
from typing import Any, NoReturn

from jobcrawler import __version__
from jobcrawler.ops.command import CommandError, setup_logging

__all__ = ["CommandError", "build_parser", "main"]


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage mistake said in one line (status 2), pointing to ``--help``."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day like 2025-12-31") from None


def _country(text: str) -> str:
    if len(text) != 2 or not text.isalpha():
        raise argparse.ArgumentTypeError(f"{text!r} is not a two-letter country code like BE")
    return text.upper()


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above 0")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jobcrawler",
        description="Crawl job ads from careers sites and agencies into one clean database.")
    parser.add_argument("--version", action="version", version=f"jobcrawler {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db_opt = argparse.ArgumentParser(add_help=False)
    db_opt.add_argument("--db", metavar="URL",
                        help="database URL (default: $JOBCRAWLER_DB_URL, else sqlite:///jobcrawler.db)")
    run_opts = argparse.ArgumentParser(add_help=False, parents=[db_opt])
    run_opts.add_argument("site", nargs="*", help="configured site names (default: all)")
    run_opts.add_argument("--sites", metavar="FILE",
                          help="site registry (default: $JOBCRAWLER_SITES, else sites.toml)")
    run_opts.add_argument("--log-file", metavar="FILE", help="also write the full log here")
    run_opts.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    run_opts.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                          help="a Scrapy or jobcrawler setting for this run, e.g. -s DOWNLOAD_DELAY=2")
    run_opts.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                          help="when another run holds the database, wait this long (default: exit 4)")
    run_opts.add_argument("--skip-broken", action="store_true",
                          help="run the good sites when some registry entries are broken (they are "
                          "reported as failed); without it a broken registry runs nothing (exit 2)")

    p = sub.add_parser("replay", parents=[run_opts], help="crawl sites from saved fixtures (offline)",
                       description="Crawl every configured site (or those named) from the saved "
                       "responses under fixtures/<site>/, through the whole pipeline into the "
                       "database. Example: jobcrawler replay adecco --db sqlite:///demo.db")
    p.add_argument("--fixtures", metavar="DIR",
                   help="fixture folder (default: $JOBCRAWLER_FIXTURES_DIR, else fixtures)")
    p.set_defaults(func="jobcrawler.ops.run_cmd:cmd_run", mode="replay")
    p = sub.add_parser("crawl", parents=[run_opts], help="crawl the live sites (the cron job)",
                       description="Crawl every configured site (or those named) live, politely, "
                       "into the database. Example: jobcrawler crawl --log-file logs/crawl.log")
    p.add_argument("--scrapyd", metavar="URL[,URL...]",
                   help="run each site as a job on these Scrapyd nodes (jobcrawler deploy first); "
                   "needs a PostgreSQL --db that every node reaches")
    p.set_defaults(func="jobcrawler.ops.run_cmd:cmd_run", mode="crawl")
    p = sub.add_parser("record", parents=[run_opts], help="crawl live and save responses as fixtures",
                       description="Crawl sites live and save every response under "
                       "fixtures/<site>/ for later replay. Example: jobcrawler record vivid")
    p.add_argument("--fixtures", metavar="DIR",
                   help="fixture folder (default: $JOBCRAWLER_FIXTURES_DIR, else fixtures)")
    p.set_defaults(func="jobcrawler.ops.run_cmd:cmd_run", mode="record")

    p = sub.add_parser("deploy", help="put the project on Scrapyd nodes",
                       description="Build the project's egg (scrapyd-client) and add it to each "
                       "Scrapyd node, for jobcrawler crawl --scrapyd. Run it in the project folder. "
                       "Example: jobcrawler deploy http://node1:6800,http://node2:6800")
    p.add_argument("url", metavar="URL[,URL...]")
    p.set_defaults(func="jobcrawler.ops.scrapyd:cmd_deploy")

    p = sub.add_parser("export", parents=[db_opt], help="write stored ads as JSON Lines, CSV or xlsx",
                       description="Write stored ads: JSON Lines in the export schema, or a flat "
                       "table with one row per ad (CSV, xlsx). "
                       "Example: jobcrawler export --format csv --excel --output ads.csv --province BE-VOV")
    p.add_argument("--format", choices=("jsonl", "csv", "xlsx"),
                   help="default: from the --output extension (.jsonl, .ndjson, .csv, .xlsx), else jsonl")
    p.add_argument("--excel", action="store_true",
                   help="CSV for Excel on a Belgian/French/Dutch machine: UTF-8 BOM, ';', decimal commas")
    p.add_argument("--names", choices=("en", "nl", "fr", "de"), default="en",
                   help="language of the province, region and country names (default: en)")
    p.add_argument("--output", metavar="FILE", help="write here instead of stdout (replaced whole "
                   "at the end: an export that fails leaves no partial file)")
    p.add_argument("--status", choices=("open", "closed", "all"), default="open")
    p.add_argument("--since", type=_day, metavar="YYYY-MM-DD",
                   help="only ads first seen on or after this day")
    p.add_argument("--source", metavar="SITE", help="only ads of this site")
    p.add_argument("--country", type=_country, metavar="CC",
                   help="only ads with a location in this country (ISO code, e.g. BE)")
    p.add_argument("--province", metavar="CODE", help="only ads with a location in this province (BE-VOV)")
    p.add_argument("--region", metavar="CODE", help="only ads with a location in this region (BE-VLG)")
    p.add_argument("--unique", action="store_true",
                   help="one row per duplicate cluster: its canonical ad with copies and sources")
    p.set_defaults(func="jobcrawler.ops.export_cmd:cmd_export")

    p = sub.add_parser("report", parents=[db_opt], help="write an HTML report with charts (one file)",
                       description="Write one self-contained HTML file (charts inline, works offline) "
                       "on the ads online in a period and the sites' health; every chart has its "
                       "numbers and a CSV link. Example: jobcrawler report --since 2026-10-01 "
                       "--output report.html")
    p.add_argument("--since", type=_day, metavar="YYYY-MM-DD",
                   help="first day (default: 8 weeks before --until)")
    p.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="last day (default: today)")
    p.add_argument("--names", choices=("en", "nl", "fr", "de"), default="en",
                   help="language of province and region names")
    p.add_argument("--output", "-o", metavar="FILE", default="report.html", help="default: report.html")
    p.set_defaults(func="jobcrawler.ops.report:cmd_report")

    p = sub.add_parser("browse", parents=[db_opt], help="browse the database in datasette",
                       description="Serve the (SQLite) database with datasette: facets on province, "
                       "contract, language, occupation, source and status, column descriptions and "
                       "canned queries. Needs the browse extra. Example: jobcrawler browse --port 8001")
    p.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine only)")
    p.add_argument("--port", type=int, default=8001, help="default: 8001")
    p.set_defaults(func="jobcrawler.ops.browse:cmd_browse")

    p = sub.add_parser("normalize", help="normalise raw items: JSON Lines on stdin -> stdout",
                       description="Read raw items as JSON Lines on stdin and write one normalised "
                       "object per line on stdout. Example: "
                       "echo '{\"date_posted_raw\": \"3 dagen geleden\"}' | jobcrawler normalize")
    p.set_defaults(func="jobcrawler.ops.normalize_cmd:cmd_normalize")

    wait_opt = argparse.ArgumentParser(add_help=False)
    wait_opt.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                          help="when a run holds the database, wait this long (default: exit 4)")
    p = sub.add_parser("load-spool", parents=[db_opt, wait_opt],
                       help="store items spooled while the database was down",
                       description="Store the items of spool files (spool/*.jsonl) written when the "
                       "database could not be reached. Example: jobcrawler load-spool spool/*.jsonl")
    p.add_argument("file", nargs="+")
    p.set_defaults(func="jobcrawler.ops.db_cmd:cmd_load_spool")

    p = sub.add_parser("renormalize", parents=[db_opt, wait_opt],
                       help="re-apply today's normalisers to stored raw values",
                       description="Re-normalise stored ads from their raw values, without crawling; "
                       "changes are recorded in job_changes. Example: jobcrawler renormalize --source vivid")
    p.add_argument("--source", metavar="SITE", help="only ads of this site")
    p.set_defaults(func="jobcrawler.ops.db_cmd:cmd_renormalize")

    from jobcrawler.ops import dedup_cmd

    dedup_cmd.add_parser(sub, [db_opt, wait_opt])

    p = sub.add_parser("db", parents=[db_opt], help="schema migrations",
                       description="upgrade: migrate the database to the newest schema; "
                       "current: show its revision. Example: jobcrawler db upgrade --db URL")
    p.add_argument("action", choices=("upgrade", "current"))
    p.set_defaults(func="jobcrawler.ops.db_cmd:cmd_db")

    p = sub.add_parser("runs", parents=[db_opt], help="list recent runs",
                       description="List recent runs with their counts. Example: jobcrawler runs -n 5")
    p.add_argument("-n", "--limit", type=_positive, default=20, help="how many (default 20)")
    p.set_defaults(func="jobcrawler.ops.db_cmd:cmd_runs")

    p = sub.add_parser("sites", parents=[db_opt], help="list configured sites and their last result",
                       description="List the sites of the registry with their last result, after "
                       "checking every entry (platform, keys, values): a broken entry is named with "
                       "its key and the status is 2. Example: jobcrawler sites --sites sites.toml")
    p.add_argument("--sites", metavar="FILE",
                   help="site registry (default: $JOBCRAWLER_SITES, else sites.toml)")
    p.set_defaults(func="jobcrawler.ops.db_cmd:cmd_sites")
    return parser


def _resolve(func: Any) -> Any:
    """A verb's function, given as itself or as ``"module:function"``."""
    if isinstance(func, str):
        module, _, name = func.partition(":")
        return getattr(importlib.import_module(module), name)
    return func


def main(argv: list[str] | None = None) -> int:
    # jobcrawler knows its own settings: no scrapy.cfg needed in the working folder
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "jobcrawler.settings")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "mode", None):  # replay / crawl / record
            setup_logging(args.verbose, args.log_file)
        else:
            setup_logging(False, None)
        return _resolve(args.func)(args)
    except CommandError as exc:
        for line in str(exc).splitlines():
            print(f"jobcrawler: {line}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("jobcrawler: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
