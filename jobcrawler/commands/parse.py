"""``scrapy parse`` for jobcrawler's spiders: the page's own site is the spider's ``base_url``.

Every jobcrawler spider needs its site (``-a base_url=`` or ``-a site=``); when neither is given,
the URL being parsed says it, so ``scrapy parse --spider=jsonld -c parse_job URL`` gives the item
of a job page as it is, the Scrapy way of debugging a new site.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from scrapy.commands.parse import Command as ParseCommand
from scrapy.exceptions import ScrapyDeprecationWarning

if TYPE_CHECKING:
    import argparse

#: Arguments that already tell a spider which site it is on.
SITE_ARGUMENTS = {"site", "base_url", "url", "company"}


class Command(ParseCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) == 1 and not SITE_ARGUMENTS & set(opts.spargs):
            parsed = urlparse(args[0])
            if parsed.scheme in ("http", "https") and parsed.netloc:
                opts.spargs["base_url"] = f"{parsed.scheme}://{parsed.netloc}"
        # Scrapy's own parse command wraps the callback in one that returns a Deferred, which
        # Scrapy 2.13+ then warns about: not the spider's doing, and the items are there.
        warnings.filterwarnings("ignore", message=".* returned a Deferred", category=ScrapyDeprecationWarning)
        super().run(args, opts)
