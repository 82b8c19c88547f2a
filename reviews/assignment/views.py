"""Pages of assignment: the Assign page of a case and the batch assignment."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts.models import Role, User
from accounts.responses import redirect_after_post, wants_fragment
from accounts.row_ids import row_id
from cases.access import Ability, access_required, case_get_for
from cases.casefile.forms import BULK_ASSIGN, BulkActionForm
from cases.lifecycle.status_table import Action, allowed_actions
from cases.outbox.runs import WORKING_STATUSES
from reviews.assignment import services
from reviews.assignment.assign_page import assign_page_candidates
from reviews.assignment.models import PlanRun, PlanRunStatus
from reviews.assignment.selectors import (
    case_waits_for_reviewer,
    cases_waiting_for_reviewer,
    current_assignment_for,
)

# Reviewers a page on the Assign page, eligible and excluded alike.
ASSIGN_PAGE_SIZE = 25


# The pages the Assign page goes back to after an unassignment, when it was opened from one:
# a reviewer's open cases (reports), worked through case by case when a reviewer is deactivated
# (from QA: each reassignment landed on the case page, and the list was three clicks away).
_BACK_TO = {"reports:reviewer_open_cases"}


def _back_to(request) -> str:
    """The page the Assign page was opened from (`back`, kept through the unassign form), if it
    is one of _BACK_TO on this site; else ""."""
    back = request.POST.get("back") or request.GET.get("back") or ""
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        return ""
    try:
        return back if resolve(back.split("?", 1)[0]).view_name in _BACK_TO else ""
    except Resolver404:
        return ""


def _posted(request, name: str, queryset):
    """The row the form names by its id, or None when it names none: no value, no such row, or
    not an id at all (a form edited by hand: a message, not a server error)."""
    pk = row_id(request.POST.get(name))
    return queryset.filter(pk=pk).first() if pk is not None else None


def _posted_reviewer(request):
    return _posted(request, "reviewer", User.objects.filter(role=Role.REVIEWER))


@access_required(Ability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def case_assign(request, case_number):
    case = case_get_for(request.user, case_number)
    if request.method == "POST":
        reviewer = _posted_reviewer(request)
        if reviewer is None:
            messages.error(request, "Choose a reviewer from the list.")
            return redirect_after_post(
                request, reverse("assignment:case_assign", args=[case.case_number])
            )
        try:
            services.reviewer_assign(case=case, reviewer=reviewer, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect_after_post(
                request, reverse("assignment:case_assign", args=[case.case_number])
            )
        messages.success(
            request,
            f"{case.case_number} assigned to {reviewer.get_full_name()}; "
            "they are notified by e-mail.",
            extra_tags="focus",  # focused on the page it leads to (from QA: lost)
        )
        return redirect_after_post(
            request, reverse("casefile:case_detail", args=[case.case_number])
        )
    return _assign_page(request, case)


REVIEWER_SEARCH_MAX = 100


def _assign_page(request, case, *, unassign: dict | None = None, status: int = 200):
    """The Assign page; `unassign`, the unassignment form sent back refused: its error, and
    the reason and the reviewer chosen, kept as they were typed and picked."""
    # A name or a specialty: longer is no search (the box takes as much; from QA, 300
    # characters were taken and their echo ran off the page).
    query = request.GET.get("q", "").strip()[:REVIEWER_SEARCH_MAX]
    # The excluded panel is closed until asked for: its list is read when the user opens it
    # (htmx fetches the panel alone) or follows its link, or with a search (issue 12).
    excluded_asked = "excluded_page" in request.GET
    panel_alone = excluded_asked and wants_fragment(request)
    result = assign_page_candidates(
        case,
        query=query,
        eligible_page=request.GET.get("page"),
        excluded_page=request.GET.get("excluded_page"),
        page_size=ASSIGN_PAGE_SIZE,
        with_excluded=excluded_asked,
        with_eligible=not panel_alone,
    )
    if panel_alone:
        return TemplateResponse(
            request,
            "reviews/assign.html#excluded",
            {
                "case": result.case,
                "result": result,
                "query": query,
                "excluded_open": True,
                "fragment": True,
            },
        )
    unassignable = Action.UNASSIGN_REVIEWER in allowed_actions(result.case)
    return TemplateResponse(
        request,
        "reviews/assign.html",
        {
            "case": result.case,
            "result": result,
            "query": query,
            "search_max": REVIEWER_SEARCH_MAX,
            "eligible_page": result.eligible_page,
            # A search opens the panel on the excluded reviewers it found (the one searched for
            # may be excluded, and why is the answer).
            "excluded_open": excluded_asked or bool(query and result.excluded_page),
            "waiting": case_waits_for_reviewer(case),
            "current": current_assignment_for(result.case) if unassignable else None,
            "unassignable": unassignable,
            # Reassigning offers the eligible reviewers (the current one is excluded: rule 5),
            # ranked, each with its score.
            "reassign_to": result.eligible,
            "unassign": unassign or {},
            "reason_max": services.REASON_MAX_CHARS,
            "back": _back_to(request),
        },
        status=status,
    )


@access_required(Ability.MANAGE_CASES)
@require_http_methods(["POST"])
def case_unassign(request, case_number):
    """Unassign the case's reviewer (with a reason), or reassign it to another in one step."""
    case = case_get_for(request.user, case_number)
    reason = request.POST.get("reason", "")
    new_reviewer = _posted_reviewer(request) if request.POST.get("reviewer") else None

    def refused(error: str):
        # The page again with the error beside the form, and what was typed and picked kept.
        sent_back = {
            "error": error,
            "reason": reason,
            "reviewer_id": new_reviewer.pk if new_reviewer else None,
        }
        return _assign_page(request, case, unassign=sent_back, status=400)

    if request.POST.get("reviewer") and new_reviewer is None:
        return refused("Choose a reviewer from the list.")
    try:
        services.reviewer_unassign(
            case=case,
            actor=request.user,
            reason=reason,
            new_reviewer=new_reviewer,
            # The assignment the page showed: a stale page does not take the case from the
            # reviewer someone else put on it since.
            assignment_id=row_id(request.POST.get("assignment")),
            assignment_status=request.POST.get("assignment_status") or None,
        )
    except ValidationError as exc:
        return refused(" ".join(exc.messages))
    if new_reviewer is not None:
        messages.success(
            request,
            f"{case.case_number} reassigned to {new_reviewer.get_full_name()}; both reviewers "
            "are notified.",
            extra_tags="focus",  # focused on the page it leads to (from QA: lost)
        )
    else:
        messages.success(
            request,
            f"{case.case_number}: the reviewer was unassigned and notified; the case waits "
            "for a reviewer again.",
            extra_tags="focus",  # focused on the page it leads to (from QA: lost)
        )
    return redirect_after_post(
        request, _back_to(request) or reverse("casefile:case_detail", args=[case.case_number])
    )


def _plan_panel_context(run: PlanRun | None) -> dict:
    working = run is not None and run.status in WORKING_STATUSES
    assigned = services.plan_run_assigned_text(run) if run and run.assigned_at else ""
    stale = (
        services.plan_run_stale(run)
        if run and run.status == PlanRunStatus.READY and not assigned
        else ""
    )
    assignable = bool(
        run
        and run.status == PlanRunStatus.READY
        and run.plan.get("assignments")
        and not stale
        and not assigned
    )
    return {
        "run": run,
        "working": working,
        "assigned": assigned,
        "done": services.plan_run_results(run) if assigned else None,
        "stale": stale,
        # The plan may be assigned from this page; with more than one row, each row has its
        # box to leave it out.
        "assignable": assignable,
        "tickable": assignable and len(run.plan["assignments"]) > 1,
        "waiting": cases_waiting_for_reviewer().count(),
    }


@access_required(Ability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def assignments_batch(request):
    """The latest plan run (worked out by a task on request) and, on POST, its assignment."""
    if request.method == "POST":
        run = _posted(request, "run", PlanRun.objects.all())
        if run is None:
            raise Http404("No such plan.")
        # The plan's rows ticked on the page (a page without the boxes assigns every row).
        only = request.POST.getlist("case") if request.POST.get("chosen") else None
        try:
            outcome = services.plan_run_assign(run=run, actor=request.user, only=only)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect_after_post(request, reverse("assignment:assignments_batch"))
        if outcome.assigned:
            messages.success(
                request,
                f"{len(outcome.assigned)} case{pluralize(len(outcome.assigned))} assigned; "
                f"the reviewer{pluralize(len(outcome.assigned))} "
                f"{pluralize(len(outcome.assigned), 'was,were')} notified.",
            )
        if not outcome.assigned and not outcome.refused:
            messages.info(request, "No case could be assigned.")
        # The batch page then shows the plan with each row's result; a reload asks nothing.
        return redirect_after_post(request, reverse("assignment:assignments_batch"))
    run = PlanRun.objects.select_related("created_by", "assigned_by").first()
    return TemplateResponse(request, "reviews/batch.html", _plan_panel_context(run))


@access_required(Ability.MANAGE_CASES)
@require_http_methods(["POST"])
def assignments_plan(request):
    """Work out the batch plan: a plan run, handed to the task queue in this request. With
    case numbers (the case list's "Assign…" on a selection) the plan covers those only."""
    numbers = []
    if request.POST.get("action") == BULK_ASSIGN:
        # The case list's bulk form: the cases ticked, or every case its filters find.
        form = BulkActionForm(
            request.POST,
            user=request.user,
            actions=(BULK_ASSIGN,),
            none_selected="Select at least one case to assign.",
        )
        if not form.is_valid():
            said = " ".join(message for errors in form.errors.values() for message in errors)
            messages.error(request, said, extra_tags="focus")
            query = request.POST.get("query", "")
            list_url = reverse("casefile:case_list") + (f"?{query}" if query else "")
            return redirect_after_post(request, list_url)
        numbers = form.cleaned_data["case"]
    services.plan_run_start(actor=request.user, case_numbers=numbers)
    return redirect_after_post(request, reverse("assignment:assignments_batch"))


@access_required(Ability.MANAGE_CASES)
@require_http_methods(["GET"])
def assignments_plan_status(request, run_id):
    """The plan panel of one run, polled by the batch page while the run works out."""
    run = get_object_or_404(PlanRun.objects.select_related("created_by", "assigned_by"), pk=run_id)
    if not request.headers.get("HX-Request"):
        return redirect(reverse("assignment:assignments_batch"))
    return TemplateResponse(request, "reviews/partials/batch_plan.html", _plan_panel_context(run))
