from django.db import migrations

# The library's search with a category filter and an outcome (reviews.precedents.search):
# - newest_first_candidates reads the category's newest items from precedent_item_similar (0024)
#   alone and filters them by outcome and guideline source there too: the index now holds both
#   beside the narrow tsvector;
# - where that window cannot answer, the GIN index over the category and the search tsvector
#   (0023) now holds the outcome too, so "left hand wrist" in Physical therapy, overturned, is
#   one intersection inside the index, not a bitmap of 8,000 items whose rows are then read to
#   keep the 15% overturned (bench/README.md).
# Each is built under a new name without locking writes (CONCURRENTLY, so the migration is not
# atomic), then put in the old one's place: about a minute for both at 1,900,000 items (README,
# "Deployment"). PostgreSQL only, as 0023 and 0024: on SQLite it does nothing.
INDEXES = {
    # name: (before, after)
    "precedent_item_similar": (
        "btree (category, decision_id DESC) INCLUDE (id, position, similar_search)",
        "btree (category, decision_id DESC) "
        "INCLUDE (id, position, outcome, guideline_source, similar_search)",
    ),
    "precedent_item_category_search": ("gin (category, search)", "gin (category, outcome, search)"),
}


def _indexes_replace(schema_editor, *, after: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definitions in INDEXES.items():
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}_next")
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY {name}_next ON reviews_precedentitem "
            f"USING {definitions[after]}"
        )
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.execute(f"ALTER INDEX {name}_next RENAME TO {name}")


def outcome_include(apps, schema_editor):
    _indexes_replace(schema_editor, after=True)


def outcome_leave_out(apps, schema_editor):
    _indexes_replace(schema_editor, after=False)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reviews", "0024_precedent_similar_search"),
    ]

    operations = [
        migrations.RunPython(outcome_include, outcome_leave_out, elidable=False),
    ]
