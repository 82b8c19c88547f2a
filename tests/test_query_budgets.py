"""Query budgets: every page and API endpoint a user can GET has a pinned query count, and the
count is the same with a little data and with more of it (more cases in a list, more items,
records, events and letters on a case, more reviewers in the roster, more rounds of quality
review). A count that grows with the rows is an N+1 query, which makes a page slow as the
organization's data grows; the pinned number makes any other regression visible too.

Each budget measures its page twice: once after arranging a SMALL world, once after arranging
a LARGE one. For a list the LARGE rows come on top of the SMALL ones, for a case page they are
a second, bigger case. The same people visit both times, so the session and user queries are
the same. Each page is requested once before it is measured, so what a first visit sets up
(the organization's row, made on first use) is not counted in one size and not the other.

A route added to the URLconf without a budget here fails test_every_get_route_has_a_budget.

Every request to a route that reads or changes medical information writes one row to the audit
log (audit.routes; 45 CFR 164.312(b)): that INSERT is counted in each of those budgets, and not
named again in each reason below."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Role
from accounts.notifications import notifications_read, notify
from accounts.tokens import api_token_create, api_token_revoke
from audit.models import AuditAction, AuditEvent, AuditKind
from cases.casefile.models import SavedView
from cases.clock.models import CalendarName, CalendarVersion
from cases.clockpages.services import holiday_add
from cases.intake.models import (
    ImportRow,
    ImportRowOutcome,
    ImportRun,
    ImportRunStatus,
    IntakeDraft,
    IntakeDraftFile,
)
from cases.integrity.models import IntegrityCheckRun, IntegrityFinding
from cases.lifecycle.models import CaseEvent, CaseStatus, EventType, PartyRole
from cases.outbox.runs import WORKING_STATUSES
from cases.records.models import MedicalRecord
from cases.records.services import record_add
from cases.reminders.models import ReminderRun, ReminderRunStatus
from reviews.assignment.models import Assignment, AssignmentStatus, CaseConflict, PlanRun
from reviews.assignment.services import plan_work_out, reviewer_assign
from reviews.determination.models import (
    Determination,
    DeterminationStatus,
    GuidelineFamily,
    GuidelineSource,
    ItemDecision,
    QualityOutcome,
    QualityReview,
)
from reviews.determination.services import determination_submit
from reviews.letters.models import (
    DeliveryStatus,
    Letter,
    LetterDelivery,
    LetterStatus,
    LetterText,
    Notice,
    NoticeDelivery,
    NoticeKind,
    PrintBatch,
    PrintBatchStatus,
    ProofOfService,
)
from reviews.letters.render import letter_text_current
from reviews.precedents.services import PrecedentItemText, precedent_record
from reviews.quality.services import determination_return
from reviews.reports.models import ReportRun, ReportRunStatus
from reviews.roster.models import CategorySpecialty, Specialty
from tests.factories import (
    PASSWORD,
    CaseFactory,
    DisputedItemFactory,
    PartyFactory,
    UserFactory,
    api_client_for,
    approved_determination,
    case_in_review,
    determination_fill,
    intake_payload,
    minimal_pdf,
    pdf_upload,
    ready_case,
    reviewer_with_profile,
)
from tests.reviews.reports.known_month import finding_recorded

pytestmark = pytest.mark.django_db

SMALL, LARGE = 2, 7
HTMX = {"HTTP_HX_REQUEST": "true"}

# Routes with no budget, and why. Everything else in the URLconf needs one (or is POST only).
NOT_BUDGETED = {
    "login": "Django's sign-in form: no data of ours behind it.",
    "logout": "POST only (Django's LogoutView), and it ends the session.",
    "api-schema": "The OpenAPI schema is generated from code, not from rows.",
    "account:password_change": "Django's password form: the user's own row only.",
    "account:password_change_done": "A fixed page.",
    "account:second_factor": "The user's own second factor: a count of their recovery codes.",
    "account:second_factor_setup": "The user's own authenticator app being set up.",
    "account:second_factor_verify": "The second-factor step of signing in: no data of ours.",
    "account:session_alive": (
        "Whether the session holds: the session and user the middleware reads, nothing else."
    ),
}
NOT_BUDGETED_NAMESPACES = {
    "admin": "Django's admin site: its pages and their queries are Django's.",
}

# Routes that take only POST: budgets are for pages. test_post_only_routes_refuse_get keeps
# this list honest: each answers GET with 405 for the role that may post to it.
POST_ONLY = {
    "account:sign_out_elsewhere": Role.CASE_ADMIN,
    "casefile:case_record_add": Role.CASE_ADMIN,
    "casefile:case_record_withdraw": Role.CASE_ADMIN,
    "casefile:case_eligibility": Role.CASE_ADMIN,
    "casefile:case_records_complete": Role.CASE_ADMIN,
    "casefile:case_terminate": Role.CASE_ADMIN,
    "casefile:case_remand": Role.CASE_ADMIN,
    "casefile:case_defer": Role.CASE_ADMIN,
    "casefile:case_liability_resolved": Role.CASE_ADMIN,
    "casefile:case_information_request": Role.CASE_ADMIN,
    "casefile:case_information_received": Role.CASE_ADMIN,
    "casefile:case_information_lapsed": Role.CASE_ADMIN,
    "casefile:case_expedite": Role.CASE_ADMIN,
    "casefile:case_consolidate": Role.CASE_ADMIN,
    "casefile:case_party_service": Role.CASE_ADMIN,
    "casefile:case_follow_up_retry": Role.CASE_ADMIN,
    "casefile:case_list_bulk": Role.CASE_ADMIN,
    "casefile:reminder_run_resume": Role.CASE_ADMIN,
    "casefile:saved_view_save": Role.CASE_ADMIN,
    "casefile:saved_view_delete": Role.CASE_ADMIN,
    "casefile:saved_view_edit": Role.CASE_ADMIN,
    "letters:print_batch_confirm": Role.CASE_ADMIN,
    "letters:print_batch_retry": Role.CASE_ADMIN,
    "api:case_records": Role.API_CLIENT,
    "assignment:case_unassign": Role.CASE_ADMIN,
    "assignment:assignments_plan": Role.CASE_ADMIN,
    "determination:assignment_accept": Role.REVIEWER,
    "determination:assignment_decline": Role.REVIEWER,
    "determination:workspace_accept": Role.REVIEWER,
    "determination:workspace_decline": Role.REVIEWER,
    "determination:draft_save": Role.REVIEWER,
    "determination:warnings_confirm": Role.REVIEWER,
    "determination:warning_replace": Role.REVIEWER,
    "determination:determination_submit": Role.REVIEWER,
    "quality:quality_approve": Role.QUALITY_REVIEWER,
    "quality:quality_return": Role.QUALITY_REVIEWER,
    "quality:quality_flag_resolve": Role.QUALITY_REVIEWER,
    "letters:letter_correct": Role.CASE_ADMIN,
    "letters:letter_retry": Role.CASE_ADMIN,
    "intake:draft_save": Role.CASE_ADMIN,
    "intake:draft_discard": Role.CASE_ADMIN,
    "intake:draft_file_add": Role.CASE_ADMIN,
    "intake:draft_file_remove": Role.CASE_ADMIN,
    "intake:import_run_resume": Role.CASE_ADMIN,
    "reports:report_run_request": Role.CASE_ADMIN,
    "reports:report_run_retry": Role.CASE_ADMIN,
    "letters:notice_retry": Role.CASE_ADMIN,
    "api_tokens:api_token_revoke": Role.SYSTEM_ADMIN,
}


# --- The people who visit, and one visit ---------------------------------------------------


@dataclass
class People:
    case_admin: object
    system_admin: object
    reviewer: object
    quality_reviewer: object
    api_client: object


@pytest.fixture
def people(db) -> People:
    return People(
        case_admin=UserFactory(role=Role.CASE_ADMIN),
        system_admin=UserFactory(role=Role.SYSTEM_ADMIN),
        reviewer=reviewer_with_profile(
            "REV-BUDGET",
            certifications=("Pain Management", "Anesthesiology"),
            licences=(("CA", "2030-01-01", False), ("VA", "2030-01-01", False)),
            max_open_cases=50,
        ),
        quality_reviewer=UserFactory(role=Role.QUALITY_REVIEWER),
        api_client=UserFactory(role=Role.API_CLIENT),
    )


@dataclass
class Visit:
    """A GET by `user` (None: nobody signed in); the response must have `status` and, for a
    page, show every text in `shows` (so the rows arranged are really on it)."""

    user: object
    url: str
    headers: dict = field(default_factory=dict)
    api: bool = False
    status: int = 200
    shows: tuple[str, ...] = ()


def client_for(visit: Visit):
    if visit.api:
        return api_client_for(visit.user)
    client = Client()
    if visit.user is not None:
        client.force_login(visit.user)
    return client


def queries_of(visit: Visit) -> CaptureQueriesContext:
    client = client_for(visit)
    client.get(visit.url, **visit.headers)  # what a first visit sets up is not counted
    with CaptureQueriesContext(connection) as captured:
        response = client.get(visit.url, **visit.headers)
    assert response.status_code == visit.status, visit.url
    if visit.shows:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        text = content.decode()
        missing = [shown for shown in visit.shows if shown not in text]
        assert not missing, f"{visit.url} does not show {missing}"
    return captured


# --- The budgets ----------------------------------------------------------------------------


@dataclass
class Budget:
    route: str
    queries: int
    arrange: Callable[[People, int], Visit]
    why: str
    # More on PostgreSQL (a planner setting around a query, with the reason in `why`).
    postgresql_extra: int = 0

    def expected(self) -> int:
        return self.queries + (self.postgresql_extra if connection.vendor == "postgresql" else 0)


BUDGETS: dict[str, Budget] = {}


def budget(
    route: str, queries: int, *, variant: str = "", why: str = "", postgresql_extra: int = 0
):
    """Register `arrange(people, size) -> Visit` as the budget of `route` (a fragment or a
    state of the page as `variant`)."""

    def register(arrange):
        key = f"{route}[{variant}]" if variant else route
        assert key not in BUDGETS, key
        BUDGETS[key] = Budget(route, queries, arrange, why, postgresql_extra)
        return arrange

    return register


# --- What the pages show: builders -----------------------------------------------------------


def cases_with_items(size: int, **fields) -> list:
    """`size` cases, each with `size` disputed items, an employer and a claims administrator."""
    cases = []
    for _ in range(size):
        case = CaseFactory(**fields)
        for position in range(1, size + 1):
            DisputedItemFactory(case=case, position=position)
        for role in (PartyRole.EMPLOYER, PartyRole.CLAIMS_ADMINISTRATOR):
            PartyFactory(case=case, role=role)
        cases.append(case)
    return cases


def records_add(case, size: int, *, opened_by=None) -> list:
    """`size` records on file (the file itself is not read by the pages that list them);
    each opened once by `opened_by`."""
    records = []
    for number in range(1, size + 1):
        record = MedicalRecord.objects.create(
            case=case,
            title=f"Progress report {number}",
            document_date=dt.date(2026, 10, number),
            pages=3,
            size=2048,
            file=f"records/{case.pk}/report-{number}.pdf",
        )
        records.append(record)
        if opened_by is not None:
            # Opened as the audit log records it (audit.routes: records:case_record).
            AuditEvent.objects.create(
                actor=opened_by,
                username=opened_by.username,
                action=AuditAction.DOWNLOAD,
                kind=AuditKind.RECORD,
                case_number=case.case_number,
                object_id=str(record.pk),
                status_code=200,
            )
    return records


def events_add(case, size: int) -> None:
    """`size` history entries, each by a different person."""
    for number in range(size):
        CaseEvent.objects.create(
            case=case,
            type=EventType.RECORD_ADDED,
            actor=UserFactory(),
            details={"title": f"Event {number}"},
        )


def issued_case(size: int, **case_fields):
    """An issued case: `size` items decided, `size` records and history entries, an attorney
    among the parties, and `size` letter versions (the first `size - 1` superseded by
    corrections), each delivered to `size` recipients. Letters are written as the letter
    worker leaves them, without rendering a PDF (the pages only list them)."""
    determination = approved_determination(
        outcomes=("upheld",) * size,
        records=[(f"Report {n}", dt.date(2026, 10, n), 2) for n in range(1, size + 1)],
        attorney=True,
        **case_fields,
    )
    case = determination.case
    Determination.objects.filter(pk=determination.pk).update(status=DeterminationStatus.ISSUED)
    case.status = CaseStatus.ISSUED
    case.save(update_fields=["status"])
    events_add(case, size)
    text = letter_text_current()
    for version in range(1, size + 1):
        # Each copy's recorded SHA-256 is its content's: a download checks it (cases.integrity).
        party = minimal_pdf() + f"% party {version}\n".encode()
        public = minimal_pdf() + f"% public {version}\n".encode()
        letter = Letter.objects.create(
            case=case,
            determination=determination,
            version=version,
            status=LetterStatus.DELIVERED,
            letter_text=text,
            mailing_date=dt.date(2026, 11, 21),
            # Every copy below is served that day, as letter_service_refresh records it.
            served_on=dt.date(2026, 11, 21),
            sent_by="electronic",
            party_sha256=hashlib.sha256(party).hexdigest(),
            public_sha256=hashlib.sha256(public).hexdigest(),
            signed_at=timezone.now(),
            attempts=1,
            correction_note=f"Correction {version}" if version > 1 else "",
            created_by=UserFactory(),
        )
        letter.party_pdf.save(f"party-{version}.pdf", ContentFile(party), save=False)
        letter.public_pdf.save(f"public-{version}.pdf", ContentFile(public), save=True)
        for number in range(size):
            LetterDelivery.objects.create(
                letter=letter,
                recipient_role=f"recipient_{number}",
                recipient_name=f"Recipient {number}",
                email=f"recipient{number}@example.org",
                served_on=dt.date(2026, 11, 21),
            )
    notices_add(case, size, text=text)
    return case


def notices_add(case, size: int, *, text) -> None:
    """`size` versions of the notice of assignment, each served to `size` recipients, made
    from one finding event each (as the letters room leaves them, without a PDF rendered)."""
    case.date_assigned = dt.date(2026, 11, 3)
    case.save(update_fields=["date_assigned"])
    for version in range(1, size + 1):
        event = CaseEvent.objects.create(
            case=case, type=EventType.NOTICE_OF_ASSIGNMENT_SENT, details={}
        )
        notice = Notice.objects.create(
            case=case,
            kind=NoticeKind.NOTICE_OF_ASSIGNMENT,
            version=version,
            status=LetterStatus.DELIVERED,
            event=event,
            letter_text=text,
            intended_on=dt.date(2026, 11, 3),
            mailing_date=dt.date(2026, 11, 4),
            served_on=dt.date(2026, 11, 4),
            sent_by="electronic",
            sha256=hashlib.sha256(minimal_pdf()).hexdigest(),
            signed_at=timezone.now(),
        )
        notice.pdf.save(f"notice-{version}.pdf", ContentFile(minimal_pdf()), save=True)
        for number in range(size):
            NoticeDelivery.objects.create(
                notice=notice,
                recipient_role=f"{PartyRole.CLAIMS_ADMINISTRATOR}_{number}",
                recipient_name=f"Recipient {number}",
                email=f"recipient{number}@example.org",
            )


def received_case(size: int):
    """A new application waiting for its eligibility finding: `size` items, records and
    history entries, and `size` earlier IMRs of the same worker and claim (the prior-IMR
    check reads their items)."""
    case = cases_with_items(1)[0]
    for position in range(2, size + 1):
        DisputedItemFactory(case=case, position=position, description=f"Item {position}")
    records_add(case, size)
    events_add(case, size)
    for _ in range(size):
        CaseFactory(
            claim_number=case.claim_number,
            worker_last_name=case.worker_last_name,
            status=CaseStatus.ISSUED,
        ).items.create(position=1, description="Something else", category="injection")
    return case


def draft_in_review(people: People, size: int, *, rounds: int = 0, items: int = 0):
    """A case the budget reviewer accepted: `size` items (or `items`) decided in the draft,
    `size` records (each opened), and `rounds` earlier rounds of quality review that returned
    it with a comment on every item. Returns (case, determination)."""
    case, reviewer, determination = case_in_review(people.reviewer, items=items or size)
    records_add(case, size, opened_by=reviewer)
    determination_fill(determination, outcomes=("upheld",) * (items or size))
    for _ in range(rounds):
        determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
        determination = Determination.objects.get(pk=determination.pk)
        determination_return(
            determination=determination,
            actor=people.quality_reviewer,
            comment="Cite the pages.",
            item_comments={d.pk: "Cite the pages." for d in determination.decisions.all()},
        )
        determination = Determination.objects.get(pk=determination.pk)
    case.refresh_from_db()
    return case, determination


def submitted_for_quality(people: People, size: int):
    """A determination waiting for quality review: `size` items and records, and `size - 1`
    earlier rounds that returned it."""
    case, determination = draft_in_review(people, size, rounds=size - 1)
    determination_submit(determination=determination, actor=people.reviewer, password=PASSWORD)
    case.refresh_from_db()
    return case


def notify_many(user, size: int) -> None:
    """`size` notifications for `user`, some of them read."""
    for number in range(size):
        notify([user], text=f"Notice {number}", link="/cases/", urgent=number % 2 == 0)
    notifications_read(user, ids=user.notifications.values_list("pk", flat=True)[:1])


def roster_add(size: int, *, prefix: str) -> None:
    """`size` reviewers: some eligible, one with a conflict, one on leave, with several
    licences and certifications each."""
    for number in range(size):
        reviewer_with_profile(
            f"{prefix}-{number}",
            certifications=(
                "Pain Management",
                "Anesthesiology",
                "Physical Medicine & Rehabilitation",
            ),
            licences=(("CA", "2030-01-01", False), ("NV", "2020-01-01", False)),
            affiliations=(("employer", "Acme Foods", ""),) if number == 0 else (),
            on_leave=number == 1,
        )


# --- The case file --------------------------------------------------------------------------


@budget("casefile:home", 2, why="session, user; a redirect to the user's start page")
def _home(people, size):
    cases_with_items(size)
    return Visit(people.case_admin, reverse("casefile:home"), status=302)


@budget(
    "casefile:case_list",
    5,
    why="session, user, page of (open) cases (one row more than a page: no count; no items: a "
    "row's clock is the stored due date), the user's saved views, the audit row; no outcomes "
    "asked when no case on the page is issued",
)
def _case_list(people, size):
    cases = cases_with_items(size)
    return Visit(people.case_admin, reverse("casefile:case_list"), shows=(cases[-1].case_number,))


@budget(
    "casefile:case_list",
    5,
    variant="with views of one's own and shared by colleagues",
    why="as the page: one's own views and those shared with one are one query, with owners",
)
def _case_list_shared_views(people, size):
    cases = cases_with_items(size)
    colleague = UserFactory(role=Role.CASE_ADMIN, first_name="Rosa", last_name="Vega")
    for number in range(size):
        name = f"{size}-{number}"
        SavedView.objects.create(owner=people.case_admin, name=f"Mine {name}", query="due=3d")
        SavedView.objects.create(owner=colleague, name=f"Team {name}", shared_role=Role.CASE_ADMIN)
    last = f"{size}-{size - 1}"
    return Visit(
        people.case_admin,
        reverse("casefile:case_list"),
        shows=(cases[-1].case_number, f"Mine {last}", f"Team {last}", "Rosa Vega"),
    )


@budget(
    "casefile:saved_views",
    4,
    why="session, user, the views, the colleagues sharing reaches (no audit row: no case read)",
)
def _saved_views(people, size):
    for number in range(size):
        name = f"View {size}-{number}"
        SavedView.objects.create(owner=people.case_admin, name=name, shared_role=Role.CASE_ADMIN)
    return Visit(
        people.case_admin,
        reverse("casefile:saved_views"),
        shows=(f"View {size}-{size - 1}", "Shared"),
    )


@budget(
    "casefile:case_list",
    4,
    variant="htmx results",
    why="as the page, without the saved views (the fragment does not show them)",
)
def _case_list_htmx(people, size):
    cases = cases_with_items(size)
    url = reverse("casefile:case_list") + "?status=open"
    return Visit(people.case_admin, url, headers=HTMX, shows=(cases[-1].case_number,))


@budget(
    "casefile:case_list",
    6,
    variant="closed cases with their outcomes",
    why="as the page, and the issued determinations' decisions (the outcome column)",
)
def _case_list_closed(people, size):
    cases = [issued_case(2) for _ in range(size)]
    url = reverse("casefile:case_list") + "?status=closed&sort=-case"
    return Visit(people.case_admin, url, shows=(cases[-1].case_number, "Upheld"))


@budget(
    "casefile:case_list_csv",
    3,
    why="session, user, the audit row; the cases (and the outcomes of the issued ones) are read "
    "in chunks as the CSV streams, after the answer",
)
def _case_list_csv(people, size):
    cases = cases_with_items(size)
    url = reverse("casefile:case_list_csv") + "?sort=case"
    return Visit(people.case_admin, url, shows=(cases[-1].case_number,))


CASE_PAGE_WHY = (
    "session, user, case, parties, items, assignment, records, history with actors, notices, "
    "their deliveries, letters, their deliveries, the proofs of service with their copies and "
    "documents; for the clock, where the notice of assignment stands (intended or served, from "
    "the same notices and copies, read once), the delivered letter with its determination and "
    "its decisions (the appeal and the duties of 8 CCR 9792.10.7); the case's open follow-ups "
    "(work waiting for the task queue, stuck or failed), read once for the page and its letters "
    "panel; the audit row (who read the case is read when its panel is opened); a closed "
    "case's parties panel asks whether any copy waits for an address (one query: a party "
    "without one is an alarm only then)"
)


@budget("casefile:case_detail", 18, why=CASE_PAGE_WHY)
def _case_detail(people, size):
    case = issued_case(size)
    return Visit(
        people.case_admin,
        reverse("casefile:case_detail", args=[case.case_number]),
        shows=(f"Version {size}", f"Report {size}", f"Disputed treatment number {size}"),
    )


@budget(
    "casefile:case_detail",
    16,
    variant="received",
    why="as an issued case, less the deliveries, the notice's state, the letters panel's "
    "follow-ups and the held copies' question, plus the eligibility "
    "checks: a UR decision on file, the prior IMRs with their cases, the issued decisions of "
    "those items (one query); "
    "and the open duplicate applications (their parties and items are prefetched only when "
    "there are some)",
)
def _case_detail_received(people, size):
    case = received_case(size)
    return Visit(
        people.case_admin,
        reverse("casefile:case_detail", args=[case.case_number]),
        shows=("Eligible", f"Item {size}", f"Progress report {size}"),
    )


@budget(
    "casefile:case_changed",
    4,
    why="session, user, the case, what others did since (the newest few, whatever its size)",
)
def _case_changed(people, size):
    case = issued_case(size)
    return Visit(
        people.case_admin,
        reverse("casefile:case_changed", args=[case.case_number])
        + "?seen=0&status=received&after=0",
        shows=("This case has changed since this page was drawn: its status is now Issued",),
    )


@budget(
    "casefile:case_detail",
    18,
    variant="received, with duplicates",
    why="as a received case, plus the duplicates' parties and items, prefetched now that there "
    "are some: three queries (cases, parties, items) however many; the page lists the first ten "
    "and counts the rest "
    "(from QA: 1,000 identical posts listed every one)",
)
def _case_detail_with_duplicates(people, size):
    case = received_case(size)
    # 6 and 21: fewer than the ten listed, and more.
    for _ in range(3 * size):
        other = CaseFactory(
            claim_number=case.claim_number,
            worker_last_name=case.worker_last_name,
            date_of_injury=case.date_of_injury,
        )
        other.items.create(position=1, description="Item 1", category="injection")
    return Visit(
        people.case_admin,
        reverse("casefile:case_detail", args=[case.case_number]),
        shows=("Possible duplicate applications", f"Item {size}"),
    )


@budget(
    "casefile:case_facts_edit",
    6,
    why="session, user, case with parties and items (the page's forms read them prefetched)",
)
def _case_facts_edit(people, size):
    case = received_case(size)
    return Visit(
        people.case_admin,
        reverse("casefile:case_facts_edit", args=[case.case_number]),
        shows=("Edit the facts", f"Item {size}"),
    )


# The panels htmx refreshes: session, user, case with parties and items, and the panel's rows.
# The records panel and the follow-ups panel read the case's open follow-ups (one query).
CASE_PANELS = {
    # The header: and the newest event's id, which its poll of changes asks after.
    "header": 7,
    "clock": 10,
    "workflow": 7,
    "follow-ups": 7,
    "records": 8,
    "history": 7,
}


def _case_panel(panel: str, queries: int):
    why = (
        "session, user, case with parties and items, and the panel's own rows (the clock: "
        "where the notice of assignment stands with its copies, the delivered letter with its "
        "determination, and its decisions)"
    )

    @budget("casefile:case_detail", queries, variant=f"htmx {panel} panel", why=why)
    def _panel(people, size):
        case = issued_case(size)
        url = reverse("casefile:case_detail", args=[case.case_number]) + f"?panel={panel}"
        return Visit(people.case_admin, url, headers=HTMX, shows=(f"?panel={panel}",))


for _panel_name, _panel_queries in CASE_PANELS.items():
    _case_panel(_panel_name, _panel_queries)


@budget(
    "casefile:case_detail",
    8,
    variant="htmx readers panel",
    why="session, user, case, its parties and its items, the latest reads of the case (the audit "
    "log, read only when the panel is opened) and the names of their readers, the audit row",
)
def _case_readers_panel(people, size):
    case = issued_case(size)
    url = reverse("casefile:case_detail", args=[case.case_number]) + "?panel=readers"
    return Visit(
        people.case_admin, url, headers=HTMX, shows=('id="readers-panel" open', "Read: Case")
    )


@budget(
    "records:case_record",
    8,
    why="session, user, case with parties and items, record (read through the case, so it "
    "knows its case), visibility",
)
def _case_record(people, size):
    case = cases_with_items(1)[0]
    records_add(case, size)
    record = record_add(
        case=case, actor=people.case_admin, uploaded=pdf_upload("pr2.pdf"), title="PR-2"
    )
    url = reverse("records:case_record", args=[case.case_number, record.pk])
    return Visit(people.case_admin, url)


# --- The audit log ----------------------------------------------------------------------------


def audit_events_add(size: int) -> str:
    """`size` reads of a case by as many users; returns the case number."""
    number = f"CM26-{size:07d}"
    for _ in range(size):
        AuditEvent.objects.create(
            actor=UserFactory(), username="budget", action="read", kind="case", case_number=number
        )
    return number


@budget("auditlog:search", 4, why="session, user, a page of events and one more (no count)")
def _audit_search(people, size):
    number = audit_events_add(size)
    url = reverse("auditlog:search") + f"?case_number={number}"
    return Visit(people.system_admin, url, shows=(number,))


@budget(
    "auditlog:export",
    3,
    why="session, user; the events are read in chunks as the CSV streams, after the answer",
)
def _audit_export(people, size):
    number = audit_events_add(size)
    url = reverse("auditlog:export") + f"?case_number={number}"
    return Visit(people.system_admin, url, shows=(number,))


# --- Intake ---------------------------------------------------------------------------------


def specialties_add(size: int) -> None:
    start = Specialty.objects.count()
    for number in range(start, start + size):
        specialty = Specialty.objects.create(name=f"Budget Specialty {number}")
        CategorySpecialty.objects.create(category="injection", specialty=specialty)


def intake_drafts_add(user, size: int) -> None:
    for number in range(size):
        draft = IntakeDraft.objects.create(
            owner=user, values={"worker-last_name": f"Budget {number}", "items-TOTAL_FORMS": "1"}
        )
        for row in range(size):
            IntakeDraftFile.objects.create(
                draft=draft, row=f"records-{row}", file=f"intake-drafts/{number}-{row}.pdf"
            )


@budget("intake:case_new", 5, why="session, user, the user's drafts, the specialty names")
def _case_new(people, size):
    specialties_add(size)
    return Visit(people.case_admin, reverse("intake:case_new"))


@budget(
    "intake:case_new",
    6,
    variant="draft",
    why="session, user, the user's drafts, the open draft's files, the specialty names",
)
def _case_new_draft(people, size):
    specialties_add(size)
    intake_drafts_add(people.case_admin, size)
    return Visit(people.case_admin, reverse("intake:case_new"))


@budget("intake:case_new_row", 2, variant="htmx", why="session, user")
def _case_new_row(people, size):
    specialties_add(size)
    url = reverse("intake:case_new_row", args=["items"]) + "?items-TOTAL_FORMS=1"
    return Visit(people.case_admin, url, headers=HTMX)


def import_runs_add(user, size: int, *, status=ImportRunStatus.FINISHED) -> ImportRun:
    """`size` runs; the last with `size` cases made and `size` applications refused."""
    for number in range(size):
        run = ImportRun.objects.create(
            created_by=user,
            original_filename=f"budget-{number}.json",
            sha256="0" * 64,
            status=status,
            total=2 * size,
            done=2 * size,
            failed=size,
        )
    for position in range(size):
        ImportRow.objects.create(
            run=run,
            path=f"$[{2 * position}]",
            position=2 * position,
            application_id=f"APP-{position}",
            outcome=ImportRowOutcome.CREATED,
            case=CaseFactory(),
        )
        ImportRow.objects.create(
            run=run,
            path=f"$[{2 * position + 1}]",
            position=2 * position + 1,
            outcome=ImportRowOutcome.REFUSED,
            reasons=[f"$[{2 * position + 1}].items: is required"],
        )
    return run


@budget(
    "intake:import_new", 4, why="session, user, the latest runs with their uploaders, the audit"
)
def _import_new(people, size):
    import_runs_add(people.case_admin, size)
    return Visit(people.case_admin, reverse("intake:import_new"), shows=("budget-0.json",))


@budget(
    "intake:import_run",
    7,
    why="session, user, the run with its uploader, its refused rows, its made rows with "
    "their cases, the count of cases made, the audit",
)
def _import_run(people, size):
    run = import_runs_add(people.case_admin, size)
    return Visit(
        people.case_admin,
        reverse("intake:import_run", args=[run.pk]),
        shows=("Refused (", "is required"),
    )


@budget(
    "intake:import_run",
    4,
    variant="htmx",
    why="session, user, the run with its uploader (the progress panel, while it runs), the audit",
)
def _import_run_progress(people, size):
    run = import_runs_add(people.case_admin, size, status=ImportRunStatus.RUNNING)
    return Visit(
        people.case_admin,
        reverse("intake:import_run", args=[run.pk]),
        headers=HTMX,
        shows=("every 1s",),
    )


def reminder_run_add(user, size: int, *, status=ReminderRunStatus.FINISHED) -> ReminderRun:
    """A run of `size` cases' reminders; finished, each case reminded."""
    numbers = [f"CM26-{9000000 + number}" for number in range(size)]
    done = status == ReminderRunStatus.FINISHED
    return ReminderRun.objects.create(
        created_by=user,
        case_numbers=numbers,
        outcomes={number: "sent" for number in numbers} if done else {},
        status=status,
    )


@budget("casefile:reminder_run", 4, why="session, user, the run (its report), the audit")
def _reminder_run(people, size):
    run = reminder_run_add(people.case_admin, size)
    return Visit(
        people.case_admin,
        reverse("casefile:reminder_run", args=[run.pk]),
        shows=(f"Reminders sent for {size} case",),
    )


@budget(
    "casefile:reminder_run",
    4,
    variant="htmx",
    why="session, user, the run (the progress panel, while it is sent), the audit",
)
def _reminder_run_progress(people, size):
    run = reminder_run_add(people.case_admin, size, status=ReminderRunStatus.RUNNING)
    return Visit(
        people.case_admin,
        reverse("casefile:reminder_run", args=[run.pk]),
        headers=HTMX,
        shows=("every 1s",),
    )


# --- The API --------------------------------------------------------------------------------


@budget("api:cases", 4, why="token with user, count, page of cases (the stored due date only)")
def _api_cases(people, size):
    cases = cases_with_items(size, created_by=people.api_client)
    return Visit(people.api_client, reverse("api:cases"), api=True, shows=(cases[-1].case_number,))


@budget(
    "api:case",
    14,
    why="token with user, case, parties, items, the issued determination with its "
    "decisions and their items, records, assignment, letters with their copies (the service "
    "each says), the audit row; for the clocks, the delivered "
    "letter with its determination and its decisions",
)
def _api_case(people, size):
    case = issued_case(size, created_by=people.api_client)
    url = reverse("api:case", args=[case.case_number])
    # The last letter version's party SHA-256 (issued_case: the hash of its content).
    party = hashlib.sha256(minimal_pdf() + f"% party {size}\n".encode()).hexdigest()
    return Visit(people.api_client, url, api=True, shows=(f"Report {size}", party))


@budget(
    "api:case_letter",
    6,
    why="token with user, case with parties and items, the letter, the audit row",
)
def _api_case_letter(people, size):
    case = issued_case(size, created_by=people.api_client)
    url = reverse("api:case_letter", args=[case.case_number, size, "party"])
    return Visit(people.api_client, url, api=True)


# --- The roster and assignment --------------------------------------------------------------


@budget("roster:specialty_table", 4, why="session, user, specialties, category links")
def _specialty_table(people, size):
    specialties_add(size)
    return Visit(people.case_admin, reverse("roster:specialty_table"))


@budget("roster:specialty_table_row", 4, variant="htmx", why="session, user, specialties, links")
def _specialty_row(people, size):
    specialties_add(size)
    url = reverse("roster:specialty_table_row", args=["injection"])
    return Visit(people.case_admin, url, headers=HTMX)


@budget(
    "assignment:case_assign",
    10,
    why="session, user, case with parties and items (read once: matching reuses them), the "
    "case facts (its assignments and declared conflicts), the roster's version (the roster "
    "itself is this process's copy while the version holds: read on the first visit, not "
    "counted), the open assignments of the reviewers who may be eligible, and the audit row; "
    "the excluded reviewers' list is read when the panel is opened",
)
def _case_assign(people, size):
    case = ready_case()
    # Two more: the first two are excluded (a conflict, on leave), the rest eligible.
    roster_add(size + 2, prefix=f"REV-A{size}")
    CaseConflict.objects.create(case=case, reviewer=people.reviewer, reason="Treated the worker")
    return Visit(
        people.case_admin,
        reverse("assignment:case_assign", args=[case.case_number]),
        shows=(f"Roe REV-A{size}-{size + 1}</strong>",),
    )


@budget(
    "assignment:case_assign",
    11,
    variant="excluded",
    why="as the Assign page, and the open assignments of the excluded reviewers shown (those "
    "of the eligible are read already); htmx draws the excluded panel alone",
)
def _case_assign_excluded(people, size):
    case = ready_case()
    roster_add(size, prefix=f"REV-E{size}")
    CaseConflict.objects.create(case=case, reviewer=people.reviewer, reason="Treated the worker")
    return Visit(
        people.case_admin,
        reverse("assignment:case_assign", args=[case.case_number]) + "?excluded_page=1",
        headers=HTMX,
        shows=("Treated the worker", f"Roe REV-E{size}-0</strong>", f"Roe REV-E{size}-1</strong>"),
    )


@budget(
    "assignment:case_assign",
    12,
    variant="assigned",
    why="as the Assign page with the excluded panel (a search opens it on what it found), "
    "and the assignment in force (to unassign or reassign it)",
)
def _case_assign_assigned(people, size):
    case = ready_case()
    roster_add(size, prefix=f"REV-C{size}")
    reviewer_assign(case=case, reviewer=people.reviewer, actor=people.case_admin)
    return Visit(
        people.case_admin,
        reverse("assignment:case_assign", args=[case.case_number]) + f"?q=REV-C{size}",
        shows=("Unassign or reassign", f"Roe REV-C{size}-{size - 1}"),
    )


@budget(
    "account:notifications",
    4,
    why="session, user (with the unread count the bell shows), the count, one page",
)
def _notifications(people, size):
    notify_many(people.case_admin, size)
    return Visit(people.case_admin, reverse("account:notifications"), shows=(f"Notice {size - 1}",))


@budget(
    "account:notification_open",
    8,
    why="session, user, the notification; marking it read in a savepoint (the update, the "
    "unread left, the bell's count); then a redirect to where it points (audited there)",
)
def _notification_open(people, size):
    notify_many(people.case_admin, size)
    latest = people.case_admin.notifications.latest("pk")
    url = reverse("account:notification_open", args=[latest.pk])
    return Visit(people.case_admin, url, status=302)


@budget(
    "assignment:assignments_batch",
    6,
    variant="plan",
    why="session, user, the latest plan run with its creator (the plan as stored JSON), "
    "whether assignments changed since it, the count of waiting cases",
)
def _assignments_batch(people, size):
    for _ in range(size):
        ready_case()
    roster_add(size, prefix=f"REV-B{size}")
    run = PlanRun.objects.create(created_by=people.case_admin)
    plan_work_out(run_id=run.pk)
    return Visit(
        people.case_admin,
        reverse("assignment:assignments_batch"),
        shows=("Plan (", "Assign the ticked cases"),
    )


@budget(
    "assignment:assignments_batch",
    5,
    why="session, user, the latest plan run (none yet), the count of waiting cases",
)
def _assignments_batch_waiting(people, size):
    for _ in range(size):
        ready_case()
    return Visit(people.case_admin, reverse("assignment:assignments_batch"), shows=("waiting",))


@budget(
    "assignment:assignments_plan_status",
    5,
    why="session, user, the plan run with its creator, the count of waiting cases",
)
def _assignments_plan_status(people, size):
    for _ in range(size):
        ready_case()
    run = PlanRun.objects.create(created_by=people.case_admin, progress="Loading the roster")
    return Visit(
        people.case_admin,
        reverse("assignment:assignments_plan_status", args=[run.pk]),
        headers=HTMX,
        shows=("Loading the roster", "every 1s"),
    )


# --- The reviewer's side --------------------------------------------------------------------


@budget(
    "determination:reviewer_dashboard",
    9,
    why="session, user, the open assignments as a few columns each (their stage and stored "
    "deadline, counted), the rows drawn (a page) with their cases, their items, the new "
    "ones' parties, determinations (no summary text) with their decisions' outcomes (no "
    "rationale); the finished history is fetched when its panel is opened",
)
def _dashboard(people, size):
    shown = []
    for number in range(size):
        if number % 2:
            case = ready_case()
            reviewer_assign(case=case, reviewer=people.reviewer, actor=people.case_admin)
        else:
            case, _ = draft_in_review(people, 2)
        shown.append(case.case_number)
    return Visit(people.reviewer, reverse("determination:reviewer_dashboard"), shows=tuple(shown))


@budget(
    "determination:reviewer_dashboard",
    9,
    variant="finished",
    why="session, user, the open assignments as a few columns each (which ones a terminated "
    "case ended), the ids of one page of finished ones, the rows drawn with their cases, "
    "their items, determinations (no summary text) with their decisions' outcomes (no "
    "rationale); htmx draws the finished panel alone",
)
def _dashboard_finished(people, size):
    shown = []
    for number in range(size):
        case, determination = draft_in_review(people, 2)
        # Approved (the assignment still open), or issued with the assignment completed.
        Determination.objects.filter(pk=determination.pk).update(
            status=DeterminationStatus.ISSUED if number % 2 else DeterminationStatus.APPROVED
        )
        if number % 2:
            Assignment.objects.filter(case=case).update(status=AssignmentStatus.COMPLETED)
        shown.append(case.case_number)
    return Visit(
        people.reviewer,
        reverse("determination:reviewer_dashboard") + "?finished=1",
        headers=HTMX,
        shows=tuple(shown),
    )


@budget("determination:guideline_search", 3, variant="htmx", why="session, user, the catalog")
def _guideline_search(people, size):
    for number in range(size):
        GuidelineSource.objects.create(
            family=GuidelineFamily.ODG,
            evidence_rank=3,
            title=f"Budget guideline {size}-{number}",
            year=2024,
        )
    url = reverse("determination:guideline_search") + "?q=budget"
    return Visit(people.reviewer, url, headers=HTMX, shows=(f"Budget guideline {size}-0",))


@budget(
    "determination:workspace",
    10,
    why="session, user, case with parties and items, assignment, determination with its "
    "decisions and rounds; then a redirect to the first unfinished step",
)
def _workspace(people, size):
    case, _ = draft_in_review(people, size)
    url = reverse("determination:workspace", args=[case.case_number])
    return Visit(people.reviewer, url, status=302)


# Every step: session, user, case with parties and items, assignment, the draft with its
# decisions, rounds and their comments, records opened, records, and the records' sources for
# the names the public letter must not print, and the newest event's id (the page's poll of
# what others did asks after it). Step 3 (decisions) has its own budget below.
WORKSPACE_STEPS = {1: 15, 2: 15, 4: 15, 5: 15, 6: 15}


def _workspace_step(step: int, queries: int):
    why = "the workspace of a draft returned by quality review"

    @budget("determination:workspace_step", queries, variant=f"step {step}", why=why)
    def _step(people, size):
        case, _ = draft_in_review(people, size, rounds=size - 1)
        url = reverse("determination:workspace_step", args=[case.case_number, step])
        return Visit(people.reviewer, url, shows=(f"Progress report {size}",))


for _step_number, _step_queries in WORKSPACE_STEPS.items():
    _workspace_step(_step_number, _step_queries)


@budget(
    "determination:workspace_step",
    20,
    variant="step 3, three items",
    why="the workspace of a draft returned by quality review, with the organization (its short "
    "name prints in the citation), the guideline catalog and one query of similar prior items "
    "per disputed item (a case has a few: three here whatever the size, while its records, its "
    "rounds and the precedents grow); on PostgreSQL bitmap scans turned off and back on around "
    "the items' rankings among their category's newest, each of the two knee MRIs (which no "
    "precedent is like) asked again of the GIN indexes, then one read of every precedent kept "
    "(reviews.precedents.search.similar_item_ranks, rows_read_in_order)",
    postgresql_extra=5,
)
def _workspace_step_three(people, size):
    case, _ = draft_in_review(people, size, rounds=size - 1, items=3)
    # At least five like the first item whatever the size: its category's newest fill its
    # panel in both worlds.
    numbers = similar_precedents_add(size + 5)
    url = reverse("determination:workspace_step", args=[case.case_number, 3])
    return Visit(people.reviewer, url, shows=(f"Progress report {size}", numbers[-1]))


@budget(
    "determination:workspace_step",
    11,
    variant="step 1, not yet accepted",
    why="session, user, case with parties and items, assignment, no draft, records opened, "
    "records, the newest event's id",
)
def _workspace_step_assigned(people, size):
    case = ready_case()
    for position in range(2, size + 1):
        DisputedItemFactory(case=case, position=position, category="injection")
    records_add(case, size)
    reviewer_assign(case=case, reviewer=people.reviewer, actor=people.case_admin)
    url = reverse("determination:workspace_step", args=[case.case_number, 1])
    return Visit(people.reviewer, url, shows=(f"Progress report {size}",))


def similar_precedents_add(size: int) -> list[str]:
    """`size` published decisions like the budget case's first item (a lumbar sympathetic
    block), upheld and overturned."""
    numbers = []
    for number in range(size):
        key = f"CM15-{size:03d}{number:04d}"
        precedent_record(
            case_number=key,
            source="published",
            decided_on=dt.date(2025, 1, 1) + dt.timedelta(days=number),
            items=[
                PrecedentItemText(
                    description=f"Lumbar sympathetic block, level L{number}",
                    category="injection",
                    outcome="upheld" if number % 2 else "overturned",
                    citation="MTUS Chronic Pain Medical Treatment Guidelines Page(s): 103",
                    rationale="The block is not supported without documented relief.",
                    guideline_source="mtus",
                )
            ],
        )
        numbers.append(key)
    return numbers


@budget(
    "letters:workspace_preview",
    15,
    why="the workspace's reads (without the item comments), then the letter's: organization, "
    "paragraphs, decisions, records, and whether records were complete (one event); the "
    "parties come with the case",
)
def _workspace_preview(people, size):
    case, _ = draft_in_review(people, size)
    url = reverse("letters:workspace_preview", args=[case.case_number])
    return Visit(people.reviewer, url, shows=(f"Progress report {size}",))


# --- Quality review -------------------------------------------------------------------------


@budget(
    "quality:quality_queue",
    12,
    why="session, user, waiting determinations with decisions, rounds, open consistency "
    "flags, case items and reviewers (read for the page shown), returned ones (a row's clock "
    "is the stored due date: no items), the user's recent approvals and their outcomes",
)
def _quality_queue(people, size):
    shown = []
    for number in range(size):
        case, _ = draft_in_review(people, 2, rounds=1 if number % 2 else 0)
        if not number % 2:
            determination = Determination.objects.get(case=case, round=case.round)
            determination_submit(
                determination=determination, actor=people.reviewer, password=PASSWORD
            )
        shown.append(case.case_number)
        # One the user approved (the round alone: the list reads nothing else of it).
        approved_case, approved = draft_in_review(people, 1)
        QualityReview.objects.create(
            determination=approved,
            number=1,
            reviewer=people.quality_reviewer,
            outcome=QualityOutcome.APPROVED,
        )
        shown.append(approved_case.case_number)
    return Visit(people.quality_reviewer, reverse("quality:quality_queue"), shows=tuple(shown))


@budget(
    "quality:quality_review",
    15,
    why="session, user, case with parties and items, determination with decisions, rounds "
    "and comments, the items, consistency flags, records opened, records, organization, the "
    "records' sources (names the public letter must not print)",
)
def _quality_review(people, size):
    case = submitted_for_quality(people, size)
    url = reverse("quality:quality_review", args=[case.case_number])
    return Visit(people.quality_reviewer, url, shows=(f"Progress report {size}",))


@budget(
    "letters:quality_preview",
    15,
    why="session, user, case with parties and items, the submitted determination with its "
    "decisions, then the letter's: organization, paragraphs, decisions, records, and whether "
    "records were complete (one event)",
)
def _quality_preview(people, size):
    case = submitted_for_quality(people, size)
    url = reverse("letters:quality_preview", args=[case.case_number])
    return Visit(people.quality_reviewer, url, shows=(f"Progress report {size}",))


# --- Letters and settings -------------------------------------------------------------------


@budget(
    "letters:case_letters",
    12,
    variant="htmx",
    why="session, user, case with parties and items, notices, letters, their deliveries "
    "(one query for each kind's deliveries), the proofs of service with their copies and "
    "documents, the case's open follow-ups (waiting, stuck, failed), the audit row",
)
def _case_letters(people, size):
    case = issued_case(size)
    url = reverse("letters:case_letters", args=[case.case_number])
    return Visit(people.case_admin, url, headers=HTMX, shows=(f"Version {size}",))


@budget("letters:letter_download", 7, why="session, user, case with parties and items, the letter")
def _letter_download(people, size):
    case = issued_case(size)
    url = reverse("letters:letter_download", args=[case.case_number, size, "party"])
    return Visit(people.case_admin, url)


@budget(
    "letters:notice_download",
    7,
    why="session, user, case with parties and items, the notice (its bytes checked against "
    "its SHA-256)",
)
def _notice_download(people, size):
    case = issued_case(size)
    url = reverse(
        "letters:notice_download", args=[case.case_number, NoticeKind.NOTICE_OF_ASSIGNMENT, size]
    )
    return Visit(people.case_admin, url)


def mailings_waiting(size: int) -> PrintBatch:
    """`size` issued cases with a mailing each waiting to be printed, and a printed batch of
    `size` more waiting to be posted."""
    content = minimal_pdf()
    batch = PrintBatch.objects.create(
        posting_on=dt.date(2026, 11, 23),
        sha256=hashlib.sha256(content).hexdigest(),
        status=PrintBatchStatus.READY,
        total=size,
        done=size,
    )
    batch.pdf.save("batch.pdf", ContentFile(content), save=True)
    for number in range(size):
        letter = issued_case(1).letters.get()
        for role, status, in_batch in (
            ("worker_mail", DeliveryStatus.TO_PRINT, None),
            ("employer_mail", DeliveryStatus.PRINTED, batch),
        ):
            LetterDelivery.objects.create(
                letter=letter,
                recipient_role=role,
                recipient_name=f"Posted party {number}",
                method="mail",
                status=status,
                address=f"{number} Main St\nFresno, CA 93701",
                batch=in_batch,
            )
    return batch


@budget(
    "letters:print_queue",
    12,
    why="session, user, waiting letter mailings and notice mailings with their document and "
    "case, the letter and notice copies held for an address (the first 50 of each), open "
    "batches with their printer, the batches' letter mailings and notice mailings "
    "with their document and case, the letter mailings' case parties (a changed address; "
    "notice mailings' parties only when there are some), the batches posted recently with their "
    "confirmer",
)
def _print_queue(people, size):
    mailings_waiting(size)
    return Visit(
        people.case_admin, reverse("letters:print_queue"), shows=(f"Posted party {size - 1}",)
    )


@budget(
    "letters:print_batch_download",
    5,
    why="session, user, the batch (its bytes checked against its SHA-256), the cases it holds "
    "(letters' and notices' in one UNION), the audit rows (one per case, one INSERT)",
)
def _print_batch_download(people, size):
    batch = mailings_waiting(size)
    return Visit(people.case_admin, reverse("letters:print_batch_download", args=[batch.pk]))


@budget(
    "letters:print_batch_status",
    7,
    why="session, user, the batch with its printer, its letter mailings and notice mailings "
    "with their document and case, the letter mailings' case parties (a changed address; notice "
    "mailings' parties only when there are some), the audit row",
)
def _print_batch_status(people, size):
    batch = mailings_waiting(size)
    PrintBatch.objects.filter(pk=batch.pk).update(status=PrintBatchStatus.RENDERING, done=1)
    return Visit(
        people.case_admin,
        reverse("letters:print_batch_status", args=[batch.pk]),
        headers=HTMX,
        shows=(f"Posted party {size - 1}", "every 1s"),
    )


@budget(
    "letters:proof_download",
    8,
    why="session, user, case with parties and items, the proof with its copy and document "
    "(its bytes checked against its SHA-256), the audit row",
)
def _proof_download(people, size):
    proof = proof_served(issued_case(size))
    url = reverse("letters:proof_download", args=[proof.case.case_number, proof.pk])
    return Visit(people.case_admin, url)


def proof_served(case) -> ProofOfService:
    """A signed proof of electronic service of the case's last letter, to the employer."""
    letter = case.letters.order_by("-version").first()
    copy = LetterDelivery.objects.create(
        letter=letter,
        recipient_role="employer",
        recipient_name="Served party",
        method="email",
        status=DeliveryStatus.SENT,
        email="hr@example.org",
        served_on=dt.date(2026, 11, 23),
    )
    content = minimal_pdf()
    proof = ProofOfService(
        case=case,
        letter_delivery=copy,
        method="email",
        served_on=dt.date(2026, 11, 23),
        declarant="Pat Declarant",
        sha256=hashlib.sha256(content).hexdigest(),
    )
    proof.pdf.save("proof.pdf", ContentFile(content), save=True)
    return proof


@budget("letters:letter_verify", 0, why="nobody signed in: a form and no rows")
def _letter_verify(people, size):
    issued_case(size)
    return Visit(None, reverse("letters:letter_verify"))


@budget(
    "letters:organization_settings",
    5,
    why="session, user, organization, current paragraphs, every version with its author",
)
def _organization_settings(people, size):
    current = letter_text_current()
    for _ in range(size):
        current = LetterText.objects.create(
            version=current.version + 1,
            how_made=current.how_made,
            summary_lead_in=current.summary_lead_in,
            issues_lead_in=current.issues_lead_in,
            binding_notice=current.binding_notice,
            appeal_notice=current.appeal_notice,
            overturned_notice=current.overturned_notice,
            created_by=UserFactory(),
        )
    return Visit(
        people.system_admin,
        reverse("letters:organization_settings"),
        shows=(current.created_by.get_full_name(),),
    )


# --- File integrity -------------------------------------------------------------------------


@budget(
    "integrity:integrity",
    6,
    why="session, user, the findings with their case, actor and run, the latest checks, the "
    "files the latest finished check found failing (what is sound again), the audit row",
)
def _integrity(people, size):
    run = IntegrityCheckRun.objects.create(
        files_checked=size, problems=size, finished_at=timezone.now()
    )
    for number in range(size):
        case = CaseFactory()
        IntegrityFinding.objects.create(
            source="download" if number % 2 else "check",
            run=None if number % 2 else run,
            problem="mismatch",
            kind="Medical record",
            object_id=number + 1,
            case=case,
            path=f"records/{case.pk}/budget-{size}-{number}.pdf",
            expected_sha256="0" * 64,
            actual_sha256="1" * 64,
            actor=UserFactory() if number % 2 else None,
        )
    return Visit(
        people.system_admin,
        reverse("integrity:integrity"),
        shows=(f"budget-{size}-{size - 1}.pdf",),
    )


# --- The operations dashboard and the monthly report ------------------------------------------


def operations_add(people: People, size: int) -> None:
    """For the dashboard and the report: `size` issued determinations in the period, each with
    `size` decided items (pharmaceuticals of a drug class among them) and a served letter;
    `size` open cases due soon, each assigned to its own reviewer; `size` eligibility
    findings, ineligible with reasons."""
    today = timezone.localdate()
    text = letter_text_current()
    for number in range(size):
        reviewer = reviewer_with_profile(
            f"REV-OPS-{size}-{number}", certifications=("Pain Management",)
        )
        case = CaseFactory(
            status=CaseStatus.ISSUED,
            application_received=today - dt.timedelta(days=20),
            date_assigned=today - dt.timedelta(days=19),
            records_complete_on=today - dt.timedelta(days=15),
        )
        determination = Determination.objects.create(
            case=case,
            reviewer=reviewer,
            status=DeterminationStatus.ISSUED,
            decision_date=today - dt.timedelta(days=2),
        )
        for position in range(1, size + 1):
            item = DisputedItemFactory(
                case=case, position=position, category="pharmaceuticals", drug_class="opioids"
            )
            ItemDecision.objects.create(
                determination=determination, item=item, outcome="overturned"
            )
        Letter.objects.create(
            case=case,
            determination=determination,
            version=1,
            status=LetterStatus.DELIVERED,
            letter_text=text,
            served_on=today - dt.timedelta(days=1),
        )
        finding_recorded(case, today, eligible=False, codes=("late", "duplicate"))
        due = CaseFactory(
            status=CaseStatus.IN_REVIEW,
            application_received=today - dt.timedelta(days=10),
            date_assigned=today - dt.timedelta(days=9),
            records_complete_on=today - dt.timedelta(days=8),
            due_on=today + dt.timedelta(days=number % 3),
        )
        Assignment.objects.create(case=due, reviewer=reviewer, status="accepted")


@budget(
    "reports:dashboard",
    16,
    why="session, user; one grouped query each: stages, at risk by clock, at risk by reviewer "
    "(and the reviewers' names), reviewer load, applications and letters per week (two), "
    "days to decision, outcomes by category, specialty and drug class (three), eligibility; "
    "the items decided each once (the specialty table's total line: its rows count an item "
    "under each specialty of its reviewer, so no sum of them gives it); "
    "the latest monthly report runs with who asked (computed: 'Refresh now'; within the "
    "minute the figures come from the cache)",
)
def _reports_dashboard(people, size):
    operations_add(people, size)
    report_runs_add(people.case_admin, size)
    return Visit(
        people.case_admin,
        reverse("reports:dashboard") + "?fresh=1",
        shows=("Opioids", f"REV-OPS-{size}-{size - 1}"),
    )


@budget(
    "reports:dashboard",
    3,
    variant="kept",
    why="session, user, the latest monthly report runs: the figures computed by the first "
    "visit, kept for the minute",
)
def _reports_dashboard_kept(people, size):
    operations_add(people, size)
    report_runs_add(people.case_admin, size)
    return Visit(people.case_admin, reverse("reports:dashboard"), shows=("Opioids",))


@budget(
    "reports:dashboard",
    2,
    variant="csv",
    why="session, user; the chart's table from the page's snapshot, which the first request "
    "took (the page's queries) and the cache keeps for the minute",
)
def _reports_dashboard_csv(people, size):
    operations_add(people, size)
    url = reverse("reports:dashboard") + "?format=csv&chart=outcomes_drug_class"
    return Visit(people.case_admin, url, shows=("Opioids",))


@budget(
    "reports:reviewer_open_cases",
    5,
    why="session, user, the audit row; the reviewer with their login; their open assignments "
    "with each case",
)
def _reports_reviewer_open_cases(people, size):
    cases = [
        CaseFactory(status=CaseStatus.IN_REVIEW, due_on=timezone.localdate()) for _ in range(size)
    ]
    for case in cases:
        Assignment.objects.create(case=case, reviewer=people.reviewer, status="accepted")
    return Visit(
        people.case_admin,
        reverse("reports:reviewer_open_cases", args=[people.reviewer.reviewer_profile.pk]),
        shows=tuple(case.case_number for case in cases),
    )


def report_runs_add(user, size: int, *, status=ReportRunStatus.DONE) -> ReportRun:
    """`size` runs of the monthly report, one per month back from last month, each done with
    its stored PDF and CSV; the last (last month's) in `status`. A run still working from an
    earlier arrangement is failed first (one working run per month)."""
    ReportRun.objects.filter(status__in=WORKING_STATUSES).update(status=ReportRunStatus.FAILED)
    first = timezone.localdate().replace(day=1)
    for back in range(size, 0, -1):
        month = first
        for _ in range(back):
            month = (month - dt.timedelta(days=1)).replace(day=1)
        run = ReportRun(month=month, created_by=user, steps_total=9)
        if back > 1 or status == ReportRunStatus.DONE:
            pdf, csv = minimal_pdf(), f"IMR monthly report,{month:%B %Y}\r\n".encode()
            run.pdf.save("report.pdf", ContentFile(pdf), save=False)
            run.csv.save("report.csv", ContentFile(csv), save=False)
            run.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            run.csv_sha256 = hashlib.sha256(csv).hexdigest()
            run.status, run.steps_done = ReportRunStatus.DONE, 9
        else:
            run.status, run.steps_done, run.step = status, 3, "Timeliness"
            run.heartbeat_at = timezone.now()
        run.save()
    return run


@budget(
    "reports:monthly_report",
    3,
    why="session, user, the month's latest done run (its stored file checked, no query)",
)
def _reports_monthly(people, size):
    report_runs_add(people.case_admin, size)
    url = reverse("reports:monthly_report") + "?format=csv"
    return Visit(people.case_admin, url)


@budget(
    "reports:report_run",
    4,
    why="session, user, the run with who asked, the latest runs with who asked",
)
def _report_run(people, size):
    run = report_runs_add(people.case_admin, size)
    return Visit(
        people.case_admin, reverse("reports:report_run", args=[run.pk]), shows=("Download PDF",)
    )


@budget(
    "reports:report_run",
    4,
    variant="htmx",
    why="session, user, the run with who asked (the progress panel, while it counts), the "
    "latest runs with who asked",
)
def _report_run_progress(people, size):
    run = report_runs_add(people.case_admin, size, status=ReportRunStatus.RUNNING)
    return Visit(
        people.case_admin,
        reverse("reports:report_run", args=[run.pk]),
        headers=HTMX,
        shows=("every 1s", "Timeliness"),
    )


@budget(
    "reports:report_run_download",
    3,
    why="session, user, the run (its stored file checked against its SHA-256, no query)",
)
def _report_run_download(people, size):
    run = report_runs_add(people.case_admin, size)
    url = reverse("reports:report_run_download", args=[run.pk]) + "?format=pdf"
    return Visit(people.case_admin, url)


# --- Precedent library ------------------------------------------------------------------------


def precedents_add(size: int) -> list[str]:
    """`size` issued decisions of our own cases, two items each, and `size` published ones."""
    numbers = []
    for number in range(size):
        case = CaseFactory(status=CaseStatus.ISSUED)
        for source, key, linked in (
            ("issued", case.case_number, case),
            ("published", f"CM14-{size:03d}{number:04d}", None),
        ):
            precedent_record(
                case_number=key,
                source=source,
                case=linked,
                decided_on=dt.date(2026, 1, 1) + dt.timedelta(days=number),
                reviewer_specialty="Pain Management",
                items=[
                    PrecedentItemText(
                        description=f"Lumbar sympathetic block {position}",
                        category="injection",
                        outcome="upheld",
                        citation="MTUS Chronic Pain Treatment Guidelines Page(s): 114",
                        rationale="The block is not supported without documented relief.",
                    )
                    for position in (1, 2)
                ],
            )
            numbers.append(key)
    return numbers


PRECEDENTS_WHY = (
    "session, user, the specialty names (the filter), the page of items with their decisions "
    "(one row more than a page: no count), which of their cases the user may open, the audit row"
)


@budget("precedents:precedent_search", 6, why=PRECEDENTS_WHY)
def _precedent_search(people, size):
    numbers = precedents_add(size)
    url = reverse("precedents:precedent_search") + "?q=sympathetic+block&category=injection"
    return Visit(people.case_admin, url, shows=(numbers[-1], "<mark>"))


@budget(
    "precedents:precedent_search",
    6,
    variant="htmx results, a reviewer's scope",
    why="as the page; the reviewer's case scope is a subquery of the same query",
)
def _precedent_search_htmx(people, size):
    numbers = precedents_add(size)
    url = reverse("precedents:precedent_search") + "?q=block&outcome=upheld"
    return Visit(people.reviewer, url, headers=HTMX, shows=(numbers[-1],))


@budget(
    "precedents:precedent_search_csv",
    4,
    why="session, user, the specialty names (the form), the audit row; the items stream after "
    "the answer",
)
def _precedent_search_csv(people, size):
    numbers = precedents_add(size)
    url = reverse("precedents:precedent_search_csv") + "?q=block"
    return Visit(people.case_admin, url, shows=(numbers[0],))


# --- API tokens -------------------------------------------------------------------------------


@budget(
    "api_tokens:api_tokens",
    7,
    why="session, user, API clients for the form, the tokens; the form's one-use token kept "
    "in the session (an UPDATE in its savepoint), so a reload cannot make a second token",
)
def api_tokens_page(people: People, size: int) -> Visit:
    for number in range(size):
        client = UserFactory(role=Role.API_CLIENT)
        token, _key = api_token_create(user=client, name=f"Claims system {size}-{number}")
        if number % 2:
            api_token_revoke(token=token, actor=people.system_admin)
    return Visit(
        people.system_admin,
        reverse("api_tokens:api_tokens"),
        shows=(f"Claims system {size}-{size - 1}",),
    )


# --- The clock's pages ----------------------------------------------------------------------


def holiday_versions_add(size: int) -> str:
    """`size` more versions of each calendar, each adding an August 2030 day (August has no
    holidays) by another system administrator; returns the name of the last one added."""
    name = ""
    for calendar in CalendarName.values:
        for _ in range(size):
            number = CalendarVersion.objects.filter(calendar__name=calendar).count()
            name = f"Budget day {number}"
            holiday_add(
                calendar=calendar,
                date=dt.date(2030, 8, number),
                name=name,
                note="budget",
                actor=UserFactory(role=Role.SYSTEM_ADMIN),
            )
    return name


@budget("clock:calculator", 2, why="session, user (the form; nothing is computed on GET)")
def _calculator(people, size):
    holiday_versions_add(size)
    return Visit(people.case_admin, reverse("clock:calculator"), shows=("Calculate",))


@budget(
    "clock:holidays",
    5,
    why="session, user, the calendars, every version with its author, the year's holidays",
)
def _holidays(people, size):
    last = holiday_versions_add(size)
    url = reverse("clock:holidays") + "?year=2030"
    return Visit(people.system_admin, url, shows=(last, "Change this calendar"))


@budget("ops:health", 1, why="nobody signed in: the database check's SELECT 1, and no rows")
def _health(people, size):
    issued_case(size)
    return Visit(None, reverse("ops:health"), shows=('"status": "ok"',))


@budget("ops:live", 0, why="nobody signed in: the process answers, nothing is read")
def _live(people, size):
    return Visit(None, reverse("ops:live"), shows=('"status": "ok"',))


@budget("ops:favicon", 0, why="nobody signed in: a redirect to the static icon, nothing is read")
def _favicon(people, size):
    return Visit(None, reverse("ops:favicon"), status=302)


@budget(
    "ops:metrics",
    2,
    why="from loopback, no session: letters by status, issued determinations by outcome",
)
def _metrics(people, size):
    issued_case(size)
    issued = float(Letter.objects.filter(signed_at__isnull=False).count())
    return Visit(None, reverse("ops:metrics"), shows=(f"imr_letters_issued_total {issued}",))


# --- The tests ------------------------------------------------------------------------------


def url_patterns(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[tuple]:
    """(name with its namespace, pattern) of every named route of the URLconf, outside the
    namespaces that need no budget."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in NOT_BUDGETED_NAMESPACES:
                continue
            yield from url_patterns(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif pattern.name:
            yield prefix + pattern.name, pattern


def test_every_get_route_has_a_budget():
    routes = {name for name, _pattern in url_patterns()}
    budgeted = {entry.route for entry in BUDGETS.values()}
    unaccounted = routes - budgeted - set(POST_ONLY) - set(NOT_BUDGETED)
    assert not unaccounted, f"Routes without a query budget: {sorted(unaccounted)}"
    # And nothing here names a route that is gone.
    assert not (budgeted | set(POST_ONLY) | set(NOT_BUDGETED)) - routes


def any_kwargs(route: str) -> dict:
    """Arguments that fit the route's pattern (the 405 comes before any lookup)."""
    pattern = dict(url_patterns())[route]
    values = {
        "case_number": "CM26-0000001",
        "which": "party",
        "kind": "items",
        "role": "employer",
    }
    return {name: values.get(name, 1) for name in pattern.pattern.regex.groupindex}


@pytest.mark.parametrize("route", sorted(POST_ONLY))
def test_post_only_routes_refuse_get(route):
    role = POST_ONLY[route]
    user = UserFactory(role=role)
    visit = Visit(user, reverse(route, kwargs=any_kwargs(route)), api=route.startswith("api:"))
    assert client_for(visit).get(visit.url).status_code == 405


@pytest.mark.parametrize("key", sorted(BUDGETS))
def test_query_count_is_pinned_and_does_not_grow_with_the_rows(key, people):
    entry = BUDGETS[key]
    small = queries_of(entry.arrange(people, SMALL))
    large = queries_of(entry.arrange(people, LARGE))

    def listing(captured):
        return "\n".join(f"  {query['sql'][:300]}" for query in captured.captured_queries)

    expected = entry.expected()
    assert (len(small), len(large)) == (expected, expected), (
        f"{key}: {len(small)} queries with {SMALL} rows, {len(large)} with {LARGE}; "
        f"the budget is {expected} ({entry.why}).\n"
        f"With {LARGE}:\n{listing(large)}"
    )


# --- The API's writes -------------------------------------------------------------------------
# A write's own inserts grow with what it writes (each item, each record), so each write here
# sends the same body; what must not grow is what it reads around it as the tables fill up.

# A record's page count is an outbox follow-up: its row is written with the record (select,
# savepoint, insert, release) and, tasks being eager here, marked running and done. A new case
# is written by cases_create_bulk, one INSERT per table (32 queries when each party and item
# was checked against the table and saved on its own). A record sent again after a timeout is
# looked for first (records_add_once: the case's file searched for the same PDF, a retry's title
# and date or another's, under the case's one lock): one more.
API_WRITE_BUDGETS = {
    "api:cases": 15,
    "api:case_records": 17,
}


def api_write(client, route: str, tag: str, case_number: str):
    if route == "api:cases":
        body = intake_payload(application_id=f"A-BUDGET-{tag}")
        return client.post(reverse(route), body, format="json")
    body = {
        "title": f"Progress report {tag}",
        "document_date": "2026-11-02",
        # Another PDF for the warm-up than for the counted request: the same PDF twice in one
        # case's file is refused (records_add_once).
        "content": base64.b64encode(minimal_pdf(2 if tag.startswith("warm") else 1)).decode(
            "ascii"
        ),
    }
    return client.post(reverse(route, args=[case_number]), body, format="json")


@pytest.mark.parametrize("route", sorted(API_WRITE_BUDGETS))
def test_api_writes_read_the_same_with_more_rows(route, people, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    counts = []
    # The client's token is made before anything is counted.
    client = client_for(Visit(people.api_client, "", api=True))
    for size in (SMALL, LARGE):
        for _ in range(size):
            CaseFactory(created_by=people.api_client)
        case = CaseFactory(created_by=people.api_client, status=CaseStatus.AWAITING_RECORDS)
        api_write(client, route, f"warm-{size}", case.case_number)
        with CaptureQueriesContext(connection) as captured:
            response = api_write(client, route, f"{size}", case.case_number)
        assert response.status_code == 201, response.content
        counts.append(len(captured))
    assert counts == [API_WRITE_BUDGETS[route]] * 2, (
        f"{route}: {counts[0]} queries with {SMALL} cases, {counts[1]} with {LARGE}; "
        f"the budget is {API_WRITE_BUDGETS[route]}"
    )
