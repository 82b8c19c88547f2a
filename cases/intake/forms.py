"""Forms of the case pages. They parse and check input; the services decide what may happen."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core import signing
from django.core.files import File
from django.forms.utils import ErrorDict, ErrorList
from django.urls import reverse

from cases.forms import DateInput, date_field, email_field
from cases.intake.models import IntakeDraftFile
from cases.intake.services import DRAFT_MAX_RECORD_ROWS
from cases.intake.validation import intake_validate
from cases.intake.validation.base import application_id_key
from cases.intake.validation.keys import ITEMS_MAX, WORKER_MAX_AGE, WORKER_MIN_AGE
from cases.jsoncheck import JsonError
from cases.lifecycle.models import (
    ADDRESS_MAX,
    Answer,
    AuthorizationKind,
    Case,
    CitationKind,
    DeliveryMethod,
    DrugClass,
    FiledBy,
    ItemCategory,
    PartyRole,
    Priority,
    SentBy,
    ServedBy,
    Sex,
    UrDecisionBasis,
)
from cases.records.forms import RecordFields, title_from_file_name

# An intake problem about a whole record row ("$.records[2]"), not one of its fields.
_RECORD_ITSELF = re.compile(r"\$\.records\[\d+\]")
_RECORD_TITLE = re.compile(r"\$\.records\[\d+\]\.title")
# A file chosen in a row and refused at once (views.draft_file_add) leaves the row empty; the
# row carries why, signed, so "Create case" says it again rather than "choose a PDF".
_REFUSED_SALT = "intake.record-refused"
NO_FILE_CHOSEN = "Choose the record's PDF file (only a PDF is kept)."


def refused_upload_token(message: str) -> str:
    """The refusal of a row's chosen file (record_file_check's words), for the row to carry."""
    return signing.dumps(message, salt=_REFUSED_SALT)


# --- The intake form --------------------------------------------------------------------------


class EligibilityFactsForm(forms.Form):
    """The application's facts the eligibility screen checks (8 CCR 9792.10.1(b); Lab. Code
    4610.5(c)): asked at intake, and corrected on the case's facts page."""

    filed_by = forms.ChoiceField(
        label="Filed by",
        choices=FiledBy.choices,
        initial=FiledBy.NOT_STATED,
        required=False,
        help_text="Only the employee, their attorney or a designee named after the UR decision "
        "may file (8 CCR 9792.10.1(b)(2)).",
    )
    designated_on = date_field(
        "Designee named on",
        required=False,
        help_text="Only when a designee filed: the designation must come after the UR decision "
        "(8 CCR 9792.10.1(b)(2)).",
    )
    application_signed = forms.ChoiceField(
        label="Application signed",
        choices=Answer.choices,
        initial=Answer.NOT_STATED,
        required=False,
        help_text="The DWC Form IMR must be signed (8 CCR 9792.10.1(b)(1)).",
    )
    ur_decision_basis = forms.ChoiceField(
        label="UR decision based on",
        choices=UrDecisionBasis.choices,
        initial=UrDecisionBasis.NOT_STATED,
        required=False,
        help_text="IMR decides disputes of medical necessity only (Lab. Code 4610.5(c)).",
    )
    liability_disputed = forms.ChoiceField(
        label="Liability disputed",
        choices=Answer.choices,
        initial=Answer.NOT_STATED,
        required=False,
        help_text="Does the claims administrator dispute liability for the injury or body part? "
        "Then the IMR is deferred (8 CCR 9792.10.3(a)(3), (d)).",
    )

    # The facts the eligibility checks read: "Not stated" may be saved, but each check then
    # needs a finding, which blocks until a reason is written (cases.eligibility.checks). From
    # QA: they were marked "(optional)", and every one left alone blocked the finding.
    CHECKED = ("filed_by", "application_signed", "ur_decision_basis", "liability_disputed")
    NOT_STATED_NOTE = " Left “Not stated”, the eligibility finding asks for it."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.CHECKED:
            field = self.fields[name]
            field.looks_required = True
            field.help_text = f"{field.help_text}{self.NOT_STATED_NOTE}"


class ApplicationForm(EligibilityFactsForm):
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
    ur_decision_served_by = forms.ChoiceField(
        label="UR decision served by",
        required=False,
        choices=[("", "Not known"), *ServedBy.choices],
        help_text="Service by mail gives the worker five more days to apply (CCP 1013(a)).",
    )
    notice_sent_on = date_field(
        "Notice of assignment sent",
        required=False,
        help_text="Only when the notice was already sent: the case then awaits its records.",
    )
    notice_sent_by = forms.ChoiceField(
        label="Notice sent by",
        required=False,
        choices=[("", "Not known"), *SentBy.choices],
        help_text="Records are due 15 days after a mailed notice, 12 after an electronic one "
        "(8 CCR 9792.10.5(a)(1)).",
    )
    date_of_injury = date_field("Date of injury")
    claim_number = forms.CharField(label="Claim number", max_length=64)
    adj_number = forms.CharField(
        label="ADJ number",
        max_length=16,
        required=False,
        help_text="The EAMS case number at the WCAB, when known (e.g. ADJ9876543); the letter "
        "prints it for an appeal petition.",
    )
    # As the page lays them out: its error summary lists problems in this order.
    field_order = [
        "application_id",
        "claim_number",
        "priority",
        "application_received",
        "ur_decision_date",
        "ur_decision_served_on",
        "date_of_injury",
        "ur_decision_served_by",
        "notice_sent_on",
        "notice_sent_by",
        "filed_by",
        "application_signed",
        "ur_decision_basis",
        "designated_on",
        "liability_disputed",
        "adj_number",
    ]


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
    sex = forms.ChoiceField(
        label="Sex", choices=Sex.choices, required=False, widget=forms.RadioSelect
    )
    email = email_field("Email")
    # The input stops at the length stored (intake's checker says it for a longer one sent).
    address = forms.CharField(
        label="Mailing address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": ADDRESS_MAX}),
        help_text="Where the letter is sent when there is no attorney.",
    )
    delivery_method = forms.ChoiceField(
        label="Serve by",
        required=False,
        choices=[("", "E-mail if consented, else postal mail"), *DeliveryMethod.choices],
    )
    e_service_consent = forms.BooleanField(label="Consented to electronic service", required=False)


class PartyForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, required=False)
    identifier = forms.CharField(label="Identifier", max_length=64, required=False)
    email = email_field("Email")
    address = forms.CharField(
        label="Mailing address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": ADDRESS_MAX}),
    )
    delivery_method = forms.ChoiceField(
        label="Serve by",
        required=False,
        choices=[("", "E-mail if consented, else postal mail"), *DeliveryMethod.choices],
    )
    e_service_consent = forms.BooleanField(label="Consented to electronic service", required=False)

    def __init__(self, *args, required: bool, identifier_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.required = required
        self.fields["name"].required = required
        self.fields["identifier"].label = identifier_label


class RequestingProviderForm(PartyForm):
    specialty = forms.CharField(
        label="Specialty",
        max_length=120,
        required=False,
        help_text="Reviewers with the same specialty are preferred.",
        widget=forms.TextInput(attrs={"list": "specialty-names"}),
    )
    field_order = [
        "name",
        "specialty",
        "identifier",
        "email",
        "address",
        "delivery_method",
        "e_service_consent",
    ]


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
        # From QA: "Leave empty when UR cited nothing" beside "UR cited: MTUS" (the preset)
        # led to a refusal: the choice above says so, and only it.
        help_text="The guideline UR relied on, e.g. “MTUS Shoulder Complaints 2004”. "
        "When UR cited nothing, choose “No citation” under “UR cited” and leave this empty.",
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
        help_text="What UR authorized, e.g. “6 sessions”, or the substitute it authorized.",
    )
    # A checkbox, not a radio with a preset: an added row left alone must stay blank. Intake
    # takes it as authorization_kind (portion unless ticked).
    authorization_kind = forms.BooleanField(
        label="What was authorized is a substitute",
        required=False,
        help_text="Ticked: the Claims Administrator authorized something else instead, and the "
        "review decides the original request. Not ticked: a portion, and the review decides "
        "the rest.",
    )
    formulary_dispute = forms.BooleanField(
        label="Drug formulary dispute",
        required=False,
        help_text="A drug-formulary item is due 5 working days after the records are "
        "complete, each on its own clock (Lab. Code 4610.6(d)(1)(A)).",
    )
    drug_class = forms.ChoiceField(
        label="Drug class",
        required=False,
        choices=[("", "Not a pharmaceutical / not stated"), *DrugClass.choices],
        help_text="Pharmaceuticals only: counted by class in the Administrative Director's report.",
    )
    # As the page lays them out: its error summary lists problems in this order.
    field_order = [
        "description",
        "category",
        "formulary_dispute",
        "drug_class",
        "ur_citation_kind",
        "ur_citation_text",
        "original_request",
        "authorized_portion",
        "authorization_kind",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Needed unless UR cited nothing: not marked optional.
        self.fields["ur_citation_text"].looks_required = True


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
    max_num=ITEMS_MAX,
    validate_max=True,
)


class IntakeRecordFields(RecordFields):
    """A record row of the intake form. With JavaScript, a chosen file is uploaded at once and
    kept with the draft (views.draft_file_add); the row then shows it instead of the input."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update(
            {
                "hx-post": reverse("intake:draft_file_add"),
                "hx-trigger": "change",
                "hx-target": f"#file-slot-{self.prefix}",
                "hx-swap": "outerHTML",
                "hx-encoding": "multipart/form-data",
                # Only the file and the draft it joins, not the whole form.
                "hx-params": f"draft,{self.add_prefix('file')}",
                "hx-sync": "closest form:queue all",
                "data-no-draft": "",
            }
        )


RecordFormSet = forms.formset_factory(
    IntakeRecordFields, extra=1, max_num=DRAFT_MAX_RECORD_ROWS, validate_max=True
)


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


# The parts of the intake form, by the prefix of their fields' names.
DRAFT_PREFIXES = (
    "application",
    "worker",
    *(role for role, _, _ in PARTY_FORMS),
    "diagnoses",
    "items",
    "records",
)
_DRAFT_FIELD = re.compile(rf"^({'|'.join(DRAFT_PREFIXES)})-[\w-]+$")


def draft_field_label(key: str) -> str:
    """A form field's name as the page labels it: "Diagnoses", "Employer: Address",
    "Treatment requested (item 2)"; the name itself when it is no field of the form."""
    prefix, _, rest = key.partition("-")
    row, _, name = rest.partition("-") if rest.split("-")[0].isdigit() else ("", "", rest)
    parties = {role for role, _, _ in PARTY_FORMS}
    form = {
        "application": ApplicationForm,
        "worker": WorkerForm,
        PartyRole.REQUESTING_PROVIDER: RequestingProviderForm,
        **{role: PartyForm for role in parties - {PartyRole.REQUESTING_PROVIDER}},
        "diagnoses": DiagnosesForm,
        "items": ItemForm,
        "records": IntakeRecordFields,
    }.get(prefix)
    field = form.base_fields.get(name) if form is not None else None
    if field is None:
        return key
    label = str(field.label or name)
    if prefix in parties:
        label = f"{PartyRole(prefix).label}: {label}"
    if row:
        label = f"{label} ({'item' if prefix == 'items' else 'record'} {int(row) + 1})"
    return label


# A form without its row counts would show no rows: a draft always has them.
_DRAFT_DEFAULTS = {
    "items-TOTAL_FORMS": "1",
    "items-INITIAL_FORMS": "0",
    "records-TOTAL_FORMS": "1",
    "records-INITIAL_FORMS": "0",
}


def draft_values(data) -> dict[str, str]:
    """The intake form's fields in a POST (no files, no token, nothing else), as a draft
    keeps them."""
    return {
        key: data.get(key, "")
        for key in data
        if _DRAFT_FIELD.match(key) and not key.endswith("-file")
    }


def draft_changed(data) -> list[str] | None:
    """The fields a window changed since the server last confirmed (sent by the page's
    script); None from a plain form post, which carries the whole form."""
    if "changed" not in data:
        return None
    return [key for key in data.getlist("changed") if _DRAFT_FIELD.match(key)]


def draft_form_data(values: dict[str, str]) -> dict[str, str]:
    """A draft's values as the intake form's data."""
    return {**_DRAFT_DEFAULTS, **values}


# A date typed as the pages print it (a browser without a date picker shows a plain box).
_TYPED_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _raw(form: forms.Form, name: str) -> str:
    """A field's value as sent, trimmed: intake's rules judge it, not Django's field. A date
    typed MM/DD/YYYY is sent on as the ISO date intake reads (the date picker sends ISO)."""
    value = form[name].data
    value = value.strip() if isinstance(value, str) else ("" if value is None else value)
    if isinstance(form.fields[name].widget, DateInput) and isinstance(value, str):
        typed = _TYPED_DATE.fullmatch(value)
        if typed:
            month, day, year = typed.groups()
            value = f"{year}-{int(month):02d}-{int(day):02d}"
    return value


class IntakeForms:
    """Every part of the intake page, validated together and turned into the data
    `services.case_create` takes (the intake JSON shape with `date` objects)."""

    def __init__(self, data=None, files=None, *, draft_files=None):
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
        # Record files kept with the draft, by row ("records-0"): a row without a newly
        # chosen file uses its kept one.
        self.draft_files: dict[str, IntakeDraftFile] = dict(draft_files or {})
        self._opened: list[File] = []
        self.cleaned: dict[str, Any] | None = None

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
        """Judge the page with intake's one rule set (cases.intake.validation, the same checks
        and messages as import_cases and the API), then place each problem on its field."""
        self._judging_start()
        cleaned, errors = intake_validate(self.intake_payload())
        errors += self._application_on_file()
        self.errors_place(errors)
        self.cleaned = cleaned[0] if cleaned and not errors else None
        return self.cleaned is not None

    def _judging_start(self) -> None:
        """Every part judged, with nothing to report yet (Django's own field checks are not
        run: the rules are intake's)."""
        for form in [*self._forms(), *self.items.forms, *self.records.forms]:
            form.cleaned_data = {}
            form._errors = ErrorDict()
        for formset in (self.items, self.records):
            formset._errors = [form._errors for form in formset.forms]
            formset._non_form_errors = ErrorList()
            if not formset.management_form.is_valid():
                formset._non_form_errors.append("The form is damaged; reload the page.")

    def _application_on_file(self) -> list[JsonError]:
        # The JSON door answers a known application_id with the case on file (idempotent
        # intake); a person typing it gets told the same thing as an error.
        application_id = _raw(self.application, "application_id")
        existing = (
            # As intake keeps it (in capitals): "a-2026-1" typed is "A-2026-1" on file.
            Case.objects.filter(application_id=application_id_key(application_id))
            .values_list("case_number", flat=True)
            .first()
            if application_id
            else None
        )
        if not existing:
            return []
        return [
            JsonError(
                "$.application_id",
                f"{application_id} is already on file as case {existing}",
            )
        ]

    def _item_rows(self) -> list[forms.Form]:
        return [form for form in self.items.forms if form.has_changed()]

    def _record_rows(self) -> list[forms.Form]:
        return [
            form
            for form in self.records.forms
            if form.has_changed() or form.prefix in self.draft_files
        ]

    def _record_file_chosen(self, form: forms.Form) -> bool:
        """Whether the row has a file: chosen now, or kept with the draft."""
        return bool(form["file"].data) or form.prefix in self.draft_files

    def _refused_upload(self, form: forms.Form) -> str:
        """Why the file last chosen in this row was refused, if the row says so."""
        token = form.data.get(form.add_prefix("refused"), "")
        try:
            return signing.loads(token, salt=_REFUSED_SALT) if token else ""
        except signing.BadSignature:
            return ""

    def _record_file(self, form: forms.Form) -> File | None:
        """The file chosen in this row now, else the one kept with the draft."""
        if form["file"].data:
            return form["file"].data
        kept = self.draft_files.get(form.prefix)
        if kept is None:
            return None
        stored = kept.file.storage.open(kept.file.name, "rb")
        opened = File(stored.file, name=kept.original_filename)
        self._opened.append(opened)
        return opened

    def files_close(self) -> None:
        """Close the kept files opened for judging and writing."""
        for opened in self._opened:
            opened.close()
        self._opened = []

    def intake_payload(self) -> dict[str, Any]:
        """What was typed, in the intake JSON shape (SPEC section 7), unjudged."""
        app, worker = self.application, self.worker
        age = _raw(worker, "age")
        payload: dict[str, Any] = {name: _raw(app, name) for name in app.fields}
        payload["injured_worker"] = {
            **{name: _raw(worker, name) for name in worker.fields},
            "age": int(age) if age.isascii() and age.isdigit() else (age or None),
            "e_service_consent": bool(worker["e_service_consent"].data),
        }
        for role, form in self.parties:
            party = {name: _raw(form, name) for name in form.fields}
            party["e_service_consent"] = bool(form["e_service_consent"].data)
            if role == PartyRole.REQUESTING_PROVIDER:
                party["npi"] = party.pop("identifier")
            if any(party.values()):
                payload[str(role)] = party
        payload["diagnoses"] = [
            line.strip() for line in _raw(self.diagnoses, "diagnoses").splitlines() if line.strip()
        ]
        payload["items"] = [
            {
                "description": _raw(form, "description"),
                "category": _raw(form, "category"),
                "original_request": _raw(form, "original_request"),
                "authorized_portion": _raw(form, "authorized_portion"),
                "authorization_kind": (
                    AuthorizationKind.SUBSTITUTE if form["authorization_kind"].data else None
                ),
                "ur_citation": {
                    "kind": _raw(form, "ur_citation_kind"),
                    "text": _raw(form, "ur_citation_text"),
                },
                "formulary_dispute": bool(form["formulary_dispute"].data),
                "drug_class": _raw(form, "drug_class") or None,
            }
            for form in self._item_rows()
        ]
        payload["records"] = [self._record_payload(form) for form in self._record_rows()]
        return payload

    def _record_payload(self, form: forms.Form) -> dict[str, Any]:
        """A record row in the intake JSON shape. Left untitled, the record is titled by its
        file's name, as the case page's "Add a record" titles it. The API and import still
        require a title (RECORD_REQUIRED, stated in the API's schema): the form supplies it."""
        uploaded = self._record_file(form)
        title = _raw(form, "title")
        if not title and uploaded is not None:
            title = title_from_file_name(uploaded.name or "")
        return {
            "title": title,
            "document_date": _raw(form, "document_date"),
            "kind": _raw(form, "kind"),
            "source": _raw(form, "source"),
            "file": uploaded,
        }

    def errors_place(self, errors: list[JsonError]) -> None:
        """Each intake problem (by JSON path) next to the field it is about, as a sentence
        naming the field by its label (intake's rule, in the form's words: form_sentence); a
        record row with no file says so in the form's words (intake's own are the JSON's:
        a path beside the file or base64 content)."""
        for error in errors:
            form, field = self._error_target(error.path)
            if form is None:
                self.items._non_form_errors.append(error.form_sentence("Disputed items"))
            elif _RECORD_ITSELF.fullmatch(error.path) and not self._record_file_chosen(form):
                form.add_error("file", self._refused_upload(form) or NO_FILE_CHOSEN)
            elif (
                _RECORD_TITLE.fullmatch(error.path)
                and not _raw(form, "title")
                and not self._record_file_chosen(form)
            ):
                # The title is optional here: the file, once chosen, titles the record. Only
                # the file is asked for.
                continue
            else:
                # A record file's problem is a sentence naming the file itself ("notes.txt:
                # this is not a PDF file."), as the case page's uploader says it
                # (record_file_check): neither a label before it nor a capital on the name.
                if field == "file":
                    form.add_error(field, error.form_message)
                else:
                    form.add_error(field, error.form_sentence(form[field].label if field else ""))

    def _error_target(self, path: str) -> tuple[forms.Form | None, str | None]:
        keys = [k or int(i) for k, i in re.findall(r"\.(\w+)|\[(\d+)\]", path)]
        head, rest = (keys[0], keys[1:]) if keys else (None, [])
        if head in self.application.fields:
            return self.application, head
        if head == "injured_worker":
            field = rest[0] if rest and rest[0] in self.worker.fields else None
            return self.worker, field
        parties = {str(role): form for role, form in self.parties}
        if head in parties:
            form = parties[head]
            field = {"npi": "identifier"}.get(rest[0], rest[0]) if rest else "name"
            return form, field if field in form.fields else None
        if head == "diagnoses":
            return self.diagnoses, "diagnoses"
        if head == "items":
            if not rest:
                return None, None
            form = self._item_rows()[rest[0]]
            tail = "_".join(str(key) for key in rest[1:3])
            field = "ur_citation_kind" if tail == "ur_citation" else tail
            return form, field if field in form.fields else None
        if head == "records" and rest:
            form = self._record_rows()[rest[0]]
            field = rest[1] if len(rest) > 1 and rest[1] in form.fields else "file"
            return form, field
        return self.application, None

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
            if uploaded and form.prefix not in self.draft_files:
                dropped[form.prefix] = uploaded.name
        return dropped

    def case_data(self) -> dict[str, Any]:
        """The judged intake data (with its records), as `services.case_create` takes it."""
        return self.cleaned

    def error_summary(self) -> list[dict[str, str]]:
        """Every problem, in page order, with the id of the field it belongs to."""
        found: list[dict[str, str]] = []

        def collect(form, section: str, anchor: str) -> None:
            # In the order of the page's fields, not the order intake's checker found them in.
            order = ["__all__", *form.fields]
            for name, errors in sorted(form.errors.items(), key=lambda pair: order.index(pair[0])):
                target = anchor
                if name != "__all__":
                    target = form[name].auto_id or anchor
                    if form[name].field.widget.use_fieldset:
                        target = f"{target}_0"
                for error in errors:
                    # Each message is a sentence naming its field: the section says where.
                    found.append({"anchor": target, "text": f"{section}: {error}"})

        collect(self.application, "Application", "section-application")
        collect(self.worker, "Injured worker", "section-worker")
        for role, form in self.parties:
            collect(form, role.label, "section-parties")
        collect(self.diagnoses, "Diagnoses", "section-diagnoses")
        for error in self.items.non_form_errors():
            found.append({"anchor": "section-items", "text": str(error)})
        for number, form in enumerate(self.items.forms, start=1):
            collect(form, f"Disputed item {number}", "section-items")
        for error in self.records.non_form_errors():
            found.append({"anchor": "section-records", "text": f"Medical records: {error}"})
        for number, form in enumerate(self.records.forms, start=1):
            collect(form, f"Record {number}", "section-records")
        return found
