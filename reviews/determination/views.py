"""The reviewer's pages: the queue of their cases and the case workspace, the guided determination
of SPEC section 5, step by step."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.responses import redirect_after_post, wants_fragment
from cases.access import Ability, access_required, own_get_for
from cases.formatting import us_time
from cases.lifecycle.history import case_last_event
from cases.lifecycle.models import CitationKind, Outcome
from reviews.assignment.models import CONFLICT_ATTESTATION, Assignment, AssignmentStatus
from reviews.determination import selectors, services
from reviews.determination.citations import CLAIMS_ADMINISTRATOR, EXPERT_REVIEWER, citation_render
from reviews.determination.drafting import (
    age_at_injury,
    draft_item_key,
    opening_sentence,
    summary_prompts,
)
from reviews.determination.forms import (
    AcceptForm,
    DeclineForm,
    SubmitForm,
    draft_post_parse,
    posted_version,
)
from reviews.determination.models import DeterminationStatus, GuidelineSource, QualityOutcome
from reviews.determination.selectors import (
    assignment_ended_for,
    case_records_for,
    item_comments_latest,
    outcome_label,
    resume_step,
    workspace_for,
)
from reviews.determination.services import (
    ITEM_FIELDS,
    DraftConflict,
    assignment_accept,
    assignment_decline,
    determination_autosave,
    determination_draft_get_or_create,
    determination_problems,
    determination_warnings_confirm,
)
from reviews.determination.status_table import (
    DeterminationAction,
    Stage,
    determination_actions,
)
from reviews.determination.warnings import review_warnings
from reviews.organization.services import organization_current


@access_required(Ability.REVIEW)
@require_GET
def reviewer_dashboard(request):
    """The reviewer's own cases (nobody else's), what is due first, with days left and where
    each stands; new assignments wait for an answer at the top. The finished history is read
    when asked for: htmx fetches its panel when the reviewer opens it, its link shows the
    page with it (issue 12)."""
    finished_page = request.GET.get("finished")
    if finished_page is not None and wants_fragment(request):
        return TemplateResponse(
            request,
            "reviews/dashboard.html#finished",
            {
                "finished": selectors.reviewer_finished(request.user, page=finished_page),
                "fragment": True,
            },
        )
    dashboard = selectors.reviewer_dashboard(
        request.user, open_page=request.GET.get("open"), finished_page=finished_page
    )
    return TemplateResponse(
        request,
        "reviews/dashboard.html",
        {
            "Stage": Stage,
            "attestation": CONFLICT_ATTESTATION,
            "waiting": dashboard.waiting,
            "waiting_more": dashboard.waiting_more,
            "open_rows": dashboard.open_page.object_list,
            "open_page": dashboard.open_page,
            "finished": dashboard.finished,
            "counts": dashboard.counts,
        },
    )


STEPS = (
    (1, "Accept"),
    (2, "Case summary"),
    (3, "Decisions"),
    (4, "Review"),
    (5, "Preview"),
    (6, "Sign and submit"),
)
EVIDENCE_ORDER_NOTE = (
    "Evidence order (8 CCR 9792.21.1): MTUS first; other guidelines only where the MTUS is "
    "silent or its recommendation is outweighed."
)


# --- What the templates render ----------------------------------------------------------------


@dataclass
class DraftField:
    """One field of the draft as the form shows it: its name, the text in the box, and the
    server's text this window started from (sent back as `base:<key>`)."""

    key: str
    value: str
    base: str

    @property
    def base_name(self) -> str:
        return f"base:{self.key}"


@dataclass
class ItemRow:
    number: int
    decision: object
    fields: dict[str, DraftField]
    comments: list = field(default_factory=list)
    ur_prints_as: str = ""
    prints_as: str = ""
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    # Its rationale's conclusion, missing or contradicting the outcome, not yet confirmed.
    conclusion_warnings: list = field(default_factory=list)
    # A warning that cannot be confirmed stands (warnings.NEVER_PUBLISHED, unfinished).
    blocked: bool = False

    @property
    def item(self):
        return self.decision.item


@dataclass
class ShownWarning:
    """A soft warning with whether the reviewer has confirmed it (for this text)."""

    warning: object
    confirmed: bool

    def __getattr__(self, name):
        return getattr(self.warning, name)


def _draft_fields(determination, *, values=None, bases=None):
    """The summary field and one row per item, from the server's text unless `values`
    (what this window typed) and `bases` override it (after a conflict)."""
    values, bases = values or {}, bases or {}

    def make(key, server):
        return DraftField(key, values.get(key, server), bases.get(key, server))

    summary = make("summary", determination.clinical_summary)
    rows = []
    for number, decision in enumerate(determination.decisions.all(), start=1):
        fields = {}
        for name in ITEM_FIELDS:
            server = (
                str(decision.guideline_id or "") if name == "guideline" else getattr(decision, name)
            )
            fields[name] = make(draft_item_key(decision.pk, name), server)
        rows.append(ItemRow(number, decision, fields))
    return summary, rows


def _step_states(ws, problems, warnings_open, current: int) -> list[dict]:
    """Each step, done or not, and whether the bar ticks it: a step is ticked when done, except
    the one being worked on; once the determination is submitted every step is done and ticked,
    the one shown too (nothing is being worked on any more)."""
    determination = ws.determination
    submitted = bool(
        determination and DeterminationAction.EDIT not in determination_actions(determination)
    )
    # Not ticked while a text in it cannot be signed as it is (a rationale ending mid-sentence,
    # a social security number): "done" beside "cannot be signed" misled (from QA).
    blocking = [warning for warning in warnings_open if not warning.confirmable]
    summary_done = not any(found.step == 2 for found in [*problems, *blocking])
    items_done = not any(found.step == 3 for found in [*problems, *blocking])
    done = {
        1: ws.accepted,
        2: ws.accepted and (submitted or summary_done),
        3: ws.accepted and (submitted or items_done),
        4: ws.accepted and (submitted or (not problems and not warnings_open)),
        5: submitted,
        6: submitted,
    }
    return [
        {
            "number": number,
            "label": label,
            "done": done[number],
            "ticked": done[number] and (submitted or number != current),
            "open": number == 1 or ws.accepted,
        }
        for number, label in STEPS
    ]


def _workspace_context(request, ws, step: int, **extra) -> dict:
    determination = ws.determination
    context = {
        "ws": ws,
        "case": ws.case,
        "clock": ws.case.clock,
        "assignment": ws.assignment,
        "determination": determination,
        "DeterminationStatus": DeterminationStatus,
        "step": step,
        "step_label": dict(STEPS)[step],
        "step_template": f"reviews/workspace/step{step}.html",
        "age_at_injury": age_at_injury(ws.case),
        "records": case_records_for(request.user, ws.case),
        "editable": ws.editable,
        "evidence_order_note": EVIDENCE_ORDER_NOTE,
        "storage_prefix": f"imr-draft:{request.user.pk}:{ws.case.case_number}:{ws.case.round}:",
    }
    problems, warnings, warnings_open = [], [], []
    # The fields a save just refused (too long, say), with why: beside them, "Still needed"
    # says what the draft on file lacks, not what the box holds (from QA: "Write the
    # rationale" under a full box).
    not_saved = dict(extra.pop("refused", ()))
    context["summary_not_saved"] = not_saved.get("summary", "")
    if determination is not None:
        problems = determination_problems(determination)
        confirmed = set(determination.warnings_confirmed)
        # What may never be confirmed is never shown confirmed (a tick kept from before).
        warnings = [
            ShownWarning(warning, warning.confirmed_in(confirmed))
            for warning in review_warnings(determination)
        ]
        warnings_open = [warning for warning in warnings if not warning.confirmed]
        summary, rows = _draft_fields(
            determination, values=extra.pop("values", None), bases=extra.pop("bases", None)
        )
        comments = item_comments_latest(determination)
        for row in rows:
            decision = row.decision
            row.ur_prints_as = citation_render(
                decision.item.ur_citation_kind,
                decision.item.ur_citation_text,
                by=CLAIMS_ADMINISTRATOR,
            )
            if decision.citation_kind:
                row.prints_as = citation_render(
                    decision.citation_kind, decision.citation_text, by=EXPERT_REVIEWER
                )
            row.comments = comments.get(row.decision.pk, [])
            prefix = f"item-{row.decision.pk}-"
            row.not_saved = " ".join(
                why for key, why in not_saved.items() if key.startswith(prefix) and why
            )
            row.problems = [p for p in problems if p.item_id == row.decision.pk]
            row.warnings = [w for w in warnings if w.item_id == row.decision.pk]
            row.conclusion_warnings = [
                w for w in row.warnings if w.is_about_conclusion and not w.confirmed
            ]
            # Not "✓ Decided" beside a text that cannot be signed as it is (from QA).
            row.blocked = any(not w.confirmable for w in row.warnings)
        rounds = list(determination.quality_reviews.all())
        context.update(
            {
                "summary": summary,
                "rows": rows,
                "version": determination.version,
                "problems": problems,
                # Said on the summary's own step too, not only on the review step (from QA).
                "summary_problems": [problem for problem in problems if problem.step == 2],
                "warnings": warnings,
                "warnings_open": warnings_open,
                "warnings_blocking": [w for w in warnings_open if not w.confirmable],
                "warnings_to_tick": [w for w in warnings_open if w.confirmable],
                "summary_warnings": [w for w in warnings if w.item_id is None],
                "quality_rounds": rounds,
                "last_return": next(
                    (r for r in reversed(rounds) if r.outcome == QualityOutcome.RETURNED), None
                ),
                "outcome": determination.outcome,
                "outcome_label": outcome_label(determination.outcome),
            }
        )
        if step == 2:
            opening = opening_sentence(ws.case)
            context["opening"] = opening
            context["opening_missing"] = opening not in determination.clinical_summary
            context["prompts"] = summary_prompts(ws.case, determination.clinical_summary)
        if step == 3:
            context["org_short_name"] = organization_current().short_name
            context["catalog"] = list(GuidelineSource.objects.filter(active=True))
            context["outcomes"] = Outcome.choices
            context["citation_kinds"] = CitationKind.choices
    context["steps"] = _step_states(ws, problems, warnings_open, step)
    context.update(extra)
    return context


def _workspace(request, case_number):
    ws = workspace_for(request.user, case_number)
    if (
        ws.accepted
        and ws.determination is None
        and ws.assignment.status == AssignmentStatus.ACCEPTED
    ):
        # Cases accepted before drafts were made on acceptance get theirs on first visit.
        determination_draft_get_or_create(case=ws.case, reviewer=request.user)
        ws = workspace_for(request.user, case_number)
    return ws


def _render_step(request, ws, step, *, status=200, **extra):
    """A step's whole page. Step 3's shows, beside each item, how the most similar prior items
    were decided (issue 13): one ranking statement per item, a few ms each at 1,000,000
    decisions (bench/README.md); never for the fragments that answer an autosave."""
    context = _workspace_context(request, ws, step, **extra)
    # The newest event the page drew: its poll tells of what others did since (a record added
    # while the reviewer writes: from QA, only the case page said so). One query.
    context["drawn_event"] = case_last_event(ws.case)
    if step == 3 and ws.editable and settings.IMR_SIMILAR_PANELS:
        rows = context["rows"]
        panels = selectors.similar_panels_for(ws.case, [row.decision for row in rows])
        for row, panel in zip(rows, panels, strict=True):
            row.similar = panel
        context["similar_shown"] = True
    return TemplateResponse(request, "reviews/workspace/page.html", context, status=status)


def _step_url(case_number, step) -> str:
    return reverse("determination:workspace_step", args=[case_number, step])


def _answered_when_no_longer_yours(view):
    """A page opened before the case stopped being the reviewer's (they declined it in another
    tab, or an administrator took it back) gets, for any button or link on it, their cases and
    a sentence saying so, not "Page not found". A case never theirs is still a 404 (SPEC
    section 1). The autosave is not wrapped: its script tells the 404 itself."""

    @functools.wraps(view)
    def answered(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            ended = assignment_ended_for(
                request.user,
                case_number=kwargs.get("case_number"),
                assignment_id=kwargs.get("assignment_id"),
            )
            if ended is None:
                raise
        when = timezone.localtime(ended.ended_at or ended.responded_at or ended.assigned_at)
        if ended.status == AssignmentStatus.DECLINED:
            text = f"You declined {ended.case.case_number} on {when:%m/%d/%Y}"
        else:
            text = f"{ended.case.case_number} was taken back from you on {when:%m/%d/%Y}"
        # A link followed (an old notification, a bookmark) did nothing to say was not done.
        outcome = "nothing was done" if request.method == "POST" else "here are your cases"
        messages.warning(request, f"{text}; it is no longer yours, so {outcome}.")
        return redirect_after_post(request, reverse("determination:reviewer_dashboard"))

    return answered


# --- Pages --------------------------------------------------------------------------------------


@access_required(Ability.REVIEW)
@_answered_when_no_longer_yours
@require_GET
def workspace(request, case_number):
    """The workspace opens where the work is: acceptance, the first unfinished step, where a
    determination returned by quality review is to be revised (selectors.resume_step), or the
    submitted determination."""
    ws = _workspace(request, case_number)
    if not ws.accepted:
        return redirect(_step_url(case_number, 1))
    if not ws.editable:
        return redirect(_step_url(case_number, 6))
    problems = determination_problems(ws.determination)
    step = min(problem.step for problem in problems) if problems else resume_step(ws.determination)
    return redirect(_step_url(case_number, step))


@access_required(Ability.REVIEW)
@_answered_when_no_longer_yours
@require_GET
@never_cache
def workspace_step(request, case_number, step: int):
    if step not in dict(STEPS):
        raise Http404("No such step.")
    ws = _workspace(request, case_number)
    if step > 1 and not ws.accepted:
        messages.info(request, "Accept the case (or decline it) first.")
        return redirect(_step_url(case_number, 1))
    context = {}
    if step == 1 and not ws.accepted:
        context = {"accept_form": AcceptForm(), "decline_form": DeclineForm()}
    if step == 6 and ws.editable:
        context = {"submit_form": SubmitForm()}
    return _render_step(request, ws, step, **context)


@access_required(Ability.REVIEW)
@_answered_when_no_longer_yours
@require_POST
def workspace_accept(request, case_number):
    ws = workspace_for(request.user, case_number)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            assignment_accept(assignment=ws.assignment, actor=request.user, attest_no_conflict=True)
        except ValidationError as error:
            if workspace_for(request.user, case_number).accepted:
                # Accepted already (a second tab, a double click): nothing to ask again.
                messages.info(request, f"You have already accepted {ws.case.case_number}.")
                return redirect("determination:workspace", case_number)
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"You accepted {ws.case.case_number}. Start with the case summary.",
                extra_tags="focus",  # told on the page it leads to (from QA)
            )
            return redirect(_step_url(case_number, 2))
    return _render_step(request, ws, 1, status=400, accept_form=form, decline_form=DeclineForm())


@access_required(Ability.REVIEW)
@_answered_when_no_longer_yours
@require_POST
def workspace_decline(request, case_number):
    ws = workspace_for(request.user, case_number)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            assignment_decline(
                assignment=ws.assignment,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                conflict=form.cleaned_data["conflict"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"You declined {ws.case.case_number}; it goes back to the queue.",
                extra_tags="focus",  # told on the page it leads to (from QA)
            )
            return redirect("determination:reviewer_dashboard")
    return _render_step(request, ws, 1, status=400, accept_form=AcceptForm(), decline_form=form)


# --- Autosave -----------------------------------------------------------------------------------


def _saved_at_text() -> str:
    return us_time(timezone.now())


@access_required(Ability.REVIEW)
@require_POST
def draft_save(request, case_number):
    """Autosave (htmx, as the reviewer types) and the plain Save button (without JavaScript):
    one endpoint, one service. A conflict with another window never overwrites anything."""
    ws = workspace_for(request.user, case_number)
    if ws.determination is None:
        raise Http404("No draft for this case.")
    step = request.POST.get("step", "2")
    step = int(step) if step in ("2", "3") else 2
    version, changes, bases = draft_post_parse(request.POST)
    fragment = "reviews/workspace/partials/autosave.html"
    try:
        result = determination_autosave(
            determination=ws.determination,
            actor=request.user,
            version=version,
            changes=changes,
            bases=bases,
        )
    except DraftConflict as conflict:
        if request.htmx:
            return TemplateResponse(
                request, fragment, {"conflict": conflict, "version": conflict.version}
            )
        # The page comes back with this window's text in the boxes and the server's text as
        # their base: saving again keeps this window's text, on purpose this time.
        ws = workspace_for(request.user, case_number)
        server_bases = {c.key: c.server_value for c in conflict.conflicts}
        return _render_step(
            request,
            ws,
            step,
            status=409,
            values=changes,
            bases={**bases, **server_bases},
            conflict=conflict,
        )
    except ValidationError as error:
        if request.htmx:
            return TemplateResponse(
                request,
                fragment,
                {"error": " ".join(error.messages), "read_only": error.code == "read_only"},
            )
        messages.error(request, " ".join(error.messages))
        return redirect(_step_url(case_number, step))
    if request.htmx:
        ws = workspace_for(request.user, case_number)
        context = _workspace_context(
            request,
            ws,
            step,
            result=result,
            refused=result.refused,
            saved_at=_saved_at_text(),
        )
        context["version"] = result.version
        return TemplateResponse(request, fragment, context)
    if request.POST.get("beacon"):
        # Sent by a closing tab: nobody reads the answer.
        return HttpResponse(status=204)
    if result.refused:
        # The rest is saved; the fields refused come back as typed, with why, to be corrected.
        messages.error(request, f"Not saved: {result.refused_said}")
        typed = {key: changes[key] for key, _why in result.refused}
        return _render_step(
            request,
            workspace_for(request.user, case_number),
            step,
            status=400,
            values=typed,
            # The save bar says so too (from QA: it said "Your text is saved as you type").
            refused_said=result.refused_said,
            refused=result.refused,
        )
    if result.changed:
        messages.success(request, "Saved.")
    if request.POST.get("then") == "next":
        return redirect(_step_url(case_number, step + 1))
    return redirect(_step_url(case_number, step))


@access_required(Ability.SEARCH_GUIDELINES)
@require_GET
def guideline_search(request):
    """The catalog, searched: matching entries grouped by family in the evidence order."""
    query = request.GET.get("q", "")[:100]
    decision = request.GET.get("item", "")
    results = selectors.guideline_search(query)
    return TemplateResponse(
        request,
        "reviews/workspace/partials/guideline_results.html",
        {
            "ur_item": selectors.ur_citation_matching(request.user, decision, query),
            "groups": results.groups,
            "partial": results.partial,
            "read_as": results.read_as,
            "mtus_parts": results.mtus_parts,
            "query": query,
            "decision_id": decision if decision.isascii() and decision.isdigit() else "",
            "evidence_order_note": EVIDENCE_ORDER_NOTE,
        },
    )


# --- Review, preview, submit --------------------------------------------------------------------


@access_required(Ability.REVIEW)
@_answered_when_no_longer_yours
@require_POST
def warnings_confirm(request, case_number):
    ws = workspace_for(request.user, case_number)
    if ws.determination is None:
        raise Http404("No draft for this case.")
    try:
        determination_warnings_confirm(
            determination=ws.determination,
            actor=request.user,
            keys=request.POST.getlist("confirm"),
            toggled=request.POST.get("toggled", "")[:200] or None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if request.htmx:
        return _warnings_response(request, case_number)
    return redirect(_step_url(case_number, 4))


def _warnings_response(request, case_number, **extra):
    """The review step's warnings (htmx: the list and the step bar), else step 4 again."""
    ws = workspace_for(request.user, case_number)
    context = _workspace_context(request, ws, 4, **extra)
    response = TemplateResponse(
        request, "reviews/workspace/step4.html#review-warnings", context
    ).render()
    # The step bar shows the review step done once every warning is confirmed, and "Before
    # you sign" no longer counts it.
    for part in (
        "reviews/workspace/partials/stepbar.html",
        "reviews/workspace/step4.html#before-sign",
    ):
        response.content += render_to_string(
            part, {**context, "oob": True}, request=request
        ).encode()
    return response


@access_required(Ability.REVIEW)
@_answered_when_no_longer_yours
@require_POST
def warning_replace(request, case_number):
    """One click: a name or identifier the review step found is replaced by its neutral words
    in that text (every place it occurs there), through the draft's autosave."""
    ws = workspace_for(request.user, case_number)
    if ws.determination is None:
        raise Http404("No draft for this case.")
    error = ""
    try:
        result = services.determination_warning_replace(
            determination=ws.determination,
            actor=request.user,
            key=request.POST.get("warning", "")[:200],
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.htmx:
        done = "" if error or not result.changed else "Replaced. The draft is saved."
        return _warnings_response(request, case_number, replace_error=error, replaced=done)
    if error:
        messages.error(request, error)
    elif result.changed:
        messages.success(request, "Replaced. The draft is saved.")
    return redirect(_step_url(case_number, 4))


@access_required(Ability.REVIEW)
@_answered_when_no_longer_yours
@require_POST
def determination_submit(request, case_number):
    ws = workspace_for(request.user, case_number)
    if ws.determination is None:
        raise Http404("No draft for this case.")
    form = SubmitForm(request.POST, request=request)
    if form.is_valid():
        try:
            services.determination_submit(
                determination=ws.determination,
                actor=request.user,
                password=form.cleaned_data["password"],
                confirmed_warnings=request.POST.getlist("confirm"),
                seen_version=posted_version(request.POST),
            )
        except ValidationError as error:
            # An incomplete draft raises a list of problems, which has no single code.
            codes = {getattr(item, "code", None) for item in error.error_list}
            if "read_only" in codes:
                # Submitted already (a double click, a second tab), or the case closed meanwhile:
                # the sign step has no form to carry it, so it is said above the page.
                messages.info(request, " ".join(error.messages) + " Nothing more was done.")
                return redirect(_step_url(case_number, 6))
            if "password" in codes:
                form.add_error("password", error)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{ws.case.case_number}: your determination is signed and submitted for quality "
                "review.",
                extra_tags="focus",  # told on the page it leads to (from QA)
            )
            return redirect(_step_url(case_number, 6))
    ws = workspace_for(request.user, case_number)
    if reason := services.determination_read_only_reason(ws.determination, request.user):
        # The form was refused (a password mistyped) on a page that can no longer sign.
        messages.info(request, reason + " Nothing more was done.")
        return redirect(_step_url(case_number, 6))
    return _render_step(request, ws, 6, status=400, submit_form=form)


# --- The dashboard's accept and decline buttons ---


def _own_assignment(request, assignment_id) -> Assignment:
    return own_get_for(request.user, Assignment.objects.select_related("case"), pk=assignment_id)


@access_required(Ability.REVIEW)
@_answered_when_no_longer_yours
@require_POST
def assignment_accept_view(request, assignment_id):
    assignment = _own_assignment(request, assignment_id)
    try:
        assignment_accept(
            assignment=assignment,
            actor=request.user,
            attest_no_conflict=request.POST.get("attest") == "on",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect_after_post(request, reverse("determination:reviewer_dashboard"))
    # Accepting starts the review: on to the case summary, as the workspace's own Accept does
    # (from QA: it came back to the list, where the case was to be found again).
    number = assignment.case.case_number
    messages.success(
        request, f"You accepted {number}. Start with the case summary.", extra_tags="focus"
    )
    return redirect_after_post(request, _step_url(number, 2))


@access_required(Ability.REVIEW)
@_answered_when_no_longer_yours
@require_POST
def assignment_decline_view(request, assignment_id):
    assignment = _own_assignment(request, assignment_id)
    try:
        assignment_decline(
            assignment=assignment,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            conflict=request.POST.get("conflict") == "on",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"You declined {assignment.case.case_number}; it goes back to the queue.",
            extra_tags="focus",  # told on the page it leads to (from QA)
        )
    return redirect_after_post(request, reverse("determination:reviewer_dashboard"))
