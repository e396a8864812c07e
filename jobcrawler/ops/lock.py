"""One run at a time per database: a file lock beside a SQLite file, an advisory lock on PostgreSQL.

Both are held by the operating system or the server for the life of the process or connection, so a
run that is killed (even with ``kill -9``) leaves no stale lock behind.
"""

from __future__ import annotations

import time
import zlib
from pathlib import Path
from types import TracebackType
from typing import Any

from filelock import FileLock, Timeout
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

LOCK_NAME = "jobcrawler-run"
_POLL_SECONDS = 0.5


class LockHeld(RuntimeError):
    """Another run holds the lock on this database."""


class RunLock:
    """Context manager around the database's run lock; ``wait`` seconds before giving up."""

    def __init__(self, engine: Engine, wait: float = 0.0) -> None:
        self.engine = engine
        self.wait = max(0.0, wait)
        self._file_lock: FileLock | None = None
        self._connection: Any = None
        self._key = 0
        self.description = ""

    def acquire(self) -> None:
        url = make_url(str(self.engine.url))
        if url.get_backend_name() == "sqlite":
            self._acquire_file(url.database)
        elif url.get_backend_name() == "postgresql":
            self._acquire_advisory()

    def _acquire_file(self, database: str | None) -> None:
        if not database or database == ":memory:":
            return  # an in-memory database belongs to one process anyway
        path = Path(database).resolve().with_name(Path(database).name + ".lock")
        self.description = str(path)
        lock = FileLock(str(path), timeout=self.wait)
        try:
            lock.acquire()
        except Timeout:
            raise LockHeld(f"another jobcrawler run holds {path}") from None
        self._file_lock = lock

    def _acquire_advisory(self) -> None:
        connection = self.engine.connect()
        deadline = time.monotonic() + self.wait
        try:
            # one lock per database and schema, so schemas of one server do not block each other
            where = connection.execute(text("SELECT current_database() || '.' || current_schema()")
                                       ).scalar()
            key = self._key = zlib.crc32(f"{LOCK_NAME}:{where}".encode())
            self.description = f"PostgreSQL advisory lock {key} ({where})"
            while True:
                got = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
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

    def release(self) -> None:
        if self._file_lock is not None:
            self._file_lock.release()
            self._file_lock = None
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
                self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
