"""A row's id as a form or a URL sends it."""

from accounts.row_ids import row_id


def test_a_row_id_is_ascii_digits_only():
    """From a review: "²".isdigit() is true and int("²") a ValueError, a server error where a
    form's id was checked with isdigit()."""
    assert row_id("42") == 42
    for bad in ("²", "٣", "4 2", "-1", "", None, "9" * 5000, "0x1"):
        assert row_id(bad) is None, bad
