"""Spiders of XML job feeds (Personio's XML, Teamtailor's RSS) on the JSON API base: the feed is
read into plain dicts and mapped by :mod:`jobcrawler.extract.platforms`.

XML is parsed with entity resolution, DTD loading and network access off, and a feed that declares
entities is refused outright: "billion laughs" and external-entity feeds can neither expand nor
reach out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import scrapy
from lxml import etree
from parsel import Selector

from jobcrawler.extract import platforms
from jobcrawler.spiders.api import ApiSpider

if TYPE_CHECKING:
    from scrapy.http import Response


def _local(name: str) -> str:
    return f"*[local-name()='{name}']"


def _text(node: Selector, name: str) -> str | None:
    value = node.xpath(f"string(./{_local(name)})").get()
    return value.strip() if value and value.strip() else None


_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


def safe_xml(body: bytes) -> Selector | None:
    """A selector over an XML document, or None when it is not XML or declares entities."""
    body = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body.startswith(b"<") or _ENTITY_DECLARATION.search(body[:65536]):
        return None
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                             huge_tree=False, recover=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError:
        return None
    return Selector(root=root, type="xml")


class XmlFeedSpider(ApiSpider):
    """A feed answered in one XML document."""

    def decode(self, response: Response) -> Any:
        selector = safe_xml(response.body)
        if selector is None:
            self.report("malformed_response", response.url,
                        "not XML, or XML declaring entities (refused)")
        return selector


class PersonioSpider(XmlFeedSpider):
    """Personio's public XML feed (``-a company=SLUG`` for ``SLUG.jobs.personio.de``); when the
    XML answers 404 the career page's JSON listing (``/search.json``) is tried instead."""

    name = "personio"
    mapping = staticmethod(platforms.personio)
    company_url = "https://{company}.jobs.personio.de"

    def __init__(self, *args: Any, language: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, language=language, **kwargs)
        self.feed_language = language or "en"

    def list_request(self, offset: int) -> scrapy.Request:
        return self.list_page(self.url(f"/xml?language={self.feed_language}"), offset)

    def parse_list(self, response: Response, offset: int) -> Iterator[Any]:
        if response.status == 404 and response.url.split("?")[0].endswith("/xml"):
            yield scrapy.Request(self.url("/search.json"), callback=self.parse_json_fallback,
                                 meta={"handle_httpstatus_list": [404, 410]})
            return
        yield from super().parse_list(response, offset)

    def postings(self, data: Any) -> Any:
        root = data.xpath(f"/{_local('workzag-jobs')}")
        if not root:
            return None
        return [self._position(node) for node in root.xpath(f"./{_local('position')}")]

    def posting_results(self, posting: dict[str, Any], response: Response) -> Iterator[Any]:
        yield from self.item_or_drop(response, platforms.personio(posting, self.base_url))

    @staticmethod
    def _position(node: Selector) -> dict[str, Any]:
        position: dict[str, Any] = {
            name: _text(node, name) for name in
            ("id", "subcompany", "office", "department", "name", "employmentType", "seniority",
             "schedule", "yearsOfExperience", "createdAt")}
        position["additionalOffices"] = [
            o.strip() for o in node.xpath(
                f"./{_local('additionalOffices')}/{_local('office')}/text()").getall() if o.strip()]
        position["jobDescriptions"] = [
            {"name": _text(d, "name"), "value": _text(d, "value")}
            for d in node.xpath(f"./{_local('jobDescriptions')}/{_local('jobDescription')}")]
        return position

    def parse_json_fallback(self, response: Response) -> Iterator[Any]:
        if response.status in (404, 410):
            self.report("board_not_found", response.url, "no XML feed and no JSON listing")
            return
        data = self.load_json(response)
        if not isinstance(data, list):
            if data is not None:
                self.report("unexpected_shape", response.url, "no list of positions")
            return
        for entry in data:
            if isinstance(entry, dict):
                position = {"id": entry.get("id"), "name": entry.get("name"),
                            "office": entry.get("office"), "subcompany": entry.get("subcompany"),
                            "employmentType": entry.get("employment_type"),
                            "schedule": entry.get("schedule"),
                            "createdAt": entry.get("created_at")}
                yield from self.item_or_drop(response, platforms.personio(position, self.base_url))


class TeamtailorSpider(XmlFeedSpider):
    """Teamtailor's RSS feed with locations and remote status (``-a company=SLUG`` for
    ``SLUG.teamtailor.com``, or ``-a base_url=`` for a custom careers domain)."""

    name = "teamtailor"
    mapping = staticmethod(platforms.teamtailor)
    company_url = "https://{company}.teamtailor.com"

    def list_request(self, offset: int) -> scrapy.Request:
        return self.list_page(self.url("/jobs.rss"), offset)

    def postings(self, data: Any) -> Any:
        channel = data.xpath(f"/{_local('rss')}/{_local('channel')}")
        if not channel:
            return None
        return [self._item(node) for node in channel.xpath(f"./{_local('item')}")]

    @staticmethod
    def _item(node: Selector) -> dict[str, Any]:
        item: dict[str, Any] = {name: _text(node, name) for name in
                                ("title", "link", "guid", "pubDate", "description", "remoteStatus",
                                 "department")}
        item["locations"] = [
            {name: _text(loc, name) for name in ("name", "city", "country", "zip")}
            for loc in node.xpath(f"./{_local('locations')}/{_local('location')}")]
        return item
