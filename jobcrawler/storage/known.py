"""What a site's crawl already knows: its stored open ads, for incremental re-crawls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select, update

from jobcrawler.storage.db import session_factory
from jobcrawler.storage.models import Job


@dataclass(frozen=True, slots=True)
class KnownAd:
    """A stored open ad: its id, and when its page was last really fetched (UTC)."""

    source_id: str
    fetched_at: datetime | None


def known_ads(engine: Engine, source: str) -> dict[str, KnownAd]:
    """The open ads of ``source``, keyed by URL and by source id."""
    known: dict[str, KnownAd] = {}
    with session_factory(engine)() as session:
        rows = session.execute(select(Job.source_id, Job.url, Job.raw)
                               .where(Job.source == source, Job.status == "open"))
        for source_id, url, raw in rows:
            ad = KnownAd(source_id, _when((raw or {}).get("crawled_at")))
            known[url] = ad
            known[f"id:{source_id}"] = ad
    return known


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def fresh(ad: KnownAd, changed_at: datetime | None, now: datetime, refresh_days: float) -> bool:
    """True when ``ad`` need not be fetched again: fetched after the site's last change of it
    (``changed_at``; None = the site says nothing) and within ``refresh_days``."""
    if ad.fetched_at is None or now - ad.fetched_at > timedelta(days=refresh_days):
        return False
    return changed_at is not None and changed_at <= ad.fetched_at


def touch_seen(engine: Engine, source: str, source_ids: list[str], run_id: int | None,
               now: datetime) -> int:
    """Record that these ads were seen (listed, unchanged) by this run; the number touched."""
    if not source_ids:
        return 0
    with session_factory(engine).begin() as session:
        result = session.execute(
            update(Job)
            .where(Job.source == source, Job.source_id.in_(source_ids))
            .values(last_seen=now, last_run_id=run_id, status="open", closed_at=None))
        return result.rowcount or 0
