"""Radancy TalentBrew careers sites: sitemap -> job pages with JobPosting JSON-LD.

Job pages live at ``/{lang}/job/{city}/{title}/{companyId}/{jobId}``; ``/sitemap.xml`` lists them
with the facet pages. Any TalentBrew employer is one ``sites.toml`` entry::

    [sites.adecco]
    platform = "talentbrew"
    base_url = "https://careers.adeccogroup.com"
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from jobcrawler.extract.page import page_fields
from jobcrawler.spiders.jsonld import JsonLdSpider

if TYPE_CHECKING:
    from scrapy.http import Response

JOB_PATH = re.compile(r"/job/[^/]+/[^/]+/(\d+)/(\d+)/?$")
_POSTING_DATE = re.compile(
    r"(?:Posting date|Date posted|Date de publication|Publicatiedatum|Datum|Veröffentlicht)\s*:?\s*"
    r"(.{4,30})", re.IGNORECASE)


class TalentBrewSpider(JsonLdSpider):
    """Every job page listed in a TalentBrew site's sitemap (the generic JSON-LD spider, with
    TalentBrew's job URLs, meta tags, description element and Apply link)."""

    name = "talentbrew"
    default_start = "/sitemap.xml"
    default_link_pattern = JOB_PATH.pattern

    def parse_job(self, response: Response) -> Any:
        match = JOB_PATH.search(response.url.split("?", 1)[0])
        if match is None:
            return self.drop("not_a_job_url", response)
        fields = page_fields(response, "div.ats-description")
        meta = {name: response.css(f'meta[name="{name}"]::attr(content)').get()
                for name in ("gtm_tbcn_jobtitle", "gtm_tbcn_location")}
        if not fields.get("title"):
            fields["title"] = meta["gtm_tbcn_jobtitle"]
        if meta["gtm_tbcn_location"]:
            fields["location_raw"] = [meta["gtm_tbcn_location"].replace("~", ", ")]
        if not fields.get("date_posted_raw"):
            text = " ".join(response.css(".job-date ::text, .job-info ::text").getall())
            if m := _POSTING_DATE.search(text):
                fields["date_posted_raw"] = m[1].strip()
        fields["apply_url"] = (
            response.css("[data-apply-url]::attr(data-apply-url)").get()
            or response.css("[apply-url]::attr(apply-url)").get()
            or response.css("a.job-apply::attr(href)").get()
        )
        if fields["apply_url"]:
            fields["apply_url"] = response.urljoin(fields["apply_url"])
        fields.pop("url", None)  # the page we fetched is the canonical URL
        if not fields.get("title") and not fields.get("description_html"):
            return self.drop("no_job_content", response, "no JSON-LD, title or description")
        return self.new_item(response, source_id=match[2], **fields)
