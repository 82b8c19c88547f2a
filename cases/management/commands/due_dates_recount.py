"""due_dates_recount: every open case's stored due date counted again on the current holiday
calendars (what a holiday edit asks a worker to do; for when no worker did)."""

from django.core.management.base import BaseCommand

from cases.lifecycle.services import cases_due_on_recount


class Command(BaseCommand):
    help = (
        "Count again the running deadline stored on every open case (the date the case list "
        "sorts and filters on) with the current holiday calendars, and write those that "
        "changed. A holiday edit asks the task queue to do this; run it when the queue did not. "
        "Prints how many cases changed."
    )

    def handle(self, *args, **options):
        changed = cases_due_on_recount()
        self.stdout.write(f"{changed} open cases' due dates changed")
