"""Duplicate clusters in the database: match new and changed ads against the stored index.

Each call handles the ads that were never clustered or whose content changed since (``dedup_ads``
keeps the content hash they were matched with), in chunks: their keys are looked up in
``dedup_keys`` (and among the chunk's earlier ads), the candidates' stored signatures are compared
by :mod:`jobcrawler.dedup.rules`, and the ad joins the cluster of its best link or starts its own.
The work and the memory are proportional to the chunk and its candidates, not to the database.
"""

from __future__ import annotations

import gc
import json
import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from itertools import islice
from typing import Any

import numpy as np
from sqlalchemy import Engine, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from jobcrawler.dedup import signature as sig
from jobcrawler.dedup.rules import (
    AdView,
    Link,
    band_keys,
    conflict,
    link,
    never_link,
    plausible,
    strong_keys,
    views,
    weak_keys,
    weak_lookup_keys,
)
from jobcrawler.storage.db import session_factory
from jobcrawler.storage.models import Cluster, DedupAd, DedupKey, Job, Run, RunSite

logger = logging.getLogger(__name__)

#: Ads matched per transaction.
CHUNK = 2000
#: At most this many ads are taken from one key (the latest): a key shared by hundreds of ads
#: (a common title in a big city) says little, and comparing them all would cost the most.
MAX_PER_KEY = 100
#: An LSH band shared by more ads than this carries no identity: boilerplate (an agency's or
#: employer's footer, equal-opportunity text, an "apply now" block) puts unrelated ads in it. Such
#: a band gives no candidates; the ad's other bands and keys still do (a copy shares several).
MAX_PER_BAND = 20
#: Candidate views kept between chunks (about 2 KB each): beyond this many the oldest go (the
#: memory of a run that clusters 50,000 new ads stays bounded; a view not kept is read again).
CACHE_LIMIT = 10_000
#: Rows per IN (...) list, under SQLite's and psycopg's parameter limits.
IN_BATCH = 5000


@dataclass
class DedupResult:
    """What one clustering pass did."""

    processed: int = 0
    copies: int = 0
    new_clusters: int = 0
    moved: int = 0
    merged: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def _isco_column() -> Any:
    """``jobs.isco_code`` when the occupation classifier's column exists, else None."""
    return Job.__table__.c.get("isco_code")


def _batches(values: list[Any], size: int = IN_BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _day(posted: Any, first_seen: datetime | None) -> Any:
    if posted is not None:
        return posted
    return first_seen.date() if first_seen is not None else None


def _closed_day(status: str | None, closed_at: datetime | None) -> Any:
    return closed_at.date() if status == "closed" and closed_at is not None else None


def _job_columns() -> list[Any]:
    columns = [Job.id, Job.source, Job.title, Job.employer, Job.agency, Job.country_code,
               Job.province_code, Job.city, Job.contract_type, Job.date_posted, Job.first_seen,
               Job.status, Job.closed_at, Job.reference, Job.url, Job.apply_url,
               Job.description_text, Job.ad_language, Job.content_hash, Job.cluster_id]
    isco = _isco_column()
    return [*columns, isco] if isco is not None else columns


def _fresh_views(rows: list[Any]) -> list[AdView]:
    """Ads' views computed from their stored fields (signatures included)."""
    with_isco = _isco_column() is not None  # the last of _job_columns() when there
    ads = views([{"job_id": row.id, "source": row.source, "title": row.title, "employer": row.employer,
                  "agency": row.agency, "country": row.country_code, "province": row.province_code,
                  "city": row.city, "contract": row.contract_type,
                  "day": _day(row.date_posted, row.first_seen),
                  "closed_day": _closed_day(row.status, row.closed_at),
                  "isco": row[-1] if with_isco else None, "reference": row.reference,
                  "urls": (row.url, row.apply_url), "text": row.description_text,
                  "language": row.ad_language} for row in rows])
    for ad, row in zip(ads, rows, strict=True):
        ad.cluster_id = row.cluster_id
    return ads


_VIEW_SQL = ("SELECT j.id, j.source, j.agency, j.ad_language, j.country_code, j.province_code, j.city, "
             "j.contract_type, j.date_posted, j.first_seen, j.status, j.closed_at, j.cluster_id, "
             "d.employer_key, d.title_key, d.reference_key, d.url_keys, d.talent_pool, d.shingles, "
             "d.stems, d.n_shingles, d.n_stems, d.numbers{isco} "
             "FROM jobs j JOIN dedup_ads d ON d.job_id = j.id WHERE j.id IN ({marks})")


def _load_views(session: Session, ids: Iterable[int]) -> dict[int, AdView]:
    """Stored views of already clustered ads (signatures from ``dedup_ads``, the rest from jobs).

    Read with the driver's cursor: SQLAlchemy's processing of each row (dates parsed from SQLite's
    text, JSON decoded through its type) cost more than building the views. The values come as
    SQLite's text and numbers or as psycopg's types: :func:`_date` and :func:`_json` take both.
    """
    from jobcrawler.dedup import keys as k

    isco = ", j.isco_code" if _isco_column() is not None else ""
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    views: dict[int, AdView] = {}
    frombuffer = np.frombuffer  # as sig.from_bytes, without a call per signature
    cursor = connection.connection.cursor()
    try:
        for batch in _batches(sorted(set(ids))):
            cursor.execute(_VIEW_SQL.format(isco=isco, marks=", ".join([mark] * len(batch))), batch)
            for row in cursor.fetchall():
                (job_id, source, agency, language, country, province, city, contract, posted,
                 first_seen, status, closed_at, cluster_id, employer, title, reference, url_keys,
                 talent_pool, shingles, stems, n_shingles, n_stems, numbers) = row[:23]
                views[job_id] = AdView(
                    id=job_id, source=source, employer=employer, agency=bool(agency), title=title,
                    talent_pool=bool(talent_pool), country=country, province=province,
                    city=k.place_key(city), contract=contract,
                    day=_date(posted) if posted is not None else _date(first_seen),
                    closed_day=_date(closed_at) if status == "closed" else None,
                    isco=row[23] if isco else None, reference=reference,
                    urls=tuple(_strings(url_keys)), shingles=frombuffer(shingles, dtype="<u4"),
                    stems=frombuffer(stems, dtype="<u4"), n_shingles=n_shingles, n_stems=n_stems,
                    numbers=frozenset(_strings(numbers)), language=language,
                    cluster_id=cluster_id)
    finally:
        cursor.close()
    return views


def _date(value: Any) -> date | None:
    """A date from SQLite's text (``"2025-12-01"``, ``"2025-12-01 02:00:00.000000"``) or a
    driver's date or datetime (its own day, as SQLAlchemy's value would give)."""
    if value is None:
        return None
    if isinstance(value, str):
        return _iso_day(value[:10])
    return value.date() if isinstance(value, datetime) else value


@lru_cache(maxsize=4096)
def _iso_day(text: str) -> date:
    """The day of an ISO date (ads share their days: parsed once)."""
    return date.fromisoformat(text)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _strings(value: Any) -> list[str]:
    """A stored JSON list of strings (``url_keys``, ``numbers``) as a list: the text json.dumps
    writes for strings without escapes (``'["a", "b"]'``) split directly, anything else decoded
    (json.loads cost more than the rest of reading a view)."""
    if isinstance(value, str) and "\\" not in value:
        if value == "[]":
            return []
        if value.startswith('["') and value.endswith('"]'):
            parts = value[2:-2].split('", "')
            if value.count('"') == 2 * len(parts):  # no other quote: json.dumps' separators
                return parts
    return _json(value) or []


def pending_ids(session: Session) -> list[int]:
    """Ads never clustered, or changed since they were, oldest first."""
    query = (select(Job.id).outerjoin(DedupAd, DedupAd.job_id == Job.id)
             .where(or_(DedupAd.job_id.is_(None), DedupAd.content_hash != Job.content_hash,
                        Job.cluster_id.is_(None)))
             .order_by(Job.first_seen, Job.id))
    return list(session.scalars(query))


def clear(session: Session) -> None:
    """Forget every cluster and the index (the ads stay)."""
    session.execute(delete(DedupKey))
    session.execute(delete(DedupAd))
    session.execute(delete(Cluster))
    session.execute(update(Job).where(Job.cluster_id.is_not(None)).values(cluster_id=None),
                    execution_options={"synchronize_session": False})


class _Matcher:
    """Clusters chunks of ads; keeps a bounded cache of candidate views between chunks."""

    def __init__(self, session: Session, result: DedupResult) -> None:
        self.session = session
        self.result = result
        self.cache: dict[int, AdView] = {}
        self.touched: set[int] = set()
        self.new_ids: list[int] = []

    def run_chunk(self, ids: list[int]) -> None:
        session = self.session
        rows = session.execute(select(*_job_columns()).where(Job.id.in_(ids)))
        by_id = {row.id: row for row in rows}
        ads = _fresh_views([by_id[i] for i in ids if i in by_id])
        old_keys = dict(session.execute(select(DedupAd.job_id, DedupAd.index_keys)
                                        .where(DedupAd.job_id.in_(ids))).all())
        known = set(old_keys)
        if known:  # changed ads: their old keys and state go
            _executemany(session, "DELETE FROM dedup_keys WHERE key = {} AND job_id = {}",
                         [(int(key), job_id) for job_id, blob in old_keys.items()
                          for key in np.frombuffer(blob, dtype="<i8")])
            session.execute(delete(DedupAd).where(DedupAd.job_id.in_(known)))
        for i in known:
            self.cache.pop(i, None)
        strong = {ad.id: strong_keys(ad) for ad in ads}
        weak = {ad.id: weak_lookup_keys(ad) for ad in ads}
        bands = {ad.id: band_keys(ad) for ad in ads}
        stored = self._lookup({key for keys in (*strong.values(), *weak.values(), *bands.values())
                               for key in keys})
        if len(self.cache) > CACHE_LIMIT:  # the oldest views go, down to half the limit
            for job_id in list(islice(self.cache, len(self.cache) - CACHE_LIMIT // 2)):
                del self.cache[job_id]
        band_set = {key for keys in bands.values() for key in keys}
        # only the ads a key can give (its latest MAX_PER_KEY, none from a crowded band)
        wanted = {j for key, ids_ in stored.items()
                  if key not in band_set or len(ids_) <= MAX_PER_BAND
                  for j in ids_[-MAX_PER_KEY:]} - self.cache.keys()
        self.cache.update(_load_views(session, wanted))
        local: dict[int, list[int]] = {}
        ad_rows, key_rows = [], []
        for ad in ads:
            strong_ids = self._candidates(strong[ad.id], stored, local, MAX_PER_KEY)
            strong_ids.discard(ad.id)
            weak_ids = self._candidates(weak[ad.id], stored, local, MAX_PER_KEY)
            usable = [b for b in bands[ad.id]
                      if len(stored.get(b, ())) + len(local.get(b, ())) <= MAX_PER_BAND]
            weak_ids |= self._candidates(usable, stored, local, MAX_PER_BAND)
            weak_ids -= strong_ids
            weak_ids.discard(ad.id)
            cache = self.cache
            candidates = [cache[c] for c in strong_ids if c in cache]
            candidates += plausible(ad, [cache[c] for c in weak_ids if c in cache])
            links = self._links(ad, candidates)
            target, found = links[0] if links else (None, None)
            self._assign(ad, target, found, was_known=ad.id in known)
            cache[ad.id] = ad
            self._merge(ad, links[1:], candidates)
            # under a crowded band it would never be found: it is not stored there
            ad_key_list = sorted({*strong[ad.id], *weak_keys(ad), *usable})
            for key in ad_key_list:
                local.setdefault(key, []).append(ad.id)
            key_rows.append((np.array(ad_key_list, dtype=np.int64), ad.id))
            ad_rows.append(_dedup_row(ad, by_id[ad.id].content_hash, target, found, ad_key_list))
        job_rows = [(ad.cluster_id, ad.id) for ad in ads]  # after merges in the chunk
        if ad_rows:  # the driver's executemany: SQLAlchemy's per-row work cost more than matching
            _insert_ads(session, ad_rows)
            _executemany(session, "INSERT INTO dedup_keys (key, job_id) VALUES ({}, {})",
                         _in_key_order(key_rows))
            _executemany(session, "UPDATE jobs SET cluster_id = {} WHERE id = {}", job_rows)
        self.result.processed += len(ads)

    @staticmethod
    def _candidates(keys: list[int], stored: dict[int, list[int]], local: dict[int, list[int]],
                    limit: int) -> set[int]:
        """The ads found under ``keys`` (stored, or earlier in the chunk): the latest ``limit`` of
        each key."""
        found: set[int] = set()
        for key in keys:
            for ids in (stored.get(key), local.get(key)):
                if ids:
                    found.update(ids if len(ids) <= limit else ids[-limit:])
        return found

    def _lookup(self, keys: set[int]) -> dict[int, list[int]]:
        """The ads stored under each of ``keys``, oldest first (one plain query per batch: the
        ORM's handling of thousands of IN parameters cost more than the query)."""
        found: dict[int, list[int]] = {}
        connection = self.session.connection()
        mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        cursor = connection.connection.cursor()
        try:
            for batch in _batches(np.sort(np.fromiter(keys, dtype=np.int64, count=len(keys))).tolist()):
                cursor.execute(f"SELECT key, job_id FROM dedup_keys WHERE key IN ({', '.join([mark] * len(batch))})"
                               " ORDER BY job_id", batch)
                for key, job_id in cursor.fetchall():
                    found.setdefault(key, []).append(job_id)
        finally:
            cursor.close()
        return found

    def _links(self, ad: AdView, candidates: list[AdView]) -> list[tuple[AdView, Link]]:
        """The best link into each cluster that holds no ad ``ad`` may never be linked with (nor,
        for a ``semantic`` link, one whose numbers all differ: :func:`conflict`), best first
        (rule, then score, then the earliest ad)."""
        links = []
        for other in candidates:
            found = link(ad, other)
            if found is not None:
                links.append(((found.rank, -found.score, other.id), other, found))
        links.sort(key=lambda item: item[0])
        best: dict[int | None, tuple[AdView, Link]] = {}
        for _order, other, found in links:
            if other.cluster_id in best:
                continue
            same_cluster = [c for c in candidates if c.cluster_id == other.cluster_id]
            forbids = conflict if found.reason == "semantic" else never_link
            if not any(forbids(ad, c) for c in same_cluster):
                best[other.cluster_id] = (other, found)
        return list(best.values())

    def _merge(self, ad: AdView, others: list[tuple[AdView, Link]], candidates: list[AdView]) -> None:
        """An ad linked into several clusters joins them (single linkage), unless an ad of one
        conflicts with an ad of the other (:func:`conflict`, among the candidates at hand)."""
        for other, _found in others:
            source = other.cluster_id
            if source is None or source == ad.cluster_id:
                continue
            mine = [c for c in candidates if c.cluster_id == ad.cluster_id]
            theirs = [c for c in candidates if c.cluster_id == source]
            if any(conflict(a, b) for a in mine for b in theirs):
                continue
            target = ad.cluster_id
            self.session.execute(update(Job).where(Job.cluster_id == source).values(cluster_id=target),
                                 execution_options={"synchronize_session": False})
            self.session.execute(delete(Cluster).where(Cluster.id == source))
            for cached in self.cache.values():
                if cached.cluster_id == source:
                    cached.cluster_id = target
            self.touched.update((source, target))
            self.result.merged += 1

    def _assign(self, ad: AdView, target: AdView | None, found: Link | None, was_known: bool) -> None:
        old = ad.cluster_id
        new = target.cluster_id if target is not None else ad.id
        # a changed ad that no longer matches its cluster leaves it (an ad never clustered has none)
        leaves = (old is not None and new != old) or (old == ad.id and target is None)
        heir = None
        if leaves and old == ad.id:  # its id names the cluster: the others take another's id
            heir = self._renumber(old, leaving=ad.id)
        ad.cluster_id = new
        if old is not None and (new != old or heir is not None):
            self.result.moved += 1
            self.touched.add(old)
        self.touched.add(new)
        if not was_known:
            self.new_ids.append(ad.id)
        if found is not None:
            self.result.reasons[found.reason] += 1
        elif old is None:
            self.result.new_clusters += 1

    def _renumber(self, cluster_id: int, leaving: int) -> int | None:
        """The ad whose id names its cluster leaves it: the cluster takes another member's id."""
        session = self.session
        heir = session.scalar(select(func.min(Job.id)).where(Job.cluster_id == cluster_id,
                                                            Job.id != leaving))
        if heir is None:
            session.execute(delete(Cluster).where(Cluster.id == cluster_id))
            return None
        session.execute(update(Job).where(Job.cluster_id == cluster_id, Job.id != leaving)
                        .values(cluster_id=heir), execution_options={"synchronize_session": False})
        session.execute(update(Cluster).where(Cluster.id == cluster_id).values(id=heir))
        for cached in self.cache.values():
            if cached.cluster_id == cluster_id and cached.id != leaving:
                cached.cluster_id = heir
        self.touched.add(heir)
        return heir


def _in_key_order(rows: list[tuple[np.ndarray, int]]) -> list[tuple[int, int]]:
    """(key, job id) rows of each ad's keys, sorted by key then job id: the index's B-tree takes
    them page by page (a third of the time of inserting them in the ads' order)."""
    if not rows:
        return []
    keys = np.concatenate([k for k, _ in rows])
    ids = np.repeat(np.array([i for _, i in rows], dtype=np.int64), [len(k) for k, _ in rows])
    order = np.lexsort((ids, keys))
    return list(zip(keys[order].tolist(), ids[order].tolist(), strict=True))


def _executemany(session: Session, sql: str, rows: list[tuple[Any, ...]]) -> None:
    """Run a plain statement (``{}`` for each parameter) for many rows with the driver's own
    executemany, in the session's transaction."""
    if not rows:
        return
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(sql.format(*[mark] * sql.count("{}")), rows)
    finally:
        cursor.close()


#: The JSON columns of ``dedup_ads`` (lists of strings).
_JSON_COLUMNS = frozenset({"url_keys", "numbers"})


def _insert_ads(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert ``dedup_ads`` rows. On SQLite with the driver's executemany, the JSON columns
    written as SQLAlchemy writes them (``json.dumps``): its per-row processing cost more than
    matching; on PostgreSQL through SQLAlchemy (its JSON binding)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        connection.execute(insert(DedupAd.__table__), rows)
        return
    columns = list(rows[0])
    dumps = json.dumps
    values = [tuple(dumps(row[c]) if c in _JSON_COLUMNS else row[c] for c in columns) for row in rows]
    sql = f"INSERT INTO dedup_ads ({', '.join(columns)}) VALUES ({', '.join(['{}'] * len(columns))})"
    _executemany(session, sql, values)


def _dedup_row(ad: AdView, content_hash: str, target: AdView | None,
               found: Link | None, keys: list[int]) -> dict[str, Any]:
    return {"job_id": ad.id, "content_hash": content_hash, "employer_key": ad.employer,
            "title_key": ad.title, "reference_key": ad.reference, "url_keys": list(ad.urls),
            "talent_pool": ad.talent_pool, "shingles": sig.to_bytes(ad.shingles),
            "stems": sig.to_bytes(ad.stems), "n_shingles": ad.n_shingles, "n_stems": ad.n_stems,
            "numbers": sorted(ad.numbers),
            "linked_job_id": target.id if target is not None else None,
            "link_reason": found.reason if found is not None else None,
            "link_score": round(found.score, 4) if found is not None else None,
            "index_keys": np.array(keys, dtype="<i8").tobytes()}


def refresh_clusters(session: Session, cluster_ids: set[int] | None = None) -> int:
    """Recompute size, open ads, first/last seen and canonical ad of clusters (all when None).

    The canonical ad is the employer's own posting (an ad no agency posted) when there is one,
    else the earliest. Clusters left without ads are deleted. Returns the clusters written.
    """
    query = (select(Job.id, Job.cluster_id, Job.agency, Job.first_seen, Job.last_seen, Job.status)
             .where(Job.cluster_id.is_not(None)).order_by(Job.cluster_id, Job.first_seen, Job.id))
    targets = sorted(cluster_ids) if cluster_ids is not None else [None]
    written = 0
    for batch in (_batches(targets) if cluster_ids is not None else [None]):
        rows = session.execute(query.where(Job.cluster_id.in_(batch)) if batch else query)
        if batch:
            session.execute(delete(Cluster).where(Cluster.id.in_(batch)))
        else:
            session.execute(delete(Cluster))
        out = [_cluster_row(cid, members) for cid, members in _grouped(rows)]
        for part in _batches(out):
            session.connection().execute(insert(Cluster.__table__), part)
        written += len(out)
    return written


def _grouped(rows: Iterable[Any]) -> Iterator[tuple[int, list[Any]]]:
    current: int | None = None
    members: list[Any] = []
    for row in rows:
        if row.cluster_id != current:
            if members:
                yield current, members  # type: ignore[misc]
            current, members = row.cluster_id, []
        members.append(row)
    if members:
        yield current, members  # type: ignore[misc]


def _cluster_row(cluster_id: int, members: list[Any]) -> dict[str, Any]:
    own = [m for m in members if not m.agency]
    canonical = (own or members)[0]  # members come ordered by first seen, then id
    return {"id": cluster_id, "canonical_job_id": canonical.id, "size": len(members),
            "open_ads": sum(1 for m in members if m.status == "open"),
            "first_seen": min(m.first_seen for m in members),
            "last_seen": max(m.last_seen for m in members)}


@contextmanager
def _young_collections_only() -> Iterator[None]:
    """Python's automatic collections off while ads are matched, back as they were after.

    Matching allocates millions of small objects while thousands of cached views live: the
    automatic collector went through them all ~90 times in a rebuild of 100,000 ads (15 of its
    ~85 s of CPU). Views hold no reference cycles (dropped ones are freed at once); the cycles
    of each chunk (the session's) are collected after it (:func:`_collect_chunk`).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _collect_chunk() -> None:
    """Collect what the last chunk left (the young generations: what it allocated and kept)."""
    gc.collect(1)


def cluster_ads(engine: Engine, rebuild: bool = False, run_id: int | None = None,
                chunk_size: int = CHUNK) -> DedupResult:
    """Cluster the ads not yet clustered or changed since (all of them with ``rebuild``).

    With ``run_id``, the run's record gets the number of its new ads that were copies.
    """
    started = time.perf_counter()
    result = DedupResult()
    factory = session_factory(engine)
    with factory.begin() as session:
        if rebuild:
            clear(session)
        ids = pending_ids(session)
    matcher = None
    with _young_collections_only():
        for chunk in _batches(ids, chunk_size):
            with factory.begin() as session:
                if matcher is None:
                    matcher = _Matcher(session, result)
                matcher.session = session
                matcher.run_chunk(chunk)
            _collect_chunk()
    with factory.begin() as session:
        touched = matcher.touched if matcher is not None else set()
        if rebuild:
            refresh_clusters(session)
        else:
            touched |= _clusters_seen_since(session, run_id)
            refresh_clusters(session, touched)
        result.copies = count_copies(session, matcher.new_ids if matcher is not None else [])
        if run_id is not None:
            record_copies(session, run_id)
    result.seconds = time.perf_counter() - started
    logger.info("Clustered %d ad(s): %d copies, %d new clusters, %d moved in %.1fs (%s)",
                result.processed, result.copies, result.new_clusters, result.moved, result.seconds,
                dict(result.reasons))
    return result


def _clusters_seen_since(session: Session, run_id: int | None) -> set[int]:
    """Clusters whose ads a run saw or closed (their last seen and open counts moved); without a
    run, clusters with an ad seen after the cluster's last seen or closed since (one query)."""
    if run_id is None:
        stale = or_(Job.last_seen > Cluster.last_seen,
                    (Job.status == "closed") & (Job.closed_at >= Cluster.last_seen))
        query = select(Job.cluster_id).join(Cluster, Cluster.id == Job.cluster_id).where(stale).distinct()
        return set(session.scalars(query))
    started = session.scalar(select(Run.started_at).where(Run.id == run_id))
    condition = Job.last_run_id == run_id
    if started is not None:
        condition = or_(condition, Job.closed_at >= started)
    query = select(Job.cluster_id).where(condition, Job.cluster_id.is_not(None)).distinct()
    return set(session.scalars(query))


def _is_copy() -> Any:
    """An ad is a copy when its cluster holds an ad stored before it (a smaller id)."""
    earlier = aliased(Job)
    return (select(earlier.id).where(earlier.cluster_id == Job.cluster_id, earlier.id < Job.id)
            .exists())


def count_copies(session: Session, job_ids: list[int]) -> int:
    """How many of ``job_ids`` are copies (see :func:`_is_copy`)."""
    return sum(session.scalar(select(func.count()).select_from(Job)
                              .where(Job.id.in_(batch), _is_copy())) or 0
               for batch in _batches(job_ids))


def record_copies(session: Session, run_id: int) -> int:
    """Write on the run and its sites how many of the run's new ads were copies: ads whose
    cluster holds an ad stored before them (by this run or an earlier one)."""
    query = (select(Job.source, func.count())
             .where(Job.first_run_id == run_id, _is_copy()).group_by(Job.source))
    per_source = dict(session.execute(query).all())
    session.execute(update(Run).where(Run.id == run_id).values(new_copies=sum(per_source.values())),
                    execution_options={"synchronize_session": False})
    for source, count in per_source.items():
        session.execute(update(RunSite).where(RunSite.run_id == run_id, RunSite.source == source)
                        .values(new_copies=count), execution_options={"synchronize_session": False})
    return sum(per_source.values())
