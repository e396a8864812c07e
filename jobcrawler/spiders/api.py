"""The shared base of spiders for public JSON endpoints: a list (whole or paginated), then
optionally one detail request per posting.

A board that answers 404/410, a response that is not JSON or not of the expected shape is
*reported* (stats ``jobcrawler/errors/<reason>``): the site's crawl is then not clean, so it closes
no ads, and the run's exit status says so.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import scrapy

from jobcrawler.spiders.base import GONE, JobSpider

if TYPE_CHECKING:
    from scrapy.http import Response




class ApiSpider(JobSpider):
    """Subclasses give the list request, where the postings are, and the field mapping."""

    #: The mapping of one posting to raw fields (a function of :mod:`jobcrawler.extract.platforms`).
    mapping: ClassVar[Callable[..., dict[str, Any]]]
    #: Postings per list page, for platforms that page (``-a page_size=N``).
    page_size: int = 100

    def __init__(self, *args: Any, page_size: int | str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if page_size:
            self.page_size = int(page_size)

    async def start(self) -> Any:
        yield self.list_request(0)

    # --- what a platform defines -------------------------------------------------------------
    def list_request(self, offset: int) -> scrapy.Request:
        raise NotImplementedError

    def postings(self, data: Any) -> Any:
        """The list of postings in a list response (anything else is reported)."""
        raise NotImplementedError

    def next_offset(self, data: Any, postings: list[Any], offset: int) -> int | None:
        """The offset of the next list page, None when this was the last."""
        return None

    def posting_results(self, posting: dict[str, Any], response: Response) -> Iterator[Any]:
        """An item for a posting (or a detail request that will give one)."""
        yield from self.item_or_drop(response, type(self).mapping(posting))

    # --- shared machinery ----------------------------------------------------------------------
    def list_page(self, url: str, offset: int, **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_list, cb_kwargs={"offset": offset},
                              meta={"handle_httpstatus_list": GONE}, **kwargs)

    def parse_list(self, response: Response, offset: int) -> Iterator[Any]:
        if response.status in GONE:
            self.report("board_not_found", response.url, f"HTTP {response.status}")
            return
        data = self.decode(response)
        if data is None:
            return
        postings = self.postings(data)
        if not isinstance(postings, list):
            self.report("unexpected_shape", response.url, "no list of postings where expected")
            return
        self.crawler.stats.inc_value("jobcrawler/listed", len(postings))
        for posting in postings:
            if not isinstance(posting, dict):
                self.crawler.stats.inc_value("jobcrawler/dropped/malformed_posting")
                continue
            yield from self.posting_results(posting, response)
        next_offset = self.next_offset(data, postings, offset)
        if next_offset is not None and postings:
            yield self.list_request(next_offset)

    def decode(self, response: Response) -> Any:
        """The list response's content (JSON here), or None when it cannot be read (reported)."""
        return self.load_json(response)

    def load_json(self, response: Response) -> Any:
        """The response's JSON, or None (reported) when it is not JSON."""
        try:
            return json.loads(response.text)
        except (ValueError, AttributeError) as exc:
            self.report("malformed_response", response.url, f"not JSON: {str(exc)[:80]}")
            return None

    def item_or_drop(self, response: Response, fields: dict[str, Any]) -> Iterator[Any]:
        if not fields:
            self.drop("malformed_posting", response, "a posting without id or title")
            return
        yield self.new_item(response, **fields)
