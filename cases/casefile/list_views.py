"""The case list's saved views (each user's own) and its bulk actions (case administrators)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from accounts.row_ids import row_id
from cases.access import Ability, access_required
from cases.casefile.forms import (
    BULK_EXPORT,
    SAVED_VIEW_DELETED,
    SAVED_VIEW_NAME_REFUSED,
    SAVED_VIEW_NAME_TYPED,
    BulkActionForm,
    CaseFilterForm,
    SavedViewForm,
)
from cases.casefile.list_csv import case_list_rows
from cases.casefile.models import SavedView
from cases.casefile.selectors import cases_selected_for
from cases.formatting import first_and_more
from cases.reminders.services import Reminded, reviewer_remind
from cases.spreadsheet import csv_response


def _back_to_list(query: str):
    """The case list with `query`'s filters and sort (only the names the list knows)."""
    query = CaseFilterForm(QueryDict(query)).query()
    return redirect(reverse("casefile:case_list") + (f"?{query}" if query else ""))


@access_required()
@require_POST
def saved_view_save(request):
    form = SavedViewForm(request.POST, owner=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                # Focused: the answer to a form far from the top (from QA: focus was lost).
                messages.error(request, f"The view was not saved: {error}", extra_tags="focus")
        # The list shows the name as typed again, to be corrected (from QA: it came back
        # empty); a name longer than the field's 80 characters is kept in part, not whole.
        request.session[SAVED_VIEW_NAME_TYPED] = request.POST.get("name", "")[:200]
        # Marked invalid only when the name is what was refused (not a query too long to keep).
        request.session[SAVED_VIEW_NAME_REFUSED] = "name" in form.errors
        return _back_to_list(request.POST.get("query", ""))
    try:
        with transaction.atomic():
            SavedView.objects.create(
                owner=request.user, name=form.cleaned_data["name"], query=form.cleaned_data["query"]
            )
    except IntegrityError:
        # The same name saved a moment ago (a double click, another tab): already there.
        messages.info(request, f"View “{form.cleaned_data['name']}” is saved already.")
        return _back_to_list(form.cleaned_data["query"])
    messages.success(request, f"View “{form.cleaned_data['name']}” saved.")
    return _back_to_list(form.cleaned_data["query"])


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
        messages.error(request, "No such saved view.")
    else:
        view.delete()
        messages.success(request, f"View “{view.name}” deleted.")
        request.session[SAVED_VIEW_DELETED] = {"name": view.name, "query": view.query}
    # Back to the list as it was (from a QA pass: the filters were dropped).
    return _back_to_list(request.POST.get("query", ""))


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_list_bulk(request):
    """Export or remind for the cases checked on the list. Cases the user may not act on
    (cases.access) are left out and counted."""
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
    cases = cases_selected_for(request.user, numbers)
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
    # The case numbers of each outcome: the report counts them and names them.
    named: dict[Reminded, list[str]] = {outcome: [] for outcome in Reminded}
    found = 0
    for case in cases:
        found += 1
        # Each case's reminder is recorded with its event, or not at all.
        with transaction.atomic():
            outcome = reviewer_remind(case, actor=request.user)
        named[outcome].append(case.case_number)
    messages.info(
        request, _reminders_report(named, refused=len(numbers) - found), extra_tags="focus"
    )
    return _back_to_list(request.POST.get("query", ""))


def _cases(count: int) -> str:
    return f"{count} case{'s' if count != 1 else ''}"


# The cases the reminders report names of each outcome; past this many, "and 3 more".
CASES_NAMED = 10


def _cases_linked(numbers: Sequence[str], url_name: str) -> SafeString:
    """The first cases, each linked to its page of `url_name`, "and 3 more" past them."""
    shown, more = first_and_more(sorted(numbers), CASES_NAMED)
    named = format_html_join(
        ", ", '<a href="{}">{}</a>', ((reverse(url_name, args=[n]), n) for n in shown)
    )
    return format_html("{} and {} more", named, more) if more else named


def _reminders_report(named: dict[Reminded, list[str]], *, refused: int) -> SafeString:
    """ "Reminders sent for 3 cases (…); 1 case (…) has no reviewer to remind." None sent: "No
    reminder was due: 1 case already reminded for this due date." (from QA: "Reminders sent for
    0 cases"). The cases are named, each linked to its page (from QA: which was not said); those
    to reassign to their Assign page."""
    outcomes = {outcome: len(numbers) for outcome, numbers in named.items()}
    if outcomes[Reminded.SENT]:
        parts = [
            format_html(
                "Reminders sent for {} ({})",
                _cases(outcomes[Reminded.SENT]),
                _cases_linked(named[Reminded.SENT], "casefile:case_detail"),
            )
        ]
    else:
        # Cases not found or not the user's were not looked at: nothing is said of them as due.
        looked_at = any(outcomes[outcome] for outcome in Reminded if outcome != Reminded.SENT)
        parts = ["No reminder was due" if looked_at else "No reminder was sent"]
    if outcomes[Reminded.NO_REVIEWER]:
        count = outcomes[Reminded.NO_REVIEWER]
        parts.append(
            format_html(
                "{} ({}) {} no reviewer to remind (none assigned, or the determination is "
                "submitted)",
                _cases(count),
                _cases_linked(named[Reminded.NO_REVIEWER], "casefile:case_detail"),
                "has" if count == 1 else "have",
            )
        )
    if outcomes[Reminded.LOGIN_DEACTIVATED]:
        count = outcomes[Reminded.LOGIN_DEACTIVATED]
        held = (
            "is held by a reviewer whose login is"
            if count == 1
            else ("are held by reviewers whose logins are")
        )
        parts.append(
            format_html(
                "{} ({}) {} deactivated: reassign {} on its Assign page",
                _cases(count),
                _cases_linked(named[Reminded.LOGIN_DEACTIVATED], "assignment:case_assign"),
                held,
                "it" if count == 1 else "each",
            )
        )
    if outcomes[Reminded.CLOSED]:
        count = outcomes[Reminded.CLOSED]
        parts.append(
            f"{_cases(count)} {'is' if count == 1 else 'are'} closed (issued, terminated or "
            "ineligible): nothing to remind of"
        )
    if outcomes[Reminded.ALREADY]:
        count = outcomes[Reminded.ALREADY]
        parts.append(
            format_html(
                "{} ({}) already reminded for this due date",
                _cases(count),
                _cases_linked(named[Reminded.ALREADY], "casefile:case_detail"),
            )
        )
    if refused:
        parts.append(f"{_cases(refused)} not found or not yours to act on")
    if outcomes[Reminded.SENT] or len(parts) == 1:
        return format_html("{}.", _joined(parts))
    # None sent: what follows says why.
    return format_html("{}: {}.", parts[0], _joined(parts[1:]))


def _joined(parts: Sequence[str]) -> SafeString:
    """The report's parts, each escaped unless it is already HTML (the links to reassign)."""
    return format_html_join("; ", "{}", ((part,) for part in parts))
