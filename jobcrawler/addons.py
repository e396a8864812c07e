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
