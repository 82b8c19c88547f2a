import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings")

app = Celery("imrsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
