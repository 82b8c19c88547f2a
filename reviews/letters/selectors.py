"""Reads of the letters that carry rules: the facts the statutory clock counts from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cases.formatting import us_date
from cases.lifecycle.history import fact_label
from cases.lifecycle.models import CaseEvent, EventType, Outcome, PartyRole
from reviews.determination.identifiers import date_forms
from reviews.letters.models import SERVED_STATUSES, Letter, LetterStatus
from reviews.letters.service_status import copies_sent_by, copies_text, copy_counts


@dataclass(frozen=True)
class LetterService:
    """When and how a letter was served, as the clock counts from it. `served_on` is None while
    a copy is not served: no deadline runs from service that has not happened, and
    `not_served` says so in words, with what the staff can do about it."""

    served_on: dt.date | None
    sent_by: str  # "" when not known: the calculator applies CLOCK_UNKNOWN_LETTER_SERVICE
    overturned: bool  # whether the authorization and reimbursement duties apply
    not_served: str = ""
    # The claims administrator's own copy's (date of service, method) once served: its duties
    # run from its receipt (8 CCR 9792.10.7(a)), whoever else is still waiting. None for a
    # letter with no overturned item, and for a legacy letter (its one date stands for all).
    duties_served: tuple[dt.date, str] | None = None
    # The duty dates the letter printed ({key: date}): the clock keeps them when its own count
    # ends earlier (CLOCK_DUTIES_AS_PRINTED). None when it printed none.
    duties_printed: dict[str, dt.date] | None = None


def claims_administrator_service(deliveries) -> tuple[dt.date, str] | None:
    """(date of service, method) of the claims administrator's copy, None until it is served."""
    for row in deliveries:
        if (
            row.recipient_role == PartyRole.CLAIMS_ADMINISTRATOR
            and row.status in SERVED_STATUSES
            and row.served_on
        ):
            return row.served_on, copies_sent_by([row])
    return None


def letter_not_served_text(deliveries) -> str:
    """Why the case's clock shows no appeal date yet, from the letter's copies: how many are
    served and what the others wait for, and what to do. The appeal runs from service (Lab.
    Code 4610.6(h); 8 CCR 10575); it is counted once every copy is served, from the last, so no
    party is shown a date earlier than its own (CCP 1013(a) by mail on deposit, CCP
    1010.6(a)(3) by e-mail when sent). The duties run from the claims administrator's own
    receipt (8 CCR 9792.10.7(a)), so from its copy alone."""
    counts = copy_counts(deliveries)
    served, held, by_post = len(counts.served), counts.held, counts.by_post
    what = f"{served} of {counts.total} copies served" if served else "no copy served"
    waiting = []
    if held:
        waiting.append(f"{copies_text(held)} waiting for an address")
    waiting += counts.post_parts()
    todo = []
    if held:
        todo.append(
            "give each party waiting an address, or an e-mail address with consent to electronic "
            "service (CCP 1010.6(a)(2)), on the Service of papers panel: the held copies are "
            "then served"
        )
    if by_post:
        todo.append(
            "print the copies from the print queue, post them and confirm them posted (served on "
            "the day of deposit, CCP 1013(a))"
        )
    return (
        f"Not yet: {what}"
        + (f" ({', '.join(waiting)})" if waiting else "")
        + ". The appeal runs from service of the determination (Lab. Code 4610.6(h); 8 CCR "
        "10575): it is counted once every copy is served, from the last date of service, so no "
        "party is shown a date earlier than its own. The duties on overturned items run from "
        "the claims administrator's receipt of its copy (8 CCR 9792.10.7(a)), once it is served."
        + (f" To serve them: {'; '.join(todo)}." if todo else "")
    )


def letter_service_facts(letter: Letter, *, today: dt.date) -> tuple[dt.date, str]:
    """(date of service, method) of a letter: once served, its `served_on` and `sent_by`;
    before that, its mailing date (today for a preview) and no method, which the calculator
    reads by the settings (Lab. Code 4610.6(h); CCP 1013(a))."""
    if letter.served_on:
        return letter.served_on, letter.sent_by
    return letter.mailing_date or today, letter.sent_by


def letter_service_for(case) -> LetterService | None:
    """The newest issued letter's service, for the case's clock (the appeal and the duties of
    8 CCR 9792.10.7): delivered, or signed for a legacy case (issued elsewhere, not sent from
    here); None before then. A letter sent from here counts from its date of service once every
    copy is served (`served_on`); until then it has none, whatever its mailing date says. A
    legacy letter's mailing date is the only date of it there is, and stands for its service."""
    letter = (
        Letter.objects.filter(case=case, status__in=(LetterStatus.DELIVERED, LetterStatus.SIGNED))
        .select_related("determination")
        .prefetch_related("determination__decisions")
        .order_by("-version")
        .first()
    )
    if letter is None:
        return None
    overturned = any(
        decision.outcome == Outcome.OVERTURNED for decision in letter.determination.decisions.all()
    )
    if letter.determination.imported:
        served_on, sent_by = letter_service_facts(letter, today=letter.mailing_date or dt.date.min)
        return LetterService(served_on=served_on, sent_by=sent_by, overturned=overturned)
    # The copies are read only where they matter: for the duties of an overturned item, and
    # to say what a letter not yet served waits for.
    deliveries = list(letter.deliveries.all()) if overturned or letter.served_on is None else []
    duties = claims_administrator_service(deliveries) if overturned else None
    printed = _duties_printed(letter) if overturned else {}
    if letter.served_on is None:
        not_served = letter_not_served_text(deliveries)
        if letter.correction_note:
            # From QA: after an amendment the appeal date went, with no word that the version it
            # amends had been served. Said, with its date; the clock counts from this version.
            earlier = (
                Letter.objects.filter(
                    case_id=letter.case_id, version__lt=letter.version, served_on__isnull=False
                )
                .order_by("-version")
                .first()
            )
            if earlier is not None:
                # Its copies served, not every copy it had: those an amendment replaced before
                # they went out were never served (from QA: "on every party" beside "3 copies
                # not sent").
                copies = list(earlier.deliveries.all())
                served = [row for row in copies if row.status in SERVED_STATUSES]
                whom = (
                    "every party"
                    if len(served) == len(copies)
                    else f"{len(served)} of its {len(copies)} addressees"
                )
                not_served += (
                    f" Version {earlier.version}, the last served before this amended "
                    f"version, was served on {whom} by {earlier.served_on:%m/%d/%Y}."
                )
        return LetterService(
            served_on=None,
            sent_by=letter.sent_by,
            overturned=overturned,
            not_served=not_served,
            duties_served=duties,
            duties_printed=printed or None,
        )
    return LetterService(
        served_on=letter.served_on,
        sent_by=letter.sent_by,
        overturned=overturned,
        duties_served=duties,
        duties_printed=printed or None,
    )


def _duties_printed(letter: Letter) -> dict[str, dt.date]:
    """The duty dates the letter printed, each kept at the latest that a version of it served
    on the claims administrator gave: an amended version e-mailed may print an earlier date
    than version 1, mailed, gave them in writing (from QA; CLOCK_DUTIES_AS_PRINTED). An
    amendment corrects the letter; it does not take days from the claims administrator."""
    printed = {key: dt.date.fromisoformat(on) for key, on in letter.duties_printed.items()}
    if letter.version == 1:
        return printed
    earlier = Letter.objects.filter(
        determination_id=letter.determination_id,
        version__lt=letter.version,
        deliveries__recipient_role=PartyRole.CLAIMS_ADMINISTRATOR,
        deliveries__status__in=SERVED_STATUSES,
    ).values_list("duties_printed", flat=True)
    for dates in earlier:
        for key, on in dates.items():
            day = dt.date.fromisoformat(on)
            printed[key] = max(printed.get(key, day), day)
    return printed


def letter_amends(letter: Letter) -> Letter | None:
    """The version an amended letter corrects: the latest earlier signed version of the same
    determination. None for a first letter, and for a remand's new round (a new review, not an
    amendment)."""
    if not letter.correction_note:
        return None
    return (
        Letter.objects.filter(
            case_id=letter.case_id,
            determination_id=letter.determination_id,
            version__lt=letter.version,
        )
        .exclude(party_sha256="")
        .order_by("-version")
        .first()
    )


@dataclass(frozen=True)
class LetterPdf:
    """Where a signed letter version's PDF is stored, and the name it is downloaded under."""

    letter: Letter
    file_field: str  # "party_pdf" (as the parties got it) or "public_pdf" (as published)
    filename: str


def letter_pdf_for(case, version: int, *, public: bool) -> LetterPdf | None:
    """The signed PDF of the case's letter `version`: the parties' copy, or the public one (no
    names, 8 CCR 9792.10.6(g)(2)); None when there is no such version or it is not signed."""
    letter = Letter.objects.filter(case=case, version=version).select_related("case").first()
    field = "public_pdf" if public else "party_pdf"
    if letter is None or not getattr(letter, field):
        return None
    return LetterPdf(
        letter=letter, file_field=field, filename=letter_attachment_name(letter, public=public)
    )


def letter_attachment_name(letter: Letter, *, public: bool = False) -> str:
    which = "-public" if public else ""
    return f"{letter.case.case_number}-final-determination-v{letter.version}{which}.pdf"


@dataclass(frozen=True)
class StaleFact:
    """A fact corrected since the last signed letter whose old value the reviewer's signed text
    still states: the amended letter prints the new value in its facts, the old in that text."""

    label: str  # as the facts page names it: "Date of injury"
    old: str
    new: str
    written: str  # the old value as the text writes it: "March 15, 2025"


def _shown(value) -> str:
    """A recorded value as the pages show it: a date as MM/DD/YYYY, else as it is."""
    text = str(value if value not in (None, "") else "(none)")
    try:
        return us_date(dt.date.fromisoformat(text))
    except ValueError:
        return text


def _value_forms(value) -> list[str]:
    """How a text may write a corrected value: a date in every usual form, else the words."""
    text = str(value or "").strip()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return [text] if len(text) >= 4 else []
    return date_forms(day)


def facts_stale_in_text(case, determination) -> list[StaleFact]:
    """The facts corrected since the case's last signed letter whose old value the clinical
    summary or a rationale still writes (the reviewer's signed words, printed as they are)."""
    last = (
        Letter.objects.filter(case=case, signed_at__isnull=False)
        .order_by("-signed_at")
        .values_list("signed_at", flat=True)
        .first()
    )
    if last is None:
        return []
    texts = " ".join(
        [determination.clinical_summary or ""]
        + [decision.rationale or "" for decision in determination.decisions.all()]
    ).lower()
    found: dict[str, StaleFact] = {}
    edits = CaseEvent.objects.filter(case=case, type=EventType.FACTS_EDITED, created_at__gt=last)
    for event in edits.order_by("created_at"):
        for change in event.details.get("changes") or []:
            path = str(change.get("field", ""))
            written = next(
                (form for form in _value_forms(change.get("old")) if form.lower() in texts), None
            )
            if written:
                first = found.get(path)
                found[path] = StaleFact(
                    label=fact_label(path),
                    old=first.old if first else _shown(change.get("old")),
                    new=_shown(change.get("new")),
                    written=first.written if first else written,
                )
    return list(found.values())
