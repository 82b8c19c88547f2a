"""The case file: the application, its parties, the disputed items, the medical records and the
append-only event log. What each status allows lives in status_table.py; the case's clock in
clock.py, on the statutory rules of cases.clock."""

import datetime as dt

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from cases.lifecycle.clock import case_clock, list_clock
from cases.lifecycle.statuses import (  # noqa: F401 (the statuses are the Case's vocabulary)
    CLOSED_STATUSES,
    OPEN_STATUSES,
    CaseStatus,
    Priority,
    expedited_first,
    workflow_step,
)
from cases.textsearch import number_key_of

# Independent Medical Review began on January 1, 2013 (Lab. Code 4610.5(a), added by SB 863):
# no application was received, and no month had a review to report, before it.
IMR_BEGAN = dt.date(2013, 1, 1)


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not stated"


# How a paper was served. Service by mail extends a period counted from it by five days
# (CCP 1013(a)); 8 CCR 9792.10.5(a)(1) gives records 15 days after a mailed notice of
# assignment, 12 after an electronic one.
class ServedBy(models.TextChoices):
    MAIL = "mail", "Mail"
    ELECTRONIC = "electronic", "Electronic"
    PERSONAL = "personal", "Personal delivery"


# How we send a paper: the notice of assignment and the letter.
class SentBy(models.TextChoices):
    MAIL = "mail", "Mail"
    ELECTRONIC = "electronic", "Electronic"


# How a party wants papers served: e-mail only with their consent to electronic service
# (CCP 1010.6(a)(2)), otherwise postal mail.
class DeliveryMethod(models.TextChoices):
    EMAIL = "email", "E-mail"
    MAIL = "mail", "Postal mail"


class ItemCategory(models.TextChoices):
    """The state's treatment-request categories (SPEC section 7)."""

    DIAGNOSTIC_IMAGING = "diagnostic_imaging", "Diagnostic: imaging"
    DIAGNOSTIC_EMG = "diagnostic_emg", "Diagnostic: EMG/NCV/NCS"
    DIAGNOSTIC_LAB = "diagnostic_lab", "Diagnostic: laboratory"
    DIAGNOSTIC_OTHER = "diagnostic_other", "Diagnostic: other"
    DME = "dme", "Durable medical equipment"
    ELECTRICAL_STIMULATION = "electrical_stimulation", "Electrical stimulation"
    PROSTHETICS_ORTHOTICS = "prosthetics_orthotics", "Prosthetics and orthotics"
    SUPPLIES = "supplies", "Supplies"
    EVALUATION_MANAGEMENT = "evaluation_management", "Evaluation and management"
    DENTAL = "dental", "Dental"
    HOME_HEALTH = "home_health", "Home health"
    INJECTION_FACET = "injection_facet", "Injection: facet"
    INJECTION = "injection", "Injection: other"
    PHARMACEUTICALS = "pharmaceuticals", "Pharmaceuticals"
    PROGRAMS = "programs", "Programs (e.g. functional restoration)"
    PSYCH_EVALUATION = "psych_evaluation", "Psychological evaluation"
    PSYCH_THERAPY = "psych_therapy", "Psychological therapy"
    ACUPUNCTURE = "acupuncture", "Acupuncture"
    CHIROPRACTIC = "chiropractic", "Chiropractic"
    PT_OT = "pt_ot", "Physical / occupational therapy"
    REHAB_OTHER = "rehab_other", "Rehabilitation: other"
    SURGERY_ADJUNCT = "surgery_adjunct", "Surgery: adjunct"
    SURGERY_ARTHROSCOPIC = "surgery_arthroscopic", "Surgery: arthroscopic"
    SURGERY_NON_ARTHROSCOPIC = "surgery_non_arthroscopic", "Surgery: non-arthroscopic"
    SURGERY_SPINE = "surgery_spine", "Surgery: spine"
    SURGICAL_CONSULT = "surgical_consult", "Surgical consult"
    THERAPIES_OTHER = "therapies_other", "Therapies: other"
    TRANSPORTATION = "transportation", "Transportation"


class DrugClass(models.TextChoices):
    """The drug class of a pharmaceuticals item, so the dashboard and the Administrative
    Director's report can count pharmaceuticals by class (DWC's annual IMR report breaks them
    down so). Optional: an item of another category has none."""

    OPIOIDS = "opioids", "Opioids"
    NSAIDS = "nsaids", "NSAIDs"
    MUSCLE_RELAXANTS = "muscle_relaxants", "Muscle relaxants"
    ANTICONVULSANTS = "anticonvulsants", "Anticonvulsants"
    ANTIDEPRESSANTS = "antidepressants", "Antidepressants"
    TOPICAL_ANALGESICS = "topical_analgesics", "Topical analgesics"
    SLEEP_AIDS = "sleep_aids", "Sleep aids"
    PROTON_PUMP_INHIBITORS = "proton_pump_inhibitors", "Proton-pump inhibitors"
    OTHER = "other", "Other"


class CitationKind(models.TextChoices):
    MTUS = "mtus", "MTUS"
    NON_MTUS = "non_mtus", "Non-MTUS"
    NONE = "none", "No citation"


# A decision on one item, and the case's outcome derived from them (SPEC section 5): vocabulary
# the intake of a legacy determination and the export share with the reviewer side.
class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    OVERTURNED = "overturned", "Overturned"


class AuthorizationKind(models.TextChoices):
    """What the claims administrator authorized when UR modified a request: a portion of it (the
    rest is disputed) or a substitute (the whole original request is disputed); the letter's item
    line has one form for each (SPEC section 6)."""

    PORTION = "portion", "A portion of the request"
    SUBSTITUTE = "substitute", "A substitute for the request"


class CaseOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    OVERTURNED = "overturned", "Overturned"
    PARTIALLY_OVERTURNED = "partially_overturned", "Partially Overturned"


# Facts of the application that the eligibility screen judges (cases.eligibility.checks).
class FiledBy(models.TextChoices):
    """Who filed the application. 8 CCR 9792.10.1(b)(2): the employee, their attorney, or a
    representative the employee designated after the UR decision; never the provider."""

    EMPLOYEE = "employee", "The employee"
    ATTORNEY = "attorney", "The employee's attorney"
    DESIGNEE = "designee", "A designee named after the UR decision"
    PROVIDER = "provider", "The requesting provider"
    NOT_STATED = "not_stated", "Not stated"


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_STATED = "not_stated", "Not stated"


class UrDecisionBasis(models.TextChoices):
    """Lab. Code 4610.5(c)(1), (3): only a decision that modified or denied treatment on medical
    necessity is subject to IMR."""

    MEDICAL_NECESSITY = "medical_necessity", "Medical necessity"
    OTHER = "other", "Another ground (liability, missing information, ...)"
    NOT_STATED = "not_stated", "Not stated"


class IneligibilityReason(models.TextChoices):
    """Why an application is not eligible for IMR; each reason's source is in
    INELIGIBILITY_SOURCES. Kept here, below the eligibility room, so the history can word old
    and new findings alike."""

    LATE = "late", "Application filed late"
    FILED_BY_PROVIDER = "filed_by_provider", "Filed by the provider, not an eligible party"
    NOT_SIGNED = "not_signed", "Application not signed"
    NO_UR_DECISION = "no_ur_decision", "No UR decision"
    NOT_MEDICAL_NECESSITY = "not_medical_necessity", "Not a decision on medical necessity"
    PRIOR_IMR = "prior_imr", "Prior IMR of the same treatment"
    TREATMENT_AUTHORIZED = "treatment_authorized", "The treatment was authorized"
    DUPLICATE = "duplicate", "Duplicate application"
    OTHER = "other", "Other (see the note)"


INELIGIBILITY_SOURCES = {
    IneligibilityReason.LATE: "8 CCR 9792.10.1(b)(1)",
    IneligibilityReason.FILED_BY_PROVIDER: "8 CCR 9792.10.1(b)(2)",
    IneligibilityReason.NOT_SIGNED: "8 CCR 9792.10.1(b)(1)",
    IneligibilityReason.NO_UR_DECISION: "8 CCR 9792.10.1(b)(1)",
    IneligibilityReason.NOT_MEDICAL_NECESSITY: "Lab. Code 4610.5(c)(1), (3)",
    IneligibilityReason.PRIOR_IMR: "8 CCR 9792.10.3(a)(2); Lab. Code 4610(k)",
    IneligibilityReason.TREATMENT_AUTHORIZED: "8 CCR 9792.10.6(a)",
    IneligibilityReason.DUPLICATE: "8 CCR 9792.10.3(a)(2)",
    IneligibilityReason.OTHER: "8 CCR 9792.10.3(a)(4)",
}


class CaseNumberCounter(models.Model):
    """The last case number handed out per two-digit year. Numbers only go up: never reused."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"CM{self.year:02d}: {self.last_number}"


# What a case-list row prints (and its stored clock reads): the case list and the quality
# queue read these columns only, not the fifty-odd of a whole case. The open cases' index
# (case_open_due_first, below) holds every one of them, so a page is read from it alone.
CASE_LIST_COLUMNS = (
    "id",
    "priority",
    "status",
    "worker_last_name",
    "worker_first_name",
    "claim_number",
    "application_received",
    "deferred_on",
    "due_on",
    "case_number",
)
# The index's keys, in the list's order (cases.casefile.selectors._ordering).
_OPEN_DUE_FIRST_KEYS = ("due_on", "case_number")


def due_or_earliest():
    """The running deadline, a case with no clock counted as due on the earliest day: the case
    list's due dates latest first puts no clock last (index case_by_due_latest, read backwards;
    SQLite's indexes take no NULLS LAST)."""
    return Coalesce(models.F("due_on"), models.Value(dt.date.min))


class Case(models.Model):
    case_number = models.CharField(max_length=16, unique=True)
    application_id = models.CharField(max_length=64, unique=True)
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.STANDARD)
    status = models.CharField(
        max_length=32, choices=CaseStatus.choices, default=CaseStatus.RECEIVED, db_index=True
    )
    round = models.PositiveSmallIntegerField(
        default=1, help_text="1 for the first review; each remand starts a new round."
    )

    application_received = models.DateField()
    ur_decision_date = models.DateField(
        help_text="Date of the UR decision (the letter's UR Denial Date)."
    )
    ur_decision_served_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the UR decision was served; the UR date if not known.",
    )
    ur_decision_served_by = models.CharField(
        max_length=16,
        choices=ServedBy.choices,
        blank=True,
        help_text="How the UR decision was served; blank when not known.",
    )
    date_of_injury = models.DateField()
    # Found by its key (cases.textsearch.number_key), through index case_by_claim_key.
    claim_number = models.CharField(max_length=64)
    # The EAMS case number at the WCAB, when a case is open there: an appeal petition names it
    # (8 CCR 10575); the party letter prints it.
    adj_number = models.CharField(
        "ADJ number", max_length=16, blank=True, help_text="The EAMS case number, e.g. ADJ9876543."
    )
    # What the application says about itself; the eligibility screen judges these.
    filed_by = models.CharField(max_length=16, choices=FiledBy.choices, default=FiledBy.NOT_STATED)
    application_signed = models.CharField(
        max_length=16, choices=Answer.choices, default=Answer.NOT_STATED
    )
    ur_decision_basis = models.CharField(
        max_length=24, choices=UrDecisionBasis.choices, default=UrDecisionBasis.NOT_STATED
    )
    # 8 CCR 9792.10.3(a)(3), (d): whether the claims administrator disputes liability.
    liability_disputed = models.CharField(
        max_length=16, choices=Answer.choices, default=Answer.NOT_STATED
    )
    # 8 CCR 9792.10.1(b)(2): when the employee named the designee who filed (after the UR
    # decision); only for filed_by == designee.
    designated_on = models.DateField(null=True, blank=True)

    # Notice of assignment: the letter's "Date Assigned"; starts the records clock. Intake and
    # the export also call it notice_sent_on (SPEC section 7).
    date_assigned = models.DateField(null=True, blank=True)
    notice_sent_by = models.CharField(
        max_length=16,
        choices=SentBy.choices,
        blank=True,
        help_text="How the notice of assignment was sent; blank when not sent or not known.",
    )
    # The records due date the notice of assignment sent from here printed. It is signed to go
    # by the parties' service as known then; a copy held for an address and then e-mailed is
    # served another way, whose period is shorter. The records clock never ends before the
    # date the notice gave (CLOCK_RECORDS_DUE_AS_PRINTED; 8 CCR 9792.10.5(a)(1)).
    notice_records_due_on = models.DateField(null=True, blank=True)
    records_complete_on = models.DateField(null=True, blank=True)
    # 8 CCR 9792.10.3(d): the day the IMR was deferred for a dispute of liability.
    deferred_on = models.DateField(null=True, blank=True)
    # 8 CCR 9792.10.3(b), (c): the open request for missing information and its 5 business days.
    information_requested_on = models.DateField(null=True, blank=True)
    # How the request was sent: the days run from its receipt (9792.10.3(c)); blank on
    # requests made before this was asked, counted from the day they were sent.
    information_requested_by = models.CharField(max_length=12, choices=SentBy.choices, blank=True)
    information_due_on = models.DateField(null=True, blank=True)
    information_missing = models.JSONField(default=list, blank=True)
    # 8 CCR 9792.10.4(c): the day the physician's certification converted the review to
    # expedited; the expedited records and determination clocks run from it.
    expedited_on = models.DateField(null=True, blank=True)
    # 8 CCR 9792.10.4(a): a duplicate application closed into the case that decides its items.
    consolidated_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consolidated_cases",
    )
    # The deadline the case is running against now (records, then determination). Derived by
    # deadlines.current_due_on and stored by the services only so lists can sort and filter on it
    # (indexes case_by_due, case_by_due_latest and case_open_due_first, below).
    due_on = models.DateField(null=True, blank=True)
    # The stored due date's computation in words and the holiday-calendar version it used
    # ("state_offices v2"), kept with it so the date can be explained as it was computed even
    # after a calendar is edited; both change only when the services recompute due_on.
    due_on_explain = models.TextField(blank=True)
    due_on_calendar = models.CharField(max_length=120, blank=True)
    # 8 CCR 9792.10.4(b): the day the screen came back to received after a request for
    # information or a liability deferral; the finding and notice run from it, not from receipt.
    screen_resumed_on = models.DateField(null=True, blank=True)

    worker_first_name = models.CharField(max_length=100)
    worker_last_name = models.CharField(max_length=100, db_index=True)
    worker_date_of_birth = models.DateField(null=True, blank=True)
    worker_age = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Age at the date of injury, when the date of birth is not given.",
    )
    worker_sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.UNKNOWN)
    worker_email = models.EmailField(blank=True)
    worker_address = models.TextField(blank=True)
    worker_delivery_method = models.CharField(
        max_length=8,
        choices=DeliveryMethod.choices,
        blank=True,
        help_text="How the worker is served; blank: e-mail with consent, else mail.",
    )
    worker_e_service_consent = models.BooleanField(
        default=False, help_text="The worker consented to electronic service."
    )

    diagnoses = models.JSONField(default=list, blank=True)
    # Other people the case file names (family members, witnesses): the names the identifier
    # check looks for in the public letter's texts beside the worker's and the parties'. One
    # name a string; corrected on "Edit the facts" (cases.intake.corrections).
    other_names = models.JSONField(default=list, blank=True)

    source = models.CharField(max_length=16, default="ui")  # ui, api or import
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["worker_last_name", "worker_first_name"]),
            # The prior-IMR check's same worker by name and date of birth (8 CCR
            # 9792.10.3(a)(2)): with the claim number's index, the few cases of either, not a
            # scan of every case (27 ms at 200,000).
            models.Index(fields=["worker_date_of_birth"], name="case_by_birth_date"),
            # The duplicate and prior-IMR checks' same claim, however its number is written
            # ("PCS-2411-8204" is "PCS24118204"): the expression they compare.
            models.Index(number_key_of(models.F("claim_number")), name="case_by_claim_key"),
            # The case list's search for a whole application ID, however it is written.
            models.Index(number_key_of(models.F("application_id")), name="case_by_application_key"),
            # The case list's sorts (cases.casefile.selectors.SORTS), each with the case number
            # last: PostgreSQL reads a page of either direction from the index's ends instead
            # of sorting every case (descending sorts took 100-390 ms of SQL at 200,000 cases,
            # ascending ones 13-38 ms). The due date has one per direction, since no clock sorts
            # last both ways; a status has one for the open cases too, whose steps lie on both
            # sides of the issued cases'.
            models.Index(fields=["due_on", "case_number"], name="case_by_due"),
            models.Index(due_or_earliest(), models.F("case_number"), name="case_by_due_latest"),
            # Also the dashboard's and the monthly report's periods, which count cases by the
            # day the application arrived; without it each chart scans every case (issue 12).
            models.Index(fields=["application_received", "case_number"], name="case_by_received"),
            models.Index(workflow_step(), models.F("case_number"), name="case_by_step"),
            models.Index(
                workflow_step(),
                models.F("case_number"),
                name="case_open_by_step",
                condition=~models.Q(status__in=sorted(CLOSED_STATUSES)),
            ),
            # The case list's default view (cases.casefile.selectors.case_list_for): the open
            # cases, what is due first, expedited first within a day. In this order the first
            # page is the index's first rows; by due date alone it read past the due dates of
            # closed cases and sorted a whole day's cases (19 ms at 200,000 cases, issue 12).
            # Ascending is NULLS LAST on PostgreSQL, as the list orders (no clock last).
            # It also holds the other columns a list row reads (CASE_LIST_COLUMNS), so
            # PostgreSQL reads a page from the index alone (an index-only scan): page 50 of the
            # open cases went from 3.1 to 0.3 ms of SQL, a status filter from 0.6 to 0.08 ms
            # (no sort, no table rows).
            models.Index(
                models.F("due_on"),
                expedited_first(),
                models.F("case_number"),
                name="case_open_due_first",
                condition=~models.Q(status__in=sorted(CLOSED_STATUSES)),
                include=[name for name in CASE_LIST_COLUMNS if name not in _OPEN_DUE_FIRST_KEYS],
            ),
        ]

    def __str__(self) -> str:
        return self.case_number

    @property
    def changed_stamp(self) -> str:
        """When the case was last saved with its updated_at (every status change, every change
        of its due dates, a correction of its facts), as the case page carries it to ask
        whether the case changed since it was drawn (casefile.views.case_changed)."""
        return f"{self.updated_at.timestamp():.6f}"

    @property
    def worker_name(self) -> str:
        return f"{self.worker_first_name} {self.worker_last_name}".strip()

    @property
    def worker_name_listed(self) -> str:
        """As the lists name the worker, last name first ("Delgado, Maria")."""
        return f"{self.worker_last_name}, {self.worker_first_name}"

    @property
    def ur_served_on(self):
        return self.ur_decision_served_on or self.ur_decision_date

    @property
    def notice_sent_on(self):
        return self.date_assigned

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @cached_property
    def clock(self):

        return case_clock(self)

    @cached_property
    def list_clock(self):
        """The clock a list row shows, from the stored running deadline (due_on)."""
        return list_clock(self)

    def party(self, role: str):
        for party in self.parties.all():
            if party.role == role:
                return party
        return None


# The longest postal address (the worker's or a party's), at every door: intake (the form, the
# API, the import), the facts page and the parties panel's service form (from a QA pass: the
# service form took 5,000 characters, which then blocked every save of the facts page).
ADDRESS_MAX = 500


class PartyRole(models.TextChoices):
    EMPLOYER = "employer", "Employer"
    CLAIMS_ADMINISTRATOR = "claims_administrator", "Claims administrator"
    REQUESTING_PROVIDER = "requesting_provider", "Requesting provider"
    PROVIDER_GROUP = "provider_group", "Provider group"
    UR_ORGANIZATION = "ur_organization", "UR organization"
    UR_PHYSICIAN = "ur_physician", "UR physician"
    ATTORNEY = "attorney", "Worker's attorney"


class Party(models.Model):
    """A party to the case other than the worker: each one a possible conflict of interest."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=32, choices=PartyRole.choices)
    name = models.CharField(max_length=200)
    identifier = models.CharField(max_length=64, blank=True, help_text="NPI, FEIN or similar.")
    specialty = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    delivery_method = models.CharField(
        max_length=8,
        choices=DeliveryMethod.choices,
        blank=True,
        help_text="How the party is served; blank: e-mail with consent, else mail.",
    )
    e_service_consent = models.BooleanField(
        default=False, help_text="The party consented to electronic service."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "role"], name="one_party_per_role")]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class DisputedItem(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    description = models.TextField()
    category = models.CharField(max_length=40, choices=ItemCategory.choices)
    original_request = models.TextField(blank=True)
    authorized_portion = models.TextField(blank=True)
    # With original_request and authorized_portion: whether what was authorized is a portion of
    # the request or a substitute for it.
    authorization_kind = models.CharField(
        max_length=16, choices=AuthorizationKind.choices, default=AuthorizationKind.PORTION
    )
    ur_citation_kind = models.CharField(max_length=16, choices=CitationKind.choices)
    ur_citation_text = models.TextField(blank=True)
    formulary_dispute = models.BooleanField(default=False)
    # Pharmaceuticals only (the intake rules refuse it on another category).
    drug_class = models.CharField(max_length=32, choices=DrugClass.choices, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "position"], name="item_position_unique")
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def was_modified(self) -> bool:
        return bool(self.original_request and self.authorized_portion)

    @property
    def ur_citation_shown(self) -> str:
        """UR's citation as the case page and the workspace show it: the guideline cited, with
        whether it is in the MTUS where its name does not already say so ("MTUS ACOEM ...",
        "ODG Low Back (Non-MTUS)")."""
        if self.ur_citation_kind == CitationKind.NONE:
            return "UR cited no medical evidence"
        label = CitationKind(self.ur_citation_kind).label
        text = self.ur_citation_text.strip()
        if not text:
            return label
        if text.casefold().startswith(label.casefold()):
            return text
        return f"{text} ({label})"

    @property
    def was_substituted(self) -> bool:
        return self.was_modified and self.authorization_kind == AuthorizationKind.SUBSTITUTE

    @property
    def authorization_note(self) -> str:
        """What UR modified, in the words of the letter's item line (SPEC section 6): a portion
        authorized leaves the rest IMR eligible; a substitute authorized leaves the original
        request IMR eligible. Empty for a request UR did not modify."""
        if not self.was_modified:
            return ""
        original = self.original_request.strip().rstrip(".")
        authorized = self.authorized_portion.strip().rstrip(".")
        if self.was_substituted:
            return (
                f"{original} was the original request. The Claims Administrator authorized "
                f"{authorized}, leaving the original request IMR eligible."
            )
        return (
            f"{original} was the original request. {authorized} was authorized by the Claims "
            "Administrator."
        )

    @property
    def decided_part(self) -> str:
        """What the reviewer decides: the original request (a substitute was authorized), the
        remaining portion (a portion was), or the request itself."""
        if self.was_substituted:
            return f"the original request, {self.original_request.strip().rstrip('.')}"
        if self.was_modified:
            return (
                f"the remaining IMR eligible portion of the original request, "
                f"{self.description.strip()}"
            )
        return self.description.strip()


class EventType(models.TextChoices):
    CASE_RECEIVED = "case_received", "Application received"
    CASE_IMPORTED = "case_imported", "Imported from another system"
    ELIGIBILITY_RECORDED = "eligibility_recorded", "Eligibility recorded"
    NOTICE_OF_ASSIGNMENT_SENT = "notice_of_assignment_sent", "Notice of assignment sent"
    RECORD_ADDED = "record_added", "Record added"
    RECORD_INSPECTED = "record_inspected", "Record inspected"
    RECORD_OPENED = "record_opened", "Record opened"
    RECORD_WITHDRAWN = "record_withdrawn", "Record withdrawn"
    RECORDS_COMPLETED = "records_completed", "Records marked complete"
    REVIEWER_ASSIGNED = "reviewer_assigned", "Reviewer assigned"
    ASSIGNMENT_REFUSED = "assignment_refused", "Assignment refused"
    REVIEWER_ACCEPTED = "reviewer_accepted", "Reviewer accepted"
    REVIEWER_DECLINED = "reviewer_declined", "Reviewer declined"
    REVIEWER_UNASSIGNED = "reviewer_unassigned", "Reviewer unassigned"
    DETERMINATION_SUBMITTED = "determination_submitted", "Determination submitted"
    DETERMINATION_RETURNED = "determination_returned", "Determination returned"
    DETERMINATION_APPROVED = "determination_approved", "Determination approved"
    CONSISTENCY_RECORDED = "consistency_recorded", "Consistency flag looked at"
    LETTER_ISSUED = "letter_issued", "Letter issued"
    LETTER_DELIVERED = "letter_delivered", "Letter delivered"
    NOTICE_DELIVERED = "notice_delivered", "Notice delivered"
    NOTICE_SERVED = "notice_served", "Notice served"
    LETTER_AMENDED = "letter_amended", "Amended letter requested"
    LETTER_POSTED = "letter_posted", "Letter posted"
    NOTICE_POSTED = "notice_posted", "Notice posted"
    COPY_TAKEN_BACK = "copy_taken_back", "Copy taken back from a print batch"
    COPIES_REPLACED = "copies_replaced", "Unsent copies replaced by the amended letter"
    NOTICE_COPIES_WITHDRAWN = (
        "notice_copies_withdrawn",
        "Unsent copies of the notice of assignment withdrawn",
    )
    PARTY_SERVICE_CHANGED = "party_service_changed", "Party's service details changed"
    HELD_COPIES_SERVED = "held_copies_served", "Held copies served"
    CASE_TERMINATED = "case_terminated", "Case terminated"
    CASE_REMANDED = "case_remanded", "Case remanded"
    CASE_DEFERRED = "case_deferred", "Deferred for a liability dispute"
    LIABILITY_RESOLVED = "liability_resolved", "Liability dispute resolved"
    INFORMATION_REQUESTED = "information_requested", "Missing information requested"
    INFORMATION_RECEIVED = "information_received", "Requested information received"
    CASE_CONSOLIDATED = "case_consolidated", "Applications consolidated"
    CASE_EXPEDITED = "case_expedited", "Converted to expedited review"
    FACTS_EDITED = "facts_edited", "Case facts corrected"
    REMINDER_SENT = "reminder_sent", "Reminder sent"
    ESCALATION_SENT = "escalation_sent", "Escalation sent"
    TRANSITION_REFUSED = "transition_refused", "Action refused"
    FILE_INTEGRITY_FAILED = "file_integrity_failed", "Stored file failed its integrity check"


class CaseEvent(models.Model):
    """One thing that happened to a case. Append-only: services add events, nothing edits them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=40, choices=EventType.choices)
    # PROTECT: users are deactivated, never deleted, so every event keeps its actor.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        # Append-only in the database too (PostgreSQL here; SQLite by audit.triggers).
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.type} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        # The log is evidence: an event, once written, is never changed.
        if self.pk is not None and not self._state.adding:
            raise ValueError("Case events are append-only.")
        super().save(*args, **kwargs)


class EligibilityFinding(models.Model):
    """Each eligibility finding (8 CCR 9792.10.3) with the date the state's reports count it
    under, kept beside its event by cases.lifecycle.events as the events are written, so a
    month's findings are one index read (issue 12: dating each finding from the events took a
    subquery per finding, seconds for a month a year back).

    `found_on` is the date as the administrator dated the finding: an eligible finding's by its
    notice of assignment's Date Assigned (`notice_on`, the first notice after it), as corrected
    since on the facts page (`corrected_on`); an ineligible one's by the day it was recorded
    (the finding date its notice to the parties prints). The event stays the record; this row
    is derived from the case's events and made again from them by the migration that added it;
    cases.integrity.findings checks it against them daily (beat) and repairs what differs."""

    event = models.OneToOneField(
        CaseEvent, on_delete=models.CASCADE, primary_key=True, related_name="finding"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="eligibility_findings")
    eligible = models.BooleanField()
    recorded_on = models.DateField()
    notice_on = models.DateField(null=True, blank=True)
    corrected_on = models.DateField(null=True, blank=True)
    found_on = models.DateField(db_index=True)

    def __str__(self) -> str:
        return f"{self.case_id} {'eligible' if self.eligible else 'ineligible'} {self.found_on}"
