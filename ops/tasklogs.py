"""Celery tasks log with the request id of the request that queued them: the id rides in the
message's headers (`before_task_publish`) and is set for the task's run (`task_prerun`). A
worker logs through the site's LOGGING (JSON or text, with the id) instead of Celery's own."""

import logging
import logging.config

from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun
from django.conf import settings

from ops import requestid

HEADER = "imr_request_id"
_tokens: dict[str, object] = {}


@before_task_publish.connect
def request_id_send(headers=None, **_kwargs):
    request_id = requestid.request_id_get()
    if request_id and headers is not None:
        headers[HEADER] = request_id


def _request_id_of(task) -> str | None:
    request = task.request
    value = getattr(request, HEADER, None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get(HEADER)
    return requestid.request_id_from(value) if value else None


@task_prerun.connect
def request_id_take(task_id=None, task=None, **_kwargs):
    # An eager task (tests) runs inside the request: it keeps the request's id.
    request_id = _request_id_of(task) or requestid.request_id_get()
    _tokens[task_id] = requestid.current.set(request_id)


@task_postrun.connect
def request_id_drop(task_id=None, **_kwargs):
    token = _tokens.pop(task_id, None)
    if token is not None:
        requestid.current.reset(token)


@setup_logging.connect
def worker_logging(loglevel=None, **_kwargs):
    """Connected, this keeps Celery from replacing the root logger's handlers with its own."""
    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)
