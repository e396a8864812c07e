"""``scrapy parse`` for jobcrawler's spiders: the page's own site is the spider's ``base_url``, and
the items printed are extracted whole.

Every jobcrawler spider needs its site (``-a base_url=`` or ``-a site=``); when neither is given,
the URL being parsed says it, so ``scrapy parse --spider=jsonld -c parse_job URL`` gives the item
of a job page as it is, the Scrapy way of debugging a new site.

Spiders only fetch: the last step of extraction (the description's "Label: value" lines, an agency
naming itself) is the first item pipeline's, ``ExtractPipeline``, and ``scrapy parse`` runs no
pipeline. So that the item shown is the item extracted (what normalisation gets, as a crawl
stores it in ``raw``), this command runs ``ExtractPipeline`` on each item it prints; with
``--pipelines`` Scrapy runs every pipeline instead (normalised, and stored in the database).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from scrapy.commands.parse import Command as ParseCommand
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.utils.misc import build_from_crawler

if TYPE_CHECKING:
    import argparse

    from jobcrawler.pipelines import ExtractPipeline

#: Arguments that already tell a spider which site it is on.
SITE_ARGUMENTS = {"site", "base_url", "url", "company"}


class Command(ParseCommand):
    extract: ExtractPipeline | None = None

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) == 1 and not SITE_ARGUMENTS & set(opts.spargs):
            parsed = urlparse(args[0])
            if parsed.scheme in ("http", "https") and parsed.netloc:
                opts.spargs["base_url"] = f"{parsed.scheme}://{parsed.netloc}"
        # Scrapy's own parse command wraps the callback in one that returns a Deferred, which
        # Scrapy 2.13+ then warns about: not the spider's doing, and the items are there.
        warnings.filterwarnings("ignore", message=".* returned a Deferred", category=ScrapyDeprecationWarning)
        super().run(args, opts)

    def scraped_data(self, args: tuple[Any, ...]) -> list[Any]:
        """Scrapy's hook for a callback's items and requests: the items are extracted whole first
        (:class:`~jobcrawler.pipelines.ExtractPipeline`), unless ``--pipelines`` runs them all."""
        items, requests, opts, *rest = args
        if not opts.pipelines:
            if self.extract is None:  # imported here: every scrapy command loads this module
                from jobcrawler.pipelines import ExtractPipeline

                self.extract = build_from_crawler(ExtractPipeline, self.pcrawler)
            items = [self.extract.process_item(item) for item in items]
        return super().scraped_data((items, requests, opts, *rest))  # type: ignore[arg-type]
