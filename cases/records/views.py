"""Opening a medical record in the browser (each opening is written to the audit log by
the audit middleware: audit.routes)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from cases.access import access_required, case_get_for, record_get_for

# --- Record download --------------------------------------------------------------------------


@access_required()
@require_GET
def case_record(request, case_number: str, record_id: int):
    case = case_get_for(request.user, case_number)
    record = record_get_for(request.user, case, record_id)
    try:
        handle = record.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file of this record is missing.") from error
    filename = record.original_filename or f"{record.title}.pdf"
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=False, filename=filename
    )
    # Medical records: never kept in a shared cache or the browser's disk cache. No
    # "CSP: sandbox" here: Chromium and Safari then refuse to show the PDF at all; the file
    # was checked to be a PDF on upload and nosniff is set site-wide.
    response["Cache-Control"] = "private, no-store"
    return response
