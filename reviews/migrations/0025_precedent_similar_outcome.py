from django.db import migrations

# The library's search with a category filter (reviews.precedents.search.newest_first_candidates)
# reads the category's newest items from precedent_item_similar (0024) alone, and filters them
# by outcome and guideline source there too: the index now holds both beside the narrow
# tsvector. Built under a new name without locking writes (CONCURRENTLY, so the migration is not
# atomic), then put in the old one's place; about a minute at 1,900,000 items (README,
# "Deployment"). PostgreSQL only, as 0024: on SQLite it does nothing.
OLD_COLUMNS = "(category, decision_id DESC) INCLUDE (id, position, similar_search)"
NEW_COLUMNS = (
    "(category, decision_id DESC) INCLUDE (id, position, outcome, guideline_source, similar_search)"
)


def _index_replace(schema_editor, columns: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS precedent_item_similar_next")
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY precedent_item_similar_next ON reviews_precedentitem "
        + columns
    )
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS precedent_item_similar")
    schema_editor.execute("ALTER INDEX precedent_item_similar_next RENAME TO precedent_item_similar")


def outcome_include(apps, schema_editor):
    _index_replace(schema_editor, NEW_COLUMNS)


def outcome_leave_out(apps, schema_editor):
    _index_replace(schema_editor, OLD_COLUMNS)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reviews", "0024_precedent_similar_search"),
    ]

    operations = [
        migrations.RunPython(outcome_include, outcome_leave_out, elidable=False),
    ]
