"""Alerts: when a run is not clean, its summary and problems go to the URLs of ``JOBCRAWLER_NOTIFY``
through apprise (email, Slack, Teams, Telegram, webhooks... one URL scheme each).

Quiet on a clean run unless ``JOBCRAWLER_NOTIFY_ALWAYS`` is on. A notification that cannot be sent
is logged and never changes the run's outcome or exit status.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


@dataclass
class Notice:
    """What to send: a title, a plain-text body, and whether the run was clean."""

    title: str
    body: str
    clean: bool


def run_notice(result: Any, mode: str, print_summary: Callable[[Any], None]) -> Notice:
    """The notice of a finished run: its verdict in the title, the printed summary as the body
    (``print_summary`` is the one the command prints, so both say the same)."""
    failed = [s.site for s in result.sites if s.status not in ("ok", "skipped")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        print_summary(result)
    clean = result.exit_status == 0
    if clean:
        verdict = "ok"
    elif failed:
        verdict = f"{len(failed)} of {len(result.sites)} site(s) failed: {', '.join(failed)}"
    else:
        verdict = "not clean"
    return Notice(f"jobcrawler {mode} on {socket.gethostname()}: {verdict}", out.getvalue(), clean)


def failure_notice(message: str, mode: str) -> Notice:
    """The notice of a run that could not run at all (registry, database, lock)."""
    return Notice(f"jobcrawler {mode} on {socket.gethostname()}: nothing could run",
                  f"jobcrawler {mode} did not run: {message}\n", clean=False)


def notify_urls(settings: BaseSettings | None = None) -> list[str]:
    """``JOBCRAWLER_NOTIFY`` from the settings (a list, or URLs separated by spaces), else from the
    environment (URLs separated by spaces; a URL may hold commas, e.g. several ``to=`` addresses)."""
    value: Any = settings.get("JOBCRAWLER_NOTIFY") if settings is not None else None
    if not value:
        value = os.environ.get("JOBCRAWLER_NOTIFY", "")
    if isinstance(value, str):
        value = value.split()
    return [str(url).strip() for url in value if str(url).strip()]


def notify_always(settings: BaseSettings | None = None) -> bool:
    if settings is not None and settings.getbool("JOBCRAWLER_NOTIFY_ALWAYS"):
        return True
    return os.environ.get("JOBCRAWLER_NOTIFY_ALWAYS", "").lower() in ("1", "true", "yes", "on")


def _describe(url: str) -> str:
    """A URL fit for the log: its scheme only (the rest may hold a password or a token)."""
    return url.split("://", 1)[0] + "://..." if "://" in url else "(not a URL)"


def send(notice: Notice, urls: list[str], always: bool = False) -> bool:
    """Send ``notice`` to ``urls`` unless the run was clean (and ``always`` is off).

    True when every URL took it. Never raises: a URL apprise does not know, a server that
    refuses, a missing apprise are each logged as one line.
    """
    if not urls or (notice.clean and not always):
        return False
    try:
        import apprise
    except ImportError:
        logger.error("JOBCRAWLER_NOTIFY is set but apprise is not installed: pip install apprise")
        return False
    try:
        targets = apprise.Apprise()
        known = 0
        for url in urls:
            if targets.add(url):
                known += 1
            else:
                logger.error("Notification URL not understood, skipped: %s", _describe(url))
        if not known:
            return False
        notify_type = apprise.NotifyType.SUCCESS if notice.clean else apprise.NotifyType.FAILURE
        sent = bool(targets.notify(title=notice.title, body=notice.body, notify_type=notify_type,
                                   body_format=apprise.NotifyFormat.TEXT))
    except Exception as exc:  # a notifier's bug must not fail the run it reports on
        logger.error("Notification failed: %s: %s", type(exc).__name__, exc)
        return False
    if sent and known == len(urls):
        logger.info("Notification sent to %d URL(s)", known)
        return True
    logger.error("Notification could not be sent to every URL (%d configured); see apprise's log",
                 len(urls))
    return False


class RunAlerts:
    """The alerts of one ``crawl`` / ``replay`` / ``record`` command: a context manager around the
    part that can fail before anything runs (a :class:`CommandError` in it is sent, then raised),
    and :meth:`finished` with the run's result. URLs come from the project settings (and the
    environment) until :meth:`configure` gives the run's own (with its ``-s`` values)."""

    def __init__(self, mode: str) -> None:
        from scrapy.utils.project import get_project_settings

        self.mode = mode
        self.configure(get_project_settings())

    def configure(self, settings: BaseSettings) -> None:
        self.urls, self.always = notify_urls(settings), notify_always(settings)

    def __enter__(self) -> RunAlerts:
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        from jobcrawler.ops.command import CommandError

        if isinstance(exc, CommandError):
            send(failure_notice(str(exc), self.mode), self.urls)

    def finished(self, result: Any, print_summary: Callable[[Any], None]) -> bool:
        return send(run_notice(result, self.mode, print_summary), self.urls, self.always)
