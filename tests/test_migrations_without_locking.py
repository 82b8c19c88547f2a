"""Migrations that build an index on a big table do not block its writes on PostgreSQL
(imrsite.migration_operations)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

# sqlmigrate runs outside the test's transaction (SQLite's schema editor and CONCURRENTLY
# refuse one).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("migration", "index"),
    [
        ("0026_determination_awaiting_quality", "determination_awaiting_quality"),
        ("0038_determination_withdrawn", "one_determination_per_round"),
    ],
)
def test_a_determination_index_is_built_concurrently_on_postgresql(migration, index):
    out = io.StringIO()
    call_command("sqlmigrate", "reviews", migration, stdout=out)
    sql = out.getvalue()
    concurrently = f'INDEX CONCURRENTLY "{index}"' in sql
    assert concurrently == (connection.vendor == "postgresql")
    assert f'"{index}"' in sql
