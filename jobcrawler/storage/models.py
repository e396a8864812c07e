"""The database tables: ads (``jobs``), their change history, and the runs that saw them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class RunCounts:
    """What a run (or one site's crawl in it) did: the figures of the summary table."""

    requests: Mapped[int] = mapped_column(Integer, default=0)
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    #: new ads that joined a cluster another ad started (copies of a known vacancy)
    new_copies: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Run(RunCounts, Base):
    """One ``jobcrawler crawl`` / ``replay`` (or one plain ``scrapy crawl``)."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    command: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), index=True)  # running ok failed interrupted
    sites: Mapped[list[Any]] = mapped_column(JSON, default=list)
    pid: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(Text)


class RunSite(RunCounts, Base):
    """One site's crawl within a run, with its stats and health verdict."""

    __tablename__ = "run_sites"
    __table_args__ = (UniqueConstraint("run_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(100), index=True)
    spider: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))  # running ok failed interrupted
    clean: Mapped[bool] = mapped_column(Boolean, default=False)
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    problems: Mapped[list[Any]] = mapped_column(JSON, default=list)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Job(Base):
    """One ad, keyed by (source, source_id): normalised columns, raw values, lifecycle."""

    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("source", "source_id", name="uq_jobs_source_source_id"),
        Index("ix_jobs_status_country", "status", "country_code"),
        Index("ix_jobs_status_province", "status", "province_code"),
        Index("ix_jobs_status_contract", "status", "contract_type"),
        Index("ix_jobs_status_date_posted", "status", "date_posted"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(100))
    source_id: Mapped[str] = mapped_column(String(255))
    url: Mapped[str] = mapped_column(Text)
    apply_url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    employer: Mapped[str | None] = mapped_column(String(255))
    agency: Mapped[str | None] = mapped_column(String(255))
    industry: Mapped[str | None] = mapped_column(String(255))
    reference: Mapped[str | None] = mapped_column(String(255))

    date_posted: Mapped[date | None] = mapped_column(Date)
    valid_through: Mapped[date | None] = mapped_column(Date)
    start_date: Mapped[date | None] = mapped_column(Date)
    start_asap: Mapped[bool | None] = mapped_column(Boolean)
    locations: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # the first location, flattened for indexes and simple queries
    country_code: Mapped[str | None] = mapped_column(String(2))
    province_code: Mapped[str | None] = mapped_column(String(6))
    region_code: Mapped[str | None] = mapped_column(String(6))
    city: Mapped[str | None] = mapped_column(String(255))
    contract_type: Mapped[str | None] = mapped_column(String(20))
    duration_months: Mapped[int | None] = mapped_column(Integer)
    duration_open_ended: Mapped[bool | None] = mapped_column(Boolean)
    working_time: Mapped[str | None] = mapped_column(String(10))
    hours_per_week: Mapped[float | None] = mapped_column(Float)
    remote: Mapped[str | None] = mapped_column(String(10))
    languages_required: Mapped[list[Any]] = mapped_column(JSON, default=list)
    ad_language: Mapped[str | None] = mapped_column(String(2))
    salary_min: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    salary_max: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    salary_currency: Mapped[str | None] = mapped_column(String(3))
    salary_period: Mapped[str | None] = mapped_column(String(5))
    salary_raw: Mapped[str | None] = mapped_column(Text)
    experience_years_min: Mapped[int | None] = mapped_column(Integer)
    # ISCO-08 unit group and ESCO occupation of the title (normalize.occupation); None when unsure
    isco_code: Mapped[str | None] = mapped_column(String(4), index=True)
    esco_uri: Mapped[str | None] = mapped_column(String(100))
    occupation_label: Mapped[str | None] = mapped_column(String(255))
    description_text: Mapped[str | None] = mapped_column(Text)
    description_html: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(40))

    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_changed: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(6), default="open")  # open closed
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    times_reopened: Mapped[int] = mapped_column(Integer, default=0)
    first_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"),
                                                    index=True)
    #: the duplicate cluster (``clusters.id``, kept by jobcrawler.dedup; no foreign key, so adding
    #: the column never rebuilds the table on SQLite); None until the ad has been clustered
    cluster_id: Mapped[int | None] = mapped_column(Integer, index=True)


class JobChange(Base):
    """The previous values of an ad's fields each time its content changed."""

    __tablename__ = "job_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(16))  # crawl renormalize
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    """field -> [old value, new value]"""


class Cluster(Base):
    """One vacancy: the ads that are copies of each other (jobcrawler.dedup).

    The id is the id of one of its ads (the first one); ``canonical_job_id`` is the employer's own
    posting when there is one, else the earliest ad. Ads are never deleted or merged away.
    """

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    canonical_job_id: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer, default=1)
    open_ads: Mapped[int] = mapped_column(Integer, default=0)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DedupAd(Base):
    """An ad's matching state: the content it was clustered with, its signatures and its link."""

    __tablename__ = "dedup_ads"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(40))
    employer_key: Mapped[str | None] = mapped_column(String(255))
    title_key: Mapped[str] = mapped_column(Text)
    reference_key: Mapped[str | None] = mapped_column(String(255))
    url_keys: Mapped[list[Any]] = mapped_column(JSON, default=list)
    talent_pool: Mapped[bool] = mapped_column(Boolean, default=False)
    shingles: Mapped[bytes] = mapped_column(LargeBinary)
    stems: Mapped[bytes] = mapped_column(LargeBinary)
    n_shingles: Mapped[int] = mapped_column(Integer)
    n_stems: Mapped[int] = mapped_column(Integer)
    numbers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: the ad's keys in ``dedup_keys`` (int64 array), to remove exactly those when it changes
    index_keys: Mapped[bytes] = mapped_column(LargeBinary)
    #: the ad this one was found to copy, and by which rule (None for the first ad of a cluster)
    linked_job_id: Mapped[int | None] = mapped_column(Integer)
    link_reason: Mapped[str | None] = mapped_column(String(16))
    link_score: Mapped[float | None] = mapped_column(Float)


class DedupKey(Base):
    """The matching index: an ad under each of its keys (reference, URL, title+place, LSH bands).

    Only the primary key is indexed (a clustered table without rowid on SQLite): an ad's rows are
    removed by their keys (``dedup_ads.index_keys``), which is why there is no foreign key either.
    """

    __tablename__ = "dedup_keys"
    __table_args__ = {"sqlite_with_rowid": False}

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    job_id: Mapped[int] = mapped_column(Integer, primary_key=True)
class JobLocation(Base):
    """One of an ad's locations (``jobs.locations`` as rows), so every place an ad names counts:
    "Gent, Antwerpen" is two rows. Kept in step with ``jobs.locations`` by the upsert."""

    __tablename__ = "job_locations"
    __table_args__ = (UniqueConstraint("job_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # one index only, (job_id, position) of the unique constraint: it serves the joins and the
    # per-ad look-ups of the filters, and every extra index slowed the storing of new ads
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    """0 for the ad's first location (the one flattened into ``jobs``), then 1, 2..."""
    city: Mapped[str | None] = mapped_column(String(255))
    municipality: Mapped[str | None] = mapped_column(String(255))
    postcode: Mapped[str | None] = mapped_column(String(10))
    province_code: Mapped[str | None] = mapped_column(String(6))
    region_code: Mapped[str | None] = mapped_column(String(6))
    country_code: Mapped[str | None] = mapped_column(String(2))
