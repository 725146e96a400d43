"""users.must_change_password: one-time passwords are changed at first sign-in

Revision ID: 7d41c9a2e6f3
Revises: 5b2e8d4f1a6c
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '7d41c9a2e6f3'
down_revision = '7c1d9e3a5b20'
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts keep signing in as before: only passwords handed out from now on
    # are one-time passwords.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
