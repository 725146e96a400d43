"""service quality: standards, records, confirmed months, weights, ratings, audit trail;
users' direct superior; appeals on a record as well as on an item

Revision ID: c4d8a1f6e2b9
Revises: 9e4b2c7d1f05
Create Date: 2026-11-30 11:00:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "c4d8a1f6e2b9"
down_revision = "9e4b2c7d1f05"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supervisor_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_supervisor_id"), ["supervisor_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_users_supervisor_id_users"), "users", ["supervisor_id"], ["id"]
        )

    op.create_table(
        "quality_standards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=4), nullable=False),
        sa.Column("catalogue_version", sa.String(length=40), nullable=False),
        sa.Column("file_line", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("origin in ('file', 'app')", name=op.f("ck_quality_standards_origin")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_standards")),
        sa.UniqueConstraint("code", name=op.f("uq_quality_standards_code")),
    )
    op.create_table(
        "quality_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("standard_id", sa.Integer(), nullable=False),
        sa.Column("standard_code", sa.String(length=20), nullable=False),
        sa.Column("standard_title", sa.String(length=200), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("observed", sa.Text(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("supervisor_liable", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "status in ('active', 'voided')", name=op.f("ck_quality_records_status")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_quality_records_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["standard_id"],
            ["quality_standards.id"],
            name=op.f("fk_quality_records_standard_id_quality_standards"),
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"], ["users.id"], name=op.f("fk_quality_records_supervisor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_quality_records_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_records")),
    )
    with op.batch_alter_table("quality_records", schema=None) as batch_op:
        batch_op.create_index("ix_quality_records_month_user", ["month", "user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quality_records_user_id"), ["user_id"], unique=False)

    op.create_table(
        "quality_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_quality_rules_changed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_rules")),
    )
    op.create_table(
        "quality_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"], ["users.id"], name=op.f("fk_quality_months_confirmed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_months")),
        sa.UniqueConstraint("month", name=op.f("uq_quality_months_month")),
    )
    op.create_table(
        "quarter_weights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("exam", sa.Integer(), nullable=False),
        sa.Column("quality", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("exam + quality + rating = 100", name=op.f("ck_quarter_weights_sum")),
        sa.CheckConstraint(
            "exam >= 0 and quality >= 0 and rating >= 0", name=op.f("ck_quarter_weights_positive")
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["users.id"], name=op.f("fk_quarter_weights_set_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarter_weights")),
        sa.UniqueConstraint("quarter", name=op.f("uq_quarter_weights_quarter")),
    )
    op.create_table(
        "quality_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("rated_by_id", sa.Integer(), nullable=False),
        sa.Column("rated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("score >= 0 and score <= 100", name=op.f("ck_quality_ratings_range")),
        sa.ForeignKeyConstraint(
            ["rated_by_id"], ["users.id"], name=op.f("fk_quality_ratings_rated_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_quality_ratings_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_ratings")),
        sa.UniqueConstraint("user_id", "quarter", name=op.f("uq_quality_ratings_user_id")),
    )
    with op.batch_alter_table("quality_ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quality_ratings_user_id"), ["user_id"], unique=False)

    op.create_table(
        "quality_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_quality_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_quality_events_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_events")),
    )
    with op.batch_alter_table("quality_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quality_events_subject"), ["subject"], unique=False)
        batch_op.create_index(batch_op.f("ix_quality_events_user_id"), ["user_id"], unique=False)

    # An appeal is now of an item or of a record: exactly one of the two. SQLite copies the
    # table (recreate) with its reflected CHECKs but not its partial index: made again here.
    with op.batch_alter_table("appeals", schema=None, recreate="always") as batch_op:
        batch_op.drop_index("uq_appeals_open_item", sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.drop_constraint(op.f("ck_appeals_outcome"), type_="check")
        batch_op.add_column(sa.Column("quality_record_id", sa.Integer(), nullable=True))
        batch_op.alter_column("attempt_item_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_appeals_quality_record_id_quality_records"),
            "quality_records",
            ["quality_record_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(
            "outcome", "outcome is null or outcome in ('upheld', 'changed', 'voided')"
        )
        batch_op.create_check_constraint(
            "one_subject", "(attempt_item_id is null) <> (quality_record_id is null)"
        )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_appeals_quality_record_id"), ["quality_record_id"], unique=False
        )
        batch_op.create_index(
            "uq_appeals_open_item",
            ["attempt_item_id"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )
        batch_op.create_index(
            "uq_appeals_open_record",
            ["quality_record_id"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )


def downgrade():
    op.execute("DELETE FROM appeals WHERE quality_record_id IS NOT NULL")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index("uq_appeals_open_record", sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.drop_index("uq_appeals_open_item", sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.drop_index(batch_op.f("ix_appeals_quality_record_id"))
    with op.batch_alter_table("appeals", schema=None, recreate="always") as batch_op:
        batch_op.drop_constraint(
            op.f("fk_appeals_quality_record_id_quality_records"), type_="foreignkey"
        )
        batch_op.drop_constraint(op.f("ck_appeals_one_subject"), type_="check")
        batch_op.drop_constraint(op.f("ck_appeals_outcome"), type_="check")
        batch_op.drop_column("quality_record_id")
        batch_op.alter_column("attempt_item_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(
            "outcome", "outcome is null or outcome in ('upheld', 'changed')"
        )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.create_index(
            "uq_appeals_open_item",
            ["attempt_item_id"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )

    op.drop_table("quality_events")
    op.drop_table("quality_ratings")
    op.drop_table("quarter_weights")
    op.drop_table("quality_months")
    op.drop_table("quality_rules")
    op.drop_table("quality_records")
    op.drop_table("quality_standards")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_supervisor_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_users_supervisor_id"))
        batch_op.drop_column("supervisor_id")
