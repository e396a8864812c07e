"""Alerts through apprise: a local SMTP server (aiosmtpd) and a local webhook receiver get the
summary of a run that is not clean; a clean night is quiet; a failing notification never fails the run."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from jobcrawler.ops.notify import Notice, failure_notice, notify_always, notify_urls, run_notice, send
from jobcrawler.ops.run_cmd import print_summary
from jobcrawler.ops.runner import RunResult, SiteResult
from tests.test_cli import DEMO_SITES, run

pytest.importorskip("apprise")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[int, list]]:
    """A local SMTP server; the messages it received."""
    from aiosmtpd.controller import Controller

    received: list = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    port = _free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


@pytest.fixture
def webhook() -> Iterator[tuple[int, list]]:
    """A local HTTP receiver; the JSON bodies posted to it."""
    received: list = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # shutdown() waits for the serving loop's next poll (0.5 s by default)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()


def _result(failed: bool) -> RunResult:
    sites = [SiteResult(site="adecco", platform="talentbrew", status="ok", items=12, new=3),
             SiteResult(site="vivid", platform="vivid", status="failed" if failed else "ok", items=1,
                        problems=["saw 1 ad(s), under half of the 40 of its last clean crawl"]
                        if failed else [])]
    return RunResult(run_id=7, sites=sites)


def test_notice_of_a_failed_run() -> None:
    notice = run_notice(_result(failed=True), "crawl", print_summary)
    assert not notice.clean
    assert "crawl" in notice.title and "1 of 2 site(s) failed: vivid" in notice.title
    assert "vivid: saw 1 ad(s), under half" in notice.body
    assert "run 7: some sites failed" in notice.body
    assert run_notice(_result(failed=False), "crawl", print_summary).clean


def test_failed_run_is_mailed(smtp) -> None:
    port, received = smtp
    url = f"mailto://127.0.0.1:{port}?from=jobcrawler@example.org&to=ops@example.org"
    assert send(run_notice(_result(failed=True), "crawl", print_summary), [url])
    [envelope] = received
    assert envelope.rcpt_tos == ["ops@example.org"]
    message = message_from_bytes(envelope.content)
    assert "1 of 2 site(s) failed" in message["Subject"]
    body = message.get_payload(decode=True).decode() if not message.is_multipart() else \
        message.get_payload(0).get_payload(decode=True).decode()
    assert "vivid: saw 1 ad(s)" in body


def test_failed_run_goes_to_a_webhook_and_clean_nights_are_quiet(webhook) -> None:
    port, received = webhook
    url = f"json://127.0.0.1:{port}/hook"
    assert not send(run_notice(_result(failed=False), "crawl", print_summary), [url])
    assert received == []  # quiet on a clean night
    assert send(run_notice(_result(failed=False), "crawl", print_summary), [url], always=True)
    assert send(failure_notice("cannot open the database sqlite:///x.db: locked", "crawl"), [url])
    assert [r["type"] for r in received] == ["success", "failure"]
    assert "nothing could run" in received[1]["title"]
    assert "cannot open the database" in received[1]["message"]


def test_failing_notification_is_logged_not_raised(caplog, webhook) -> None:
    port, received = webhook
    dead = f"json://127.0.0.1:{_free_port()}/nobody-listens"
    notice = Notice("t", "b", clean=False)
    with caplog.at_level(logging.ERROR, logger="jobcrawler.ops.notify"):
        assert not send(notice, [dead, "nosuchscheme://x", f"json://127.0.0.1:{port}/ok"])
    assert len(received) == 1  # the good URL still got it
    messages = [r.getMessage() for r in caplog.records]
    assert any("not understood" in m and "nosuchscheme://..." in m for m in messages)
    assert any("could not be sent to every URL" in m for m in messages)


def test_urls_from_settings_or_environment(monkeypatch) -> None:
    from scrapy.settings import Settings

    monkeypatch.setenv("JOBCRAWLER_NOTIFY", "mailto://a@example.org json://127.0.0.1/x")
    assert notify_urls(Settings()) == ["mailto://a@example.org", "json://127.0.0.1/x"]
    assert notify_urls(Settings({"JOBCRAWLER_NOTIFY": ["slack://T/B/C"]})) == ["slack://T/B/C"]
    assert notify_urls(Settings({"JOBCRAWLER_NOTIFY": "mailto://x?to=a@b.org,c@d.org"})) == [
        "mailto://x?to=a@b.org,c@d.org"]
    assert notify_always(Settings({"JOBCRAWLER_NOTIFY_ALWAYS": "1"}))
    monkeypatch.delenv("JOBCRAWLER_NOTIFY_ALWAYS", raising=False)
    assert not notify_always(Settings())


def test_crawl_alerts_through_the_command(webhook, tmp_path: Path) -> None:
    """End to end: a replay whose crawl ends early (not clean) sends its summary, and a dead
    notification URL beside the good one changes nothing in its exit status; a run that cannot
    start is reported too. (Quiet clean nights: test_failed_run_goes_to_a_webhook...)"""
    port, received = webhook
    db = f"sqlite:///{tmp_path / 'a.db'}"
    env = {"JOBCRAWLER_NOTIFY": f"json://127.0.0.1:{port}/hook json://127.0.0.1:{_free_port()}/dead"}
    result = run("replay", "adecco", "--db", db, "--sites", DEMO_SITES, "-s", "CLOSESPIDER_ITEMCOUNT=1", env=env)
    assert result.returncode == 1, result.stderr
    assert "Notification could not be sent to every URL" in result.stderr
    [alert] = received
    assert alert["type"] == "failure" and "1 of 1 site(s) failed: adecco" in alert["title"]
    assert "adecco: " in alert["message"] and "run 1: some sites failed" in alert["message"]
    # nothing could run (the database cannot be opened): status 3 and an alert, no password in it
    result = run("replay", "--db", "postgresql+psycopg://jc:secret@127.0.0.1:1/none", "--sites", DEMO_SITES,
                 env=env)
    assert result.returncode == 3
    assert received[-1]["type"] == "failure" and "nothing could run" in received[-1]["title"]
    assert "secret" not in received[-1]["message"]
