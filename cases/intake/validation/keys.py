"""The intake JSON's tables (SPEC section 7): the keys each object takes, the ones it
requires, the parties and their keys, the patterns of identifiers. The checker asks them and the
API's schema (cases.intake.schema) states them: one list for both."""

from __future__ import annotations

import re

from cases.lifecycle.models import Answer, FiledBy, PartyRole, UrDecisionBasis

NPI_RE = re.compile(r"^\d{10}$")
# The EAMS case number of the WCAB: ADJ and digits (8 CCR 10575(e) asks an appeal to give it).
ADJ_NUMBER_RE = re.compile(r"^ADJ\d{1,12}$")
WORKER_MIN_AGE, WORKER_MAX_AGE = 14, 110

# The longest free texts of an application, generous for any real one (from a QA pass: a 10 MB
# diagnosis was taken and its case page was 10 MB): an item's description, original request and
# authorized portion; the guideline a citation names (the form's limit); each diagnosis, and how
# many. (An address's limit is the models' ADDRESS_MAX.)
ITEM_TEXT_MAX = 1_000
CITATION_TEXT_MAX = 500
DIAGNOSIS_MAX = 500
DIAGNOSES_MAX = 50
# The disputed items of one application, at every door: the form took at most 50 while the
# API and the import took any number (a QA pass made a case of 1,000, whose facts page was
# 4 MB and took seconds to open).
ITEMS_MAX = 50

# The parties an application must name: the letter is addressed to the requesting provider and
# the claims administrator, names the employer, and every party is checked for conflicts.
REQUIRED_PARTIES = (
    PartyRole.EMPLOYER,
    PartyRole.CLAIMS_ADMINISTRATOR,
    PartyRole.REQUESTING_PROVIDER,
    PartyRole.UR_ORGANIZATION,
)
_PHYSICIAN_ROLES = (PartyRole.REQUESTING_PROVIDER, PartyRole.UR_PHYSICIAN)
_NPI_ROLES = (PartyRole.REQUESTING_PROVIDER, PartyRole.UR_PHYSICIAN, PartyRole.PROVIDER_GROUP)
PARTY_KEYS: dict[str, tuple[str, ...]] = {
    role: (
        "name",
        "identifier",
        *(("npi",) if role in _NPI_ROLES else ()),
        *(("specialty",) if role in _PHYSICIAN_ROLES else ()),
        "email",
        "address",
        "delivery_method",
        "e_service_consent",
    )
    for role in PartyRole.values
}

CASE_KEYS = (
    "application_id",
    "case_number",
    "priority",
    "application_received",
    "date_assigned",
    "notice_sent_on",
    "notice_sent_by",
    "ur_decision_date",
    "ur_decision_served_on",
    "ur_decision_served_by",
    "date_of_injury",
    "claim_number",
    "adj_number",
    "filed_by",
    "application_signed",
    "ur_decision_basis",
    "liability_disputed",
    "designated_on",
    "injured_worker",
    *PartyRole.values,
    "diagnoses",
    "items",
    "records",
    "determination",
)
# What export_case adds to the intake shape. Accepted and ignored on intake, so that an export
# can be imported again; the status follows from the data, never from this field.
EXPORT_ONLY_CASE_KEYS = (
    "status",
    "round",
    "clocks",
    "screen",
    "assignment",
    "outcome",
    "letters",
)
WORKER_KEYS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "age",
    "sex",
    "email",
    "address",
    "delivery_method",
    "e_service_consent",
)
ITEM_KEYS = (
    "description",
    "category",
    "original_request",
    "authorized_portion",
    "authorization_kind",
    "ur_citation",
    "formulary_dispute",
    "drug_class",
)
CITATION_KEYS = ("kind", "text")
RECORD_KEYS = (
    "title",
    "document_date",
    "kind",
    "source",
    "file",
    "content",
    "filename",
    "sha256",
)
# Facts export_case prints about a stored record; on intake they are ignored (sha256 is checked).
EXPORT_ONLY_RECORD_KEYS = ("size", "pages")
DETERMINATION_KEYS = ("reviewer", "decision_date", "clinical_summary", "decisions")
REVIEWER_KEYS = ("licensure", "certifications")
DECISION_KEYS = ("item", "outcome", "citation", "rationale")

# The keys required in each object; every other key of its table is optional. The checker asks
# these, and the API's schema (cases.intake.schema) states them: one list for both.
CASE_REQUIRED = (
    "application_id",
    "priority",
    "application_received",
    "ur_decision_date",
    "date_of_injury",
    "claim_number",
    "injured_worker",
    *REQUIRED_PARTIES,
    "items",
)
WORKER_REQUIRED = ("first_name", "last_name")
PARTY_REQUIRED = ("name",)
ITEM_REQUIRED = ("description", "category", "ur_citation")
CITATION_REQUIRED = ("kind",)
RECORD_REQUIRED = ("title",)
DETERMINATION_REQUIRED = DETERMINATION_KEYS
REVIEWER_REQUIRED = REVIEWER_KEYS
DECISION_REQUIRED = DECISION_KEYS

# The facts of the application the eligibility screen judges: optional, "not_stated" when absent.
ELIGIBILITY_FACT_CHOICES: dict[str, tuple[type, str]] = {
    "filed_by": (FiledBy, "who filed"),
    "application_signed": (Answer, "yes, no or not_stated"),
    "ur_decision_basis": (UrDecisionBasis, "a basis of the UR decision"),
    "liability_disputed": (Answer, "yes, no or not_stated"),
}
