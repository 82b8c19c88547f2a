"""A trigram index for the case list's search over open cases, on PostgreSQL only.

The list shows open cases by default, so a search by name is usually a search of open cases.
Through the trigram indexes of the whole table (migration 0027) a common name read every case
with that name and dropped the closed ones: at 200,000 cases, "White" matched 1,816 cases, read
1,619 table pages and kept 189 (4.2 ms of SQL, issue 12). This index holds the open cases only
(the predicate of case_open_due_first: not issued, terminated or ineligible), the same four
UPPER(column) gin_trgm_ops expressions that Django's icontains compares, in one multi-column
index (GIN answers a condition on any of its columns). A search over closed or all cases still
uses the indexes of 0027. SQLite has no such index type, so nothing is done there."""

from django.db import migrations

NAME = "case_open_search_trgm"
COLUMNS = ("case_number", "claim_number", "worker_last_name", "worker_first_name")
# The closed statuses as 0034 froze them (cases.lifecycle.statuses.CLOSED_STATUSES).
CLOSED = ("ineligible", "issued", "terminated")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    expressions = ", ".join(f'UPPER("{column}"::text) gin_trgm_ops' for column in COLUMNS)
    closed = ", ".join(f"'{status}'" for status in CLOSED)
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS {NAME} ON "cases_case" USING gin ({expressions}) '
        f'WHERE NOT ("status" IN ({closed}))'
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0034_case_open_due_first"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
