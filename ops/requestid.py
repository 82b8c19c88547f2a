"""The request id: taken from `X-Request-ID` when it is short and safe, made otherwise; held
in a context variable for the length of a request (or a Celery task it queued), so every log
record of that request can carry it."""

import contextvars
import re
import uuid

HEADER = "X-Request-ID"
# Short and plain: an id that a log line or a header can carry without escaping.
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

current: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


def request_id_from(value: str | None) -> str:
    """The id a client (or the proxy in front) sent, if it is valid; a new one otherwise."""
    if value and _VALID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def request_id_get() -> str | None:
    return current.get()
