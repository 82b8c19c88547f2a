"""Index migrations that do not stop the office's work while they run.

A plain CREATE INDEX (or DROP INDEX) holds a lock that blocks every write to the table until
it is done: seconds to minutes on the case and determination tables at a real IRO's size, with
the web and the workers waiting on it. On PostgreSQL these build and drop the index
CONCURRENTLY instead, which lets writes go on (and so cannot run inside a transaction: a
migration using them sets `atomic = False`). SQLite has no such form and the plain statement
is what it gets; its database is the one-machine default, where a migration runs while the
app is stopped anyway."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db.migrations.operations import AddConstraint, AddIndex, RemoveIndex
from django.db.models import UniqueConstraint


class _ConcurrentlyWherePossible:
    """CONCURRENTLY (the parent class's way) on PostgreSQL, else the plain operation's way."""

    plain: type

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return self.plain.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return self.plain.database_backwards(self, app_label, schema_editor, from_state, to_state)


class AddIndexWithoutLocking(_ConcurrentlyWherePossible, AddIndexConcurrently):
    plain = AddIndex


class RemoveIndexWithoutLocking(_ConcurrentlyWherePossible, RemoveIndexConcurrently):
    plain = RemoveIndex


class AddConstraintWithoutLocking(AddConstraint):
    """A unique constraint with a condition, which PostgreSQL keeps as a unique index: built
    CONCURRENTLY there (the migration sets `atomic = False`); any other constraint, and on
    SQLite, the plain way."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        constraint = self.constraint
        model = to_state.apps.get_model(app_label, self.model_name)
        if (
            schema_editor.connection.vendor != "postgresql"
            or not isinstance(constraint, UniqueConstraint)
            or constraint.condition is None
            or not self.allow_migrate_model(schema_editor.connection.alias, model)
        ):
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        statement = str(constraint.create_sql(model, schema_editor))
        plain = "CREATE UNIQUE INDEX "
        if not statement.startswith(plain):
            raise ValueError(f"Not an index to build concurrently: {statement}")
        schema_editor.execute(
            statement.replace(plain, "CREATE UNIQUE INDEX CONCURRENTLY ", 1), params=None
        )
