"""The case administrators' pages. Views parse input, call one selector or service, and render;
with htmx they render only the fragment that changed (template partials)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cases.access import Ability, access_required
from cases.intake.forms import IntakeForms, ItemFormSet, RecordFormSet, formset_row
from cases.intake.services import case_create
from cases.intake.validation import IntakeInvalid
from cases.lifecycle.models import Case
from cases.registry import reviewer_side

# --- New application (intake) -----------------------------------------------------------------


def specialty_names() -> list[str]:
    """The specialty vocabulary, offered as suggestions for the requesting provider."""
    return reviewer_side().specialty_names()


def _intake_render(request, intake: IntakeForms, *, submitted: bool, status: int = 200):
    dropped = intake.dropped_files()
    for form in intake.records.forms:
        form.dropped_file_name = dropped.get(form.prefix, "")
    context = {
        "intake": intake,
        "error_summary": intake.error_summary() if submitted else [],
        "specialty_names": specialty_names(),
        "record_max_bytes": settings.RECORD_MAX_UPLOAD_BYTES,
    }
    return render(request, "cases/case_new.html", context, status=status)


def _intake_save(intake: IntakeForms, actor) -> Case | None:
    """Create the case with its records (one service, one transaction); a problem found while
    writing goes next to its field, like every other intake problem."""
    try:
        return case_create(data=intake.case_data(), actor=actor, source="ui")
    except IntakeInvalid as invalid:
        intake.errors_place(invalid.errors)
        return None


@access_required(Ability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def case_new(request):
    if request.method == "GET":
        return _intake_render(request, IntakeForms(), submitted=False)
    adding = next((kind for kind in ("items", "records") if f"add_{kind}" in request.POST), None)
    if adding:
        # Without JavaScript, "Add another" comes back with one more empty row, keeping
        # everything typed (but not chosen files: a browser cannot be given a file back).
        data = request.POST.copy()
        total_key = f"{adding}-TOTAL_FORMS"
        try:
            data[total_key] = str(int(data.get(total_key, "0")) + 1)
        except ValueError:
            return HttpResponseBadRequest("The form is damaged; reload the page.")
        intake = IntakeForms(data, request.FILES)
        intake.hold_errors()
        return _intake_render(request, intake, submitted=False)
    intake = IntakeForms(request.POST, request.FILES)
    if intake.is_valid():
        case = _intake_save(intake, request.user)
        if case is not None:
            messages.success(request, f"Case {case.case_number} created for {case.worker_name}.")
            return redirect("casefile:case_detail", case_number=case.case_number)
    return _intake_render(request, intake, submitted=True)


@access_required(Ability.MANAGE_CASES)
@require_GET
def case_new_row(request, kind: str):
    """One more empty disputed item or record row for the intake form (htmx)."""
    formset_class = {"items": ItemFormSet, "records": RecordFormSet}.get(kind)
    if formset_class is None:
        raise Http404("No such part of the form.")
    if not request.htmx:
        return redirect("intake:case_new")
    try:
        index = int(request.GET.get(f"{kind}-TOTAL_FORMS", ""))
    except ValueError:
        return HttpResponseBadRequest("The form is damaged; reload the page.")
    if not 0 <= index < formset_class.max_num:
        return HttpResponseBadRequest(f"At most {formset_class.max_num} rows.")
    form = formset_row(formset_class, prefix=kind, index=index)
    first_field = "description" if kind == "items" else "file"
    form.fields[first_field].widget.attrs["autofocus"] = True
    context = {"form": form, "number": index + 1, "kind": kind, "total_forms": index + 1}
    partial = "item-row" if kind == "items" else "record-row"
    return render(request, f"cases/case_new.html#{partial}", context)
