# The two commands of the README: `make run` (the app with a worker) and `make test` (lint + tests).
.PHONY: run test bootstrap lint format seed

run:
	@scripts/run.sh

test:
	@scripts/test.sh

bootstrap:
	@scripts/bootstrap.sh

lint: bootstrap
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: bootstrap
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

seed: bootstrap
	.venv/bin/python manage.py migrate --noinput
	.venv/bin/python manage.py seed_demo
