import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import boto3
import pytest
from django.core.cache import cache
from django.db.backends.sqlite3.base import DatabaseOperations as SQLiteOperations
from django.http import HttpRequest
from django.test import Client

from accounts.models import Role
from audit import triggers
from audit.triggers import sqlite_trigger_sql
from cases.clock import calendars
from cases.clock.calendars import calendars_forget
from imrsite.settings import private_storage_config
from tests.factories import CaseFactory, DisputedItemFactory, UserFactory, second_factor_given

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The log of a test's real Celery worker, attached to the report when the test fails.
CELERY_WORKER_LOG = pytest.StashKey[Path]()


@pytest.fixture(autouse=True)
def _cache_cleared():
    """Each test starts with an empty cache (the dashboard keeps its figures there for a
    minute; the next test's data is another operation's)."""
    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Records written by a test go to a temporary folder, never to var/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(scope="session", autouse=True)
def _append_only_tables_flushable():
    """The tests of a real worker or a browser empty the database after each test (Django's
    flush). PostgreSQL's TRUNCATE passes the append-only triggers (they refuse row updates and
    deletes); SQLite's flush is a DELETE, which they refuse. So, in tests only, SQLite's flush
    lifts them for its DELETEs and puts them back in the same transaction."""
    original = SQLiteOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        protected = [table for table in triggers.protected_tables() if table in tables]
        lifted = [sqlite_trigger_sql(table) for table in protected]
        drops = [f'DROP TRIGGER IF EXISTS "{name}"' for pairs in lifted for name, _sql in pairs]
        creates = [sql for pairs in lifted for _name, sql in pairs]
        return [*drops, *statements, *creates]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SQLiteOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(scope="session", autouse=True)
def _holiday_calendars_read(django_db_setup, django_db_blocker):
    """The holiday tables are read once, as a running server reads them, so a page's pinned
    query count does not depend on which test ran first."""
    with django_db_blocker.unblock():
        calendars.judicial(), calendars.state_offices()


@pytest.fixture(autouse=True)
def _holiday_calendars(django_db_blocker, settings):
    """A test that edits a holiday calendar is rolled back: the next test reads the tables
    again (the seeded versions), not the edited version. The re-read happens as the next test
    starts: this teardown runs before pytest-django rolls the edit back, so reading here would
    keep the edited version for every later test.

    Nor is the current version re-read on the production timer (CLOCK_CALENDAR_CACHE_SECONDS,
    for edits saved by another process): here the edits are the test process's own and go
    through calendars_forget, and a timed re-read falling inside a test added a query to what
    the test counts (a query budget failed so on a slow machine)."""
    settings.CLOCK_CALENDAR_CACHE_SECONDS = 10**9
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
def _signed_in_with_second_factor(monkeypatch):
    """`client.force_login` and `client.login` sign in as the sign-in page does with both
    factors: staff get a confirmed authenticator app and a verified session (which also counts
    as a fresh re-authentication, as the real second-factor step does). The sign-in page's own
    steps are tested through the page (tests/accounts). `login` also passes the request that
    django-axes needs to count failures."""
    force_login, login = Client.force_login, Client.login

    def force_login_verified(self, user, backend=None):
        force_login(self, user, backend)
        second_factor_given(self, user)

    def login_verified(self, **credentials):
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        signed_in = login(self, request=request, **credentials)
        if signed_in:
            second_factor_given(self)
        return signed_in

    monkeypatch.setattr(Client, "force_login", force_login_verified)
    monkeypatch.setattr(Client, "login", login_verified)


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


class CeleryWorkers:
    """Starts real `celery -A imrsite worker` processes on the test database and a broker of
    their own (one broker for all the workers of a test)."""

    def __init__(self, request, settings, tmp_path, monkeypatch):
        from django.db import connection

        self.request = request
        self.settings = settings
        self.tmp_path = tmp_path
        self.monkeypatch = monkeypatch
        self.workers: list[CeleryWorker] = []
        self.mail_dir = tmp_path / "mail"
        self.env: dict | None = None
        self.saved_conf: dict = {}
        try:
            connection.ensure_connection()
        except Exception as error:
            _service_missing("The database", error)
        self.database_url = _database_url(connection.settings_dict)

    def use_broker(self, broker_url: str | None = None) -> str:
        """Point this process's Celery app and the workers at a broker nobody else uses: a
        temporary folder for the filesystem transport, or database 15 of the Redis server in
        `broker_url` (default: CELERY_BROKER_URL). Returns the broker's URL."""
        from imrsite.celery import app

        broker_url = broker_url or self.settings.CELERY_BROKER_URL
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "imrsite.settings",
            "DATABASE_URL": self.database_url,
            "PRIVATE_MEDIA_ROOT": str(Path(self.settings.PRIVATE_MEDIA_ROOT).resolve()),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "PYTHONUNBUFFERED": "1",
        }
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
            self.monkeypatch.setenv("CELERY_BROKER_URL", broker_url)
            conf_overrides["broker_url"] = broker_url
            # The URL's own transport (settings name ours only for the filesystem broker).
            conf_overrides["broker_transport"] = None
            conf_overrides["broker_transport_options"] = {
                "visibility_timeout": self.settings.CELERY_VISIBILITY_TIMEOUT_SECONDS
            }
        elif broker_url.startswith("filesystem://"):
            broker_dir = self.tmp_path / "broker"
            for sub in ("queue", "processed", "control"):
                (broker_dir / sub).mkdir(parents=True, exist_ok=True)
            env["CELERY_FS_BROKER_DIR"] = str(broker_dir)
            # Settings read CELERY_FS_BROKER_DIR at import: point this process's app at it too.
            conf_overrides["broker_transport_options"] = {
                **self.settings.CELERY_BROKER_TRANSPORT_OPTIONS,
                "data_folder_in": str(broker_dir / "queue"),
                "data_folder_out": str(broker_dir / "queue"),
                "processed_folder": str(broker_dir / "processed"),
                "control_folder": str(broker_dir / "control"),
            }
        else:
            pytest.fail(f"No worker test support for the broker {broker_url}")
        if not self.saved_conf:
            self.saved_conf = {
                key: app.conf.get(key)
                for key in ("broker_url", "broker_transport", "broker_transport_options")
            }
        app.conf.update(conf_overrides)
        _broker_pools_reset(app)
        self.env = env
        return broker_url

    def start(self, *, queues: str = "default", env: dict | None = None) -> CeleryWorker:
        """A new worker on `queues`, its log attached to the report when the test fails;
        `env` adds to (or overrides) the environment it starts with."""
        if self.env is None:
            self.use_broker()
        number = len(self.workers) + 1
        log_path = self.tmp_path / f"celery-worker-{number}.log"
        self.request.node.stash[CELERY_WORKER_LOG] = log_path
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
                    f"--hostname=test-{os.getpid()}-{number}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=self.settings.BASE_DIR,
                env={**self.env, **(env or {})},
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = CeleryWorker(process, log_path, self.mail_dir)
        self.workers.append(worker)
        worker.wait_for(lambda: " ready." in worker.log(), what="the worker to be ready")
        return worker

    def close(self) -> None:
        from imrsite.celery import app

        for worker in self.workers:
            worker.stop()
        if self.saved_conf:
            app.conf.update(self.saved_conf)
            _broker_pools_reset(app)


@pytest.fixture
def celery_workers(request, transactional_db, settings, tmp_path, monkeypatch):
    """Real Celery workers for a test marked `worker`, started by `celery_workers.start()`.
    They share the test database (committed data: hence transactional_db), the test's private
    media folder and a broker of their own; mail they send goes to files in `worker.mail_dir`."""
    workers = CeleryWorkers(request, settings, tmp_path, monkeypatch)
    try:
        yield workers
    finally:
        workers.close()


@pytest.fixture
def celery_worker(request, celery_workers):
    """Starts a real Celery worker for a test marked `worker` (optionally
    `@pytest.mark.worker(queues="letters")`, default queues `default` and `records`:
    production runs `records` in a worker of its own, one process here is enough), on a broker
    nobody else uses: a temporary folder for the filesystem transport, or database 15 of the
    Redis server in CELERY_BROKER_URL."""
    marker = request.node.get_closest_marker("worker")
    queues = (marker.kwargs.get("queues") if marker else None) or "default,records"
    return celery_workers.start(queues=queues)


# --- Object storage: a real S3-protocol server for the tests of the S3 path ---------------------

S3_ACCESS_KEY = "imr-test"
S3_SECRET_KEY = "imr-test-secret"
S3_REGION = "us-west-1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """moto's S3 server (moto[server]) in a process of its own on a free port, for the whole
    run: the S3 API over HTTP, as MinIO or AWS speak it. Yields its endpoint URL."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("s3") / "moto.log"
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"moto's S3 server did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.1)
    try:
        yield endpoint
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


class S3Bucket:
    """A new, empty bucket on the test S3 server: the environment that points the site at it
    (STORAGE_BACKEND=s3 and the AWS_* variables) and a boto3 client to look inside it."""

    def __init__(self, endpoint: str, name: str):
        self.endpoint = endpoint
        self.name = name
        self.env = {
            "STORAGE_BACKEND": "s3",
            "AWS_STORAGE_BUCKET_NAME": name,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_S3_REGION_NAME": S3_REGION,
            "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY,
        }
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=S3_REGION,
            aws_access_key_id=S3_ACCESS_KEY,
            aws_secret_access_key=S3_SECRET_KEY,
        )
        self.client.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": S3_REGION}
        )

    def object_names(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", ()))

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def head(self, key: str) -> dict:
        return self.client.head_object(Bucket=self.name, Key=key)

    def put(self, key: str, body: bytes) -> None:
        self.client.put_object(Bucket=self.name, Key=key, Body=body)


@pytest.fixture
def s3_bucket(request, s3_server, settings):
    """The site's private files go to a new bucket on the test S3 server for this test (as
    STORAGE_BACKEND=s3 configures them); nothing is written to the local private folder."""
    name = re.sub(r"[^a-z0-9-]", "-", f"imr-{os.getpid()}-{request.node.name}".lower())[:55]
    bucket = S3Bucket(s3_server, name.strip("-") + "-" + os.urandom(3).hex())
    settings.STORAGES = {**settings.STORAGES, "private": private_storage_config(bucket.env)}
    return bucket
