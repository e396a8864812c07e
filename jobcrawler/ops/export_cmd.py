"""``jobcrawler export``: stored ads in the export schema or a flat table, to stdout or a file."""

from __future__ import annotations

import argparse
import sys

from jobcrawler.ops.command import EXIT_USAGE, CommandError, open_engine


def cmd_export(args: argparse.Namespace) -> int:
    """Write stored ads in the export schema (JSON Lines) or as a flat table (CSV, xlsx)."""
    from jobcrawler.ops.export import iter_jobs, write_export, write_xlsx

    if args.format == "xlsx" and not args.output:
        raise CommandError("--format xlsx needs --output FILE", EXIT_USAGE)
    engine = open_engine(args.db)
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
