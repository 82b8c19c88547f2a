import pytest


@pytest.fixture(autouse=True)
def _specialty_defaults(request):
    """The specialty vocabulary and table come from a data migration, which a transactional
    test's flush removes; put them back for every database test here."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from reviews.roster.defaults import defaults_ensure

    defaults_ensure()
