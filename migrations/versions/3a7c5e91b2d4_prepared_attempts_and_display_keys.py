"""prepared attempts (drawn before the window opens) and display keys of attempt items

Revision ID: 3a7c5e91b2d4
Revises: 12cc901fd24b
Create Date: 2026-11-30 06:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '3a7c5e91b2d4'
down_revision = '12cc901fd24b'
branch_labels = None
depends_on = None

_OLD_STATUS = "status in ('in_progress', 'submitted', 'graded', 'released')"
_NEW_STATUS = "status in ('prepared', 'in_progress', 'submitted', 'graded', 'released')"
_RESERVED = "(status = 'prepared') = (user_id IS NULL AND reserved_for_id IS NOT NULL)"


def upgrade():
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reserved_for_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prepared_from', sa.String(length=40), nullable=True))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_attempts_reserved_for_id_users'), 'users',
                                    ['reserved_for_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_attempts_status'), type_='check')
        batch_op.create_check_constraint('status', _NEW_STATUS)
        batch_op.create_check_constraint('prepared_is_reserved', _RESERVED)
        batch_op.create_index('ix_attempts_prepared', ['paper_id', 'reserved_for_id'], unique=False)

    with op.batch_alter_table('attempt_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_key', sa.String(length=40), nullable=True))
        batch_op.create_index('ix_attempt_items_question_id', ['question_id'], unique=False)


def downgrade():
    op.execute("DELETE FROM attempt_items WHERE attempt_id IN "
               "(SELECT id FROM attempts WHERE status = 'prepared')")
    op.execute("DELETE FROM attempts WHERE status = 'prepared'")
    with op.batch_alter_table('attempt_items', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_items_question_id')
        batch_op.drop_column('display_key')

    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_attempts_prepared')
        batch_op.drop_constraint(batch_op.f('ck_attempts_prepared_is_reserved'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_attempts_status'), type_='check')
        batch_op.create_check_constraint('status', _OLD_STATUS)
        batch_op.drop_constraint(batch_op.f('fk_attempts_reserved_for_id_users'), type_='foreignkey')
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('prepared_from')
        batch_op.drop_column('reserved_for_id')
