import os

import pytest

from accounts.models import Role

from .factories import CaseFactory, DisputedItemFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Records written by a test go to a temporary folder, never to var/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    """Unit tests run tasks in-process; tests marked `worker` use a real worker instead."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from imrsite.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def case_admin(db):
    return UserFactory(role=Role.CASE_ADMIN, username="admin1")


@pytest.fixture
def reviewer(db):
    return UserFactory(role=Role.REVIEWER, username="reviewer1")


@pytest.fixture
def other_reviewer(db):
    return UserFactory(role=Role.REVIEWER, username="reviewer2")


@pytest.fixture
def quality_reviewer(db):
    return UserFactory(role=Role.QUALITY_REVIEWER, username="qr1")


@pytest.fixture
def api_client_user(db):
    return UserFactory(role=Role.API_CLIENT, username="claims-system")


@pytest.fixture
def case(db):
    case = CaseFactory()
    DisputedItemFactory(case=case, position=1)
    return case


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs ~0.3 s a user; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
