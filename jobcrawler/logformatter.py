"""Log messages for Scrapy events: a dropped item is one INFO line with its reason."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.logformatter import LogFormatter

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.http import Response


class JobLogFormatter(LogFormatter):
    """Drops are expected (out-of-scope ads, pages without content): counted, not shouted."""

    def dropped(self, item: Any, exception: BaseException, response: Response | None,
                spider: Spider | None = None) -> dict[str, Any]:
        return {"level": logging.INFO, "msg": "Dropped: %(exception)s",
                "args": {"exception": exception}}
