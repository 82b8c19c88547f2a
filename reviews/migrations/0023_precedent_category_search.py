from django.db import migrations

# The library's search with a category filter (reviews.precedents.search): one GIN index over
# the category and the search tsvector (btree_gin indexes the category's text in GIN), so
# "therapy lumbar spine" in Physical therapy is one intersection inside the index, not a
# BitmapAnd of the words' GIN bitmap (110,000 items) with the category's b-tree bitmap
# (200,000) and a lossy recheck (bench/README.md). PostgreSQL only, as 0019's column: on
# SQLite it does nothing, either way. The btree_gin extension is created if missing and left
# in place when the index is dropped (something else may use it).
INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS precedent_item_category_search "
    "ON reviews_precedentitem USING gin (category, search)"
)
INDEX_REVERSE_SQL = "DROP INDEX IF EXISTS precedent_item_category_search"


def index_add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        schema_editor.execute(INDEX_SQL)


def index_remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX_REVERSE_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0022_reportrun"),
    ]

    operations = [
        migrations.RunPython(index_add, index_remove),
    ]
