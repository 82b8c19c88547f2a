"""Writes of the determination (SPEC section 5): accepting or declining the case, the autosaved
draft, the review step, submission; and a legacy system's determination. Each function is one
business step in one transaction and writes its case event."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.notifications import notifications_settled, notify
from accounts.row_ids import row_id
from cases.formatting import us_date_at
from cases.jsoncheck import visible_strip
from cases.lifecycle import events
from cases.lifecycle.models import Case, CaseStatus, CitationKind, Outcome, Priority
from cases.lifecycle.services import (
    DUE_ON_FIELDS,
    case_due_on_refresh,
    case_lock,
    case_status_move,
)
from cases.lifecycle.status_table import Action, allowed_actions
from cases.states import state_name
from reviews.assignment.models import (
    Assignment,
    AssignmentStatus,
    CaseConflict,
)
from reviews.assignment.services import acceptance_settled, decline_announce, reason_checked
from reviews.determination.consistency import consistency_flags_compute
from reviews.determination.drafting import (
    opening_sentence,
    placeholders_in,
    summary_body,
)
from reviews.determination.identifiers import case_identifiers, hits_replaced, identifier_hits
from reviews.determination.models import (
    Determination,
    DeterminationStatus,
    GuidelineSource,
    ItemDecision,
    QualityOutcome,
)
from reviews.determination.status_table import DeterminationAction, determination_actions
from reviews.determination.warnings import review_warnings
from reviews.precedents.services import precedent_record_determination
from reviews.roster.models import ReviewerProfile

if TYPE_CHECKING:
    pass


# --- A determination carried over from a legacy system (SPEC section 7) --------------------------


@transaction.atomic
def determination_import_legacy(*, case: Case, actor, determination: dict, source: str):
    """Record a completed review from another IRO system as issued history: the determination
    (no reviewer account; licensure and certifications as printed), one decision per item, and
    the case moved to issued. `determination` is cases.intake's cleaned legacy determination:
    licensure as full state names, `decision_date` a date, decisions numbering items from 1."""

    case = case_lock(case)
    if Action.IMPORT_LEGACY_DETERMINATION not in allowed_actions(case):
        raise ValidationError(
            f"{case.case_number} is already {case.get_status_display().lower()} here; a "
            "legacy determination can only come with a newly imported case."
        )
    if Determination.objects.filter(case=case).exists():
        raise ValidationError(f"{case.case_number} already has a determination.")
    items = list(case.items.order_by("position"))
    numbers = sorted(decision["item"] for decision in determination["decisions"])
    if numbers != list(range(1, len(items) + 1)):
        raise ValidationError("Each disputed item needs exactly one decision.")
    reviewer = determination["reviewer"]
    record = Determination(
        case=case,
        round=case.round,
        reviewer=None,
        reviewer_licensure=list(reviewer["licensure"]),
        reviewer_certifications=list(reviewer["certifications"]),
        clinical_summary=determination["clinical_summary"],
        decision_date=determination["decision_date"],
        status=DeterminationStatus.ISSUED,
        imported=True,
    )
    record.full_clean()
    record.save()
    for decision in determination["decisions"]:
        citation = decision["citation"]
        item_decision = ItemDecision(
            determination=record,
            item=items[decision["item"] - 1],
            outcome=decision["outcome"],
            citation_kind=citation["kind"],
            citation_text=citation["text"],
            rationale=decision["rationale"],
        )
        item_decision.full_clean()
        item_decision.save()
    # Not a lifecycle transition: the review happened in another system, so there is no
    # assignment, review or approval here to pass through. The case arrives as issued history.
    case.status = CaseStatus.ISSUED
    case_due_on_refresh(case)
    case.save(update_fields=["status", *DUE_ON_FIELDS, "updated_at"])
    events.case_imported(
        case=case,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        source=source,
        status=case.status,
    )
    # Issued history joins the precedent library as an issued letter does.
    precedent_record_determination(record)
    return record


# --- The determination: draft, autosave, submit (SPEC section 5) -----------------------------

# A rationale must say something: at least this many characters (about one short sentence).
MIN_RATIONALE_CHARS = 40
# The summary needs more than its drafted opening sentence: at least this many characters more.
MIN_SUMMARY_BODY_CHARS = 40
# A bound on any one text of the draft, far above a real summary or rationale (~1,500 chars).
MAX_DRAFT_TEXT_CHARS = 20_000
ITEM_FIELDS = ("outcome", "citation_kind", "citation_text", "guideline", "rationale")
# The fields of an item's guideline, saved together or not at all (determination_autosave).
CITATION_FIELDS = ("citation_kind", "citation_text", "guideline")
_ITEM_KEY = re.compile(rf"^item-(?P<id>\d+)-(?P<name>{'|'.join(ITEM_FIELDS)})$")


def _credentials_snapshot(reviewer, *, today: dt.date | None = None):
    """Full names of the states of the reviewer's unexpired licences, and their certifications:
    what the letter prints (SPEC section 6), as true on the day it is taken."""

    today = today or timezone.localdate()
    profile = (
        ReviewerProfile.objects.filter(user=reviewer)
        .prefetch_related("licences", "certifications")
        .first()
    )
    if profile is None:
        return [], []
    states: list[str] = []
    for licence in profile.licences.all():
        name = state_name(licence.state) or licence.state
        if licence.expires > today and name not in states:
            states.append(name)
    return states, [specialty.name for specialty in profile.certifications.all()]


def _determination_create(*, case: Case, reviewer):
    """The draft of this round, with the reviewer's credentials, the opening sentence of the
    summary drafted from the case facts, and one undecided decision per disputed item."""

    determination = Determination.objects.standing().filter(case=case, round=case.round).first()
    if determination is None:
        licensure, certifications = _credentials_snapshot(reviewer)
        determination = Determination(
            case=case,
            round=case.round,
            reviewer=reviewer,
            reviewer_licensure=licensure,
            reviewer_certifications=certifications,
            clinical_summary=opening_sentence(case) + " ",
        )
        determination.full_clean()
        determination.save()
    elif determination.reviewer_id != reviewer.pk:
        raise ValidationError("This round's determination belongs to another reviewer.")
    decided = set(determination.decisions.values_list("item_id", flat=True))
    for item in case.items.all():
        if item.pk not in decided:
            ItemDecision.objects.create(determination=determination, item=item)
    return determination


@transaction.atomic
def determination_draft_get_or_create(*, case: Case, reviewer):
    """The reviewer's draft for the case's current round, made on first use. Only the reviewer
    who accepted the case has one."""
    case = case_lock(case)
    accepted = Assignment.objects.filter(
        case=case, round=case.round, reviewer=reviewer, status=AssignmentStatus.ACCEPTED
    ).exists()
    if not accepted:
        raise ValidationError("Accept the case before writing its determination.")
    return _determination_create(case=case, reviewer=reviewer)


def _determination_lock(determination):

    # Lock the determination row only (PostgreSQL refuses FOR UPDATE on the nullable side of
    # the reviewer join).
    return (
        Determination.objects.select_for_update(of=("self",))
        .select_related("case", "reviewer")
        .get(pk=determination.pk)
    )


def determination_read_only_reason(determination, actor) -> str | None:
    """Why the actor can no longer change this determination (submitted, the case closed, no
    longer theirs), in the words the refusals use; None while they can."""
    try:
        _editable_check(determination, actor)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


def _editable_check(determination, actor) -> None:
    """Only the accepting reviewer changes a draft, and only while it is theirs to change."""
    if determination.reviewer_id != getattr(actor, "pk", None):
        raise ValidationError("Only the reviewer assigned to this case can change its draft.")
    if DeterminationAction.EDIT not in determination_actions(determination):
        when = determination.submitted_at
        raise ValidationError(
            "This determination was submitted"
            + (f" on {us_date_at(when)}" if when else "")
            + "; it is read-only now.",
            code="read_only",
        )
    if Action.EDIT_DETERMINATION not in allowed_actions(determination.case):
        raise ValidationError(
            f"The case is {determination.case.get_status_display().lower()}; its determination "
            "can no longer be changed.",
            code="read_only",
        )
    if not Assignment.objects.filter(
        case=determination.case,
        round=determination.round,
        reviewer=actor,
        status=AssignmentStatus.ACCEPTED,
    ).exists():
        raise ValidationError("You are no longer assigned to this case.", code="read_only")


@dataclass(frozen=True)
class FieldConflict:
    """One field two windows changed differently: what the server has, and what this window
    tried to save. Neither is dropped; the reviewer chooses."""

    key: str
    label: str
    server_value: str
    your_value: str

    # How much of the text before the difference, and of each side's different part, is shown.
    SHOWN_BEFORE = 40
    SHOWN_PART = 160

    @property
    def difference(self) -> tuple[str, str, str]:
        """Where the two texts part and what each has there: (the words before, this
        window's part, the other window's part), each cut short. From QA: both boxes opened on
        the same first lines, and the edits, at the end, were found by scrolling each box."""
        yours, theirs = self.your_value, self.server_value
        start = 0
        while start < min(len(yours), len(theirs)) and yours[start] == theirs[start]:
            start += 1
        end = 0
        while (
            end < min(len(yours), len(theirs)) - start
            and yours[len(yours) - 1 - end] == theirs[len(theirs) - 1 - end]
        ):
            end += 1
        # Whole words on both sides of the difference, not the letters two words share: the
        # shared start ends after a space, the shared end begins with one.
        while start > 0 and not yours[start - 1].isspace():
            start -= 1
        while end > 0 and not yours[len(yours) - end].isspace():
            end -= 1

        def cut(text: str) -> str:
            return text if len(text) <= self.SHOWN_PART else f"{text[: self.SHOWN_PART - 1]}…"

        before = yours[max(0, start - self.SHOWN_BEFORE) : start]
        before = f"…{before}" if start > self.SHOWN_BEFORE else before
        return before, cut(yours[start : len(yours) - end]), cut(theirs[start : len(theirs) - end])


class DraftConflict(ValidationError):
    """The draft changed in another window (or tab) since this one loaded it."""

    def __init__(self, *, conflicts: list[FieldConflict], version: int):
        self.conflicts = conflicts
        self.version = version
        labels = ", ".join(conflict.label for conflict in conflicts)
        super().__init__(
            f"{labels}: changed in another window since this one loaded it. Nothing was "
            "overwritten; choose which text to keep.",
            code="draft_conflict",
        )


@dataclass(frozen=True)
class AutosaveResult:
    version: int
    # Every field this request carried whose text is now the server's (the client's new base).
    saved: dict[str, str]
    # Fields this request changed (empty when everything was already saved).
    changed: tuple[str, ...]
    # The client's version was behind: another window had saved other fields in the meantime.
    merged: bool
    # Fields this request did not change that another window changed (the client is stale).
    stale: tuple[str, ...] = ()
    # Fields not saved, each with why (a text too long, a value not offered; "" for a field
    # kept with another refused, as a guideline's kind with its entry): the others were saved
    # all the same (from QA: one over-long rationale kept every other field unsaved).
    refused: tuple[tuple[str, str], ...] = ()

    @property
    def refused_said(self) -> str:
        return " ".join(why for _key, why in self.refused if why)


def _normalize_text(value) -> str:
    # Browsers send CRLF line ends from a textarea; store and compare them as LF.
    return str(value if value is not None else "").replace("\r\n", "\n").replace("\r", "\n")


def _draft_field(determination, decisions: dict, key: str):
    """(decision or None, field name) for a field key; a key of another draft is refused."""
    if key == "summary":
        return None, "clinical_summary"
    match = _ITEM_KEY.match(key)
    decision = decisions.get(int(match["id"])) if match else None
    if decision is None:
        raise ValidationError(f"The draft has no field {key!r}; reload the page.")
    return decision, match["name"]


def _draft_value(decision, name, determination) -> str:
    if decision is None:
        return determination.clinical_summary
    if name == "guideline":
        return str(decision.guideline_id or "")
    return getattr(decision, name)


def draft_field_label(decision, name: str) -> str:
    if decision is None:
        return "The clinical case summary"
    what = {
        "outcome": "decision",
        "citation_kind": "kind of guideline",
        "citation_text": "guideline",
        "guideline": "guideline (catalog entry)",
        "rationale": "rationale",
    }[name]
    return f"Item {decision.item.position} ({decision.item.description}): {what}"


def _draft_value_clean(decision, name: str, value: str) -> str:

    if len(value) > MAX_DRAFT_TEXT_CHARS:
        raise ValidationError(
            f"{draft_field_label(decision, name)} is {len(value):,} characters long; a text of "
            f"the draft may be at most {MAX_DRAFT_TEXT_CHARS:,}. Shorten it to save it."
        )
    # Each refusal names its field: the autosave saves the others and says which was not saved.
    if name == "outcome" and value not in ("", *Outcome.values):
        raise ValidationError(f"{draft_field_label(decision, name)}: choose Upheld or Overturned.")
    if name == "citation_kind" and value not in ("", *CitationKind.values):
        raise ValidationError(
            f"{draft_field_label(decision, name)}: choose MTUS, Non-MTUS or no citation."
        )
    if (
        name == "guideline"
        and value
        and (row_id(value) is None or not GuidelineSource.objects.filter(pk=row_id(value)).exists())
    ):
        raise ValidationError(
            f"{draft_field_label(decision, name)}: not in the catalog; search again."
        )
    if name == "citation_text":
        value = " ".join(value.split())
    return value


@transaction.atomic
def determination_autosave(
    *,
    determination,
    actor,
    version: int | None,
    changes: dict[str, str],
    bases: dict[str, str] | None = None,
) -> AutosaveResult:
    """Save what the reviewer typed, field by field, without ever overwriting another window's
    text.

    `version` is the draft version the client loaded; `bases` holds, per field, the text the
    client last had from the server. A field the client did not change (value == base) is
    skipped. A changed field is saved when the server still has the client's base (another
    window may have changed *other* fields: those are merged), and is a conflict when the
    server's text moved on: then nothing is saved and DraftConflict carries both texts. Without
    a base, the client's version must be the current one. A field whose value cannot be saved
    (too long, a choice not offered) is left as it was and said in `refused`; the rest is
    saved."""

    determination = _determination_lock(determination)
    _editable_check(determination, actor)
    decisions = {
        decision.pk: decision
        for decision in determination.decisions.select_related("item", "guideline")
    }
    bases = bases or {}
    saved: dict[str, str] = {}
    apply: list[tuple[object, str, str, str]] = []
    conflicts: list[FieldConflict] = []
    stale: list[str] = []
    refused: list[tuple[str, str]] = []
    cleaned: dict[str, tuple] = {}
    # A guideline is its kind, its text and its catalog entry, picked together: one of them
    # refused keeps the others of its item as they were too (from a review: a kind and text
    # saved beside the old entry made the precedents read another source).
    citation_refused: set[int] = set()
    for key, raw in changes.items():
        decision, name = _draft_field(determination, decisions, key)
        try:
            value = _draft_value_clean(decision, name, _normalize_text(raw))
        except ValidationError as error:
            refused.append((key, " ".join(error.messages)))
            if name in CITATION_FIELDS:
                citation_refused.add(decision.pk)
            continue
        cleaned[key] = (decision, name, value)
    for key, (decision, name, _value) in list(cleaned.items()):
        if name in CITATION_FIELDS and decision.pk in citation_refused:
            del cleaned[key]
            refused.append((key, ""))  # not saved either, said with the field refused
    for key, (decision, name, value) in cleaned.items():
        base = _normalize_text(bases[key]) if key in bases else None
        if name == "citation_text" and base is not None:
            base = " ".join(base.split())
        current = _draft_value(decision, name, determination)
        if base is not None and value == base:
            if value == current:
                saved[key] = value
            else:
                # Not touched here, but changed in another window: the client should know.
                stale.append(key)
            continue
        if value == current:
            saved[key] = value
            continue
        unchanged_since = current == base if base is not None else version == determination.version
        if unchanged_since:
            apply.append((decision, name, key, value))
        else:
            conflicts.append(
                FieldConflict(
                    key=key,
                    label=draft_field_label(decision, name),
                    server_value=current,
                    your_value=value,
                )
            )
    if conflicts:
        raise DraftConflict(conflicts=conflicts, version=determination.version)
    merged = version is not None and version != determination.version
    if apply:
        touched = {}
        for decision, name, key, value in apply:
            if decision is None:
                determination.clinical_summary = value
            elif name == "guideline":
                decision.guideline = GuidelineSource.objects.get(pk=int(value)) if value else None
                touched[decision.pk] = decision
            else:
                setattr(decision, name, value)
                touched[decision.pk] = decision
            saved[key] = value
        for decision in touched.values():
            decision.full_clean(exclude=["determination", "item"])
            decision.save()
        determination.version += 1
        determination.full_clean(exclude=["case", "reviewer"])
        determination.save()
    return AutosaveResult(
        version=determination.version,
        saved=saved,
        changed=tuple(key for _, _, key, _ in apply),
        merged=merged,
        stale=tuple(stale),
        refused=tuple(refused),
    )


@dataclass(frozen=True)
class DraftProblem:
    """Something that must be done before the determination can be signed."""

    step: int
    item_id: int | None
    detail: str  # what is missing, said within its item
    # What it is about, before its detail ("Item 1 (MRI of the knee)", "Clinical case summary");
    # empty when the detail names it.
    label: str = ""
    # The id of the field on its step that answers it: "Go there" puts the cursor in it (from
    # QA: it opened the step with the focus nowhere). Empty: the item's section.
    anchor: str = ""

    @property
    def message(self) -> str:
        return f"{self.label}: {self.detail}" if self.label else self.detail


def determination_problems(determination) -> list[DraftProblem]:
    """What blocks signing (SPEC section 5, step 4): every item decided with its guideline and
    a rationale of at least MIN_RATIONALE_CHARS, a summary beyond its opening sentence, and no
    starter prompt's blank ("…") left in the summary or a rationale."""

    problems = []
    # Text that prints nothing (a zero-width space or byte-order mark pasted from a web page or
    # a Word file) is no text: it must not pass for a summary, a citation or a rationale.
    body = visible_strip(summary_body(determination.case, determination.clinical_summary))
    if len(body) < MIN_SUMMARY_BODY_CHARS:
        problems.append(
            DraftProblem(
                2,
                None,
                "Write the clinical case summary: after the opening sentence, the diagnoses, "
                "treatment to date, the latest examination, the request and the UR action.",
                anchor="summary",
            )
        )
    # A starter prompt's blank must never reach the letter (issue 10).
    problems += [
        DraftProblem(2, None, _placeholder_detail(quoted), "Clinical case summary", "summary")
        for quoted in placeholders_in(determination.clinical_summary)
    ]
    decisions = sorted(determination.decisions.all(), key=lambda d: d.item.position)
    if not decisions:
        problems.append(DraftProblem(3, None, "The case has no disputed item to decide."))
    for number, decision in enumerate(decisions, start=1):
        label = f"Item {number} ({decision.item.description})"
        pk = decision.pk
        # (what is needed, the id of the field on step 3 that gives it)
        needs = []
        if not decision.outcome:
            needs.append(("choose Upheld or Overturned.", f"outcome-{pk}"))
        if not decision.citation_kind:
            needs.append(
                ("name the guideline the decision relies on, or choose None.", f"kind-{pk}")
            )
        elif decision.citation_kind != "none" and not visible_strip(decision.citation_text):
            needs.append(("type the citation.", f"ctext-{pk}"))
        length = len(visible_strip(decision.rationale))
        if not length:
            needs.append(("write the rationale.", f"rationale-{pk}"))
        elif length < MIN_RATIONALE_CHARS:
            needs.append(
                (
                    f"the rationale is too short ({length} characters; at least "
                    f"{MIN_RATIONALE_CHARS}).",
                    f"rationale-{pk}",
                )
            )
        needs += [
            (_placeholder_detail(quoted), f"rationale-{pk}")
            for quoted in placeholders_in(decision.rationale)
        ]
        problems += [DraftProblem(3, pk, detail, label, anchor) for detail, anchor in needs]
    return problems


def _placeholder_detail(quoted: str) -> str:
    return (
        f"complete the starter sentence: replace the … in “{quoted}” (words left out of a "
        "quotation are written […], or with the … joined to the word before)."
    )


@transaction.atomic
def determination_warnings_confirm(
    *, determination, actor, keys, toggled: str | None = None
) -> list[str]:
    """Record which soft warnings of the review step the reviewer confirmed: the full set of
    ticked boxes (`keys`, a form sent whole), or with `toggled` that one box alone, ticked if
    it is among `keys` (a box sent as it changes: from QA, two boxes ticked in quick
    succession, each sent with the set as it was then, left the second unconfirmed). Keys of
    warnings that no longer stand are dropped."""

    determination = _determination_lock(determination)
    _editable_check(determination, actor)
    # What may never be printed (warnings.NEVER_PUBLISHED) is not confirmed, whatever is sent.
    sent = {str(key) for key in keys}
    if toggled is not None:
        # Under the draft's lock, so boxes sent at once each keep the other's answer.
        sent = (set(determination.warnings_confirmed) - {toggled}) | (sent & {toggled})
    confirmed = sorted({w.key for w in review_warnings(determination) if w.confirmed_in(sent)})
    determination.warnings_confirmed = confirmed
    determination.save(update_fields=["warnings_confirmed", "updated_at"])
    return confirmed


@transaction.atomic
def determination_warning_replace(*, determination, actor, key: str) -> AutosaveResult:
    """Replace a name or identifier the review step found (the warning `key`) with its neutral
    words, at every place it occurs in that one text, through the draft's autosave (version,
    conflicts). A key that no longer stands (the text changed since) changes nothing."""

    determination = _determination_lock(determination)
    _editable_check(determination, actor)
    warning = next(
        (w for w in review_warnings(determination) if w.key == str(key) and w.is_identifier),
        None,
    )
    if warning is None:
        raise ValidationError(
            "That warning no longer stands: its text changed since the page was loaded. "
            "Nothing was replaced; look at the list again.",
            code="stale_warning",
        )
    identifiers = case_identifiers(determination.case)
    code = warning.code.rsplit(":", 1)[-1]
    hits = [
        hit for hit in identifier_hits(identifiers, warning.subject) if hit.identifier.code == code
    ]
    return determination_autosave(
        determination=determination,
        actor=actor,
        version=None,
        changes={warning.field: hits_replaced(warning.subject, hits)},
        bases={warning.field: warning.subject},
    )


@transaction.atomic
def determination_submit(
    *, determination, actor, password: str, confirmed_warnings=(), seen_version: int | None = None
):
    """Sign and submit (SPEC section 5, step 6): the assigned reviewer, re-authenticated, with
    nothing missing and every soft warning confirmed. The draft is read-only afterwards and
    goes to quality review. `seen_version`, the draft's version the signing page showed: if
    the draft was saved since (another window), nothing is signed (code "stale_version")."""

    determination = _determination_lock(determination)
    _editable_check(determination, actor)
    if seen_version is not None and seen_version != determination.version:
        # The signature goes on what the reviewer read on the signing page, nothing else.
        raise ValidationError(
            # Not "the outcomes below": a change may leave the draft not ready to sign, and
            # the page then shows what is left to do instead (from QA).
            "The draft was changed after this page was opened (in another window or tab). "
            "Nothing was signed: this page now shows the draft as it is; read the changed "
            "texts in the letter's preview (step 5), then sign.",
            code="stale_version",
        )
    problems = determination_problems(determination)
    if problems:
        raise ValidationError([problem.message for problem in problems], code="incomplete")
    confirmed = set(determination.warnings_confirmed) | {str(key) for key in confirmed_warnings}
    warnings = review_warnings(determination)
    never = [warning for warning in warnings if not warning.confirmable]
    if never:
        raise ValidationError(
            ["Before signing, replace or rewrite what cannot be confirmed:"]
            + [warning.message for warning in never],
            code="unconfirmed_warnings",
        )
    unconfirmed = [warning for warning in warnings if warning.key not in confirmed]
    if unconfirmed:
        raise ValidationError(
            ["Confirm each warning of the review step before signing:"]
            + [warning.message for warning in unconfirmed],
            code="unconfirmed_warnings",
        )
    if not password or not actor.check_password(password):
        raise ValidationError(
            "That is not your password. Enter the password you sign in with to sign the "
            "determination.",
            code="password",
        )
    licensure, certifications = _credentials_snapshot(actor)
    determination.reviewer_licensure = licensure
    determination.reviewer_certifications = certifications
    determination.warnings_confirmed = sorted(warning.key for warning in warnings)
    determination.decision_date = timezone.localdate()
    determination.status = DeterminationStatus.SUBMITTED
    determination.submitted_at = timezone.now()
    determination.version += 1
    determination.full_clean(exclude=["case", "reviewer"])
    determination.save()
    case, from_status = case_status_move(determination.case, to_status=CaseStatus.SUBMITTED)
    # Issue 13: items against the clear majority of their precedents, for quality review.
    consistency_flags_compute(determination)
    events.determination_submitted(
        case=case, actor=actor, determination=determination, from_status=from_status
    )
    _quality_told_of_submission(case, determination)
    # What the reviewer's notifications of this case asked (review it, revise it, it is due)
    # is done: they leave the unread count.
    notifications_settled(actor, link=reverse("determination:workspace", args=[case.case_number]))
    return determination


def _quality_told_of_submission(case: Case, determination: Determination) -> None:
    """Quality review works from its queue, due first; it is told in the app only of what should
    not wait there: a determination submitted again goes to whoever returned it, and an expedited
    one (the whole review in three days, Lab. Code 4610.6(d)) to every quality reviewer, urgent."""
    returned = (
        determination.quality_reviews.filter(outcome=QualityOutcome.RETURNED)
        .select_related("reviewer")
        .order_by("-number")
        .first()
    )
    expedited = case.priority == Priority.EXPEDITED
    if returned is None and not expedited:
        return
    recipients = (
        User.objects.filter(role=Role.QUALITY_REVIEWER, is_active=True)
        if expedited
        else [returned.reviewer]
    )
    due = f", due {case.due_on:%m/%d/%Y}" if case.due_on else ""
    what = "submitted again after your return" if returned is not None else "submitted"
    notify(
        [user for user in recipients if user is not None],
        text=f"{case.case_number} ({case.get_priority_display().lower()}) was {what}{due}: "
        "it waits for quality review.",
        link=reverse("quality:quality_review", args=[case.case_number]),
        urgent=expedited,
    )


# --- Accepting or declining the case (SPEC section 5, step 1) ---


def _assignment_lock(assignment: Assignment) -> Assignment:
    """The case's row lock first, then the assignment's: the order unassigning takes them in
    (reviews.assignment.services), so a reviewer accepting while an administrator unassigns
    waits for the other rather than deadlocking."""
    case_lock(assignment.case)
    return Assignment.objects.select_for_update().select_related("case").get(pk=assignment.pk)


@transaction.atomic
def assignment_accept(*, assignment: Assignment, actor, attest_no_conflict: bool) -> Assignment:
    assignment = _assignment_lock(assignment)
    if assignment.reviewer_id != actor.pk:
        raise ValidationError("Only the assigned reviewer can accept this case.")
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise ValidationError(
            f"This assignment is already {assignment.get_status_display().lower()}."
        )
    if not attest_no_conflict:
        raise ValidationError(
            "Attest that you have no conflict of interest with any party, or decline the case."
        )
    case, from_status = case_status_move(assignment.case, to_status=CaseStatus.IN_REVIEW)
    assignment.status = AssignmentStatus.ACCEPTED
    assignment.responded_at = timezone.now()
    assignment.save(update_fields=["status", "responded_at"])
    events.reviewer_accepted(case=case, actor=actor, assignment=assignment, from_status=from_status)
    acceptance_settled(assignment=assignment, case=case)
    # The draft is ready the moment the review starts, with the credentials of that day.
    _determination_create(case=case, reviewer=actor)
    return assignment


@transaction.atomic
def assignment_decline(
    *, assignment: Assignment, actor, reason: str, conflict: bool = False
) -> Assignment:
    """The case goes back to the queue and this reviewer is excluded from it; a declared
    conflict is remembered for the case."""
    assignment = _assignment_lock(assignment)
    if assignment.reviewer_id != actor.pk:
        raise ValidationError("Only the assigned reviewer can decline this case.")
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise ValidationError(
            f"This assignment is already {assignment.get_status_display().lower()}."
        )
    reason = reason_checked(reason, missing="Say why you decline the case.")
    case, from_status = case_status_move(assignment.case, to_status=CaseStatus.RECORDS_COMPLETE)
    assignment.status = AssignmentStatus.DECLINED
    assignment.responded_at = timezone.now()
    assignment.decline_reason = reason
    assignment.save(update_fields=["status", "responded_at", "decline_reason"])
    if conflict:
        CaseConflict.objects.get_or_create(case=case, reviewer=actor, defaults={"reason": reason})
    events.reviewer_declined(
        case=case,
        actor=actor,
        assignment=assignment,
        reason=reason,
        conflict=conflict,
        from_status=from_status,
    )
    # The administrators are told of every decline (an expedited one as urgent).
    decline_announce(assignment=assignment)
    return assignment
