"""Two crawls of one site: the second reports it locked (exit 4 when nothing could run) or waits;
a killed crawl leaves no lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from jobcrawler.storage.db import get_engine
from jobcrawler.storage.lock import LockHeld, RunLock
from tests.cli import run

HOLDER = """
import sys, time
from jobcrawler.storage.lock import site_lock
from jobcrawler.storage.db import get_engine
lock = site_lock(get_engine(sys.argv[1]), "vivid")
lock.acquire()
print("locked", flush=True)
time.sleep(120)
"""


def test_second_lock_is_refused_then_waits(db_url: str) -> None:
    engine = get_engine(db_url)
    with RunLock(engine):
        other = RunLock(get_engine(db_url), wait=0)
        with pytest.raises(LockHeld):
            other.acquire()
        started = time.monotonic()
        with pytest.raises(LockHeld):
            RunLock(engine, wait=1.0).acquire()
        assert time.monotonic() - started >= 0.9
    with RunLock(engine):  # released: free again
        pass


def test_concurrent_replay_exits_4_and_killed_holder_leaves_no_lock(db_url: str) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, db_url], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = run("replay", "vivid", "--db", db_url)
        assert result.returncode == 4, result.stderr + result.stdout
        assert "vivid: another process is crawling this site" in result.stdout
        assert "nothing ran" in result.stdout
    finally:
        os.kill(holder.pid, signal.SIGKILL)  # kill -9: no cleanup runs
        holder.wait()
    result = run("replay", "vivid", "--db", db_url)
    assert result.returncode == 0, result.stderr + result.stdout


def test_wait_gets_the_lock_when_the_other_run_ends(sqlite_url: str) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER.replace("120", "2"), sqlite_url],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = run("replay", "vivid", "--db", sqlite_url, "--wait", "30")
        assert result.returncode == 0, result.stderr
    finally:
        holder.kill()
        holder.wait()
