"""schema.org JobPosting from JSON-LD blocks, tolerant of the ways sites get JSON-LD wrong."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import chompjs

if TYPE_CHECKING:
    from parsel import Selector

logger = logging.getLogger(__name__)


def _loads(text: str) -> Any:
    text = text.strip().lstrip("\ufeff")
    if text.startswith("<!--"):
        text = text.removeprefix("<!--").removesuffix("-->").strip()
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    try:  # trailing commas, comments, single quotes, unquoted keys
        return chompjs.parse_js_object(text)
    except (ValueError, TypeError):
        return None


def _walk(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(node, list):
        for child in node:
            yield from _walk(child, depth + 1)
    elif isinstance(node, dict):
        yield node
        if "@graph" in node:
            yield from _walk(node["@graph"], depth + 1)
        if isinstance(node.get("mainEntity"), dict | list):
            yield from _walk(node["mainEntity"], depth + 1)


def _is_job_posting(node: dict[str, Any]) -> bool:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] == "JobPosting" for k in kinds)


def job_postings(selector: Selector) -> list[dict[str, Any]]:
    """Every JobPosting object in the page's JSON-LD blocks (arrays, ``@graph``, several blocks)."""
    found = []
    for block in selector.xpath('//script[@type="application/ld+json"]/text()').getall():
        data = _loads(block)
        if data is None:
            logger.debug("Unreadable JSON-LD block skipped (%d characters)", len(block))
            continue
        found.extend(node for node in _walk(data) if _is_job_posting(node))
    return found


def text_of(value: Any) -> str | None:
    """A string from a JSON-LD value that may be a string, number, object with a name, or list."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        for key in ("name", "value", "@value", "text"):
            if (found := text_of(value.get(key))) is not None:
                return found
        return None
    if isinstance(value, list):
        parts = [t for v in value if (t := text_of(v))]
        return ", ".join(parts) or None
    return None


def _addresses(posting: dict[str, Any]) -> list[dict[str, Any]]:
    places = posting.get("jobLocation")
    places = places if isinstance(places, list) else [places]
    out = []
    for place in places:
        if isinstance(place, str) and place.strip():  # a bare place name where a Place belongs
            out.append({"addressLocality": place.strip()})
            continue
        if not isinstance(place, dict):
            continue
        address = place.get("address", place)
        if isinstance(address, str):
            out.append({"addressLocality": address})
        elif isinstance(address, dict):
            out.append({k: text_of(address.get(k)) for k in
                        ("streetAddress", "postalCode", "addressLocality", "addressRegion",
                         "addressCountry") if text_of(address.get(k))})
    return [a for a in out if a]


def _salary(posting: dict[str, Any]) -> dict[str, Any] | None:
    salary = posting.get("baseSalary") or posting.get("estimatedSalary")
    if isinstance(salary, list):
        salary = salary[0] if salary else None
    if not isinstance(salary, dict):
        return None
    value = salary.get("value")
    structured: dict[str, Any] = {"currency": text_of(salary.get("currency"))}
    if isinstance(value, dict):
        structured["min"] = value.get("minValue", value.get("value"))
        structured["max"] = value.get("maxValue", value.get("value"))
        structured["period"] = text_of(value.get("unitText"))
    elif isinstance(value, int | float | str):
        structured["min"] = structured["max"] = value
        structured["period"] = text_of(salary.get("unitText"))
    if structured.get("min") in (None, "") and structured.get("max") in (None, ""):
        return None
    return structured


def posting_fields(posting: dict[str, Any]) -> dict[str, Any]:
    """The item's raw fields from one JobPosting object; absent or mistyped values are left out."""
    identifier = posting.get("identifier")
    remote = text_of(posting.get("jobLocationType"))
    fields = {
        "title": text_of(posting.get("title")),
        "description_html": posting.get("description") if isinstance(
            posting.get("description"), str) else None,
        "date_posted_raw": text_of(posting.get("datePosted")),
        "valid_through_raw": text_of(posting.get("validThrough")),
        "start_date_raw": text_of(posting.get("jobStartDate")),
        "employment_type_raw": text_of(posting.get("employmentType")),
        "employer": text_of(posting.get("hiringOrganization")),
        "industry": text_of(posting.get("industry")),
        "reference": text_of(identifier.get("value")) if isinstance(identifier, dict)
        else text_of(identifier),
        "url": text_of(posting.get("url")),
        "address_raw": _addresses(posting),
        "remote_raw": "remote" if remote and "TELECOMMUTE" in remote.upper() else None,
        "salary_structured": _salary(posting),
    }
    return {k: v for k, v in fields.items() if v not in (None, [], "")}


def microdata_postings(selector: Selector) -> list[dict[str, Any]]:
    """JobPosting microdata (``itemtype=".../JobPosting"``) in JSON-LD's shape, for pages without
    JSON-LD."""
    postings = []
    for scope in selector.xpath('//*[@itemscope][contains(@itemtype, "schema.org/JobPosting")]'):
        def prop(name: str, node: Any = scope) -> str | None:
            found = node.xpath(f'.//*[@itemprop="{name}"]')
            if not found:
                return None
            el = found[0]
            value = (el.attrib.get("content") or el.attrib.get("datetime")
                     or el.attrib.get("href") or " ".join(el.xpath(".//text()").getall()))
            return value.strip() or None

        description = scope.xpath('.//*[@itemprop="description"]')
        address = scope.xpath('.//*[@itemprop="jobLocation"]')
        posting: dict[str, Any] = {
            "@type": "JobPosting", "title": prop("title"), "datePosted": prop("datePosted"),
            "validThrough": prop("validThrough"), "employmentType": prop("employmentType"),
            "description": description[0].get() if description else None,
            "hiringOrganization": {"name": prop("name", scope.xpath(
                './/*[@itemprop="hiringOrganization"]') or scope)} if scope.xpath(
                './/*[@itemprop="hiringOrganization"]') else None,
            "identifier": prop("identifier"),
        }
        if address:
            posting["jobLocation"] = {"address": {
                key: prop(key, address[0]) for key in
                ("addressLocality", "addressRegion", "postalCode", "addressCountry")}}
        postings.append({k: v for k, v in posting.items() if v is not None})
    return postings
