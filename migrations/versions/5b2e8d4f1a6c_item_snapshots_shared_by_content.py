"""item snapshots stored once per content, referenced by attempt items

Revision ID: 5b2e8d4f1a6c
Revises: 3a7c5e91b2d4
Create Date: 2026-11-30 06:45:00

"""
import hashlib
import json

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '5b2e8d4f1a6c'
down_revision = '3a7c5e91b2d4'
branch_labels = None
depends_on = None

_items = sa.table('attempt_items', sa.column('id', sa.Integer), sa.column('snapshot', sa.JSON),
                  sa.column('snapshot_id', sa.Integer))
_snapshots = sa.table('item_snapshots', sa.column('id', sa.Integer),
                      sa.column('digest', sa.String), sa.column('content', sa.JSON))


def _digest(content):
    # As exam_app/services/item_snapshots.py computes it (kept here: migrations stay fixed).
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(',', ':'),
                      default=str)
    return hashlib.sha1(text.encode()).hexdigest()


def upgrade():
    op.create_table('item_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=40), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_snapshots')),
    sa.UniqueConstraint('digest', name=op.f('uq_item_snapshots_digest'))
    )
    with op.batch_alter_table('attempt_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snapshot_id', sa.Integer(), nullable=True))

    # Every stored snapshot once, and each item pointed at its own content.
    conn = op.get_bind()
    ids = {}
    for item_id, snapshot in conn.execute(sa.select(_items.c.id, _items.c.snapshot)).all():
        digest = _digest(snapshot)
        if digest not in ids:
            conn.execute(_snapshots.insert().values(digest=digest, content=snapshot))
            ids[digest] = conn.execute(
                sa.select(_snapshots.c.id).where(_snapshots.c.digest == digest)
            ).scalar_one()
        conn.execute(_items.update().where(_items.c.id == item_id).values(snapshot_id=ids[digest]))

    with op.batch_alter_table('attempt_items', schema=None) as batch_op:
        batch_op.alter_column('snapshot_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_attempt_items_snapshot_id'), ['snapshot_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attempt_items_snapshot_id_item_snapshots'),
                                    'item_snapshots', ['snapshot_id'], ['id'])
        batch_op.drop_column('snapshot')


def downgrade():
    with op.batch_alter_table('attempt_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snapshot', sa.JSON(), nullable=True))
    conn = op.get_bind()
    contents = dict(conn.execute(sa.select(_snapshots.c.id, _snapshots.c.content)).all())
    for item_id, snapshot_id in conn.execute(sa.select(_items.c.id, _items.c.snapshot_id)).all():
        conn.execute(_items.update().where(_items.c.id == item_id)
                     .values(snapshot=contents[snapshot_id]))
    with op.batch_alter_table('attempt_items', schema=None) as batch_op:
        batch_op.alter_column('snapshot', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_attempt_items_snapshot_id_item_snapshots'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attempt_items_snapshot_id'))
        batch_op.drop_column('snapshot_id')
    op.drop_table('item_snapshots')
