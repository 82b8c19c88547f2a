"""Django admin is for looking things up: cases, determinations, letters, assignments and events
change only through the services (status table, event log); the roster and users stay
editable."""

import pytest
from django.urls import reverse

from accounts.models import Role
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
)


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
