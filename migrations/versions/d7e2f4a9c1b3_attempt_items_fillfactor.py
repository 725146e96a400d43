"""PostgreSQL: attempt_items pages half filled, so saves and scoring update rows in place

Every save and the submission's scores rewrite an attempt item's row. In a full page the
new version goes to another page, and each of the table's four indexes gets an entry for
it (6 WAL records a row; bench/RESULTS.md). With room left in the page, PostgreSQL keeps
the new version beside the old one and touches no index (a HOT update: 1.2 records a row).
Rows inserted from now on (attempts are prepared before each window) get that room.
SQLite has no such setting: nothing to do there.

Revision ID: d7e2f4a9c1b3
Revises: c4d8a1f6e2b9
Create Date: 2026-11-30 14:20:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "d7e2f4a9c1b3"
down_revision = "c4d8a1f6e2b9"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE attempt_items SET (fillfactor = 50)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE attempt_items RESET (fillfactor)")
