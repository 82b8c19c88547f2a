from django.db import migrations, models

# The roster's version (reviews.roster.models.RosterVersion): a trigger on every table the
# roster is read from gives the one row a value never used before. The tables are those
# reviews.assignment.matching.roster_load reads; a new one needs its trigger here too.
ROSTER_TABLES = [
    "reviews_reviewerprofile",
    "reviews_reviewerprofile_certifications",
    "reviews_licence",
    "reviews_affiliation",
    "reviews_leaveperiod",
    "reviews_specialty",
    "reviews_categoryspecialty",
]
# On the accounts, only what the roster shows of them: a sign-in (last_login) changes nothing.
USER_TABLE = "accounts_user"
USER_COLUMNS = ["first_name", "last_name", "username", "email", "is_active"]

POSTGRESQL_FUNCTION = """
CREATE SEQUENCE IF NOT EXISTS reviews_roster_version_seq;
CREATE OR REPLACE FUNCTION reviews_roster_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reviews_rosterversion (id, version)
    VALUES (1, nextval('reviews_roster_version_seq'))
    ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END $$;
"""
SQLITE_BUMP = "INSERT OR REPLACE INTO reviews_rosterversion (id, version) VALUES (1, random());"


def _postgresql() -> list[str]:
    statements = [POSTGRESQL_FUNCTION]
    # Once a statement (a bulk insert of a thousand certifications is one change), TRUNCATE too.
    for table in ROSTER_TABLES:
        statements.append(
            f"CREATE TRIGGER reviews_roster_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION reviews_roster_changed();"
        )
    statements.append(
        f"CREATE TRIGGER reviews_roster_changed AFTER INSERT OR DELETE OR TRUNCATE "
        f"ON {USER_TABLE} FOR EACH STATEMENT EXECUTE FUNCTION reviews_roster_changed();"
    )
    changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in USER_COLUMNS)
    statements.append(
        f"CREATE TRIGGER reviews_roster_changed_user AFTER UPDATE ON {USER_TABLE} "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION reviews_roster_changed();"
    )
    return statements


def _sqlite() -> list[str]:
    statements = []
    for table in ROSTER_TABLES:
        for operation in ("INSERT", "UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER reviews_roster_changed_{table}_{operation.lower()} "
                f"AFTER {operation} ON {table} BEGIN {SQLITE_BUMP} END;"
            )
    for operation in ("INSERT", "DELETE"):
        statements.append(
            f"CREATE TRIGGER reviews_roster_changed_user_{operation.lower()} "
            f"AFTER {operation} ON {USER_TABLE} BEGIN {SQLITE_BUMP} END;"
        )
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in USER_COLUMNS)
    statements.append(
        f"CREATE TRIGGER reviews_roster_changed_user_update AFTER UPDATE OF "
        f"{', '.join(USER_COLUMNS)} ON {USER_TABLE} WHEN {changed} BEGIN {SQLITE_BUMP} END;"
    )
    return statements


def triggers_install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = _postgresql()
        statements.append(
            "INSERT INTO reviews_rosterversion (id, version) "
            "VALUES (1, nextval('reviews_roster_version_seq'));"
        )
    elif vendor == "sqlite":
        statements = [*_sqlite(), SQLITE_BUMP]
    else:
        raise RuntimeError(f"No roster version triggers for {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)


def triggers_remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in [*ROSTER_TABLES, USER_TABLE]:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS reviews_roster_changed ON {table};")
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS reviews_roster_changed_user ON {USER_TABLE};"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS reviews_roster_changed();")
        schema_editor.execute("DROP SEQUENCE IF EXISTS reviews_roster_version_seq;")
    elif vendor == "sqlite":
        operations = ("insert", "update", "delete")
        names = [f"reviews_roster_changed_{t}_{o}" for t in ROSTER_TABLES for o in operations]
        names += [f"reviews_roster_changed_user_{o}" for o in operations]
        for name in names:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")


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
