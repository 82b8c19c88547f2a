#!/bin/sh
# Entry point of the production image. `web` migrates, collects static files and serves with
# gunicorn; any other command (celery ... worker, celery ... beat) runs as given.
set -eu

if [ "${1:-web}" = "web" ]; then
  # The workers' shared metrics start empty on every start (prometheus_client's multiprocess
  # mode: a folder left from a previous run would add its counts to the new ones).
  if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    rm -rf "$PROMETHEUS_MULTIPROC_DIR"
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
  fi
  python manage.py migrate --noinput
  python manage.py collectstatic --noinput
  # No gunicorn access log: the site logs one line per request itself, with the request id
  # and without the query string (a search may hold a worker's name).
  exec gunicorn imrsite.wsgi \
    --bind "0.0.0.0:${PORT:-8000}" \
    --workers "${WEB_CONCURRENCY:-3}" \
    --timeout "${GUNICORN_TIMEOUT:-60}"
fi
exec "$@"
