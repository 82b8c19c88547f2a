"""A claim number or an application ID is found however its marks are written: "PCS24118204"
is "PCS-2411-8204".

The search, the duplicate check and the prior-IMR check compare claim keys
(cases.textsearch.number_key_of: UPPER, then each of "-", " ", "/", "." replaced by nothing).
The key's B-tree index (case_by_claim_key, in the model) serves the checks' equality, in place
of the claim number's own index; case_by_application_key serves the search's whole application
ID. On PostgreSQL the trigram indexes of the search hold the key
instead of UPPER(claim_number): 0027's index of every case, and 0039's of the open cases (made
again with the key beside the case number and the folded names). SQLite has no such index
type."""

import django.db.models.functions.text
from django.db import migrations, models

KEY = (
    "REPLACE(REPLACE(REPLACE(REPLACE(UPPER(\"claim_number\"), '-', ''), ' ', ''), '/', ''), "
    "'.', '')"
)
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
            model_name="case",
            index=models.Index(
                django.db.models.functions.text.Replace(
                    django.db.models.functions.text.Replace(
                        django.db.models.functions.text.Replace(
                            django.db.models.functions.text.Replace(
                                django.db.models.functions.text.Upper(models.F("claim_number")),
                                models.Value("-"),
                                models.Value(""),
                            ),
                            models.Value(" "),
                            models.Value(""),
                        ),
                        models.Value("/"),
                        models.Value(""),
                    ),
                    models.Value("."),
                    models.Value(""),
                ),
                name="case_by_claim_key",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                django.db.models.functions.text.Replace(
                    django.db.models.functions.text.Replace(
                        django.db.models.functions.text.Replace(
                            django.db.models.functions.text.Replace(
                                django.db.models.functions.text.Upper(
                                    models.F("application_id")
                                ),
                                models.Value("-"),
                                models.Value(""),
                            ),
                            models.Value(" "),
                            models.Value(""),
                        ),
                        models.Value("/"),
                        models.Value(""),
                    ),
                    models.Value("."),
                    models.Value(""),
                ),
                name="case_by_application_key",
            ),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
