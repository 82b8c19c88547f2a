"""Names as a search compares them: without accents, apostrophes or capitals, so "Garcia" finds
"García" and "OBrien" finds "O'Brien" (a name heard on the phone or read off a fax rarely keeps
its marks). `fold` is the rule in Python; the database applies it as the function
`imr_search_fold` (PostgreSQL: unaccent, created by migration cases 0039 and indexed there for
the case list; SQLite: `fold` itself, registered on each connection). A search folds both the
column and the words it looks for in the database (`SearchFold(Value(word))`, a constant the
planner folds once), so the two sides never follow different rules: PostgreSQL's unaccent
knows letters NFKD leaves alone (ı, ð, þ, ħ). Claim numbers are compared without the marks
systems write them with (`number_key`). Pure Python and Django's ORM: it imports no room."""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, F, Func, Value
from django.db.models.functions import Replace, Upper
from django.db.models.lookups import Contains, Exact

SQL_FUNCTION = "imr_search_fold"

# Apostrophes a name may be typed with: straight, typographic (both), modifier letters (ʼ, the
# ʻokina), backtick, acute accent (from a Spanish keyboard), prime. The migration's SQL
# function drops the same ones.
APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`\u00b4\u2032"
# Letters that carry no separable accent, spelt out as PostgreSQL's unaccent spells them.
_SPELT_OUT = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l"})
_NO_APOSTROPHES = str.maketrans("", "", APOSTROPHES)


def fold(text: str) -> str:
    """`text` lower-cased, without accents or apostrophes: "O’Brien-García" -> "obrien-garcia"."""
    # Apostrophes first: NFKD makes the acute accent a space and a mark.
    decomposed = unicodedata.normalize("NFKD", text.translate(_NO_APOSTROPHES))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.lower().translate(_SPELT_OUT)


def name_key(text: str) -> str:
    """A name as the duplicate and prior-IMR checks compare it: folded, and without the spaces,
    hyphens and stops a feeder system may drop or add ("O'Brien-Núñez", "OBrien Nunez" and
    "O. Brien Nunez" are one name). Compared in Python on the few rows an indexed column (the
    claim number, the date of birth) found."""
    return "".join(char for char in fold(text or "") if char.isalnum())


# The marks one system writes a number with and another leaves out: "PCS-2411-8204",
# "PCS 2411 8204" and "pcs24118204" are one claim (from QA: typed without its dashes, a claim
# number or an application ID found nothing). The search compares the keys of claim numbers and
# application IDs, the duplicate and prior-IMR checks those of claim numbers; the letter prints
# each number as the application gave it.
NUMBER_MARKS = (
    "-",
    " ",
    "/",
    ".",
    # As a number copied from a PDF or a word processor has them: the typographic hyphens and
    # dashes (hyphen, non-breaking hyphen, figure dash, en dash, em dash), the minus sign and
    # the non-breaking space.
    "\u2010",
    "\u2011",
    "\u2012",
    "\u2013",
    "\u2014",
    "\u2212",
    "\u00a0",
)


def number_key(text: str) -> str:
    """A number in capitals without NUMBER_MARKS: "pcs-2411 8204" -> "PCS24118204"."""
    key = (text or "").upper()
    for mark in NUMBER_MARKS:
        key = key.replace(mark, "")
    return key


def number_key_of(expression) -> Func:
    """number_key in SQL, the same UPPER and REPLACE on SQLite and PostgreSQL: the expression
    the indexes case_by_claim_key and case_by_application_key (cases.lifecycle.models) and the
    trigram indexes of migration cases 0051 hold. Changing it means changing them. It is
    number_key for the letters and digits numbers are written with (SQLite's UPPER knows only
    A to Z, Python's every alphabet): the search makes both sides' keys in SQL, and the checks
    compare Python's keys of the few rows SQL found."""
    key = Upper(expression)
    for mark in NUMBER_MARKS:
        key = Replace(key, Value(mark), Value(""))
    return key


def number_key_contains(column: str, text: str) -> Contains:
    """`column`'s key holds `text`'s (a condition for filter() or Q), both made by the
    database."""
    return Contains(number_key_of(F(column)), number_key_of(Value(text)))


def number_key_equals(column: str, text: str) -> Exact:
    """`column`'s key is `text`'s: an index of the column's key serves it."""
    return Exact(number_key_of(F(column)), number_key_of(Value(text)))


class SearchFold(Func):
    """fold() in SQL: `imr_search_fold(column)`."""

    function = SQL_FUNCTION
    output_field = CharField()


def folded_contains(column: str, word: str) -> Contains:
    """`column` folded holds `word` folded, both by the database (a condition for filter() or
    Q): the trigram indexes of the folded names serve it."""
    return Contains(SearchFold(column), SearchFold(Value(word)))


def folded_equals(column: str, text: str) -> Exact:
    """`column` folded is `text` folded, both by the database: "Garcia" is "García"."""
    return Exact(SearchFold(column), SearchFold(Value(text)))


def sqlite_register(sender, connection, **kwargs) -> None:
    """connection_created: give a SQLite connection the function (PostgreSQL's is made by the
    migration)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQL_FUNCTION, 1, _fold_sql, deterministic=True)


def _fold_sql(text: str | None) -> str | None:
    return None if text is None else fold(text)
