"""Named locks on a database: a file lock beside a SQLite file, an advisory lock on PostgreSQL.

``site:<name>`` is taken by a site's crawl (the lifecycle extension), so two processes never crawl
one site at once, whether started by ``jobcrawler crawl``, ``scrapy crawl`` or Scrapyd;
``run:<id>`` is held by the process of a run for its whole life, so a run recorded as running whose
lock is free has died (kill -9, a container stopped): it is marked interrupted.

Both kinds are held by the operating system or the server for the life of the process or
connection, so a killed process leaves no stale lock behind. A PostgreSQL lock lives on its own
connection; if that connection is lost, :meth:`NamedLock.check` takes the lock again, or says
another process has it.

A SQLite database's lock files are kept together in one folder beside it (:func:`lock_folder`,
``jobcrawler.db.locks/``, made when first needed). A site's file stays there after its crawl: one
empty file per site ever crawled. Deleting a ``flock`` file after letting it go would let two
processes hold the site at once (a waiter locks the deleted file while a newcomer creates and locks
a new one under the same name). Only a run's file is deleted (:meth:`NamedLock.release`), which is
safe for the reason given there.
"""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from filelock import FileLock, Timeout
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

logger = logging.getLogger(__name__)

LOCK_NAME = "jobcrawler-run"
_POLL_SECONDS = 0.5
#: How long a lock lost with its connection is tried again before it counts as taken by another.
RETAKE_SECONDS = 3.0


class LockHeld(RuntimeError):
    """Another process holds the lock."""


def advisory_key(where: str, name: str) -> int:
    """The PostgreSQL advisory lock key of lock ``name`` in ``database.schema``: one lock per
    database, schema and name, so schemas of one server do not block each other."""
    digest = hashlib.blake2b(f"{LOCK_NAME}:{where}:{name}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


def lock_folder(database: str) -> Path:
    """The folder of a SQLite database's lock files: ``jobcrawler.db.locks/`` beside
    ``jobcrawler.db``, holding ``database.lock``, ``site_NAME.lock`` and ``run_ID.lock``."""
    base = Path(database).resolve()
    return base.with_name(f"{base.name}.locks")


class NamedLock:
    """One named lock on the database of ``engine``; ``wait`` seconds before giving up."""

    def __init__(self, engine: Engine, name: str = "database", wait: float = 0.0) -> None:
        self.engine = engine
        self.name = name
        self.wait = max(0.0, wait)
        self._file_lock: FileLock | None = None
        self._path: Path | None = None
        self._connection: Any = None
        self._key = 0
        self.description = ""

    @property
    def backend(self) -> str:
        return make_url(str(self.engine.url)).get_backend_name()

    def acquire(self) -> None:
        """Take the lock, waiting up to ``wait`` seconds; :class:`LockHeld` if another has it."""
        url = make_url(str(self.engine.url))
        if self.backend == "sqlite":
            self._acquire_file(url.database)
        elif self.backend == "postgresql":
            self._acquire_advisory()

    def _acquire_file(self, database: str | None) -> None:
        if not database or database == ":memory:":
            return  # an in-memory database belongs to one process anyway
        folder = lock_folder(database)
        folder.mkdir(exist_ok=True)  # beside the database, whose folder exists
        path = self._path = folder / f"{_safe(self.name)}.lock"
        self.description = str(path)
        lock = FileLock(str(path), timeout=self.wait)
        try:
            lock.acquire()
        except Timeout:
            raise LockHeld(f"another jobcrawler run holds {path}") from None
        self._file_lock = lock

    def _advisory_key(self, connection: Any) -> tuple[int, str]:
        where = connection.execute(text("SELECT current_database() || '.' || current_schema()")
                                   ).scalar()
        return advisory_key(where, self.name), where

    def _acquire_advisory(self, wait: float | None = None) -> None:
        connection = self.engine.connect()
        deadline = time.monotonic() + (self.wait if wait is None else wait)
        try:
            self._key, where = self._advisory_key(connection)
            self.description = f"PostgreSQL advisory lock {self.name} ({where})"
            while True:
                got = connection.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                         {"k": self._key}).scalar()
                connection.commit()
                if got:
                    self._connection = connection
                    return
                if time.monotonic() >= deadline:
                    raise LockHeld(f"another jobcrawler run holds the {self.description}")
                time.sleep(_POLL_SECONDS)
        except BaseException:
            connection.close()
            raise

    def check(self) -> bool:
        """True when this process still holds the lock. A PostgreSQL lock whose connection was
        lost is taken again on a new connection; False when another process took it meanwhile."""
        if self._connection is None:
            return self.backend != "postgresql" or not self.description
        unsigned = self._key & 0xFFFF_FFFF_FFFF_FFFF
        try:
            held = self._connection.execute(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                     "AND pid = pg_backend_pid() AND classid = :c AND objid = :o AND objsubid = 1"),
                {"c": unsigned >> 32, "o": unsigned & 0xFFFF_FFFF}).scalar()
            self._connection.commit()
            if held:
                return True
        except Exception as exc:  # the connection is gone, and the lock with it
            logger.warning("The %s was lost with its connection (%s); taking it again",
                           self.description, type(exc).__name__)
        self._close_connection()
        try:  # the server may take a moment to end the lost session and free its lock
            self._acquire_advisory(wait=max(self.wait, RETAKE_SECONDS))
        except LockHeld:
            logger.error("The %s was taken by another process", self.description)
            return False
        except Exception as exc:  # the server is still unreachable: not held
            logger.error("Cannot take the %s again: %s", self.description, type(exc).__name__)
            return False
        return True

    def _close_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # already broken: nothing to release
                connection.invalidate()

    def release(self, remove: bool = False) -> None:
        """Let the lock go; never raises (a lost connection has let it go already).

        ``remove`` deletes the SQLite lock file too; only for a run's lock, once the run is
        recorded finished (or found dead). Two holders of a run's lock at once are harmless: its
        owner takes it once, before anyone can see the run, and anyone else takes it only to ask
        whether the run is still alive, then acts on runs still recorded ``running`` only. A
        site's lock must never be removed (see the module's docstring).
        """
        if self._file_lock is not None:
            self._file_lock.release()
            self._file_lock = None
            if remove and self._path is not None:
                self._path.unlink(missing_ok=True)
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
                self._connection.commit()
            except Exception as exc:
                logger.warning("Could not release the %s (%s): it went with its connection",
                               self.description, type(exc).__name__)
            self._close_connection()

    def __enter__(self) -> NamedLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


class RunLock(NamedLock):
    """The whole database (``load-spool``, ``renormalize``); ``wait`` seconds before giving up."""

    def __init__(self, engine: Engine, wait: float = 0.0) -> None:
        super().__init__(engine, "database", wait)


def site_lock(engine: Engine, site: str, wait: float = 0.0) -> NamedLock:
    """The lock of one site's crawls."""
    return NamedLock(engine, f"site:{site}", wait)


def run_lock(engine: Engine, run_id: int) -> NamedLock:
    """The lock the process of run ``run_id`` holds while it lives."""
    return NamedLock(engine, f"run:{run_id}")
