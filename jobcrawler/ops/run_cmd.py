"""``jobcrawler replay`` / ``crawl`` / ``record``: run sites, print a summary per site."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from jobcrawler.ops.command import (
    EXIT_LOCKED,
    EXIT_NOTHING_RAN,
    EXIT_USAGE,
    CommandError,
    open_engine,
)


def load_selected_sites(args: argparse.Namespace) -> list[Any]:
    from jobcrawler.sites import SiteConfigError, load_sites, select_sites

    try:
        return select_sites(load_sites(args.sites), args.site)
    except SiteConfigError as exc:
        raise CommandError(str(exc), EXIT_NOTHING_RAN) from None


def print_summary(result: Any) -> None:
    """One row per site, then each problem found, then the run's verdict."""
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
    from jobcrawler.ops.runner import run_sites

    sites = load_selected_sites(args)
    engine = open_engine(args.db)
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
    print_summary(result)
    return result.exit_status
