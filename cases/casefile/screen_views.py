"""The case page's actions on a waiting screen and on the review's pace: defer for a liability
dispute and resume, request missing information and its answer, consolidate a duplicate,
convert to expedited (8 CCR 9792.10.3, 9792.10.4). Each view parses one form and calls one
service; the case page (views.py) renders the result."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.views.decorators.http import require_POST

from cases.access import Ability, access_required, case_get_for
from cases.casefile.views import _action_done, _action_refused
from cases.eligibility import services as eligibility
from cases.eligibility.forms import (
    ConsolidateForm,
    DeferForm,
    ExpediteForm,
    InformationLapsedForm,
    InformationReceivedForm,
    InformationRequestForm,
    LiabilityResolvedForm,
)
from cases.lifecycle import services as lifecycle


def _run(request, case, form, bound_name: str, step):
    """Validate `form`, run `step(data)` (a service call returning the done message) and answer
    with the refreshed workflow panel, or the form with why it was refused."""
    if form.is_valid():
        try:
            message = step(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _action_done(request, case.case_number, message, panel="workflow")
    return _action_refused(request, case, panel="workflow", **{bound_name: form})


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_defer(request, case_number: str):
    case = case_get_for(request.user, case_number)

    def step(data):
        eligibility.case_defer_for_liability(
            case=case, actor=request.user, deferred_on=data["deferred_on"], note=data["note"]
        )
        return (
            f"{case.case_number} is deferred until the liability dispute is resolved "
            "(8 CCR 9792.10.3(d))."
        )

    return _run(request, case, DeferForm(request.POST, prefix="defer"), "defer_form", step)


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_liability_resolved(request, case_number: str):
    case = case_get_for(request.user, case_number)

    def step(data):
        args = dict(
            case=case, actor=request.user, resolved_on=data["resolved_on"], note=data["note"]
        )
        if data["outcome"] == "denied":
            eligibility.case_close_liability_denied(**args)
            return f"{case.case_number} is closed: liability was found against the worker."
        eligibility.case_resume_liability_resolved(**args)
        return f"{case.case_number} resumes: record the eligibility finding."

    form = LiabilityResolvedForm(request.POST, prefix="liability")
    return _run(request, case, form, "liability_form", step)


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_information_request(request, case_number: str):
    case = case_get_for(request.user, case_number)

    def step(data):
        done = eligibility.case_information_request(
            case=case,
            actor=request.user,
            missing=data["missing"],
            requested_on=data["requested_on"],
            sent_by=data["sent_by"],
            note=data["note"],
        )
        return (
            f"Information requested; the parties have until "
            f"{done.information_due_on:%m/%d/%Y} (8 CCR 9792.10.3(c))."
        )

    form = InformationRequestForm(request.POST, prefix="rfi")
    return _run(request, case, form, "rfi_form", step)


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_information_received(request, case_number: str):
    case = case_get_for(request.user, case_number)

    def step(data):
        eligibility.case_information_received(
            case=case, actor=request.user, received_on=data["received_on"], note=data["note"]
        )
        return "Information received: record the eligibility finding."

    form = InformationReceivedForm(request.POST, prefix="rfi_received")
    return _run(request, case, form, "rfi_received_form", step)


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_information_lapsed(request, case_number: str):
    case = case_get_for(request.user, case_number)

    def step(data):
        eligibility.case_information_lapsed(case=case, actor=request.user, note=data["note"])
        return f"{case.case_number} is ineligible: the requested information was not provided."

    form = InformationLapsedForm(request.POST, prefix="rfi_lapsed")
    return _run(request, case, form, "rfi_lapsed_form", step)


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_expedite(request, case_number: str):
    case = case_get_for(request.user, case_number)

    def step(data):
        lifecycle.case_expedite(
            case=case, actor=request.user, certified_on=data["certified_on"], note=data["note"]
        )
        return (
            f"{case.case_number} is expedited from {data['certified_on']:%m/%d/%Y}; "
            "notify the parties at once (8 CCR 9792.10.4(c))."
        )

    return _run(request, case, ExpediteForm(request.POST, prefix="expedite"), "expedite_form", step)


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_consolidate(request, case_number: str):
    case = case_get_for(request.user, case_number)

    def step(data):
        # The duplicate is read through the same access policy as the case.
        duplicate = case_get_for(request.user, data["duplicate"])
        eligibility.case_consolidate(
            kept=case, duplicate=duplicate, actor=request.user, note=data["note"]
        )
        return f"{duplicate.case_number} is consolidated into {case.case_number}."

    form = ConsolidateForm(request.POST, prefix="consolidate")
    return _run(request, case, form, "consolidate_form", step)
