"""The roster's pages in Django admin hold a reviewer to the same rules as the roster file: a
licence in a US state, no more practice hours than a week has, leave that ends after it starts;
and a specialty to those of the specialties page."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from reviews.roster.models import LeavePeriod, Licence, ReviewerProfile, Specialty
from tests.factories import UserFactory, reviewer_with_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True))
    return client


def _change_form(profile: ReviewerProfile, *, licence=None, leave=None, **fields) -> dict:
    """The change page's form as a browser posts it: the profile's own fields, its one licence,
    and at most one new licence and one new leave period."""
    licence_now = profile.licences.get()
    data = {
        "user": profile.user_id,
        "external_id": profile.external_id,
        "years_in_practice": profile.years_in_practice,
        "weekly_practice_hours": profile.weekly_practice_hours,
        "max_open_cases": profile.max_open_cases,
        "carried_open_cases": profile.carried_open_cases,
        "licences-TOTAL_FORMS": 2 if licence else 1,
        "licences-INITIAL_FORMS": 1,
        "licences-0-id": licence_now.pk,
        "licences-0-profile": profile.pk,
        "licences-0-state": licence_now.state,
        "licences-0-number": licence_now.number,
        "licences-0-expires": licence_now.expires.isoformat(),
        "affiliations-TOTAL_FORMS": 0,
        "affiliations-INITIAL_FORMS": 0,
        "leave-TOTAL_FORMS": 1 if leave else 0,
        "leave-INITIAL_FORMS": 0,
        "_continue": "Save and continue editing",
    }
    for name, value in (licence or {}).items():
        data[f"licences-1-{name}"] = value
    for name, value in (leave or {}).items():
        data[f"leave-0-{name}"] = value
    data.update(fields)
    return data


def _post(client, profile, **form):
    url = reverse("admin:reviews_reviewerprofile_change", args=[profile.pk])
    return client.post(url, _change_form(profile, **form))


def test_a_licence_outside_the_us_states_is_refused(superuser_client):
    profile = reviewer_with_profile("REV-1").reviewer_profile

    page = _post(
        superuser_client,
        profile,
        licence={"state": "ZZ", "number": "X1", "expires": "2030-01-01"},
    )

    assert page.status_code == 200
    assert "is not a US state" in page.content.decode()
    assert not Licence.objects.filter(state="ZZ").exists()


def test_a_licence_state_typed_in_lower_case_is_kept_as_its_code(superuser_client):
    profile = reviewer_with_profile("REV-1").reviewer_profile

    page = _post(
        superuser_client,
        profile,
        licence={"state": "nv", "number": "X1", "expires": "2030-01-01"},
    )

    assert page.status_code == 302
    assert profile.licences.filter(state="NV", number="X1").exists()


def test_more_weekly_hours_than_a_week_has_are_refused(superuser_client):
    profile = reviewer_with_profile("REV-1", weekly_practice_hours=30).reviewer_profile

    page = _post(superuser_client, profile, weekly_practice_hours=500)

    assert page.status_code == 200
    profile.refresh_from_db()
    assert profile.weekly_practice_hours == 30


def test_leave_that_ends_before_it_starts_is_refused(superuser_client):
    profile = reviewer_with_profile("REV-1").reviewer_profile

    page = _post(superuser_client, profile, leave={"starts": "2026-12-10", "ends": "2026-12-01"})

    assert page.status_code == 200
    assert "before it starts" in page.content.decode()
    assert not LeavePeriod.objects.exists()


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("pain  MANAGEMENT", "'Pain Management' is already in the list."),
        ("???", "has no letters or digits"),
    ],
)
def test_a_specialty_added_in_admin_is_checked_as_on_the_specialties_page(
    superuser_client, name, said
):
    before = Specialty.objects.count()

    page = superuser_client.post(reverse("admin:reviews_specialty_add"), {"name": name})

    assert page.status_code == 200
    assert said in html.unescape(page.content.decode())
    assert Specialty.objects.count() == before


def test_a_reviewer_profile_is_offered_and_kept_for_expert_reviewers_only(superuser_client):
    """From a QA pass: the add page offered every user; a profile saved for the quality reviewer
    and for the API client put them on the dashboard's reviewer load."""
    quality = UserFactory(role=Role.QUALITY_REVIEWER, first_name="Lena", last_name="Marsh")
    reviewer = UserFactory(role=Role.REVIEWER)

    # The add page's user box searches the users it may take (the admin's autocomplete).
    offered = superuser_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "reviews", "model_name": "reviewerprofile", "field_name": "user"},
    ).json()["results"]

    ids = {int(result["id"]) for result in offered}
    assert reviewer.pk in ids and quality.pk not in ids
    with pytest.raises(ValidationError, match="a reviewer profile belongs to an expert reviewer"):
        ReviewerProfile(user=quality, external_id="QA-4").full_clean()
    assert not ReviewerProfile.objects.filter(user=quality).exists()
