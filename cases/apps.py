from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Case file"

    def ready(self):
        """The records and intake rooms' stored files join the integrity checks."""
        from cases.intake.files import stored_kinds_register as intake_files  # cycle: models
        from cases.records.files import stored_kinds_register  # cycle: models exist only now

        stored_kinds_register()
        intake_files()
