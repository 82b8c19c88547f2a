from django.apps import AppConfig
from django.db.models.signals import post_migrate

from reviews.roster.version_triggers import sqlite_roster_version_install


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self):
        """Register what the rooms below need from the rooms above them (the case file from the
        reviewer side; quality review from the letters room), so no import points upward."""
        from reviews.registrations import register  # cycle: app loading; models exist only now

        register()
        # The roster version's triggers on SQLite, after every migrate (a rebuilt table loses
        # its triggers); PostgreSQL's come from migration reviews 0027.
        post_migrate.connect(sqlite_roster_version_install, dispatch_uid="reviews-roster-sqlite")
