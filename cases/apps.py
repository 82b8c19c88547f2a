from django.apps import AppConfig
from django.db.backends.signals import connection_created

from cases.textsearch import sqlite_register


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Case file"

    def ready(self):
        """The records and intake rooms' stored files join the integrity checks; a SQLite
        connection gets the search's fold function (cases.textsearch)."""
        from cases.intake.files import stored_kinds_register as intake_files  # cycle: models
        from cases.records.files import stored_kinds_register  # cycle: models exist only now

        connection_created.connect(sqlite_register, dispatch_uid="cases.textsearch")

        stored_kinds_register()
        intake_files()
