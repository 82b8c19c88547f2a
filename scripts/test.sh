#!/usr/bin/env bash
# `make test`: lint, formatting, then the whole pytest suite. Any finding fails the run.
# Extra arguments go to pytest (scripts/test.sh -k worker).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh

echo "== ruff check"
.venv/bin/ruff check .
echo "== ruff format --check"
.venv/bin/ruff format --check .
echo "== lint-imports (the dependency rule of README's layout)"
.venv/bin/lint-imports --no-cache

echo "== makemigrations --check (every model change has its migration)"
.venv/bin/python manage.py makemigrations --check --dry-run

echo "== pytest (database: ${DATABASE_URL:-SQLite under var/}; broker: ${CELERY_BROKER_URL:-filesystem under var/broker})"
status=0
.venv/bin/pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "make test: pytest collected no tests; that counts as a failure" >&2
  exit 1
fi
exit "$status"
