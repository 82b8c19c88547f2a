"""What /health/ checks: the database (a trivial query), the broker (a connection with a short
timeout; the filesystem broker's folders), the private store (a probe file written, read and
deleted through the storage API, wherever the store is) and the depth of each Celery queue.
Each check is timed; the queue depths also feed the metrics (ops.metrics)."""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from kombu import Connection

from cases.records.storage import private_storage

logger = logging.getLogger(__name__)

# kombu's Redis transport keeps a queue's messages of priority 0 under the queue's name and
# the other priority steps under "<name>\x06\x16<step>" (kombu.transport.redis).
_REDIS_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")
_PROBE = b"imr-desk health probe"


@dataclass
class Check:
    ok: bool
    ms: float
    error: str = ""
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        result = {"ok": self.ok, "ms": self.ms, **self.details}
        if self.error:
            result["error"] = self.error
        return result


def _timed(name: str, probe: Callable[[], dict | None]) -> Check:
    started = time.perf_counter()
    try:
        details = probe() or {}
    except Exception as error:
        ms = round((time.perf_counter() - started) * 1000, 1)
        # The page is public: it names the kind of fault; the log has the whole of it.
        logger.warning("Health check %s failed: %r", name, error)
        return Check(False, ms, error=type(error).__name__)
    return Check(True, round((time.perf_counter() - started) * 1000, 1), details=details)


def queue_names() -> list[str]:
    """The queues the workers take: the default one, `letters`, and every queue a task is
    routed to."""
    names = {settings.CELERY_TASK_DEFAULT_QUEUE, "default", "letters"}
    for route in (getattr(settings, "CELERY_TASK_ROUTES", None) or {}).values():
        if isinstance(route, dict) and route.get("queue"):
            names.add(route["queue"])
    return sorted(names)


def broker_transport() -> str:
    return urlsplit(settings.CELERY_BROKER_URL).scheme or "unknown"


def _redis_client() -> redis.Redis:
    timeout = settings.HEALTH_BROKER_TIMEOUT
    return redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=timeout, socket_timeout=timeout
    )


def _broker_folders() -> list[Path]:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}
    keys = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
    return [Path(options[key]) for key in keys if options.get(key)]


def queue_depths() -> dict[str, int] | None:
    """Messages waiting in each queue; None on a broker whose depths are not read here (the
    site runs on Redis or the filesystem broker). Raises when the broker cannot be reached."""
    names = queue_names()
    transport = broker_transport()
    if transport in ("redis", "rediss"):
        client = _redis_client()
        try:
            pipeline = client.pipeline(transaction=False)
            for name in names:
                for suffix in _REDIS_PRIORITY_SUFFIXES:
                    pipeline.llen(name + suffix)
            lengths = pipeline.execute()
        finally:
            client.close()
        steps = len(_REDIS_PRIORITY_SUFFIXES)
        return {name: sum(lengths[i * steps : (i + 1) * steps]) for i, name in enumerate(names)}
    if transport == "filesystem":
        # kombu's filesystem transport: one file per message, "<time>_<uuid>.<queue>.msg".
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        depths = dict.fromkeys(names, 0)
        for entry in os.listdir(folder):
            queue = entry.partition(".")[2].removesuffix(".msg")
            if queue in depths:
                depths[queue] += 1
        return depths
    return None


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker() -> dict:
    transport = broker_transport()
    if transport in ("redis", "rediss"):
        client = _redis_client()
        try:
            client.ping()
        finally:
            client.close()
    elif transport == "filesystem":
        for folder in _broker_folders():
            if not (folder.is_dir() and os.access(folder, os.R_OK | os.W_OK | os.X_OK)):
                raise FileNotFoundError(f"broker folder {folder} is missing or not writable")
    else:
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=settings.HEALTH_BROKER_TIMEOUT
        ) as broker:
            broker.ensure_connection(max_retries=1)
    return {"transport": transport}


def _storage() -> None:
    name = private_storage.save(f"health/probe-{uuid.uuid4().hex}.txt", ContentFile(_PROBE))
    try:
        with private_storage.open(name, "rb") as probe:
            if probe.read() != _PROBE:
                raise OSError("the probe file read back differs from what was written")
    finally:
        private_storage.delete(name)


def health_report() -> tuple[bool, dict]:
    """(all fine, each check by name)."""
    checks = {
        "database": _timed("database", _database),
        "broker": _timed("broker", _broker),
        "storage": _timed("storage", _storage),
    }
    if checks["broker"].ok:
        checks["queues"] = _timed("queues", lambda: {"depths": queue_depths()})
    else:
        checks["queues"] = Check(False, 0.0, error="broker unreachable")
    return all(check.ok for check in checks.values()), {
        name: check.as_dict() for name, check in checks.items()
    }
