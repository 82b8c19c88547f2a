import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cases.lifecycle.models import ItemCategory
from reviews.roster.defaults import CATEGORY_SPECIALTIES
from reviews.roster.models import CategorySpecialty, Specialty
from reviews.roster.services import RosterInvalid, reviewers_import, specialty_table_import

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "specialty-table.json"


def table_now() -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for category, name in CategorySpecialty.objects.values_list("category", "specialty__name"):
        table.setdefault(category, set()).add(name)
    return table


def problems_of(payload) -> list[str]:
    with pytest.raises(RosterInvalid) as caught:
        specialty_table_import(payload=payload)
    return [str(error) for error in caught.value.errors]


@pytest.mark.django_db
def test_example_file_is_the_default_table():
    # Start from a different table so the import has something to replace.
    specialty_table_import(payload={"dental": ["Dentist"]})

    summary = specialty_table_import(payload=json.loads(EXAMPLE.read_text()))

    assert table_now() == {category: set(names) for category, names in CATEGORY_SPECIALTIES.items()}
    assert summary.categories == len(ItemCategory.values)
    assert summary.rows == sum(len(set(names)) for names in CATEGORY_SPECIALTIES.values())
    assert summary.new_specialties == []
    assert summary.categories_without_specialties == []


@pytest.mark.django_db
def test_import_replaces_the_whole_table_and_grows_the_vocabulary():
    vocabulary_before = Specialty.objects.count()

    summary = specialty_table_import(
        payload={
            "injection": ["pain management", "Physical Medicine and Rehabilitation"],
            "chiropractic": ["Chiropractic", "Sleep Medicine"],
        }
    )

    assert table_now() == {
        "injection": {"Pain Management", "Physical Medicine & Rehabilitation"},
        "chiropractic": {"Chiropractic", "Sleep Medicine"},
    }
    assert summary.new_specialties == ["Sleep Medicine"]
    assert Specialty.objects.count() == vocabulary_before + 1
    assert "dental" in summary.categories_without_specialties
    assert "injection" not in summary.categories_without_specialties


@pytest.mark.django_db
def test_a_specialty_added_by_the_table_is_accepted_on_the_roster():
    specialty_table_import(payload={"programs": ["Functional Restoration Medicine"]})

    (result,) = reviewers_import(
        payload=[
            {
                "external_id": "REV-90",
                "name": "Dr. Ira Bell",
                "email": "ibell@example.org",
                "licences": [],
                "certifications": ["functional restoration medicine"],
                "years_in_practice": 10,
                "weekly_practice_hours": 30,
                "max_open_cases": 5,
                "current_open_cases": 0,
                "on_leave": False,
                "affiliations": [],
            }
        ]
    )

    assert result.status == "created"


@pytest.mark.django_db
def test_unknown_category_slug_is_refused_with_its_path_and_nothing_changes():
    before = table_now()

    problems = problems_of({"injections": ["Pain Management"], "dental": ["Dentist"]})

    assert problems == [
        "$.injections: \"injections\" is not an item category (did you mean 'injection'?); "
        f"use one of: {', '.join(ItemCategory.values)}"
    ]
    assert table_now() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"injection": []}, "$.injection: must not be empty (the specialties accepted for it)"),
        (
            {"injection": "Pain Management"},
            "$.injection: must be a list (the specialties accepted for it), not text",
        ),
        (
            {"injection": ["Pain Management", "Anesthesiology", 7]},
            "$.injection[2]: must be text, not a number",
        ),
        ({"injection": ["Pain Management", "  "]}, "$.injection[1]: must be non-empty text"),
        ({"injection": ["&"]}, "$.injection[0]: '&' has no letters or digits"),
        (
            [["injection", "Pain Management"]],
            "$: must be an object of category -> specialties, not a list",
        ),
        ({}, "$: names no category; the table would be empty"),
        (
            {"pain mgmt": ["Pain Management"]},
            '$["pain mgmt"]: "pain mgmt" is not an item category; '
            f"use one of: {', '.join(ItemCategory.values)}",
        ),
    ],
)
def test_bad_table_names_each_problem_and_writes_nothing(payload, problem):
    before, vocabulary = table_now(), Specialty.objects.count()

    assert problem in problems_of(payload)
    assert table_now() == before
    assert Specialty.objects.count() == vocabulary


# --- The command -----------------------------------------------------------------------------


def run(path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_specialty_table", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_command_prints_a_summary_and_no_warning_for_a_full_table():
    out, err = run(EXAMPLE)

    rows = sum(len(set(names)) for names in CATEGORY_SPECIALTIES.values())
    assert out.strip() == (
        f"Specialty table replaced: 28 categories, {rows} category-specialty rows; "
        "new specialties: none."
    )
    assert err == ""


@pytest.mark.django_db
def test_command_warns_about_categories_left_without_specialties(tmp_path):
    path = tmp_path / "table.json"
    others = [slug for slug in ItemCategory.values if slug not in ("dental", "chiropractic")]
    path.write_text(
        json.dumps({slug: ["Occupational Medicine"] for slug in others} | {"dental": ["Dentist"]})
    )

    out, err = run(path)

    assert "27 categories" in out and "new specialties: none" in out
    assert err.strip() == (
        "Warning: no specialty is accepted for chiropractic; a case with such an item has no "
        "eligible reviewer."
    )


@pytest.mark.django_db
def test_command_refuses_an_invalid_table(tmp_path):
    path = tmp_path / "table.json"
    path.write_text(
        json.dumps({"injection": ["Pain Management", ""], "acupunture": ["Oriental Medicine"]})
    )
    err = io.StringIO()
    before = table_now()

    with pytest.raises(CommandError, match=r"table\.json: 2 problems; nothing was imported\."):
        call_command("import_specialty_table", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "$.injection[1]: must be non-empty text",
        "$.acupunture: \"acupunture\" is not an item category (did you mean 'acupuncture'?); "
        f"use one of: {', '.join(ItemCategory.values)}",
    ]
    assert table_now() == before


@pytest.mark.django_db
def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"no such file"):
        run(tmp_path / "nope.json")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["&&&", "and", "-"])
def test_a_specialty_named_without_letters_or_digits_is_refused(admin_client, name):
    response = admin_client.post(
        reverse("roster:specialty_table"), {"action": "add_specialty", "name": name}
    )

    assert "has no letters or digits" in response.content.decode()
    assert not Specialty.objects.filter(name=name).exists()


@pytest.mark.django_db
def test_a_refused_specialty_name_stays_in_its_field_to_be_corrected(admin_client):
    page = admin_client.post(
        reverse("roster:specialty_table"),
        {"action": "add_specialty", "name": "physical medicine and rehabilitation"},
    ).content.decode()

    assert 'value="physical medicine and rehabilitation"' in page


@pytest.mark.django_db
def test_the_specialties_page_speaks_to_its_reader(admin_client):
    page = admin_client.get(reverse("roster:specialty_table")).content.decode()

    # Each row's Edit says which category it edits (a screen reader lists 28 of them).
    assert 'Edit<span class="visually-hidden"> the specialties for Chiropractic</span>' in page
    # Our product specification's numbering means nothing to an IRO's administrator.
    assert "SPEC" not in page
