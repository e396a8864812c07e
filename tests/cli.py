"""The ``jobcrawler`` command in the test process: the same argument parsing, summary and exit
statuses as a user's shell, without a Python start-up per call.

``run()`` runs any verb; ``replay`` / ``crawl`` / ``record`` (``crawl()``) run in the reactor
pytest-twisted keeps running (Scrapy's own way: crawlers in the test process against a local mock
server), ``run()`` waiting for them with ``pytest_twisted.blockon``. ``run_process()`` is for the
few tests where the process boundary is what is tested (kill -9, a lock held by another process).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest_twisted
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import SQLAlchemyError

from jobcrawler.ops import cli
from jobcrawler.ops.runner import run_sites_async
from tests.conftest import ROOT

CRAWL_VERBS = ("replay", "crawl", "record")


@contextlib.contextmanager
def _as_a_command(env: dict[str, str] | None, stdin: str | None
                  ) -> Iterator[tuple[io.StringIO, io.StringIO]]:
    """stdout/stderr captured, stdin given, the working folder at the repository root, ``env``
    added to the environment, and the root logger as it was afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    out, err = io.StringIO(), io.StringIO()
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        with mock.patch.dict(os.environ, env or {}), contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(err), mock.patch("sys.stdin", io.StringIO(stdin or "")):
            yield out, err
    finally:
        os.chdir(cwd)
        for handler in root.handlers:
            if handler not in handlers:
                handler.close()
        root.handlers[:] = handlers
        root.setLevel(level)


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    """``jobcrawler ARGS``, from a test that is not itself async."""
    if args[0] in CRAWL_VERBS and "--help" not in args:
        return pytest_twisted.blockon(deferred_from_coro(crawl(*args, env=env)))
    with _as_a_command(env, stdin) as (out, err):
        try:
            status = cli.main(list(args))
        except SystemExit as exc:  # --help, a usage error
            status = exc.code if isinstance(exc.code, int) else 2
    return subprocess.CompletedProcess(list(args), status, out.getvalue(), err.getvalue())


async def crawl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``jobcrawler replay|crawl|record ARGS``: as ``cli.cmd_run``, in the running reactor."""
    parsed = cli.build_parser().parse_args(list(args))
    with _as_a_command(env, None) as (out, err):
        cli._setup_logging(parsed.verbose, parsed.log_file)
        try:
            sites, extra = cli.run_arguments(parsed)
            try:
                result = await run_sites_async(sites, parsed.mode, parsed.db, extra)
            except SQLAlchemyError as exc:
                raise cli.database_failed(exc, parsed.db) from None
        except cli.CommandError as exc:
            print(f"jobcrawler: {exc}", file=sys.stderr)
            status = exc.status
        else:
            cli.print_summary(result)
            status = result.exit_status
    return subprocess.CompletedProcess(list(args), status, out.getvalue(), err.getvalue())


def run_process(*args: str, stdin: str | None = None, env: dict | None = None
                ) -> subprocess.CompletedProcess[str]:
    """``python -m jobcrawler ARGS`` in a process of its own."""
    return subprocess.run([sys.executable, "-m", "jobcrawler", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def export(url: str, *extra: str) -> list[dict]:
    """``jobcrawler export --db URL EXTRA``, parsed."""
    result = run("export", "--db", url, *extra)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]
