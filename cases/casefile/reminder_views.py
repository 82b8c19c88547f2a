"""The page of a case administrator's reminders from the case list (cases.reminders.runs):
their progress while a task sends them, then what became of each case."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods, require_POST

from accounts.responses import page_or_fragment
from cases.access import Ability, access_required
from cases.casefile.list_views import case_list_url
from cases.formatting import cases_counted, first_and_more
from cases.reminders.models import ReminderRun
from cases.reminders.runs import (
    NOT_REMINDED,
    not_reminded,
    reminder_run_resume,
    reminder_run_stuck,
)
from cases.reminders.selectors import reminder_run_get_for
from cases.reminders.services import Reminded


@access_required(Ability.MANAGE_CASES)
@require_http_methods(["GET"])
def reminder_run(request, reminder_run_id: int):
    """One run of reminders: its progress while it is sent (htmx polls the panel), then its
    report. The administrator's own only."""
    run = reminder_run_get_for(request.user, reminder_run_id)
    context = {
        "run": run,
        "stuck": reminder_run_stuck(run),
        "case_list_url": case_list_url(run.query),
        "report": run_report(run) if not run.working else "",
        # Cases not reminded for a fault, which "Send again" sends (none while it works).
        "not_reminded": len(not_reminded(run)) if not run.working else 0,
    }
    return page_or_fragment(request, "cases/reminder_run.html", "progress", context)


@access_required(Ability.MANAGE_CASES)
@require_POST
def reminder_run_resume_view(request, reminder_run_id: int):
    run = reminder_run_get_for(request.user, reminder_run_id)
    try:
        reminder_run_resume(run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, "The reminders are sent on from where they stopped.")
    return redirect("casefile:reminder_run", reminder_run_id=run.pk)


def run_report(run: ReminderRun) -> SafeString:
    """What the run's cases came to, each outcome's cases named (_reminders_report)."""
    named: dict[Reminded, list[str]] = {outcome: [] for outcome in Reminded}
    missing = run.refused
    for number, outcome in run.outcomes.items():
        if outcome == Reminded.NOT_FOUND:
            missing += 1
        else:
            named[Reminded(outcome)].append(number)
    return _reminders_report(named, refused=missing, pending=run.total - run.done)


# The cases the reminders report names of each outcome; past this many, "and 3 more".
CASES_NAMED = 10


def _cases_linked(numbers: Sequence[str], url_name: str) -> SafeString:
    """The first cases, each linked to its page of `url_name`, "and 3 more" past them."""
    shown, more = first_and_more(sorted(numbers), CASES_NAMED)
    named = format_html_join(
        ", ", '<a href="{}">{}</a>', ((reverse(url_name, args=[n]), n) for n in shown)
    )
    return format_html("{} and {} more", named, more) if more else named


# What the report says of each outcome's cases but those sent, in this order: the sentence
# ({cases}: "3 cases"; {named}: the first ten, each linked to its page of `url_name`), its
# words for one case and for more, and the page.
_SAID = {
    Reminded.MAIL_FAILED: (
        "the mail server refused the e-mail for {cases} ({named})",
        {},
        "casefile:case_detail",
    ),
    Reminded.ERROR: (
        "{cases} ({named}) could not be reminded (a fault, logged for support)",
        {},
        "casefile:case_detail",
    ),
    Reminded.NO_REVIEWER: (
        "{cases} ({named}) {has} no reviewer to remind (none assigned, or the determination is "
        "submitted)",
        {"has": ("has", "have")},
        "casefile:case_detail",
    ),
    # Each to reassign on its Assign page.
    Reminded.LOGIN_DEACTIVATED: (
        "{cases} ({named}) {held} deactivated: reassign {each} on its Assign page",
        {
            "held": (
                "is held by a reviewer whose login is",
                "are held by reviewers whose logins are",
            ),
            "each": ("it", "each"),
        },
        "assignment:case_assign",
    ),
    Reminded.CLOSED: (
        "{cases} ({named}) {are} closed (issued, terminated or ineligible): nothing to remind of",
        {"are": ("is", "are")},
        "casefile:case_detail",
    ),
    Reminded.ALREADY: (
        "{cases} ({named}) already reminded for this due date",
        {},
        "casefile:case_detail",
    ),
}


def _reminders_report(
    named: dict[Reminded, list[str]], *, refused: int, pending: int = 0
) -> SafeString:
    """ "Reminders sent for 3 cases (…); 1 case (…) has no reviewer to remind." None sent: "No
    reminder was due: 1 case already reminded for this due date." (from QA: "Reminders sent for
    0 cases"). The cases are named, each linked to its page (from QA: which was not said); those
    to reassign to their Assign page."""
    outcomes = {outcome: len(numbers) for outcome, numbers in named.items()}
    if outcomes[Reminded.SENT]:
        parts = [
            format_html(
                "Reminders sent for {} ({})",
                cases_counted(outcomes[Reminded.SENT]),
                _cases_linked(named[Reminded.SENT], "casefile:case_detail"),
            )
        ]
    else:
        # "Due" only when every case looked at had nothing due: cases not found or not the
        # user's were not looked at, and one the mail server refused was due.
        looked_at = any(outcomes[outcome] for outcome in Reminded if outcome != Reminded.SENT)
        failed = any(outcomes[outcome] for outcome in NOT_REMINDED)
        due = looked_at and not failed and not pending
        parts = ["No reminder was due" if due else "No reminder was sent"]
    for outcome, (sentence, words, url_name) in _SAID.items():
        count = outcomes[outcome]
        if count:
            one = count == 1
            parts.append(
                format_html(
                    sentence,
                    cases=cases_counted(count),
                    named=_cases_linked(named[outcome], url_name),
                    **{name: forms[0] if one else forms[1] for name, forms in words.items()},
                )
            )
    if refused:
        parts.append(f"{cases_counted(refused)} not found or not yours to act on")
    if pending:
        # A run that stopped: what it did not come to (from QA: its report read as the whole).
        parts.append(f"{cases_counted(pending)} not yet reached")
    if outcomes[Reminded.SENT] or len(parts) == 1:
        return format_html("{}.", _joined(parts))
    # None sent: what follows says why.
    return format_html("{}: {}.", parts[0], _joined(parts[1:]))


def _joined(parts: Sequence[str]) -> SafeString:
    """The report's parts, each escaped unless it is already HTML (the links to reassign)."""
    return format_html_join("; ", "{}", ((part,) for part in parts))
