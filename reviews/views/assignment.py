"""Pages of the reviewer side: assigning reviewers, the reviewer's queue, the specialty table."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import Role, User
from accounts.permissions import CASE_MANAGERS, role_required
from cases.models import ItemCategory
from cases.selectors import case_get_for

from .. import selectors, services
from ..matching import reviewers_for_case
from ..models import Assignment


def _redirect(request, url):
    """After a POST: a client-side redirect for htmx, a plain redirect otherwise."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@role_required(*CASE_MANAGERS)
@require_http_methods(["GET", "POST"])
def case_assign(request, case_number):
    case = case_get_for(request.user, case_number)
    if request.method == "POST":
        reviewer = User.objects.filter(pk=request.POST.get("reviewer"), role=Role.REVIEWER).first()
        if reviewer is None:
            messages.error(request, "Choose a reviewer from the list.")
            return _redirect(request, reverse("case_assign", args=[case.case_number]))
        try:
            services.reviewer_assign(case=case, reviewer=reviewer, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return _redirect(request, reverse("case_assign", args=[case.case_number]))
        messages.success(
            request,
            f"{case.case_number} assigned to {reviewer.get_full_name()}; they have been notified.",
        )
        return _redirect(request, reverse("case_detail", args=[case.case_number]))
    result = reviewers_for_case(case)
    return TemplateResponse(
        request,
        "reviews/assign.html",
        {
            "case": result.case,
            "result": result,
            "waiting": selectors.case_waits_for_reviewer(case),
        },
    )


@role_required(*CASE_MANAGERS)
@require_http_methods(["GET", "POST"])
def assignments_batch(request):
    if request.method == "POST":
        outcome = services.assignments_auto(actor=request.user)
        if outcome.assigned:
            messages.success(
                request, f"{len(outcome.assigned)} case(s) assigned; the reviewers were notified."
            )
        for case_number, message in outcome.refused:
            messages.warning(request, f"{case_number}: {message}")
        if not outcome.assigned and not outcome.refused:
            messages.info(request, "No case could be assigned.")
        return TemplateResponse(
            request,
            "reviews/batch.html",
            {"plan": outcome.plan, "done": True, "refused": outcome.refused},
        )
    outcome = services.assignments_auto(actor=request.user, dry_run=True)
    return TemplateResponse(request, "reviews/batch.html", {"plan": outcome.plan, "done": False})


@role_required(Role.REVIEWER)
def reviewer_dashboard(request):
    """The reviewer's own cases (nobody else's), what is due first, with days left and where
    each stands; new assignments wait for an answer at the top."""
    rows = selectors.reviewer_cases(request.user)
    waiting = [row for row in rows if row.stage_key == "assigned"]
    open_rows = [
        row for row in rows if row.stage_key in ("assigned", "draft", "returned", "submitted")
    ]
    finished = [row for row in rows if row.stage_key in ("approved", "issued", "closed")]
    return TemplateResponse(
        request,
        "reviews/dashboard.html",
        {
            "waiting": waiting,
            "open_rows": open_rows,
            "finished": finished,
            "counts": {
                "open": len(open_rows),
                "to_do": sum(1 for row in rows if row.needs_action),
                "returned": sum(1 for row in rows if row.stage_key == "returned"),
                "overdue": sum(1 for row in open_rows if row.clock.overdue),
            },
        },
    )


def _own_assignment(request, assignment_id) -> Assignment:
    assignment = (
        Assignment.objects.select_related("case")
        .filter(pk=assignment_id, reviewer=request.user)
        .first()
    )
    if assignment is None:
        raise Http404("No such assignment.")
    return assignment


@role_required(Role.REVIEWER)
@require_POST
def assignment_accept(request, assignment_id):
    assignment = _own_assignment(request, assignment_id)
    try:
        services.assignment_accept(
            assignment=assignment,
            actor=request.user,
            attest_no_conflict=request.POST.get("attest") == "on",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"You accepted {assignment.case.case_number}.")
    return _redirect(request, reverse("reviewer_dashboard"))


@role_required(Role.REVIEWER)
@require_POST
def assignment_decline(request, assignment_id):
    assignment = _own_assignment(request, assignment_id)
    try:
        services.assignment_decline(
            assignment=assignment,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            conflict=request.POST.get("conflict") == "on",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"You declined {assignment.case.case_number}; it goes back to the queue."
        )
    return _redirect(request, reverse("reviewer_dashboard"))


@role_required(*CASE_MANAGERS)
@require_http_methods(["GET", "POST"])
def specialty_table(request):
    errors = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add_specialty":
                specialty = services.specialty_add(
                    name=request.POST.get("name", ""), actor=request.user
                )
                messages.success(request, f"'{specialty.name}' added to the specialties.")
            else:
                category = request.POST.get("category", "")
                ids = [int(pk) for pk in request.POST.getlist("specialties") if pk.isdigit()]
                names = services.category_specialties_set(
                    category=category, specialty_ids=ids, actor=request.user
                )
                messages.success(
                    request,
                    f"{ItemCategory(category).label}: {', '.join(names)}.",
                )
                if request.htmx:
                    return _category_row(request, category)
        except ValidationError as exc:
            if request.htmx and action != "add_specialty":
                return _category_row(
                    request, request.POST.get("category", ""), error=" ".join(exc.messages)
                )
            errors[action or "category"] = " ".join(exc.messages)
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("specialty_table")
    specialties, rows = selectors.specialty_table_rows()
    return TemplateResponse(
        request,
        "reviews/specialty_table.html",
        {"rows": rows, "specialties": specialties, "errors": errors},
    )


def _category_row(request, category, error=""):
    if category not in ItemCategory.values:
        raise Http404("No such category.")
    specialties, (row,) = selectors.specialty_table_rows(category=category)
    row["error"] = error
    return TemplateResponse(
        request,
        "reviews/specialty_table.html#category-row",
        {"row": row, "specialties": specialties},
    )


@role_required(*CASE_MANAGERS)
def specialty_row(request, category):
    return _category_row(request, category)
