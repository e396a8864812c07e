"""Verbs that work on the database alone: ``db``, ``load-spool``, ``renormalize``, ``runs``,
``sites``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from jobcrawler.ops.command import EXIT_LOCKED, EXIT_NOTHING_RAN, CommandError, open_engine


def cmd_load_spool(args: argparse.Namespace) -> int:
    """Store the items of spool files written while the database was down."""
    from jobcrawler.ops.lock import LockHeld, RunLock
    from jobcrawler.ops.maintenance import load_spool

    engine = open_engine(args.db)
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

    engine = open_engine(args.db)
    try:
        with RunLock(engine, wait=args.wait):
            result = renormalize(engine, source=args.source)
    except LockHeld as exc:
        raise CommandError(str(exc), EXIT_LOCKED) from None
    print(f"{result.updated} ad(s) changed, {result.unchanged} unchanged")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    """``db upgrade`` migrates to the newest schema; ``db current`` shows the revision."""
    from jobcrawler.storage.db import current_revision, database_url, get_engine, head_revision
    from jobcrawler.storage.db import upgrade as do_upgrade

    if args.action == "upgrade":
        engine = open_engine(args.db)  # opening migrates to head
        do_upgrade(engine)
        print(f"database at revision {current_revision(engine)} (head {head_revision()})")
    else:
        try:
            revision = current_revision(get_engine(database_url(args.db)))
        except Exception as exc:
            raise CommandError(f"cannot read the database: {type(exc).__name__}",
                               EXIT_NOTHING_RAN) from None
        print(f"{revision or '(empty)'} (head {head_revision()})")
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    """List recent runs."""
    from sqlalchemy import select

    from jobcrawler.storage.db import session_factory
    from jobcrawler.storage.models import Run

    engine = open_engine(args.db)
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

        engine = open_engine(args.db)
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
