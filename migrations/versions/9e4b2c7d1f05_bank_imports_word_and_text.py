"""bank imports: Word and pasted-text formats, the batch's difficulty

Revision ID: 9e4b2c7d1f05
Revises: 7d41c9a2e6f3
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '9e4b2c7d1f05'
down_revision = '7d41c9a2e6f3'
branch_labels = None
depends_on = None

OLD = "format in ('excel', 'gift', 'aiken')"
NEW = "format in ('excel', 'gift', 'aiken', 'word', 'text')"


def _drop_format_check(batch_op):
    # SQLite: batch mode copies the table without its CHECK constraints (they are not
    # reflected), so the old one goes with the copy; PostgreSQL drops it by name.
    if op.get_bind().dialect.name != 'sqlite':
        batch_op.drop_constraint(op.f('ck_bank_imports_format'), type_='check')


def upgrade():
    with op.batch_alter_table('bank_imports', schema=None, recreate='always') as batch_op:
        _drop_format_check(batch_op)
        batch_op.create_check_constraint('format', NEW)
        batch_op.add_column(sa.Column('default_difficulty', sa.Integer(), nullable=True))


def downgrade():
    op.execute("DELETE FROM bank_imports WHERE format IN ('word', 'text')")
    with op.batch_alter_table('bank_imports', schema=None, recreate='always') as batch_op:
        batch_op.drop_column('default_difficulty')
        _drop_format_check(batch_op)
        batch_op.create_check_constraint('format', OLD)
