from django.apps import AppConfig

# Importing it connects Celery's signals: the request id travels from the web request into the
# logs of the tasks it queued, and a worker logs in the site's format.
from ops import tasklogs  # noqa: F401


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations: health, metrics, logs, error pages"
