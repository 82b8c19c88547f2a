import time

from django.db import migrations, models

# The roster's version (reviews.roster.models.RosterVersion): a trigger on every table the
# roster is read from gives the one row a value never used before. The tables are those
# reviews.assignment.matching.roster_load reads; a new one needs its trigger too. On SQLite the
# triggers are installed after every migrate (reviews.roster.version_triggers); here, on
# PostgreSQL. The lists are written out here, not imported from that module: a migration keeps
# what it did when it ran, and a later table gets a migration of its own (the trigger test of
# tests/reviews/assignment/test_roster_snapshot.py reads the database's triggers, so either
# list falling behind fails it).
ROSTER_TABLES = [
    "reviews_reviewerprofile",
    "reviews_reviewerprofile_certifications",
    "reviews_licence",
    "reviews_affiliation",
    "reviews_leaveperiod",
    "reviews_specialty",
    "reviews_categoryspecialty",
]
# Of the accounts, only what the roster shows: a sign-in (last_login) changes nothing.
USER_TABLE = "accounts_user"
USER_COLUMNS = ["first_name", "last_name", "username", "email", "is_active"]

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION reviews_roster_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reviews_rosterversion (id, version)
    VALUES (1, nextval('reviews_roster_version_seq'))
    ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END $$;
"""


def _postgresql() -> list[str]:
    # Started at the clock, in microseconds: a sequence made again (this migration reversed
    # and applied again) never gives a number the one before it gave.
    statements = [
        "CREATE SEQUENCE IF NOT EXISTS reviews_roster_version_seq "
        f"START WITH {int(time.time() * 1_000_000)};",
        POSTGRESQL_FUNCTION,
    ]
    # BEFORE each statement, once (a bulk insert of a thousand certifications is one change),
    # TRUNCATE too: the version's row is locked before any row the statement changes, so two
    # transactions changing the roster wait for each other at their first change to it, and
    # never each hold a row the other then wants.
    for table in ROSTER_TABLES:
        statements.append(
            f"CREATE TRIGGER reviews_roster_changed BEFORE INSERT OR UPDATE OR DELETE OR "
            f"TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION reviews_roster_changed();"
        )
    statements.append(
        f"CREATE TRIGGER reviews_roster_changed BEFORE INSERT OR DELETE OR TRUNCATE OR "
        f"UPDATE OF {', '.join(USER_COLUMNS)} ON {USER_TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION reviews_roster_changed();"
    )
    statements.append(
        "INSERT INTO reviews_rosterversion (id, version) "
        "VALUES (1, nextval('reviews_roster_version_seq'));"
    )
    return statements


def triggers_install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = _postgresql()
    elif vendor == "sqlite":
        statements = ["INSERT INTO reviews_rosterversion (id, version) VALUES (1, random());"]
    else:
        raise RuntimeError(f"No roster version triggers for {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)


def triggers_remove(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for table in [*ROSTER_TABLES, USER_TABLE]:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS reviews_roster_changed ON {table};")
        schema_editor.execute("DROP FUNCTION IF EXISTS reviews_roster_changed();")
        schema_editor.execute("DROP SEQUENCE IF EXISTS reviews_roster_version_seq;")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'reviews_roster_changed%'"
            )
            names = [name for (name,) in cursor.fetchall()]
        for name in names:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}";')


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0026_determination_awaiting_quality"),
    ]

    operations = [
        migrations.CreateModel(
            name="RosterVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(
                        default=1, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("version", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(triggers_install, triggers_remove, elidable=False),
    ]
