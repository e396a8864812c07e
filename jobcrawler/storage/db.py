"""Database URL, engine and schema migrations (Alembic, applied in-process)."""

from __future__ import annotations

import logging
import os
import re
import threading
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///jobcrawler.db"
MIGRATIONS = Path(__file__).parent / "migrations"
_extracted: list[Path] = []
_extract_lock = threading.Lock()
_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def database_url(explicit: str | None = None) -> str:
    """``explicit``, else ``$JOBCRAWLER_DB_URL``, else a SQLite file ``jobcrawler.db`` here.

    ``postgresql://`` and ``postgres://`` (Heroku-style) URLs get the driver we ship (psycopg 3).
    """
    url = explicit or os.environ.get("JOBCRAWLER_DB_URL") or DEFAULT_URL
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _password(url: str) -> str | None:
    """The password as written in the URL, whatever it contains (an unescaped '@' too)."""
    _scheme, sep, rest = url.partition("://")
    userinfo, at, _host = rest.rpartition("@")
    if not sep or not at or ":" not in userinfo:
        return None
    return userinfo.split(":", 1)[1]


def safe_url(url: str) -> str:
    """The URL with its password hidden, for logs and messages, whatever the password contains."""
    password = _password(url)
    if password is not None:
        scheme, _, rest = url.partition("://")
        userinfo, _, host = rest.rpartition("@")
        return f"{scheme}://{userinfo.split(':', 1)[0]}:***@{host}"
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparseable URL is shown as nothing rather than leaked
        return "<invalid database URL>"


def sqlite_timeout() -> float:
    """Seconds a SQLite write waits for another writer (``$JOBCRAWLER_SQLITE_TIMEOUT``, 10)."""
    try:
        return float(os.environ.get("JOBCRAWLER_SQLITE_TIMEOUT", "10"))
    except ValueError:
        return 10.0


def error_message(exc: BaseException, url: str) -> str:
    """The first line of a database error, with the URL's password hidden (also the pieces of
    it a driver may echo when an unescaped '@' in it was read as part of the host)."""
    message = str(exc).split("\n", 1)[0].replace(url, safe_url(url))
    password = _password(url)
    if password:
        for piece in sorted({password, *re.split(r"[@:/?#]", password)}, key=len, reverse=True):
            if len(piece) >= 3 or piece == password:
                message = message.replace(piece, "***")
    return message


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(sqlite_timeout() * 1000)}")
    cursor.close()


@cache
def get_engine(url: str) -> Engine:
    """One engine per URL per process; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": sqlite_timeout()})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    return engine


def migrations_dir() -> Path:
    """The migration scripts as files (Alembic reads them so): the package's own folder, or, when
    the package runs from a zipped egg (a Scrapyd job), a copy extracted once per process."""
    if MIGRATIONS.is_dir():
        return MIGRATIONS
    with _extract_lock:
        if not _extracted:
            import atexit
            import shutil
            import tempfile
            from importlib.resources import files

            target = Path(tempfile.mkdtemp(prefix="jobcrawler-migrations-")) / "migrations"
            atexit.register(shutil.rmtree, target.parent, True)
            _copy_tree(files("jobcrawler.storage") / "migrations", target)
            _extracted.append(target)
    return _extracted[0]


def _copy_tree(source: Any, target: Path) -> None:
    target.mkdir()
    for entry in source.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                _copy_tree(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())


def alembic_config(engine: Engine | None = None, url: str | None = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (in-process, on the engine's own connection)."""
    from alembic import command

    with engine.begin() as connection:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def ensure_schema(engine: Engine) -> None:
    """Migrate the database to head once per process (the first crawl creates the schema)."""
    key = str(engine.url)
    with _migrate_lock:
        if key in _migrated:
            return
        if current_revision(engine) != head_revision():
            logger.info("Migrating %s to schema %s", safe_url(key), head_revision())
            upgrade(engine)
        _migrated.add(key)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def open_database(url: str | None = None) -> Engine:
    """The engine for ``url`` (see :func:`database_url`) with its schema up to date."""
    engine = get_engine(database_url(url))
    ensure_schema(engine)
    return engine
