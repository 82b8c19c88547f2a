"""The case list's saved views (each user's own) and its bulk actions (export, remind)."""

import csv
import html as html_module
import io
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cases.casefile import forms as casefile_forms
from cases.casefile.forms import SavedViewForm
from cases.casefile.models import SavedView
from cases.casefile.reminder_views import _reminders_report
from cases.lifecycle.models import CaseStatus, EventType
from cases.reminders.models import ReminderRun
from cases.reminders.services import Reminded
from tests.factories import (
    PASSWORD,
    CaseFactory,
    UserFactory,
    case_in_review,
    reviewer_with_profile,
)

pytestmark = pytest.mark.django_db

LIST = reverse("casefile:case_list")
BULK = reverse("casefile:case_list_bulk")


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def case_link(case) -> str:
    return f'<a href="/cases/{case.case_number}/">{case.case_number}</a>'


def assign_link(case) -> str:
    """How the reminders report names a case to reassign: a link to its Assign page."""
    return f'<a href="/cases/{case.case_number}/assign/">{case.case_number}</a>'


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def remind(admin_client, django_capture_on_commit_callbacks):
    """The case list's "Remind reviewers" with these fields, then the page it leads to: the
    reminders' page, their task having run as the request's transaction committed."""

    def send(fields: dict):
        with django_capture_on_commit_callbacks(execute=True):
            posted = admin_client.post(BULK, {"action": "remind", **fields})
        assert posted.status_code == 302, posted
        return admin_client.get(posted.url)

    return send


def report_of(response) -> str:
    """What the reminders' page reports once they are sent."""
    assert response.wsgi_request.path.startswith("/cases/reminders/")
    return str(response.context["report"])


# --- Saved views ------------------------------------------------------------------------------


def test_a_saved_view_is_listed_and_opens_its_filters(admin_client, case_admin):
    closed = CaseFactory(status=CaseStatus.TERMINATED)
    response = admin_client.post(
        reverse("casefile:saved_view_save"),
        {"name": "Closed, newest", "query": "status=closed&sort=-case&page=3&bogus=1"},
        follow=True,
    )

    view = SavedView.objects.get(owner=case_admin)
    # Only the list's own filters are kept (no page, nothing unknown).
    assert view.query == "status=closed&sort=-case"
    page = response.content.decode()
    assert "Closed, newest" in page
    assert f'href="{LIST}?status=closed&amp;sort=-case"' in page
    assert closed.case_number in page  # the redirect opened the view


def test_saved_views_are_ones_own(admin_client, case_admin):
    other = UserFactory(role="case_admin")
    theirs = SavedView.objects.create(owner=other, name="Their queue", query="due=overdue")

    page = admin_client.get(LIST).content.decode()
    assert "Their queue" not in page

    response = admin_client.post(
        reverse("casefile:saved_view_delete"), {"view": theirs.pk}, follow=True
    )
    assert SavedView.objects.filter(pk=theirs.pk).exists()
    assert "No such saved view." in shown_messages(response)


VIEWS = reverse("casefile:saved_views")


def edit(view) -> str:
    return reverse("casefile:saved_view_edit", args=[view.pk])


def test_renaming_ones_view_keeps_its_filters(admin_client, case_admin):
    """From the last notes: a view could not be renamed, only deleted and saved again."""
    mine = SavedView.objects.create(owner=case_admin, name="Overdue", query="due=overdue")
    page = admin_client.get(LIST).content.decode()
    assert f'href="{VIEWS}"' in page  # "Rename or share" beside one's views

    response = admin_client.post(
        edit(mine), {f"view-{mine.pk}-name": "  Overdue, all priorities "}, follow=True
    )

    mine.refresh_from_db()
    assert (mine.name, mine.query, mine.shared) == ("Overdue, all priorities", "due=overdue", False)
    assert "View “Overdue” renamed “Overdue, all priorities”." in shown_messages(response)
    assert response.redirect_chain[-1][0] == VIEWS


@pytest.mark.parametrize(
    "name, says",
    [
        ("", "Give the view a name."),
        ("x" * 81, "Its name has 81 characters; keep it to 80."),
        ("queue", "You have a view named “Queue” already; choose another name or delete that one."),
    ],
)
def test_a_name_refused_is_said_beside_it_as_typed_and_changes_nothing(
    admin_client, case_admin, name, says
):
    mine = SavedView.objects.create(owner=case_admin, name="Overdue", query="due=overdue")
    SavedView.objects.create(owner=case_admin, name="Queue")

    response = admin_client.post(
        edit(mine), {f"view-{mine.pk}-name": name, f"view-{mine.pk}-shared": "on"}
    )

    assert response.status_code == 400
    mine.refresh_from_db()
    assert (mine.name, mine.shared) == ("Overdue", False)
    page = response.content.decode()
    assert html_module.unescape(says) in html_module.unescape(page)
    assert f'value="{name}"' in page or not name
    assert "data-unsaved-refused" in page  # leaving the page asks first


def test_a_view_keeps_its_own_name_in_other_capitals(admin_client, case_admin):
    mine = SavedView.objects.create(owner=case_admin, name="overdue")
    response = admin_client.post(edit(mine), {f"view-{mine.pk}-name": "Overdue"}, follow=True)
    mine.refresh_from_db()
    assert mine.name == "Overdue"
    assert "View “overdue” renamed “Overdue”." in shown_messages(response)


def test_a_shared_view_is_offered_to_colleagues_of_the_role_read_only(
    admin_client, case_admin, quality_reviewer
):
    mine = SavedView.objects.create(owner=case_admin, name="Team queue", query="due=3d")
    response = admin_client.post(
        edit(mine),
        {f"view-{mine.pk}-name": "Team queue", f"view-{mine.pk}-shared": "on"},
        follow=True,
    )
    assert "View “Team queue” shared." in shown_messages(response)

    colleague = UserFactory(role="case_admin")
    page = signed_in(colleague).get(LIST).content.decode()
    assert "Shared with you" in page
    assert f'href="{LIST}?due=3d"' in page
    assert f'Team queue <span class="saved-views__owner">({case_admin.display_name})</span>' in page
    # Theirs to open, not to change: another's view looks like one that does not exist.
    refused = signed_in(colleague).post(
        edit(mine), {f"view-{mine.pk}-name": "Mine now"}, follow=True
    )
    assert "No such saved view: it may have been deleted meanwhile." in shown_messages(refused)
    assert SavedView.objects.get(pk=mine.pk).name == "Team queue"

    # Not to another role, nor from a deactivated colleague.
    assert "Team queue" not in signed_in(quality_reviewer).get(LIST).content.decode()
    case_admin.is_active = False
    case_admin.save(update_fields=["is_active"])
    assert "Team queue" not in signed_in(colleague).get(LIST).content.decode()
    # Nor carried to a role its owner holds later (from a review).
    case_admin.is_active, case_admin.role = True, "quality_reviewer"
    case_admin.save(update_fields=["is_active", "role"])
    assert "Team queue" not in signed_in(colleague).get(LIST).content.decode()
    assert "Team queue" not in signed_in(quality_reviewer).get(LIST).content.decode()


def test_the_only_user_of_a_role_is_told_no_one_else_sees_a_view_shared_yet(quality_reviewer):
    """From the last note: the sole quality reviewer was offered to share with nobody."""
    SavedView.objects.create(owner=quality_reviewer, name="Waiting", query="status=submitted")
    alone = signed_in(quality_reviewer).get(VIEWS).content.decode()
    assert "No other quality reviewer has a login now." in alone
    UserFactory(role="quality_reviewer", is_active=False)
    assert "No other quality reviewer has a login now." in (
        signed_in(quality_reviewer).get(VIEWS).content.decode()
    )

    UserFactory(role="quality_reviewer")
    page = signed_in(quality_reviewer).get(VIEWS).content.decode()
    assert "No other quality reviewer" not in page
    assert "They see it with your name, and may open it, not change it." in page


def test_reviewers_rename_their_views_and_share_none(reviewer, other_reviewer):
    """From a review: a view shared among reviewers named its owner to the others, and showed
    their searches (Lab. Code 4610.6(f): a reviewer may not know another)."""
    mine = SavedView.objects.create(owner=reviewer, name="Due soon", query="due=3d")
    client = signed_in(reviewer)
    page = client.get(VIEWS).content.decode()
    assert 'name="view-' in page and "-shared" not in page and "Shared with" not in page
    assert ">Rename</a>" in client.get(LIST).content.decode()
    client.post(edit(mine), {f"view-{mine.pk}-name": "Due", f"view-{mine.pk}-shared": "on"})
    mine.refresh_from_db()
    assert (mine.name, mine.shared) == ("Due", False)
    # Even one shared another way is offered to no other reviewer.
    SavedView.objects.filter(pk=mine.pk).update(shared_role="reviewer")
    assert (
        "Due"
        not in signed_in(other_reviewer).get(LIST).content.decode().split('id="case-filters"')[0]
    )


def test_undoing_the_delete_of_a_shared_view_shares_it_again(admin_client, case_admin):
    mine = SavedView.objects.create(owner=case_admin, name="Team", shared_role="case_admin")
    page = admin_client.post(
        reverse("casefile:saved_view_delete"), {"view": mine.pk}, follow=True
    ).content.decode()
    undo = page.split('class="saved-views__undo"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="shared" value="on">' in undo
    assert 'name="back"' in undo
    back = admin_client.post(
        reverse("casefile:saved_view_save"),
        {"name": "Team", "query": "due=3d", "shared": "on", "back": "status=received"},
    )
    assert SavedView.objects.get(owner=case_admin, name="Team").shared_role == "case_admin"
    # Back to the list where Undo was pressed, not the view's own filters (from QA).
    assert back.url == f"{LIST}?status=received"
    # One's own shared view says so on the list (from QA: only its own page did).
    assert (
        'Team <span class="saved-views__owner">(shared)</span>'
        in admin_client.get(LIST).content.decode()
    )


def test_sharing_stops(admin_client, case_admin):
    mine = SavedView.objects.create(owner=case_admin, name="Team queue", shared_role="case_admin")
    response = admin_client.post(edit(mine), {f"view-{mine.pk}-name": "Team queue"}, follow=True)
    assert "View “Team queue” no longer shared." in shown_messages(response)
    assert not SavedView.objects.get(pk=mine.pk).shared
    again = admin_client.post(edit(mine), {f"view-{mine.pk}-name": "Team queue"}, follow=True)
    assert "Nothing changed in the view “Team queue”." in shown_messages(again)


def test_deleting_ones_own_view(admin_client, case_admin):
    mine = SavedView.objects.create(owner=case_admin, name="Expedited", query="priority=expedited")

    response = admin_client.post(
        reverse("casefile:saved_view_delete"), {"view": mine.pk}, follow=True
    )

    assert not SavedView.objects.filter(pk=mine.pk).exists()
    assert "View “Expedited” deleted." in shown_messages(response)
    # Focused where the page comes back (from QA: a keyboard user was sent to its top).
    assert re.search(
        r'<div class="message message--success" tabindex="-1" autofocus>\s*'
        r"(<[^>]+>\s*)*View “Expedited” deleted\.",
        response.content.decode(),
    )


def test_a_deleted_view_is_offered_back_once(admin_client, case_admin):
    """A slip on a chip's × costs nothing: the list offers the view back ("Undo"), and that
    button saves it again with its own filters, once."""
    mine = SavedView.objects.create(owner=case_admin, name="Expedited", query="priority=expedited")
    response = admin_client.post(
        reverse("casefile:saved_view_delete"),
        {"view": mine.pk, "query": "status=closed"},
        follow=True,
    )
    page = response.content.decode()
    assert "Undo: save “Expedited” again" in page
    assert 'name="name" value="Expedited"' in page
    assert 'name="query" value="priority=expedited"' in page  # the view's, not the list's
    assert "Undo: save" not in admin_client.get(LIST).content.decode()  # once

    response = admin_client.post(
        reverse("casefile:saved_view_save"),
        {"name": "Expedited", "query": "priority=expedited"},
        follow=True,
    )
    restored = SavedView.objects.get(owner=case_admin)
    assert (restored.name, restored.query) == ("Expedited", "priority=expedited")
    assert response.redirect_chain[-1][0] == f"{LIST}?priority=expedited"


def test_deleting_a_view_comes_back_to_the_list_as_it_was(admin_client, case_admin):
    """From a QA pass: deleting a view landed on the plain list, the filters dropped."""
    mine = SavedView.objects.create(owner=case_admin, name="Expedited", query="priority=expedited")
    page = admin_client.get(LIST, {"status": "closed", "sort": "-due"}).content.decode()
    assert 'name="query" value="status=closed&amp;sort=-due"' in page

    response = admin_client.post(
        reverse("casefile:saved_view_delete"), {"view": mine.pk, "query": "status=closed&sort=-due"}
    )

    assert response["Location"] == f"{LIST}?status=closed&sort=-due"


@pytest.mark.parametrize("again", ["Mine", "mine", "MINE"])
def test_a_name_used_twice_is_refused_whatever_its_capitals(admin_client, case_admin, again):
    SavedView.objects.create(owner=case_admin, name="Mine", query="")
    response = admin_client.post(
        reverse("casefile:saved_view_save"), {"name": again, "query": "due=week"}, follow=True
    )
    assert SavedView.objects.filter(owner=case_admin).count() == 1
    assert (
        "The view was not saved: you have a view named “Mine” already; choose another name or "
        "delete that one." in shown_messages(response)
    )


def test_a_name_refused_comes_back_in_its_field_as_typed_once(admin_client, case_admin):
    """From QA: a name already used was refused and the field came back empty."""
    SavedView.objects.create(owner=case_admin, name="Mine", query="")
    response = admin_client.post(
        reverse("casefile:saved_view_save"), {"name": "mine", "query": "due=week"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{LIST}?due=week"
    page = response.content.decode()
    assert 'name="name" value="mine"' in page
    # Marked invalid, and the message saying why is focused (from QA: focus was lost).
    field = re.search(r'<input [^>]*name="name"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field
    assert re.search(
        r'<div class="message message--error" tabindex="-1" autofocus>\s*<p>The view was not '
        "saved",
        page,
    )
    # Once: the list opened again, or a view then saved, starts with an empty name.
    assert 'name="name" value=' not in admin_client.get(LIST).content.decode()
    # The filter fragment htmx asks for leaves the name for the whole page.
    admin_client.post(reverse("casefile:saved_view_save"), {"name": "MINE", "query": ""})
    admin_client.get(LIST, {"due": "week"}, headers={"HX-Request": "true"})
    assert 'name="name" value="MINE"' in admin_client.get(LIST).content.decode()


def test_a_view_saved_twice_at_once_is_saved_once_without_an_error(
    admin_client, case_admin, monkeypatch
):
    """Two posts of one name at once (a double click) both pass the form's check; the second
    meets the unique constraint, which was a server error."""
    SavedView.objects.create(owner=case_admin, name="Mine", query="")
    monkeypatch.setattr(SavedViewForm, "clean_name", lambda form: "Mine")
    response = admin_client.post(
        reverse("casefile:saved_view_save"), {"name": "Mine", "query": "due=week"}, follow=True
    )
    assert response.status_code == 200
    assert "View “Mine” is saved already." in shown_messages(response)
    assert SavedView.objects.filter(owner=case_admin).count() == 1


def test_a_view_too_long_once_encoded_is_refused_in_a_sentence(admin_client, case_admin):
    """From QA: 100 × "á" passed the 500-character check as typed and was stored as 602
    characters encoded, over the column (a server error on PostgreSQL)."""
    response = admin_client.post(
        reverse("casefile:saved_view_save"),
        {"name": "accents", "query": "q=" + "á" * 100},
        follow=True,
    )
    assert not SavedView.objects.filter(owner=case_admin).exists()
    assert (
        "The view was not saved: its filters take 602 characters once encoded, over the 500 "
        "a view can keep; shorten the search text and save it again."
    ) in shown_messages(response)
    # The name was not what was wrong: not marked (from the review).
    field = re.search(r'<input [^>]*name="name"[^>]*>', response.content.decode()).group(0)
    assert 'value="accents"' in field and "aria-invalid" not in field


def test_a_name_too_long_is_refused_in_a_sentence(admin_client, case_admin):
    """From QA: Django's own words followed the colon ("…saved: Ensure this value…")."""
    response = admin_client.post(
        reverse("casefile:saved_view_save"), {"name": "n" * 158, "query": ""}, follow=True
    )
    assert not SavedView.objects.filter(owner=case_admin).exists()
    assert "The view was not saved: its name has 158 characters; keep it to 80." in shown_messages(
        response
    )


def test_a_view_of_a_long_plain_search_is_saved(admin_client, case_admin):
    admin_client.post(
        reverse("casefile:saved_view_save"), {"name": "long", "query": "q=" + "a" * 100}
    )
    assert SavedView.objects.get(owner=case_admin).query == "q=" + "a" * 100


@pytest.mark.parametrize("name", [" ", "\u200b\u200b", "\ufeff "])
def test_a_view_without_a_name_says_so_in_a_sentence(admin_client, case_admin, name):
    """A name of unseen characters (zero-width spaces, from QA) would list as a blank view."""
    response = admin_client.post(
        reverse("casefile:saved_view_save"), {"name": name, "query": "due=week"}, follow=True
    )
    assert not SavedView.objects.filter(owner=case_admin).exists()
    assert "The view was not saved: give the view a name." in shown_messages(response)
    field = re.search(r'<input [^>]*name="name"[^>]*>', response.content.decode()).group(0)
    assert 'aria-invalid="true"' in field
    # Tied to why, said beside the field (from QA: a screen reader said only "invalid").
    assert 'aria-describedby="saved-view-name-refused"' in field
    assert (
        '<p class="field-error" id="saved-view-name-refused">Give the view a name.</p>'
        in response.content.decode()
    )


@pytest.mark.parametrize("view", ["²", "9" * 5000, "abc"])
def test_deleting_a_view_that_is_not_an_id_says_so(admin_client, case_admin, view):
    SavedView.objects.create(owner=case_admin, name="Mine", query="")
    response = admin_client.post(reverse("casefile:saved_view_delete"), {"view": view}, follow=True)
    assert response.status_code == 200 and "No such saved view." in shown_messages(response)
    assert SavedView.objects.filter(owner=case_admin).count() == 1


def test_a_reviewer_saves_views_too(reviewer):
    client = signed_in(reviewer)
    client.post(reverse("casefile:saved_view_save"), {"name": "Late", "query": "due=overdue"})
    assert SavedView.objects.get(owner=reviewer).query == "due=overdue"


# --- Bulk actions -----------------------------------------------------------------------------


def test_select_all_checks_every_case_on_the_page(admin_client):
    cases = [CaseFactory() for _ in range(3)]
    plain = admin_client.get(LIST).content.decode()
    selected = admin_client.get(LIST, {"select": "all"}).content.decode()

    assert plain.count(" checked>") == 0
    assert selected.count(" checked>") == len(cases)


def test_export_selected_gives_only_those_cases(admin_client):
    chosen, other = CaseFactory(), CaseFactory()
    response = admin_client.post(BULK, {"action": "export", "case": [chosen.case_number]})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    numbers = [row[0] for row in rows[1:]]
    assert numbers == [chosen.case_number]
    assert other.case_number not in numbers


def test_the_selected_cases_are_exported_in_the_lists_order(admin_client):
    """From QA: the file came in case-number order, not as the list showed them."""
    first, second, third = (CaseFactory() for _ in range(3))
    chosen = [first.case_number, second.case_number, third.case_number]
    response = admin_client.post(BULK, {"action": "export", "case": chosen, "query": "sort=-case"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[0] for row in rows[1:]] == chosen[::-1]


def test_an_action_on_every_case_matching_takes_the_filters_cases_on_every_page(
    remind, admin_client, monkeypatch
):
    """From QA: with 59 overdue cases a reminder took two rounds of a page each; "every case
    matching the filters" takes them all, and past the limit does nothing and says why."""
    in_review = [case_in_review(reviewer_with_profile(f"REV-{n}"))[0] for n in range(3)]
    other = CaseFactory(priority="expedited")
    for case in in_review:
        type(case).objects.filter(pk=case.pk).update(priority="standard")
    page = admin_client.get(LIST).content.decode()
    assert 'name="scope" value="matching"' not in page  # one page: nothing more to take
    exported = admin_client.post(
        BULK,
        # The list as drawn, not the filter form's query as it stands when sent.
        {
            "action": "export",
            "scope": "matching",
            "shown_query": "priority=standard",
            "query": "priority=expedited",
        },
    )
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert sorted(row[0] for row in rows[1:]) == sorted(c.case_number for c in in_review)
    assert other.case_number not in {row[0] for row in rows}
    # Up to 500 e-mails from one click: asked first, nothing sent until confirmed (from QA).
    asked = admin_client.post(
        BULK, {"action": "remind", "scope": "matching", "shown_query": "priority=standard"}
    )
    page = asked.content.decode()
    assert "Remind the reviewers of 3 cases?" in page
    assert "3 cases match the case list" in page and "Each case's reviewer" in page
    assert '<input type="hidden" name="shown_query" value="priority=standard">' in page
    assert not mail.outbox and not ReminderRun.objects.exists()
    # The count confirmed is the count that matches now, or it is asked again (from a review).
    other.priority = "standard"
    other.save(update_fields=["priority"])
    again = admin_client.post(
        BULK,
        {
            "action": "remind",
            "scope": "matching",
            "shown_query": "priority=standard",
            "confirmed": "3",
        },
    )
    assert "changed since you were asked: 4 match now" in again.content.decode()
    # From QA: the question did not say how many have a reviewer to remind (here 3 of 4).
    assert "<strong>3 of them are in a reviewer's hands now</strong>" in again.content.decode()
    assert not ReminderRun.objects.exists()
    type(other).objects.filter(pk=other.pk).update(priority="expedited")
    reminded = remind({"scope": "matching", "shown_query": "priority=standard", "confirmed": "3"})
    assert report_of(reminded).startswith("Reminders sent for 3 cases")
    assert len(mail.outbox) == 3

    monkeypatch.setattr(casefile_forms, "MAX_MATCHING", 2)
    refused = admin_client.post(
        BULK, {"action": "remind", "scope": "matching", "shown_query": "status=all"}, follow=True
    )
    assert shown_messages(refused) == [
        "More than 2 cases match the filters; an action takes at most 2 at once. Narrow the "
        "filters: nothing was done."
    ]
    assert len(mail.outbox) == 3
    nothing = admin_client.post(
        BULK,
        {"action": "remind", "scope": "matching", "shown_query": "q=nobody-at-all"},
        follow=True,
    )
    assert shown_messages(nothing) == ["No case matches the filters: nothing was done."]


def test_reminders_go_to_each_assigned_reviewer_and_are_reported(remind, admin_client):
    in_review, reviewer, _ = case_in_review()
    waiting = CaseFactory()

    response = remind({"case": [in_review.case_number, waiting.case_number, "CM99-9999999"]})

    # Each case is named, linked to its page (from QA: which one was not said).
    assert report_of(response) == (
        f"Reminders sent for 1 case ({case_link(in_review)}); 1 case ({case_link(waiting)}) "
        "has no reviewer to remind (none assigned, or the determination is submitted); 1 case "
        "not found or not yours to act on."
    )
    assert [message.to for message in mail.outbox] == [[reviewer.email]]
    assert in_review.events.filter(type=EventType.REMINDER_SENT).count() == 1
    assert not waiting.events.filter(type=EventType.REMINDER_SENT).exists()
    # Recorded as the administrator's, not as the schedule's (from a QA pass).
    admin = response.wsgi_request.user
    assert in_review.events.get(type=EventType.REMINDER_SENT).actor == admin
    history = admin_client.get(reverse("casefile:case_detail", args=[in_review.case_number]))
    assert re.search(
        rf'Reminder sent</strong>\s*<span class="muted">by {re.escape(admin.get_full_name())}<',
        history.content.decode(),
    )

    again = remind({"case": [in_review.case_number]})
    # From QA: it said "Reminders sent for 0 cases; …".
    assert report_of(again) == (
        f"No reminder was due: 1 case ({case_link(in_review)}) already reminded for this due date."
    )
    assert len(mail.outbox) == 1


def test_a_reviewer_whose_login_is_deactivated_is_not_reminded_and_the_case_is_named(
    remind,
    admin_client,
):
    """From QA: "Reminders sent for 2 cases" counted a case whose reviewer's login was
    deactivated, and the e-mail went to someone who could no longer sign in."""
    kept, reviewer, _ = case_in_review()
    gone, gone_reviewer, _ = case_in_review(reviewer_with_profile("REV-GONE"))
    type(gone_reviewer).objects.filter(pk=gone_reviewer.pk).update(is_active=False)

    response = remind({"case": [kept.case_number, gone.case_number]})

    assert report_of(response) == (
        f"Reminders sent for 1 case ({case_link(kept)}); 1 case ({assign_link(gone)}) is held "
        "by a reviewer whose login is deactivated: reassign it on its Assign page."
    )
    # Drawn as a link on the reminders' page, not as escaped text.
    assert f"({assign_link(gone)})" in response.content.decode()
    assert [message.to for message in mail.outbox] == [[reviewer.email]]
    assert not gone.events.filter(type=EventType.REMINDER_SENT).exists()


def test_a_deactivated_reviewer_without_an_e_mail_address_is_reported_as_deactivated(
    remind,
    admin_client,
):
    """From a review: the missing address was checked first, so the report said "no reviewer
    to remind" and not that the case is to be reassigned."""
    case, reviewer, _ = case_in_review()
    type(reviewer).objects.filter(pk=reviewer.pk).update(is_active=False, email="")
    response = remind({"case": [case.case_number]})
    assert report_of(response) == (
        f"No reminder was due: 1 case ({assign_link(case)}) is held by a reviewer whose login "
        "is deactivated: reassign it on its Assign page."
    )


def test_the_report_names_the_first_ten_cases_to_reassign():
    numbers = [f"CM26-00000{n:02d}" for n in range(12, 0, -1)]
    named = {outcome: [] for outcome in Reminded} | {Reminded.LOGIN_DEACTIVATED: numbers}
    report = _reminders_report(named, refused=0)
    named = ", ".join(
        f'<a href="/cases/{number}/assign/">{number}</a>' for number in sorted(numbers)[:10]
    )
    assert report == (
        f"No reminder was due: 12 cases ({named} and 2 more) are held by reviewers whose "
        "logins are deactivated: reassign each on its Assign page."
    )


def test_the_report_escapes_what_it_does_not_link():
    """Only the links to reassign are HTML: a case number is escaped like any other text."""
    named = {outcome: [] for outcome in Reminded} | {
        Reminded.LOGIN_DEACTIVATED: ["CM26-<b>"],
        Reminded.SENT: ["CM26-<i>"],
    }
    report = _reminders_report(named, refused=0)
    assert "<b>" not in report and "<i>" not in report
    assert "CM26-&lt;b&gt;" in report and "CM26-&lt;i&gt;" in report


def test_one_case_selected_twice_in_other_capitals_is_one_case(remind, admin_client):
    """From QA: "CM26-0000005" and "cm26-0000005" reported one case as not found."""
    in_review, reviewer, _ = case_in_review()
    number = in_review.case_number

    response = remind({"case": [number, number.lower(), f" {number} "]})

    assert report_of(response) == f"Reminders sent for 1 case ({case_link(in_review)})."
    assert len(mail.outbox) == 1


def test_a_closed_case_is_reported_closed_not_without_a_reviewer(remind, admin_client):
    closed = [
        CaseFactory(status=status)
        for status in (CaseStatus.ISSUED, CaseStatus.TERMINATED, CaseStatus.INELIGIBLE)
    ]

    response = remind({"case": [case.case_number for case in closed]})

    # Each named, as the other outcomes' cases are (from QA).
    named = ", ".join(case_link(case) for case in sorted(closed, key=lambda c: c.case_number))
    assert report_of(response) == (
        f"No reminder was due: 3 cases ({named}) are closed (issued, terminated or "
        "ineligible): nothing to remind of."
    )
    assert not mail.outbox


def test_reminders_for_cases_not_found_say_none_was_sent(remind, admin_client):
    response = remind({"case": ["CM99-9999999"]})
    assert report_of(response) == ("No reminder was sent: 1 case not found or not yours to act on.")


def test_export_selected_with_an_unknown_case_says_how_many_were_not_found(admin_client):
    chosen = CaseFactory()

    response = admin_client.post(
        BULK,
        {"action": "export", "case": [chosen.case_number, "CM99-9999999"], "query": "due=week"},
        follow=True,
    )

    assert not response.streaming
    assert response.redirect_chain[-1][0] == f"{LIST}?due=week"
    assert shown_messages(response) == [
        "Nothing was exported: 1 of the 2 selected cases was not found or not yours to act on. "
        "Select the cases again."
    ]


def test_bulk_actions_are_the_case_administrators():
    case, reviewer, _ = case_in_review()
    client = signed_in(reviewer)

    response = client.post(BULK, {"action": "remind", "case": [case.case_number]})

    assert response.status_code == 403
    assert not mail.outbox
    assert "Remind reviewers" not in client.get(LIST).content.decode()


def test_no_case_selected_is_explained(admin_client):
    CaseFactory()
    response = admin_client.post(BULK, {"action": "remind"}, follow=True)
    assert shown_messages(response) == ["Select at least one case."]
