"""A database made before the letter's paragraphs cited the right sections keeps printing the
old wording unless its migration gives it a new version: this is that migration's step."""

import importlib

import pytest
from django.apps import apps

from reviews.letters.defaults import DEFAULT_LETTER_TEXT
from reviews.letters.models import LetterText
from reviews.letters.render import letter_text_current

pytestmark = pytest.mark.django_db

upgrade = importlib.import_module("reviews.migrations.0028_letter_text_citations")


def old_version(**edited) -> LetterText:
    return LetterText.objects.create(
        version=1, **{**DEFAULT_LETTER_TEXT, **upgrade.OLD_TEXT, **edited}
    )


def test_shipped_wording_is_replaced_by_a_new_version_and_the_old_one_is_kept():
    old_version()

    upgrade.new_version_with_the_citations(apps, None)

    current = letter_text_current()
    assert current.version == 2
    assert current.records_incomplete.endswith("(8 CCR 9792.10.5(a)(1), 9792.10.6(b)(2)).")
    assert "no later than 30 days after service of this notice" in current.ineligibility_next
    assert "(8 CCR 10575; 8 CCR 10605(a))" in current.ineligibility_next
    assert current.overturned_penalty.endswith("(8 CCR 9792.10.7(b); 8 CCR 9792.12).")
    # What earlier letters printed stays as it was.
    assert (
        LetterText.objects.get(version=1).records_incomplete
        == upgrade.OLD_TEXT["records_incomplete"]
    )


def test_a_paragraph_the_organization_edited_is_left_as_written():
    old_version(ineligibility_next="Call {org} with any question.")

    upgrade.new_version_with_the_citations(apps, None)

    current = letter_text_current()
    assert current.ineligibility_next == "Call {org} with any question."
    assert "9792.10.6(b)(2)" in current.records_incomplete


def test_nothing_to_change_makes_no_new_version():
    LetterText.objects.create(version=1, **DEFAULT_LETTER_TEXT)

    upgrade.new_version_with_the_citations(apps, None)

    assert LetterText.objects.count() == 1
