"""Real-browser tests: Playwright driving Debian's Chromium (never `playwright install`).

Without /usr/bin/chromium the tests are skipped, except in CI (CI set), where they fail."""

import importlib
import os
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
