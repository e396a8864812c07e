"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 22:13:00.130843
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('command', sa.String(length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('sites', sa.JSON(), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=True),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.Column('items_seen', sa.Integer(), nullable=False),
    sa.Column('new', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Integer(), nullable=False),
    sa.Column('dropped', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_runs'))
    )
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_runs_status'), ['status'], unique=False)

    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('source_id', sa.String(length=255), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('apply_url', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('employer', sa.String(length=255), nullable=True),
    sa.Column('agency', sa.String(length=255), nullable=True),
    sa.Column('industry', sa.String(length=255), nullable=True),
    sa.Column('reference', sa.String(length=255), nullable=True),
    sa.Column('date_posted', sa.Date(), nullable=True),
    sa.Column('valid_through', sa.Date(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('start_asap', sa.Boolean(), nullable=True),
    sa.Column('locations', sa.JSON(), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=True),
    sa.Column('province_code', sa.String(length=6), nullable=True),
    sa.Column('region_code', sa.String(length=6), nullable=True),
    sa.Column('city', sa.String(length=255), nullable=True),
    sa.Column('contract_type', sa.String(length=20), nullable=True),
    sa.Column('duration_months', sa.Integer(), nullable=True),
    sa.Column('duration_open_ended', sa.Boolean(), nullable=True),
    sa.Column('working_time', sa.String(length=10), nullable=True),
    sa.Column('hours_per_week', sa.Float(), nullable=True),
    sa.Column('remote', sa.String(length=10), nullable=True),
    sa.Column('languages_required', sa.JSON(), nullable=False),
    sa.Column('ad_language', sa.String(length=2), nullable=True),
    sa.Column('salary_min', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('salary_max', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('salary_currency', sa.String(length=3), nullable=True),
    sa.Column('salary_period', sa.String(length=5), nullable=True),
    sa.Column('salary_raw', sa.Text(), nullable=True),
    sa.Column('experience_years_min', sa.Integer(), nullable=True),
    sa.Column('description_text', sa.Text(), nullable=True),
    sa.Column('description_html', sa.Text(), nullable=True),
    sa.Column('raw', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=40), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_changed', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=6), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('times_reopened', sa.Integer(), nullable=False),
    sa.Column('first_run_id', sa.Integer(), nullable=True),
    sa.Column('last_run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['first_run_id'], ['runs.id'], name=op.f('fk_jobs_first_run_id_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['last_run_id'], ['runs.id'], name=op.f('fk_jobs_last_run_id_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    sa.UniqueConstraint('source', 'source_id', name='uq_jobs_source_source_id')
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_last_run_id'), ['last_run_id'], unique=False)
        batch_op.create_index('ix_jobs_status_contract', ['status', 'contract_type'], unique=False)
        batch_op.create_index('ix_jobs_status_country', ['status', 'country_code'], unique=False)
        batch_op.create_index('ix_jobs_status_date_posted', ['status', 'date_posted'], unique=False)
        batch_op.create_index('ix_jobs_status_province', ['status', 'province_code'], unique=False)

    op.create_table('run_sites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('spider', sa.String(length=100), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('clean', sa.Boolean(), nullable=False),
    sa.Column('finish_reason', sa.String(length=100), nullable=True),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.Column('items_seen', sa.Integer(), nullable=False),
    sa.Column('new', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Integer(), nullable=False),
    sa.Column('dropped', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('stats', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_run_sites_run_id_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_run_sites')),
    sa.UniqueConstraint('run_id', 'source', name=op.f('uq_run_sites_run_id'))
    )
    with op.batch_alter_table('run_sites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_run_sites_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_run_sites_source'), ['source'], unique=False)

    op.create_table('job_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_job_changes_job_id_jobs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_job_changes_run_id_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_changes'))
    )
    with op.batch_alter_table('job_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_changes_job_id'), ['job_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('job_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_changes_job_id'))

    op.drop_table('job_changes')
    with op.batch_alter_table('run_sites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_run_sites_source'))
        batch_op.drop_index(batch_op.f('ix_run_sites_run_id'))

    op.drop_table('run_sites')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_status_province')
        batch_op.drop_index('ix_jobs_status_date_posted')
        batch_op.drop_index('ix_jobs_status_country')
        batch_op.drop_index('ix_jobs_status_contract')
        batch_op.drop_index(batch_op.f('ix_jobs_last_run_id'))

    op.drop_table('jobs')
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_runs_status'))

    op.drop_table('runs')
