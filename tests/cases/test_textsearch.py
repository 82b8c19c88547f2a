"""Names as a search compares them (cases.textsearch): the rule in Python and in the database
give the same fold, so a folded column is compared with folded words."""

import pytest
from django.db import connection

from cases.textsearch import fold

NAMES = ["García", "O'Brien", "O’Brien", "Ñúñez-Öztürk", "Straße", "Ærøe", "Łukasz", "ABC def"]


def test_fold_drops_accents_apostrophes_and_capitals():
    assert [fold(name) for name in NAMES] == [
        "garcia",
        "obrien",
        "obrien",
        "nunez-ozturk",
        "strasse",
        "aeroe",
        "lukasz",
        "abc def",
    ]


@pytest.mark.django_db
def test_the_database_folds_as_python_does():
    with connection.cursor() as cursor:
        for name in NAMES:
            cursor.execute("SELECT imr_search_fold(%s)", [name])
            assert cursor.fetchone()[0] == fold(name), name
