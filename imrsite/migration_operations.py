"""Index migrations that do not stop the office's work while they run.

A plain CREATE INDEX (or DROP INDEX) holds a lock that blocks every write to the table until
it is done: seconds to minutes on the case and determination tables at a real IRO's size, with
the web and the workers waiting on it. On PostgreSQL these build and drop the index
CONCURRENTLY instead, which lets writes go on (and so cannot run inside a transaction: a
migration using them sets `atomic = False`). SQLite has no such form and the plain statement
is what it gets; its database is the one-machine default, where a migration runs while the
app is stopped anyway."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db.migrations.operations import AddIndex, RemoveIndex


def _concurrently(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


class AddIndexWithoutLocking(AddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _concurrently(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _concurrently(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class RemoveIndexWithoutLocking(RemoveIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _concurrently(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            RemoveIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _concurrently(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            RemoveIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
