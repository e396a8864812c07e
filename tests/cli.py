"""The ``jobcrawler`` command in the test process: the same argument parsing, summary and exit
statuses as a user's shell, without a Python start-up per call.

``run()`` runs any verb; ``replay`` / ``crawl`` / ``record`` (``crawl()``) run in one Twisted
reactor (asyncio) that a thread of the test process keeps running for the whole session: Scrapy's
own way, crawlers in the test process against a local mock server, and the tests stay plain
functions (``run()`` waits for the crawl). ``run_process()`` is for the few tests where the process
boundary is what is tested (kill -9, a lock held by another process, plain ``scrapy crawl``).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet.threads import blockingCallFromThread

from jobcrawler.ops import cli, run_cmd
from jobcrawler.ops.command import CommandError, setup_logging
from jobcrawler.ops.notify import RunAlerts
from jobcrawler.ops.runner import crawl_settings, run_sites_async
from tests.conftest import ROOT

CRAWL_VERBS = ("replay", "crawl", "record")
_reactor_lock = threading.Lock()


def reactor() -> Any:
    """The session's reactor (asyncio, installed by conftest), running in a daemon thread."""
    from twisted.internet import reactor as installed

    with _reactor_lock:
        if not installed.running:
            loop = installed._asyncioEventloop

            def run() -> None:
                asyncio.set_event_loop(loop)
                installed.run(installSignalHandlers=False)

            threading.Thread(target=run, name="twisted-reactor", daemon=True).start()
            while not installed.running:
                threading.Event().wait(0.01)
    return installed


def in_reactor(coroutine: Any) -> Any:
    """Run a coroutine in the reactor thread and wait for its result."""
    return blockingCallFromThread(reactor(), lambda: deferred_from_coro(coroutine))


@contextlib.contextmanager
def _as_a_command(env: dict[str, str] | None, stdin: str | None, cwd: Path | None = None
                  ) -> Iterator[tuple[io.StringIO, io.StringIO]]:
    """stdout/stderr captured, stdin given, the working folder ``cwd`` (the repository root by
    default), ``env`` added to the environment, and the root logger as it was afterwards."""
    root = logging.getLogger()
    # handlers another in-process command left on streams that are gone (a test's capsys)
    root.handlers[:] = [h for h in root.handlers
                        if not getattr(getattr(h, "stream", None), "closed", False)]
    handlers, level = list(root.handlers), root.level
    out, err = io.StringIO(), io.StringIO()
    before = Path.cwd()
    os.chdir(cwd or ROOT)
    try:
        with mock.patch.dict(os.environ, env or {}), contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(err), mock.patch("sys.stdin", io.StringIO(stdin or "")):
            yield out, err
    finally:
        os.chdir(before)
        for handler in root.handlers:
            if handler not in handlers:
                handler.close()
        root.handlers[:] = handlers
        root.setLevel(level)


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``jobcrawler ARGS`` in the folder ``cwd`` (the repository root by default). A local crawl
    runs in the session's reactor (see :func:`reactor`); ``--scrapyd`` crawls run no reactor."""
    if (args[0] in CRAWL_VERBS and "--help" not in args
            and not any(a.startswith("--scrapyd") for a in args)):
        return in_reactor(crawl(*args, env=env, cwd=cwd))
    with _as_a_command(env, stdin, cwd) as (out, err):
        try:
            status = cli.main(list(args))
        except SystemExit as exc:  # --help, a usage error
            status = exc.code if isinstance(exc.code, int) else 2
    return subprocess.CompletedProcess(list(args), status, out.getvalue(), err.getvalue())


async def crawl(*args: str, env: dict[str, str] | None = None,
                cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``jobcrawler replay|crawl|record ARGS``: as ``cli.main`` and ``run_cmd.cmd_run`` do it, with
    :func:`run_sites_async` in the running reactor."""
    with _as_a_command(env, None, cwd) as (out, err):
        os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "jobcrawler.settings")
        try:
            parsed = cli.build_parser().parse_args(list(args))
        except SystemExit as exc:  # a usage error
            return subprocess.CompletedProcess(list(args), exc.code, out.getvalue(), err.getvalue())
        setup_logging(parsed.verbose, parsed.log_file)
        try:
            with RunAlerts(parsed.mode) as alerts:  # as cmd_run: an error is sent, then raised
                sites, extra = run_cmd.run_arguments(parsed)
                alerts.configure(crawl_settings(parsed.mode, parsed.db, extra))
                try:
                    result = await run_sites_async(sites, parsed.mode, parsed.db, extra)
                except SQLAlchemyError as exc:
                    raise run_cmd.database_failed(exc, parsed.db) from None
        except CommandError as exc:
            for line in str(exc).splitlines():
                print(f"jobcrawler: {line}", file=sys.stderr)
            status = exc.status
        else:
            run_cmd.add_broken(result, parsed.broken)
            run_cmd.print_summary(result)
            alerts.finished(result, run_cmd.print_summary)
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
