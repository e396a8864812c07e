"""``jobcrawler dedup``: cluster the ads not yet clustered (or, with ``--rebuild``, all of them)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def cmd_dedup(args: argparse.Namespace) -> int:
    """Cluster new and changed ads into duplicate clusters and print what was done."""
    from sqlalchemy import func, select
    from sqlalchemy.exc import SQLAlchemyError

    from jobcrawler.dedup.store import cluster_ads
    from jobcrawler.ops.command import EXIT_NOTHING_RAN, CommandError, database_lock, open_engine
    from jobcrawler.storage.db import database_url, error_message, session_factory
    from jobcrawler.storage.models import Cluster

    engine = open_engine(args.db, create=False)
    try:
        with database_lock(engine, args.wait):
            result = cluster_ads(engine, rebuild=args.rebuild)
    except SQLAlchemyError as exc:  # nothing is half-done: each chunk is one transaction
        raise CommandError(f"the database failed: {error_message(exc, database_url(args.db))}",
                           EXIT_NOTHING_RAN) from None
    with session_factory(engine)() as session:
        clusters, ads = session.execute(select(func.count(), func.coalesce(func.sum(Cluster.size), 0))
                                        ).one()
    reasons = ", ".join(f"{reason} {count}" for reason, count in result.reasons.most_common())
    print(f"{result.processed} ad(s) clustered in {result.seconds:.1f}s: {result.copies} cop"
          f"{'y' if result.copies == 1 else 'ies'} of known ads, {result.new_clusters} new "
          f"cluster(s), {result.moved} moved" + (f" ({reasons})" if reasons else ""))
    print(f"{ads} ad(s) in {clusters} cluster(s)", file=sys.stderr if args.quiet else sys.stdout)
    return 0


def add_parser(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Register ``dedup`` on the CLI's sub-parsers."""
    p = sub.add_parser("dedup", parents=parents, help="cluster duplicate ads across sources",
                       description="Put every stored ad in a duplicate cluster: the same vacancy "
                       "posted by the employer, its ATS and agencies. Only new and changed ads are "
                       "matched (crawl and replay do this at the end of each run); --rebuild redoes "
                       "every cluster. Example: jobcrawler dedup --rebuild")
    p.add_argument("--rebuild", action="store_true", help="forget every cluster and cluster all ads")
    p.add_argument("-q", "--quiet", action="store_true", help="print only what this pass did")
    p.set_defaults(func="jobcrawler.ops.dedup_cmd:cmd_dedup")
