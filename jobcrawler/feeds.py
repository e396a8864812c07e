"""Scrapy's own feed exports (``scrapy crawl SPIDER -O ads.jsonl``) in jobcrawler's export schema.

``FEED_EXPORTERS`` maps ``jsonl``/``jsonlines``, ``json`` and ``csv`` to the exporters below: each
ad is written as ``jobcrawler export`` writes it (same fields, same order, lists and objects as JSON
in CSV cells; both take the schema from :mod:`jobcrawler.storage.records`). The stub items of an
incremental crawl (:class:`~jobcrawler.items.SeenAd`: an unchanged ad, not fetched again) never
reach a feed: :class:`FeedAddon` gives every feed :class:`AdFilter` unless the feed names its own
``item_filter``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exporters import CsvItemExporter, JsonItemExporter, JsonLinesItemExporter
from scrapy.extensions.feedexport import ItemFilter

from jobcrawler.items import SeenAd
from jobcrawler.storage.records import EXPORT_FIELDS, item_record

if TYPE_CHECKING:
    from scrapy.settings import Settings


class AdFilter(ItemFilter):
    """Every item but the stubs of unchanged ads (and within ``item_classes`` if a feed sets it)."""

    def accepts(self, item: Any) -> bool:
        return not isinstance(item, SeenAd) and super().accepts(item)


class FeedAddon:
    """Gives every feed of ``FEEDS`` (``-o``/``-O`` included) the :class:`AdFilter`."""

    def update_settings(self, settings: Settings) -> None:
        feeds = settings.getdict("FEEDS")
        if not feeds:
            return
        for options in feeds.values():
            options.setdefault("item_filter", AdFilter)
        settings.set("FEEDS", feeds, settings.getpriority("FEEDS") or "addon")


class _ExportSchema:
    """Mixin for Scrapy's exporters: the export schema's fields, each item as its export object."""

    def __init__(self, file: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fields_to_export", list(EXPORT_FIELDS))
        super().__init__(file, **kwargs)  # type: ignore[call-arg]

    def export_item(self, item: Any) -> None:
        super().export_item(self.cells(item_record(ItemAdapter(item).asdict())))  # type: ignore[misc]

    def cells(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record as this format writes it."""
        return record


class AdJsonLinesExporter(_ExportSchema, JsonLinesItemExporter):
    """One export object per line."""

    def __init__(self, file: Any, **kwargs: Any) -> None:
        kwargs.setdefault("ensure_ascii", False)
        super().__init__(file, **kwargs)


class AdJsonExporter(_ExportSchema, JsonItemExporter):
    """A JSON array of export objects."""

    def __init__(self, file: Any, **kwargs: Any) -> None:
        kwargs.setdefault("ensure_ascii", False)
        super().__init__(file, **kwargs)


class AdCsvExporter(_ExportSchema, CsvItemExporter):
    """The export schema's columns; lists and objects as JSON in their cell."""

    def cells(self, record: dict[str, Any]) -> dict[str, Any]:
        return {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
                for k, v in record.items()}
