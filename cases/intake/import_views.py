"""Bulk import in the browser: upload an intake file, watch its progress, see what it made and
refused, resume it when it is stuck. The work is done by cases.intake.imports' task."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.responses import page_or_fragment, redirect_after_post
from cases.access import Ability, access_required
from cases.intake.imports import import_run_resume, import_run_start, import_run_stuck
from cases.intake.selectors import (
    IMPORT_ROWS_SHOWN,
    import_run_get,
    import_run_outcome,
    import_runs_recent,
)


@access_required(Ability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def import_new(request):
    """The upload form and the latest imports; a POST stores the file and queues its run."""
    error = ""
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        if uploaded is None:
            error = "Choose an intake file (JSON) to import."
        else:
            try:
                run = import_run_start(actor=request.user, uploaded=uploaded)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                return redirect_after_post(request, reverse("intake:import_run", args=[run.pk]))
    return TemplateResponse(
        request,
        "cases/import.html",
        {"runs": import_runs_recent(), "error": error},
        status=400 if error else 200,
    )


@access_required(Ability.MANAGE_CASES)
@require_http_methods(["GET"])
def import_run(request, import_id: int):
    """One import: its progress while it runs (htmx polls the panel), then its outcome."""
    run = import_run_get(import_id)
    context = {"run": run, "stuck": import_run_stuck(run), "rows_shown": IMPORT_ROWS_SHOWN}
    if not run.working:
        context.update(import_run_outcome(run))
    return page_or_fragment(request, "cases/import_run.html", "progress", context)


@access_required(Ability.MANAGE_CASES)
@require_POST
def import_run_resume_view(request, import_id: int):
    run = import_run_get(import_id)
    try:
        import_run_resume(run=run, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, "The import is resumed where it stopped.")
    return redirect("intake:import_run", import_id=run.pk)
