"""The case list finds a worker's name without its accents or apostrophes ("Garcia" finds
"García", "OBrien" finds "O'Brien"), on PostgreSQL through trigram indexes of the folded names.

`imr_search_fold(text)` is cases.textsearch.fold in SQL: unaccent (a contrib extension, like
pg_trgm), apostrophes dropped, lower case. unaccent() with its dictionary named is immutable in
fact, so the function is declared IMMUTABLE and can be indexed. The name columns' trigram
indexes of 0027 (UPPER(column)) give way to ones of the folded names, and 0035's index of the
open cases is made again with the folded names beside the case and claim numbers (which the
list still compares as UPPER(column), Django's icontains). SQLite gets the function from Python
on each connection (cases.apps), and has no such index type."""

from django.db import migrations

FUNCTION = "imr_search_fold"
NAMES = ("worker_last_name", "worker_first_name")
# The apostrophes cases.textsearch.APOSTROPHES drops, frozen as they were when this ran.
APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`\u00b4\u2032"
NUMBERS = ("case_number", "claim_number")
OPEN_INDEX = "case_open_search_trgm"
# The closed statuses as 0034 froze them (cases.lifecycle.statuses.CLOSED_STATUSES).
CLOSED = ("ineligible", "issued", "terminated")


def _folded_index(column: str) -> str:
    return f"case_{column}_fold_trgm"


def _open_index(names_expression) -> str:
    expressions = ", ".join(
        [f'UPPER("{column}"::text) gin_trgm_ops' for column in NUMBERS]
        + [f"{names_expression(column)} gin_trgm_ops" for column in NAMES]
    )
    closed = ", ".join(f"'{status}'" for status in CLOSED)
    return (
        f'CREATE INDEX {OPEN_INDEX} ON "cases_case" USING gin ({expressions}) '
        f'WHERE NOT ("status" IN ({closed}))'
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # Wherever the extension lives (the first schema of the search path, or one an
    # administrator chose), named in full: the function must not depend on the search path.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(n.nspname) FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
        )
        (schema,) = cursor.fetchone()
    dictionary = f"{schema}.unaccent".replace("'", "''")
    # Dropped first, as fold drops them before it takes the accents off.
    apostrophes = APOSTROPHES.replace("'", "''")
    schema_editor.execute(
        f"CREATE OR REPLACE FUNCTION {FUNCTION}(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
        f"$$ SELECT lower({schema}.unaccent('{dictionary}'::regdictionary, "
        f"translate($1, '{apostrophes}', ''))) $$"
    )
    for column in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS case_{column}_trgm")
        schema_editor.execute(
            f'CREATE INDEX {_folded_index(column)} ON "cases_case" '
            f'USING gin ({FUNCTION}("{column}") gin_trgm_ops)'
        )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OPEN_INDEX}")
    schema_editor.execute(_open_index(lambda column: f'{FUNCTION}("{column}")'))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {OPEN_INDEX}")
    schema_editor.execute(_open_index(lambda column: f'UPPER("{column}"::text)'))
    for column in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_folded_index(column)}")
        schema_editor.execute(
            f'CREATE INDEX case_{column}_trgm ON "cases_case" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0038_case_list_sort_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
