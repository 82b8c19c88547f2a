"""The roster version's triggers on SQLite (reviews.roster.models.RosterVersion). On PostgreSQL
migration reviews 0027 installs them; on SQLite they are (re)installed after every migrate, as
the audit log's are (audit/triggers.py): SQLite rebuilds a table to alter it, and dropping the
old table drops its triggers.

SQLite takes one write lock for the whole database, so the order in which a transaction locks
rows (what the PostgreSQL triggers take care of) does not arise here."""

from __future__ import annotations

from django.db import connections

# The tables the roster is read from (reviews.assignment.matching.roster_load and the copy's
# order by name); tests/reviews/assignment/test_roster_snapshot.py holds the two together.
ROSTER_TABLES = (
    "reviews_reviewerprofile",
    "reviews_reviewerprofile_certifications",
    "reviews_licence",
    "reviews_affiliation",
    "reviews_leaveperiod",
    "reviews_specialty",
    "reviews_categoryspecialty",
)
USER_TABLE = "accounts_user"
# Of the accounts, only what the roster shows or is chosen by (matching.on_roster: active, and
# the expert reviewer's role): a sign-in (last_login) changes nothing.
USER_COLUMNS = ("first_name", "last_name", "username", "email", "is_active", "role")
# The account trigger's name: made again at every install, as its columns may have grown.
USER_UPDATE_TRIGGER = "reviews_roster_changed_user_update"

# An upsert, not INSERT OR REPLACE: a statement's own conflict clause (Django's m2m add() and
# bulk_create(ignore_conflicts=True) write INSERT OR IGNORE) overrides an OR clause in its
# triggers, and would have skipped the change or failed on the version's row.
_BUMP = (
    "INSERT INTO reviews_rosterversion (id, version) VALUES (1, random()) "
    "ON CONFLICT (id) DO UPDATE SET version = excluded.version;"
)


def sqlite_trigger_sql() -> list[str]:
    statements = []
    for table in ROSTER_TABLES:
        for operation in ("INSERT", "UPDATE", "DELETE"):
            statements.append(
                f'CREATE TRIGGER IF NOT EXISTS "reviews_roster_changed_{table}_'
                f'{operation.lower()}" AFTER {operation} ON "{table}" BEGIN {_BUMP} END'
            )
    for operation in ("INSERT", "DELETE"):
        statements.append(
            f'CREATE TRIGGER IF NOT EXISTS "reviews_roster_changed_user_{operation.lower()}" '
            f'AFTER {operation} ON "{USER_TABLE}" BEGIN {_BUMP} END'
        )
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in USER_COLUMNS)
    statements.append(
        f'CREATE TRIGGER IF NOT EXISTS "{USER_UPDATE_TRIGGER}" AFTER UPDATE OF '
        f'{", ".join(USER_COLUMNS)} ON "{USER_TABLE}" WHEN {changed} BEGIN {_BUMP} END'
    )
    return statements


def sqlite_roster_version_install(using: str = "default", **kwargs) -> None:
    """post_migrate receiver: install the triggers on a SQLite database (idempotent), once the
    version's table exists."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    existing = set(connection.introspection.table_names())
    if "reviews_rosterversion" not in existing:
        return
    with connection.cursor() as cursor:
        # A database made when the account's trigger watched fewer columns gets it anew.
        cursor.execute(f'DROP TRIGGER IF EXISTS "{USER_UPDATE_TRIGGER}"')
        for statement in sqlite_trigger_sql():
            cursor.execute(statement)
