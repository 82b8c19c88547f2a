"""The exhaustive access test: every URL pattern of the URLconf (walked from `get_resolver()`,
not a hand list), for every role and for a visitor who is not signed in, on objects the
visitor may see and on objects they may not, against one declarative table (RULES, keyed by
URL name). A POST to every URL by a role that may not write there answers as a refusal and
changes nothing. The API's routes are in the same URLconf and the same table; they are asked
with the API's token, and every path of the OpenAPI schema must be one of them.

A route added to the URLconf without a row in RULES fails test_every_route_has_a_rule, which
says which row to add.

The world: two cases of the IRO, "mine" and "theirs". Reviewer A reviews mine (submitted to
quality review), reviewer B theirs; API client 1 sent mine, API client 2 theirs. An issued
case of reviewer A and client 1 carries a letter and a notice; theirs has its own, a record
and reviewer B's assignment. Each manager has an intake draft with a kept file; a print
batch waits to be posted."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from drf_spectacular.generators import SchemaGenerator

from accounts.models import ApiToken, Notification, Role
from accounts.tokens import api_token_create
from cases.casefile.models import SavedView
from cases.intake.models import ImportRun, IntakeDraft, IntakeDraftFile
from cases.lifecycle.models import Case, CaseEvent
from cases.outbox.models import FollowUp
from cases.records.models import MedicalRecord
from cases.records.services import record_add
from cases.reminders.models import ReminderRun
from reviews.assignment.models import Assignment, PlanRun
from reviews.determination.models import ConsistencyFlag, Determination, ItemDecision
from reviews.determination.services import determination_submit
from reviews.letters.models import Letter, LetterDelivery, Notice, PrintBatch
from reviews.reports.models import ReportRun
from reviews.roster.models import ReviewerProfile
from tests.factories import (
    PASSWORD,
    UserFactory,
    api_client_for,
    case_in_review,
    determination_fill,
    pdf_upload,
    reviewer_with_profile,
)
from tests.test_query_budgets import issued_case, mailings_waiting, proof_served

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
CASE_ADMIN, SYSTEM_ADMIN = Role.CASE_ADMIN.value, Role.SYSTEM_ADMIN.value
REVIEWER, QUALITY_REVIEWER = Role.REVIEWER.value, Role.QUALITY_REVIEWER.value
API_CLIENT = Role.API_CLIENT.value
VISITORS = (ANONYMOUS, *Role.values)

EVERY_ROLE = frozenset(Role.values)
MANAGERS = frozenset({CASE_ADMIN, SYSTEM_ADMIN})
STAFF = EVERY_ROLE - {API_CLIENT}
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    """Who may do what at one URL. `get`: the roles answered 200 (or a redirect that is not
    the sign-in page) on their own objects; None for a route that takes only POST (405 to a
    GET). `post`: the roles whose POST may change something; everyone else's is refused and
    changes nothing. `case`: which of the visitor's cases fills `case_number` ("review": the
    case in quality review; "issued": the case with a letter). `anonymous`: what a visitor
    who is not signed in gets ("login": sent to sign in, or 401 from the API; "open")."""

    get: frozenset[str] | None
    post: frozenset[str] = NOBODY
    case: str = "review"
    anonymous: str = "login"


def page(roles, *, post=NOBODY, case="review", anonymous="login") -> Rule:
    return Rule(frozenset(roles), frozenset(post), case, anonymous)


def action(roles, *, case="review") -> Rule:
    """A route that takes only POST."""
    return Rule(None, frozenset(roles), case)


RULES: dict[str, Rule] = {
    # Signing in and out: Django's views.
    "login": page(EVERY_ROLE, anonymous="open"),
    "logout": Rule(None, EVERY_ROLE, anonymous="open"),
    # The OpenAPI schema describes the API to integrators; it holds no case data.
    "api-schema": page(EVERY_ROLE, anonymous="open"),
    # One's own account: the password, the second factor (staff roles; API clients have no
    # web sign-in).
    "account:password_change": page(STAFF, post=STAFF),
    "account:password_change_done": page(STAFF),
    "account:sign_out_elsewhere": action(STAFF),
    # Whether one's own session holds (static/js/session.js asks before a plain form is sent).
    "account:session_alive": page(STAFF),
    "account:second_factor": page(STAFF),
    "account:second_factor_setup": page(STAFF, post=STAFF),
    "account:second_factor_verify": page(STAFF, post=STAFF),
    "account:notifications": page(STAFF, post=STAFF),
    # Following one of one's own notifications (another's is not found: its own test).
    "account:notification_open": page(STAFF),
    # API tokens: the system administrator issues and revokes them.
    "api_tokens:api_tokens": page({SYSTEM_ADMIN}, post={SYSTEM_ADMIN}),
    "api_tokens:api_token_revoke": action({SYSTEM_ADMIN}),
    # The case file: every role within its scope (SPEC section 1); managers act on it.
    "casefile:home": page(STAFF),
    "casefile:case_list": page(STAFF),
    "casefile:case_list_csv": page(STAFF),
    # Each user's own saved views of the list; bulk actions are the managers'.
    "casefile:saved_view_save": action(STAFF),
    "casefile:saved_view_delete": action(STAFF),
    "casefile:saved_views": page(STAFF),
    "casefile:saved_view_edit": action(STAFF),
    "casefile:case_list_bulk": action(MANAGERS),
    "casefile:reminder_run": page(MANAGERS),
    "casefile:reminder_run_resume": action(MANAGERS),
    "casefile:case_detail": page(STAFF),
    "casefile:case_changed": page(STAFF),
    "casefile:case_facts_edit": page(MANAGERS, post=MANAGERS),
    "casefile:case_record_add": action(MANAGERS),
    "casefile:case_record_withdraw": action(MANAGERS),
    "casefile:case_eligibility": action(MANAGERS),
    "casefile:case_records_complete": action(MANAGERS),
    "casefile:case_terminate": action(MANAGERS),
    "casefile:case_remand": action(MANAGERS, case="issued"),
    "casefile:case_party_service": action(MANAGERS),
    "casefile:case_defer": action(MANAGERS),
    "casefile:case_liability_resolved": action(MANAGERS),
    "casefile:case_information_request": action(MANAGERS),
    "casefile:case_information_received": action(MANAGERS),
    "casefile:case_information_lapsed": action(MANAGERS),
    "casefile:case_expedite": action(MANAGERS),
    "casefile:case_consolidate": action(MANAGERS),
    "casefile:case_follow_up_retry": action(MANAGERS),
    # The operations dashboard and the monthly report: managers; the medical director (the
    # quality reviewer) reads them.
    "reports:dashboard": page(MANAGERS | {QUALITY_REVIEWER}),
    "reports:reviewer_open_cases": page(MANAGERS | {QUALITY_REVIEWER}),
    "reports:monthly_report": page(MANAGERS | {QUALITY_REVIEWER}),
    "reports:report_run_request": action(MANAGERS | {QUALITY_REVIEWER}),
    "reports:report_run": page(MANAGERS | {QUALITY_REVIEWER}),
    "reports:report_run_retry": action(MANAGERS | {QUALITY_REVIEWER}),
    "reports:report_run_download": page(MANAGERS | {QUALITY_REVIEWER}),
    # The precedent library: every staff role (the public text; the case link by scope).
    "precedents:precedent_search": page(STAFF),
    "precedents:precedent_search_csv": page(STAFF),
    # The stored files' integrity findings: the system administrator.
    "integrity:integrity": page({SYSTEM_ADMIN}),
    "records:case_record": page(STAFF),
    # The audit log (45 CFR 164.312(b)): the system administrator reviews it.
    "auditlog:search": page({SYSTEM_ADMIN}),
    "auditlog:export": page({SYSTEM_ADMIN}),
    "clock:calculator": page(MANAGERS),
    "clock:holidays": page(MANAGERS, post=MANAGERS),
    # Intake: managers, each on their own drafts.
    "intake:case_new": page(MANAGERS, post=MANAGERS),
    "intake:case_new_row": page(MANAGERS),
    "intake:draft_save": action(MANAGERS),
    "intake:draft_discard": action(MANAGERS),
    "intake:draft_file_add": action(MANAGERS),
    "intake:draft_file_remove": action(MANAGERS),
    # Bulk import: the administrators' shared intake work.
    "intake:import_new": page(MANAGERS, post=MANAGERS),
    "intake:import_run": page(MANAGERS),
    "intake:import_run_resume": action(MANAGERS),
    # The reviewer side.
    "roster:specialty_table": page(MANAGERS, post=MANAGERS),
    "roster:specialty_table_row": page(MANAGERS, post=MANAGERS),
    "assignment:case_assign": page(MANAGERS, post=MANAGERS),
    "assignment:case_unassign": action(MANAGERS),
    "assignment:assignments_batch": page(MANAGERS, post=MANAGERS),
    "assignment:assignments_plan": action(MANAGERS),
    "assignment:assignments_plan_status": page(MANAGERS),
    "determination:reviewer_dashboard": page({REVIEWER}),
    "determination:assignment_accept": action({REVIEWER}),
    "determination:assignment_decline": action({REVIEWER}),
    "determination:guideline_search": page({REVIEWER, QUALITY_REVIEWER}),
    "determination:workspace": page({REVIEWER}),
    "determination:workspace_step": page({REVIEWER}),
    "determination:workspace_accept": action({REVIEWER}),
    "determination:workspace_decline": action({REVIEWER}),
    "determination:draft_save": action({REVIEWER}),
    "determination:warnings_confirm": action({REVIEWER}),
    "determination:warning_replace": action({REVIEWER}),
    "determination:determination_submit": action({REVIEWER}),
    # The similar decisions of one item (issue 13): the workspace's reviewer only.
    "quality:quality_queue": page({QUALITY_REVIEWER}),
    "quality:quality_review": page({QUALITY_REVIEWER}),
    "quality:quality_approve": action({QUALITY_REVIEWER}),
    "quality:quality_return": action({QUALITY_REVIEWER}),
    "quality:quality_flag_resolve": action({QUALITY_REVIEWER}),
    "letters:workspace_preview": page({REVIEWER}),
    "letters:quality_preview": page({QUALITY_REVIEWER}),
    "letters:case_letters": page(STAFF, case="issued"),
    "letters:letter_correct": action(MANAGERS, case="issued"),
    "letters:letter_download": page(STAFF, case="issued"),
    "letters:letter_retry": action(MANAGERS, case="issued"),
    "letters:notice_download": page(STAFF, case="issued"),
    "letters:notice_retry": action(MANAGERS, case="issued"),
    # Anyone holding a letter checks it is genuine; it reads and writes nothing of a case.
    "letters:letter_verify": page(EVERY_ROLE, anonymous="open"),
    "letters:print_queue": page(MANAGERS),
    "letters:print_batch_download": page(MANAGERS),
    "letters:print_batch_confirm": action(MANAGERS),
    "letters:print_batch_status": page(MANAGERS),
    "letters:print_batch_retry": action(MANAGERS),
    "letters:proof_download": page(STAFF, case="issued"),
    "letters:organization_settings": page({SYSTEM_ADMIN}, post={SYSTEM_ADMIN}),
    # Health checks for load balancers and containers: no sign-in, nothing of a case.
    "ops:health": page(EVERY_ROLE, anonymous="open"),
    "ops:live": page(EVERY_ROLE, anonymous="open"),
    # Prometheus: by network address (the test client is loopback, allowed by default) or by
    # bearer token, not by role; aggregate counts only (tests/ops/test_metrics.py: refusals).
    "ops:metrics": page(EVERY_ROLE, anonymous="open"),
    # The browser's icon: a redirect to a static file, for every visitor.
    "ops:favicon": page(EVERY_ROLE, anonymous="open"),
    # The API (token): reads for every signed-in role within its scope; writes for senders.
    "api:cases": page(EVERY_ROLE, post=MANAGERS | {API_CLIENT}),
    "api:case": page(EVERY_ROLE),
    "api:case_records": action(MANAGERS | {API_CLIENT}),
    "api:case_letter": page(EVERY_ROLE, case="issued"),
}
# Namespaces with a rule of their own, not walked route by route.
NAMESPACES_NOT_WALKED = {
    "admin": "Django's admin site: staff with the system administrator's role (test_admin.py).",
}

SIGN_IN = reverse("login")
ALLOWED = {200, 302}
DENIED = {403, 404}


def routes(resolver: URLResolver | None = None, prefix: str = ""):
    """(name with its namespace, pattern) of every named route, recursively."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in NAMESPACES_NOT_WALKED:
                continue
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from routes(pattern, namespace)
        elif pattern.name:
            yield prefix + pattern.name, pattern


ROUTES = dict(routes())


def test_every_route_has_a_rule():
    missing = sorted(set(ROUTES) - set(RULES))
    assert not missing, (
        f"Routes without an access rule: {missing}. Add a row to RULES in "
        "tests/test_access_walk.py saying who may see it and who may post to it."
    )
    assert not set(RULES) - set(ROUTES), (
        f"Rules for routes that are gone: {set(RULES) - set(ROUTES)}"
    )


def test_every_api_path_of_the_schema_is_walked():
    """The OpenAPI schema's paths (what an API client is told exists) are routes of the walk."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    walked = set()
    example = {"version": "1", "which": "party"}

    def filled(placeholder: re.Match) -> str:
        return example.get(placeholder.group(1), "CM26-0000001")

    for path in schema["paths"]:
        match = resolve(re.sub(r"\{([^}]+)\}", filled, path))
        walked.add(f"{match.namespace}:{match.url_name}")
    assert walked and walked <= set(RULES), walked - set(RULES)


# --- The world ---------------------------------------------------------------------------------


@dataclass
class World:
    users: dict  # role -> the visitor of that role (the reviewer is reviewer A)
    reviewer_b: object
    mine: dict  # "review" / "issued" -> a case of reviewer A and API client 1
    theirs: Case  # reviewer B's, sent by API client 2
    records: dict  # case pk -> a record of it
    assignments: dict  # reviewer A's and B's: "mine" / "theirs"
    drafts: dict  # manager role -> (their intake draft, its kept file)
    batch: PrintBatch
    proof: object  # a proof of service of the issued case's letter


def world_build() -> World:
    users = {role: UserFactory(role=role) for role in Role.values}
    reviewer_a = reviewer_with_profile("REV-A", first_name="Ada", last_name="Alpha")
    reviewer_b = reviewer_with_profile("REV-B", first_name="Bea", last_name="Beta")
    users[REVIEWER] = reviewer_a
    client_b = UserFactory(role=Role.API_CLIENT)
    admin = users[CASE_ADMIN]

    review, _, determination = case_in_review(reviewer_a)
    determination_fill(determination)
    determination_submit(determination=determination, actor=reviewer_a, password=PASSWORD)
    theirs, _, _ = case_in_review(reviewer_b)
    issued = issued_case(1)
    Assignment.objects.filter(case=issued).update(reviewer=reviewer_a)
    Determination.objects.filter(case=issued).update(reviewer=reviewer_a)
    Case.objects.filter(pk__in=[review.pk, issued.pk]).update(created_by=users[API_CLIENT])
    Case.objects.filter(pk=theirs.pk).update(created_by=client_b)
    records = {
        case.pk: record_add(case=case, actor=admin, uploaded=pdf_upload(), title="PR-2")
        for case in (review, theirs)
    }
    records[issued.pk] = issued.records.first()
    api_token_create(user=users[API_CLIENT], name="Claims system")
    drafts = {}
    for role in MANAGERS:
        draft = IntakeDraft.objects.create(owner=users[role], values={"claim_number": "C-1"})
        kept = IntakeDraftFile.objects.create(
            draft=draft, row="records-0", file=pdf_upload(), original_filename="pr2.pdf", size=1
        )
        drafts[role] = (draft, kept)
    return World(
        users=users,
        reviewer_b=reviewer_b,
        mine={"review": Case.objects.get(pk=review.pk), "issued": issued},
        theirs=Case.objects.get(pk=theirs.pk),
        records=records,
        assignments={
            "mine": Assignment.objects.get(case=review, reviewer=reviewer_a),
            "theirs": Assignment.objects.get(case=theirs, reviewer=reviewer_b),
        },
        drafts=drafts,
        batch=mailings_waiting(1),
        proof=proof_served(issued),
    )


@pytest.fixture
def world(settings, tmp_path) -> World:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return world_build()


def _flag_of(case) -> ConsistencyFlag:
    """A consistency flag on the case's determination (made once, as a submission would)."""
    decision = ItemDecision.objects.filter(
        determination__case=case, determination__round=case.round
    ).first()
    flag = ConsistencyFlag.objects.filter(decision=decision).first()
    return flag or ConsistencyFlag.objects.create(
        determination=decision.determination,
        decision=decision,
        outcome="upheld",
        majority_outcome="overturned",
        majority_count=5,
        similar_count=5,
        guideline_source="mtus",
    )


def _notification_of(user) -> int:
    """One of the user's notifications (made if they have none); any id for nobody."""
    if user is None:
        return 1
    found = Notification.objects.filter(user=user).values_list("pk", flat=True).first()
    return found or Notification.objects.create(user=user, text="Walk", link="/cases/").pk


def _saved_view_of(user) -> int:
    """One of the user's saved views (made if they have none); any id for nobody."""
    if user is None:
        return 1
    found = SavedView.objects.filter(owner=user).values_list("pk", flat=True).first()
    return found or SavedView.objects.create(owner=user, name="Walk", query="due=3d").pk


def _reminder_run_of(user) -> int:
    """A reminder run the user asked for (made if they have none); any id for nobody."""
    if user is None:
        return 1
    found = ReminderRun.objects.filter(created_by=user).values_list("pk", flat=True).first()
    return found or ReminderRun.objects.create(created_by=user).pk


def kwargs_for(world: World, name: str, role: str, *, foreign: bool) -> dict | None:
    """The URL's arguments for `role` on its own objects, or (foreign) on objects it may not
    see; None when the route has nothing that is another's for this role."""
    rule = RULES[name]
    wanted = ROUTES[name].pattern.regex.groupindex
    scoped = {"case_number", "assignment_id"} if role in (REVIEWER, API_CLIENT) else set()
    if role in MANAGERS:
        scoped = {"pk"}
    if foreign and not scoped & set(wanted):
        return None
    case = world.theirs if foreign else world.mine[rule.case]
    draft_owner = role if role in MANAGERS else CASE_ADMIN
    if foreign:
        draft_owner = next(iter(MANAGERS - {role}))
    draft, kept = world.drafts[draft_owner]
    values = {
        "case_number": case.case_number,
        "record_id": world.records[case.pk].pk,
        "assignment_id": world.assignments["theirs" if foreign else "mine"].pk,
        "step": 1,
        "version": 1,
        "which": "party",
        "kind": "items" if name.startswith("intake:") else "notice_of_assignment",
        "batch_id": world.batch.pk,
        "proof_id": world.proof.pk,
        "category": "injection",
        "role": "employer",
        "pk": kept.pk if name == "intake:draft_file_remove" else draft.pk,
        # The record's page count, the follow-up its upload left (cases.outbox).
        "follow_up_id": FollowUp.objects.filter(case=case).values_list("pk", flat=True).first(),
        "token_id": ApiToken.objects.values_list("pk", flat=True).first(),
        "import_id": (
            ImportRun.objects.values_list("pk", flat=True).first()
            or ImportRun.objects.create(original_filename="walk.json", sha256="0" * 64).pk
        ),
        "run_id": (
            PlanRun.objects.values_list("pk", flat=True).first() or PlanRun.objects.create().pk
        ),
        "profile_id": ReviewerProfile.objects.values_list("pk", flat=True).first(),
        "report_id": (
            ReportRun.objects.values_list("pk", flat=True).first()
            or ReportRun.objects.create(month=dt.date(2026, 11, 1)).pk
        ),
        "decision_id": ItemDecision.objects.filter(
            determination__case=case, determination__round=case.round
        )
        .values_list("pk", flat=True)
        .first(),
        "flag_id": _flag_of(case).pk if "flag_id" in wanted else None,
        "reminder_run_id": _reminder_run_of(world.users.get(role))
        if "reminder_run_id" in wanted
        else None,
        "notification_id": _notification_of(world.users.get(role))
        if "notification_id" in wanted
        else None,
        "view_id": _saved_view_of(world.users.get(role)) if "view_id" in wanted else None,
    }
    return {key: values[key] for key in wanted}


def client_of(world: World, role: str, name: str):
    user = world.users.get(role)
    if name.startswith("api:"):
        client = api_client_for(user)
        return client
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def fingerprint() -> dict:
    """Rows of the main tables, and where each case, assignment and determination stands."""
    counts = {
        model.__name__: model.objects.count()
        for model in (
            Case,
            CaseEvent,
            MedicalRecord,
            Assignment,
            Determination,
            Letter,
            LetterDelivery,
            Notice,
            PrintBatch,
            ReportRun,
            IntakeDraft,
            IntakeDraftFile,
            get_user_model(),
        )
    }
    return {
        **counts,
        "cases": sorted(Case.objects.values_list("pk", "status", "round")),
        "assignments": sorted(Assignment.objects.values_list("pk", "status")),
        "determinations": sorted(Determination.objects.values_list("pk", "status")),
        "flags": sorted(ConsistencyFlag.objects.values_list("pk", "resolution")),
        "drafts": sorted(IntakeDraft.objects.annotate(n=Count("files")).values_list("pk", "n")),
    }


def refused(response, *, role: str, name: str, post_only_get: bool = False) -> bool:
    """A refusal: 403 or 404 (the same for "not yours" and "does not exist"); a visitor not
    signed in is sent to sign in (the API: 401); 405 where the method is wrong anyway."""
    code = response.status_code
    if post_only_get and code == 405:
        return True
    if role == ANONYMOUS:
        if name.startswith("api:") or name in ANSWERED_401:
            return code in (401, 403)
        return code == 302 and response["Location"].startswith(SIGN_IN)
    if role == API_CLIENT and not name.startswith("api:"):
        # An API client has no web session: one it holds anyway is ended (sent to sign in).
        if name in ANSWERED_401:
            return code == 401
        return code in DENIED or (code == 302 and response["Location"].startswith(SIGN_IN))
    return code in DENIED


# Routes a script asks, which answer a visitor not signed in with 401, not the sign-in page.
ANSWERED_401 = {"account:session_alive"}


def answered(response) -> bool:
    """Allowed: the page (or the session check's 204), or a redirect that is not to the
    sign-in page."""
    code = response.status_code
    return code in (200, 204) or (code == 302 and not response["Location"].startswith(SIGN_IN))


def names_shown(world: World, role: str, response) -> list[str]:
    """Names of reviewers the page shows that this visitor may not know (Lab. Code 4610.6(f)):
    a party no reviewer, reviewer A not reviewer B."""
    hidden = {API_CLIENT: (world.users[REVIEWER], world.reviewer_b), REVIEWER: (world.reviewer_b,)}
    if role not in hidden or response.streaming or response.status_code != 200:
        return []
    text = response.content.decode(errors="replace")
    return [
        name
        for reviewer in hidden[role]
        for name in (reviewer.get_full_name(), reviewer.username, reviewer.email)
        if name in text
    ]


def _get_problem(world: World, name: str, role: str, *, foreign: bool) -> str | None:
    kwargs = kwargs_for(world, name, role, foreign=foreign)
    if kwargs is None:
        return None
    rule = RULES[name]
    url = reverse(name, kwargs=kwargs)
    response = client_of(world, role, name).get(url)
    if role == ANONYMOUS and rule.anonymous == "open":
        ok = response.status_code in (200, 302, 405)
    elif foreign:
        ok = refused(response, role=role, name=name, post_only_get=rule.get is None)
    elif rule.get is None:
        ok = response.status_code == 405 or (
            role not in rule.post and refused(response, role=role, name=name)
        )
    elif role in rule.get:
        ok = answered(response)
        named = names_shown(world, role, response)
        if named:
            return f"GET {url} ({name}) as {role} names a reviewer it may not know: {named}"
    else:
        ok = refused(response, role=role, name=name)
    if ok:
        return None
    where = "another's objects" if foreign else "its own objects"
    return f"GET {url} ({name}) as {role} on {where}: {response.status_code}"


def _post_problem(world: World, name: str, role: str, *, foreign: bool) -> str | None:
    rule = RULES[name]
    if rule.anonymous == "open" and not rule.post:
        return None  # sign-in and the letter check: a POST there writes nothing of a case
    if name == "logout":
        return None  # ends the session: nothing else
    if not foreign and role in rule.post:
        return None  # a permitted write (each room's own tests cover it)
    kwargs = kwargs_for(world, name, role, foreign=foreign)
    if kwargs is None:
        return None
    url = reverse(name, kwargs=kwargs)
    before = fingerprint()
    client = client_of(world, role, name)
    if name.startswith("api:"):
        response = client.post(url, {}, format="json")
    else:
        response = client.post(url, {})
    changed = fingerprint() != before
    if rule.get is not None and role in rule.get and not foreign:
        # A page this role reads but may not write: whatever it answers, nothing changes.
        ok = response.status_code < 500
    else:
        get_only = rule.get is not None and not rule.post
        ok = refused(response, role=role, name=name) or (get_only and response.status_code == 405)
    if ok and not changed:
        return None
    what = "changed rows" if changed else f"answered {response.status_code}"
    where = "another's objects" if foreign else "its own objects"
    return f"POST {url} ({name}) as {role} on {where}: {what}"


@pytest.mark.parametrize("role", VISITORS)
def test_every_route_answers_each_visitor_as_the_table_says(world, role):
    """GET and POST every route on the visitor's own objects and on another's: the answers the
    table expects, and no POST that may not write changes a row."""
    problems = []
    for name in ROUTES:
        for foreign in (False, True):
            problems.append(_get_problem(world, name, role, foreign=foreign))
            problems.append(_post_problem(world, name, role, foreign=foreign))
    problems = [problem for problem in problems if problem]
    assert not problems, "\n".join(problems)
