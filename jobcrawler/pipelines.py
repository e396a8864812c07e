"""Item pipelines, in ``ITEM_PIPELINES`` order: extract -> validate -> normalise -> scope -> store.

Every item that does not make it is dropped with a logged reason and a ``jobcrawler/dropped/<reason>``
stats counter; nothing here ever stops the crawl.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import CloseSpider, DropItem, NotConfigured
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError

from jobcrawler.extensions import SiteLifecycle
from jobcrawler.extract.item import complete_item
from jobcrawler.items import MONITORED_FIELDS, REQUIRED_FIELDS, SeenAd
from jobcrawler.normalize import normalize_item
from jobcrawler.storage.db import session_factory
from jobcrawler.storage.lifecycle import record_seen
from jobcrawler.storage.upsert import jsonable, row_from_item, upsert_jobs
from jobcrawler.text import writable_value

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: A raw value nested deeper than this (JSON-LD objects in objects...) is dropped from its ad:
#: no real value is, and recursive code (encoders, the database driver) would fail on it.
MAX_NESTING = 32


def nested_deeper(value: Any, limit: int) -> bool:
    """True when lists/dicts nest deeper than ``limit`` in ``value`` (iterative: never recurses)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, list | dict))
    return False


class _Pipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats: StatsCollector = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    def drop(self, reason: str, item: Any, detail: str) -> DropItem:
        self.stats.inc_value(f"jobcrawler/dropped/{reason}")
        adapter = ItemAdapter(item)
        where = adapter.get("url") or adapter.get("source_id") or "?"
        return DropItem(f"{reason}: {detail} ({where})")


class ExtractPipeline(_Pipeline):
    """The last step of extraction (:func:`jobcrawler.extract.item.complete_item`): the raw fields
    the site's structured data left empty are filled from the description's "Label: value" lines,
    and an employer that is the agency itself is dropped. First of the pipelines: a title may come
    from a "Job title:" line, and validation needs one."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, SeenAd):
            complete_item(ItemAdapter(item))
        return item


class ValidatePipeline(_Pipeline):
    """Drops items without the identity every ad needs: source, source_id, url and title.

    A value nested absurdly deep is dropped from the ad (``jobcrawler/fields/too_deep``), which is
    kept.

    Text no database can encode is made writable first: control characters go, lone surrogates
    (which ``json.loads`` accepts from ``"\\ud800"`` escapes) become U+FFFD.
    """

    def process_item(self, item: Any) -> Any:
        if isinstance(item, SeenAd):
            return item
        adapter = ItemAdapter(item)
        for name, value in adapter.items():
            if isinstance(value, list | dict) and nested_deeper(value, MAX_NESTING):
                self.stats.inc_value("jobcrawler/fields/too_deep")
                logger.warning("%s: %s nests deeper than %d levels: dropped from the ad (%s)",
                               adapter.get("source"), name, MAX_NESTING, adapter.get("url"))
                adapter[name] = [] if isinstance(value, list) else None
            elif value is not None and not isinstance(value, int | float):
                adapter[name] = writable_value(value)
        for name in REQUIRED_FIELDS:
            value = adapter.get(name)
            if not isinstance(value, str) or not value.strip():
                raise self.drop(f"missing_{name}", item, f"no {name}")
            adapter[name] = " ".join(value.split())
        return item


class NormalizePipeline(_Pipeline):
    """Fills in the normalised fields from the raw ones (:func:`jobcrawler.normalize.normalize_item`),
    the description HTML sanitised."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, SeenAd):
            return item
        adapter = ItemAdapter(item)
        try:
            values = normalize_item(adapter)  # a shallow mapping: asdict() would copy deeply
        except Exception:  # a bug in a rule must not stop the crawl; the raw values are kept
            logger.exception("Normalisation failed for %s", adapter.get("url"))
            self.stats.inc_value("jobcrawler/normalize/failed")
            return item
        for key, value in values.items():
            adapter[key] = value
        return item


class ScopePipeline(_Pipeline):
    """Keeps only the ads in the site's ``countries`` (when it has that setting)."""

    def process_item(self, item: Any) -> Any:
        countries = getattr(self.crawler.spider, "countries", None)
        if not countries or isinstance(item, SeenAd):
            return item
        adapter = ItemAdapter(item)
        found = {loc.get("country_code") for loc in adapter.get("locations") or []}
        found.discard(None)
        if found and not found & set(countries):
            self.stats.inc_value("jobcrawler/filtered/out_of_scope")
            raise DropItem(f"out of scope: {', '.join(sorted(found))} ({adapter.get('url')})")
        return item


class StorePipeline(_Pipeline):
    """Writes items to the database in batches, under the site's crawl record kept by the lifecycle
    extension; what cannot be written goes to a spool file (``JOBCRAWLER_SPOOL_DIR``, checked
    writable before the crawl). Items that can be neither stored nor spooled (disk full) are
    counted as lost, loudly.

    Stats: ``jobcrawler/store/{seen,new,updated,unchanged,failed,lost}``.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        lifecycle = crawler.get_extension(SiteLifecycle)
        if lifecycle is None:
            raise NotConfigured("StorePipeline needs the jobcrawler.extensions.SiteLifecycle extension")
        self.lifecycle = lifecycle
        self.batch_size = crawler.settings.getint("JOBCRAWLER_STORE_BATCH_SIZE", 500)
        self.flush_seconds = crawler.settings.getfloat("JOBCRAWLER_STORE_FLUSH_SECONDS", 30.0)
        self.last_flush = time.monotonic()
        self.spool_dir = Path(crawler.settings.get("JOBCRAWLER_SPOOL_DIR", "spool"))
        self.buffer: list[dict[str, Any]] = []
        self.seen_ids: list[str] = []
        self.spool_path: Path | None = None
        self.spooled = 0

    def process_item(self, item: Any) -> Any:
        self.stats.inc_value("jobcrawler/store/seen")
        if isinstance(item, SeenAd):
            self.seen_ids.append(item.source_id)
        else:
            data = dict(ItemAdapter(item))  # shallow: nested values are never changed
            self.buffer.append(data)
            self.stats.inc_value("jobcrawler/store/items")
            for name in MONITORED_FIELDS:  # for the "shape changed" health check
                if data.get(name):
                    self.stats.inc_value(f"jobcrawler/fields/{name}")
        if (len(self.buffer) + len(self.seen_ids) >= self.batch_size
                or time.monotonic() - self.last_flush >= self.flush_seconds):
            self.flush()
        return item

    def open_spider(self) -> None:
        """The spool folder must be writable before anything is crawled: otherwise items the
        database refuses would be lost. A crawl that cannot spool ends at once (and is reported)."""
        try:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.spool_dir):
                pass
        except OSError as exc:
            logger.error("The spool folder %s is not writable (%s): not crawling %s",
                         self.spool_dir, exc, getattr(self.crawler.spider, "site", "this site"))
            raise CloseSpider("spool_not_writable") from exc

    def close_spider(self) -> None:
        self.flush()
        if self.spooled:
            logger.error("%d item(s) could not be stored and were spooled to %s; "
                         "load them with: jobcrawler load-spool %s", self.spooled,
                         self.spool_path, self.spool_path)

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        items, self.buffer = self.buffer, []
        seen, self.seen_ids = self.seen_ids, []
        if seen:
            try:
                crawl = self.lifecycle.database()
                touched = record_seen(crawl.engine, crawl.source, seen, crawl.run_id,
                                      datetime.now(UTC))
                self.stats.inc_value("jobcrawler/store/unchanged", touched)
            except Exception as exc:  # the database is down: nothing to spool, nothing lost
                self.stats.inc_value("jobcrawler/store/failed", len(seen))
                logger.error("Could not record %d seen ad(s): %s", len(seen),
                             self.lifecycle.describe(exc))
        if not items:
            return
        try:
            self._write(items)
        except (DataError, IntegrityError) as exc:
            logger.warning("Batch of %d rejected (%s); storing row by row", len(items),
                           type(exc).__name__)
            for item in items:
                try:
                    self._write([item])
                except SQLAlchemyError as row_exc:
                    self._spool([item], row_exc)
        except Exception as exc:  # database down, locked or full: keep the items, go on
            self._spool(items, exc)

    def _write(self, items: list[dict[str, Any]]) -> None:
        crawl = self.lifecycle.database()
        rows = [row_from_item(item) for item in items]
        now = datetime.now(UTC)
        with session_factory(crawl.engine).begin() as session:
            result = upsert_jobs(session, rows, crawl.run_id, now)
        self.stats.inc_value("jobcrawler/store/new", result.new)
        self.stats.inc_value("jobcrawler/store/updated", result.updated)
        self.stats.inc_value("jobcrawler/store/unchanged", result.unchanged)

    def _spool(self, items: list[dict[str, Any]], exc: BaseException) -> None:
        self.stats.inc_value("jobcrawler/store/failed", len(items))
        logger.error("Could not store %d item(s): %s", len(items), self.lifecycle.describe(exc))
        try:
            if self.spool_path is None:
                self.spool_dir.mkdir(parents=True, exist_ok=True)
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
                source = getattr(self.crawler.spider, "site", self.crawler.spider.name)
                self.spool_path = self.spool_dir / f"{stamp}-{source}.jsonl"
            lines = "".join(json.dumps(jsonable(item), ensure_ascii=False) + "\n" for item in items)
            with self.spool_path.open("a", encoding="utf-8") as fh:
                fh.write(lines)
                fh.flush()
                os.fsync(fh.fileno())
        except (OSError, ValueError) as spool_exc:  # disk full, folder gone, unencodable item
            self.stats.inc_value("jobcrawler/store/lost", len(items))
            logger.error("%d item(s) LOST: neither stored nor spooled to %s (%s)", len(items),
                         self.spool_path or self.spool_dir, spool_exc)
            return
        self.spooled += len(items)
