import shutil

import pytest

from tests.cases.helpers import SEED_CASE
from tests.factories import PASSWORD


@pytest.fixture
def seed_file(tmp_path):
    """A copy of the seed case's intake file, in a folder of the test's own."""
    target = tmp_path / "seed-case.json"
    shutil.copy(SEED_CASE, target)
    return target


@pytest.fixture
def admin_client(client, case_admin):
    """The test client, signed in as a case administrator."""
    assert client.login(username=case_admin.username, password=PASSWORD)
    return client
