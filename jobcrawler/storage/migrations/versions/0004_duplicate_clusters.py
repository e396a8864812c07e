"""Duplicate clusters: jobs.cluster_id, the clusters table, the matching index, copies per run

Every ad points at the cluster of its copies (jobcrawler.dedup); ``dedup_ads`` keeps what an ad was
matched with (signatures, link reason) and ``dedup_keys`` the index that finds candidates, so each
run matches only its new and changed ads. Filled by ``jobcrawler dedup`` (``--rebuild`` for
databases made before this revision).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 13:26:33
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('clusters',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('canonical_job_id', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('open_ads', sa.Integer(), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clusters'))
    )
    op.create_table('dedup_ads',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=40), nullable=False),
    sa.Column('employer_key', sa.String(length=255), nullable=True),
    sa.Column('title_key', sa.Text(), nullable=False),
    sa.Column('reference_key', sa.String(length=255), nullable=True),
    sa.Column('url_keys', sa.JSON(), nullable=False),
    sa.Column('talent_pool', sa.Boolean(), nullable=False),
    sa.Column('shingles', sa.LargeBinary(), nullable=False),
    sa.Column('stems', sa.LargeBinary(), nullable=False),
    sa.Column('n_shingles', sa.Integer(), nullable=False),
    sa.Column('n_stems', sa.Integer(), nullable=False),
    sa.Column('numbers', sa.JSON(), nullable=False),
    sa.Column('linked_job_id', sa.Integer(), nullable=True),
    sa.Column('link_reason', sa.String(length=16), nullable=True),
    sa.Column('link_score', sa.Float(), nullable=True),
    sa.Column('index_keys', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_dedup_ads_job_id_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', name=op.f('pk_dedup_ads'))
    )
    op.create_table('dedup_keys',
    sa.Column('key', sa.BigInteger(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'job_id', name=op.f('pk_dedup_keys')),
    sqlite_with_rowid=False
    )

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cluster_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_jobs_cluster_id'), ['cluster_id'], unique=False)

    with op.batch_alter_table('run_sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_copies', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_copies', sa.Integer(), server_default='0', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_column('new_copies')

    with op.batch_alter_table('run_sites', schema=None) as batch_op:
        batch_op.drop_column('new_copies')

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_cluster_id'))
        batch_op.drop_column('cluster_id')

    op.drop_table('dedup_keys')
    op.drop_table('dedup_ads')
    op.drop_table('clusters')
