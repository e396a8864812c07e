"""The ceiling: a bare Scrapy spider that downloads the sitemap's pages, parses their JSON-LD and
yields dicts to no pipeline. Run outside the project so no jobcrawler setting applies:
``scrapy runspider bare_spider.py -a url=http://127.0.0.1:PORT/sitemap.xml -a stats=out.json``."""

import json
from datetime import UTC, datetime

from scrapy.spiders import SitemapSpider


class BareSpider(SitemapSpider):
    name = "bare"

    def __init__(self, url: str, stats: str, **kwargs):
        super().__init__(**kwargs)
        self.sitemap_urls = [url]
        self.stats_path = stats

    def parse(self, response):
        for block in response.xpath('//script[@type="application/ld+json"]/text()').getall():
            yield json.loads(block)

    def closed(self, reason):
        stats = {k: (v if isinstance(v, int | float | str) else str(v))
                 for k, v in self.crawler.stats.get_stats().items()}
        started = self.crawler.stats.get_value("start_time")
        stats["elapsed_time_seconds"] = (datetime.now(UTC) - started).total_seconds()
        with open(self.stats_path, "w") as fh:
            json.dump(stats, fh)
