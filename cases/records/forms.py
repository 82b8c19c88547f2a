"""Forms of a medical record: the fields the intake form and the case page share, and adding a
record to a case."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.forms import date_field, past_date_check
from cases.records.models import RecordKind
from cases.records.services import record_file_check


class RecordFields(forms.Form):
    """A medical record: a PDF with the title and date the letter lists it by."""

    file = forms.FileField(
        label="PDF file",
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    title = forms.CharField(
        label="Title",
        max_length=300,
        required=False,
        help_text="As the letter lists it, e.g. “PR-2 progress report”.",
    )
    document_date = date_field("Document date", required=False)
    kind = forms.ChoiceField(label="Kind", choices=RecordKind.choices, initial=RecordKind.MEDICAL)
    source = forms.CharField(
        label="Sent by",
        max_length=200,
        required=False,
        help_text="Who sent it, e.g. “Pacific Claims Services”; the letter lists it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A row may be left empty, but a record needs both: show them as required.
        for name in ("file", "title"):
            self.fields[name].looks_required = True
            self.fields[name].widget.attrs["aria-required"] = "true"

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            record_file_check(uploaded)
        return uploaded

    def clean_document_date(self):
        value = self.cleaned_data.get("document_date")
        past_date_check(value, "document date")
        return value

    def clean(self):
        cleaned = super().clean()
        has_file = bool(cleaned.get("file")) or "file" in self.errors
        if has_file and not cleaned.get("title"):
            self.add_error("title", "Give the record a title: the letter lists it by title.")
        if not has_file and "file" not in self.errors:
            self.add_error("file", "Choose the PDF file for this record.")
        return cleaned

    def record_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "uploaded": data["file"],
            "title": data["title"],
            "document_date": data.get("document_date"),
            "kind": data["kind"],
            "source": data.get("source") or "",
        }


# --- Actions on a case ------------------------------------------------------------------------


class RecordAddForm(RecordFields):
    """The case page's upload: one record, the file required."""
