"""``jobcrawler browse``: the database in datasette (optional extra ``browse``), with the shipped
metadata (``jobcrawler/data/datasette.json``): table and column descriptions, facets, and the
README's SQL examples as canned queries."""

from __future__ import annotations

import argparse
import copy
import json
import sqlite3
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

#: The database's name in the shipped metadata; renamed to the file's stem when it is loaded.
TEMPLATE_NAME = "jobcrawler"


class BrowseError(Exception):
    """The database cannot be browsed (not SQLite, missing, datasette not installed)."""


@cache
def _template() -> dict[str, Any]:
    return json.loads(files("jobcrawler.data").joinpath("datasette.json").read_text("utf-8"))


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite:///`` URL; other databases cannot be browsed with datasette."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise BrowseError("datasette opens SQLite files only; export from PostgreSQL with "
                          "jobcrawler export, or browse it with a PostgreSQL client")
    path = Path(parsed.database)
    if not path.is_file():
        raise BrowseError(f"no database file {path}")
    return path


def metadata(path: Path) -> dict[str, Any]:
    """The shipped metadata for the database file ``path``: its name is the file's stem, and
    facets on columns this database does not have (occupation, duplicates) are left out."""
    data = copy.deepcopy(_template())
    database = data["databases"].pop(TEMPLATE_NAME)
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        for table, spec in database["tables"].items():
            present = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
            spec["facets"] = [f for f in spec.get("facets", [])
                              if (f["array"] if isinstance(f, dict) else f) in present]
            spec["columns"] = {c: d for c, d in spec.get("columns", {}).items() if c in present}
    data["databases"][path.stem] = database
    return data


def datasette_app(path: Path) -> Any:
    """A :class:`datasette.app.Datasette` on the file, with the metadata."""
    try:
        from datasette.app import Datasette
    except ImportError:
        raise BrowseError("jobcrawler browse needs datasette: pip install 'jobcrawler[browse]'") from None
    return Datasette(files=[str(path)], metadata=metadata(path),
                     settings={"facet_time_limit_ms": 1000, "sql_time_limit_ms": 5000})


def serve(path: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Serve the database until interrupted (uvicorn, as ``datasette serve`` does)."""
    import uvicorn

    app = datasette_app(path)
    print(f"Browse {path} at http://{host}:{port}/{path.stem} (Ctrl+C stops)")
    uvicorn.run(app.app(), host=host, port=port, log_level="warning")


def cmd_browse(args: argparse.Namespace) -> int:
    """``jobcrawler browse``: serve the database until interrupted."""
    from jobcrawler.ops.command import EXIT_NOTHING_RAN, CommandError, open_engine
    from jobcrawler.storage.db import database_url

    try:
        path = sqlite_path(database_url(args.db))
        open_engine(args.db, create=False)  # migrated to the current schema first
        serve(path, args.host, args.port)
    except BrowseError as exc:
        raise CommandError(str(exc), EXIT_NOTHING_RAN) from None
    return 0
