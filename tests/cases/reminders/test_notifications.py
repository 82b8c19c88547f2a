"""Reminders and escalations also wait in the app, under the recipient's bell, once each."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from accounts.models import Notification, Role
from accounts.notifications import notify
from cases.lifecycle.models import CaseStatus, EventType
from cases.reminders.services import Reminded, clock_notices_send, reviewer_remind
from reviews.assignment.models import Assignment, AssignmentStatus
from tests.factories import CaseFactory, DisputedItemFactory, UserFactory

D = dt.date
pytestmark = pytest.mark.django_db


def test_an_escalation_is_an_urgent_notification_for_each_admin_once(case_admin):
    second = UserFactory(role=Role.CASE_ADMIN, username="admin2")
    case = CaseFactory(
        status=CaseStatus.AWAITING_RECORDS, date_assigned=D(2026, 11, 4), due_on=D(2026, 11, 16)
    )
    DisputedItemFactory(case=case, position=1)
    clock_notices_send(today=D(2026, 11, 20))
    clock_notices_send(today=D(2026, 11, 21))
    notes = Notification.objects.filter(user__in=[case_admin, second])
    assert notes.count() == 2
    assert all(n.urgent and case.case_number in n.text for n in notes)
    assert notes[0].link == f"/cases/{case.case_number}/"
    case_admin.refresh_from_db()
    assert case_admin.notifications_unread == 1


def test_a_reviewer_reminder_is_a_plain_notification(client, reviewer, settings):
    settings.REVIEWER_REMINDER_BUSINESS_DAYS = 2
    case = CaseFactory(
        status=CaseStatus.IN_REVIEW,
        date_assigned=D(2026, 11, 4),
        records_complete_on=D(2026, 11, 10),
        due_on=D(2026, 12, 10),
    )
    DisputedItemFactory(case=case, position=1)
    Assignment.objects.create(
        case=case, reviewer=reviewer, round=1, status=AssignmentStatus.ACCEPTED
    )
    clock_notices_send(today=D(2026, 12, 8))
    note = Notification.objects.get(user=reviewer)
    assert not note.urgent
    assert note.text.startswith(f"Reminder: {case.case_number} determination due 12/10/2026")
    # The reviewer's link opens their workspace, where the determination is written.
    assert note.link == f"/reviews/cases/{case.case_number}/"
    client.force_login(reviewer)
    page = client.get(note.link, follow=True)
    assert page.status_code == 200
    assert f"<h1>{case.case_number} " in page.content.decode()
    assert "Determination" in page.content.decode()
    assert page.redirect_chain[-1][0].startswith(note.link)  # a step of the workspace


def test_a_reminder_from_an_administrator_links_the_reviewer_to_the_workspace(client, reviewer):
    case = CaseFactory(status=CaseStatus.REVIEWER_ASSIGNED, due_on=D(2026, 12, 10))
    Assignment.objects.create(case=case, reviewer=reviewer, round=1)
    admin = UserFactory(role=Role.CASE_ADMIN)
    assert reviewer_remind(case, actor=admin) == Reminded.SENT
    assert case.events.get(type=EventType.REMINDER_SENT).actor == admin
    note = Notification.objects.get(user=reviewer)
    assert note.link == f"/reviews/cases/{case.case_number}/"
    # Not accepted yet: the workspace asks them to accept or decline.
    client.force_login(reviewer)
    page = client.get(note.link, follow=True)
    assert page.status_code == 200
    assert "Accept" in page.content.decode()


@pytest.mark.parametrize("odd", ["²", "٣", "9" * 25, "seven"])
def test_an_odd_notification_id_marks_nothing_and_is_no_server_error(client, odd):
    """From a security review: "²" (a digit to isdigit(), not to int()) and 25 digits were
    server errors; marking all read instead would hide what the user has not seen."""
    user = UserFactory(role=Role.CASE_ADMIN)
    Notification.objects.create(user=user, text="Declined: CM26-0000001", link="/cases/")
    client.force_login(user)
    response = client.post(reverse("account:notifications"), {"id": odd}, follow=True)
    assert response.status_code == 200
    assert "0 notifications marked read." in response.content.decode()
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 1


def test_mark_all_read_marks_only_what_the_page_showed(client):
    """From QA: a notification arriving while the page was open was marked read unseen."""
    user = UserFactory(role=Role.REVIEWER)
    notify([user], text="Reminder: CM26-0000001")
    notify([user], text="Reminder: CM26-0000002")
    client.force_login(user)
    page = client.get(reverse("account:notifications")).content.decode()
    assert "Mark all read (2)" in page
    upto = re.search(r'name="upto" value="(\d+)"', page).group(1)
    notify([user], text="Declined: CM26-0000003", urgent=True)
    response = client.post(reverse("account:notifications"), {"upto": upto}, follow=True)
    text = response.content.decode()
    assert "2 notifications marked read." in text
    assert re.search(r'tabindex="-1" autofocus>\s*<p>2 notifications marked read', text)
    assert "1 new notification arrived since you opened this page; it is still unread." in text
    urgent = Notification.objects.get(user=user, urgent=True)
    assert urgent.read_at is None
    user.refresh_from_db()
    assert user.notifications_unread == 1


def test_mark_all_read_without_the_pages_cutoff_marks_nothing(client):
    user = UserFactory(role=Role.REVIEWER)
    notify([user], text="Reminder: CM26-0000001")
    client.force_login(user)
    response = client.post(reverse("account:notifications"), {"upto": "²"}, follow=True)
    assert "0 notifications marked read." in response.content.decode()
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 1


def test_mark_read_on_a_later_page_comes_back_to_that_page(client):
    """From QA: "Mark read" on page 2 went back to page 1, so working down the list meant
    paging again after every click."""
    user = UserFactory(role=Role.CASE_ADMIN)
    for n in range(30):
        notify([user], text=f"Declined: CM26-{n:07d}")
    client.force_login(user)
    page = client.get(reverse("account:notifications"), {"page": 2}).content.decode()
    assert "Page 2 of 2" in page
    oldest = Notification.objects.filter(user=user).earliest("pk")
    response = client.post(
        reverse("account:notifications"), {"id": oldest.pk, "page": "2"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("account:notifications") + "?page=2"
    text = response.content.decode()
    assert "1 notification marked read." in text and "Page 2 of 2" in text
    # Page 1, or no page sent, goes to the list's head; an odd page number is ignored.
    for sent in ("1", "", "²"):
        response = client.post(reverse("account:notifications"), {"id": oldest.pk, "page": sent})
        assert response.url == reverse("account:notifications")
