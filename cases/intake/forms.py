"""Forms of the case pages. They parse and check input; the services decide what may happen."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict, ErrorList

from cases.forms import date_field, no_future_date
from cases.intake.validation import NPI_RE, WORKER_MAX_AGE, WORKER_MIN_AGE
from cases.lifecycle.models import (
    Case,
    CitationKind,
    ItemCategory,
    PartyRole,
    Priority,
    Sex,
)
from cases.records.forms import RecordFields

# --- The intake form --------------------------------------------------------------------------


class ApplicationForm(forms.Form):
    application_id = forms.CharField(
        label="Application ID",
        max_length=64,
        help_text="As printed on the IMR application. One case per application ID.",
    )
    priority = forms.ChoiceField(
        label="Priority",
        choices=Priority.choices,
        initial=Priority.STANDARD,
        widget=forms.RadioSelect,
        help_text="Expedited: an imminent, serious threat to the worker's health "
        "(records due in 24 hours, determination in 3 days).",
    )
    application_received = date_field("Application received")
    ur_decision_date = date_field(
        "UR decision date", help_text="Printed in the letter as the UR Denial Date."
    )
    ur_decision_served_on = date_field(
        "UR decision served",
        required=False,
        help_text="The 30-day application deadline runs from service; "
        "leave empty to use the UR decision date.",
    )
    date_of_injury = date_field("Date of injury")
    claim_number = forms.CharField(label="Claim number", max_length=64)

    def clean_application_id(self) -> str:
        application_id = self.cleaned_data["application_id"]
        existing = (
            Case.objects.filter(application_id=application_id)
            .values_list("case_number", flat=True)
            .first()
        )
        if existing:
            raise ValidationError(
                f"Application {application_id} is already on file as case {existing}."
            )
        return application_id

    def clean(self):
        cleaned = super().clean()
        labels = {
            "application_received": "application received date",
            "ur_decision_date": "UR decision date",
            "ur_decision_served_on": "UR decision service date",
            "date_of_injury": "date of injury",
        }
        for name, what in labels.items():
            try:
                no_future_date(cleaned.get(name), what)
            except ValidationError as error:
                self.add_error(name, error)
        injury, ur_date = cleaned.get("date_of_injury"), cleaned.get("ur_decision_date")
        served, received = cleaned.get("ur_decision_served_on"), cleaned.get("application_received")
        if injury and ur_date and injury > ur_date:
            self.add_error("date_of_injury", "The injury must come before the UR decision.")
        if ur_date and served and served < ur_date:
            self.add_error("ur_decision_served_on", "Service cannot come before the UR decision.")
        if ur_date and received and received < ur_date:
            self.add_error(
                "application_received", "The application cannot come before the UR decision."
            )
        return cleaned


class WorkerForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = date_field("Date of birth", required=False, help_text="Or give the age below.")
    age = forms.IntegerField(
        label="Age at injury",
        required=False,
        min_value=WORKER_MIN_AGE,
        max_value=WORKER_MAX_AGE,
        help_text="Only when the date of birth is not known.",
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)
    email = forms.EmailField(label="Email", required=False)
    address = forms.CharField(
        label="Mailing address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where the letter is sent when there is no attorney.",
    )

    def clean(self):
        cleaned = super().clean()
        born = cleaned.get("date_of_birth")
        try:
            no_future_date(born, "date of birth")
        except ValidationError as error:
            self.add_error("date_of_birth", error)
        if not born and cleaned.get("age") is None and "age" not in self.errors:
            self.add_error("date_of_birth", "Give the date of birth or the age.")
        return cleaned


class PartyForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, required=False)
    identifier = forms.CharField(label="Identifier", max_length=64, required=False)
    email = forms.EmailField(label="Email", required=False)

    def __init__(self, *args, required: bool, identifier_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.required = required
        self.fields["name"].required = required
        self.fields["identifier"].label = identifier_label

    def clean(self):
        cleaned = super().clean()
        given = cleaned.get("identifier") or cleaned.get("email")
        if not self.required and not cleaned.get("name") and given:
            self.add_error("name", "Give the name, or leave this party empty.")
        return cleaned

    def party_data(self) -> dict[str, str] | None:
        data = self.cleaned_data
        if not data.get("name"):
            return None
        return {
            "name": data["name"],
            "identifier": data.get("identifier") or "",
            "specialty": data.get("specialty") or "",
            "email": data.get("email") or "",
            "address": "",
        }


class RequestingProviderForm(PartyForm):
    specialty = forms.CharField(
        label="Specialty",
        max_length=120,
        help_text="Reviewers with the same specialty are preferred.",
        widget=forms.TextInput(attrs={"list": "specialty-names"}),
    )
    field_order = ["name", "specialty", "identifier", "email"]

    def clean_identifier(self) -> str:
        npi = re.sub(r"\s+", "", self.cleaned_data.get("identifier") or "")
        if npi and not NPI_RE.match(npi):
            raise ValidationError("An NPI is 10 digits.")
        return npi


# role, required, identifier label
PARTY_FORMS: list[tuple[str, bool, str]] = [
    (PartyRole.EMPLOYER, True, "FEIN or other identifier"),
    (PartyRole.CLAIMS_ADMINISTRATOR, True, "Identifier"),
    (PartyRole.REQUESTING_PROVIDER, True, "NPI"),
    (PartyRole.UR_ORGANIZATION, True, "Identifier"),
    (PartyRole.UR_PHYSICIAN, False, "NPI or licence number"),
    (PartyRole.PROVIDER_GROUP, False, "NPI or tax ID"),
    (PartyRole.ATTORNEY, False, "State Bar number"),
]


class DiagnosesForm(forms.Form):
    diagnoses = forms.CharField(
        label="Diagnoses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line, as the treating physician states them.",
    )

    def diagnosis_list(self) -> list[str]:
        text = self.cleaned_data.get("diagnoses") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class ItemForm(forms.Form):
    description = forms.CharField(
        label="Treatment requested",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="As the letter will print it, e.g. “MRI of the right shoulder without contrast”.",
    )
    category = forms.ChoiceField(
        label="Category", choices=[("", "Choose a category…"), *ItemCategory.choices]
    )
    ur_citation_kind = forms.ChoiceField(
        label="UR cited",
        choices=CitationKind.choices,
        initial=CitationKind.MTUS,
        widget=forms.RadioSelect,
    )
    ur_citation_text = forms.CharField(
        label="UR citation",
        required=False,
        max_length=500,
        help_text="The guideline UR relied on, e.g. “MTUS Shoulder Complaints 2004”. "
        "Leave empty when UR cited nothing.",
    )
    original_request = forms.CharField(
        label="Original request",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the physician asked for, e.g. “12 sessions of physical therapy”.",
    )
    authorized_portion = forms.CharField(
        label="Authorized portion",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What UR authorized, e.g. “6 sessions”. The rest is in dispute.",
    )
    formulary_dispute = forms.BooleanField(
        label="Drug formulary dispute",
        required=False,
        help_text="When every item is a formulary dispute the determination is due in "
        "5 working days (Lab. Code 4610.6(d)).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Needed unless UR cited nothing: not marked optional.
        self.fields["ur_citation_text"].looks_required = True

    def clean(self):
        cleaned = super().clean()
        kind, text = cleaned.get("ur_citation_kind"), cleaned.get("ur_citation_text")
        if kind in (CitationKind.MTUS, CitationKind.NON_MTUS) and not text:
            self.add_error(
                "ur_citation_text", "Give the guideline UR cited, or choose “No citation”."
            )
        if kind == CitationKind.NONE and text:
            self.add_error(
                "ur_citation_kind", "A citation is given: choose MTUS or Non-MTUS for it."
            )
        original, authorized = cleaned.get("original_request"), cleaned.get("authorized_portion")
        if original and not authorized:
            self.add_error("authorized_portion", "Give what UR authorized, or clear both fields.")
        if authorized and not original:
            self.add_error("original_request", "Give the original request, or clear both fields.")
        # The same rule as intake JSON: the 5-working-day clock is for drug-formulary disputes.
        category = cleaned.get("category")
        if cleaned.get("formulary_dispute") and category and category != "pharmaceuticals":
            self.add_error(
                "formulary_dispute", "Only a pharmaceuticals item can be a drug-formulary dispute."
            )
        return cleaned

    def item_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "description": data["description"],
            "category": data["category"],
            "original_request": data["original_request"] or None,
            "authorized_portion": data["authorized_portion"] or None,
            "ur_citation": {"kind": data["ur_citation_kind"], "text": data["ur_citation_text"]},
            "formulary_dispute": data["formulary_dispute"],
        }


class BaseItemFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_few_forms": "Add at least one disputed item.",
        "too_many_forms": "At most %(num)d disputed items.",
    }


ItemFormSet = forms.formset_factory(
    ItemForm,
    formset=BaseItemFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=50,
    validate_max=True,
)


RecordFormSet = forms.formset_factory(RecordFields, extra=1, max_num=50, validate_max=True)


def formset_row(formset_class, *, prefix: str, index: int) -> forms.Form:
    """One more empty row of a formset, numbered `index` (what `empty_form` builds, numbered)."""
    formset = formset_class(prefix=prefix)
    return formset.form(
        auto_id=formset.auto_id,
        prefix=formset.add_prefix(index),
        empty_permitted=True,
        use_required_attribute=False,
        renderer=formset.renderer,
    )


class IntakeForms:
    """Every part of the intake page, validated together and turned into the data
    `services.case_create` takes (the intake JSON shape with `date` objects)."""

    def __init__(self, data=None, files=None):
        self.application = ApplicationForm(data, prefix="application")
        self.worker = WorkerForm(data, prefix="worker")
        self.parties = [
            (
                PartyRole(role),
                (RequestingProviderForm if role == PartyRole.REQUESTING_PROVIDER else PartyForm)(
                    data, prefix=role, required=required, identifier_label=identifier_label
                ),
            )
            for role, required, identifier_label in PARTY_FORMS
        ]
        self.diagnoses = DiagnosesForm(data, prefix="diagnoses")
        self.items = ItemFormSet(data, prefix="items")
        self.records = RecordFormSet(data, files, prefix="records")
        self.files = files or {}

    @property
    def required_parties(self):
        return [(role, form) for role, form in self.parties if form.required]

    @property
    def optional_parties(self):
        return [(role, form) for role, form in self.parties if not form.required]

    @property
    def optional_parties_open(self) -> bool:
        """Show the optional parties when any of them holds something."""
        return any(
            form.errors or any(form[name].value() for name in form.fields)
            for _, form in self.optional_parties
        )

    def _forms(self) -> list[forms.Form]:
        return [self.application, self.worker, *(form for _, form in self.parties), self.diagnoses]

    def is_valid(self) -> bool:
        # Every part is validated (no short-circuit) so every problem is reported at once.
        results = [form.is_valid() for form in self._forms()]
        results += [self.items.is_valid(), self.records.is_valid()]
        return all(results)

    def hold_errors(self) -> None:
        """Show what was typed without judging it yet (the form came back for one more row):
        mark every part as checked with nothing to report."""
        for form in [*self._forms(), *self.items.forms, *self.records.forms]:
            form._errors = ErrorDict()
        for formset in (self.items, self.records):
            formset._errors = [ErrorDict() for _ in formset.forms]
            formset._non_form_errors = ErrorList()

    def dropped_files(self) -> dict[str, str]:
        """Record rows whose chosen file the browser cannot show again: prefix -> file name."""
        dropped = {}
        for form in self.records.forms:
            uploaded = self.files.get(form.add_prefix("file"))
            if uploaded:
                dropped[form.prefix] = uploaded.name
        return dropped

    def case_data(self) -> dict[str, Any]:
        app = self.application.cleaned_data
        worker = self.worker.cleaned_data
        data: dict[str, Any] = {
            "application_id": app["application_id"],
            "priority": app["priority"],
            "application_received": app["application_received"],
            "ur_decision_date": app["ur_decision_date"],
            "ur_decision_served_on": app.get("ur_decision_served_on"),
            "date_of_injury": app["date_of_injury"],
            "claim_number": app["claim_number"],
            "injured_worker": {
                "first_name": worker["first_name"],
                "last_name": worker["last_name"],
                "date_of_birth": worker.get("date_of_birth"),
                "age": worker.get("age"),
                "sex": worker["sex"],
                "email": worker.get("email") or "",
                "address": worker.get("address") or "",
            },
            "diagnoses": self.diagnoses.diagnosis_list(),
            "items": [form.item_data() for form in self.items.forms if form.has_changed()],
        }
        for role, form in self.parties:
            party = form.party_data()
            if party:
                data[str(role)] = party
        return data

    def record_rows(self) -> list[tuple[forms.Form, dict[str, Any]]]:
        return [(form, form.record_data()) for form in self.records.forms if form.has_changed()]

    def error_summary(self) -> list[dict[str, str]]:
        """Every problem, in page order, with the id of the field it belongs to."""
        found: list[dict[str, str]] = []

        def collect(form, section: str, anchor: str) -> None:
            for name, errors in form.errors.items():
                if name == "__all__":
                    target, label = anchor, section
                else:
                    target = form[name].auto_id or anchor
                    if form[name].field.widget.use_fieldset:
                        target = f"{target}_0"
                    label = f"{section}: {form[name].label}"
                for error in errors:
                    found.append({"anchor": target, "text": f"{label}: {error}"})

        collect(self.application, "Application", "section-application")
        collect(self.worker, "Injured worker", "section-worker")
        for role, form in self.parties:
            collect(form, role.label, "section-parties")
        collect(self.diagnoses, "Diagnoses", "section-diagnoses")
        for error in self.items.non_form_errors():
            found.append({"anchor": "section-items", "text": f"Disputed items: {error}"})
        for number, form in enumerate(self.items.forms, start=1):
            collect(form, f"Disputed item {number}", "section-items")
        for error in self.records.non_form_errors():
            found.append({"anchor": "section-records", "text": f"Medical records: {error}"})
        for number, form in enumerate(self.records.forms, start=1):
            collect(form, f"Record {number}", "section-records")
        return found
