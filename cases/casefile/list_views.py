"""The case list's saved views (each user's own) and its bulk actions (case administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.responses import redirect_after_post
from accounts.row_ids import row_id
from cases.access import Ability, access_required, may
from cases.casefile.forms import (
    BULK_EXPORT,
    SAVED_VIEW_DELETED,
    SAVED_VIEW_NOT_SAVED,
    SCOPE_MATCHING,
    BulkActionForm,
    CaseFilterForm,
    SavedViewEditForm,
    SavedViewForm,
)
from cases.casefile.list_csv import case_list_rows
from cases.casefile.models import SavedView
from cases.casefile.selectors import cases_selected_for, share_audience
from cases.reminders.runs import reminder_run_start
from cases.reminders.selectors import cases_in_reviewers_hands
from cases.spreadsheet import csv_response


def case_list_url(query: str) -> str:
    """The case list with `query`'s filters and sort (only the names the list knows)."""
    query = CaseFilterForm(QueryDict(query)).query()
    return reverse("casefile:case_list") + (f"?{query}" if query else "")


def _back_to_list(query: str):
    return redirect(case_list_url(query))


@access_required()
@require_POST
def saved_view_save(request):
    # Every answer's message is focused (components/messages.html): the page comes back at its
    # top, and a keyboard user who pressed a chip's × or "Save this view" is told there (from
    # QA: the focus fell to the page itself).
    form = SavedViewForm(request.POST, owner=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                # Focused: the answer to a form far from the top (from QA: focus was lost).
                messages.error(request, f"The view was not saved: {error}", extra_tags="focus")
        # The list shows the name as typed again, to be corrected (from QA: it came back
        # empty); a name longer than the field's 80 characters is kept in part, not whole.
        # Marked invalid only when the name is what was refused (not a query too long to keep).
        request.session[SAVED_VIEW_NOT_SAVED] = {
            "name": request.POST.get("name", "")[:200],
            "refused": " ".join(form.errors.get("name", [])),
        }
        return _back_to_list(request.POST.get("query", ""))
    try:
        with transaction.atomic():
            SavedView.objects.create(
                owner=request.user,
                name=form.cleaned_data["name"],
                query=form.cleaned_data["query"],
                shared_role=_shared_role(request.user, form.cleaned_data["shared"]),
            )
    except IntegrityError:
        # The same name saved a moment ago (a double click, another tab): already there.
        messages.info(
            request, f"View “{form.cleaned_data['name']}” is saved already.", extra_tags="focus"
        )
        return _back_to_list(_list_after_save(request, form))
    messages.success(request, f"View “{form.cleaned_data['name']}” saved.", extra_tags="focus")
    return _back_to_list(_list_after_save(request, form))


def _list_after_save(request, form) -> str:
    """The list a save goes back to: the view saved, or where "Undo" was pressed (`back`)."""
    return request.POST.get("back", form.cleaned_data["query"])


@access_required()
@require_GET
def saved_views_page(request):
    """One's saved views, to rename or share (the list keeps saving and deleting them)."""
    return _saved_views_render(request)


@access_required()
@require_POST
def saved_view_edit(request, view_id: int):
    """Rename one's view, or share it with the other users of one's role (or stop sharing)."""
    # Only one's own: another user's view looks like one that does not exist.
    view = SavedView.objects.filter(owner=request.user, pk=view_id).first()
    if view is None:
        messages.error(
            request, "No such saved view: it may have been deleted meanwhile.", extra_tags="focus"
        )
        return redirect("casefile:saved_views")
    form = SavedViewEditForm(
        request.POST, owner=request.user, renaming=view, prefix=_edit_prefix(view)
    )
    if not form.is_valid():
        return _saved_views_render(request, bound=form, status=400)
    name = form.cleaned_data["name"]
    # One who may not share (a reviewer) renames only: a view shared before stays unshared.
    shared = form.cleaned_data.get("shared", False)
    if (name, shared) == (view.name, view.shared):
        messages.info(request, f"Nothing changed in the view “{view.name}”.", extra_tags="focus")
        return redirect("casefile:saved_views")
    said = []
    if name != view.name:
        said.append(f"renamed “{name}”")
    if shared != view.shared:
        said.append("shared" if shared else "no longer shared")
    old_name = view.name
    view.name, view.shared_role = name, _shared_role(request.user, shared)
    try:
        with transaction.atomic():
            view.save(update_fields=["name", "shared_role"])
    except IntegrityError:
        # The same name saved meanwhile (another tab): said beside the field, as typed.
        form.add_error("name", f"You have a view named “{name}” already; choose another name.")
        return _saved_views_render(request, bound=form, status=400)
    messages.success(request, f"View “{old_name}” {' and '.join(said)}.", extra_tags="focus")
    return redirect("casefile:saved_views")


def _shared_role(user, shared: bool) -> str:
    """The role a view is shared with: the owner's, if they share it and may (SHARE_VIEWS)."""
    return user.role if shared and may(user, Ability.SHARE_VIEWS) else ""


def _edit_prefix(view: SavedView) -> str:
    return f"view-{view.pk}"


def _saved_views_render(request, *, bound: SavedViewEditForm | None = None, status: int = 200):
    views = list(SavedView.objects.filter(owner=request.user).order_by("name", "pk"))
    rows = []
    for view in views:
        if bound is not None and bound.renaming.pk == view.pk:
            form = bound
        else:
            form = SavedViewEditForm(
                owner=request.user,
                renaming=view,
                prefix=_edit_prefix(view),
                initial={"name": view.name, "shared": view.shared},
            )
        rows.append((view, form))
    if views and may(request.user, Ability.SHARE_VIEWS):
        colleagues = share_audience(request.user)
        for _view, form in rows:
            form.audience_say(colleagues)
    return TemplateResponse(
        request, "cases/saved_views.html", {"rows": rows, "refused": bound}, status=status
    )


@access_required()
@require_POST
def saved_view_delete(request):
    # Only one's own: another user's view looks like one that does not exist.
    view_id = row_id(request.POST.get("view"))
    view = (
        SavedView.objects.filter(owner=request.user, pk=view_id).first()
        if view_id is not None
        else None
    )
    if view is None:
        messages.error(request, "No such saved view.", extra_tags="focus")
    else:
        view.delete()
        messages.success(request, f"View “{view.name}” deleted.", extra_tags="focus")
        # Shared again by "Undo" if it was (from a review: colleagues lost it silently).
        request.session[SAVED_VIEW_DELETED] = {
            "name": view.name,
            "query": view.query,
            "shared": view.shared,
        }
    # Back to the list as it was (from a QA pass: the filters were dropped).
    return _back_to_list(request.POST.get("query", ""))


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_list_bulk(request):
    """Export or remind for the cases checked on the list (or every case matching its
    filters). Cases the user may not act on (cases.access) are left out and counted."""
    form = BulkActionForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(message for errors in form.errors.values() for message in errors)
            if "action" not in form.errors
            else "Choose an action for the selected cases.",
            # Focused on the list it sends back to (components/messages.html).
            extra_tags="focus",
        )
        return _back_to_list(request.POST.get("query", ""))
    numbers = form.cleaned_data["case"]  # normalised, each once (BulkActionForm)
    # In the list's order as it was sorted (cases_selected_for takes only a sort it knows).
    sort = QueryDict(request.POST.get("query", "")).get("sort", "")
    cases = cases_selected_for(request.user, numbers, sort=sort)
    if form.cleaned_data["action"] == BULK_EXPORT:
        # A file cannot carry a message: a selection with cases left out is not exported by
        # halves, it is refused and explained.
        missing = len(numbers) - cases.count()
        if missing:
            messages.error(
                request,
                f"Nothing was exported: {missing} of the {len(numbers)} selected cases "
                f"{'was' if missing == 1 else 'were'} not found or not yours to act on. "
                "Select the cases again.",
            )
            return _back_to_list(request.POST.get("query", ""))
        day = timezone.localdate().isoformat()
        return csv_response(case_list_rows(cases), filename=f"cases-selected-{day}.csv")
    asked = request.POST.get("confirmed", "")
    if form.cleaned_data.get("scope") == SCOPE_MATCHING and asked != str(len(numbers)):
        # Every case the filters find, up to 500 e-mails from one click: asked first (from QA;
        # "Assign…" has its plan for a step between), and again when the count confirmed is
        # no longer the count that matches (cases moved meanwhile).
        return TemplateResponse(
            request,
            "cases/reminders_confirm.html",
            {
                "count": len(numbers),
                # From QA: "Remind the reviewers of 65 cases?" sent one reminder; 64 had none.
                "in_hands": cases_in_reviewers_hands(cases),
                "changed": bool(asked),
                "shown_query": form.cleaned_data.get("shown_query", ""),
                "query": request.POST.get("query", ""),
                "case_list_url": case_list_url(request.POST.get("query", "")),
            },
        )
    # Each reminder is an e-mail: a task sends them, and the run's page follows it.
    run = reminder_run_start(
        actor=request.user,
        cases=cases,
        selected=len(numbers),
        query=request.POST.get("query", ""),
    )
    return redirect_after_post(request, reverse("casefile:reminder_run", args=[run.pk]))
