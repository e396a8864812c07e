"""Raw item fields of an HTML job page: its JSON-LD ``JobPosting``, else its description element.

Used by the spiders whose ads are web pages (``listing``, ``talentbrew``): a page gives the fields
it states; the item pipelines (``ExtractPipeline`` first) do the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parsel import Selector

from jobcrawler.extract.jsonld import job_postings, posting_fields
from jobcrawler.extract.labelled import description_fields

if TYPE_CHECKING:
    from scrapy.http import Response


def page_selector(response: Response) -> Any:
    """The response's selector, re-read as cp1252 when a page says UTF-8 but is not."""
    if getattr(response, "encoding", "").lower().replace("-", "") in ("utf8", "utf_8"):
        try:
            response.body.decode("utf-8")
        except UnicodeDecodeError:
            return Selector(text=response.body.decode("cp1252", errors="replace"), type="html")
    return response


def page_fields(response: Response, description_css: str) -> dict[str, Any]:
    """Raw item fields of a job page: its JSON-LD JobPosting, else the description element.

    The title is the JSON-LD's, else the description's "Job title:" line, else the page's ``h1``
    (the spider decides on it whether the page is an ad at all). The description's other
    "Label: value" lines fill what the JSON-LD lacks later (:mod:`jobcrawler.extract.item`).
    """
    page = page_selector(response)
    postings = job_postings(page)
    fields: dict[str, Any] = posting_fields(postings[0]) if postings else {}
    if not fields.get("description_html"):
        body = page.css(description_css).get()
        if body:
            fields["description_html"] = body
    if not fields.get("title"):
        fields["title"] = (description_fields(fields.get("description_html")).get("title")
                           or (page.css("h1::text").get() or "").strip() or None)
    return fields
