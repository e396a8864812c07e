"""What every ``jobcrawler`` verb shares: the exit statuses, the clean error, opening the database.

A verb raises :class:`CommandError` for anything the user can fix; :func:`jobcrawler.ops.cli.main`
prints it as one line on stderr and exits with its status, never with a traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def database_lock(engine: Engine, wait: float | None, refusal: str = "not running") -> Iterator[None]:
    """Hold the database-wide run lock; another run holding it is a :class:`CommandError` (exit 4)
    saying ``refusal`` and how to wait."""
    from jobcrawler.ops.lock import LockHeld, RunLock

    try:
        with RunLock(engine, wait=wait):
            yield
    except LockHeld as exc:
        raise CommandError(f"{exc}; {refusal} (use --wait SECONDS to wait for it)", EXIT_LOCKED) from None


_handlers: list[logging.Handler] = []


def setup_logging(verbose: bool, log_file: str | None) -> None:
    """Warnings on stderr (everything with ``verbose``); the whole log in ``log_file``."""
    root = logging.getLogger()
    for handler in _handlers:  # main() run again in one process (tests): no doubled lines
        root.removeHandler(handler)
        handler.close()
    _handlers.clear()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    fmt = logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.INFO if verbose else logging.WARNING)
    console.setFormatter(fmt)
    root.addHandler(console)
    _handlers.append(console)
    if log_file:
        try:
            Path(log_file).parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"--log-file {log_file}: cannot write it ({exc.strerror})",
                               EXIT_USAGE) from None
        handler.setLevel(logging.INFO)
        handler.setFormatter(fmt)
        root.addHandler(handler)
        _handlers.append(handler)


def open_engine(db: str | None, create: bool = True) -> Engine:
    """The database's engine, migrated; a clean error when it cannot be opened.

    ``create=False`` (verbs that only read or fix stored ads): a SQLite file that does not exist
    is an error, not a new empty database left behind in the wrong folder.
    """
    from jobcrawler.storage.db import database_url, error_message, open_database, safe_url

    url = database_url(db)
    if problem := url_problem(url):
        raise CommandError(problem, EXIT_USAGE)
    path = sqlite_path(url)
    if path is not None and not create and not path.exists():
        where = "" if path.is_absolute() else f" in {Path.cwd()}"
        raise CommandError(f"no database {path}{where} (jobcrawler replay or crawl creates it; give --db URL "
                           "or $JOBCRAWLER_DB_URL, or run from the folder that holds it)",
                           EXIT_NOTHING_RAN)
    try:
        return open_database(db)
    except Exception as exc:
        hint = sqlite_hint(path) if path is not None else ""
        raise CommandError(f"cannot open the database {safe_url(url)}: "
                           f"{error_message(exc, url)}{hint}", EXIT_NOTHING_RAN) from None


def url_problem(url: str) -> str | None:
    """What is wrong with a database URL before connecting (None when nothing is seen)."""
    from sqlalchemy.engine import make_url

    from jobcrawler.storage.db import _password, safe_url

    password = _password(url)
    if password is not None and "@" in password:
        return (f"the password in the database URL {safe_url(url)} contains '@': write it "
                "percent-encoded (%40)")
    try:
        make_url(url)
    except Exception:
        return ("the database URL is not a URL (e.g. sqlite:///jobcrawler.db or "
                "postgresql://user:password@host:5432/dbname)")
    return None


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def sqlite_hint(path: Path) -> str:
    """Why SQLite may not open ``path``: a missing or read-only folder, a read-only file."""
    folder = path.parent.resolve()
    if path.is_dir():
        return f" ({path} is a folder)"
    if not folder.is_dir():
        return f" (the folder {folder} does not exist)"
    if not os.access(folder, os.W_OK):
        return f" (the folder {folder} is not writable; SQLite also writes its journal there)"
    if path.exists() and not os.access(path, os.W_OK):
        return f" (the file {path} is read-only)"
    return ""
