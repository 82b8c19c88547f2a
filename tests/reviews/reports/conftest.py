import pytest

from tests.reviews.reports.known_month import known_month


@pytest.fixture
def world():
    """November 2026 (tests.reviews.reports.known_month); returns today."""
    return known_month()
