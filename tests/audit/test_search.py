"""The system administrator searches the audit log by case, user and dates and exports it as
CSV; the case page shows who read the case to the IRO's own staff only."""

import csv
import datetime as dt
import html
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditAction, AuditEvent, AuditKind
from reviews.assignment.models import Assignment
from tests.factories import PASSWORD, UserFactory, api_client_for

pytestmark = pytest.mark.django_db


def at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T10:00"))


def read(user, case_number: str, day: str, kind=AuditKind.CASE) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=user,
        username=user.username,
        role=user.role,
        action=AuditAction.READ,
        kind=kind,
        case_number=case_number,
        created_at=at(day),
        ip_address="192.0.2.9",
    )


def answered(user, action, case_number: str, status: int) -> AuditEvent:
    """An event of `user` (None: nobody signed in) on a case, answered with `status`."""
    return AuditEvent.objects.create(
        actor=user,
        username=user.username if user else "",
        role=user.role if user else "",
        action=action,
        kind=AuditKind.CASE,
        case_number=case_number,
        status_code=status,
    )


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def log():
    ana = UserFactory(username="ana", role=Role.CASE_ADMIN)
    bo = UserFactory(username="bo", role=Role.REVIEWER)
    read(ana, "CM26-0000001", "2026-03-01")
    read(bo, "CM26-0000001", "2026-03-05")
    read(bo, "CM26-0000002", "2026-03-09")
    return ana, bo


def shown(response) -> list[tuple[str, str]]:
    return [(e.username, e.case_number) for e in response.context["page"].object_list]


def test_search_by_case_user_and_dates(log):
    client = signed_in(UserFactory(role=Role.SYSTEM_ADMIN))
    url = reverse("auditlog:search")
    by_case = client.get(url, {"case_number": "cm26-0000001"})
    assert shown(by_case) == [("bo", "CM26-0000001"), ("ana", "CM26-0000001")]
    # As the case list finds it, without its dash too (from QA: "No events match", and an
    # auditor could have concluded nobody read the case).
    for typed in ("cm260000001", " CM26 0000001 "):
        assert shown(client.get(url, {"case_number": typed})) == shown(by_case), typed
    assert shown(client.get(url, {"username": "bo"})) == [
        ("bo", "CM26-0000002"),
        ("bo", "CM26-0000001"),
    ]
    # Both ends of the range are whole days, included.
    between = client.get(url, {"since": "2026-03-05", "until": "2026-03-09"})
    assert shown(between) == [("bo", "CM26-0000002"), ("bo", "CM26-0000001")]
    reversed_range = client.get(url, {"since": "2026-03-09", "until": "2026-03-01"})
    assert "The first day comes after the last" in reversed_range.content.decode()
    # A case number or username too long (an edited address) says why beside its box (from a
    # QA pass: only "Nothing was searched: correct the search above.").
    too_long = client.get(url, {"case_number": "A" * 100}).content.decode()
    assert 'id="id_case_number_error">Ensure this value has at most 40 characters' in too_long
    # Each event's role by its name, not its code
    page = by_case.content.decode()
    assert '<td data-label="Role">Expert reviewer</td>' in page
    assert '<td data-label="Role">reviewer</td>' not in page
    # And as typed: an address probed without the dash is logged so, and found so.
    read(UserFactory(username="cy"), "CM260000001", "2026-03-06")
    assert ("cy", "CM260000001") in shown(client.get(url, {"case_number": "cm260000001"}))


def test_the_csv_export_streams_what_the_search_found(log):
    client = signed_in(UserFactory(role=Role.SYSTEM_ADMIN))
    response = client.get(reverse("auditlog:export"), {"username": "bo"})
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["User"], row["Case"], row["Address"]) for row in rows] == [
        ("bo", "CM26-0000002", "192.0.2.9"),
        ("bo", "CM26-0000001", "192.0.2.9"),
    ]
    assert rows[0]["When"].startswith("2026-03-09T10:00")
    # The export itself is in the log.
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, kind=AuditKind.AUDIT_LOG)


def test_a_cell_is_never_a_spreadsheet_formula():
    user = UserFactory(role=Role.SYSTEM_ADMIN)
    AuditEvent.objects.create(
        username="=HYPERLINK(1)", action=AuditAction.SIGN_IN_FAILED, kind=AuditKind.SESSION
    )
    body = b"".join(signed_in(user).get(reverse("auditlog:export")).streaming_content).decode()
    assert "'=HYPERLINK(1)" in body


@pytest.mark.parametrize(
    "role", [Role.CASE_ADMIN, Role.REVIEWER, Role.QUALITY_REVIEWER, Role.API_CLIENT]
)
def test_only_the_system_administrator_reads_the_log(role):
    for route in ("auditlog:search", "auditlog:export"):
        answer = signed_in(UserFactory(role=role)).get(reverse(route))
        if role == Role.API_CLIENT:  # no web pages at all: its session is ended
            assert answer.status_code == 302 and answer["Location"].startswith("/login/")
        else:
            assert answer.status_code == 403


def readers_panel(user, case, opened: str = "htmx") -> str | None:
    """The "Who read this case" panel as the user gets it: opened in place (its own htmx
    request), opened without JavaScript (?readers=1), or as the page first shows it (closed)."""
    client = signed_in(user)
    url = reverse("casefile:case_detail", args=[case.case_number])
    if opened == "htmx":
        page = client.get(url + "?panel=readers", HTTP_HX_REQUEST="true")
    elif opened == "link":
        page = client.get(url + "?readers=1")
    else:
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    if "Who read this case" not in html:
        return None
    return html[html.index('id="readers-panel"') :]


@pytest.mark.parametrize("role", [Role.CASE_ADMIN, Role.SYSTEM_ADMIN, Role.QUALITY_REVIEWER])
@pytest.mark.parametrize("opened", ["htmx", "link"])
def test_the_case_page_shows_who_read_the_case(role, opened, case):
    reader = UserFactory(
        username="dr-reader", role=Role.REVIEWER, first_name="Rita", last_name="Reader"
    )
    read(reader, case.case_number, "2026-03-05", kind=AuditKind.RECORD)
    read(reader, "CM26-9999999", "2026-03-06")  # another case: not here
    panel = readers_panel(UserFactory(role=role), case, opened)
    assert panel is not None and panel.startswith('id="readers-panel" open')
    # By name, as the history names people, with the login the log kept.
    assert 'Rita Reader <span class="muted">(dr-reader)</span>' in panel
    assert "Expert reviewer" in panel
    assert "The only read of this case, its records and letters, in the audit log" in panel
    assert "03/05/2026" in panel and "Read: Medical record" in panel
    # When, in California's time, for the eye and for the machine.
    assert '<time datetime="2026-03-05T10:00:00-08:00">03/05/2026 10:00 AM</time>' in panel
    assert "03/06/2026" not in panel


def test_who_read_the_case_is_read_only_when_its_panel_is_opened(case):
    """The audit log is not read for every view of the case page: the panel starts closed,
    with the address that opens it in place and a link that opens it without JavaScript."""
    read(UserFactory(username="dr-reader", role=Role.REVIEWER), case.case_number, "2026-03-05")
    panel = readers_panel(UserFactory(role=Role.CASE_ADMIN), case, opened="")
    assert panel is not None
    assert "dr-reader" not in panel and " open" not in panel.split(">", 1)[0]
    assert f'hx-get="/cases/{case.case_number}/?panel=readers"' in panel
    assert 'href="?readers=1#readers"' in panel


def test_reviewers_and_api_clients_do_not_see_who_read_the_case(case, reviewer):
    read(UserFactory(username="dr-other"), case.case_number, "2026-03-05")
    Assignment.objects.create(case=case, reviewer=reviewer, assigned_by=UserFactory())
    for opened in ("", "htmx", "link"):
        assert readers_panel(reviewer, case, opened) is None
    # An API client reads its cases through the API only, which has no such panel.
    client_user = UserFactory(role=Role.API_CLIENT)
    case.created_by = client_user
    case.save(update_fields=["created_by"])
    answer = api_client_for(client_user).get(reverse("api:case", args=[case.case_number]))
    assert answer.status_code == 200 and "dr-other" not in answer.content.decode()


def test_the_last_day_a_date_box_takes_is_a_search_not_an_error(log):
    client = signed_in(UserFactory(role=Role.SYSTEM_ADMIN))
    search = client.get(reverse("auditlog:search"), {"since": "2026-03-05", "until": "9999-12-31"})
    assert search.status_code == 200
    assert shown(search)[-2:] == [("bo", "CM26-0000002"), ("bo", "CM26-0000001")]
    export = client.get(reverse("auditlog:export"), {"until": "9999-12-31", "username": "ana"})
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [row["User"] for row in rows] == ["ana"]


@pytest.mark.parametrize(
    "bad",
    [
        {"since": "2026-03-09", "until": "2026-03-01"},
        {"since": "03/32/2026", "username": "bo"},
        {"case_number": "CM26-0000001" * 5},
    ],
)
def test_a_search_with_an_error_finds_nothing_and_exports_nothing(log, bad):
    """Not the whole log under the error message, nor the whole log as a file."""
    client = signed_in(UserFactory(role=Role.SYSTEM_ADMIN))
    search = client.get(reverse("auditlog:search"), bad)
    html = search.content.decode()
    assert search.status_code == 200 and "correct the search above" in html
    assert "ana" not in html and "Export CSV" not in html
    export = client.get(reverse("auditlog:export"), bad)
    assert export.status_code == 400 and not export.streaming
    assert "correct the search above" in export.content.decode()


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2026-02-30", "“2026-02-30” for “From” is no day of the calendar: choose another."),
        ("abc", "“abc” is not a date for “From”: give it as MM/DD/YYYY."),
    ],
)
def test_a_date_that_is_none_stays_in_its_box_as_typed_and_is_named(log, typed, said):
    """From QA: ?since=2026-02-30 came back with From empty (a date box cannot show it) and
    only "Enter a valid date."; the dashboard's period says which value of which field."""
    client = signed_in(UserFactory(role=Role.SYSTEM_ADMIN))
    page = html.unescape(client.get(reverse("auditlog:search"), {"since": typed}).content.decode())
    assert said in page and "Enter a valid date." not in page
    field = re.search(r'<div class="field">\s*<label for="id_since">.*?</div>', page, re.S).group(0)
    box = re.search(r'<input [^>]*name="since"[^>]*>', field).group(0)
    assert 'type="text"' in box and f'value="{typed}"' in box
    assert 'aria-invalid="true"' in box and 'aria-describedby="id_since_error"' in box
    # Said between the label and the box, so the boxes of the row stay in line.
    assert field.index('id="id_since_error"') < field.index("<input")
    # The date read well keeps its date box.
    until = client.get(reverse("auditlog:search"), {"since": typed, "until": "2026-03-09"})
    box = re.search(r'<input [^>]*name="until"[^>]*>', until.content.decode()).group(0)
    assert 'type="date"' in box and 'value="2026-03-09"' in box


def test_a_long_search_pages_without_counting_the_log(log, settings):
    """The log grows by every read of every case; counting a search of it on every page cost
    more than the page. The pages say where they are and whether more follow."""
    ana, _ = log
    for day in range(10, 15):
        read(ana, "CM26-0000009", f"2026-03-{day}")
    settings.AUDIT_EVENTS_PER_PAGE = 2
    client = signed_in(UserFactory(role=Role.SYSTEM_ADMIN))
    url = reverse("auditlog:search")
    one = client.get(url, {"case_number": "CM26-0000001"}).content.decode()
    assert "2 events" in one and "Page 1" not in one  # one page: counted by its rows
    pages = [
        client.get(url, {"case_number": "CM26-0000009", "page": n}).content.decode()
        for n in (1, 2, 3)
    ]
    assert "Events 1–2, more on the next page" in pages[0] and "Page 1<" in pages[0]
    assert 'page=2" rel="next"' in pages[0] and 'rel="prev"' not in pages[0]
    assert "Events 3–4, more on the next page" in pages[1] and 'rel="prev"' in pages[1]
    assert "5 events, showing 5–5" in pages[2] and 'rel="next"' not in pages[2]


def test_an_admin_change_says_which_record_and_fields_it_changed():
    """From QA: the page showed "Change | Admin page 1 | POST admin:accounts_user_change",
    though the event holds the model, the object and the fields."""
    sysadmin = UserFactory(role=Role.SYSTEM_ADMIN)
    client = signed_in(sysadmin)
    reviewer = UserFactory(role=Role.REVIEWER, first_name="Ana")
    form = {
        "username": reviewer.username,
        "first_name": reviewer.first_name,
        "last_name": reviewer.last_name,
        "email": reviewer.email,
        "role": Role.REVIEWER,
    }
    change = reverse("admin:accounts_user_change", args=[reviewer.pk])
    assert client.post(change, form).status_code == 302

    page = client.get(reverse("auditlog:search")).content.decode()

    # Deactivated, and said so (from QA: deactivating and reactivating both read "changed
    # Active")
    # (the dates of sign-in and joining are read-only facts: never changed here)
    assert f"User #{reviewer.pk} “{reviewer.username}”: changed Active (now Active: no)" in page
    assert "accounts.User" not in page  # the model by its name, not its code

    form.update(is_active="on", role=Role.QUALITY_REVIEWER)
    assert client.post(change, form).status_code == 302
    page = html.unescape(client.get(reverse("auditlog:search")).content.decode())
    assert (
        f"User #{reviewer.pk} “{reviewer.username}”: changed Role, Active (now "
        "Role: Quality reviewer, Active: yes)"
    ) in page


def test_a_password_set_in_django_admin_is_saved_and_logged():
    # From a review: the audit of an admin change read the values of the form's model fields,
    # and the admin's password form has no model instance: the page answered 500 after saving.
    sysadmin = UserFactory(role=Role.SYSTEM_ADMIN)
    client = signed_in(sysadmin)
    reviewer = UserFactory(role=Role.REVIEWER)
    new_password = "A-new-password-for-2027"
    response = client.post(
        reverse("admin:auth_user_password_change", args=[reviewer.pk]),
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.check_password(new_password)
    page = client.get(reverse("auditlog:search")).content.decode()
    assert f"User #{reviewer.pk} “{reviewer.username}”: changed password" in html.unescape(page)


def test_a_change_refused_or_failed_is_not_read_as_a_change_made():
    """From QA: a form sent back with its errors read "Change" beside its 400, as if made."""
    ana = UserFactory(username="ana", role=Role.CASE_ADMIN)
    for status, number in ((302, "CM26-0000001"), (400, "CM26-0000002"), (500, "CM26-0000003")):
        answered(ana, AuditAction.CHANGE, number, status)
    client = signed_in(UserFactory(role=Role.SYSTEM_ADMIN))
    url = reverse("auditlog:search")

    def action(number: str) -> str:
        page = client.get(url, {"case_number": number}).content.decode()
        return page.split('<td data-label="Action">')[1].split("</td>")[0]

    assert action("CM26-0000001") == "Change"
    assert action("CM26-0000002") == "Change refused"
    assert action("CM26-0000003") == "Change failed"
    # A read refused is said so too, and a panel polled after the session ended (401), by
    # nobody, was sent to sign in.
    answered(ana, AuditAction.READ, "CM26-0000004", 403)
    answered(None, AuditAction.READ, "CM26-0000005", 401)
    assert action("CM26-0000004") == "Read refused"
    assert action("CM26-0000005") == "Read refused (not signed in)"


def test_a_read_by_nobody_signed_in_is_said_refused():
    """From QA: a signed-out browser's requests read "Search · Audit log" and "Read · Admin
    page", as if someone had searched and read them; each was sent to sign in."""
    anonymous = Client()
    assert anonymous.get(reverse("auditlog:search"), {"username": "ana"}).status_code == 302
    client = signed_in(UserFactory(role=Role.SYSTEM_ADMIN))
    page = client.get(reverse("auditlog:search")).content.decode()
    assert '<td data-label="Action">Search refused (not signed in)</td>' in page
