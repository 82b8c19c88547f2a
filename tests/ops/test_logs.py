"""Every log record of a request carries its id (taken from X-Request-ID when valid, made
otherwise, and returned in the response); one access line per request without the query
string; JSON lines when LOG_FORMAT=json; Celery tasks log with the id of the request that
queued them."""

import io
import json
import logging

import pytest
from django.urls import reverse

from cases.reminders.tasks import clock_reminders_send
from ops import requestid, tasklogs
from ops.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def logs(caplog):
    """caplog's records with the request id, as the site's console handler puts it."""
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.INFO)
    return caplog


def access_lines(caplog):
    return [record for record in caplog.records if record.name == "imr.access"]


def test_a_valid_request_id_is_kept_returned_and_on_every_record(client, logs, case_admin):
    client.force_login(case_admin)
    logs.clear()  # the sign-in's own event is logged outside any request
    response = client.get(
        reverse("casefile:case_detail", args=["CM26-9999999"]), HTTP_X_REQUEST_ID="lb-4711.a"
    )
    assert response.status_code == 404
    assert response["X-Request-ID"] == "lb-4711.a"
    # Django's "Not Found" warning and our access line: both carry the id.
    assert {record.name for record in logs.records} >= {"django.request", "imr.access"}
    assert {record.request_id for record in logs.records} == {"lb-4711.a"}


@pytest.mark.parametrize("sent", ["", "a" * 65, "x\ny", "<script>", "name with spaces"])
def test_an_invalid_request_id_is_replaced(client, logs, sent):
    response = client.get(reverse("ops:live"), HTTP_X_REQUEST_ID=sent)
    made = response["X-Request-ID"]
    assert made != sent and len(made) == 32
    assert access_lines(logs)[0].request_id == made


def test_each_request_gets_its_own_id_and_none_leaks_out(client, logs):
    first = client.get(reverse("ops:live"))["X-Request-ID"]
    second = client.get(reverse("ops:live"))["X-Request-ID"]
    assert first != second
    assert requestid.request_id_get() is None


def test_the_access_line_has_no_query_string(client, logs, case_admin):
    client.force_login(case_admin)
    response = client.get(reverse("casefile:case_list") + "?q=Delgado%2C+Maria")
    (line,) = access_lines(logs)
    assert (line.method, line.path, line.status) == ("GET", "/cases/", 200)
    assert line.user_id == case_admin.pk and line.duration_ms > 0
    assert line.request_id == response["X-Request-ID"]
    assert "Delgado" not in line.getMessage()


def test_json_lines_carry_the_fields_and_never_the_request_object(client, logs):
    client.get(reverse("ops:live") + "?name=Maria", HTTP_X_REQUEST_ID="req-json-1")
    (record,) = access_lines(logs)
    record.request = object()  # as django.request passes it: never written
    entry = json.loads(JsonFormatter().format(record))
    assert entry["request_id"] == "req-json-1"
    assert entry["logger"] == "imr.access" and entry["level"] == "INFO"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/health/live/", 200)
    assert "request" not in entry and "Maria" not in json.dumps(entry)


def test_an_exception_is_one_json_line():
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed", (), exc_info=__import__("sys").exc_info()
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "ValueError: broken" in json.loads(line)["exception"]


def test_the_sites_console_handler_writes_the_request_id(client):
    handler = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(found, RequestIdFilter) for found in handler.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        client.get(reverse("ops:live"), HTTP_X_REQUEST_ID="console-77")
    finally:
        handler.setStream(previous)
    assert "[console-77] GET /health/live/ 200" in stream.getvalue()


def test_a_queued_task_carries_the_request_id_in_its_headers():
    headers = {}
    token = requestid.current.set("req-task-1")
    try:
        tasklogs.request_id_send(headers=headers)
    finally:
        requestid.current.reset(token)
    assert headers == {tasklogs.HEADER: "req-task-1"}


@pytest.mark.worker
def test_a_task_logs_with_the_id_of_the_request_that_queued_it(celery_worker):
    token = requestid.current.set("req-worker-42")
    try:
        result = clock_reminders_send.delay()
    finally:
        requestid.current.reset(token)
    celery_worker.task_outcome(result)
    succeeded = [line for line in celery_worker.log().splitlines() if result.id in line]
    assert any("[req-worker-42]" in line and "succeeded" in line for line in succeeded)


def test_djangos_records_are_written_once_by_the_sites_handler():
    """A 403's "Forbidden" line (django.request) was printed twice while DEBUG was on: by
    Django's own console handler and by ours. Only ours writes it now (pytest's own capture
    handlers left aside)."""
    writers = []
    logger = logging.getLogger("django.request")
    while logger is not None:
        writers += [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
        logger = logger.parent if logger.propagate else None
    assert len(writers) == 1
    assert any(isinstance(found, RequestIdFilter) for found in writers[0].filters)


def test_a_refusal_is_one_line_in_the_log_without_a_traceback(client, logs, reviewer):
    """From QA: each 403 wrote Django's traceback to the server log, burying the faults."""
    client.force_login(reviewer)
    logs.clear()
    assert client.get(reverse("auditlog:search")).status_code == 403
    (refused,) = [record for record in logs.records if record.name == "django.request"]
    assert refused.getMessage().startswith("Forbidden")
    assert refused.exc_info is None and "Traceback" not in logs.text
    assert access_lines(logs)[0].status == 403
