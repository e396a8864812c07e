"""Replay and record of saved responses, through Scrapy's own HTTP cache.

``FixtureStorage`` is an ``HTTPCACHE_STORAGE``: responses live as readable files under
``fixtures/<site>/`` with an index, ``responses.json``, that gives the URL, status and headers
beside each body file. In replay mode (``JOBCRAWLER_REPLAY``) ``HTTPCACHE_IGNORE_MISSING`` is on,
so a request with no fixture is an ignored request counted as ``httpcache/ignore``, never a network
call. In record mode (``JOBCRAWLER_RECORD``) every live response is saved as a new fixture.

``ReplayAddon`` switches the cache settings on when either mode is set, so
``scrapy crawl talentbrew -a site=adecco -s JOBCRAWLER_REPLAY=1`` replays like ``jobcrawler replay``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.http import Request, Response
    from scrapy.settings import BaseSettings, Settings

logger = logging.getLogger(__name__)

INDEX = "responses.json"
#: Response headers kept in fixtures: what parsing, redirects and revalidation need; no cookies.
KEPT_HEADERS = ("Content-Type", "Location", "Last-Modified", "ETag", "Retry-After",
                "Content-Language")
_EXTENSIONS = {"html": ".html", "xml": ".xml", "json": ".json", "rss": ".xml", "javascript": ".js",
               "text/plain": ".txt"}


def request_key(method: str, url: str, body: bytes = b"") -> str:
    """The lookup key of a request: method, canonical URL and, for bodies, their SHA-1."""
    key = f"{method.upper()} {canonicalize_url(url, keep_fragments=False)}"
    if body:
        key += f" {hashlib.sha1(body).hexdigest()}"
    return key


def site_folder(fixtures_dir: str | Path, spider: Spider) -> Path:
    """``fixtures/<site>/`` for a spider's configured site."""
    return Path(fixtures_dir) / getattr(spider, "site", spider.name)


def load_index(folder: Path) -> list[dict[str, Any]]:
    """The entries of a fixture folder's ``responses.json`` (empty when there is none)."""
    path = folder / INDEX
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))


class FixtureStorage:
    """An ``HTTPCACHE_STORAGE`` over readable fixture files (see the module docstring)."""

    def __init__(self, settings: BaseSettings) -> None:
        self.fixtures_dir = Path(settings.get("JOBCRAWLER_FIXTURES_DIR", "fixtures"))
        self.record = settings.getbool("JOBCRAWLER_RECORD")
        self.folder: Path | None = None
        self.entries: dict[str, dict[str, Any]] = {}
        self.recorded: list[dict[str, Any]] = []

    def open_spider(self, spider: Spider) -> None:
        self.folder = site_folder(self.fixtures_dir, spider)
        self.entries = {}
        for entry in load_index(self.folder):
            body = entry.get("request_body", "").encode()
            self.entries[request_key(entry.get("method", "GET"), entry["url"], body)] = entry
        if self.record:
            self.recorded = list(self.entries.values())
        logger.info("Fixtures for %s: %d responses in %s%s", spider.name, len(self.entries),
                    self.folder, " (recording)" if self.record else "")

    def close_spider(self, spider: Spider) -> None:
        if self.record and self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / INDEX).write_text(
                json.dumps(self.recorded, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        if self.record or self.folder is None:
            return None  # recording always fetches live
        entry = self.entries.get(request_key(request.method, request.url, request.body))
        if entry is None:
            logger.info("No fixture for %s %s", request.method, request.url)
            return None
        body = (self.folder / entry["body"]).read_bytes() if entry.get("body") else b""
        headers = Headers(entry.get("headers") or {})
        respcls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return respcls(url=request.url, status=int(entry.get("status", 200)), headers=headers,
                       body=body, request=request)

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        if not self.record or self.folder is None:
            return
        key = request_key(request.method, request.url, request.body)
        name = _body_name(request.url, key, response)
        (self.folder / "pages").mkdir(parents=True, exist_ok=True)
        (self.folder / "pages" / name).write_bytes(response.body)
        headers = {h: response.headers.get(h).decode("latin-1")
                   for h in KEPT_HEADERS if response.headers.get(h)}
        entry: dict[str, Any] = {"method": request.method, "url": request.url,
                                 "status": response.status, "headers": headers,
                                 "body": f"pages/{name}"}
        if request.body:
            entry["request_body"] = request.body.decode("utf-8", "replace")
        self.recorded = [e for e in self.recorded if request_key(
            e.get("method", "GET"), e["url"], e.get("request_body", "").encode()) != key]
        self.recorded.append(entry)


def _body_name(url: str, key: str, response: Response) -> str:
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", url.split("://", 1)[-1]).strip("-")[-60:]
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    ext = next((e for k, e in _EXTENSIONS.items() if k in content_type), ".bin")
    return f"{slug}-{hashlib.sha1(key.encode()).hexdigest()[:8]}{ext}"


class ReplayAddon:
    """Turns on the HTTP cache with :class:`FixtureStorage` in replay or record mode.

    Its settings take "spider" priority so they win over the project's politeness defaults (no
    delay is needed when nothing leaves the machine); ``-s`` on the command line still wins.
    """

    priority = "spider"

    def update_settings(self, settings: Settings) -> None:
        replay = settings.getbool("JOBCRAWLER_REPLAY")
        record = settings.getbool("JOBCRAWLER_RECORD")
        if not (replay or record):
            return
        if replay and record:
            raise ValueError("JOBCRAWLER_REPLAY and JOBCRAWLER_RECORD cannot both be on")
        settings.set("HTTPCACHE_ENABLED", True, self.priority)
        settings.set("HTTPCACHE_STORAGE", "jobcrawler.replay.FixtureStorage", self.priority)
        settings.set("HTTPCACHE_POLICY", "scrapy.extensions.httpcache.DummyPolicy", self.priority)
        settings.set("HTTPCACHE_EXPIRATION_SECS", 0, self.priority)
        settings.set("HTTPCACHE_IGNORE_HTTP_CODES", [], self.priority)
        settings.set("HTTPCACHE_IGNORE_MISSING", replay, self.priority)
        if replay:
            # nothing leaves the machine: no need to wait between requests
            settings.set("AUTOTHROTTLE_ENABLED", False, self.priority)
            settings.set("DOWNLOAD_DELAY", 0, self.priority)
