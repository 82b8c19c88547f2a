"""Production settings: Django's deployment checks pass with the settings a production
environment gives (README "Production settings")."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def deploy_check(tmp_path, **overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "SESSION_COOKIE", "CSRF_COOKIE", "DJANGO_"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="imr.example.org",
        IMR_VAR_DIR=str(tmp_path / "var"),
    )
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_the_production_environment(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_a_safeguard_is_turned_off(tmp_path):
    # The same check catches a deployment that turns HTTPS redirection or HSTS off.
    result = deploy_check(tmp_path, SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = deploy_check(tmp_path, SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def _site_url_under_make_run(tmp_path, **environment) -> str:
    """SITE_URL as the app reads it when started by `make run` (scripts/run.sh sources
    scripts/site_url.sh after HOST and PORT are set)."""
    env = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    env.update(IMR_VAR_DIR=str(tmp_path / "var"), **environment)
    result = subprocess.run(
        [
            "bash",
            "-c",
            '. scripts/site_url.sh && exec "$0" manage.py shell --no-imports -c '
            '"from django.conf import settings; print(settings.SITE_URL)"',
            sys.executable,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_make_run_links_e_mails_to_the_port_it_serves(tmp_path):
    assert _site_url_under_make_run(tmp_path, HOST="127.0.0.1", PORT="8152") == (
        "http://127.0.0.1:8152"
    )
    assert _site_url_under_make_run(tmp_path, HOST="0.0.0.0", PORT="8080") == (
        "http://127.0.0.1:8080"
    )
    assert (
        _site_url_under_make_run(
            tmp_path, HOST="0.0.0.0", PORT="8080", SITE_URL="https://imr.example.org"
        )
        == "https://imr.example.org"
    )
