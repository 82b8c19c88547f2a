"""Copies held for a party: a notice or letter already issued whose copy for a party could not be
served (no usable address), or waits for the print queue by a method the party no longer uses.
Once the case administrator gives the party an address or an e-mail (the party's service details
on the case page, or a correction of the case facts), every such copy of every issued document
(the notices, the letter, an amended letter) is served by the party's method: e-mailed (served
when sent, with its proof of service, CCP 1013b) or put on the print queue (served when posted,
CCP 1013a(3)); one case event says what went out, and the case's problem clears."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from accounts.models import User
from cases.lifecycle import events
from cases.lifecycle.models import Case
from cases.outbox.services import follow_up_add
from reviews.letters import notices, services, tasks
from reviews.letters.delivery import OPEN_STATUSES, letter_service_refresh
from reviews.letters.models import (
    DeliveryStatus,
    Letter,
    LetterDelivery,
    LetterStatus,
    Notice,
    NoticeDelivery,
)
from reviews.letters.notice_service import notice_service_refresh
from reviews.letters.proofs import document_label, proofs_of_electronic_service_make
from reviews.letters.render import RECIPIENT_ROLE_LABELS


def _waiting(model, owner: str, role: str):
    """A copy for `role` that nothing has gone out for yet: held for an address, or waiting to
    be printed."""
    return model.objects.filter(
        **{owner: OuterRef("pk")}, recipient_role=role, status__in=OPEN_STATUSES
    )


def _documents_waiting_for(case_id: int, role: str) -> tuple[list[Notice], list[Letter]]:
    """The issued notices and letters of the case with a copy for `role` still waiting."""
    notice_rows = list(
        Notice.objects.filter(case_id=case_id, status=LetterStatus.DELIVERED)
        .filter(Exists(_waiting(NoticeDelivery, "notice", role)))
        .select_related("case", "letter_text", "event", "created_by")
        .order_by("kind", "version")
    )
    letter_rows = list(
        Letter.objects.filter(
            case_id=case_id, status=LetterStatus.DELIVERED, determination__imported=False
        )
        .filter(Exists(_waiting(LetterDelivery, "letter", role)))
        .select_related("case", "determination", "letter_text", "created_by")
        .order_by("version")
    )
    return notice_rows, letter_rows


def case_copies_held(case: Case) -> bool:
    """Whether a copy of any issued document of the case waits for a party's address (one
    query)."""
    held = DeliveryStatus.NO_ADDRESS
    letters = LetterDelivery.objects.filter(letter__case=OuterRef("pk"), status=held)
    notices_ = NoticeDelivery.objects.filter(notice__case=OuterRef("pk"), status=held)
    return Case.objects.filter(pk=case.pk).filter(Q(Exists(letters)) | Q(Exists(notices_))).exists()


# How many held copies the print queue lists; beyond it the page says how many more there are.
HELD_LISTED = 50


def copies_held_listed(limit: int = HELD_LISTED) -> tuple[list, bool]:
    """The copies of issued notices and letters held for want of an address or e-mail (nothing
    served, on no batch), longest held first, for the print queue: the first `limit` and whether
    there are more. Each is served once its party has an address (party_copies_changed)."""
    rows = [
        *LetterDelivery.objects.filter(status=DeliveryStatus.NO_ADDRESS)
        .select_related("letter__case")
        .order_by("sent_at", "pk")[: limit + 1],
        *NoticeDelivery.objects.filter(status=DeliveryStatus.NO_ADDRESS)
        .select_related("notice__case")
        .order_by("sent_at", "pk")[: limit + 1],
    ]
    rows.sort(key=lambda row: (row.sent_at, row.document.case.case_number, type(row).__name__))
    return rows[:limit], len(rows) > limit


def party_copies_changed(case: Case, role: str, actor=None) -> None:
    """Registered for cases.lifecycle.services.party_service_set and the facts correction:
    when the party has copies waiting, the task that serves them is recorded in the same
    transaction (cases.outbox) and runs once the change commits and the broker takes it.
    `actor`, whose change sends them, declares their proofs of service."""
    notice_rows, letter_rows = _documents_waiting_for(case.pk, role)
    if notice_rows or letter_rows:
        with transaction.atomic():
            follow_up_add(
                task=tasks.party_copies_serve.name,
                args=[case.pk, role, getattr(actor, "pk", None)],
                case=case,
                what="The copies held for a party will be served",
            )


def _copy_entry(document, row) -> dict:
    return {
        "document": document_label(document),
        "method": row.method,
        "status": row.status,
        "email": row.email,
        "address": row.address,
    }


def party_copies_serve(*, case_id: int, role: str, actor_id: int | None = None) -> str:
    """Serve every waiting copy for `role` of the case's issued documents by the party's method
    as it stands now; a copy still without a usable address stays held. Each e-mailed copy gets
    its proof of service, declared by the user whose change sent it (`actor_id`; else as the
    document's first service); each document whose copies are now all served gets its date of
    service (for the notice of assignment the records clock runs from it). One case event lists
    the copies that went out."""
    notice_rows, letter_rows = _documents_waiting_for(case_id, role)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    declarant = actor.display_name if actor else None
    went_out: list[dict] = []
    name = ""
    for notice in notice_rows:
        before = {row.pk: row.status for row in notice.deliveries.filter(recipient_role=role)}
        notices.notice_deliver(notice)
        proofs_of_electronic_service_make(notice, declarant=declarant)
        with transaction.atomic():
            locked = Notice.objects.select_related("case").select_for_update(of=("self",))
            notice_service_refresh(locked.get(pk=notice.pk))
        for row in notice.deliveries.filter(recipient_role=role):
            name = row.recipient_name
            if row.status != before.get(row.pk) and row.status != DeliveryStatus.NO_ADDRESS:
                went_out.append(_copy_entry(notice, row))
    for letter in letter_rows:
        before = {row.pk: row.status for row in letter.deliveries.filter(recipient_role=role)}
        services.letter_deliver(letter)
        proofs_of_electronic_service_make(letter, declarant=declarant)
        with transaction.atomic():
            letter_service_refresh(Letter.objects.select_for_update(of=("self",)).get(pk=letter.pk))
        for row in letter.deliveries.filter(recipient_role=role):
            name = row.recipient_name
            if row.status != before.get(row.pk) and row.status != DeliveryStatus.NO_ADDRESS:
                went_out.append(_copy_entry(letter, row))
    if not went_out:
        return f"Nothing went out for {role} of case {case_id}"
    events.held_copies_served(
        case=Case.objects.get(pk=case_id),
        role=role,
        name=name or RECIPIENT_ROLE_LABELS.get(role, role),
        copies=went_out,
    )
    return f"{len(went_out)} copies went out for {role} of case {case_id}"
