from django.db import migrations

# The similar-items panel (reviews.precedents.search.similar_item_ranks) matches and ranks an
# item's description (weight A) and citation (B) only. The `search` column (0019) also holds the
# rationale's words, so reading the first few hundred items of a category that share a word
# meant reading the wide table rows themselves (about 1.5 KB each, 1,300 pages for one panel at
# 1,000,000 decisions). `similar_search` is the narrow tsvector, and precedent_item_similar a
# b-tree holding it for each category, newest decision first: the panel's candidates are read
# from the index alone (an index-only scan, about 100 pages), the newest of the category first
# (bench/README.md). PostgreSQL only, as 0019's column: on SQLite it does nothing.
# Adding a stored generated column rewrites the table (about 3 minutes at 1,900,000 items,
# the table locked meanwhile: README, "Deployment").
COLUMN_SQL = """ALTER TABLE reviews_precedentitem ADD COLUMN IF NOT EXISTS similar_search tsvector
    GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(citation, '')), 'B')
    ) STORED"""
INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS precedent_item_similar ON reviews_precedentitem "
    "(category, decision_id DESC) INCLUDE (id, position, similar_search)"
)


def similar_search_add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COLUMN_SQL)
        schema_editor.execute(INDEX_SQL)


def similar_search_remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS precedent_item_similar")
        schema_editor.execute("ALTER TABLE reviews_precedentitem DROP COLUMN IF EXISTS similar_search")


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0023_precedent_category_search"),
    ]

    operations = [
        migrations.RunPython(similar_search_add, similar_search_remove),
    ]
