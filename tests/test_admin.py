"""Django admin is for looking things up: cases, determinations, letters, assignments and events
change only through the services (status table, event log); the roster and users stay
editable, each change written to the audit log; users are never deleted."""

import re

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Notification, Role, User
from audit.admin import AuditedModelAdmin
from audit.models import AuditAction, AuditEvent, AuditKind
from reviews.letters.models import Letter, LetterText
from reviews.letters.render import letter_text_current
from reviews.roster.models import ReviewerProfile
from tests.factories import (
    UserFactory,
    approved_determination,
    case_in_review,
    login,
    reviewer_with_profile,
    second_factor_given,
    totp_device_for,
)

pytestmark = pytest.mark.django_db

READ_ONLY = (
    "cases_case",
    "cases_caseevent",
    "reviews_determination",
    "reviews_assignment",
    "reviews_letter",
    "reviews_caseconflict",
    "audit_auditevent",
)

# What Django admin may still change: the roster, the users (their groups and API tokens).
# Everything else registered there (workflow records, evidence) is read-only, inlines included.
EDITABLE = {
    "accounts.User",
    "auth.Group",
    # Unlocking an account locked by failed sign-ins (README "Authentication") clears its
    # attempts here.
    "axes.AccessAttempt",
    # A lost phone: the administrator removes the user's second-factor devices.
    "otp_totp.TOTPDevice",
    "otp_static.StaticDevice",
    "reviews.ReviewerProfile",
    "reviews.Specialty",
    "reviews.CategorySpecialty",
}


@pytest.fixture
def superuser_client(client):
    user = UserFactory(role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", READ_ONLY)
def test_admin_cannot_add_these(superuser_client, model):
    listing = superuser_client.get(reverse(f"admin:{model}_changelist"))
    assert listing.status_code == 200
    assert reverse(f"admin:{model}_add") not in listing.content.decode()
    assert superuser_client.get(reverse(f"admin:{model}_add")).status_code == 403
    assert superuser_client.post(reverse(f"admin:{model}_add"), {}).status_code == 403


def test_admin_cannot_change_a_case_or_its_letter(superuser_client):
    determination = approved_determination()
    case = determination.case
    letter = Letter.objects.create(
        case=case,
        determination=determination,
        version=1,
        letter_text=LetterText.objects.first() or letter_text_current(),
    )
    for model, obj in (("cases_case", case), ("reviews_letter", letter)):
        url = reverse(f"admin:{model}_change", args=[obj.pk])
        page = superuser_client.get(url)
        # A view-only page: no save button.
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert superuser_client.post(url, {}).status_code == 403
        delete = reverse(f"admin:{model}_delete", args=[obj.pk])
        assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    case.refresh_from_db()
    assert Letter.objects.filter(pk=letter.pk).exists()


def test_the_roster_and_users_stay_editable(superuser_client):
    for model in ("reviews_reviewerprofile", "reviews_specialty", "accounts_user"):
        page = superuser_client.get(reverse(f"admin:{model}_add"))
        assert page.status_code == 200, model


def test_the_reviewer_page_labels_each_licence_field_and_a_users_dates_are_read_only(
    superuser_client,
):
    """From QA: the licences, affiliations and leave were tables whose inputs had no label (a
    screen reader heard nothing), 1,000 px wide on a phone; a user's last sign-in and joining
    date were editable, as four unlabelled boxes."""
    page = superuser_client.get(reverse("admin:reviews_reviewerprofile_add")).content.decode()
    for field in ("state", "number", "expires", "restricted"):
        matches = re.findall(rf'<label[^>]*for="id_licences-0-{field}"', page)
        assert matches, field
    user = UserFactory(role=Role.CASE_ADMIN)
    page = superuser_client.get(
        reverse("admin:accounts_user_change", args=[user.pk])
    ).content.decode()
    assert 'name="last_login_0"' not in page and 'name="date_joined_0"' not in page


def test_every_admin_page_is_read_only_unless_it_is_the_roster_or_users():
    superuser = User(role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True, is_active=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if label in EDITABLE:
            # Still editable: every change goes to the audit log with its fields.
            assert isinstance(model_admin, AuditedModelAdmin), label
            continue
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request, None), label
        assert not model_admin.has_delete_permission(request, None), label
        for inline in model_admin.get_inline_instances(request):
            name = f"{label} ({type(inline).__name__})"
            assert not inline.has_add_permission(request, None), name
            assert not inline.has_change_permission(request, None), name
            assert not inline.has_delete_permission(request, None), name


def test_a_user_cannot_be_deleted_and_the_admin_says_why(superuser_client):
    user = UserFactory(role=Role.REVIEWER)
    change = reverse("admin:accounts_user_change", args=[user.pk])
    page = superuser_client.get(change).content.decode()
    assert "Users are never deleted" in page and "untick “Active”" in page
    assert reverse("admin:accounts_user_delete", args=[user.pk]) not in page
    delete = reverse("admin:accounts_user_delete", args=[user.pk])
    for answer in (superuser_client.get(delete), superuser_client.post(delete, {"post": "yes"})):
        assert answer.status_code == 302 and answer["Location"] == change
    followed = superuser_client.post(delete, {"post": "yes"}, follow=True).content.decode()
    assert "Users are never deleted" in followed
    listing = reverse("admin:accounts_user_changelist")
    bulk = {"action": "delete_selected", "_selected_action": [user.pk], "post": "yes"}
    superuser_client.post(listing, bulk)
    assert User.objects.filter(pk=user.pk).exists()


def test_a_roster_change_in_admin_is_audited_with_its_fields(superuser_client):
    superuser_client.post(reverse("admin:reviews_specialty_add"), {"name": "Audit Test Specialty"})
    change = AuditEvent.objects.get(kind=AuditKind.ADMIN, action=AuditAction.CHANGE)
    assert change.details["model"] == "reviews.Specialty"
    assert change.details["added"] == [{"added": {}}]
    assert change.details["page"] == "reviews_specialty_add" and change.status_code == 302


# --- Resetting a second factor (README "Authentication": a lost phone) -------------------------


def _verified_client(user) -> Client:
    client = Client()
    client.force_login(user)
    second_factor_given(client, user)
    return client


def test_deleting_a_users_app_in_admin_ends_the_sessions_it_verified(superuser_client):
    # Given a reviewer signed in with their app (a laptop left open, the phone lost with it)
    user = UserFactory(role=Role.REVIEWER)
    device = totp_device_for(user)
    elsewhere = _verified_client(user)
    dashboard = reverse("determination:reviewer_dashboard")
    assert elsewhere.get(dashboard).status_code == 200

    # When a system administrator deletes the app in admin, told first what it does (from QA:
    # Django's own page said only that the device would be deleted)
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    asked = superuser_client.get(delete).content.decode()
    assert f"Every session of {user} will end" in asked
    assert "at their next sign-in they set up a new app" in asked
    deleted = superuser_client.post(delete, {"post": "yes"})
    # Back to the devices (from QA: to the admin's home page)
    assert deleted.url == reverse("admin:otp_totp_totpdevice_changelist")

    # Then the session it verified is over, and the audit log names whose sessions ended
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert elsewhere.get(dashboard).status_code != 200
    assert "_auth_user_id" not in elsewhere.session
    ended = AuditEvent.objects.get(
        details__event="signed_out_elsewhere", details__signed_out=user.username
    )
    assert ended.summary() == f"every session of {user.username} ended"


def test_the_bulk_delete_of_apps_ends_each_users_sessions(superuser_client):
    users = [UserFactory(role=Role.CASE_ADMIN) for _ in range(2)]
    devices = [totp_device_for(user) for user in users]
    sessions = [_verified_client(user) for user in users]
    listing = reverse("admin:otp_totp_totpdevice_changelist")
    bulk = {"action": "delete_selected", "_selected_action": [device.pk for device in devices]}
    asked = superuser_client.post(listing, bulk).content.decode()
    ending = asked.split("<strong>Every session of ")[1].split(" will end</strong>")[0]
    assert set(ending.split(", ")) == {str(user) for user in users}
    superuser_client.post(listing, {**bulk, "post": "yes"})
    assert not TOTPDevice.objects.filter(pk__in=[device.pk for device in devices]).exists()
    for session in sessions:
        assert session.get(reverse("casefile:case_list")).status_code != 200


def test_admin_never_shows_nor_sets_a_users_second_factor_secrets(superuser_client):
    # Given a user's app and recovery codes
    user = UserFactory(role=Role.QUALITY_REVIEWER)
    device = totp_device_for(user)
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=recovery, token="known1234")

    # Then the administrator can see that they exist and delete them, but reads neither the
    # app's key (to copy the user's second factor) nor the recovery codes
    page = superuser_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    for name in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        assert superuser_client.get(reverse(name, args=[device.pk])).status_code == 403
    static = superuser_client.get(
        reverse("admin:otp_static_staticdevice_change", args=[recovery.pk])
    )
    assert static.status_code == 200 and "known1234" not in static.content.decode()

    # Nor gives a user a second factor of the administrator's choosing (a key, a code they
    # know): the user enrols their own
    for name in ("admin:otp_totp_totpdevice_add", "admin:otp_static_staticdevice_add"):
        assert superuser_client.get(reverse(name)).status_code == 403
    change = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    superuser_client.post(change, {"user": user.pk, "name": "x", "key": "00" * 20})
    device.refresh_from_db()
    assert device.name == "Test app"


# --- Who opens the admin site -------------------------------------------------------------------


def test_a_system_administrator_moved_to_another_role_loses_the_admin_site_at_once(client):
    # Given a system administrator (staff and superuser, as createsuperuser makes one)
    former = UserFactory(role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)
    other = UserFactory(role=Role.REVIEWER)
    client.force_login(former)
    assert client.get(reverse("admin:index")).status_code == 200

    # When their role is changed to case administrator (the flags left as they were)
    User.objects.filter(pk=former.pk).update(role=Role.CASE_ADMIN)

    # Then the admin site is closed to them, as every system administrator's page is
    # (Django's admin sends them to its sign-in, which answers a signed-in user with a 403)
    assert client.get(reverse("admin:index"), follow=True).status_code == 403
    change = reverse("admin:accounts_user_change", args=[other.pk])
    assert client.get(change, follow=True).status_code == 403
    client.post(change, {"username": other.username, "role": Role.SYSTEM_ADMIN})
    other.refresh_from_db()
    assert other.role == Role.REVIEWER


def test_createsuperuser_makes_a_system_administrator_who_opens_the_admin_site(client):
    # README "Deployment": the first system administrator comes from createsuperuser
    call_command("createsuperuser", username="first", email="first@example.org", interactive=False)
    first = User.objects.get(username="first")
    assert first.role == Role.SYSTEM_ADMIN
    client.force_login(first)
    assert client.get(reverse("admin:index")).status_code == 200


def _user_form_posted(client, user, **changes):
    """The user's admin change form as the page filled it, with `changes`, saved."""
    change = reverse("admin:accounts_user_change", args=[user.pk])
    form = client.get(change).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, list | tuple) or hasattr(value, "all"):
            continue
        if hasattr(value, "date") and hasattr(value, "time"):
            data[f"{name}_0"], data[f"{name}_1"] = f"{value:%Y-%m-%d}", f"{value:%H:%M:%S}"
        elif value is not None and value is not False:
            data[name] = "on" if value is True else value
    data.update(changes)
    return client.post(change, data)


def test_giving_the_system_administrator_role_is_all_it_takes_to_open_the_admin_site(
    superuser_client,
):
    # Given a case administrator, not staff
    user = UserFactory(role=Role.CASE_ADMIN)

    # When a system administrator gives them the role, and only the role
    answer = _user_form_posted(superuser_client, user, role=Role.SYSTEM_ADMIN)

    # Then they are staff and superuser, and the admin site opens to them
    assert answer.status_code == 302
    user.refresh_from_db()
    assert user.role == Role.SYSTEM_ADMIN and user.is_staff and user.is_superuser
    own = Client()
    own.force_login(user)
    assert own.get(reverse("admin:index")).status_code == 200

    # And moved to another role, they are neither, whatever the form posted for the flags
    _user_form_posted(superuser_client, user, role=Role.REVIEWER, is_staff="on", is_superuser="on")
    user.refresh_from_db()
    assert user.role == Role.REVIEWER and not user.is_staff and not user.is_superuser


def test_the_role_sets_the_admin_flags_however_the_user_is_saved():
    # Given a reviewer made with the admin flags ticked by mistake
    user = UserFactory(role=Role.REVIEWER, is_staff=True, is_superuser=True)
    user.refresh_from_db()
    # Then they are neither staff nor superuser: the role alone decides
    assert not user.is_staff and not user.is_superuser

    # When a command saves only their role, as system administrator
    user.role = Role.SYSTEM_ADMIN
    user.save(update_fields=["role"])

    # Then the flags saved with it follow the role
    user.refresh_from_db()
    assert user.is_staff and user.is_superuser


def test_a_superuser_of_another_role_is_refused_not_made_an_ordinary_user():
    # When createsuperuser's manager is asked for a superuser with the reviewer's role
    with pytest.raises(ValueError, match="system administrator role"):
        User.objects.create_superuser("dr-who", "who@example.org", "pw-2026-long", role="reviewer")

    # Then nobody is made (User.save would have dropped the flags without a word)
    assert not User.objects.filter(username="dr-who").exists()


def test_users_saved_before_the_rule_get_the_flags_of_their_role():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0008_admin_flags_follow_the_role")
    # Given flags written straight to the table, as they were before User.save set them
    reviewer = UserFactory(role=Role.REVIEWER)
    system_admin = UserFactory(role=Role.SYSTEM_ADMIN)
    User.objects.filter(pk=reviewer.pk).update(is_staff=True, is_superuser=True)
    User.objects.filter(pk=system_admin.pk).update(is_staff=False, is_superuser=False)

    # When the migration runs
    migration.forward(apps, None)

    # Then the reviewer is out of the admin and the system administrator is in
    reviewer.refresh_from_db()
    system_admin.refresh_from_db()
    assert not reviewer.is_staff and not reviewer.is_superuser
    assert system_admin.is_staff and system_admin.is_superuser


def test_the_last_active_system_administrator_keeps_the_role(client):
    # From QA: the only system administrator made themselves a case administrator in one click,
    # and no one was left to manage users, second factors or settings.
    only = UserFactory(role=Role.SYSTEM_ADMIN, first_name="Sam", last_name="Ortiz")
    client.force_login(only)
    for changes in ({"role": Role.CASE_ADMIN}, {"is_active": ""}):
        answer = _user_form_posted(client, only, **changes)
        assert answer.status_code == 200
        assert "Sam Ortiz is the only active system administrator" in answer.content.decode()
        only.refresh_from_db()
        assert only.role == Role.SYSTEM_ADMIN and only.is_active

    # The audit log says the save was refused, and why (from QA: it read "Admin page")
    summaries = [
        summary
        for event in AuditEvent.objects.filter(route="admin:accounts_user_change")
        if (summary := event.admin_change_summary())
    ]
    refused = (
        f"User #{only.pk} “{only.username}”: not saved: Sam Ortiz is the only active system "
        "administrator: after this change no one could manage users, second factors, letter "
        "settings or holidays. Give another user the system administrator role first."
    )
    assert summaries == [refused, refused]

    # With another active system administrator, the change is theirs to make
    UserFactory(role=Role.SYSTEM_ADMIN)
    assert _user_form_posted(client, only, role=Role.CASE_ADMIN).status_code == 302
    only.refresh_from_db()
    assert only.role == Role.CASE_ADMIN


def test_a_new_user_has_a_role_chosen_and_no_groups_or_permissions_to_tick(superuser_client):
    # From QA: the role defaulted to case administrator (every case readable), and the groups
    # and permissions pickers changed nothing, the role alone deciding access.
    add = reverse("admin:accounts_user_add")
    page = superuser_client.get(add).content.decode()
    assert '<option value="" selected>Choose a role</option>' in page
    data = {"username": "new.person", "usable_password": "false"}
    answer = superuser_client.post(add, data)
    assert answer.status_code == 200 and "This field is required." in answer.content.decode()
    assert not User.objects.filter(username="new.person").exists()
    assert superuser_client.post(add, {**data, "role": Role.REVIEWER}).status_code == 302
    made = User.objects.get(username="new.person")
    assert made.role == Role.REVIEWER
    change = superuser_client.get(reverse("admin:accounts_user_change", args=[made.pk]))
    fields = change.context["adminform"].form.fields
    assert "role" in fields and "groups" not in fields and "user_permissions" not in fields


def test_deactivating_a_reviewer_with_open_cases_warns_and_their_case_pages_say_so(
    superuser_client, client
):
    """From QA: unticking "Active" for a reviewer who held open cases said nothing, and
    nothing on the case's pages said the reviewer could no longer act."""

    # Given a reviewer who has accepted a case
    case, reviewer, _ = case_in_review()
    early_admin = UserFactory(role=Role.CASE_ADMIN)
    assign_url = reverse("assignment:case_assign", args=[case.case_number])

    # When a system administrator unticks "Active" and saves
    answer = _user_form_posted(superuser_client, reviewer, is_active="")
    assert answer.status_code == 302
    reviewer.refresh_from_db()
    assert not reviewer.is_active

    # Then the admin says which cases to reassign, each linked to its Assign page
    page = superuser_client.get(answer.url).content.decode()
    assert "can no longer sign in but holds 1 open case: reassign it on its Assign page" in page
    assert f'<a href="{assign_url}#unassign-heading">{case.case_number}</a>' in page

    # And every case administrator is told in the app, linked to the reviewer's open cases
    # (from QA: only the system administrator who unticked "Active" was told)

    told = Notification.objects.get(user=early_admin)
    assert told.text == (
        f"{reviewer.get_full_name()}'s login was deactivated; 1 open case ({case.case_number}) "
        "waits to be reassigned."
    )
    profile = ReviewerProfile.objects.get(user=reviewer)
    assert told.link == reverse("reports:reviewer_open_cases", args=[profile.pk])
    assert not told.urgent  # a standard case
    early_admin.refresh_from_db()
    assert early_admin.notifications_unread == 1
    case_admin = UserFactory(role=Role.CASE_ADMIN)

    # And a case administrator sees it on the case page, linked, and on the Assign page
    login(client, case_admin)
    flag = "The assigned reviewer's login is deactivated: reassign the case."
    case_page = client.get(reverse("casefile:case_detail", args=[case.case_number]))
    html = case_page.content.decode()
    assert flag in html
    # Once, as the workflow's button (from QA: a link in the warning too, one under the other).
    assert html.count(f'href="{assign_url}#unassign-heading"') == 1
    assert (
        f'<a class="button" href="{assign_url}#unassign-heading">Unassign or reassign the '
        "reviewer</a>" in html
    )
    assert flag in client.get(assign_url).content.decode()


def test_deactivating_a_user_with_no_open_case_says_nothing_more(superuser_client):
    user = UserFactory(role=Role.REVIEWER)
    answer = _user_form_posted(superuser_client, user, is_active="")
    page = superuser_client.get(answer.url).content.decode()
    assert "can no longer sign in" not in page


def test_a_reviewer_profile_is_not_deleted_while_its_reviewer_holds_open_cases(superuser_client):
    """From QA: "Delete selected" removed the profile of a reviewer holding a case, which took
    them off the dashboard's load while the case stayed assigned to them."""

    case, reviewer, _ = case_in_review()
    profile = ReviewerProfile.objects.get(user=reviewer)
    idle = ReviewerProfile.objects.get(user=reviewer_with_profile("REV-IDLE"))
    assign_url = reverse("assignment:case_assign", args=[case.case_number])
    changelist = reverse("admin:reviews_reviewerprofile_changelist")

    for asked in (
        lambda: superuser_client.get(
            reverse("admin:reviews_reviewerprofile_delete", args=[profile.pk])
        ),
        lambda: superuser_client.post(
            reverse("admin:reviews_reviewerprofile_delete", args=[profile.pk]), {"post": "yes"}
        ),
        lambda: superuser_client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [profile.pk], "post": "yes"},
        ),
    ):
        page = asked().content.decode()
        assert "not deleted while" in page and "reassign them first" in page
        assert "would require deleting" not in page  # nothing would be deleted with it
        assert "holds 1 open case: reassign it on its Assign page" in page
        assert f'<a href="{assign_url}#unassign-heading">{case.case_number}</a>' in page
        assert ReviewerProfile.objects.filter(pk=profile.pk).exists()

    # One holding nothing is deleted as before.
    superuser_client.post(
        reverse("admin:reviews_reviewerprofile_delete", args=[idle.pk]), {"post": "yes"}
    )
    assert not ReviewerProfile.objects.filter(pk=idle.pk).exists()
