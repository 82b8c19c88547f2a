"""The case administrators' pages. Views parse input, call one selector or service, and render;
with htmx they render only the fragment that changed (template partials)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from accounts.paging import LookaheadPage
from accounts.responses import wants_fragment, with_messages
from accounts.row_ids import row_id
from cases.access import (
    Ability,
    access_required,
    case_changes_for,
    case_get_for,
    case_history_for,
    cases_visible_to,
    may,
    record_get_for,
)
from cases.auditlog.selectors import case_readers_shown
from cases.casefile.forms import (
    MAX_MATCHING,
    SAVED_VIEW_DELETED,
    SAVED_VIEW_NOT_SAVED,
    CaseFilterForm,
    PartyServiceForm,
    RemandForm,
    SavedViewForm,
    TerminateForm,
)
from cases.casefile.list_csv import case_list_rows, outcomes_for
from cases.casefile.selectors import (
    SORTS,
    SavedViewsShown,
    case_clock_with_letter,
    case_list_for,
    closed_cases_match,
)
from cases.eligibility import services as eligibility
from cases.eligibility.duplicates import (
    DUPLICATES_SHOWN,
    case_duplicates,
    consolidation_refusal,
)
from cases.eligibility.forms import (
    ConsolidateForm,
    DeferForm,
    EligibleForm,
    ExpediteForm,
    IneligibleForm,
    InformationLapsedForm,
    InformationReceivedForm,
    InformationRequestForm,
    LiabilityResolvedForm,
    RecordsCompleteForm,
)
from cases.eligibility.selectors import eligibility_checks
from cases.eligibility.services import information_due_text
from cases.intake.corrections import standard_correctable
from cases.lifecycle import services as lifecycle
from cases.lifecycle.delivery import case_service_contacts, service_problems_quiet
from cases.lifecycle.expedite import expedited_due_dates
from cases.lifecycle.history import case_last_event
from cases.lifecycle.models import CASE_LIST_COLUMNS, Case, CaseStatus
from cases.lifecycle.services import case_number_lookup
from cases.lifecycle.status_table import Action, allowed_actions
from cases.outbox.models import OPEN_STATES, FollowUp
from cases.outbox.selectors import follow_up_retryable, follow_ups_open_for
from cases.outbox.services import follow_up_retry
from cases.records.forms import RecordAddForm
from cases.records.selectors import records_in_file
from cases.records.services import WITHDRAW_REASON_MAX_CHARS, record_withdraw, records_add
from cases.records.tasks import record_inspect
from cases.registry import reviewer_side
from cases.spreadsheet import csv_response

CASES_PER_PAGE = 50


@access_required()
def home(request):
    if may(request.user, Ability.REVIEW):
        return redirect("determination:reviewer_dashboard")
    if may(request.user, Ability.QUALITY_REVIEW):
        return redirect("quality:quality_queue")
    if not may(request.user, Ability.MANAGE_CASES):
        # API clients have no web session (accounts.second_factor ends one); no other role
        # lands here.
        raise PermissionDenied("Your role has no start page here.")
    # The case administrator's home is the operations dashboard (reviews.reports, mounted
    # above the case file: named, not imported); the case list is one click away.
    return redirect("reports:dashboard")


# --- The case list ----------------------------------------------------------------------------


SORT_ARIA = {"": "ascending", "-": "descending"}


def _sort_headers(request, sort: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the sort its header link asks for (the other direction when it
    is the sorted column), its aria-sort, and the link (the list with this query, that sort,
    the first page): reversed once here, not twice in each of the eight links drawn."""
    path = reverse("casefile:case_list")
    headers = {}
    for key in SORTS:
        if sort.removeprefix("-") == key:
            descending = sort.startswith("-")
            headers[key] = {
                "next": key if descending else f"-{key}",
                "aria": "descending" if descending else "ascending",
            }
        else:
            headers[key] = {"next": key, "aria": ""}
        query = request.GET.copy()
        query["sort"] = headers[key]["next"]
        query.pop("page", None)
        headers[key]["href"] = f"{path}?{query.urlencode()}"
    return headers


@access_required()
@require_GET
def case_list(request):
    filter_form = CaseFilterForm(request.GET)
    filters = filter_form.filters()
    cases = case_list_for(request.user, **filters).only(*CASE_LIST_COLUMNS)
    # No COUNT(*) of the whole list on every page (accounts.paging).
    page = LookaheadPage(cases, CASES_PER_PAGE, request.GET.get("page"))
    outcomes = outcomes_for(page.object_list)
    for case in page.object_list:
        case.outcome_label = outcomes.get(case.pk, "")
    # A view's name refused a moment ago comes back as typed (the save redirects here); the
    # fragment htmx asks for holds no such form, so the name waits for the whole page.
    fragment = wants_fragment(request)
    not_saved = {} if fragment else request.session.pop(SAVED_VIEW_NOT_SAVED, {})
    # A view deleted a moment ago is offered back once, as "Undo" (forms.SAVED_VIEW_DELETED).
    deleted_view = None if fragment else request.session.pop(SAVED_VIEW_DELETED, None)
    context = {
        "filter_form": filter_form,
        "query": filter_form.query(),
        # The user's own saved views and those shared with them (read where the page shows
        # them: the fragment does not).
        "saved_views": SavedViewsShown(request.user),
        "saved_view_form": SavedViewForm(
            initial={"name": not_saved.get("name", "")},
            refused=not_saved.get("refused", ""),
        ),
        "deleted_view": deleted_view,
        # "Select all on this page": a round trip, no script (the CSP allows none inline).
        "select_all": request.GET.get("select") == "all",
        "max_matching": MAX_MATCHING,
        "is_filtered": filter_form.is_filtered,
        # A whole case number finds its case whatever the filters say: the count says so.
        "by_number": case_number_lookup(filters["q"]),
        # What the empty list advises: "All cases" only when the status does not show them
        # already, the search's spelling only when there is one.
        "all_statuses": filters["status"] == "all",
        "searched": bool(filters["q"]),
        "closed_matches": _closed_matches_query(request.user, filters, page, filter_form),
        "ignored_filters": filter_form.ignored(),
        "page": page,
        "sort": filters["sort"],
        "sort_headers": _sort_headers(request, filters["sort"]),
    }
    if fragment:
        return render(request, "cases/case_list.html#results", context)
    return render(request, "cases/case_list.html", context)


def _closed_matches_query(user, filters: dict, page, filter_form: CaseFilterForm) -> str:
    """The query of the closed cases that match a search which found no open case, or "". Asked
    only when the open list came back empty, so no page with rows pays for it."""
    if page.object_list or not closed_cases_match(user, filters):
        return ""
    return filter_form.query(status="closed")


@access_required()
@require_GET
def case_list_csv(request):
    """The current view of the case list (its filters and sort, every page) as CSV."""
    filter_form = CaseFilterForm(request.GET)
    ignored = filter_form.ignored()
    if ignored:
        # From QA: ?priority=urgent downloaded every open case. A file has no room for the
        # list's "Not applied" warning, so no CSV is made (as the dashboard's CSV refuses a bad
        # period); the list offers the export of what it shows instead.
        return HttpResponseBadRequest(
            f"Not applied to the case list: {'; '.join(ignored)}. "
            "No CSV was made: choose from the case list's filters and export again.",
            content_type="text/plain; charset=utf-8",
        )
    filters = filter_form.filters()
    cases = case_list_for(request.user, **filters)
    day = timezone.localdate().isoformat()
    return csv_response(case_list_rows(cases), filename=f"cases-{day}.csv")


# --- The case page ----------------------------------------------------------------------------

PANELS = (
    "header",
    "clock",
    "workflow",
    "follow-ups",
    "records",
    "history",
    "parties",
    "readers",
)


# Each action the status table allows that takes a form on the case page: the action, the
# template's name for the form, the form and its prefix (eligibility has two forms, below).
_ACTION_FORMS = (
    (Action.MARK_RECORDS_COMPLETE, "complete_form", RecordsCompleteForm, "complete"),
    (Action.TERMINATE, "terminate_form", TerminateForm, "terminate"),
    (Action.REMAND, "remand_form", RemandForm, "remand"),
    (Action.DEFER_FOR_LIABILITY, "defer_form", DeferForm, "defer"),
    (Action.RESUME_LIABILITY_RESOLVED, "liability_form", LiabilityResolvedForm, "liability"),
    (Action.REQUEST_INFORMATION, "rfi_form", InformationRequestForm, "rfi"),
    (Action.INFORMATION_RECEIVED, "rfi_received_form", InformationReceivedForm, "rfi_received"),
    (Action.INELIGIBLE_NO_INFORMATION, "rfi_lapsed_form", InformationLapsedForm, "rfi_lapsed"),
    (Action.CONVERT_TO_EXPEDITED, "expedite_form", ExpediteForm, "expedite"),
    (Action.CONSOLIDATE, "consolidate_form", ConsolidateForm, "consolidate"),
)


_WORKFLOW_FORM_NAMES = frozenset(
    {"eligible_form", "ineligible_form", *(name for _, name, _, _ in _ACTION_FORMS)}
)


@dataclass(frozen=True)
class RefusedElsewhere:
    """A workflow form sent from a page out of date and refused. Where it was sent from is not
    drawn again (or not with that form), so the refusal is said at the top of the panel: what
    changed, why it was refused, and what to do now."""

    changed: str
    reasons: list[str]
    next_step: str
    # A case to open for the next step (the duplicate no longer listed), or "".
    case_to_open: str = ""


def _form_messages(form) -> list[str]:
    return [message for errors in form.errors.values() for message in errors]


def _consolidation_refused(user, case: Case, form, duplicates) -> RefusedElsewhere | None:
    """A consolidation sent while its duplicate's row offered it, and refused because the
    duplicate changed since (closed, consolidated elsewhere, given a reviewer, edited): that
    row now offers no form or is gone. None while the row still offers it: what was typed is
    refused there, next to its fields."""
    number = form["duplicate"].value() or ""
    listed = {duplicate.case.case_number: duplicate for duplicate in duplicates}
    if number in listed and not listed[number].refusal:
        return None
    try:
        duplicate = case_get_for(user, number)
    except Http404:
        return RefusedElsewhere(
            changed="that page named no case you can consolidate",
            reasons=[f"No case {number}." if number else "No case was named."],
            next_step="Nothing was changed. Choose from the possible duplicates below.",
        )
    # Said as the duplicate stands now, by the rule the service applied.
    why = consolidation_refusal(case, duplicate)
    if duplicate.consolidated_into_id == case.pk:
        next_step = "Nothing was changed, and there is nothing more to do."
    elif number in listed:
        next_step = (
            "Nothing was changed. It is listed below with why it cannot be consolidated now."
        )
    else:
        next_step = "Nothing was changed. It is no longer one of the possible duplicates below."
    return RefusedElsewhere(
        changed=f"{number} has changed since that page was opened",
        reasons=[why] if why else _form_messages(form),
        next_step=next_step,
        case_to_open="" if number in listed else number,
    )


def _eligible_form(case: Case, checks, data=None) -> EligibleForm:
    """The eligible finding's form, with what it says of the notice it sends: how it goes and
    whom it cannot reach yet."""
    return EligibleForm(
        data,
        prefix="eligible",
        checks=checks,
        notice_method_text=eligibility.notice_method_text(case),
        notice_held_text=eligibility.notice_held_text(case),
    )


def _workflow_forms(
    case: Case, actions: frozenset[Action], checks=(), *, user, duplicates, **bound
) -> dict:
    """The forms of the actions the case's status allows (bound ones replace fresh ones)."""
    forms = {}
    if Action.RECORD_ELIGIBILITY in actions:
        forms["eligible_form"] = _eligible_form(case, checks)
        forms["ineligible_form"] = IneligibleForm(prefix="ineligible")
    for action, name, form_class, prefix in _ACTION_FORMS:
        if action in actions:
            forms[name] = form_class(prefix=prefix)
    # A workflow form sent from a page out of date (a second tab) for an action the case no
    # longer offers, or for a duplicate that no longer offers it, is not drawn again; its
    # refusal is said at the top of the panel instead.
    refused = None
    for name, form in bound.items():
        if name in _WORKFLOW_FORM_NAMES and name not in forms:
            refused = RefusedElsewhere(
                changed="the case has moved on since that page was opened",
                reasons=_form_messages(form),
                next_step="Nothing was changed. What the case allows now is below.",
            )
        elif name == "consolidate_form" and (
            stale := _consolidation_refused(user, case, form, duplicates)
        ):
            # The other duplicates' forms stay fresh: not filled with what was typed.
            refused = stale
        else:
            forms[name] = form
    forms["refused_elsewhere"] = refused
    return forms


def _case_context(request, case: Case, *, panel: str | None = None, **bound) -> dict:
    can_manage = may(request.user, Ability.MANAGE_CASES)
    # Only a case manager acts on the case page; others see where it stands.
    actions = allowed_actions(case) if can_manage else frozenset()
    # The issued letter's dates show only in the clock panel (two queries, on issued cases).
    clock, letter = case_clock_with_letter(case) if panel in (None, "clock") else (case.clock, None)
    context = {
        "case": case,
        "clock": clock,
        "letter_overturned": bool(letter and letter.overturned),
        "can_manage": can_manage,
        "actions": actions,
        "Action": Action,
        "CaseStatus": CaseStatus,
        "deferral_review_days": settings.IMR_DEFERRAL_REVIEW_DAYS,
    }
    if case.information_requested_on:
        # 8 CCR 9792.10.3(b), (c): the open request, its due date and why (workflow and clock).
        context["information_due_text"] = information_due_text(
            case.information_requested_on, case.information_requested_by
        )
        context["information_missing"] = [
            lifecycle.MISSING_INFORMATION.get(key, key) for key in case.information_missing
        ]
    if panel in (None, "workflow"):
        # 8 CCR 9792.10.4(a): other applications of the same dispute, offered for consolidation
        # (and judged by the screen's duplicate check, which reuses them).
        screening = case.status == CaseStatus.RECEIVED
        duplicates = case_duplicates(case) if can_manage or screening else []
        # The first DUPLICATES_SHOWN, the closest first; the rest counted, with the case list's
        # open cases of the claim to see them all.
        shown = duplicates[:DUPLICATES_SHOWN] if can_manage else []
        context["duplicates"] = shown
        context["duplicates_more"] = len(duplicates) - len(shown) if can_manage else 0
        checks = eligibility_checks(case, duplicates_found=duplicates) if screening else []
        context["eligibility_checks"] = checks
        # The certification check's way out: an expedited application typed in by mistake.
        context["standard_correctable"] = screening and can_manage and standard_correctable(case)
        if can_manage:
            context.update(
                _workflow_forms(
                    case, actions, checks, user=request.user, duplicates=duplicates, **bound
                )
            )
            context["assignment"] = reviewer_side().current_assignment(case)
    if panel in (None, "clock") and case.date_assigned:
        # Whether the notice date is the finding's intended date or the notice's actual date
        # of service (the letters room produces and serves the notice).
        context["notice_state"] = reviewer_side().notice_of_assignment_state(case)
    if panel in (None, "clock") and case.expedited_on:
        context["expedited_due"] = expedited_due_dates(case)
    if panel in (None, "follow-ups", "records"):
        # Work the case's changes asked for that is not done: waiting for the task queue,
        # stuck, failed (README, "No lost work"). Administrators see it with a retry.
        follow_ups = follow_ups_open_for(case)
        context["follow_ups"] = follow_ups if can_manage else []
        # A row just committed is still "waiting" while it is published: it shows as queued,
        # and the panel follows it too (from QA: it said "queued" until a reload); one the
        # broker refused waits for the relay, which the page need not ask after every 3 s.
        context["follow_ups_moving"] = any(
            row.state in OPEN_STATES and not row.waiting_for_queue for row in follow_ups
        )
    if panel in (None, "records"):
        # Administrators see a withdrawn record struck through with its reason; no one else
        # sees it at all.
        context["records"] = list(case.records.all() if can_manage else records_in_file(case))
        context["records_pending"] = any(record.pages is None for record in context["records"])
        context["withdraw_reason_max"] = WITHDRAW_REASON_MAX_CHARS
        context["records_waiting_for_queue"] = {
            row.args[0]
            for row in follow_ups
            if row.task == record_inspect.name and row.waiting_for_queue
        }
    if panel in (None, "record-add") and Action.ADD_RECORD in actions:
        context["record_form"] = bound.get("record_form") or RecordAddForm(prefix="record")
        context["record_max_bytes"] = settings.RECORD_MAX_UPLOAD_BYTES
    if panel in (None, "history"):
        context["history"] = case_history_for(request.user, case)
    if panel in (None, "header"):
        # The newest event the page showed: its poll asks what others did after it (by id,
        # not by time: an event written by another host's clock, or committed late, is not
        # missed). The whole page has it from its history, the header alone asks (one query).
        history = context.get("history")
        context["drawn_event"] = (
            max(entry.event.pk for entry in history)
            if history
            else (0 if history is not None else case_last_event(case))
        )
        # The header drawn again after one's own change sends the event its page had drawn
        # (case_stale.html): what others did since is still told, though the panels redrawn
        # with the change show some of it and the others do not (from QA: the note was lost).
        drawn_before = row_id(request.GET.get("after")) if panel == "header" else None
        if drawn_before is not None:
            changes = case_changes_for(request.user, case, drawn_before)
            if changes.shown:
                context.update(stale=True, changes=changes, drawn_event=drawn_before)
    if panel in (None, "parties"):
        context["service_contacts"] = _service_contacts(case, can_manage, bound)
        context["service_quiet"] = service_problems_quiet(case)
    # Who read the case (the audit log), for the IRO's own staff: it names reviewers. Read when
    # its closed panel is opened (its own request, or ?readers=1 without JavaScript).
    context["show_readers"] = may(request.user, Ability.SEE_CASE_READERS)
    opened = panel == "readers" or (panel is None and request.GET.get("readers") == "1")
    context["readers"] = (
        case_readers_shown(case.case_number) if context["show_readers"] and opened else None
    )
    return context


def _service_contacts(case: Case, can_manage: bool, bound: dict) -> list:
    """Each served party with its method, what is missing, and (for a manager) its form."""
    contacts = []
    for contact in case_service_contacts(case):
        form = None
        if can_manage:
            form = bound.get(f"service_form_{contact.role}") or PartyServiceForm.for_contact(
                contact, prefix=f"service-{contact.role}"
            )
        contacts.append({"contact": contact, "form": form})
    return contacts


@access_required()
@require_GET
def case_detail(request, case_number: str):
    case = case_get_for(request.user, case_number)
    panel = request.GET.get("panel")
    if wants_fragment(request) and panel in PANELS:
        context = _case_context(request, case, panel=panel)
        context["fragment"] = True
        return render(request, f"cases/case_detail.html#{panel}", context)
    return render(request, "cases/case_detail.html", _case_context(request, case))


@access_required()
@require_GET
def case_changed(request, case_number: str):
    """Whether the case changed since the case page (or the reviewer's workspace) was drawn:
    its status, due dates or facts (Case.changed_stamp; `seen`: the stamp the page printed,
    `status`: the status it showed), by anyone or a task; or what someone else did to it (its
    events after `after`, the newest the page drew: a record added, a letter served).
    Unchanged: 204, and the page asks again later. Changed: a note naming the changes, asking
    to reload. From QA: an administrator's page left open still said "waiting for quality
    review" long after the determination was approved and its letter issued. A note, not a
    redraw: the page may hold a form being typed."""
    # Only what it tells: asked every 30 s by each open case page.
    case = (
        cases_visible_to(request.user)
        .filter(case_number=case_number)
        .only("case_number", "status", "updated_at")
        .first()
    )
    if case is None:
        raise Http404("No such case.")
    after = row_id(request.GET.get("after"))
    changes = case_changes_for(request.user, case, after) if after is not None else None
    saved_since = request.GET.get("seen", "") != case.changed_stamp
    if not saved_since and not (changes and changes.shown):
        return HttpResponse(status=204)
    # Its status is said only if it is not the one drawn (a corrected fact saves the case too).
    status_changed = request.GET.get("status", case.status) != case.status
    return render(
        request,
        "cases/partials/case_stale.html",
        {
            "case": case,
            "stale": True,
            "changes": changes,
            "status_changed": status_changed,
            "drawn_event": after if after is not None else "",
        },
    )


def _action_done(
    request,
    case_number: str,
    message: str,
    *,
    panel: str,
    level: int = messages.SUCCESS,
    shown: dict | None = None,
) -> HttpResponse:
    """After a change: htmx swaps the panel and tells the other panels to refresh (the event
    names the panel that answered, which static/js/session.js keeps from asking for itself
    again); without JavaScript, back to the case page (post/redirect/get). `shown`: more for
    the panel to draw (which party was just saved, to give it the focus back)."""
    messages.add_message(request, level, message)
    if not wants_fragment(request):
        return redirect("casefile:case_detail", case_number=case_number)
    case = case_get_for(request.user, case_number)
    context = {**_case_context(request, case, panel=panel), **(shown or {})}
    response = render(request, f"cases/case_detail.html#{panel}", context)
    return trigger_client_event(
        with_messages(request, response), "case-changed", {"answered": panel}, after="settle"
    )


def _action_refused(request, case: Case, *, panel: str, **bound) -> HttpResponse:
    """A form or the service said no: show why, next to what was typed; nothing changed."""
    if wants_fragment(request):
        context = _case_context(request, case, panel=panel, **bound)
        return render(request, f"cases/case_detail.html#{panel}", context)
    return render(request, "cases/case_detail.html", _case_context(request, case, **bound))


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_record_add(request, case_number: str):
    case = case_get_for(request.user, case_number)
    form = RecordAddForm(request.POST, request.FILES, prefix="record")
    if form.is_valid():
        try:
            added = records_add(case=case, actor=request.user, **form.records_data())
        except ValidationError as error:
            form.add_error("file", error)
        else:
            titles = ", ".join(f"“{record.title}”" for record in added)
            done = (
                f"Record {titles} added."
                if len(added) == 1
                else f"{len(added)} records added: {titles}."
            )
            return _action_done(request, case.case_number, done, panel="record-add")
    chosen = request.FILES.getlist(form["file"].html_name)
    if chosen and "file" not in form.errors:
        # A browser cannot keep a chosen file when the form comes back: the page names them
        # and asks for them again, rather than refusing the next try for a missing file.
        form.dropped_file_name = "”, “".join(uploaded.name for uploaded in chosen)
    return _action_refused(request, case, panel="record-add", record_form=form)


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_follow_up_retry(request, case_number: str, follow_up_id: int):
    """An administrator pushes stuck, failed or waiting work to the task queue again."""
    case = case_get_for(request.user, case_number)
    follow_up = FollowUp.objects.filter(case=case, pk=follow_up_id).first()
    if follow_up is None or not follow_up_retryable(follow_up):
        messages.error(request, "That work is done or on its way; nothing to retry.")
        return redirect("casefile:case_detail", case_number=case.case_number)
    follow_up_retry(follow_up=follow_up)
    return _action_done(
        request, case.case_number, f"{follow_up.what} once a worker takes it.", panel="follow-ups"
    )


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_record_withdraw(request, case_number: str, record_id: int):
    case = case_get_for(request.user, case_number)
    record = record_get_for(request.user, case, record_id)
    try:
        record_withdraw(record=record, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if not wants_fragment(request):
            return redirect("casefile:case_detail", case_number=case.case_number)
        response = render(
            request, "cases/case_detail.html#records", _case_context(request, case, panel="records")
        )
        return with_messages(request, response)
    return _action_done(
        request,
        case.case_number,
        f"Record “{record.title}” withdrawn: kept on file, out of the review and the letter.",
        panel="records",
    )


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_eligibility(request, case_number: str):
    case = case_get_for(request.user, case_number)
    finding = request.POST.get("finding")
    if finding == "eligible":
        checks = eligibility_checks(case) if case.status == CaseStatus.RECEIVED else []
        form = _eligible_form(case, checks, data=request.POST)
        bound = {"eligible_form": form}
    elif finding == "ineligible":
        form = IneligibleForm(request.POST, prefix="ineligible")
        bound = {"ineligible_form": form}
    else:
        return HttpResponseBadRequest("Choose eligible or ineligible.")
    if form.is_valid():
        try:
            if finding == "eligible":
                case = eligibility.case_eligibility_record(
                    case=case,
                    actor=request.user,
                    eligible=True,
                    overrides=form.overrides(),
                )
                message = (
                    f"{case.case_number} is eligible. Notice of assignment dated "
                    f"{case.date_assigned:%m/%d/%Y}; records are due "
                    f"{case.clock.records_due_on:%m/%d/%Y}."
                )
            else:
                case = eligibility.case_eligibility_record(
                    case=case,
                    actor=request.user,
                    eligible=False,
                    reasons=form.reason_list(),
                    note=form.cleaned_data["note"],
                )
                message = f"{case.case_number} is ineligible and closed."
        except ValidationError as error:
            form.refusal_add(error)
        else:
            return _action_done(request, case.case_number, message, panel="workflow")
    return _action_refused(request, case, panel="workflow", **bound)


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_records_complete(request, case_number: str):
    case = case_get_for(request.user, case_number)
    proceed_without = request.POST.get("proceed_without") == "1"
    form = RecordsCompleteForm(request.POST, prefix="complete")
    if proceed_without:
        # Proceeding is decided today, on what was received (8 CCR 9792.10.6(b)(2)).
        form = RecordsCompleteForm({"complete-on": timezone.localdate()}, prefix="complete")
    if form.is_valid():
        try:
            case = eligibility.case_records_complete(
                case=case,
                actor=request.user,
                on=form.cleaned_data["on"],
                proceed_without=proceed_without,
            )
        except ValidationError as error:
            form.refusal_add(error)
        else:
            what = "Proceeding without complete records" if proceed_without else "Records complete"
            message = (
                f"{what}. The determination is due {case.clock.determination_due_on:%m/%d/%Y}."
            )
            return _action_done(request, case.case_number, message, panel="workflow")
    return _action_refused(request, case, panel="workflow", complete_form=form)


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_terminate(request, case_number: str):
    case = case_get_for(request.user, case_number)
    form = TerminateForm(request.POST, prefix="terminate")
    if form.is_valid():
        try:
            case = lifecycle.case_terminate(
                case=case,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            message = f"{case.case_number} is terminated."
            return _action_done(request, case.case_number, message, panel="workflow")
    return _action_refused(request, case, panel="workflow", terminate_form=form)


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_remand(request, case_number: str):
    case = case_get_for(request.user, case_number)
    form = RemandForm(request.POST, prefix="remand")
    if form.is_valid():
        try:
            note = form.cleaned_data["note"]
            case = lifecycle.case_remand(case=case, actor=request.user, note=note)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            message = f"{case.case_number} is remanded: review round {case.round} starts."
            return _action_done(request, case.case_number, message, panel="workflow")
    return _action_refused(request, case, panel="workflow", remand_form=form)


@access_required(Ability.MANAGE_CASES)
@require_POST
def case_party_service(request, case_number: str, role: str):
    """Change how a party is served (e-mail, address, method, consent)."""
    case = case_get_for(request.user, case_number)
    form = PartyServiceForm(request.POST, prefix=f"service-{role}")
    if form.is_valid():
        try:
            changes = lifecycle.party_service_set(
                case=case, role=role, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            message = "Service details saved." if changes else "Nothing changed."
            # From QA: postal mail with no address was saved without a word; the panel's
            # callout said it, out of view. The confirmation says it too.
            case = case_get_for(request.user, case_number)
            contact = next((c for c in case_service_contacts(case) if c.role == role), None)
            level = messages.SUCCESS
            if contact is not None and contact.problem:
                message += f" {contact.name} cannot be served as things stand: {contact.problem}."
                level = messages.WARNING
            # The focus goes back to the party just saved, not to the page's start (from QA:
            # the next Tab skipped the parties between).
            return _action_done(
                request,
                case.case_number,
                message,
                panel="parties",
                level=level,
                shown={"saved_role": role},
            )
    return _action_refused(request, case, panel="parties", **{f"service_form_{role}": form})
