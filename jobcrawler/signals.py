"""jobcrawler's own Scrapy signals (sent with ``crawler.signals.send_catch_log``), and the request
meta key spiders share with the middlewares and the lifecycle extension."""

#: A request failed for good (download error, refused, HTTP error status after retries):
#: ``page_failed(request, failure)``. Sent by the spiders' shared errback
#: (:meth:`jobcrawler.spiders.base.JobSpider.page_failed`); the lifecycle extension counts it and
#: keeps the ad open, or marks the listing incomplete.
page_failed = object()

#: Request meta naming the ad a request fetches: ``{"key": URL or "id:<source_id>",
#: "changed_at": ISO time or None, "assume_unchanged": bool}`` (``JobSpider.ad_meta``).
AD_META = "jobcrawler_ad"
