"""Answers to input refused before any view reads it (imrsite.middleware): a page for people,
JSON in the API's shape (`{"errors": [{"path": ..., "message": ...}]}`) for /api/. The site's
error handlers (400, 403, 404, 500) are ops.errors."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(message: str, *, status: int, path: str | None = None) -> JsonResponse:
    return JsonResponse({"errors": [{"path": path, "message": message}]}, status=status)


def bad_input_page(request, message: str):
    """A 400 page that says what was wrong with what was sent."""
    return render(request, "400.html", {"message": message}, status=400)
