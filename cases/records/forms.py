"""Forms of a medical record: the fields the intake form and the case page share, and adding a
record to a case."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.forms import date_field, past_date_check
from cases.records.models import RecordKind
from cases.records.services import NONE_ADDED, record_file_check


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
        help_text=(
            "As the letter lists it, e.g. “PR-2 progress report”. Left empty, each record is "
            "titled by its file's name (“PR-2_progress_report.pdf” as “PR-2 progress report”)."
        ),
    )
    document_date = date_field("Document date", required=False)
    kind = forms.ChoiceField(label="Kind", choices=RecordKind.choices, initial=RecordKind.MEDICAL)
    source = forms.CharField(
        label="Sent by",
        max_length=200,
        required=False,
        help_text="Who sent it, e.g. “Pacific Claims Services”; the letter lists it.",
    )

    # A row may be left empty, but a record needs its file: shown and announced as required.
    # The title may be left empty (the file's name is used): not drawn as required.
    shown_required = ("file",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.shown_required:
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


class _PdfFilesInput(forms.FileInput):
    allow_multiple_selected = True


class _PdfFilesField(forms.FileField):
    """One PDF or several, as a list (each cleaned as FileField cleans one)."""

    def clean(self, data, initial=None):
        chosen = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(_PdfFilesField, self).clean(one, initial) for one in chosen if one]


def title_from_file_name(name: str) -> str:
    """A record's title from its file's name, when none is typed: the name
    without ".pdf", underscores as spaces ("PR-2_progress_report.pdf" → "PR-2 progress
    report")."""
    stem = name.rsplit("/", 1)[-1]
    if stem.lower().endswith(".pdf"):
        stem = stem[:-4]
    title = " ".join(stem.replace("_", " ").split())
    return (title or name)[:300]


class RecordAddForm(RecordFields):
    """The case page's upload: one record or several PDFs at once with the same date, kind and
    sender, each titled by its file's name unless one file is given a title."""

    file = _PdfFilesField(
        label="PDF files",
        required=False,
        widget=_PdfFilesInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text="One file, or several at once: each becomes a record.",
    )

    def clean_file(self):
        """Every file checked, and every bad one named, before any is stored: here so that they
        are named with the form's other problems (records_add checks them again, as the rule's
        owner for every door)."""
        problems = []
        for uploaded in self.cleaned_data.get("file") or []:
            try:
                record_file_check(uploaded)
            except forms.ValidationError as error:
                problems.extend(error.messages)
        if problems:
            raise forms.ValidationError(
                [*problems, NONE_ADDED] if len(self.cleaned_data["file"]) > 1 else problems
            )
        return self.cleaned_data.get("file") or []

    def clean(self):
        cleaned = forms.Form.clean(self)
        files = cleaned.get("file") or []
        if "file" in self.errors:
            return cleaned
        if not files:
            self.add_error("file", "Choose the PDF file for this record.")
        elif len(files) > 1 and cleaned.get("title"):
            self.add_error(
                "title",
                f"With {len(files)} files each record is titled by its file's name: leave the "
                "title empty, or upload the files one at a time to title each.",
            )
        return cleaned

    def records_data(self) -> dict[str, Any]:
        """The files, each with its title, and what they share."""
        data = self.cleaned_data
        files = data["file"]
        # One file titled as typed; otherwise each by its file's name, one file as several
        # (from QA: one file with no title was refused, two were titled from their names).
        titled = (
            [(files[0], data["title"])]
            if data.get("title")
            else [(uploaded, title_from_file_name(uploaded.name or "")) for uploaded in files]
        )
        return {
            "files": titled,
            "document_date": data.get("document_date"),
            "kind": data["kind"],
            "source": data.get("source") or "",
        }
