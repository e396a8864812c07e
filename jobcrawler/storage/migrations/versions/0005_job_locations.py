"""job_locations: one row per ad and location, filled from the stored ads

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 13:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    op.create_table('job_locations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('city', sa.String(length=255), nullable=True),
    sa.Column('municipality', sa.String(length=255), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('province_code', sa.String(length=6), nullable=True),
    sa.Column('region_code', sa.String(length=6), nullable=True),
    sa.Column('country_code', sa.String(length=2), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_job_locations_job_id_jobs'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_locations')),
    sa.UniqueConstraint('job_id', 'position', name=op.f('uq_job_locations_job_id'))
    )
    _fill()


def _fill() -> None:
    """Rows for the ads already stored, from their ``locations`` JSON (read in id order)."""
    bind = op.get_bind()
    jobs = sa.table('jobs', sa.column('id', sa.Integer), sa.column('locations', sa.JSON))
    target = sa.table('job_locations', *(sa.column(c) for c in ('job_id', 'position', *FIELDS)))
    last = 0
    while True:
        rows = bind.execute(sa.select(jobs.c.id, jobs.c.locations).where(jobs.c.id > last)
                            .order_by(jobs.c.id).limit(BATCH)).all()
        if not rows:
            break
        values = [v for job_id, locations in rows for v in location_rows(job_id, locations)]
        if values:
            bind.execute(target.insert(), values)
        last = rows[-1][0]


def location_rows(job_id: int, locations: object) -> list[dict]:
    """As ``jobcrawler.storage.upsert.location_rows`` today (copied: a migration stays as written)."""
    if not isinstance(locations, list):
        return []
    return [{"job_id": job_id, "position": i,
             **{k: loc[k][:LENGTHS[k]] if isinstance(loc.get(k), str) else None for k in FIELDS}}
            for i, loc in enumerate(x for x in locations if isinstance(x, dict))]


LENGTHS = {'city': 255, 'municipality': 255, 'postcode': 10, 'province_code': 6, 'region_code': 6,
           'country_code': 2}
FIELDS = tuple(LENGTHS)


def downgrade() -> None:
    op.drop_table('job_locations')
