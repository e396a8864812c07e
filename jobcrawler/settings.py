"""Scrapy settings for jobcrawler.

Grouped as in Scrapy's own ``default_settings.py``: enabling flags first, each documented.
Everything here can be overridden per run with ``-s NAME=VALUE`` or by the ``jobcrawler`` command.
"""

import os

BOT_NAME = "jobcrawler"
SPIDER_MODULES = ["jobcrawler.spiders"]
NEWSPIDER_MODULE = "jobcrawler.spiders"
# scrapy parse URL: the URL's site is the spider's base_url unless -a says otherwise.
COMMANDS_MODULE = "jobcrawler.commands"

# --- jobcrawler --------------------------------------------------------------------------------
# Database URL; None means $JOBCRAWLER_DB_URL, then a SQLite file jobcrawler.db in the working folder.
JOBCRAWLER_DB_URL = None
# The site registry; None means $JOBCRAWLER_SITES, then sites.toml in the working folder.
JOBCRAWLER_SITES = None
# The spider arguments are the site's whole registry table, so -a site=NAME reads no registry
# (set on the Scrapyd jobs of jobcrawler crawl --scrapyd: their nodes have no registry file).
JOBCRAWLER_SITE_FROM_ARGS = False
# Items are written to the database in batches of this size (one statement per batch).
JOBCRAWLER_STORE_BATCH_SIZE = 500
# ...or every this many seconds, whichever comes first (a killed crawl loses at most that much).
JOBCRAWLER_STORE_FLUSH_SECONDS = 30
# Where items go that could not be written (database down): one JSON Lines file per run
# ($JOBCRAWLER_SPOOL_DIR, else spool/ in the working folder; created when needed).
JOBCRAWLER_SPOOL_DIR = os.environ.get("JOBCRAWLER_SPOOL_DIR") or "spool"
# A clean run that saw fewer ads than this share of the last clean run of the same site closes none.
JOBCRAWLER_CLOSE_MIN_RATIO = 0.5
# A listed ad page that failed and matches no stored ad (a new ad, or a stored one listed under
# another URL) keeps the site from closing its unlisted ads that night, unless it failed so in each
# of the site's last this many healthy crawls: then it is a persistent failure (logged, counted,
# noted in the summary) and no longer holds closing back. 0: such a page always holds closing back.
JOBCRAWLER_PERSISTENT_FAILURE_RUNS = 3
# Health checks (jobcrawler/monitors.py): a crawl that drops more than this share of its ads...
JOBCRAWLER_MAX_DROP_RATIO = 0.2
# ...or could not fetch or store more than this share of the ads its listing named (403, 5xx after
# retries, too large, a bug: those ads stay open in any case)...
JOBCRAWLER_MAX_FAILED_SHARE = 0.2
# ...or has a field it always had (>= 90% of ads last time) in fewer than this share of ads now,
# is not clean: its site is reported failed and closes no ads.
JOBCRAWLER_FIELD_MIN_SHARE = 0.5
# Replay: serve responses from fixtures/<site>/ through the HTTP cache, never the network.
JOBCRAWLER_REPLAY = False
# Record: fetch live and save every response as a fixture under JOBCRAWLER_FIXTURES_DIR.
JOBCRAWLER_RECORD = False
# The fixture folder: $JOBCRAWLER_FIXTURES_DIR, else fixtures/ in the working folder.
JOBCRAWLER_FIXTURES_DIR = os.environ.get("JOBCRAWLER_FIXTURES_DIR") or "fixtures"
# Incremental re-crawl: a known ad the site says is unchanged (sitemap lastmod, posting date) is
# not fetched again, only recorded as seen; every ad is fetched again after this many days anyway.
JOBCRAWLER_INCREMENTAL = True
JOBCRAWLER_FULL_REFRESH_DAYS = 7
# jobcrawler crawl/replay crawl at most this many sites at a time in one process, the next starting
# as one ends (memory stays flat however long the registry); 0 means 8 per CPU. Per-site politeness
# (delays, CONCURRENT_REQUESTS_PER_DOMAIN) is the same whatever this number.
JOBCRAWLER_SITES_AT_ONCE = 0
# jobcrawler crawl --scrapyd URL,...: each site is a Scrapyd job (jobcrawler/ops/scrapyd.py). The
# coordinator reads the nodes' jobs every so many seconds, keeps at most this many jobs waiting on a
# node, counts a node dead after this many failed reads in a row, and cancels a job that runs longer
# than this many seconds; the sites of a dead node or a cancelled job are crawled once more elsewhere.
JOBCRAWLER_SCRAPYD_POLL_SECONDS = 5.0
JOBCRAWLER_SCRAPYD_QUEUE = 2
JOBCRAWLER_SCRAPYD_NODE_FAILURES = 3
JOBCRAWLER_SCRAPYD_JOB_TIMEOUT = 6 * 3600
# jobcrawler crawl/replay keep each site's pending requests on disk (a temporary JOBDIR per
# site and run) instead of in memory.
JOBCRAWLER_DISK_QUEUE = True
# Duplicate clusters: at the end of a crawl/replay run, cluster its new and changed ads
# (jobcrawler.dedup; `jobcrawler dedup` does the same by hand).
JOBCRAWLER_DEDUP = True
# ...and before that clustering, once every site has ended, give back the normalisers' data
# (language model, gazetteers, occupation tables: ~210 MB after a big crawl; jobcrawler.normalize.memory)
# when the run stored at least this many new or changed ads: the clustering reuses that memory
# instead of adding to the crawl's peak. A smaller run keeps it (clustering it costs a few MB; the
# data takes ~2 s to load again if normalising resumes in the process). 0: always; a number above
# any run's ads: never.
JOBCRAWLER_RELEASE_CACHES_AT = 2000
# Alerts (jobcrawler/ops/notify.py): apprise URLs that get the summary of a run that is not clean
# (a site failed, nothing could run), e.g. ["mailto://user:pass@example.org", "slack://T/B/C"];
# empty means $JOBCRAWLER_NOTIFY (URLs separated by spaces). Also sent after clean runs when
# JOBCRAWLER_NOTIFY_ALWAYS (or $JOBCRAWLER_NOTIFY_ALWAYS=1) is on.
JOBCRAWLER_NOTIFY = []
JOBCRAWLER_NOTIFY_ALWAYS = False
# Contact shown in the User-Agent so site owners can reach the operator.
JOBCRAWLER_CONTACT = "https://github.com/jobcrawler/jobcrawler"

# An ad's way after its spider (jobcrawler/pipelines.py): extraction finished (what the description's
# "Label: value" lines state and the structured data lacks; an agency naming itself as the employer
# dropped), then the identity checked, the raw values normalised, the site's countries kept, stored.
ITEM_PIPELINES = {
    "jobcrawler.pipelines.ExtractPipeline": 50,
    "jobcrawler.pipelines.ValidatePipeline": 100,
    "jobcrawler.pipelines.NormalizePipeline": 300,
    "jobcrawler.pipelines.ScopePipeline": 400,
    "jobcrawler.pipelines.StorePipeline": 800,
}

ADDONS = {
    "jobcrawler.addons.UserAgentAddon": 0,
    "jobcrawler.addons.BudgetAddon": 5,
    "jobcrawler.replay.ReplayAddon": 10,
    "jobcrawler.feeds.FeedAddon": 20,  # feeds (-o/-O) never get the stubs of unchanged ads
}

EXTENSIONS = {
    # the one owner of a site's crawl: run record, known ads, closing rule (jobcrawler/extensions.py)
    "jobcrawler.extensions.SiteLifecycle": 500,
    "jobcrawler.ops.progress.ProgressExtension": 510,
}
# A progress line per site every so many seconds (jobcrawler crawl turns it on on a terminal).
JOBCRAWLER_PROGRESS = False
JOBCRAWLER_PROGRESS_INTERVAL = 10

SPIDER_MIDDLEWARES = {
    # listed ads for the lifecycle, incremental skipping, the shared errback (after depth, 900)
    "jobcrawler.middlewares.IncrementalMiddleware": 950,
}

# --- Budgets per site -----------------------------------------------------------------------------
# A site's crawl ends after this many pages or seconds (0: no limit), is reported failed and closes
# nothing (jobcrawler.addons.BudgetAddon sets Scrapy's CLOSESPIDER_PAGECOUNT / _TIMEOUT from them).
# The defaults let a nightly cron finish before the next night: raise them per run with -s.
JOBCRAWLER_SITE_MAX_PAGES = 100_000
JOBCRAWLER_SITE_MAX_SECONDS = 4 * 3600
# Sitemap indexes are followed this many levels deep; a deeper one is reported and not followed.
JOBCRAWLER_SITEMAP_MAX_DEPTH = 3

# --- One crawl per site at a time ------------------------------------------------------------------
# A site's crawl takes the site's lock (jobcrawler.storage.lock); when another process holds it, wait
# this many seconds for it (jobcrawler crawl --wait), then report the site as locked.
JOBCRAWLER_LOCK_WAIT = 0
# How often a PostgreSQL lock's connection is checked (a lost connection loses the lock: it is taken
# again, or the crawl stops as lock_lost); 0 checks only before closing anything.
JOBCRAWLER_LOCK_CHECK_SECONDS = 60

# --- Politeness ----------------------------------------------------------------------------------
# USER_AGENT is "jobcrawler/VERSION (+JOBCRAWLER_CONTACT)" (jobcrawler.addons.UserAgentAddon)
# unless set here or with -s USER_AGENT=...
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
COOKIES_ENABLED = False
# No control endpoints into a running crawl: neither telnet nor Scrapy's remote control.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- Robustness ----------------------------------------------------------------------------------
RETRY_ENABLED = True
# Scrapy's HTTP/1.1 handler, with a close that cannot fire its Deferred twice (a CRITICAL
# AlreadyCalledError traceback per site when many sites close on a busy event loop).
DOWNLOAD_HANDLERS = {
    "http": "jobcrawler.downloadhandlers.HTTP11DownloadHandler",
    "https": "jobcrawler.downloadhandlers.HTTP11DownloadHandler",
}
# Scrapy's retry middleware, replaced by one that honours Retry-After on 429 and 503.
DOWNLOADER_MIDDLEWARES = {
    "jobcrawler.middlewares.DownloadErrorMiddleware": 40,
    "jobcrawler.middlewares.SafeUrlMiddleware": 45,  # before offsite (50): refused, counted
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "jobcrawler.middlewares.RetryAfterMiddleware": 550,
}
# Fetch private/loopback hosts other than the site's own configured host (off: a page cannot
# send the crawler to the local network).
JOBCRAWLER_ALLOW_PRIVATE_HOSTS = False
# Resolve every other host and refuse it when any of its addresses is private (off in replay): an
# early refusal, counted as jobcrawler/refused/private_host, before any retry or connection.
JOBCRAWLER_RESOLVE_HOSTS = True
# The resolver Scrapy connects with: Scrapy's cached threaded one, refusing a private address for
# any name that is not a running crawler's configured site host (all names with
# JOBCRAWLER_ALLOW_PRIVATE_HOSTS). It checks the address actually connected to, so a DNS server
# answering the check above with a public address and the connection with 127.0.0.1 (DNS
# rebinding) gets nowhere: the page fails as a DNS lookup error, is not retried, and is counted as
# jobcrawler/refused/private_address. CrawlerProcess installs it (jobcrawler crawl, scrapy crawl,
# Scrapyd jobs); jobcrawler.ops.runner.run_sites_async installs it on a running reactor.
TWISTED_DNS_RESOLVER = "jobcrawler.resolver.SafeResolver"
RETRY_AFTER_MAX = 120
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
# Links followed from a start page: a listing or API cut by this depth is reported and closes
# nothing (Workday's 2000-ad cap is 100 pages of 20; the site budgets above bound the rest).
DEPTH_LIMIT = 200

# --- Misc ----------------------------------------------------------------------------------------
FEED_EXPORT_ENCODING = "utf-8"
# scrapy crawl SPIDER -O ads.jsonl / ads.csv / ads.json writes the export schema (jobcrawler.feeds).
FEED_EXPORTERS = {
    "jsonl": "jobcrawler.feeds.AdJsonLinesExporter",
    "jsonlines": "jobcrawler.feeds.AdJsonLinesExporter",
    "json": "jobcrawler.feeds.AdJsonExporter",
    "csv": "jobcrawler.feeds.AdCsvExporter",
}
LOG_LEVEL = "INFO"
# Dropped items are logged with their reason at INFO, without the whole item.
LOG_FORMATTER = "jobcrawler.logformatter.JobLogFormatter"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
