"""Log records with the request id, and a JSON formatter (one object a line) for a log
collector. Our own formatter, because it is twenty lines: no dependency for it."""

import datetime as dt
import json
import logging

from django.core.exceptions import BadRequest, PermissionDenied
from django.http.multipartparser import MultiPartParserError

from ops.requestid import request_id_get

# The attributes every LogRecord has; anything else on a record came as `extra=` and is logged.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}
# Django's request logging passes the request itself as extra: its repr holds the query
# string, which may hold names. It is never written.
_NEVER = {"request"}


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record ("-" outside any request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_get() or "-"
        return True


# The refusals Django logs with their exception attached: answers to the asker (403, 400), not
# faults. (A 404 is logged without one; a SuspiciousOperation goes to django.security, kept.)
_REFUSALS = (PermissionDenied, BadRequest, MultiPartParserError)


class RefusalWithoutTraceback(logging.Filter):
    """A refusal is an answer, not a fault: Django's "Forbidden (Permission denied)" (or "Bad
    request") warning stays one line, without the traceback Django attaches to it (from QA:
    every 403 wrote twenty lines to the server log, burying the faults). The access line
    (imr.access) records it as well."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], _REFUSALS):
            record.exc_info = None
            record.exc_text = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_get(),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key in _NEVER or key.startswith("_"):
                continue
            if isinstance(value, str | int | float | bool | type(None)):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)
