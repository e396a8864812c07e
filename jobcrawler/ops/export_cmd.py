"""``jobcrawler export``: stored ads in the export schema, to stdout or a file."""

from __future__ import annotations

import argparse
import sys

from jobcrawler.ops.command import open_engine


def cmd_export(args: argparse.Namespace) -> int:
    """Write stored ads in the export schema."""
    from jobcrawler.ops.export import iter_jobs, write_export

    engine = open_engine(args.db)
    records = iter_jobs(engine, status=args.status, since=args.since, source=args.source,
                        country=args.country)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            count = write_export(records, out, args.format)
        print(f"{count} ad(s) written to {args.output}", file=sys.stderr)
    else:
        write_export(records, sys.stdout, args.format)
    return 0
