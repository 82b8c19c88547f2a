"""Who may see and do what: the one access policy. Views (through `access_required`), the API,
template tags, templates (through the `may` context) and commands ask it; nothing else decides.

Three questions, answered here only:
- what a role may do (`POLICY`, asked with `may(user, ability)`);
- which cases a user may see (`cases_visible_to`); an object outside that scope is a 404, the
  same answer as for one that does not exist (Zulip's `access_stream_by_id`), so no one can
  probe for case numbers;
- whose names a user may read in a case's history (`history_audience`): the reviewer's
  identity is confidential (Lab. Code 4610.6(f)), so the parties never learn it and each
  round's reviewer never learns another round's.
A reviewer's scope is the cases assigned to them; the reviewer side owns assignments, so it
registers that rule (cases.registry), and it is applied here."""

from __future__ import annotations

import enum
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role

# The answer to an ended session is accounts' (the second-factor step gives it too); views ask here.
from accounts.responses import SESSION_ENDED, session_ended  # noqa: F401
from accounts.second_factor import second_factor_missing
from cases.lifecycle.history import (
    Audience,
    ChangesSince,
    HistoryEntry,
    case_changes_since,
    case_history,
)
from cases.lifecycle.models import Case
from cases.registry import reviewer_side


class Ability(enum.StrEnum):
    SEE_CASES = "see_cases"  # the case list, case pages, records and letters, within scope
    MANAGE_API_TOKENS = "manage_api_tokens"  # API clients' tokens: create, list, revoke
    MANAGE_CASES = "manage_cases"  # intake, eligibility, records, assignment, letters, tables
    REVIEW = "review"  # a reviewer's queue, workspace and determination
    QUALITY_REVIEW = "quality_review"  # the quality queue: approve or return
    SEARCH_GUIDELINES = "search_guidelines"  # the guideline catalog
    EDIT_ORGANIZATION = "edit_organization"  # the organization's name, address, letter text
    SUBMIT_APPLICATIONS = "submit_applications"  # the API's writes: applications and records
    KNOW_REVIEWERS = "know_reviewers"  # every reviewer's name (Lab. Code 4610.6(f): not parties)
    KNOW_STAFF = "know_staff"  # the IRO's staff by name (parties see their role only)
    SEARCH_AUDIT_LOG = "search_audit_log"  # the audit log: search and CSV export
    SEE_CASE_READERS = "see_case_readers"  # the case page's "Who read this case"
    SEE_INTEGRITY = "see_integrity"  # the stored files' integrity findings (/integrity/)
    SEE_DASHBOARD = "see_dashboard"  # the operations dashboard and the monthly report
    SEARCH_PRECEDENTS = "search_precedents"  # the precedent library: decisions' public text
    SHARE_VIEWS = "share_views"  # a saved view of the case list shared with one's role


_MANAGERS = frozenset({Role.CASE_ADMIN, Role.SYSTEM_ADMIN})
POLICY: dict[Ability, frozenset[str]] = {
    Ability.SEE_CASES: frozenset(Role.values),
    Ability.MANAGE_CASES: _MANAGERS,
    Ability.REVIEW: frozenset({Role.REVIEWER}),
    Ability.QUALITY_REVIEW: frozenset({Role.QUALITY_REVIEWER}),
    Ability.SEARCH_GUIDELINES: frozenset({Role.REVIEWER, Role.QUALITY_REVIEWER}),
    Ability.EDIT_ORGANIZATION: frozenset({Role.SYSTEM_ADMIN}),
    Ability.MANAGE_API_TOKENS: frozenset({Role.SYSTEM_ADMIN}),
    Ability.SUBMIT_APPLICATIONS: _MANAGERS | {Role.API_CLIENT},
    # Lab. Code 4610.6(f): the reviewer's identity is kept from the parties; a reviewer knows
    # only themselves, so the reviewers of two rounds of a remanded case never meet.
    Ability.KNOW_REVIEWERS: _MANAGERS | {Role.QUALITY_REVIEWER},
    Ability.KNOW_STAFF: _MANAGERS | {Role.QUALITY_REVIEWER, Role.REVIEWER},
    # 45 CFR 164.312(b): the audit log is reviewed by the system administrator.
    Ability.SEARCH_AUDIT_LOG: frozenset({Role.SYSTEM_ADMIN}),
    # Who read a case names its readers, reviewers among them (Lab. Code 4610.6(f) keeps the
    # reviewer's identity confidential): the IRO's own staff only, not reviewers or API clients.
    Ability.SEE_CASE_READERS: _MANAGERS | {Role.QUALITY_REVIEWER},
    Ability.SEE_INTEGRITY: frozenset({Role.SYSTEM_ADMIN}),
    # The operation's numbers: the managers run it, the medical director (the quality
    # reviewer) reads them; they name reviewers (load) but no case or party, except a
    # reviewer's open cases (case numbers and workers, audited). The same roles as
    # KNOW_REVIEWERS and SEE_CASE_READERS: each sees every case (cases_visible_to).
    Ability.SEE_DASHBOARD: _MANAGERS | {Role.QUALITY_REVIEWER},
    # The public text of every decision (no names, no claim numbers): every staff role; the
    # link to a case follows cases_visible_to.
    Ability.SEARCH_PRECEDENTS: frozenset(Role.values) - {Role.API_CLIENT},
    # A shared view names its owner and shows their filters (a worker's name searched) to the
    # others of their role: not among reviewers, who may not know each other (Lab. Code
    # 4610.6(f), as KNOW_REVIEWERS) nor each other's cases.
    Ability.SHARE_VIEWS: _MANAGERS | {Role.QUALITY_REVIEWER},
}


def may(user, ability: Ability) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.role in POLICY[ability]
    )


def roles_allowed(ability: Ability) -> str:
    """Who may, in words: "case administrators, system administrators and API clients"."""
    labels = [Role(role).label for role in Role.values if role in POLICY[ability]]
    # In a sentence: "case administrators", but "API clients" keeps its capitals.
    names = [
        f"{label if label[:2].isupper() else label[0].lower() + label[1:]}s" for label in labels
    ]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def access_required(ability: Ability = Ability.SEE_CASES):
    """The view guard: signed in (else `session_ended`) and allowed `ability` (else 403)."""

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return session_ended(request)
            if not may(request.user, ability):
                # Said on the refusal page: whom the page is for (from QA: it described every
                # role but the one that may).
                raise PermissionDenied(f"This is for {roles_allowed(ability)}.")
            return view(request, *args, **kwargs)

        return guarded

    return decorator


def abilities(request) -> dict:
    """Template context: `signed_in`, the user gave every factor of the sign-in, and
    `may.<ability>` for them (navigation, action forms). Between the password and the code the
    user may nothing yet: no menu, whose every link would lead back to the code's page. An
    error page for a request refused before the authentication middleware ran (a bad Host
    header) has no user: it may nothing."""
    user = getattr(request, "user", None)
    signed_in = bool(
        user is not None
        and user.is_authenticated
        and hasattr(request, "session")
        and not second_factor_missing(request, user)
    )
    return {
        "signed_in": signed_in,
        "may": {ability.value: signed_in and may(user, ability) for ability in Ability},
    }


# --- Which cases ----------------------------------------------------------------------------


def cases_visible_to(user) -> QuerySet[Case]:
    """Every case a user may see. A reviewer sees only cases assigned to them (current or past
    rounds they took part in); API clients see the cases their system submitted."""
    if not may(user, Ability.SEE_CASES):
        return Case.objects.none()
    if user.role in (Role.CASE_ADMIN, Role.SYSTEM_ADMIN, Role.QUALITY_REVIEWER):
        return Case.objects.all()
    if user.role == Role.REVIEWER:
        return Case.objects.filter(reviewer_side().reviewer_case_scope(user)).distinct()
    if user.role == Role.API_CLIENT:
        return Case.objects.filter(created_by=user)
    return Case.objects.none()


def case_get_for(user, case_number: str) -> Case:
    """The case, or 404 when it does not exist or the user may not see it (no difference is
    shown, so a reviewer cannot probe for case numbers)."""
    case = (
        cases_visible_to(user)
        .filter(case_number=case_number)
        .prefetch_related("parties", "items")
        .first()
    )
    if case is None:
        raise Http404("No such case.")
    return case


def record_get_for(user, case: Case, record_id: int):
    """A record of a case the user may see, or 404. A withdrawn record (filed by mistake) opens
    for case administrators only: to everyone else it looks like one that does not exist."""
    record = case.records.filter(pk=record_id).first()
    if record is None or not cases_visible_to(user).filter(pk=case.pk).exists():
        raise Http404("No such record.")
    if record.withdrawn_at is not None and not may(user, Ability.MANAGE_CASES):
        raise Http404("No such record.")
    return record


def own_get_for(user, queryset: QuerySet, **lookup):
    """A reviewer's own object (their assignment, their draft) on a case they may see, or 404:
    another reviewer's looks the same as one that does not exist (SPEC section 1: a reviewer
    sees only what is assigned to them)."""
    found = queryset.filter(case__in=cases_visible_to(user), reviewer=user, **lookup).first()
    if found is None:
        raise Http404("No such case.")
    return found


def owned_get_for(
    user,
    queryset: QuerySet,
    *,
    owner_field: str = "owner",
    missing: str = "No such draft.",
    **lookup,
):
    """A user's own object that belongs to no case (an intake draft, a run of reminders), or
    404 (`missing`): another user's looks the same as one that does not exist."""
    found = (
        queryset.filter(**{owner_field: user}, **lookup).first() if user.is_authenticated else None
    )
    if found is None:
        raise Http404(missing)
    return found


# --- Whose names ----------------------------------------------------------------------------


def history_audience(user) -> Audience:
    """Whose names `user` may read in a case's history (Lab. Code 4610.6(f)): managers and
    quality reviewers every name; a reviewer the staff and themselves, never another reviewer;
    a party (an API client) nobody but themselves, each other person by role."""
    return Audience(
        username=getattr(user, "username", "") or "",
        email=getattr(user, "email", "") or "",
        knows_reviewers=may(user, Ability.KNOW_REVIEWERS),
        knows_staff=may(user, Ability.KNOW_STAFF),
    )


def case_history_for(user, case: Case) -> list[HistoryEntry]:
    """The case's history as `user` may read it (the case page's history panel)."""
    return case_history(case, history_audience(user))


def case_changes_for(user, case: Case, after_event: int) -> ChangesSince:
    """What others did to the case after the event `after_event`, as `user` may read it (the
    case page left open: casefile.views.case_changed)."""
    return case_changes_since(case, after_event, reader_id=user.pk, audience=history_audience(user))
