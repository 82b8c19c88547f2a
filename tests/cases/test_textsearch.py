"""Names as a search compares them (cases.textsearch): without accents, apostrophes or capitals,
the same rule in Python and in the database; claim numbers without their marks."""

import pytest
from django.db import connection
from django.db.models import F

from cases.casefile.selectors import case_list_for
from cases.lifecycle.models import Case
from cases.textsearch import fold, number_key, number_key_of
from tests.factories import CaseFactory

NAMES = {
    "García": "garcia",
    "O'Brien": "obrien",
    "O’Brien": "obrien",
    "O‘Brien": "obrien",
    "O´Brien": "obrien",  # an acute accent typed for the apostrophe (a Spanish keyboard)
    "Kaʻahumanu": "kaahumanu",
    "Ñúñez-Öztürk": "nunez-ozturk",
    "Nguyễn Thị Hương": "nguyen thi huong",
    "Straße": "strasse",
    "Łukasz Wójcik": "lukasz wojcik",
    "João Conceição": "joao conceicao",
    "ABC def": "abc def",
}


def test_fold_drops_accents_apostrophes_and_capitals():
    assert {name: fold(name) for name in NAMES} == NAMES


@pytest.mark.django_db
def test_the_database_folds_these_names_as_python_does():
    with connection.cursor() as cursor:
        for name, folded in NAMES.items():
            cursor.execute("SELECT imr_search_fold(%s)", [name])
            assert cursor.fetchone()[0] == folded, name


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's unaccent")
@pytest.mark.parametrize(
    ("stored", "typed"),
    [("Yıldız", "yildiz"), ("Þórsson", "thorsson"), ("O´Brien", "O'Brien"), ("Ħaġar", "hagar")],
)
def test_a_name_unaccent_knows_better_than_python_is_found_as_typed(case_admin, stored, typed):
    """The search folds its words in the database too, so letters NFKD leaves alone are
    found the way they are typed: one rule on both sides (from a review)."""
    case = CaseFactory(worker_last_name=stored)
    assert list(case_list_for(case_admin, q=typed)) == [case]
    assert list(case_list_for(case_admin, q=stored)) == [case]


CLAIMS = {
    "PCS-2411-8204": "PCS24118204",
    "pcs 2411 8204": "PCS24118204",
    "05/777.111": "05777111",
    "ADJ9002": "ADJ9002",
    "05\u2013777\u2011111\u00a0A": "05777111A",  # typographic dashes, a non-breaking space
}


@pytest.mark.django_db
def test_a_claim_key_is_the_same_in_python_and_in_the_database():
    # The duplicate check compares keys made in Python; the search and the indexes, made by
    # the database. Both must say "PCS-2411-8204" is "PCS24118204".
    for written, key in CLAIMS.items():
        assert number_key(written) == key
        CaseFactory(claim_number=written)
    stored = Case.objects.annotate(key=number_key_of(F("claim_number"))).values_list(
        "claim_number", "key"
    )
    assert dict(stored) == CLAIMS
