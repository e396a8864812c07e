"""``jobcrawler replay`` / ``crawl`` / ``record``: run sites, print a summary per site."""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from pathlib import Path
from typing import Any

from jobcrawler.ops.command import (
    EXIT_LOCKED,
    EXIT_NOTHING_RAN,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    open_engine,
)


def load_selected_sites(args: argparse.Namespace) -> tuple[list[Any], dict[str, str]]:
    """The sites to run and the broken ones among those asked for (name -> problem).

    A broken registry runs nothing (status 2) unless ``--skip-broken`` is given.
    """
    from jobcrawler.sites import SiteConfigError, read_registry, select_sites, spider_classes

    try:
        registry = read_registry(args.sites, spider_classes())
        sites = select_sites(registry, args.site)
    except SiteConfigError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    broken = {name: registry.broken[name] for name in (args.site or registry.names)
              if name in registry.broken}
    if broken and not args.skip_broken:
        raise CommandError("\n".join([*broken.values(), "nothing was run: fix the registry "
                                       "(jobcrawler sites checks it), or give --skip-broken to "
                                       "run the other sites"]), EXIT_USAGE)
    if not sites:
        raise CommandError("\n".join([*broken.values(), "no site left to run"]), EXIT_USAGE)
    return sites, broken


def check_fixtures(sites: list[Any], folder: str | None) -> None:
    """Replay: at least one of the sites must have fixtures (others are skipped)."""
    from jobcrawler.replay import INDEX

    fixtures = Path(folder or os.environ.get("JOBCRAWLER_FIXTURES_DIR") or "fixtures")
    if not any((fixtures / site.name / INDEX).is_file() for site in sites):
        names = ", ".join(site.name for site in sites)
        raise CommandError(f"no fixtures for {names} in {fixtures.resolve()} (run from the folder "
                           "that holds fixtures/, or give --fixtures DIR)", EXIT_USAGE)


def run_settings(assignments: list[str]) -> dict[str, str]:
    """``-s NAME=VALUE`` pairs, checked against the type of the setting's default: a value that
    setting cannot take, or a near miss of a known name, is wrong usage (status 2)."""
    from scrapy.settings import Settings

    known = Settings()
    known.setmodule("jobcrawler.settings", priority="project")
    names = [name for name, _ in known.items()]
    values: dict[str, str] = {}
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        if not sep or not name or not name.replace("_", "").isalnum() or not name.isupper():
            raise CommandError(f"-s takes NAME=VALUE, e.g. -s DOWNLOAD_DELAY=2, not {assignment!r}",
                               EXIT_USAGE)
        if name not in known:
            close = difflib.get_close_matches(name, names, n=1, cutoff=0.85)
            if close:
                raise CommandError(f"-s {name}: no such setting (did you mean {close[0]}?)", EXIT_USAGE)
        elif problem := _setting_problem(known[name], value):
            raise CommandError(f"-s {name}={value}: {name} takes {problem}", EXIT_USAGE)
        values[name] = value
    return values


def _setting_problem(default: Any, value: str) -> str | None:
    if isinstance(default, bool):
        ok = value.strip().lower() in ("0", "1", "true", "false")
        return None if ok else "True/False (or 1/0)"
    if isinstance(default, int | float):
        try:
            float(value)
        except ValueError:
            return "a number"
    from scrapy.settings import BaseSettings

    if isinstance(default, dict | BaseSettings):
        try:
            if not isinstance(json.loads(value), dict):
                raise ValueError
        except ValueError:
            return "a JSON object"
    return None


def print_summary(result: Any) -> None:
    """One row per site, then each problem found and each note (a site that is fine but closed
    less, or more, than usual), then the run's verdict."""
    header = ("site", "platform", "requests", "items", "new", "updated", "unchanged", "closed",
              "dropped", "errors", "copies", "seconds", "status")
    rows = [header]
    for s in result.sites:
        rows.append((s.site, s.platform, s.requests, s.items, s.new, s.updated, s.unchanged,
                     s.closed, s.dropped, s.errors, s.copies, f"{s.seconds:.1f}", s.status))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(str(v).ljust(w) if i < 2 or i == len(row) - 1 else str(v).rjust(w)
                        for i, (v, w) in enumerate(zip(row, widths, strict=True))).rstrip())
    for s in result.sites:
        for problem in s.problems:
            print(f"{s.site}: {problem}")
        for note in s.notes:
            print(f"{s.site}: {note}")
    for problem in result.problems:  # beyond one site (a Scrapyd node that stopped answering)
        print(problem)
    if result.record_error:
        print(result.record_error)
    skipped = sum(1 for s in result.sites if s.status == "skipped")
    note = f" ({skipped} skipped)" if skipped else ""
    verdict = {EXIT_OK: "ok", EXIT_LOCKED: "nothing ran: every site is being crawled by another "
               "process (use --wait SECONDS to wait for it)"}.get(result.exit_status,
                                                                  "some sites failed")
    print(f"run {result.run_id}: {verdict}{note}")


def run_arguments(args: argparse.Namespace) -> tuple[list[Any], dict[str, Any]]:
    """The sites and the extra settings of a replay / crawl / record command line, every mistake
    in it found before anything runs. The broken registry entries ``--skip-broken`` passes over
    are left in ``args.broken`` (name -> problem)."""
    if args.mode == "record" and not args.site:
        raise CommandError("name the sites to record (their responses become fixtures), e.g. "
                           "jobcrawler record vivid", EXIT_USAGE)
    sites, args.broken = load_selected_sites(args)
    if args.mode == "replay":
        check_fixtures(sites, args.fixtures)
    extra: dict[str, Any] = run_settings(args.set or [])
    open_engine(args.db)  # a clean message when the database cannot be opened
    if args.sites:
        extra["JOBCRAWLER_SITES"] = args.sites
    extra.setdefault("JOBCRAWLER_PROGRESS", sys.stderr.isatty() and not args.verbose)
    if getattr(args, "fixtures", None):
        extra["JOBCRAWLER_FIXTURES_DIR"] = args.fixtures
    extra["JOBCRAWLER_LOCK_WAIT"] = args.wait  # each site's lock: see jobcrawler.storage.lock
    return sites, extra


def database_failed(exc: Exception, db: str | None) -> CommandError:
    """The error of a run whose database failed while the run was being recorded."""
    from jobcrawler.storage.db import database_url, error_message

    return CommandError(f"the database failed: {error_message(exc, database_url(db))}",
                        EXIT_NOTHING_RAN)


def add_broken(result: Any, broken: dict[str, str]) -> None:
    """``--skip-broken``: the broken registry entries in the summary, as failed sites never run."""
    from jobcrawler.ops.runner import SiteResult

    for name, problem in broken.items():
        result.sites.append(SiteResult(site=name, platform="-", status="failed",
                                       problems=[f"not run: {problem}"]))


def cmd_run(args: argparse.Namespace) -> int:
    """replay / crawl / record: run sites and print a summary; alert (JOBCRAWLER_NOTIFY) when the
    run is not clean or nothing could run."""
    from sqlalchemy.exc import SQLAlchemyError

    from jobcrawler.ops.notify import RunAlerts
    from jobcrawler.ops.runner import crawl_settings, run_sites

    with RunAlerts(args.mode) as alerts:  # a CommandError from here on is sent, then raised
        sites, extra = run_arguments(args)
        alerts.configure(crawl_settings(args.mode, args.db, extra))
        try:  # each site's crawl takes that site's lock (jobcrawler.extensions.SiteLifecycle)
            if getattr(args, "scrapyd", None):  # each site a job on Scrapyd nodes
                from jobcrawler.ops.scrapyd import crawl

                result = crawl(sites, args.scrapyd, args.db, extra)
            else:
                result = run_sites(sites, args.mode, args.db, extra)
        except SQLAlchemyError as exc:  # the database failed while the run was being recorded
            raise database_failed(exc, args.db) from None
    add_broken(result, args.broken)
    print_summary(result)
    alerts.finished(result, print_summary)
    return result.exit_status
