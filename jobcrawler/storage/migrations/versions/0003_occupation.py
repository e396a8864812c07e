"""jobs: ISCO-08 unit group and ESCO occupation of the title (isco_code indexed)

Filled by the normaliser for new ads; ``jobcrawler renormalize`` fills them for stored ads.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('isco_code', sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column('esco_uri', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('occupation_label', sa.String(length=255), nullable=True))
        batch_op.create_index(batch_op.f('ix_jobs_isco_code'), ['isco_code'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_isco_code'))
        batch_op.drop_column('occupation_label')
        batch_op.drop_column('esco_uri')
        batch_op.drop_column('isco_code')
