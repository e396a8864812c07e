"""Scrapy add-ons of jobcrawler (``ADDONS`` in settings)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.settings import SETTINGS_PRIORITIES

from jobcrawler import __version__

if TYPE_CHECKING:
    from scrapy.settings import Settings


class UserAgentAddon:
    """A User-Agent that names the project and how to reach its operator (``JOBCRAWLER_CONTACT``),
    unless the project or the command line sets ``USER_AGENT`` itself."""

    def update_settings(self, settings: Settings) -> None:
        if (settings.getpriority("USER_AGENT") or 0) < SETTINGS_PRIORITIES["project"]:
            contact = settings.get("JOBCRAWLER_CONTACT", "")
            settings.set("USER_AGENT", f"jobcrawler/{__version__} (+{contact})", "addon")


class BudgetAddon:
    """A budget per site: Scrapy's CloseSpider extension ends a site's crawl after
    ``JOBCRAWLER_SITE_MAX_PAGES`` pages or ``JOBCRAWLER_SITE_MAX_SECONDS`` seconds (0: no limit),
    unless ``CLOSESPIDER_PAGECOUNT`` / ``CLOSESPIDER_TIMEOUT`` are set themselves. A crawl over
    budget ends as ``closespider_pagecount`` / ``closespider_timeout``: reported, closes nothing."""

    def update_settings(self, settings: Settings) -> None:
        for ours, scrapys in (("JOBCRAWLER_SITE_MAX_PAGES", "CLOSESPIDER_PAGECOUNT"),
                              ("JOBCRAWLER_SITE_MAX_SECONDS", "CLOSESPIDER_TIMEOUT")):
            if (settings.getpriority(scrapys) or 0) < SETTINGS_PRIORITIES["project"]:
                settings.set(scrapys, settings.getfloat(ours, 0), "addon")
