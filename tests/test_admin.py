"""Django admin is for looking things up: cases, determinations, letters, assignments and events
change only through the services (status table, event log); the roster and users stay
editable, each change written to the audit log; users are never deleted."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Role, User
from audit.admin import AuditedModelAdmin
from audit.models import AuditAction, AuditEvent, AuditKind
from reviews.letters.models import Letter, LetterText
from reviews.letters.render import letter_text_current
from tests.factories import UserFactory, approved_determination

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
