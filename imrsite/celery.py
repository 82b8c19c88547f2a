import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings")

app = Celery("imrsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Tasks live in the rooms that own the work (the Celery docs' `tasks.py` per package).
app.autodiscover_tasks(
    [
        "cases.clockpages",
        "cases.integrity",
        "cases.intake",
        "cases.outbox",
        "cases.records",
        "cases.reminders",
        "reviews.assignment",
        "reviews.letters",
        "reviews.quality",
        "reviews.reports",
    ]
)
