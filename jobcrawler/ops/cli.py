"""The ``jobcrawler`` command: a thin shell over the library functions.

Every verb has ``--help``. Errors become one clear line on stderr and an exit status, never a
traceback (statuses: see :mod:`jobcrawler.ops.runner`).
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from pathlib import Path
from typing import Any

from jobcrawler import __version__

logger = logging.getLogger("jobcrawler")


class CommandError(Exception):
    """A clean, user-facing failure with an exit status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def _setup_logging(verbose: bool, log_file: str | None) -> None:
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    fmt = logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.INFO if verbose else logging.WARNING)
    console.setFormatter(fmt)
    root.addHandler(console)
    if log_file:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setLevel(logging.INFO)
        handler.setFormatter(fmt)
        root.addHandler(handler)


def _engine(db: str | None) -> Any:
    from jobcrawler.storage.db import database_url, error_message, open_database, safe_url

    try:
        return open_database(db)
    except Exception as exc:
        from jobcrawler.ops.runner import EXIT_NOTHING_RAN

        url = database_url(db)
        raise CommandError(f"cannot open the database {safe_url(url)}: {error_message(exc, url)}",
                           EXIT_NOTHING_RAN) from None


def _load_sites(args: argparse.Namespace) -> list[Any]:
    from jobcrawler.ops.runner import EXIT_NOTHING_RAN
    from jobcrawler.sites import SiteConfigError, load_sites, select_sites

    try:
        return select_sites(load_sites(args.sites), args.site)
    except SiteConfigError as exc:
        raise CommandError(str(exc), EXIT_NOTHING_RAN) from None


def _print_summary(result: Any) -> None:
    header = ("site", "platform", "requests", "items", "new", "updated", "unchanged", "closed",
              "dropped", "errors", "seconds", "status")
    rows = [header]
    for s in result.sites:
        rows.append((s.site, s.platform, s.requests, s.items, s.new, s.updated, s.unchanged,
                     s.closed, s.dropped, s.errors, f"{s.seconds:.1f}", s.status))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(str(v).ljust(w) if i < 2 or i == len(row) - 1 else str(v).rjust(w)
                        for i, (v, w) in enumerate(zip(row, widths, strict=True))).rstrip())
    for s in result.sites:
        for problem in s.problems:
            print(f"{s.site}: {problem}")
    if result.record_error:
        print(result.record_error)
    skipped = sum(1 for s in result.sites if s.status == "skipped")
    note = f" ({skipped} skipped)" if skipped else ""
    print(f"run {result.run_id}: {'ok' if result.exit_status == 0 else 'some sites failed'}{note}")


def cmd_run(args: argparse.Namespace) -> int:
    """replay / crawl / record: run sites and print a summary."""
    from sqlalchemy.exc import SQLAlchemyError

    from jobcrawler.ops.lock import LockHeld, RunLock
    from jobcrawler.ops.runner import EXIT_LOCKED, EXIT_NOTHING_RAN, EXIT_USAGE, run_sites

    sites = _load_sites(args)
    engine = _engine(args.db)
    extra: dict[str, Any] = {"JOBCRAWLER_SITES": args.sites} if args.sites else {}
    extra["JOBCRAWLER_PROGRESS"] = sys.stderr.isatty() and not args.verbose
    for assignment in args.set or []:
        name, sep, value = assignment.partition("=")
        if not sep or not name.isupper():
            raise CommandError(f"-s takes NAME=VALUE, not {assignment!r}", EXIT_USAGE)
        extra[name] = value
    if getattr(args, "fixtures", None):
        extra["JOBCRAWLER_FIXTURES_DIR"] = args.fixtures
    try:
        with RunLock(engine, wait=args.wait):
            result = run_sites(sites, args.mode, args.db, extra)
    except LockHeld as exc:
        raise CommandError(f"{exc}; not running (use --wait SECONDS to wait for it)",
                           EXIT_LOCKED) from None
    except SQLAlchemyError as exc:  # the database failed while the run was being recorded
        from jobcrawler.storage.db import database_url, error_message

        raise CommandError(f"the database failed: {error_message(exc, database_url(args.db))}",
                           EXIT_NOTHING_RAN) from None
    _print_summary(result)
    return result.exit_status


def cmd_export(args: argparse.Namespace) -> int:
    """Write stored ads in the export schema."""
    from jobcrawler.ops.export import iter_jobs, write_export, write_xlsx
    from jobcrawler.ops.runner import EXIT_USAGE

    if args.format == "xlsx" and not args.output:
        raise CommandError("--format xlsx needs --output FILE", EXIT_USAGE)
    engine = _engine(args.db)
    records = iter_jobs(engine, status=args.status, since=args.since, source=args.source,
                        country=args.country, province=args.province, region=args.region,
                        names=args.names)
    fmt = "csv" if args.excel else args.format
    if args.format == "xlsx":
        count = write_xlsx(records, args.output)
        print(f"{count} ad(s) written to {args.output}", file=sys.stderr)
    elif args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            count = write_export(records, out, fmt, excel=args.excel)
        print(f"{count} ad(s) written to {args.output}", file=sys.stderr)
    else:
        write_export(records, sys.stdout, fmt, excel=args.excel)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML report (jobcrawler.ops.report)."""
    import importlib.util

    from jobcrawler.ops.report import build_report
    from jobcrawler.ops.runner import EXIT_NOTHING_RAN, EXIT_USAGE

    if importlib.util.find_spec("matplotlib") is None:
        raise CommandError("jobcrawler report draws with matplotlib: pip install 'jobcrawler[report]'",
                           EXIT_NOTHING_RAN)
    engine = _engine(args.db)
    try:
        page = build_report(engine, since=args.since, until=args.until, names=args.names)
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    Path(args.output).write_text(page, encoding="utf-8")
    print(f"report written to {args.output}", file=sys.stderr)
    return 0


def cmd_browse(args: argparse.Namespace) -> int:
    """Open the database in datasette (jobcrawler.ops.browse)."""
    from jobcrawler.ops.browse import BrowseError, serve, sqlite_path
    from jobcrawler.ops.runner import EXIT_NOTHING_RAN
    from jobcrawler.storage.db import database_url

    try:
        path = sqlite_path(database_url(args.db))
        _engine(args.db)  # migrated to the current schema first
        serve(path, args.host, args.port)
    except BrowseError as exc:
        raise CommandError(str(exc), EXIT_NOTHING_RAN) from None
    return 0


def cmd_normalize(args: argparse.Namespace) -> int:
    """JSON Lines of raw items on stdin -> one normalised object per line on stdout."""
    from jobcrawler.ops.normalize_cmd import normalize_stream

    return normalize_stream(sys.stdin, sys.stdout)


def cmd_load_spool(args: argparse.Namespace) -> int:
    """Store the items of spool files written while the database was down."""
    from jobcrawler.ops.lock import LockHeld, RunLock
    from jobcrawler.ops.maintenance import load_spool
    from jobcrawler.ops.runner import EXIT_LOCKED, EXIT_NOTHING_RAN

    engine = _engine(args.db)
    for name in args.file:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"no spool file {path}", EXIT_NOTHING_RAN)
        try:
            with RunLock(engine, wait=args.wait):
                result = load_spool(engine, path)
        except LockHeld as exc:
            raise CommandError(str(exc), EXIT_LOCKED) from None
        except (ValueError, KeyError) as exc:
            raise CommandError(f"{path} is not a jobcrawler spool file: {exc}", EXIT_NOTHING_RAN) from None
        print(f"{path}: {result.new} new, {result.updated} updated, {result.unchanged} unchanged")
    return 0


def cmd_renormalize(args: argparse.Namespace) -> int:
    """Re-apply today's normalisers to stored raw values."""
    from jobcrawler.ops.lock import LockHeld, RunLock
    from jobcrawler.ops.maintenance import renormalize
    from jobcrawler.ops.runner import EXIT_LOCKED

    engine = _engine(args.db)
    try:
        with RunLock(engine, wait=args.wait):
            result = renormalize(engine, source=args.source)
    except LockHeld as exc:
        raise CommandError(str(exc), EXIT_LOCKED) from None
    print(f"{result.updated} ad(s) changed, {result.unchanged} unchanged")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from jobcrawler.storage.db import current_revision, database_url, get_engine, head_revision
    from jobcrawler.storage.db import upgrade as do_upgrade

    if args.action == "upgrade":
        engine = _engine(args.db)  # opening migrates to head
        do_upgrade(engine)
        print(f"database at revision {current_revision(engine)} (head {head_revision()})")
    else:
        try:
            revision = current_revision(get_engine(database_url(args.db)))
        except Exception as exc:
            from jobcrawler.ops.runner import EXIT_NOTHING_RAN

            raise CommandError(f"cannot read the database: {type(exc).__name__}",
                               EXIT_NOTHING_RAN) from None
        print(f"{revision or '(empty)'} (head {head_revision()})")
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    """List recent runs."""
    from sqlalchemy import select

    from jobcrawler.storage.db import session_factory
    from jobcrawler.storage.models import Run

    engine = _engine(args.db)
    with session_factory(engine)() as session:
        runs = list(session.scalars(select(Run).order_by(Run.id.desc()).limit(args.limit)))
    print(f"{'id':>5}  {'command':8} {'started':20} {'status':11} {'items':>6} {'new':>5} "
          f"{'upd':>5} {'closed':>6} {'dropped':>7} {'errors':>6}  sites")
    for r in runs:
        print(f"{r.id:>5}  {r.command[:8]:8} {r.started_at:%Y-%m-%d %H:%M:%S}  {r.status:11} "
              f"{r.items_seen:>6} {r.new:>5} {r.updated:>5} {r.closed:>6} {r.dropped:>7} "
              f"{r.errors:>6}  {', '.join(r.sites or [])}")
    return 0


def cmd_sites(args: argparse.Namespace) -> int:
    """List the configured sites with their platform and last result."""
    from jobcrawler.ops.runner import EXIT_NOTHING_RAN
    from jobcrawler.sites import SiteConfigError, load_sites

    try:
        sites = load_sites(args.sites)
    except SiteConfigError as exc:
        raise CommandError(str(exc), EXIT_NOTHING_RAN) from None
    last: dict[str, Any] = {}
    try:
        from sqlalchemy import select

        from jobcrawler.storage.db import session_factory
        from jobcrawler.storage.models import RunSite

        engine = _engine(args.db)
        with session_factory(engine)() as session:
            for row in session.scalars(select(RunSite).order_by(RunSite.id)):
                last[row.source] = row
    except CommandError:
        pass
    for site in sites.values():
        row = last.get(site.name)
        result = (f"{row.status} {row.finished_at or row.started_at:%Y-%m-%d %H:%M} "
                  f"({row.items_seen} ads)" if row else "never run")
        print(f"{site.name:20} {site.platform:16} {result}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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

    p = sub.add_parser("replay", parents=[run_opts], help="crawl sites from saved fixtures (offline)",
                       description="Crawl every configured site (or those named) from the saved "
                       "responses under fixtures/<site>/, through the whole pipeline into the "
                       "database. Example: jobcrawler replay adecco --db sqlite:///demo.db")
    p.add_argument("--fixtures", metavar="DIR", help="fixture folder (default: fixtures)")
    p.set_defaults(func=cmd_run, mode="replay")
    p = sub.add_parser("crawl", parents=[run_opts], help="crawl the live sites (the cron job)",
                       description="Crawl every configured site (or those named) live, politely, "
                       "into the database. Example: jobcrawler crawl --log-file logs/crawl.log")
    p.set_defaults(func=cmd_run, mode="crawl")
    p = sub.add_parser("record", parents=[run_opts], help="crawl live and save responses as fixtures",
                       description="Crawl sites live and save every response under "
                       "fixtures/<site>/ for later replay. Example: jobcrawler record vivid")
    p.add_argument("--fixtures", metavar="DIR", help="fixture folder (default: fixtures)")
    p.set_defaults(func=cmd_run, mode="record")

    p = sub.add_parser("export", parents=[db_opt], help="write stored ads as JSON Lines, CSV or xlsx",
                       description="Write stored ads: JSON Lines in the export schema, or a flat "
                       "table with one row per ad (CSV, xlsx). "
                       "Example: jobcrawler export --format csv --excel --output ads.csv --province BE-VOV")
    p.add_argument("--format", choices=("jsonl", "csv", "xlsx"), default="jsonl")
    p.add_argument("--excel", action="store_true",
                   help="CSV for Excel on a Belgian/French/Dutch machine: UTF-8 BOM, ';', decimal commas")
    p.add_argument("--names", choices=("en", "nl", "fr", "de"), default="en",
                   help="language of the province, region and country names (default: en)")
    p.add_argument("--output", metavar="FILE", help="write here instead of stdout")
    p.add_argument("--status", choices=("open", "closed", "all"), default="open")
    p.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD",
                   help="only ads first seen on or after this day")
    p.add_argument("--source", metavar="SITE", help="only ads of this site")
    p.add_argument("--country", metavar="CC", help="only ads with a location in this country (BE)")
    p.add_argument("--province", metavar="CODE", help="only ads with a location in this province (BE-VOV)")
    p.add_argument("--region", metavar="CODE", help="only ads with a location in this region (BE-VLG)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("report", parents=[db_opt], help="write an HTML report with charts (one file)",
                       description="Write one self-contained HTML file (charts inline, works offline) "
                       "on the ads online in a period and the sites' health; every chart has its "
                       "numbers and a CSV link. Example: jobcrawler report --since 2026-10-01 "
                       "--output report.html")
    p.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD",
                   help="first day (default: 8 weeks before --until)")
    p.add_argument("--until", type=date.fromisoformat, metavar="YYYY-MM-DD", help="last day (default: today)")
    p.add_argument("--names", choices=("en", "nl", "fr", "de"), default="en",
                   help="language of province and region names")
    p.add_argument("--output", "-o", metavar="FILE", default="report.html", help="default: report.html")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("browse", parents=[db_opt], help="browse the database in datasette",
                       description="Serve the (SQLite) database with datasette: facets on province, "
                       "contract, language, occupation, source and status, column descriptions and "
                       "canned queries. Needs the browse extra. Example: jobcrawler browse --port 8001")
    p.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine only)")
    p.add_argument("--port", type=int, default=8001, help="default: 8001")
    p.set_defaults(func=cmd_browse)

    p = sub.add_parser("normalize", help="normalise raw items: JSON Lines on stdin -> stdout",
                       description="Read raw items as JSON Lines on stdin and write one normalised "
                       "object per line on stdout. Example: "
                       "echo '{\"date_posted_raw\": \"3 dagen geleden\"}' | jobcrawler normalize")
    p.set_defaults(func=cmd_normalize)

    wait_opt = argparse.ArgumentParser(add_help=False)
    wait_opt.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                          help="when a run holds the database, wait this long (default: exit 4)")
    p = sub.add_parser("load-spool", parents=[db_opt, wait_opt],
                       help="store items spooled while the database was down",
                       description="Store the items of spool files (spool/*.jsonl) written when the "
                       "database could not be reached. Example: jobcrawler load-spool spool/*.jsonl")
    p.add_argument("file", nargs="+")
    p.set_defaults(func=cmd_load_spool)

    p = sub.add_parser("renormalize", parents=[db_opt, wait_opt],
                       help="re-apply today's normalisers to stored raw values",
                       description="Re-normalise stored ads from their raw values, without crawling; "
                       "changes are recorded in job_changes. Example: jobcrawler renormalize --source vivid")
    p.add_argument("--source", metavar="SITE", help="only ads of this site")
    p.set_defaults(func=cmd_renormalize)

    p = sub.add_parser("db", parents=[db_opt], help="schema migrations",
                       description="upgrade: migrate the database to the newest schema; "
                       "current: show its revision. Example: jobcrawler db upgrade --db URL")
    p.add_argument("action", choices=("upgrade", "current"))
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("runs", parents=[db_opt], help="list recent runs",
                       description="List recent runs with their counts. Example: jobcrawler runs -n 5")
    p.add_argument("-n", "--limit", type=int, default=20)
    p.set_defaults(func=cmd_runs)

    p = sub.add_parser("sites", parents=[db_opt], help="list configured sites and their last result",
                       description="List the sites of the registry. Example: jobcrawler sites")
    p.add_argument("--sites", metavar="FILE")
    p.set_defaults(func=cmd_sites)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.func is cmd_run:
        _setup_logging(args.verbose, args.log_file)
    else:
        _setup_logging(False, None)
    try:
        return args.func(args)
    except CommandError as exc:
        print(f"jobcrawler: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("jobcrawler: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0

