"""What every ``jobcrawler`` verb shares: the exit statuses, the clean error, opening the database.

A verb raises :class:`CommandError` for anything the user can fix; :func:`jobcrawler.ops.cli.main`
prints it as one line on stderr and exits with its status, never with a traceback.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

#: Exit statuses (documented in the README).
EXIT_OK = 0
EXIT_SITES_FAILED = 1
EXIT_USAGE = 2
EXIT_NOTHING_RAN = 3
EXIT_LOCKED = 4


class CommandError(Exception):
    """A clean, user-facing failure with an exit status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def setup_logging(verbose: bool, log_file: str | None) -> None:
    """Warnings on stderr (everything with ``verbose``); the whole log in ``log_file``."""
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


def open_engine(db: str | None) -> Engine:
    """The database's engine, migrated; a clean error (status 3) when it cannot be opened."""
    from jobcrawler.storage.db import database_url, error_message, open_database, safe_url

    try:
        return open_database(db)
    except Exception as exc:
        url = database_url(db)
        raise CommandError(f"cannot open the database {safe_url(url)}: {error_message(exc, url)}",
                           EXIT_NOTHING_RAN) from None
