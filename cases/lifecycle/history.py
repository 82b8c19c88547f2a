"""The case history as a person reads it: each event's details in short sentences. Lives beside
events.py, which writes the details this reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from django.template.defaultfilters import filesizeformat, pluralize

from accounts.models import Role, display_names
from cases.lifecycle.models import (
    INELIGIBILITY_SOURCES,
    Answer,
    AuthorizationKind,
    Case,
    CaseEvent,
    CaseStatus,
    DrugClass,
    EventType,
    FiledBy,
    IneligibilityReason,
    ItemCategory,
    PartyRole,
    Priority,
    SentBy,
    ServedBy,
    Sex,
    UrDecisionBasis,
)
from cases.lifecycle.services import (
    MISSING_INFORMATION,
    TERMINATION_REASONS,
    TERMINATION_REASONS_BY_STEP,
)

_TERMINATION_WORDS = {**TERMINATION_REASONS, **TERMINATION_REASONS_BY_STEP}

# Lab. Code 4610.6(f): the reviewer's identity is confidential; said where a name is left out.
REVIEWER_CONFIDENTIAL = "the reviewer's identity is confidential (Lab. Code 4610.6(f))"
# The reminder sent to the reviewer of the round (cases.reminders ClockNotice.Kind).
_REVIEWER_REMINDER = "reviewer_due_soon"


@dataclass(frozen=True)
class Audience:
    """Who reads a case's history, and so whose names it may show. cases.access decides it for
    each reader (`history_audience`); this module only applies it."""

    # The reader: their own name and e-mail are always theirs to see.
    username: str = ""
    email: str = ""
    # Every reviewer by name (the IRO's managers and quality reviewers); otherwise a reviewer
    # sees only themselves: not the parties (Lab. Code 4610.6(f)), not another round's reviewer.
    knows_reviewers: bool = True
    # The IRO's other staff by name; the parties see their role only.
    knows_staff: bool = True

    def knows_reviewer(self, username: str) -> bool:
        return self.knows_reviewers or (bool(username) and username == self.username)

    def actor_label(self, actor) -> str:
        """Who did it, as this reader may be told."""
        if actor is None:
            return "IMR Desk"
        name = actor.display_name
        if actor.username == self.username:
            return name
        if actor.role == Role.REVIEWER:
            return name if self.knows_reviewers else "a reviewer"
        if self.knows_staff:
            return name
        return Role(actor.role).label.lower() if actor.role in Role.values else "IMR Desk"


# Internal readers (commands, tests): every name.
EVERY_NAME = Audience()


def _status_label(value: str) -> str:
    try:
        return CaseStatus(value).label
    except ValueError:
        return value


# A corrected fact as the facts page labels it: the intake key of the case's own facts.
_FACT_LABELS = {
    "items": "Disputed items",
    "priority": "Priority",
    "application_received": "Application received",
    "date_assigned": "Notice of assignment dated (Date Assigned)",
    "notice_sent_by": "Notice sent by",
    "ur_decision_date": "UR decision date",
    "ur_decision_served_on": "UR decision served on",
    "ur_decision_served_by": "UR decision served by",
    "date_of_injury": "Date of injury",
    "claim_number": "Claim number",
    "adj_number": "EAMS case number (ADJ)",
    "filed_by": "Filed by",
    "application_signed": "Application signed",
    "ur_decision_basis": "UR decision based on",
    "liability_disputed": "Liability disputed",
    "designated_on": "Designee named on",
    "records_complete_on": "Records complete on",
    "diagnoses": "Diagnoses",
    "other_names": "Other names in the case file",
    "notice_sent_on": "Notice of assignment dated (Date Assigned)",
    "case_number": "Case number",
}
_PART_LABELS = {
    "first_name": "first name",
    "last_name": "last name",
    "date_of_birth": "date of birth",
    "age": "age",
    "sex": "sex",
    "email": "e-mail",
    "address": "address",
    "name": "name",
    "identifier": "identifier",
    "specialty": "specialty",
    "npi": "NPI",
    "description": "description",
    "category": "category",
    "original_request": "original request",
    "authorized_portion": "authorized portion",
    "authorization_kind": "authorization kind",
    "formulary_dispute": "drug-formulary dispute",
    "drug_class": "drug class",
    "ur_citation": "UR citation",
    "kind": "kind",
    "text": "text",
}


# A corrected fact's stored value said as its form offers it (from QA: "Filed by: not_stated →
# employee"), by the fact's name or, for the worker's and the items', by its last part.
_VALUE_CHOICES = {
    "priority": Priority,
    "notice_sent_by": SentBy,
    "ur_decision_served_by": ServedBy,
    "filed_by": FiledBy,
    "application_signed": Answer,
    "ur_decision_basis": UrDecisionBasis,
    "liability_disputed": Answer,
    "sex": Sex,
    "category": ItemCategory,
    "authorization_kind": AuthorizationKind,
    "drug_class": DrugClass,
}


def fact_value(path: str, value: object) -> object:
    """A corrected fact's value as its form names it ("The employee", not "employee")."""
    choices = _VALUE_CHOICES.get(str(path).rsplit(".", 1)[-1])
    if choices is not None and isinstance(value, str) and value in choices.values:
        return choices(value).label
    return value


def fact_label(path: str) -> str:
    """A fact of the case named as the facts page names it, from its intake path ("$." and all:
    "date_assigned", "injured_worker.first_name", "employer.name", "items[1].description"),
    items counted from 1. A path not known is given as it is."""
    path = path.removeprefix("$").removeprefix(".")
    head, _, rest = path.partition(".")
    # "ur_citation.kind": "UR citation kind"; one word each from the labels.
    part = " ".join(_PART_LABELS.get(word, word) for word in rest.split(".")) if rest else ""
    if head in _FACT_LABELS and not rest:
        return _FACT_LABELS[head]
    if head == "injured_worker":
        return f"Injured worker's {part}" if part else "Injured worker"
    if head in PartyRole.values:
        party = PartyRole(head).label
        return f"{party}'s {part}" if part else party
    if head.startswith("diagnoses[") and head.endswith("]") and head[10:-1].isdigit():
        return f"Diagnosis {int(head[10:-1]) + 1}"
    if head.startswith("items[") and head.endswith("]") and head[6:-1].isdigit():
        item = f"Item {int(head[6:-1]) + 1}"
        return f"{item}'s {part}" if part else item
    if head.startswith("records[") and head.endswith("]") and head[8:-1].isdigit() and not rest:
        # An application sent again: a record whose PDF the case's file does not hold.
        return f"Record {int(head[8:-1]) + 1} (a PDF not in the case's file)"
    return path


def _date_text(value: object) -> str:
    try:
        return dt.date.fromisoformat(value).strftime("%m/%d/%Y")
    except (TypeError, ValueError):
        return str(value)


def _notice_how(details: dict) -> str:
    """How the notice goes: `sent_by` since issue 9, a boolean `electronic` in older events.
    The method, not that a copy went (from QA: "mailed" was read of a notice whose copies all
    waited for an address; each copy's service is in the notices panel and its own events)."""
    if "sent_by" in details:
        sent_by = details["sent_by"]
    else:
        sent_by = SentBy.ELECTRONIC if details.get("electronic") else SentBy.MAIL
    return {SentBy.ELECTRONIC: ", sent electronically", SentBy.MAIL: ", by mail"}.get(
        sent_by, " (how it was sent is not known)"
    )


def _ineligibility_reason(code: str) -> str:
    try:
        reason = IneligibilityReason(code)
    except ValueError:
        return code
    return f"{reason.label} ({INELIGIBILITY_SOURCES[reason]})"


def event_summary(
    event: CaseEvent, audience: Audience = EVERY_NAME, names: Mapping[str, str] | None = None
) -> list[str]:
    """The details of an event as short sentences `audience` may read. `names`: reviewers'
    names by username, for events recorded before the name was kept with them."""
    details = _details_for(event, audience)
    lines: list[str] = []
    if details.get("from_status") and details.get("to_status"):
        from_label = _status_label(details["from_status"])
        lines.append(f"Status: {from_label} → {_status_label(details['to_status'])}")
    elif details.get("to_status"):
        lines.append(f"Status: {_status_label(details['to_status'])}")
    if event.type == EventType.LETTER_ISSUED and details.get("version"):
        # Which version: an amended one says so, with what it corrects.
        note = details.get("correction_note")
        lines.append(
            f"Final Determination Letter version {details['version']}"
            + (f", amended: {note}" if note else "")
        )
    if event.type == EventType.CASE_IMPORTED and details.get("status"):
        lines.append(f"Imported as {_status_label(details['status']).lower()}")
    if details.get("source"):
        lines.append(
            {"ui": "Entered in IMR Desk", "api": "Submitted over the API"}.get(
                details["source"], f"Source: {details['source']}"
            )
        )
    if event.type == EventType.ELIGIBILITY_RECORDED:
        eligible = details.get("eligible")
        if details.get("late_application"):
            lines.append("Filed late; accepted anyway" if eligible else "Filed late")
        for code in details.get("reason_codes") or []:
            lines.append(f"Reason: {_ineligibility_reason(code)}")
        for override in details.get("overrides") or []:
            lines.append(
                f"Override of “{override.get('label', override.get('check'))}” "
                f"({override.get('source', '')}): {override.get('answer_label', '')}. "
                f"{override.get('reason', '')}".strip()
            )
    if details.get("reasons"):
        lines.append("Reasons: " + "; ".join(details["reasons"]))
    if details.get("title"):
        lines.append(f"Record: {details['title']}")
    if details.get("pages") is not None and event.type == EventType.RECORD_INSPECTED:
        lines.append(
            f"{details['pages']} page{pluralize(details['pages'])}"
            if details["pages"]
            else f"Pages could not be counted: {details.get('problem') or 'the PDF is unreadable.'}"
        )
    if details.get("size"):
        lines.append(f"Size: {filesizeformat(details['size'])}")
    if details.get("date_assigned"):
        lines.append(
            f"Notice of assignment dated {_date_text(details['date_assigned'])}"
            f"{_notice_how(details)}"
        )
    if details.get("contradictions_read"):
        lines.append(
            "Approved having read each decision against its rationale: "
            + "; ".join(details["contradictions_read"])
        )
    if details.get("records_due_on"):
        lines.append(f"Records due {_date_text(details['records_due_on'])}")
    if details.get("records_complete_on"):
        lines.append(f"Records complete on {_date_text(details['records_complete_on'])}")
    if details.get("complete") is False:
        lines.append("Proceeding without complete records")
    lines += _notice_summary(event, details)
    lines += _screen_summary(event, details)
    if details.get("late") and event.type == EventType.INFORMATION_RECEIVED:
        lines.append("Came after its due date")
    elif details.get("late"):
        lines.append("Records came after their due date")
    if details.get("determination_due_on"):
        lines.append(f"Determination due {_date_text(details['determination_due_on'])}")
    # Each changed value, old → new (a correction's facts named as the facts page names them,
    # a party's service details as recorded).
    facts = event.type == EventType.FACTS_EDITED
    label = fact_label if facts else str
    for change in details.get("changes") or []:
        field = change.get("field")
        old, new = change.get("old"), change.get("new")
        if facts:
            old, new = fact_value(field, old), fact_value(field, new)
        old, new = _date_text(_change_value(old)), _date_text(_change_value(new))
        lines.append(f"{label(field)}: {old} → {new}")
    if event.type == EventType.FACTS_EDITED:
        for move in details.get("moved") or []:
            lines.append(
                f"{move['deadline']} moved from {_date_text(move['from'])} to "
                f"{_date_text(move['to'])}"
            )
    if event.type == EventType.CASE_TERMINATED and details.get("reason"):
        lines.append(_TERMINATION_WORDS.get(details["reason"], details["reason"]))
    elif details.get("reason"):
        lines.append(f"Reason: {details['reason']}")
    if event.type == EventType.CASE_REMANDED and details.get("round"):
        lines.append(f"Review round {details['round']}")
    if details.get("reviewer"):
        # By name: the name as it was then, else (an event recorded before names were kept
        # with it) as it is now, else (a user since removed) the username.
        username = details["reviewer"]
        name = details.get("reviewer_name") or (names or {}).get(username) or username
        lines.append(f"Reviewer: {name}")
    elif details.get("reviewer_withheld"):
        lines.append(
            {
                EventType.REVIEWER_ASSIGNED: "A reviewer was assigned",
                EventType.ASSIGNMENT_REFUSED: "A reviewer could not be assigned",
                EventType.REVIEWER_UNASSIGNED: "The reviewer was unassigned",
            }.get(event.type, "A reviewer")
            + f"; {REVIEWER_CONFIDENTIAL}"
        )
    if event.type == EventType.REVIEWER_UNASSIGNED:
        if details.get("reassigned"):
            lines.append("The case goes to another reviewer")
        else:
            lines.append("The case waits for a reviewer again")
        if details.get("draft_discarded"):
            lines.append("The unsubmitted draft was discarded")
        if details.get("determination_withdrawn"):
            lines.append(
                "The determination returned by quality review was withdrawn (kept on record); "
                "the next reviewer writes a new one"
            )
    if details.get("kind") == "acceptance_overdue" and details.get("accept_by"):
        lines.append(f"Not accepted by {details['accept_by']}")
    if details.get("attested_no_conflict"):
        lines.append("Attested no conflict of interest")
    if details.get("conflict"):
        lines.append("Declared a conflict of interest")
    if details.get("message"):
        lines.append(details["message"])
    if details.get("recipient"):
        due = f" (due {_date_text(details['due_on'])})" if details.get("due_on") else ""
        lines.append(f"To {details['recipient']}{due}")
    if event.type == EventType.PARTY_SERVICE_CHANGED and details.get("party"):
        lines.append(f"Party: {details['party']}")
        if details.get("problem"):
            lines.append(f"Cannot be served: {details['problem']}")
    if details.get("served_on") and event.type in (
        EventType.LETTER_POSTED,
        EventType.NOTICE_POSTED,
    ):
        if event.type == EventType.NOTICE_POSTED:
            lines.append(f"{details.get('document', 'Notice')} version {details.get('version', 1)}")
        else:
            lines.append(f"Final Determination Letter version {details.get('version', 1)}")
        lines.append(f"Posted on {_date_text(details['served_on'])}")
        for name in details.get("posted_to") or []:
            lines.append(f"To {name}")
    if event.type == EventType.CONSISTENCY_RECORDED:
        said = {"consistent": "consistent: the decision stands", "returned": "returned"}
        lines.append(
            f"Item {details.get('item')} against its precedents "
            f"({details.get('majority')}): {said.get(details.get('resolution'), '')}"
        )
    if details.get("note"):
        lines.append(f"Note: {details['note']}")
    return lines


def _details_for(event: CaseEvent, audience: Audience) -> dict:
    """The event's details less what names a person this reader may not know: a reviewer
    (by name, by e-mail, or in their own words, which may name them or their conflict), the
    staff a reminder went to, and quality review's notes to a reviewer."""
    details = dict(event.details or {})
    reviewer = details.get("reviewer")
    if reviewer and not audience.knows_reviewer(reviewer):
        del details["reviewer"]
        details.pop("reviewer_name", None)
        details["reviewer_withheld"] = True
        # An assignment refused says why in words that name the reviewer.
        details.pop("reasons", None)
    by_unknown_reviewer = (
        event.actor is not None
        and event.actor.role == Role.REVIEWER
        and not audience.knows_reviewer(event.actor.username)
    )
    if by_unknown_reviewer and event.type == EventType.REVIEWER_DECLINED:
        details.pop("reason", None)
    # An administrator's reason for unassigning may name the reviewer (Lab. Code 4610.6(f)).
    if event.type == EventType.REVIEWER_UNASSIGNED and not audience.knows_reviewers:
        details.pop("reason", None)
    quality = (
        EventType.DETERMINATION_RETURNED,
        EventType.DETERMINATION_APPROVED,
        EventType.CONSISTENCY_RECORDED,
    )
    if event.type in quality and not audience.knows_reviewers:
        details.pop("note", None)
    if event.type in (EventType.REMINDER_SENT, EventType.ESCALATION_SENT):
        recipient = details.get("recipient", "")
        if details.get("kind") == _REVIEWER_REMINDER:
            if not (audience.knows_reviewers or recipient == audience.email):
                details["recipient"] = "the reviewer"
        elif not audience.knows_staff:
            details["recipient"] = "the case administrators"
    return details


def _notice_summary(event: CaseEvent, details: dict) -> list[str]:
    """A notice's delivery and its date of service (which may move the records clock); the
    copies held for a party's address and sent once it was added."""
    if event.type == EventType.COPY_TAKEN_BACK:
        return [
            f"{details.get('document', 'Document')} to {details.get('party', '')}: taken back "
            f"from print batch {details.get('batch', '')} unserved, because the party's address "
            "changed after printing; it will be printed again at the new address "
            "(CCP 1013(a))"
        ]
    if event.type == EventType.COPIES_REPLACED:
        return [
            f"Final Determination Letter v{details.get('version', '')} to "
            f"{copy.get('party', '')}: not sent ({str(copy.get('was', '')).lower()}); "
            f"version {details.get('by_version', '')}, the amended letter, is served instead"
            for copy in details.get("copies") or []
        ]
    if event.type == EventType.NOTICE_COPIES_WITHDRAWN:
        closed = (
            "the determination was issued"
            if details.get("closed_as") == CaseStatus.ISSUED
            else "the case was closed"
        )
        return [
            f"Notice of Assignment and Request for Information to {copy.get('party', '')}: "
            f"not sent ({str(copy.get('was', '')).lower()}); {closed} before it went out, and "
            "the notice asks for records for a review that is over"
            for copy in details.get("copies") or []
        ]
    if event.type == EventType.HELD_COPIES_SERVED:
        return [
            f"{copy.get('document', 'Document')} to {details.get('party', '')}: "
            + (
                f"e-mailed to {copy.get('email', '')}"
                if copy.get("method") == "email"
                else "put on the print queue, to be posted"
            )
            for copy in details.get("copies") or []
        ]
    if event.type == EventType.NOTICE_DELIVERED:
        return [f"{details.get('document', 'Notice')} e-mailed to {details.get('email', '')}"]
    if event.type != EventType.NOTICE_SERVED:
        return []
    how = {SentBy.ELECTRONIC: "electronically", SentBy.MAIL: "by mail"}.get(
        details.get("sent_by"), "by a method not known"
    )
    lines = [
        f"{details.get('document', 'Notice')} version {details.get('version', 1)} served "
        f"{how} on {_date_text(details.get('served_on'))}"
    ]
    if details.get("clock_moved"):
        lines.append(
            f"The finding intended {_date_text(details.get('intended_on'))}; the records clock "
            "now runs from the date of service (8 CCR 9792.10.5(a)(1))"
        )
    return lines


def _change_value(value: object) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value) if value not in (None, "") else "(none)"


def _screen_summary(event: CaseEvent, details: dict) -> list[str]:
    """Deferral, requests for information, consolidation and conversion to expedited."""
    lines: list[str] = []
    if details.get("deferred_on") and event.type == EventType.CASE_DEFERRED:
        lines.append(
            f"Deferred on {_date_text(details['deferred_on'])}: the claims administrator disputes "
            "liability; the IMR waits until the dispute is resolved (8 CCR 9792.10.3(d))"
        )
    if details.get("resolved_on"):
        lines.append(
            f"Liability dispute resolved on {_date_text(details['resolved_on'])}; "
            "the eligibility screen resumes"
        )
    if details.get("missing"):
        asked = [MISSING_INFORMATION.get(key, key) for key in details["missing"]]
        lines.append("Requested: " + "; ".join(asked))
    if details.get("information_due_on"):
        due = f"due {_date_text(details['information_due_on'])}"
        sent = {"mail": "Sent by mail", "electronic": "Sent electronically"}.get(
            details.get("sent_by", "")
        )
        lines.append(
            # 8 CCR 9792.10.3(c): the days run from receipt (a request before this was recorded
            # counted from the day it was sent).
            f"{sent}; {due}: 5 business days following its receipt (8 CCR 9792.10.3(c))"
            if sent
            else f"{due.capitalize()}: 5 business days (8 CCR 9792.10.3(c))"
        )
    if details.get("received_on"):
        lines.append(f"Received on {_date_text(details['received_on'])}")
    if event.type == EventType.CASE_CONSOLIDATED:
        if details.get("to_status") == CaseStatus.TERMINATED:
            lines.append(f"Consolidated into {details.get('kept')} (8 CCR 9792.10.4(a))")
        else:
            lines.append(
                f"Took in {details.get('duplicate')}: {details.get('items', 0)} "
                f"item{pluralize(details.get('items', 0))} and {details.get('records', 0)} "
                f"record{pluralize(details.get('records', 0))}, decided in one determination "
                "(8 CCR 9792.10.4(a))"
            )
    if details.get("certified_on"):
        lines.append(
            f"Physician's certification received {_date_text(details['certified_on'])}: "
            "expedited review, the clocks run from this date (8 CCR 9792.10.4(c))"
        )
    return lines


class HistoryEntry(NamedTuple):
    event: CaseEvent
    lines: list[str]
    # Who did it, as the reader may be told (Audience.actor_label).
    actor: str


def case_history(case: Case, audience: Audience = EVERY_NAME) -> list[HistoryEntry]:
    """The case's events, newest first, each with its summary lines as `audience` may read
    them (cases.access.history_audience decides the audience of a user)."""
    events = list(case.events.select_related("actor").order_by("-created_at", "-id"))
    names = _names_not_kept(events)
    return [
        HistoryEntry(
            event, event_summary(event, audience, names), audience.actor_label(event.actor)
        )
        for event in events
    ]


def _names_not_kept(events: list[CaseEvent]) -> dict[str, str]:
    """The names of the reviewers that events recorded before names were kept with them name by
    username only: one query, and none when every event has its name."""
    return display_names(
        {
            event.details["reviewer"]
            for event in events
            if (event.details or {}).get("reviewer") and not event.details.get("reviewer_name")
        }
    )


# What a case page left open is not told of (casefile.views.case_changed): a reading (a record
# opened), its inspection, a refusal, and the mail's and the clock's own comings and goings,
# none of which changes what the page offers.
CHANGES_NOT_TOLD = frozenset(
    {
        EventType.RECORD_OPENED,
        EventType.RECORD_INSPECTED,
        EventType.TRANSITION_REFUSED,
        EventType.ASSIGNMENT_REFUSED,
        EventType.REMINDER_SENT,
        EventType.ESCALATION_SENT,
        EventType.LETTER_DELIVERED,
        EventType.NOTICE_DELIVERED,
    }
)
# The newest told of; more are counted.
CHANGES_TOLD = 5


class ChangesSince(NamedTuple):
    """What others did to a case since a moment: the newest CHANGES_TOLD, and whether there
    were more."""

    shown: list[HistoryEntry]
    more: bool


def case_last_event(case: Case) -> int:
    """The id of the case's newest event (0 without one): what its page drew last."""
    return case.events.order_by("-pk").values_list("pk", flat=True).first() or 0


def case_changes_since(
    case: Case, after_event: int, *, reader_id: int, audience: Audience = EVERY_NAME
) -> ChangesSince:
    """The case's events recorded after the event `after_event` (the newest its page showed)
    that someone other than the reader (`reader_id`) did, newest first: what each was, who did
    it as the audience may read it (cases.access decides), and when; not its details (a
    corrected fact's values, a record's title), which the page, audited as a read, shows once
    reloaded. One query."""
    events = list(
        case.events.filter(pk__gt=after_event)
        .exclude(type__in=CHANGES_NOT_TOLD)
        .exclude(actor_id=reader_id)
        .select_related("actor")
        .order_by("-created_at", "-id")[: CHANGES_TOLD + 1]
    )
    shown = [HistoryEntry(event, [], audience.actor_label(event.actor)) for event in events]
    return ChangesSince(shown[:CHANGES_TOLD], len(shown) > CHANGES_TOLD)
