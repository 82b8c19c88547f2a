"""Trigram indexes for the case list's search, on PostgreSQL only (pg_trgm ships with it).

The search compares UPPER(column) LIKE UPPER('%word%') (Django's icontains), which no B-tree
index serves: at 200,000 cases it read every row (about 300 ms, issue 12). A GIN index with
gin_trgm_ops on the same UPPER(column) expression serves substring matches. SQLite (the
development and test database) has no such index type, so nothing is done there."""

from django.db import migrations

COLUMNS = ("case_number", "claim_number", "worker_last_name", "worker_first_name")


def _index_name(column: str) -> str:
    return f"case_{column}_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {_index_name(column)} ON "cases_case" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_index_name(column)}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0026_alter_caseevent_type"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
