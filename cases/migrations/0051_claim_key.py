"""A claim number or an application ID is found however its marks are written: "PCS24118204"
is "PCS-2411-8204".

The search, the duplicate check and the prior-IMR check compare claim keys
(cases.textsearch.number_key_of: UPPER, then each of MARKS replaced by nothing).
The key's B-tree index (case_by_claim_key, in the model) serves the checks' equality, in place
of the claim number's own index; case_by_application_key serves the search's whole application
ID. On PostgreSQL the trigram indexes of the search hold the key
instead of UPPER(claim_number): 0027's index of every case, and 0039's of the open cases (made
again with the key beside the case number and the folded names). SQLite has no such index
type."""

from django.db import migrations, models
from django.db.models.functions import Replace, Upper

# cases.textsearch.NUMBER_MARKS, frozen here: the indexes hold this key, so a change to the
# marks is a new migration that builds them again.
MARKS = ("-", " ", "/", ".", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\u00a0")


def _key_sql(column: str) -> str:
    """The key's SQL as Django compiles cases.textsearch.number_key_of (the indexes' own)."""
    key = f'UPPER("{column}")'
    for mark in MARKS:
        key = f"REPLACE({key}, '{mark}', '')"
    return key


def _key_index(column: str, name: str) -> models.Index:
    key = Upper(models.F(column))
    for mark in MARKS:
        key = Replace(key, models.Value(mark), models.Value(""))
    return models.Index(key, name=name)


KEY = _key_sql("claim_number")
FOLD = "imr_search_fold"
OPEN_INDEX = "case_open_search_trgm"
# The closed statuses as 0034 froze them (cases.lifecycle.statuses.CLOSED_STATUSES).
CLOSED = ("ineligible", "issued", "terminated")


def _open_index(claim_expression: str) -> str:
    expressions = ", ".join(
        [
            'UPPER("case_number"::text) gin_trgm_ops',
            f"{claim_expression} gin_trgm_ops",
            f'{FOLD}("worker_last_name") gin_trgm_ops',
            f'{FOLD}("worker_first_name") gin_trgm_ops',
        ]
    )
    closed = ", ".join(f"'{status}'" for status in CLOSED)
    return (
        f'CREATE INDEX {OPEN_INDEX} ON "cases_case" USING gin ({expressions}) '
        f'WHERE NOT ("status" IN ({closed}))'
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS case_claim_number_trgm")
    schema_editor.execute(
        f'CREATE INDEX case_claim_key_trgm ON "cases_case" USING gin (({KEY}) gin_trgm_ops)'
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OPEN_INDEX}")
    schema_editor.execute(_open_index(f"({KEY})"))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {OPEN_INDEX}")
    schema_editor.execute(_open_index('UPPER("claim_number"::text)'))
    schema_editor.execute("DROP INDEX IF EXISTS case_claim_key_trgm")
    schema_editor.execute(
        'CREATE INDEX case_claim_number_trgm ON "cases_case" '
        'USING gin (UPPER("claim_number"::text) gin_trgm_ops)'
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0050_reminder_run"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="claim_number",
            field=models.CharField(max_length=64),
        ),
        migrations.AddIndex(
            model_name="case", index=_key_index("claim_number", "case_by_claim_key")
        ),
        migrations.AddIndex(
            model_name="case", index=_key_index("application_id", "case_by_application_key")
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
