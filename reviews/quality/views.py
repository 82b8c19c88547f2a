"""Quality review: the medical director's queue of submitted determinations, and the page on
which one is read beside the case and approved or returned with comments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from accounts.paging import LookaheadPage
from accounts.responses import redirect_after_post
from cases.access import Ability, access_required
from reviews.determination.citations import CLAIMS_ADMINISTRATOR, EXPERT_REVIEWER, citation_render
from reviews.determination.forms import posted_version
from reviews.determination.models import ConsistencyFlag, FlagResolution
from reviews.determination.selectors import case_records_for, outcome_label
from reviews.determination.warnings import (
    contradictions_confirmed,
    identifiers_unconfirmed,
    review_warnings,
)
from reviews.organization.services import organization_current
from reviews.quality.changes import changes_since_return
from reviews.quality.forms import ApproveForm, FlagForm, ReturnForm
from reviews.quality.selectors import (
    APPROVED_RECENT_DAYS,
    APPROVED_RECENT_SHOWN,
    NothingToReview,
    approvals_recent_by,
    consistency_flags_by_decision,
    determination_for_quality,
    determinations_for_quality,
    determinations_returned,
    queue_rows_prepare,
)
from reviews.quality.services import (
    consistency_flag_resolve,
    determination_approve,
    determination_return,
    quality_review_refusal,
)

QUEUE_PAGE_SIZE = 50
# The session's note, for the page a sent return or approval lands on, of which comments the
# browser may forget (static/js/quality_comments.js keeps them until they are sent).
COMMENTS_SENT = "quality_comments_sent"


def comments_storage_prefix(user, case_number: str) -> str:
    """Where this browser keeps the comments typed for a return, per user and case (the
    determination's version is added by the page)."""
    return f"imr-quality:{user.pk}:{case_number}:"


def _comments_sent(request, case_number: str) -> None:
    request.session[COMMENTS_SENT] = comments_storage_prefix(request.user, case_number)


@access_required(Ability.QUALITY_REVIEW)
@require_GET
def quality_queue(request):
    # Paged, each list by its own page number: no list reads every row, none counts them.
    waiting = LookaheadPage(determinations_for_quality(), QUEUE_PAGE_SIZE, request.GET.get("page"))
    queue_rows_prepare(waiting.object_list)
    returned = LookaheadPage(
        determinations_returned(), QUEUE_PAGE_SIZE, request.GET.get("returned")
    )
    return TemplateResponse(
        request,
        "reviews/quality/queue.html",
        {
            "waiting": waiting,
            "returned": returned,
            "approved": approvals_recent_by(request.user, now=timezone.now()),
            "approved_days": APPROVED_RECENT_DAYS,
            # The list stops at this many: its count would say no more (from a review).
            "approved_shown": APPROVED_RECENT_SHOWN,
            "comments_sent": request.session.pop(COMMENTS_SENT, ""),
        },
    )


def _items_numbered(decisions, warnings) -> list[int]:
    """The numbers the page gives the items (its decisions' order) that `warnings` are about."""
    numbers = {decision.pk: number for number, decision in enumerate(decisions, start=1)}
    return sorted({numbers[warning.item_id] for warning in warnings if warning.item_id in numbers})


def _review_context(request, determination, **forms) -> dict:
    case = determination.case
    refusal = quality_review_refusal(determination)
    decisions = list(determination.decisions.all())
    return_form = forms.get("return_form") or ReturnForm(decisions=decisions)
    flags = consistency_flags_by_decision(determination)
    flag_forms = forms.get("flag_forms") or {}
    for decision in decisions:
        decision.flags = flags.get(decision.pk, [])
        for flag in decision.flags:
            flag.form = flag_forms.get(flag.pk)
            if flag.form is None and flag.resolution == FlagResolution.OPEN:
                flag.form = FlagForm(flag_id=flag.pk)
        decision.ur_prints_as = citation_render(
            decision.item.ur_citation_kind,
            decision.item.ur_citation_text,
            by=CLAIMS_ADMINISTRATOR,
        )
        decision.prints_as = citation_render(
            decision.citation_kind, decision.citation_text, by=EXPERT_REVIEWER
        )
        decision.comment_field = return_form[f"item-{decision.pk}"]
    confirmed = set(determination.warnings_confirmed)
    warnings = review_warnings(determination)
    contradictions = contradictions_confirmed(determination, warnings)
    rounds = list(determination.quality_reviews.all())
    # While it waits: what the reviewer changed since the last return, if it was returned.
    changes = None if refusal else changes_since_return(determination, rounds, decisions)
    for decision in decisions:
        decision.change = changes.decisions.get(decision.pk) if changes else None
    return {
        "determination": determination,
        "case": case,
        "clock": case.clock,
        "decisions": decisions,
        "records": case_records_for(request.user, case),
        "rounds": rounds,
        "changes": changes,
        "outcome_label": outcome_label(determination.outcome),
        # What may never be confirmed is listed among what stands, never as confirmed.
        "confirmed_warnings": [warning for warning in warnings if warning.confirmed_in(confirmed)],
        "unconfirmed_identifiers": identifiers_unconfirmed(determination, warnings),
        "approve_form": forms.get("approve_form")
        or ApproveForm(
            request=request, contradicted_items=_items_numbered(decisions, contradictions)
        ),
        "return_form": return_form,
        "org_short_name": organization_current().short_name,
        "comments_storage_prefix": comments_storage_prefix(request.user, case.case_number),
        # Why no decision can be made now ('' while one is awaited), the services' words.
        "refusal": refusal,
        "waiting": not refusal,
        "open_flags": sum(
            flag.resolution == FlagResolution.OPEN for found in flags.values() for flag in found
        ),
    }


@access_required(Ability.QUALITY_REVIEW)
@require_GET
def quality_review(request, case_number):
    try:
        determination = determination_for_quality(request.user, case_number)
    except NothingToReview as nothing:
        return _nothing_to_review(request, nothing)
    return TemplateResponse(
        request, "reviews/quality/review.html", _review_context(request, determination)
    )


def _nothing_to_review(request, nothing: NothingToReview):
    """The queue, saying why the case is not there to review (a link or a form from before it
    was returned and reassigned); nothing is changed."""
    messages.info(request, nothing.explanation(), extra_tags="focus")
    return redirect_after_post(request, reverse("quality:quality_queue"))


def _decision_refused(request, determination):
    """A decision posted on a determination no longer waiting (a page open since the review
    ended or was decided): back to its page, saying why, so a reload does not post again."""
    refusal = quality_review_refusal(determination)
    if not refusal:
        return None
    messages.error(request, refusal)
    return redirect_after_post(
        request, reverse("quality:quality_review", args=[determination.case.case_number])
    )


def _stale(error: ValidationError) -> bool:
    return any(getattr(item, "code", None) == "stale_version" for item in error.error_list)


@access_required(Ability.QUALITY_REVIEW)
@require_POST
def quality_approve(request, case_number):
    try:
        determination = determination_for_quality(request.user, case_number)
    except NothingToReview as nothing:
        return _nothing_to_review(request, nothing)
    if refused := _decision_refused(request, determination):
        return refused
    contradicted = _items_numbered(
        list(determination.decisions.all()), contradictions_confirmed(determination)
    )
    form = ApproveForm(request.POST, request=request, contradicted_items=contradicted)
    if form.is_valid():
        try:
            determination_approve(
                determination=determination,
                actor=request.user,
                comment=form.cleaned_data["comment"],
                seen_version=posted_version(request.POST),
                contradictions_read=form.cleaned_data.get("contradictions_read", False),
            )
        except ValidationError as error:
            if _stale(error):
                # The whole page again, with the text as submitted now: the approval form
                # alone (htmx) would keep showing the text this page was drawn with.
                messages.error(request, " ".join(error.messages))
                return redirect_after_post(
                    request, reverse("quality:quality_review", args=[case_number])
                )
            form.add_error(None, error)
        else:
            number = determination.case.case_number
            # The case's letter linked: its page shows the letter's progress and then both
            # PDFs (from QA: the queue offered no way to the letter).
            messages.success(
                request,
                format_html(
                    '<a href="{}">{}</a> approved; the letter is being issued: its case page '
                    "shows its progress, then the letter.",
                    reverse("casefile:case_detail", args=[number]) + "#letters-title",
                    number,
                ),
                extra_tags="focus",  # told on the page it leads to (from QA)
            )
            _comments_sent(request, determination.case.case_number)
            return redirect_after_post(request, reverse("quality:quality_queue"))
    context = _review_context(request, determination, approve_form=form)
    # Sent by htmx, only the approval form is swapped (hx-select): the comments typed on the
    # items for a return stay as typed (htmx swaps a 2xx answer).
    status = 200 if request.htmx else 400
    return TemplateResponse(request, "reviews/quality/review.html", context, status=status)


@access_required(Ability.QUALITY_REVIEW)
@require_POST
def quality_return(request, case_number):
    try:
        determination = determination_for_quality(request.user, case_number)
    except NothingToReview as nothing:
        return _nothing_to_review(request, nothing)
    if refused := _decision_refused(request, determination):
        return refused
    form = ReturnForm(request.POST, decisions=list(determination.decisions.all()))
    if form.is_valid():
        try:
            determination_return(
                determination=determination,
                actor=request.user,
                comment=form.cleaned_data["comment"],
                item_comments=form.item_comments(),
                seen_version=posted_version(request.POST),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{determination.case.case_number} returned to the reviewer with your comments.",
                extra_tags="focus",  # told on the page it leads to (from QA)
            )
            _comments_sent(request, determination.case.case_number)
            return redirect("quality:quality_queue")
    context = _review_context(request, determination, return_form=form)
    return TemplateResponse(request, "reviews/quality/review.html", context, status=400)


@access_required(Ability.QUALITY_REVIEW)
@require_POST
def quality_flag_resolve(request, case_number, flag_id):
    """Record "consistent" or "returned" on one consistency flag (issue 13)."""
    try:
        determination = determination_for_quality(request.user, case_number)
    except NothingToReview as nothing:
        return _nothing_to_review(request, nothing)
    flag = get_object_or_404(ConsistencyFlag, pk=flag_id, determination=determination)
    form = FlagForm(request.POST, flag_id=flag.pk)
    if form.is_valid():
        try:
            flag = consistency_flag_resolve(
                flag=flag,
                actor=request.user,
                resolution=form.cleaned_data["resolution"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"The flag on item {flag.decision.item.position} is recorded as "
                f"{flag.get_resolution_display().lower()}.",
            )
            return redirect(
                reverse("quality:quality_review", args=[case_number]) + f"#item-{flag.decision_id}"
            )
    context = _review_context(request, determination, flag_forms={flag.pk: form})
    return TemplateResponse(request, "reviews/quality/review.html", context, status=400)
