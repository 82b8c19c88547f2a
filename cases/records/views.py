"""Opening a medical record in the browser (each opening is written to the audit log by
the audit middleware: audit.routes)."""

from __future__ import annotations

from django.views.decorators.http import require_GET

from cases.access import access_required, case_get_for, record_get_for
from cases.integrity.responses import stored_file_response

# --- Record download --------------------------------------------------------------------------


@access_required()
@require_GET
def case_record(request, case_number: str, record_id: int):
    case = case_get_for(request.user, case_number)
    record = record_get_for(request.user, case, record_id)
    filename = record.original_filename or f"{record.title}.pdf"
    # Checked against its SHA-256 before a byte is served (cases.integrity). No "CSP: sandbox"
    # here: Chromium and Safari then refuse to show the PDF at all; the file was checked to be
    # a PDF on upload and nosniff is set site-wide.
    return stored_file_response(request, record, "file", filename=filename, as_attachment=False)
