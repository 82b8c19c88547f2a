"""Assignment levers: unassign and reassign with a reason, escalation of an assignment not
accepted in time, administrators told of every decline, and the Assign page's search, pages and
score breakdown."""

import datetime as dt
import html
import threading
import time

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, Role
from accounts.notifications import notify
from cases.access import case_history_for
from cases.formatting import us_datetime
from cases.lifecycle.models import Case, CaseEvent, CaseStatus, EventType, Priority
from cases.reminders.services import Reminded, clock_notices_send, reviewer_remind
from reviews.assignment.models import Assignment, AssignmentStatus
from reviews.assignment.notifications import acceptance_escalation_notify
from reviews.assignment.services import (
    accept_by,
    acceptances_escalate,
    reviewer_assign,
    reviewer_deactivated_announce,
    reviewer_unassign,
)
from reviews.determination.models import Determination, DeterminationStatus, QualityReview
from reviews.determination.services import (
    assignment_accept,
    assignment_decline,
    determination_draft_get_or_create,
    determination_submit,
)
from reviews.quality.selectors import determinations_returned
from reviews.quality.services import determination_return
from tests.factories import (
    PASSWORD,
    UserFactory,
    case_in_review,
    determination_fill,
    ready_case,
    reviewer_with_profile,
)

pytestmark = pytest.mark.django_db

# An eligible reviewer's Assign button (it names the reviewer for a screen reader).
ASSIGN_BUTTON = '>Assign<span class="visually-hidden">'


@pytest.fixture
def admin(case_admin):
    case_admin.email = "admin@iro.example"
    case_admin.save(update_fields=["email"])
    return case_admin


@pytest.fixture
def admin_client(client, admin):
    client.login(username=admin.username, password=PASSWORD)
    return client


def _assigned(admin, **case_overrides):
    case = ready_case(**case_overrides)
    reviewer = reviewer_with_profile("REV-OLD", last_name="Old")
    assignment = reviewer_assign(case=case, reviewer=reviewer, actor=admin)
    return case, reviewer, assignment


# --- Unassign and reassign ----------------------------------------------------------------------


def test_unassign_ends_the_assignment_tells_the_reviewer_and_the_case_waits_again(
    admin, admin_client, django_capture_on_commit_callbacks
):
    case, reviewer, assignment = _assigned(admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("assignment:case_unassign", args=[case.case_number]),
            {"reason": "Out sick this week"},
            follow=True,
        )
    assert "the reviewer was unassigned and notified" in response.content.decode()
    assignment.refresh_from_db()
    case.refresh_from_db()
    assert assignment.status == AssignmentStatus.WITHDRAWN
    assert assignment.end_reason == "Out sick this week"
    assert assignment.ended_by == admin and assignment.ended_at is not None
    assert case.status == CaseStatus.RECORDS_COMPLETE
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    assert "no longer assigned to you" in mail.outbox[0].subject
    reviewer.refresh_from_db()
    # The assignment's "New case for you" is read (its link no longer opens the case for
    # them); this one waits.
    assert reviewer.notifications_unread == 1
    first, latest = Notification.objects.filter(user=reviewer).order_by("pk")
    assert first.text.startswith("New case for you") and first.read_at is not None
    # With the reason, as the e-mail gives it (from QA).
    assert latest.text == (
        f"{case.case_number} is no longer assigned to you. Reason: Out sick this week"
    )
    assert latest.read_at is None
    event = CaseEvent.objects.get(case=case, type=EventType.REVIEWER_UNASSIGNED)
    assert event.details["reason"] == "Out sick this week"
    # The reviewer's page does not say they read the one they never opened (from QA).
    admin_client.force_login(reviewer)
    page = admin_client.get(reverse("account:notifications")).content.decode()
    assert page.count("request closed ") == 1
    assert page.count(">Mark read</button>") == 1 and "· read " not in page


def test_reassign_goes_straight_to_the_new_reviewer(admin, admin_client):
    case, old, _ = _assigned(admin)
    new = reviewer_with_profile("REV-NEW", last_name="New")
    response = admin_client.post(
        reverse("assignment:case_unassign", args=[case.case_number]),
        {"reason": "Workload", "reviewer": new.pk},
        follow=True,
    )
    assert "reassigned to Jane New" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWER_ASSIGNED
    live = Assignment.objects.get(case=case, status=AssignmentStatus.ASSIGNED)
    assert live.reviewer == new


def test_reassign_to_an_excluded_reviewer_changes_nothing(admin, admin_client):
    case, old, assignment = _assigned(admin)
    conflicted = reviewer_with_profile(
        "REV-CONFLICT", last_name="Conflicted", affiliations=(("employer", "Acme Foods", ""),)
    )
    response = admin_client.post(
        reverse("assignment:case_unassign", args=[case.case_number]),
        {"reason": "Workload", "reviewer": conflicted.pk},
        follow=True,
    )
    # Which reviewer was refused, by name (from QA: the reasons alone).
    said = html.unescape(response.content.decode())
    assert f"{conflicted.get_full_name()} cannot take this case:" in said
    assert "affiliated with the employer" in said
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ASSIGNED
    assert not CaseEvent.objects.filter(case=case, type=EventType.REVIEWER_UNASSIGNED).exists()
    # Nobody is told of what did not happen: the old reviewer has only their assignment's notice.
    assert not Notification.objects.filter(user=conflicted).exists()
    assert list(Notification.objects.filter(user=old).values_list("text", flat=True)) == [
        f"New case for you: {case.case_number} (Standard, due 12/10/2026). Accept or decline it."
    ]


@pytest.mark.parametrize("reviewer", ["abc", "7x", "99999"])
def test_a_reviewer_that_is_not_one_of_the_list_is_refused_with_a_message(
    admin, admin_client, reviewer
):
    """From a QA pass: a reviewer value that was not a number (a form edited by hand) was a
    server error on reassigning and on assigning; it is refused as an unknown one is."""
    case, _, assignment = _assigned(admin)
    for name, data, status in (
        # The unassign form comes back with its reason kept; the Assign button redirects.
        ("case_unassign", {"reason": "Workload", "reviewer": reviewer}, 400),
        ("case_assign", {"reviewer": reviewer}, 200),
    ):
        response = admin_client.post(
            reverse(f"assignment:{name}", args=[case.case_number]), data, follow=True
        )
        assert response.status_code == status
        assert "Choose a reviewer from the list." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ASSIGNED
    assert not CaseEvent.objects.filter(case=case, type=EventType.REVIEWER_UNASSIGNED).exists()


@pytest.mark.parametrize("reason", [" ", "\u200b", "\u200b \u2060"])
def test_unassign_needs_a_reason(admin, admin_client, reason):
    """A reason of spaces, or of characters that print nothing, is no reason."""
    case, _, assignment = _assigned(admin)
    response = admin_client.post(
        reverse("assignment:case_unassign", args=[case.case_number]),
        {"reason": reason},
        follow=True,
    )
    assert "Say why the reviewer is unassigned." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ASSIGNED


def test_a_refused_unassignment_keeps_the_reason_typed_and_the_reviewer_chosen(admin, admin_client):
    """From a QA pass: the form came back empty after a refusal, the reason and the reviewer
    picked thrown away."""
    case, old, assignment = _assigned(admin)
    new = reviewer_with_profile("REV-NEW", last_name="New")
    url = reverse("assignment:case_unassign", args=[case.case_number])

    response = admin_client.post(url, {"reason": " ", "reviewer": new.pk})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Say why the reviewer is unassigned." in page
    assert f'<option value="{new.pk}" selected>' in page
    # Focused when drawn (from QA: the page came back with the focus at its top).
    assert 'id="unassign-error" tabindex="-1" autofocus><p>Say why' in page

    response = admin_client.post(url, {"reason": "Workload <b>today</b>", "reviewer": old.pk})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a different reviewer to reassign the case to." in page
    assert ">Workload &lt;b&gt;today&lt;/b&gt;</textarea>" in page
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ASSIGNED


def test_a_reason_over_2000_characters_is_refused_and_changes_nothing(admin, admin_client):
    """From a QA pass: a 20,000-character reason was taken, e-mailed whole, and pushed the
    pages that show it 200,000 px wide."""
    case, reviewer, assignment = _assigned(admin)
    page = admin_client.get(reverse("assignment:case_assign", args=[case.case_number]))
    assert 'name="reason" rows="2" required maxlength="2000"' in page.content.decode()

    response = admin_client.post(
        reverse("assignment:case_unassign", args=[case.case_number]), {"reason": "R" * 2001}
    )

    assert response.status_code == 400
    assert "The reason is 2,001 characters long; keep it to 2,000." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ASSIGNED
    # A reviewer's decline has the same limit, whichever page sends it.
    with pytest.raises(ValidationError, match="keep it to 2,000"):
        assignment_decline(assignment=assignment, actor=reviewer, reason="R" * 2001)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ASSIGNED


def test_the_assign_page_quotes_the_start_of_a_long_reason(admin, admin_client):
    case, reviewer, _ = _assigned(admin)
    reason = "Travel " + "x" * 300
    reviewer_unassign(case=case, actor=admin, reason=reason)

    page = admin_client.get(
        reverse("assignment:case_assign", args=[case.case_number]), {"excluded_page": 1}
    ).content.decode()

    assert f"(was taken off it: “{reason[:159]}…”)" in page
    assert reason not in page
    # The history keeps it whole.
    history = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    assert reason in history.content.decode()


def test_unassigning_an_accepted_reviewer_discards_the_unsubmitted_draft(admin, admin_client):
    case, reviewer, determination = case_in_review()
    admin_client.post(
        reverse("assignment:case_unassign", args=[case.case_number]), {"reason": "Too slow"}
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.RECORDS_COMPLETE
    assert not Determination.objects.filter(pk=determination.pk).exists()


def _returned_to(reviewer_active: bool):
    """A case whose determination quality review returned to its reviewer, the reviewer's
    login active or not. Returns (case, reviewer, determination)."""
    case, reviewer, determination = case_in_review()
    determination_fill(determination)
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    determination_return(
        determination=determination,
        actor=UserFactory(role=Role.QUALITY_REVIEWER),
        comment="Cite the MTUS page.",
    )
    if not reviewer_active:
        reviewer.is_active = False
        reviewer.save(update_fields=["is_active"])
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED
    return case, reviewer, determination


def test_a_case_returned_to_a_deactivated_reviewer_is_reassigned_and_reviewed_afresh(
    admin, admin_client
):
    # From the last review: a determination returned to a reviewer who had since been
    # deactivated waited on a login that could not sign in, and nothing could take it back.
    case, old, returned = _returned_to(reviewer_active=False)
    page = html.unescape(
        admin_client.get(reverse("casefile:case_detail", args=[case.case_number])).content.decode()
    )
    assert "The assigned reviewer's login is deactivated: reassign the case." in page
    assign_page = html.unescape(
        admin_client.get(
            reverse("assignment:case_assign", args=[case.case_number])
        ).content.decode()
    )
    # Its empty choice is short enough for a phone's select (from QA: cut off at 390 px)
    assert '<option value="">Nobody yet (the case waits)</option>' in assign_page
    assert (
        "Taking the case back ends the assignment and withdraws the determination quality "
        "review returned to them (it stays on record with its reviews; the next reviewer "
        "writes a new one)"
    ) in assign_page
    new = reviewer_with_profile("REV-NEW", last_name="New")
    response = admin_client.post(
        reverse("assignment:case_unassign", args=[case.case_number]),
        {"reason": "Dr Old has left the panel", "reviewer": new.pk},
        follow=True,
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWER_ASSIGNED
    # The returned determination is kept, with its quality review, and no longer stands.
    returned.refresh_from_db()
    assert returned.status == DeterminationStatus.WITHDRAWN
    assert QualityReview.objects.filter(determination=returned).count() == 1
    assert returned not in determinations_returned()
    history = " ".join(" ".join(e.lines) for e in case_history_for(admin, case))
    assert (
        "The determination returned by quality review was withdrawn (kept on record); the "
        "next reviewer writes a new one"
    ) in history
    # The new reviewer accepts and writes a determination of their own, from the start.
    offered = Assignment.objects.get(case=case, reviewer=new)
    assignment_accept(assignment=offered, actor=new, attest_no_conflict=True)
    draft = determination_draft_get_or_create(case=case, reviewer=new)
    assert draft.pk != returned.pk and draft.round == returned.round
    assert draft.status == DeterminationStatus.DRAFT and draft.reviewer == new
    assert draft.decisions.filter(outcome="").count() == draft.decisions.count() == 1
    determination_fill(draft)
    determination_submit(determination=draft, actor=new, password=PASSWORD)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_unassigning_a_returned_case_leaves_it_waiting_and_the_old_reviewer_without_it(
    admin, admin_client, client
):
    case, old, returned = _returned_to(reviewer_active=True)
    admin_client.post(
        reverse("assignment:case_unassign", args=[case.case_number]),
        {"reason": "On leave until March"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.RECORDS_COMPLETE
    assert Determination.objects.get(pk=returned.pk).status == DeterminationStatus.WITHDRAWN
    client.login(username=old.username, password=PASSWORD)
    workspace = client.get(
        reverse("determination:workspace", args=[case.case_number]), follow=True
    ).content.decode()
    assert f"{case.case_number} was taken back from you on " in workspace
    # A link followed, not a button pressed (from QA: "nothing was done" read oddly there).
    assert "it is no longer yours, so here are your cases." in workspace
    assert f'href="/reviews/cases/{case.case_number}/' not in workspace


def test_the_medical_directors_link_to_a_case_reassigned_after_return_says_why(
    admin, admin_client, client, quality_reviewer
):
    # From QA: the medical director's page (or form) for a case returned and then reassigned
    # said "not found"; it leads to the queue and says where the case stands.
    case, old, returned = _returned_to(reviewer_active=True)
    review_url = reverse("quality:quality_review", args=[case.case_number])
    new = reviewer_with_profile("REV-NEW", last_name="New")
    admin_client.post(
        reverse("assignment:case_unassign", args=[case.case_number]),
        {"reason": "On leave until March", "reviewer": new.pk},
    )
    changed = CaseEvent.objects.get(case=case, type=EventType.REVIEWER_UNASSIGNED).created_at
    client.force_login(quality_reviewer)
    response = client.get(review_url, follow=True)
    assert response.redirect_chain == [(reverse("quality:quality_queue"), 302)]
    page = html.unescape(response.content.decode())
    assert (
        f"{case.case_number} has no determination waiting for quality review: the case is now "
        f"“Reviewer assigned”, its reviewer changed on {us_datetime(changed)}. It comes back to "
        "this queue when its reviewer submits a determination."
    ) in page
    # A return form open from before: nothing is changed, and the same words.
    posted = client.post(
        reverse("quality:quality_return", args=[case.case_number]),
        {"comment": "Again"},
        follow=True,
    )
    assert "has no determination waiting for quality review" in posted.content.decode()
    assert QualityReview.objects.filter(determination=returned).count() == 1


def test_the_parties_history_hides_who_was_unassigned_and_why(admin, admin_client):
    case, reviewer, _ = _assigned(admin)
    admin_client.post(
        reverse("assignment:case_unassign", args=[case.case_number]),
        {"reason": "Dr Old is on leave"},
    )
    other = UserFactory(role=Role.REVIEWER, username="another")
    for_admin = " ".join(" ".join(e.lines) for e in case_history_for(admin, case))
    assert "Dr Old is on leave" in for_admin
    assert "The case waits for a reviewer again" in for_admin
    for_other = " ".join(" ".join(e.lines) for e in case_history_for(other, case))
    assert "Dr Old is on leave" not in for_other
    assert reviewer.username not in for_other


def test_the_unassign_form_says_the_reason_goes_to_the_reviewer_as_it_does(
    admin, admin_client, django_capture_on_commit_callbacks
):
    """From a QA pass: the reason's label said only "kept in the case history; parties do not
    see it", yet the reviewer's e-mail quotes it."""
    case, reviewer, assignment = _assigned(admin)
    page = admin_client.get(reverse("assignment:case_assign", args=[case.case_number]))
    assert "Reason (e-mailed to the reviewer and kept in the case history" in (
        page.content.decode()
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("assignment:case_unassign", args=[case.case_number]),
            {"reason": "Slow to answer", "assignment": assignment.pk},
        )
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    assert "Reason: Slow to answer" in mail.outbox[0].body


def test_a_stale_unassign_form_does_not_take_the_case_from_the_reviewer_put_on_it_since(
    admin, admin_client
):
    """From a QA pass: two administrators open the Assign page of a case with Dr Old on it;
    the first reassigns it to Dr New; the second, on the page still showing Dr Old, unassigns
    "Dr Old is on leave". That took the case from Dr New; now nothing changes and they are
    told why."""
    case, _old, first = _assigned(admin)
    page = admin_client.get(reverse("assignment:case_assign", args=[case.case_number]))
    assert f'name="assignment" value="{first.pk}"' in page.content.decode()
    new = reviewer_with_profile("REV-NEW", last_name="New")
    admin_client.post(
        reverse("assignment:case_unassign", args=[case.case_number]),
        {"reason": "Workload", "reviewer": new.pk, "assignment": first.pk},
    )
    response = admin_client.post(
        reverse("assignment:case_unassign", args=[case.case_number]),
        {"reason": "Dr Old is on leave", "assignment": first.pk},
        follow=True,
    )
    assert "was reassigned to Jane New after this page was opened" in response.content.decode()
    live = Assignment.objects.get(case=case, status=AssignmentStatus.ASSIGNED)
    assert live.reviewer == new
    assert CaseEvent.objects.filter(case=case, type=EventType.REVIEWER_UNASSIGNED).count() == 1


def test_a_stale_unassign_form_does_not_take_a_case_its_reviewer_accepted_since(
    admin, admin_client
):
    """From QA: the page, opened while the reviewer had not answered, warned only that the
    assignment ends; the reviewer then accepted and wrote a draft, and the stale form took the
    case back and discarded the draft. Now nothing changes, and the page says why."""
    case, reviewer, assignment = _assigned(admin)
    page = admin_client.get(reverse("assignment:case_assign", args=[case.case_number]))
    assert 'name="assignment_status" value="assigned"' in page.content.decode()
    assignment_accept(assignment=assignment, actor=reviewer, attest_no_conflict=True)
    determination_draft_get_or_create(case=case, reviewer=reviewer)
    response = admin_client.post(
        reverse("assignment:case_unassign", args=[case.case_number]),
        {"reason": "Not answered", "assignment": assignment.pk, "assignment_status": "assigned"},
    )
    assert response.status_code == 400
    said = html.unescape(response.content.decode())
    assert f"{reviewer.display_name} accepted {case.case_number} at " in said
    assert "taking it back now would also discard their draft. Nothing was changed" in said
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED
    assert Determination.objects.filter(case=case).exists()


def test_a_reviewer_cannot_unassign(client, admin):
    case, reviewer, assignment = _assigned(admin)
    client.login(username=reviewer.username, password=PASSWORD)
    response = client.post(
        reverse("assignment:case_unassign", args=[case.case_number]), {"reason": "no"}
    )
    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ASSIGNED


# --- Declines and escalations -------------------------------------------------------------------


def test_every_administrator_is_told_of_a_decline_an_expedited_one_urgent(
    admin, django_capture_on_commit_callbacks
):
    case, reviewer, assignment = _assigned(admin, priority=Priority.EXPEDITED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assignment_decline(assignment=assignment, actor=reviewer, reason="Travelling")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["admin@iro.example"]
    assert mail.outbox[0].subject.startswith("URGENT: ")
    note = Notification.objects.get(user=admin)
    # Who declined and why (from QA: only the case's history said).
    assert note.urgent
    assert note.text == (
        f"{case.case_number}: {reviewer.display_name} declined (“Travelling”); the case needs "
        "a reviewer again."
    )
    # Answered once the case has a reviewer again (from QA: it stayed unread).
    reviewer_assign(case=case, reviewer=reviewer_with_profile("REV-NEXT"), actor=admin)
    note.refresh_from_db()
    assert note.read_at is not None and note.settled


def test_a_decline_for_a_conflict_says_so_and_a_long_reason_is_cut(
    admin, django_capture_on_commit_callbacks
):
    case, reviewer, assignment = _assigned(admin)
    with django_capture_on_commit_callbacks(execute=True):
        assignment_decline(
            assignment=assignment, actor=reviewer, reason="I treated him. " * 40, conflict=True
        )
    text = Notification.objects.get(user=admin).text
    assert text.startswith(f"{case.case_number}: {reviewer.display_name} declined (“I treated")
    assert text.endswith(
        "…”); a conflict of interest was declared; the case needs a reviewer again."
    )
    assert len(text) < 500


def test_a_long_name_leaves_the_reason_less_room_never_the_ending(
    admin, django_capture_on_commit_callbacks
):
    # From the review: the 500 characters kept cut "a conflict of interest was declared".
    case, reviewer, assignment = _assigned(admin)
    type(reviewer).objects.filter(pk=reviewer.pk).update(first_name="F" * 150, last_name="L" * 150)
    reviewer.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assignment_decline(assignment=assignment, actor=reviewer, reason="X " * 300, conflict=True)
    text = Notification.objects.get(user=admin).text
    assert len(text) <= 500 and "(“X X" in text
    assert text.endswith(
        "…”); a conflict of interest was declared; the case needs a reviewer again."
    )


def test_a_standard_decline_is_not_urgent(admin, django_capture_on_commit_callbacks):
    case, reviewer, assignment = _assigned(admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assignment_decline(assignment=assignment, actor=reviewer, reason="Travelling")
    assert not mail.outbox[0].subject.startswith("URGENT")
    assert not Notification.objects.get(user=admin).urgent


def test_an_expedited_assignment_not_accepted_in_4_hours_is_escalated_once(
    admin, settings, django_capture_on_commit_callbacks
):
    settings.ACCEPT_ESCALATION_EXPEDITED_HOURS = 4
    case, reviewer, assignment = _assigned(admin, priority=Priority.EXPEDITED)
    assigned = assignment.assigned_at
    mail.outbox.clear()
    assert acceptances_escalate(now=assigned + dt.timedelta(hours=3, minutes=59)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert acceptances_escalate(now=assigned + dt.timedelta(hours=4, minutes=1)) == 1
    assert acceptances_escalate(now=assigned + dt.timedelta(hours=9)) == 0
    assert [m.subject for m in mail.outbox] == [
        f"URGENT: {case.case_number}: the reviewer has not accepted the assignment"
    ]
    (note,) = Notification.objects.filter(user=admin)
    # The time as every page prints it (12-hour), saying what was due.
    due = us_datetime(assigned + dt.timedelta(hours=4))
    assert note.text == f"{case.case_number}: the reviewer has not accepted (was due by {due})."
    assert due[-2:] in ("AM", "PM")
    assert f"was assigned on {us_datetime(assigned)} and" in mail.outbox[0].body
    assignment.refresh_from_db()
    assert assignment.escalated_at is not None
    assert CaseEvent.objects.filter(case=case, type=EventType.ESCALATION_SENT).count() == 1


def test_an_expedited_assignments_hours_are_hours_that_pass_over_a_clock_change(admin, settings):
    # From QA: the hours were added to the local time, so over the night the clocks go back
    # (Sunday 11/01/2026, 2:00 AM) 24 hours were 25.
    settings.ACCEPT_ESCALATION_EXPEDITED_HOURS = 24
    case, reviewer, assignment = _assigned(admin, priority=Priority.EXPEDITED)
    saturday_noon = timezone.make_aware(dt.datetime(2026, 10, 31, 12, 0))
    Assignment.objects.filter(pk=assignment.pk).update(assigned_at=saturday_noon)
    assignment.refresh_from_db()
    assert us_datetime(accept_by(assignment)) == "11/01/2026 11:00 AM"
    assert acceptances_escalate(now=saturday_noon + dt.timedelta(hours=23, minutes=59)) == 0
    assert acceptances_escalate(now=saturday_noon + dt.timedelta(hours=24, minutes=1)) == 1


def test_a_standard_assignment_waits_one_business_day(admin, settings):
    settings.ACCEPT_ESCALATION_BUSINESS_DAYS = 1
    case, reviewer, assignment = _assigned(admin)
    # Monday 10:00: due Tuesday 10:00.
    monday = timezone.make_aware(dt.datetime(2026, 11, 30, 10, 0))
    Assignment.objects.filter(pk=assignment.pk).update(assigned_at=monday)
    assert acceptances_escalate(now=monday + dt.timedelta(hours=23)) == 0
    assert acceptances_escalate(now=monday + dt.timedelta(hours=24, minutes=1)) == 1


def test_an_accepted_or_unassigned_assignment_is_not_escalated(admin, admin_client):
    case, reviewer, assignment = _assigned(admin, priority=Priority.EXPEDITED)
    admin_client.post(
        reverse("assignment:case_unassign", args=[case.case_number]), {"reason": "Moved"}
    )
    later = assignment.assigned_at + dt.timedelta(days=3)
    assert acceptances_escalate(now=later) == 0
    _, _, determination = case_in_review(priority=Priority.EXPEDITED)
    assert acceptances_escalate(now=timezone.now() + dt.timedelta(days=3)) == 0


def test_no_escalation_e_mail_once_the_reviewer_accepted_before_it_went(
    admin, settings, django_capture_on_commit_callbacks
):
    """The escalation's e-mail waits in the task queue; the reviewer accepts meanwhile."""
    settings.ACCEPT_ESCALATION_EXPEDITED_HOURS = 4
    case, reviewer, assignment = _assigned(admin, priority=Priority.EXPEDITED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False):
        assert acceptances_escalate(now=assignment.assigned_at + dt.timedelta(hours=5)) == 1
    assignment_accept(assignment=assignment, actor=reviewer, attest_no_conflict=True)
    assert acceptance_escalation_notify(assignment_id=assignment.pk) is False
    assert mail.outbox == []


# --- In-app notifications -----------------------------------------------------------------------


def test_accepting_answers_the_new_case_notice_and_submitting_settles_the_cases_notices(admin):
    """From a QA pass: "New case for you … Accept or decline it", "returned … Revise and submit
    it again" and the reminders stayed unread after the work was done, and the badge grew."""
    case, reviewer, assignment = _assigned(admin)
    workspace = reverse("determination:workspace", args=[case.case_number])
    notify([reviewer], text=f"{case.case_number} is due in 2 days.", link=workspace)
    reviewer.refresh_from_db()
    assert reviewer.notifications_unread == 2

    assignment_accept(assignment=assignment, actor=reviewer, attest_no_conflict=True)

    unread = Notification.objects.filter(user=reviewer, read_at__isnull=True)
    assert [n.text for n in unread] == [f"{case.case_number} is due in 2 days."]
    reviewer.refresh_from_db()
    assert reviewer.notifications_unread == 1

    determination = determination_fill(Determination.objects.get(case=case))
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)

    assert not Notification.objects.filter(user=reviewer, read_at__isnull=True).exists()
    reviewer.refresh_from_db()
    assert reviewer.notifications_unread == 0


@pytest.mark.parametrize("by_admin", [True, False])
def test_an_answer_reads_the_reminders_to_give_it(admin, by_admin):
    """From QA: "Reminder: accept or decline …" stayed unread after the reviewer accepted,
    until the determination was submitted."""
    case, reviewer, assignment = _assigned(admin)
    case.refresh_from_db()
    if by_admin:
        assert reviewer_remind(case, actor=admin) == Reminded.SENT
    else:
        clock_notices_send(today=case.due_on - dt.timedelta(days=1))
    reminder = Notification.objects.filter(user=reviewer).latest("pk")
    assert "Reminder: accept or decline" in reminder.text and reminder.read_at is None

    assignment_accept(assignment=assignment, actor=reviewer, attest_no_conflict=True)

    reminder.refresh_from_db()
    assert reminder.read_at is not None and reminder.settled


def test_the_bell_counts_unread_and_the_page_marks_them_read(admin, admin_client):
    case, reviewer, assignment = _assigned(admin)
    assignment_decline(assignment=assignment, actor=reviewer, reason="Travelling")
    page = admin_client.get(reverse("casefile:case_list")).content.decode()
    assert 'class="site-bell__count">1<' in page
    # The bell in the header: one click to the list, its count beside it (from QA: the count
    # sat on the "Account" menu, two clicks away).
    bell = page.split('<a class="site-bell-link site-bell--unread" href="/notifications/"')
    assert len(bell) == 2, "one bell, drawn unread"
    assert '<span class="site-bell__count">1</span><span class="visually-hidden"> unread' in bell[1]
    listing = admin_client.get(reverse("account:notifications")).content.decode()
    assert f"{reviewer.display_name} declined" in html.unescape(listing) and "unread" in listing
    newest = Notification.objects.filter(user=admin).latest("pk").pk
    admin_client.post(reverse("account:notifications"), {"upto": newest})
    admin.refresh_from_db()
    assert admin.notifications_unread == 0
    page = admin_client.get(reverse("casefile:case_list")).content.decode()
    assert 'class="site-bell__count">0<' in page
    assert '<a class="site-bell-link" href="/notifications/"' in page


def test_following_a_notification_marks_it_read_and_goes_where_it_points(admin, admin_client):
    case, reviewer, assignment = _assigned(admin)
    assignment_decline(assignment=assignment, actor=reviewer, reason="Travelling")
    declined = Notification.objects.get(user=admin)
    listing = admin_client.get(reverse("account:notifications")).content.decode()
    opener = reverse("account:notification_open", args=[declined.pk])
    assert f'href="{opener}"' in listing
    followed = admin_client.get(opener)
    assert followed.status_code == 302
    assert followed["Location"] == reverse("assignment:case_assign", args=[case.case_number])
    declined.refresh_from_db()
    admin.refresh_from_db()
    assert declined.read_at is not None and admin.notifications_unread == 0
    # The reviewer's own "New case for you" was answered by the decline: read, not a dead end.
    reviewer.refresh_from_db()
    assert reviewer.notifications_unread == 0
    # Another user's notification is not theirs to open.
    other = UserFactory(role=Role.CASE_ADMIN)
    admin_client.force_login(other)
    assert admin_client.get(opener).status_code == 404


def test_a_user_sees_only_their_own_notifications(admin, client):
    case, reviewer, assignment = _assigned(admin)
    assignment_decline(assignment=assignment, actor=reviewer, reason="Travelling")
    client.login(username=reviewer.username, password=PASSWORD)
    assert "declined" not in client.get(reverse("account:notifications")).content.decode()
    declined = Notification.objects.get(user=admin)
    client.post(reverse("account:notifications"), {"id": declined.pk})
    declined.refresh_from_db()
    assert declined.read_at is None


# --- The Assign page ----------------------------------------------------------------------------


def test_the_assign_page_searches_pages_and_breaks_each_score_down(admin_client):
    case = ready_case()
    for n in range(27):
        reviewer_with_profile(f"REV-{n:02}", last_name=f"Able{n:02}")
    reviewer_with_profile("REV-X", last_name="Zed", certifications=("Cardiology",))
    url = reverse("assignment:case_assign", args=[case.case_number])
    page = admin_client.get(url).content.decode()
    eligible, excluded = page.split('id="excluded-heading"')
    assert "Eligible reviewers (27)" in eligible
    assert eligible.count(ASSIGN_BUTTON) == 25
    assert "Page 1 of 2" in eligible
    assert "Specialty match" in eligible and "Load</strong>: 30 of 30" in eligible
    assert "Excluded (1)" in excluded and "Jane Zed" not in excluded  # read when opened
    opened = admin_client.get(url, {"excluded_page": 1}).content.decode()
    assert "Excluded (1)" in opened and "Jane Zed" in opened.split('id="excluded-heading"')[1]
    second = admin_client.get(url, {"page": 2}).content.decode().split('id="excluded-heading"')[0]
    assert second.count(ASSIGN_BUTTON) == 2
    found = admin_client.get(url, {"q": "able03"}).content.decode()
    eligible, excluded = found.split('id="excluded-heading"')
    assert "Jane Able03" in eligible and eligible.count(ASSIGN_BUTTON) == 1
    # A name typed as lists print it, last name first with a comma, finds the same reviewer.
    listed = admin_client.get(url, {"q": "Able03, Jane"}).content.decode()
    assert listed.split('id="excluded-heading"')[0].count(ASSIGN_BUTTON) == 1
    assert "Jane Able03" in listed
    # Each button names its reviewer for a screen reader.
    assert '>Assign<span class="visually-hidden"> Jane Able03</span></button>' in eligible
    assert "Excluded (0" in excluded and '<details id="excluded-panel" open>' not in excluded
    by_specialty = admin_client.get(url, {"q": "cardiology"}).content.decode()
    assert "Eligible reviewers (0" in by_specialty and "Jane Zed" in by_specialty
    # The one searched for is excluded: the panel is open on them, with why.
    assert '<details id="excluded-panel" open>' in by_specialty


def test_the_assign_page_search_finds_a_name_without_its_accents(admin_client):
    case = ready_case()
    reviewer_with_profile("REV-P", first_name="Inés", last_name="Pérez")
    reviewer_with_profile("REV-O", last_name="Other")
    url = reverse("assignment:case_assign", args=[case.case_number])
    # With a title or a degree too (from QA: "Dr. Helen Park" found nobody).
    for q in ("perez", "Ines Perez", "PÉREZ, Inés", "Dr. Inés Pérez", "Ines Perez, MD"):
        eligible = admin_client.get(url, {"q": q}).content.decode().split('id="excluded-heading"')
        assert eligible[0].count(ASSIGN_BUTTON) == 1 and "Inés Pérez" in eligible[0], q


def test_the_assign_page_search_takes_and_for_ampersand_in_a_specialty(admin_client):
    """From a QA pass: "Physical Medicine and Rehabilitation" found no one certified in
    "Physical Medicine & Rehabilitation", the same specialty (SPEC section 7)."""
    case = ready_case()
    reviewer_with_profile(
        "REV-P",
        last_name="Pm",
        certifications=("Pain Management", "Physical Medicine & Rehabilitation"),
    )
    reviewer_with_profile("REV-O", last_name="Other")
    url = reverse("assignment:case_assign", args=[case.case_number])
    for q in ("Physical Medicine and Rehabilitation", "physical medicine & rehabilitation"):
        eligible = admin_client.get(url, {"q": q}).content.decode().split('id="excluded-heading"')
        assert eligible[0].count(ASSIGN_BUTTON) == 1 and "Jane Other" not in eligible[0], q
        assert "Jane Pm" in eligible[0], q


# --- What the people concerned are told ----------------------------------------------------------


def test_a_new_assignment_is_announced_in_the_reviewers_app_urgent_when_expedited(admin):
    case, reviewer, _ = _assigned(admin, priority=Priority.EXPEDITED)
    reviewer.refresh_from_db()
    assert reviewer.notifications_unread == 1
    notice = Notification.objects.get(user=reviewer)
    assert notice.text.startswith(f"New case for you: {case.case_number} (Expedited")
    assert notice.link == reverse("determination:workspace", args=[case.case_number])
    assert notice.urgent


def test_the_unassign_form_says_the_reviewer_will_not_be_offered_the_case_again(
    admin, admin_client
):
    case, reviewer, _ = _assigned(admin)
    page = html.unescape(
        admin_client.get(
            reverse("assignment:case_assign", args=[case.case_number])
        ).content.decode()
    )
    # From QA: it said "(rule 5, "not a previous reviewer of this case")", a rule nobody on
    # the page can look up; it says the rule in words, with the statute behind it.
    assert "rule 5" not in page and "not a previous reviewer" not in page
    assert (
        "A case is never offered again to a reviewer who had it before (who declined it, was "
        "taken off it or reviewed it), whatever the reason: the law requires a different "
        "reviewer when a case is remanded for a new review (Lab. Code 4610.6(i)), and this "
        "organization applies the same rule to every case."
    ) in page
    # And the last words before the button say it of this reviewer.
    form = page.split('id="unassign-heading"', 1)[1].split("</form>", 1)[0]
    assert (
        f'<p class="callout callout--warn" id="unassign-consequence">Either way, '
        f"{reviewer.get_full_name()} is taken off {case.case_number} and cannot be offered this "
        'case again.</p>\n    <button type="submit" class="button" '
        'aria-describedby="unassign-consequence">Unassign or reassign</button>'
    ) in form
    admin_client.post(
        reverse("assignment:case_unassign", args=[case.case_number]), {"reason": "Travel"}
    )
    # As it said: the excluded reviewers, opened, give the reason.
    page = admin_client.get(
        reverse("assignment:case_assign", args=[case.case_number]), {"excluded_page": 1}
    )
    assert "Already reviewed or was offered this case (was taken off it: “Travel”)." in (
        page.content.decode()
    )


@pytest.mark.parametrize("answer", ["accept", "decline", "unassign"])
def test_an_escalation_answered_is_read_for_every_administrator(
    admin, admin_client, settings, answer
):
    """From QA: "the reviewer has not accepted" stayed unread in every administrator's bell
    after the reviewer had accepted, asking them to chase what was done."""
    settings.ACCEPT_ESCALATION_EXPEDITED_HOURS = 4
    second = UserFactory(role=Role.CASE_ADMIN, username="admin2")
    case, reviewer, assignment = _assigned(admin, priority=Priority.EXPEDITED)
    assert acceptances_escalate(now=assignment.assigned_at + dt.timedelta(hours=5)) == 1
    # Another notice about the same case that the answer does not settle.
    unrelated = Notification.objects.create(
        user=second, text="Overdue", link=reverse("casefile:case_detail", args=[case.case_number])
    )
    escalations = Notification.objects.filter(text__contains="has not accepted")
    assert escalations.count() == 2 and not escalations.filter(read_at__isnull=False).exists()
    assignment.refresh_from_db()
    if answer == "accept":
        assignment_accept(assignment=assignment, actor=reviewer, attest_no_conflict=True)
    elif answer == "decline":
        assignment_decline(assignment=assignment, actor=reviewer, reason="Travelling")
    else:
        admin_client.post(
            reverse("assignment:case_unassign", args=[case.case_number]), {"reason": "Moved"}
        )
    assert not escalations.filter(read_at__isnull=True).exists()
    unrelated.refresh_from_db()
    assert unrelated.read_at is None
    second.refresh_from_db()
    # What is left: the other notice, and a decline's own "needs a reviewer again".
    assert second.notifications_unread == (2 if answer == "decline" else 1)


def test_an_escalation_from_before_the_upgrade_is_settled_too(admin, settings):
    """From the review: unread escalations made before they had a link of their own linked to
    the case page; migration accounts 0007 gives them the new link, so an answer settles them."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "accounts.migrations.0007_escalation_links_to_the_next_step"
    )
    case, reviewer, assignment = _assigned(admin, priority=Priority.EXPEDITED)
    Assignment.objects.filter(pk=assignment.pk).update(escalated_at=timezone.now())
    page = reverse("casefile:case_detail", args=[case.case_number])
    old = Notification.objects.create(
        user=admin,
        text=f"{case.case_number}: the reviewer has not accepted (due 12/03/2026 14:30).",
        link=page,
    )
    other = Notification.objects.create(user=admin, text="Overdue", link=page)
    migration.forward(apps, None)
    assignment.refresh_from_db()
    assignment_accept(assignment=assignment, actor=reviewer, attest_no_conflict=True)
    old.refresh_from_db()
    other.refresh_from_db()
    assert old.read_at is not None and old.link == page + "#workflow"
    assert other.read_at is None and other.link == page


# --- Accepting while being unassigned (PostgreSQL's row locks) ----------------------------------


def _waiting_for_a_lock(pid: int) -> bool:
    """Whether that session (and only it: other sessions of the database do not count) waits
    for a lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def _until_waiting(name: str, thread: threading.Thread, pids: dict, results: dict):
    """Until the thread's session waits for its lock; at once if the thread ended instead."""
    deadline = time.monotonic() + 20
    while not (name in pids and _waiting_for_a_lock(pids[name])):
        assert thread.is_alive(), f"{name} ended before it waited: {results}"
        assert time.monotonic() < deadline, f"{name} never came to wait for its lock"
        time.sleep(0.02)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_a_reviewer_accepting_while_an_administrator_unassigns_waits_and_neither_deadlocks():
    """Arranged so that the order of the locks decides: a third session holds the assignment's
    row, the reviewer's accept starts and waits, then the administrator's unassign starts and
    waits. Accept takes the case's lock before the assignment's (as unassign does), so unassign
    waits behind it for the case; taken the other way round, accept would hold nothing yet,
    unassign would take the case and wait for the assignment, and once the row was let go each
    would wait for the other: PostgreSQL's "deadlock detected", and one of them lost."""
    admin = UserFactory(role=Role.CASE_ADMIN)
    case, reviewer, assignment = _assigned(admin)
    held, release = threading.Event(), threading.Event()
    results, pids = {}, {}

    def hold_the_assignment():
        try:
            with transaction.atomic():
                Assignment.objects.select_for_update().get(pk=assignment.pk)
                held.set()
                # Let go when the test says so (its `finally`, also when it fails).
                release.wait(timeout=300)
        finally:
            connections.close_all()

    def run(name, action):
        try:
            with connection.cursor() as cursor:
                # No wait in this test may outlast it, whatever goes wrong.
                cursor.execute("SET lock_timeout = '60s'")
                cursor.execute("SELECT pg_backend_pid()")
                pids[name] = cursor.fetchone()[0]
            results[name] = action()
        except Exception as error:  # the test reads what each one met
            results[name] = error
        finally:
            connections.close_all()

    accept = threading.Thread(
        target=run,
        args=(
            "accept",
            lambda: assignment_accept(
                assignment=Assignment.objects.get(pk=assignment.pk),
                actor=reviewer,
                attest_no_conflict=True,
            ),
        ),
        daemon=True,
    )
    unassign = threading.Thread(
        target=run,
        args=(
            "unassign",
            lambda: reviewer_unassign(case=case, actor=admin, reason="Out sick this week"),
        ),
        daemon=True,
    )
    holder = threading.Thread(target=hold_the_assignment, daemon=True)
    holder.start()
    try:
        assert held.wait(timeout=20)
        accept.start()
        _until_waiting("accept", accept, pids, results)
        unassign.start()
        _until_waiting("unassign", unassign, pids, results)
    finally:
        release.set()
        for thread in (holder, accept, unassign):
            if thread.ident is not None:
                thread.join(timeout=90)
    assert not any(thread.is_alive() for thread in (holder, accept, unassign)), results

    # Both went through, one after the other: the review was accepted, then taken back
    assert isinstance(results["accept"], Assignment), results
    assert results["unassign"] is None, results
    assignment.refresh_from_db()
    case.refresh_from_db()
    assert assignment.status == AssignmentStatus.WITHDRAWN
    assert case.status == CaseStatus.RECORDS_COMPLETE
    assert not Determination.objects.filter(case=case).exists()


def test_a_deactivated_reviewers_cases_are_named_ten_at_most_and_an_expedited_one_is_urgent():
    """The notification the case administrators get when a reviewer holding cases is
    deactivated (accounts.deactivation): its text stays within a notification's 500
    characters, and an expedited case among them makes it urgent."""
    reviewer = reviewer_with_profile(
        "REV-MANY",
        certifications=("Pain Management", "Anesthesiology"),
        licences=(("CA", "2030-01-01", False), ("VA", "2030-01-01", False)),
        max_open_cases=20,
    )
    cases = [case_in_review(reviewer)[0] for _ in range(12)]
    Case.objects.filter(pk=cases[-1].pk).update(priority=Priority.EXPEDITED)
    told = UserFactory(role=Role.CASE_ADMIN)

    reviewer_deactivated_announce(reviewer)

    notification = Notification.objects.get(user=told)
    assert notification.urgent
    assert notification.text.startswith(
        f"{reviewer.display_name}'s login was deactivated; 12 open cases ("
    )
    assert notification.text.endswith(" and 2 more) wait to be reassigned.")
    assert notification.text.count("CM26-") == 10
