"""The append-only triggers on SQLite. On PostgreSQL django-pgtrigger installs them from each
model's `Meta.triggers` in the migrations; it does nothing on SQLite, so the same rule is
written here as SQLite triggers for every model that declares a `pgtrigger.Protect`.

They are (re)installed after every migrate, not once in a migration: SQLite rebuilds a table
to alter it (create, copy, drop, rename), and dropping the old table drops its triggers."""

from __future__ import annotations

import pgtrigger
from django.apps import apps
from django.db import connections

_OPERATIONS = (("UPDATE", "changed"), ("DELETE", "deleted"))


def protected_tables() -> list[str]:
    """The tables of every model that declares a `pgtrigger.Protect` trigger."""
    tables = []
    for model in apps.get_models():
        triggers = getattr(model._meta, "triggers", ())
        if any(isinstance(trigger, pgtrigger.Protect) for trigger in triggers):
            tables.append(model._meta.db_table)
    return sorted(tables)


def sqlite_trigger_sql(table: str) -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER statement) of the SQLite triggers that refuse UPDATE and DELETE."""
    statements = []
    for operation, verb in _OPERATIONS:
        name = f"{table}_append_only_{operation.lower()}"
        statements.append(
            (
                name,
                f'CREATE TRIGGER IF NOT EXISTS "{name}" BEFORE {operation} ON "{table}" '
                f"BEGIN SELECT RAISE(ABORT, 'append-only: rows of {table} cannot be {verb}'); END",
            )
        )
    return statements


def sqlite_append_only_install(using: str = "default", **kwargs) -> None:
    """post_migrate receiver: install the triggers on a SQLite database (idempotent)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in protected_tables():
            if table not in existing:
                continue
            for _name, sql in sqlite_trigger_sql(table):
                cursor.execute(sql)
