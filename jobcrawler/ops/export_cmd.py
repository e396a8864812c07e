"""``jobcrawler export``: stored ads in the export schema, to stdout or a file."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from jobcrawler.ops.command import EXIT_NOTHING_RAN, EXIT_USAGE, CommandError, open_engine

#: ``--output`` extensions and the format they mean when ``--format`` is not given.
FORMAT_BY_EXTENSION = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xlsx": "xlsx"}


def export_format(explicit: str | None, output: str | None) -> str:
    """``--format`` if given, else the one ``--output``'s extension names, else JSON Lines."""
    if explicit:
        return explicit
    if not output:
        return "jsonl"
    suffix = Path(output).suffix.lower()
    if suffix not in FORMAT_BY_EXTENSION:
        raise CommandError(f"cannot tell the format of {output} from its extension: name it "
                           f"{' or '.join(f'*{e}' for e in FORMAT_BY_EXTENSION)}, or give --format",
                           EXIT_USAGE)
    return FORMAT_BY_EXTENSION[suffix]


def _check_output(output: str) -> Path:
    path = Path(output)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise CommandError(f"--output {output} is a folder; give a file name", EXIT_USAGE)
    if not folder.is_dir():
        raise CommandError(f"--output {output}: the folder {folder} does not exist", EXIT_USAGE)
    if not os.access(folder, os.W_OK):
        raise CommandError(f"--output {output}: the folder {folder} is not writable", EXIT_USAGE)
    return path


def cmd_export(args: argparse.Namespace) -> int:
    """Write stored ads in the export schema (JSON Lines) or as a flat table (CSV, xlsx); a message
    says how many (also when none match)."""
    from sqlalchemy.exc import SQLAlchemyError

    from jobcrawler.ops.export import (
        EXPORT_FIELDS,
        UNIQUE_FIELDS,
        iter_jobs,
        iter_unique,
        write_export,
        write_xlsx,
    )
    from jobcrawler.storage.db import database_url, error_message

    path = _check_output(args.output) if args.output else None
    fmt = export_format(args.format, args.output)
    if fmt == "xlsx" and path is None:
        raise CommandError("--format xlsx needs --output FILE", EXIT_USAGE)
    if args.excel and fmt != "csv":
        if args.format:
            raise CommandError(f"--excel is a kind of CSV, not {fmt}", EXIT_USAGE)
        fmt = "csv"
    engine = open_engine(args.db, create=False)
    unique = getattr(args, "unique", False)
    records = (iter_unique if unique else iter_jobs)(
        engine, status=args.status, since=args.since, source=args.source, country=args.country,
        province=args.province, region=args.region, names=args.names)
    fields = UNIQUE_FIELDS if unique else EXPORT_FIELDS
    tmp_name = None
    try:
        if path is None:
            count = write_export(records, sys.stdout, fmt, fields, excel=args.excel)
        elif fmt == "xlsx":
            with tempfile.NamedTemporaryFile(delete=False, dir=path.parent or ".",
                                             prefix=f".{path.name}.", suffix=".part") as out:
                tmp_name = out.name
            count = write_xlsx(records, tmp_name, fields)
            os.replace(tmp_name, path)
            tmp_name = None
        else:  # written beside the target, renamed over it only when complete
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", delete=False,
                                             dir=path.parent or ".", prefix=f".{path.name}.",
                                             suffix=".part") as out:
                tmp_name = out.name
                count = write_export(records, out, fmt, fields, excel=args.excel)
            os.replace(tmp_name, path)
            tmp_name = None
    except SQLAlchemyError as exc:
        raise CommandError(f"reading the database failed: "
                           f"{error_message(exc, database_url(args.db))}", EXIT_NOTHING_RAN) from None
    finally:
        if tmp_name:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    where = f" written to {path}" if path else ""
    if not count:
        print(f"0 ads match{_filters(args)}{where}{unknown_source(engine, args.source)}",
              file=sys.stderr)
    elif path:
        print(f"{count} {'vacancies' if unique else 'ad(s)'}{where}", file=sys.stderr)
    return 0


def unknown_source(engine: Any, source: str | None) -> str:
    """A hint when ``source`` is not the source of any stored ad (a typo, most often)."""
    if not source:
        return ""
    from sqlalchemy import select

    from jobcrawler.storage.db import session_factory
    from jobcrawler.storage.models import Job

    with session_factory(engine)() as session:
        sources = list(session.scalars(select(Job.source).distinct().order_by(Job.source)))
    if source in sources:
        return ""
    return f"; no stored ad has source {source!r} (sources: {', '.join(sources) or 'none yet'})"


def _filters(args: argparse.Namespace) -> str:
    said = [f"--{name} {value}" for name in ("status", "since", "source", "country", "province", "region")
            if (value := getattr(args, name)) is not None]
    return f" ({', '.join(said)})" if said else ""
