"""/health/ checks the database, the broker, the private store and the queues; /health/live/
only that the process answers. Neither needs a sign-in."""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.test import Client
from django.urls import reverse
from kombu import Connection

from ops import health
from tests.conftest import _service_missing

pytestmark = pytest.mark.django_db


def fs_broker(settings, tmp_path):
    """A filesystem broker of the test's own (folders made as settings makes them)."""
    folders = {}
    for key, sub in (
        ("data_folder_in", "queue"),
        ("data_folder_out", "queue"),
        ("processed_folder", "processed"),
        ("control_folder", "control"),
    ):
        folders[key] = str(tmp_path / "broker" / sub)
        os.makedirs(folders[key], exist_ok=True)
    settings.CELERY_BROKER_URL = "filesystem://localhost/"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {**folders, "store_processed": False}
    return settings.CELERY_BROKER_TRANSPORT_OPTIONS


def test_health_is_green_when_every_part_answers(client, settings, tmp_path):
    fs_broker(settings, tmp_path)
    response = client.get(reverse("ops:health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "storage", "queues"}
    assert all(check["ok"] and check["ms"] >= 0 for check in body["checks"].values())
    assert body["checks"]["queues"]["depths"] == {"default": 0, "letters": 0, "records": 0}
    # The storage probe leaves nothing behind in the private store.
    assert not [path for path in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if path.is_file()]
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_is_red_and_names_the_broker_when_it_is_down(client, settings):
    # Port 1 on loopback: nothing listens there.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/11"
    settings.HEALTH_BROKER_TIMEOUT = 0.5
    response = client.get(reverse("ops:health"))
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert response.json()["status"] == "fail"
    assert checks["broker"]["ok"] is False and checks["broker"]["error"] == "ConnectionError"
    assert checks["queues"]["ok"] is False
    assert checks["database"]["ok"] and checks["storage"]["ok"]
    # No address, port or password of the broker on a public page.
    assert "127.0.0.1" not in response.content.decode()


def test_health_is_red_when_the_private_store_cannot_be_written(client, settings, tmp_path):
    fs_broker(settings, tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be")
    settings.PRIVATE_MEDIA_ROOT = blocker
    response = client.get(reverse("ops:health"))
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["storage"]["ok"] is False and checks["broker"]["ok"] is True


def test_health_is_red_when_the_filesystem_brokers_folder_is_gone(client, settings, tmp_path):
    options = fs_broker(settings, tmp_path)
    os.rmdir(options["control_folder"])
    response = client.get(reverse("ops:health"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_queue_depths_count_waiting_messages_on_the_filesystem_broker(settings, tmp_path):
    options = fs_broker(settings, tmp_path)
    with Connection("filesystem://localhost/", transport_options=options) as broker:
        letters = broker.SimpleQueue("letters")
        for number in range(3):
            letters.put({"n": number})
        broker.SimpleQueue("default").put({"n": 0})
        letters.close()
    assert health.queue_depths() == {"default": 1, "letters": 3, "records": 0}


def test_queue_depths_count_waiting_messages_on_redis(settings):
    configured = os.environ.get("CELERY_BROKER_URL", "")
    base = configured if configured.startswith("redis://") else "redis://127.0.0.1:6379/0"
    url = urlunsplit(urlsplit(base)._replace(path="/15"))  # the worker tests' database
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        _service_missing(f"Redis ({url})", error)
    settings.CELERY_BROKER_URL = url
    client.delete("default", "letters", "letters\x06\x166")
    try:
        client.rpush("letters", "a", "b")
        client.rpush("letters\x06\x166", "c")  # a message of a higher priority step
        assert health.queue_depths() == {"default": 0, "letters": 3, "records": 0}
    finally:
        client.delete("default", "letters", "letters\x06\x166")


def test_every_routed_queue_is_counted(settings):
    settings.CELERY_TASK_ROUTES = {**settings.CELERY_TASK_ROUTES, "x.y": {"queue": "reports"}}
    assert health.queue_names() == ["default", "letters", "records", "reports"]


def test_liveness_checks_nothing_but_the_process(client, settings, django_assert_num_queries):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/11"
    with django_assert_num_queries(0):
        response = client.get(reverse("ops:live"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_probes_answer_a_host_outside_allowed_hosts(client, settings, tmp_path):
    # A container check or a load balancer asks by the machine's address.
    fs_broker(settings, tmp_path)
    settings.ALLOWED_HOSTS = ["imr.example.org"]
    assert client.get(reverse("ops:live"), HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get(reverse("ops:health"), HTTP_HOST="10.0.0.7:8000").status_code == 200
    # Every other page still refuses it.
    assert client.get(reverse("login"), HTTP_HOST="10.0.0.7:8000").status_code == 400


@pytest.mark.parametrize("probe", ["ops:live", "ops:health"])
def test_the_probes_answer_head_and_refuse_any_change_with_405(probe, settings, tmp_path):
    """From QA: a load balancer's HEAD got 405 (Allow: GET), and a POST the CSRF failure page
    ("The page was out of date…"), which is for people: a machine is told the method."""
    fs_broker(settings, tmp_path)
    settings.ALLOWED_HOSTS = ["imr.example.org"]
    client = Client(enforce_csrf_checks=True)
    for host in ("imr.example.org", "10.0.0.7:8000"):
        head = client.head(reverse(probe), HTTP_HOST=host)
        assert head.status_code == 200 and head["Content-Type"] == "application/json"
        post = client.post(reverse(probe), HTTP_HOST=host)
        assert post.status_code == 405 and post["Allow"] == "GET, HEAD"
        assert b"out of date" not in post.content
