"""Real-browser tests: Playwright driving Debian's Chromium (never `playwright install`).

Without /usr/bin/chromium the tests are skipped, except in CI (CI set), where they fail."""

import importlib
import os
import threading
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)."
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": LAUNCH_ARGS,
    }


class _RequestsAtWork:
    """The live server's requests not yet answered, counted by Django's own signals."""

    def __init__(self):
        self.count = 0
        self.changed = threading.Condition()

    def started(self, **kwargs):
        with self.changed:
            self.count += 1

    def finished(self, **kwargs):
        with self.changed:
            self.count = max(0, self.count - 1)
            self.changed.notify_all()

    def wait_until_none(self, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count == 0, timeout=timeout)


@pytest.fixture(autouse=True)
def answered_before_the_flush(transactional_db):
    """Torn down after the test's page is closed and before its database is emptied: wait for
    the requests the page left at work (an autosave sent as the test ended). On PostgreSQL a
    save still writing while the flush truncated the tables deadlocked the flush."""
    from django.core.signals import request_finished, request_started

    at_work = _RequestsAtWork()
    request_started.connect(at_work.started, dispatch_uid="browser-at-work-started")
    request_finished.connect(at_work.finished, dispatch_uid="browser-at-work-finished")
    yield
    try:
        at_work.wait_until_none(timeout=20)
    finally:
        request_started.disconnect(dispatch_uid="browser-at-work-started")
        request_finished.disconnect(dispatch_uid="browser-at-work-finished")


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def reference_data(transactional_db):
    """live_server tests run on a flushed database: put back what the data migrations seed
    (the specialty vocabulary and table, the guideline catalog)."""
    from django.apps import apps

    from reviews.roster.defaults import defaults_ensure

    defaults_ensure()
    catalog = importlib.import_module("reviews.migrations.0006_guideline_catalog")
    catalog.seed(apps, None)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A laptop screen: the workspace must read well at this size.
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}}
