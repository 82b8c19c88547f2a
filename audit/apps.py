from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self):
        # Models exist only once the registry is ready: the sign-in receivers and the SQLite
        # triggers are connected here.
        from audit import signals, triggers  # cycle: app loading; models exist only now

        signals.connect()
        post_migrate.connect(triggers.sqlite_append_only_install, dispatch_uid="audit-sqlite")
