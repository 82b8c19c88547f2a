"""The site's error answers: a page for people, JSON for the API. Every answer under /api/ is
JSON (`{"errors": [{"path": ..., "message": ...}]}`, the shape of cases.api.views), including
an unknown address, a body too large for Django to read, and a server error."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(message: str, *, status: int, path: str | None = None) -> JsonResponse:
    return JsonResponse({"errors": [{"path": path, "message": message}]}, status=status)


def bad_input_page(request, message: str):
    """A 400 page that says what was wrong with what was sent."""
    return render(request, "400.html", {"message": message}, status=400)


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        limit = settings.API_MAX_BODY_BYTES if is_api(request) else None
        if limit is not None:
            return api_error(
                f"The request body is over the limit of {limit / 1_048_576:.0f} MB. Send fewer "
                "applications or records per request.",
                status=413,
                path="$",
            )
        return bad_input_page(request, "What you sent is too large to be read.")
    if is_api(request):
        return api_error("The request could not be read.", status=400)
    return bad_input_page(request, "The request could not be read.")


def permission_denied(request, exception=None):
    if is_api(request):
        return api_error("You do not have permission to do this.", status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if is_api(request):
        return api_error("There is nothing at this address.", status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return api_error(
            "Something went wrong on our side; nothing was changed. Try again later.", status=500
        )
    return defaults.server_error(request)
