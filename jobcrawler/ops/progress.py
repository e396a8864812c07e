"""A progress line per site on an interactive terminal; nothing under cron (stderr not a TTY)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ProgressExtension:
    """Every ``JOBCRAWLER_PROGRESS_INTERVAL`` seconds: ``site: N pages, M ads, D dropped``.

    On only when ``JOBCRAWLER_PROGRESS`` is true, which ``jobcrawler crawl`` sets when stderr is a
    terminal.
    """

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        if not crawler.settings.getbool("JOBCRAWLER_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler, crawler.settings.getfloat("JOBCRAWLER_PROGRESS_INTERVAL", 10))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def report(self) -> None:
        stats = self.crawler.stats
        site = getattr(self.crawler.spider, "site", self.crawler.spider.name)
        dropped = sum(v for k, v in stats.get_stats().items()
                      if k.startswith("jobcrawler/dropped/") and isinstance(v, int))
        print(f"{site}: {stats.get_value('response_received_count', 0)} pages, "
              f"{stats.get_value('jobcrawler/store/seen', 0)} ads, {dropped} dropped",
              file=sys.stderr, flush=True)

    def spider_closed(self) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
