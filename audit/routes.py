"""What each URL of the site reads or changes, for the audit log: the one table the audit
middleware consults. Every named route is here, or in a namespace below, or explicitly not
medical information with the reason (tests/audit/test_routes.py walks the URLconf: a new URL
without a line here fails it; at run time an unknown route is still audited, as a page).

A GET (or HEAD) of an audited route is recorded as `read` (or the route's own read action:
a download, a search); any other method as `change`. A route whose reads show no medical
information but whose writes change settings has `read=None`: only its changes are recorded."""

from __future__ import annotations

from dataclasses import dataclass

from audit.models import AuditAction, AuditKind


@dataclass(frozen=True)
class Audited:
    kind: AuditKind
    read: AuditAction | None = AuditAction.READ
    # The URL argument that names the object read (a record's id, a letter's version).
    object_arg: str = ""
    # A URL argument that names the kind instead: its value -> kind (else `kind`).
    kind_arg: str = ""
    kinds: tuple[tuple[str, AuditKind], ...] = ()

    def kind_for(self, kwargs: dict) -> AuditKind:
        if not self.kind_arg:
            return self.kind
        return dict(self.kinds).get(kwargs.get(self.kind_arg), self.kind)


@dataclass(frozen=True)
class NotAudited:
    why: str


_CASE = Audited(AuditKind.CASE)
_WORKSPACE = Audited(AuditKind.WORKSPACE)
_QUALITY = Audited(AuditKind.QUALITY)
_INTAKE = Audited(AuditKind.INTAKE)
_SETTINGS = Audited(AuditKind.SETTINGS, read=None)
_API = Audited(AuditKind.API)
# A signed letter's download names which copy left: the parties' or the public one.
_LETTER_DOWNLOAD = Audited(
    AuditKind.LETTER,
    read=AuditAction.DOWNLOAD,
    object_arg="version",
    kind_arg="which",
    kinds=(("party", AuditKind.LETTER_PARTY), ("public", AuditKind.LETTER_PUBLIC)),
)

ROUTES: dict[str, Audited | NotAudited] = {
    # Sign-ins are recorded from Django's signals (audit.signals), with the username tried.
    "login": NotAudited("sign-in: recorded from Django's user_logged_in/user_login_failed"),
    "logout": NotAudited("sign-out: recorded from Django's user_logged_out"),
    "api-schema": NotAudited("the OpenAPI schema is generated from code and names no case"),
    # Operations: probes and counts, no case named (ops).
    "ops:health": NotAudited("the health probe: whether each part answers, no case"),
    "ops:live": NotAudited("the liveness probe: nothing read"),
    "ops:metrics": NotAudited("counts for Prometheus: totals by status and outcome, no case"),
    "ops:favicon": NotAudited("the browser's icon: a redirect to a static file"),
    # The operations dashboard and the monthly report: totals and reviewer loads, no case.
    "reports:dashboard": NotAudited("the dashboard's totals name no case, party or record"),
    # A reviewer's open cases: case numbers and workers' names (the reviewer's profile id).
    "reports:reviewer_open_cases": Audited(AuditKind.REVIEWER_CASES, object_arg="profile_id"),
    "reports:monthly_report": NotAudited("the monthly report's totals name no case or party"),
    "reports:report_run_request": NotAudited("asks for the monthly report: totals, no case"),
    "reports:report_run": NotAudited("the monthly report's progress: no case or party"),
    "reports:report_run_retry": NotAudited("asks for the monthly report again: no case"),
    "reports:report_run_download": NotAudited("the monthly report's totals name no case or party"),
    # The precedent library: public letter text (no names), but by case number, so each
    # search and export is kept with its query.
    "precedents:precedent_search": Audited(AuditKind.PAGE, read=AuditAction.SEARCH),
    "precedents:precedent_search_csv": Audited(AuditKind.PAGE, read=AuditAction.DOWNLOAD),
    # One's own account: its changes are recorded as authentication events (accounts.events).
    "account:password_change": NotAudited("own password: recorded by accounts.events"),
    "account:password_change_done": NotAudited("a confirmation page"),
    "account:sign_out_elsewhere": NotAudited("own sessions: recorded by accounts.events"),
    "account:session_alive": NotAudited("whether one's own session holds: nothing read"),
    "account:second_factor": NotAudited("own second factor: recorded by accounts.events"),
    "account:second_factor_setup": NotAudited("own second factor: recorded by accounts.events"),
    "account:second_factor_verify": NotAudited("own second factor: recorded by accounts.events"),
    "account:notifications": NotAudited(
        "own notifications: a case number and what happened to it, no medical information"
    ),
    "account:notification_open": NotAudited(
        "one's own notification marked read, then a redirect to the page it names (audited there)"
    ),
    # API tokens open the API's medical information: every change is recorded.
    "api_tokens:api_tokens": _SETTINGS,
    "api_tokens:api_token_revoke": _SETTINGS,
    # The API: every read and write, with the endpoint and the case.
    "api:cases": _API,
    "api:case": _API,
    "api:case_records": _API,
    "api:case_letter": _LETTER_DOWNLOAD,
    # Intake: the form's drafts hold the application as typed (names, treatment).
    "intake:case_new": _INTAKE,
    "intake:case_new_row": NotAudited("an empty row of the intake form"),
    "intake:draft_save": _INTAKE,
    "intake:draft_discard": _INTAKE,
    "intake:draft_file_add": _INTAKE,
    "intake:draft_file_remove": _INTAKE,
    # Bulk import: the upload makes cases; a run's page names the cases it made.
    "intake:import_new": _INTAKE,
    "intake:import_run": _INTAKE,
    "intake:import_run_resume": _INTAKE,
    "records:case_record": Audited(
        AuditKind.RECORD, read=AuditAction.DOWNLOAD, object_arg="record_id"
    ),
    "clock:calculator": NotAudited("the deadline calculator works on dates typed in, no case"),
    "clock:holidays": _SETTINGS,
    "casefile:home": NotAudited("a redirect to the user's own start page"),
    # Searching the list by a worker's name reads medical information: the query is kept.
    "casefile:case_list": Audited(AuditKind.CASE_LIST, read=AuditAction.SEARCH),
    # The case list as CSV: workers' names and claim numbers leave the system.
    "casefile:case_list_csv": Audited(AuditKind.CASE_LIST, read=AuditAction.DOWNLOAD),
    # Bulk actions on checked cases: a CSV of them leaves the system, or their reviewers are
    # reminded (a change, with the case numbers posted).
    "casefile:case_list_bulk": Audited(AuditKind.CASE_LIST),
    # A saved view keeps the list's filters, a worker's name searched among them.
    "casefile:saved_view_save": Audited(AuditKind.CASE_LIST),
    "casefile:saved_view_delete": Audited(AuditKind.CASE_LIST),
    # One's own views listed to rename or share: what one typed, no case read (a change of
    # one is audited as its save is).
    "casefile:saved_views": Audited(AuditKind.CASE_LIST, read=None),
    "casefile:saved_view_edit": Audited(AuditKind.CASE_LIST),
    # The reminders' report names the cases of each outcome.
    "casefile:reminder_run": Audited(AuditKind.REMINDER_RUN, object_arg="reminder_run_id"),
    "casefile:reminder_run_resume": Audited(AuditKind.REMINDER_RUN, object_arg="reminder_run_id"),
    "casefile:case_detail": _CASE,
    # Asked every 30 s by an open case page: 204, or a note to reload.
    "casefile:case_changed": NotAudited(
        "whether the case changed since its page was drawn: its status, and what kinds of change "
        "others made and when, no details of them (a fact's values, a record's title), asked by "
        "the page"
    ),
    "casefile:case_facts_edit": _CASE,
    "casefile:case_record_add": _CASE,
    "casefile:case_record_withdraw": Audited(AuditKind.RECORD, object_arg="record_id"),
    "casefile:case_follow_up_retry": _CASE,
    # The integrity findings name cases and files whose stored copy failed its SHA-256.
    "integrity:integrity": Audited(AuditKind.SETTINGS),
    "casefile:case_eligibility": _CASE,
    "casefile:case_records_complete": _CASE,
    "casefile:case_terminate": _CASE,
    "casefile:case_remand": _CASE,
    "casefile:case_party_service": _CASE,
    "casefile:case_defer": _CASE,
    "casefile:case_liability_resolved": _CASE,
    "casefile:case_information_request": _CASE,
    "casefile:case_information_received": _CASE,
    "casefile:case_information_lapsed": _CASE,
    "casefile:case_expedite": _CASE,
    "casefile:case_consolidate": _CASE,
    "auditlog:search": Audited(AuditKind.AUDIT_LOG, read=AuditAction.SEARCH),
    "auditlog:export": Audited(AuditKind.AUDIT_LOG, read=AuditAction.DOWNLOAD),
    "roster:specialty_table": _SETTINGS,
    "roster:specialty_table_row": _SETTINGS,
    "assignment:case_assign": _CASE,
    "assignment:case_unassign": _CASE,
    "assignment:assignments_batch": Audited(AuditKind.CASE_LIST),
    "assignment:assignments_plan": Audited(AuditKind.CASE_LIST),
    "assignment:assignments_plan_status": Audited(AuditKind.CASE_LIST),
    "determination:reviewer_dashboard": Audited(AuditKind.CASE_LIST),
    "determination:assignment_accept": Audited(AuditKind.WORKSPACE, object_arg="assignment_id"),
    "determination:assignment_decline": Audited(AuditKind.WORKSPACE, object_arg="assignment_id"),
    "determination:guideline_search": NotAudited("the guideline catalog names no case"),
    "determination:workspace": _WORKSPACE,
    "determination:workspace_step": Audited(AuditKind.WORKSPACE, object_arg="step"),
    "determination:workspace_accept": _WORKSPACE,
    "determination:workspace_decline": _WORKSPACE,
    "determination:draft_save": _WORKSPACE,
    "determination:warnings_confirm": _WORKSPACE,
    "determination:warning_replace": _WORKSPACE,
    "determination:determination_submit": _WORKSPACE,
    "quality:quality_queue": Audited(AuditKind.CASE_LIST),
    "quality:quality_review": _QUALITY,
    "quality:quality_approve": _QUALITY,
    "quality:quality_return": _QUALITY,
    "quality:quality_flag_resolve": Audited(AuditKind.QUALITY, object_arg="flag_id"),
    "letters:workspace_preview": Audited(AuditKind.LETTER_PREVIEW),
    "letters:quality_preview": Audited(AuditKind.LETTER_PREVIEW),
    "letters:case_letters": Audited(AuditKind.LETTER),
    "letters:letter_correct": Audited(AuditKind.LETTER),
    "letters:letter_download": _LETTER_DOWNLOAD,
    "letters:letter_retry": Audited(AuditKind.LETTER, object_arg="version"),
    "letters:notice_download": Audited(
        AuditKind.NOTICE, read=AuditAction.DOWNLOAD, object_arg="version"
    ),
    "letters:notice_retry": Audited(AuditKind.NOTICE, object_arg="version"),
    "letters:letter_verify": NotAudited(
        "anyone holding a letter checks its signature; the answer names no one"
    ),
    # The print queue lists the parties' names and postal addresses.
    "letters:print_queue": Audited(AuditKind.PRINT),
    # The batch's PDF holds every mailing's document and proof: the view names its cases
    # (audit_cases) and each gets its own event, so "Who read this case" shows it.
    "letters:print_batch_download": Audited(
        AuditKind.PRINT_BATCH, read=AuditAction.DOWNLOAD, object_arg="batch_id"
    ),
    "letters:print_batch_confirm": Audited(AuditKind.PRINT_BATCH, object_arg="batch_id"),
    "letters:print_batch_status": Audited(AuditKind.PRINT_BATCH, object_arg="batch_id"),
    "letters:print_batch_retry": Audited(AuditKind.PRINT_BATCH, object_arg="batch_id"),
    # A proof of service names the parties served and their addresses.
    "letters:proof_download": Audited(
        AuditKind.PROOF, read=AuditAction.DOWNLOAD, object_arg="proof_id"
    ),
    "letters:organization_settings": _SETTINGS,
}

# Whole namespaces: every page of Django's admin site, read or change, with the object's id.
NAMESPACES: dict[str, Audited] = {
    "admin": Audited(AuditKind.ADMIN, object_arg="object_id"),
}
# Pages of those namespaces that are not medical information.
NAMESPACE_EXCEPTIONS: dict[str, NotAudited] = {
    "admin:login": NotAudited("sign-in: recorded from Django's signals"),
    "admin:logout": NotAudited("sign-out: recorded from Django's signals"),
    "admin:jsi18n": NotAudited("the admin's JavaScript translations"),
}

# A route missing from this table is still audited (and the URLconf test fails).
UNKNOWN = Audited(AuditKind.PAGE)


def route_rule(view_name: str) -> Audited | NotAudited:
    """What the route `view_name` ("namespace:name") reads or changes."""
    if view_name in ROUTES:
        return ROUTES[view_name]
    if view_name in NAMESPACE_EXCEPTIONS:
        return NAMESPACE_EXCEPTIONS[view_name]
    namespace = view_name.split(":", 1)[0] if ":" in view_name else ""
    return NAMESPACES.get(namespace, UNKNOWN)
