"""Vivid Resourcing, an IT recruitment agency: its own site, listing -> job pages.

The consultants write "Job Title:", "Industry:", "Location:", "Contract type:", "Start date:",
"Length:" lines inside the ad body; the end client (the employer) is not named.
"""

from __future__ import annotations

from typing import Any

from jobcrawler.spiders.listing import ListingSpider


class VividResourcingSpider(ListingSpider):
    """Vivid Resourcing's job listing and job pages."""

    name = "vivid"
    default_base_url = "https://www.vividresourcing.com"
    listing_path = "/jobs/"
    job_link_css = "a.job-result__link::attr(href)"
    next_page_css = "a.pagination__next::attr(href)"
    description_css = "div.job-description"

    def __init__(self, *args: Any, agency: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, agency=agency or "Vivid Resourcing", **kwargs)
