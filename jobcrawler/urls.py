"""One canonical form of an ad's URL, for everything that tells ads apart by their URL.

Careers sites and agencies link the same ad page with parts that change between visits: campaign
tracking (``?utm_source=...``, ``gclid``, ``fbclid``), a session id (``;jsessionid=...``,
``PHPSESSID``, ``sid``) and fragments. :func:`ad_url` takes those off, and nothing else, so that
the same ad gets the same identity every night: the listing key of the lifecycle
(:meth:`jobcrawler.spiders.base.JobSpider.ad_meta`, :func:`jobcrawler.storage.lifecycle.known_ads`),
the id of a posting that names none (``JsonLdSpider.id_from_url``), the URL keys of duplicate
detection (:func:`jobcrawler.dedup.keys.url_key`), and the URL an ad page is requested at (so
Scrapy's own request fingerprints, which ignore fragments and the order of the query, see one page).

A URL without such parts is returned as it is, byte for byte, so that ids stored before this form
existed do not change. Parameters that name the ad (``?id=123``, ``?jobId=``, ``?vacancy=``,
``?gh_jid=``) stay, in their order and spelling. Ambiguous names (``ref``, ``source``, ``src``,
``from``) stay too: some sites number their ads with them, and merging two ads is worse than
seeing one twice. This is why w3lib's ``canonicalize_url`` (which sorts and re-encodes the query)
is not the identity: it would change stored ids; its ``url_query_cleaner`` does the removal.

This module imports nothing from jobcrawler: every layer may use it.
"""

from __future__ import annotations

import re

from w3lib.url import url_query_cleaner

#: Query parameters of campaign and click tracking (names compared in lower case).
TRACKING_PARAMETERS: frozenset[str] = frozenset({
    "gclid", "gclsrc", "dclid", "gbraid", "wbraid",  # Google Ads
    "_ga", "_gl",  # Google Analytics cross-domain
    "fbclid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id", "igshid",  # social, Bing, Yandex
    "mc_cid", "mc_eid",  # Mailchimp
    "_hsenc", "_hsmi", "hsctatracking",  # HubSpot
    "mkt_tok",  # Marketo
    "pk_campaign", "pk_kwd", "pk_source", "pk_medium", "pk_content",  # Matomo
    "mtm_campaign", "mtm_kwd", "mtm_source", "mtm_medium", "mtm_content",
    "trk", "trackingid",  # LinkedIn job links
})
#: Prefixes of tracking parameters: every ``utm_*`` (Google's campaign parameters).
TRACKING_PREFIXES: tuple[str, ...] = ("utm_",)
#: Session ids, as query parameters or as a path parameter (``/job/12;jsessionid=ABC``).
#: ``sid`` is a session id on the sites that use it; a site that numbered its ads with ``?sid=``
#: would see them merged (none of ours does).
SESSION_PARAMETERS: frozenset[str] = frozenset({
    "jsessionid", "phpsessid", "sid", "sessionid", "session_id", "cfid", "cftoken",
})

_PATH_SESSION = re.compile(
    r";(?:" + "|".join(sorted(SESSION_PARAMETERS)) + r")=[^;/?#]*", re.IGNORECASE)


def volatile_parameter(name: str) -> bool:
    """True for a query parameter that changes between visits rather than naming the page."""
    name = name.lower()
    return (name in TRACKING_PARAMETERS or name in SESSION_PARAMETERS
            or name.startswith(TRACKING_PREFIXES))


def ad_url(url: str) -> str:
    """``url`` without its tracking and session parameters and its fragment; otherwise unchanged.

    >>> ad_url("https://jobs.example.be/job/12?utm_source=indeed&id=7#apply")
    'https://jobs.example.be/job/12?id=7'
    >>> ad_url("https://jobs.example.be/job/12;jsessionid=0A1B?lang=nl")
    'https://jobs.example.be/job/12?lang=nl'
    """
    base, hash_, _fragment = url.partition("#")
    path, question, query = base.partition("?")
    clean_path = _PATH_SESSION.sub("", path) if ";" in path else path
    names = [part.partition("=")[0] for part in query.split("&")] if query else []
    dropped = [name for name in names if volatile_parameter(name)]
    if not dropped:
        if clean_path == path and not hash_:
            return url
        return clean_path + question + query
    cleaned = url_query_cleaner(base, dropped, remove=True, unique=False)
    return clean_path + cleaned[len(path):]
