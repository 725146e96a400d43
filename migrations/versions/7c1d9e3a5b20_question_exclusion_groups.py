"""exclusion groups (互斥组) on bank questions

Revision ID: 7c1d9e3a5b20
Revises: 5b2e8d4f1a6c
Create Date: 2026-11-30 09:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '7c1d9e3a5b20'
down_revision = '5b2e8d4f1a6c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exclusion_group', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_column('exclusion_group')
