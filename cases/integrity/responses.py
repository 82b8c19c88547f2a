"""Serving a stored file: the one download response, which checks the file first."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpResponse
from django.template.response import TemplateResponse

from cases.integrity.stored import StoredFileCorrupt, stored_file_open


def integrity_refused(request, error: StoredFileCorrupt) -> HttpResponse:
    """The answer to a download whose file failed its check: a server-side fault (500), said
    plainly; the administrators were told when it was found."""
    return TemplateResponse(
        request,
        "integrity/refused.html",
        {"kind": error.kind, "problem": error.problem},
        status=500,
    )


def stored_file_response(
    request,
    obj: Any,
    file_field: str,
    *,
    filename: str,
    as_attachment: bool = True,
    content_type: str = "application/pdf",
) -> HttpResponse:
    """The stored file of `obj` after its SHA-256 matched the recorded one, or the refusal."""
    try:
        return stored_file_served(
            obj,
            file_field,
            actor=request.user,
            filename=filename,
            as_attachment=as_attachment,
            content_type=content_type,
        )
    except StoredFileCorrupt as error:
        return integrity_refused(request, error)


def stored_file_served(
    obj: Any,
    file_field: str,
    *,
    actor,
    filename: str,
    as_attachment: bool = True,
    content_type: str = "application/pdf",
) -> FileResponse:
    """The response serving the stored file once its SHA-256 matched the recorded one; raises
    StoredFileCorrupt (the administrators told) when it did not."""
    handle = stored_file_open(obj, file_field, actor=actor)
    response = FileResponse(
        handle, as_attachment=as_attachment, filename=filename, content_type=content_type
    )
    # Medical information: never kept in a shared cache or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    if not as_attachment:
        # Shown in a frame of our own pages (the record viewer). Only frame-ancestors: the
        # page policy's object-src 'none' would stop the browser's PDF viewer.
        response["X-Frame-Options"] = "SAMEORIGIN"
        response["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response
