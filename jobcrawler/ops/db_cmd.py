"""Verbs that work on the database alone: ``db``, ``load-spool``, ``renormalize``, ``runs``,
``sites``. None of them leaves a new empty database behind (only ``db upgrade`` creates one)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from jobcrawler.ops.command import (
    EXIT_NOTHING_RAN,
    EXIT_USAGE,
    CommandError,
    database_lock,
    open_engine,
    sqlite_path,
)


def cmd_load_spool(args: argparse.Namespace) -> int:
    """Store the items of spool files written while the database was down.

    Every file is checked before anything is stored: a file that is not a spool runs nothing.
    """
    from jobcrawler.ops.maintenance import load_spool, read_spool

    spools = []
    for name in args.file:
        path = Path(name)
        if not path.is_file():
            hint = " (already loaded)" if path.with_name(path.name + ".loaded").exists() else ""
            raise CommandError(f"no spool file {path}{hint}", EXIT_USAGE)
        try:
            spools.append((path, read_spool(path)))
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path} is not a jobcrawler spool file: {exc}; nothing was loaded",
                               EXIT_USAGE) from None
    engine = open_engine(args.db, create=False)
    for path, items in spools:
        with database_lock(engine, args.wait, "not loading"):
            result = load_spool(engine, path, items=items)
        print(f"{path}: {result.new} new, {result.updated} updated, {result.unchanged} unchanged")
    return 0


def cmd_renormalize(args: argparse.Namespace) -> int:
    """Re-apply today's normalisers to stored raw values."""
    from jobcrawler.ops.export_cmd import unknown_source
    from jobcrawler.ops.maintenance import renormalize

    engine = open_engine(args.db, create=False)
    with database_lock(engine, args.wait):
        result = renormalize(engine, source=args.source)
    if not result.updated and not result.unchanged:
        where = f" (--source {args.source})" if args.source else ""
        print(f"0 ads match{where}{unknown_source(engine, args.source)}", file=sys.stderr)
        return 0
    print(f"{result.updated} ad(s) changed, {result.unchanged} unchanged")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    """``db upgrade`` migrates to the newest schema (creating the database); ``db current`` shows
    the revision."""
    from jobcrawler.storage.db import current_revision, error_message, head_revision
    from jobcrawler.storage.db import upgrade as do_upgrade

    if args.action == "upgrade":
        engine = open_engine(args.db)  # opening migrates to head
        do_upgrade(engine)
        print(f"database at revision {current_revision(engine)} (head {head_revision()})")
        return 0
    from jobcrawler.ops.command import url_problem
    from jobcrawler.storage.db import database_url, get_engine

    url = database_url(args.db)
    if problem := url_problem(url):
        raise CommandError(problem, EXIT_USAGE)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        where = "" if path.is_absolute() else f" in {Path.cwd()}"
        raise CommandError(f"no database {path}{where} (jobcrawler db upgrade creates it)",
                           EXIT_NOTHING_RAN)
    try:
        revision = current_revision(get_engine(url))
    except Exception as exc:
        raise CommandError(f"cannot read the database: {error_message(exc, url)}",
                           EXIT_NOTHING_RAN) from None
    print(f"{revision or '(empty)'} (head {head_revision()})")
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    """List recent runs, columns as wide as their values."""
    from sqlalchemy import select

    from jobcrawler.storage.db import session_factory
    from jobcrawler.storage.models import Run

    engine = open_engine(args.db, create=False)
    with session_factory(engine)() as session:
        runs = list(session.scalars(select(Run).order_by(Run.id.desc()).limit(args.limit)))
    if not runs:
        print("no runs recorded yet", file=sys.stderr)
        return 0
    header = ("id", "command", "started", "status", "items", "new", "upd", "closed", "dropped",
              "errors", "copies", "sites")
    rows = [header] + [
        (r.id, r.command, f"{r.started_at:%Y-%m-%d %H:%M:%S}", r.status, r.items_seen, r.new,
         r.updated, r.closed, r.dropped, r.errors, r.new_copies or 0, ", ".join(r.sites or []))
        for r in runs]
    print_table(rows, left=(1, 2, 3, 11))
    return 0


def print_table(rows: list[tuple[Any, ...]], left: tuple[int, ...] = ()) -> None:
    """Rows in columns as wide as their widest value (numbers right-aligned)."""
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(v).ljust(w) if i in left else str(v).rjust(w)
                        for i, (v, w) in enumerate(zip(row, widths, strict=True))).rstrip())


def cmd_sites(args: argparse.Namespace) -> int:
    """Check the registry and list its sites with their platform and last result.

    Every broken entry is named (file, site, key) on stderr and the status is 2.
    """
    from jobcrawler.sites import SiteConfigError, read_registry, spider_classes

    try:
        registry = read_registry(args.sites, spider_classes())
    except SiteConfigError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    last = _last_results(args.db)
    rows: list[tuple[Any, ...]] = [("site", "platform", "last result")]
    for site in registry.sites.values():
        row = last.get(site.name)
        result = (f"{row.status} {row.finished_at or row.started_at:%Y-%m-%d %H:%M} "
                  f"({row.items_seen} ads)" if row else "never run")
        rows.append((site.name, site.platform, result))
    for name in registry.broken:
        rows.append((name, "-", "BROKEN (see below)"))
    print_table(rows, left=(0, 1, 2))
    if registry.broken:
        raise CommandError("\n".join(registry.broken.values()), EXIT_USAGE)
    return 0


def _last_results(db: str | None) -> dict[str, Any]:
    """Each site's last crawl, if the database exists and can be read (else nothing)."""
    from sqlalchemy import select

    from jobcrawler.storage.db import session_factory
    from jobcrawler.storage.models import RunSite

    last: dict[str, Any] = {}
    try:
        engine = open_engine(db, create=False)
        with session_factory(engine)() as session:
            for row in session.scalars(select(RunSite).order_by(RunSite.id)):
                last[row.source] = row
    except CommandError as exc:
        if exc.status == EXIT_USAGE:
            raise
        if "no database" not in str(exc):  # never run is right for a database not made yet
            print(f"jobcrawler: last results unknown: {exc}", file=sys.stderr)
    return last
