"""The README says what the commands do: its command table names every verb and only options
they have, and its cron line works as written in a folder that holds only ``sites.toml``."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from jobcrawler.ops.cli import build_parser
from jobcrawler.ops.command import EXIT_LOCKED, EXIT_NOTHING_RAN, EXIT_SITES_FAILED, EXIT_USAGE
from tests.conftest import ROOT
from tests.mockserver import MockServer, Reply
from tests.test_operations import job_page

README = (ROOT / "README.md").read_text(encoding="utf-8")


def verbs() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_command_table_matches_the_verbs() -> None:
    rows = re.findall(r"^\| `(jobcrawler .*?)` \| ", README, re.MULTILINE)
    documented: dict[str, set[str]] = {}
    for cell in rows:
        for command in cell.split("` / `"):
            verb = command.split()[1]
            documented.setdefault(verb, set()).update(re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", command))
    parsers = verbs()
    assert set(documented) == set(parsers)
    for verb, options in documented.items():
        known = {opt for action in parsers[verb]._actions for opt in action.option_strings}
        assert options <= known, (verb, options - known)


def test_exit_statuses_are_the_documented_ones() -> None:
    for status, words in [(EXIT_SITES_FAILED, "some sites failed"), (EXIT_USAGE, "wrong usage"),
                          (EXIT_NOTHING_RAN, "nothing could run"), (EXIT_LOCKED, "another run holds the lock")]:
        assert f"`{status}` {words}" in README, (status, words)


def test_the_cron_line_works_in_a_folder_with_only_sites_toml(tmp_path: Path) -> None:
    line = next(line for line in README.splitlines() if line.startswith("30 2 * * *"))
    command = line.removeprefix("30 2 * * *").strip()
    folder = tmp_path / "srv"
    folder.mkdir()
    paths = [f"/job/{i}/" for i in range(2)]
    routes = {"/jobs/": [Reply(200, "".join(f'<a href="{p}">x</a>' for p in paths))]}
    routes.update({p: [Reply(200, job_page(i))] for i, p in enumerate(paths)})
    with MockServer(routes) as server:
        (folder / "sites.toml").write_text(f'[sites.local]\nplatform = "jsonld"\n'
                                           f'url = "{server.url}/jobs/"\nlink_pattern = "/job/"\n')
        command = (command.replace("/srv/jobcrawler", str(folder))
                   .replace(".venv/bin/jobcrawler", str(Path(sys.executable).with_name("jobcrawler"))))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JOBCRAWLER_", "SCRAPY_"))}
        result = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr  # cron is quiet
    summary = (folder / "logs" / "last-summary.txt").read_text()
    assert "local" in summary and "run 1: ok" in summary
    assert (folder / "logs" / f"crawl-{date.today():%Y-%m-%d}.log").stat().st_size > 0
    assert (folder / "jobcrawler.db").exists()
