"""The print queue: every postal mailing waiting to be printed, printing a batch (one PDF with
each document and its proof of service, prepared by a Celery task whose progress the page polls)
and confirming a batch posted (the date of service)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.services import audit_cases
from cases.access import Ability, access_required
from cases.forms import date_field
from cases.integrity.responses import integrity_refused, stored_file_response
from cases.integrity.stored import StoredFileCorrupt
from reviews.letters import held_copies
from reviews.letters.models import PrintBatch, PrintBatchStatus
from reviews.letters.print_batches import (
    Withheld,
    batch_case_numbers,
    batch_mailings,
    mailing_key,
    mailings_withheld,
    posting_first,
    posting_latest,
    print_batch_get,
    print_batch_make,
    print_batch_posted,
    print_batch_proofs_remade,
    print_batch_retry,
    print_batches_open,
    print_batches_posted_recent,
    print_queue,
)
from reviews.letters.proofs import address_inline, document_label
from reviews.letters.render import RECIPIENT_ROLE_LABELS


class PrintBatchForm(forms.Form):
    posting_on = date_field(
        "To be posted on",
        help_text="The date the proofs of service declare, today or within the next "
        f"{settings.PRINT_BATCH_POSTING_WORKING_DAYS} working days; you confirm it once posted.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["posting_on"].widget.attrs.update(
            min=today.isoformat(), max=posting_latest(today).isoformat()
        )


class PostedForm(forms.Form):
    posted_on = date_field(
        "Posted on",
        help_text="The date of service (CCP 1013(a)). Another date than the one the proofs "
        "declare makes them again for that date (CCP 1013a(3)) and joins the batch again.",
    )
    # Sent by "Take the copies back" (every copy's address changed): nothing may be confirmed.
    take_back = forms.BooleanField(required=False, widget=forms.HiddenInput)


def _listed(rows) -> list[dict]:
    """Copies as the print queue's tables list them: the recipient's role and the document by
    their page names, and how many days since the copy was recorded (held copies)."""
    today = timezone.localdate()
    return [
        {
            "row": row,
            "role_label": RECIPIENT_ROLE_LABELS.get(row.recipient_role, row.recipient_role),
            "document": document_label(row.document),
            "held_days": (today - timezone.localdate(row.sent_at)).days,
        }
        for row in rows
    ]


def _page(request, *, batch_form=None, posted_forms=None, status=200):
    today = timezone.localdate()
    mailings = _listed(print_queue())
    batches = [
        _batch_entry(batch, (posted_forms or {}).get(batch.pk)) for batch in print_batches_open()
    ]
    listed = {entry["batch"].pk for entry in batches}
    for pk, form in (posted_forms or {}).items():
        if pk not in listed:
            # A refused batch no longer listed (confirmed from another tab and finished since):
            # its refusal is said at the top (from QA: the page came back without a word).
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
    held, held_more = held_copies.copies_held_listed()
    return TemplateResponse(
        request,
        "letters/print_queue.html",
        {
            "current": "print_queue",
            "mailings": mailings,
            "batches": batches,
            "held": _listed(held),
            "held_more": held_more,
            "posted": print_batches_posted_recent(today),
            "posted_days": settings.PRINT_BATCH_POSTED_LISTED_DAYS,
            "batch_form": batch_form
            or PrintBatchForm(initial={"posting_on": posting_first(today)}),
            "PrintBatchStatus": PrintBatchStatus,
        },
        status=status,
    )


def _copy_label(row) -> str:
    document = row.document
    return f"{document.case.case_number}: {document_label(document)} to {row.recipient_name}"


def _taken_out_text(batch: PrintBatch, rows: list, *, replaced: bool) -> str:
    """What "Confirm posted" says of the copies it took out of the batch: readdressed ones
    (back to the print queue) or ones an amended version replaces (never sent)."""
    copies = "; ".join(_copy_label(row) for row in rows)
    one = len(rows) == 1
    it = "it" if one else "them"
    if replaced:
        return (
            f"Not sent from batch {batch.pk}: {copies}. An amended version of the letter "
            f"replaces {it} and is served in {'its' if one else 'their'} place; do not post {it}."
        )
    return (
        f"Not served from batch {batch.pk}: {copies}. The address changed after the batch was "
        f"printed, so {'that copy is' if one else 'those copies are'} not served at the old "
        f"address (CCP 1013(a)); do not post {'it. It is' if one else 'them. They are'} back "
        f"under “Waiting to be printed” with the new address: print a new batch for {it}."
    )


def _batch_entry(batch: PrintBatch, form=None) -> dict:
    mailings = batch_mailings(batch)
    planned_ahead = batch.posting_on > timezone.localdate()
    # Copies that must not be posted: the party's address changed since printing, or an
    # amended version of the letter replaces the copy (print_batch_posted takes them out).
    withheld = mailings_withheld(mailings) if not batch.posted_on else Withheld([], [], mailings)
    readdressed = [
        {"label": _copy_label(row), "old": address_inline(row.address), "new": address_inline(new)}
        for row, new in withheld.readdressed
    ]
    replaced = [
        {"label": _copy_label(row), "version": version} for row, version in withheld.replaced
    ]
    # Each mailing with why it must not be posted, if it must not: the batch's list says so.
    held = {
        **{mailing_key(row): "address changed" for row, _ in withheld.readdressed},
        **{
            mailing_key(row): f"replaced by version {version}" for row, version in withheld.replaced
        },
    }
    return {
        "batch": batch,
        "mailings": mailings,
        "rows": [(row, held.get(mailing_key(row), "")) for row in mailings],
        "readdressed": readdressed,
        "replaced": replaced,
        # Nothing of it can be posted: confirming takes every copy out (print_batch_posted).
        "nothing_to_post": bool(mailings) and len(readdressed) + len(replaced) == len(mailings),
        # The date it is to be posted, unless that is still ahead: a posting is confirmed once
        # it happened (from QA: the form offered a future date, then refused it; then it
        # offered today, two days before the planned posting, one click from confirming it).
        "form": form
        or PostedForm(
            initial={"posted_on": None if planned_ahead else batch.posting_on},
            prefix=f"batch-{batch.pk}",
        ),
        "planned_ahead": planned_ahead,
        # Posted and being joined again: for the real date's proofs, or without copies taken
        # back (print_batch_posted).
        "redated": print_batch_proofs_remade(batch),
        "working": batch.status in (PrintBatchStatus.QUEUED, PrintBatchStatus.RENDERING),
        "percent": round(100 * batch.done / batch.total) if batch.total else 0,
    }


def _batch_of(batch_id: int) -> PrintBatch:
    batch = print_batch_get(batch_id)
    if batch is None:
        raise Http404("No such batch.")
    return batch


@access_required(Ability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def print_queue_page(request):
    """GET: what waits to be printed and the batches waiting to be posted. POST: print a batch."""
    if request.method == "GET":
        return _page(request)
    form = PrintBatchForm(request.POST)
    if form.is_valid():
        try:
            batch = print_batch_make(actor=request.user, posting_on=form.cleaned_data["posting_on"])
        except ValidationError as error:
            form.add_error(None, error)
        except StoredFileCorrupt as error:
            # A changed or missing signed document is never printed (cases.integrity).
            return integrity_refused(request, error)
        else:
            count = batch.total
            messages.success(
                request,
                f"Batch {batch.pk}, {count} mailing{'s' if count != 1 else ''}, is being "
                "prepared with each proof of service. Download it when it is ready, post it, "
                "then confirm the date it was posted.",
            )
            return redirect("letters:print_queue")
    return _page(request, batch_form=form, status=400)


@access_required(Ability.MANAGE_CASES)
@require_POST
def print_batch_confirm(request, batch_id: int):
    batch = PrintBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise Http404("No such batch.")
    form = PostedForm(request.POST, prefix=f"batch-{batch.pk}")
    if form.is_valid():
        try:
            posted = print_batch_posted(
                batch=batch,
                actor=request.user,
                posted_on=form.cleaned_data["posted_on"],
                take_back_only=form.cleaned_data["take_back"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            on = f"{form.cleaned_data['posted_on']:%m/%d/%Y}"
            taken_out = posted.pulled or posted.replaced
            for rows, replaced in ((posted.pulled, False), (posted.replaced, True)):
                if rows:
                    messages.warning(request, _taken_out_text(batch, rows, replaced=replaced))
            count = posted.confirmed
            if not count:
                messages.info(
                    request,
                    f"Nothing in batch {batch.pk} was served: every copy was taken out.",
                )
                return redirect("letters:print_queue")
            messages.success(
                request,
                f"Batch {batch.pk} posted on {on}: that is the date of service of "
                f"{'the' if taken_out else 'its'} {count} "
                f"mailing{'s' if count != 1 else ''}{' confirmed' if taken_out else ''}.",
            )
            return redirect("letters:print_queue")
    return _page(request, posted_forms={batch.pk: form}, status=400)


@access_required(Ability.MANAGE_CASES)
@require_GET
def print_batch_status(request, batch_id: int):
    """One batch's panel: polled by htmx while the task prepares it, then its download and
    confirm form (or, if it failed, the retry)."""
    batch = _batch_of(batch_id)
    return TemplateResponse(
        request,
        "letters/print_queue.html#batch",
        {"entry": _batch_entry(batch), "PrintBatchStatus": PrintBatchStatus},
    )


@access_required(Ability.MANAGE_CASES)
@require_POST
def print_batch_retry_view(request, batch_id: int):
    batch = _batch_of(batch_id)
    try:
        print_batch_retry(batch=batch, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Batch {batch.pk} is queued again.")
    return redirect("letters:print_queue")


@access_required(Ability.MANAGE_CASES)
@require_GET
def print_batch_download(request, batch_id: int):
    """The batch's PDF once ready, checked against the SHA-256 recorded when it was joined
    (cases.integrity)."""
    batch = PrintBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status != PrintBatchStatus.READY or not batch.pdf:
        raise Http404("No such batch, or it is not ready yet.")
    # The PDF holds several cases' documents and proofs: the audit log names each case.
    audit_cases(request, batch_case_numbers(batch))
    return stored_file_response(request, batch, "pdf", filename=f"print-batch-{batch.pk}.pdf")
