from django.db import migrations

# The roster is chosen by the account's role too (reviews.assignment.matching.on_roster): a
# reviewer moved to another role leaves it, so the account trigger of 0027 watches `role` as
# well. On SQLite the triggers are installed after every migrate
# (reviews.roster.version_triggers), with the same columns; here, on PostgreSQL.
USER_TABLE = "accounts_user"
BEFORE = ["first_name", "last_name", "username", "email", "is_active"]
AFTER = [*BEFORE, "role"]


def _trigger(columns: list[str]) -> str:
    return (
        f"CREATE TRIGGER reviews_roster_changed BEFORE INSERT OR DELETE OR TRUNCATE OR "
        f"UPDATE OF {', '.join(columns)} ON {USER_TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION reviews_roster_changed();"
    )


def _replace(columns: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP TRIGGER IF EXISTS reviews_roster_changed ON {USER_TABLE};")
        schema_editor.execute(_trigger(columns))

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0031_reviewer_weekly_hours_at_most_a_week"),
    ]

    operations = [
        migrations.RunPython(_replace(AFTER), _replace(BEFORE), elidable=False),
    ]
