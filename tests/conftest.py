import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

from accounts.models import Role
from cases.clock import calendars
from cases.clock.calendars import calendars_forget
from tests.factories import CaseFactory, DisputedItemFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The log of a test's real Celery worker, attached to the report when the test fails.
CELERY_WORKER_LOG = pytest.StashKey[Path]()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Records written by a test go to a temporary folder, never to var/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(scope="session", autouse=True)
def _holiday_calendars_read(django_db_setup, django_db_blocker):
    """The holiday tables are read once, as a running server reads them, so a page's pinned
    query count does not depend on which test ran first."""
    with django_db_blocker.unblock():
        calendars.judicial(), calendars.state_offices()


@pytest.fixture(autouse=True)
def _holiday_calendars(django_db_blocker):
    """A test that edits a holiday calendar is rolled back: the next test reads the tables
    again (the seeded versions), not the edited version. The re-read happens as the next test
    starts: this teardown runs before pytest-django rolls the edit back, so reading here would
    keep the edited version for every later test."""
    with django_db_blocker.unblock():
        calendars.judicial(), calendars.state_offices()
    generation = calendars.generation()
    yield
    if calendars.generation() != generation:
        calendars_forget()


@pytest.fixture(autouse=True)
def _eager_celery(request, settings):
    """Unit tests run tasks in-process; tests marked `worker` use a real worker instead."""
    if request.node.get_closest_marker("worker"):
        yield
        return
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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    log_path = item.stash.get(CELERY_WORKER_LOG, None)
    if report.failed and log_path is not None and log_path.exists():
        report.sections.append(("Celery worker log", log_path.read_text(errors="replace")[-20000:]))
    return report


def _service_missing(what: str, error: object):
    """A test that needs a real service fails without it in CI (IMR_REQUIRE_SERVICES=1), and
    is skipped with the reason elsewhere."""
    message = f"{what} is not reachable: {error}"
    if os.environ.get("IMR_REQUIRE_SERVICES", "").strip().lower() in {"1", "true", "yes", "on"}:
        pytest.fail(f"{message} (IMR_REQUIRE_SERVICES=1 requires it)", pytrace=False)
    pytest.skip(message)


def _database_url(db: dict) -> str:
    """A DATABASE_URL (dj-database-url) that points another process at this test database."""
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        credentials = quote(db.get("USER") or "", safe="")
        if db.get("PASSWORD"):
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db.get("HOST") or "localhost"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"
    raise AssertionError(f"No worker support for database engine {db['ENGINE']}")


def _broker_pools_reset(app) -> None:
    # The app and kombu cache broker connection and producer pools: close and forget them so
    # the next publish uses the broker configuration in force now.
    import kombu.pools

    kombu.pools.reset()
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


class CeleryWorker:
    """A real `celery -A imrsite worker` process on the test database and a broker of its own."""

    def __init__(self, process: subprocess.Popen, log_path: Path, mail_dir: Path):
        self.process = process
        self.log_path = log_path
        self.mail_dir = mail_dir

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for(self, condition, *, what: str, timeout: float = 40.0):
        """Poll `condition` until it returns something truthy; fail (with the log) on timeout
        or if the worker dies."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if self.process.poll() is not None:
                pytest.fail(f"The Celery worker exited ({self.process.returncode}) before {what}")
            if time.monotonic() > deadline:
                pytest.fail(f"Timed out after {timeout:.0f} s waiting for {what}")
            time.sleep(0.2)

    def task_outcome(self, result, *, timeout: float = 40.0) -> str:
        """Wait until the worker has run the task of `result` (an AsyncResult); return what the
        worker logged as its return value. A task that raised fails the test."""
        pattern = re.compile(rf"\[{re.escape(result.id)}\] (succeeded in [\d.]+s: (.*)|raised .*)")

        def finished():
            return pattern.search(self.log())

        match = self.wait_for(finished, what=f"task {result.id} to finish", timeout=timeout)
        if match.group(2) is None:
            pytest.fail(f"Task {result.id} failed in the worker: {match.group(0)}")
        return match.group(2).strip()

    def mails(self) -> list[str]:
        if not self.mail_dir.exists():
            return []
        return [path.read_text() for path in sorted(self.mail_dir.glob("*.log"))]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


@pytest.fixture
def celery_worker(request, transactional_db, settings, tmp_path, monkeypatch):
    """Starts a real Celery worker for a test marked `worker` (optionally
    `@pytest.mark.worker(queues="letters")`, default queues `default` and `records`: production
    runs `records` in a worker of its own, one process here is enough to run its tasks).

    The worker shares the test database (committed data: hence transactional_db), the test's
    private media folder, and a broker nobody else uses: a temporary folder for the filesystem
    transport, or database 15 of the Redis server in CELERY_BROKER_URL. Mail it sends goes to
    files in `worker.mail_dir`."""
    from django.db import connection

    from imrsite.celery import app

    marker = request.node.get_closest_marker("worker")
    queues = (marker.kwargs.get("queues") if marker else None) or "default,records"

    try:
        connection.ensure_connection()
    except Exception as error:
        _service_missing("The database", error)

    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "imrsite.settings",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "PRIVATE_MEDIA_ROOT": str(Path(settings.PRIVATE_MEDIA_ROOT).resolve()),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
    }
    broker_url = settings.CELERY_BROKER_URL
    conf_overrides: dict = {}
    if broker_url.startswith(("redis://", "rediss://")):
        import redis

        parts = urlsplit(broker_url)
        broker_url = urlunsplit(parts._replace(path="/15"))
        try:
            redis.Redis.from_url(broker_url, socket_connect_timeout=3).flushdb()
        except redis.RedisError as error:
            _service_missing(f"Redis ({broker_url})", error)
        env["CELERY_BROKER_URL"] = broker_url
        # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
        monkeypatch.setenv("CELERY_BROKER_URL", broker_url)
        conf_overrides["broker_url"] = broker_url
    elif broker_url.startswith("filesystem://"):
        broker_dir = tmp_path / "broker"
        for sub in ("queue", "processed", "control"):
            (broker_dir / sub).mkdir(parents=True)
        env["CELERY_FS_BROKER_DIR"] = str(broker_dir)
        # Settings read CELERY_FS_BROKER_DIR at import: point this process's app at it too.
        conf_overrides["broker_transport_options"] = {
            **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            "data_folder_in": str(broker_dir / "queue"),
            "data_folder_out": str(broker_dir / "queue"),
            "processed_folder": str(broker_dir / "processed"),
            "control_folder": str(broker_dir / "control"),
        }
    else:
        pytest.fail(f"No worker test support for the broker {broker_url}")

    saved = {key: app.conf.get(key) for key in conf_overrides}
    app.conf.update(conf_overrides)
    _broker_pools_reset(app)

    log_path = tmp_path / "celery-worker.log"
    request.node.stash[CELERY_WORKER_LOG] = log_path
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "imrsite",
                "worker",
                "--pool=solo",
                f"--queues={queues}",
                "--loglevel=INFO",
                f"--hostname=test-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = CeleryWorker(process, log_path, mail_dir)
    try:
        worker.wait_for(lambda: " ready." in worker.log(), what="the worker to be ready")
        yield worker
    finally:
        worker.stop()
        app.conf.update(saved)
        _broker_pools_reset(app)
