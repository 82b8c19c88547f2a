#!/bin/sh
# Entry point of the production image. `web` migrates, collects static files and serves with
# gunicorn; any other command (celery ... worker, celery ... beat) runs as given.
set -eu

if [ "${1:-web}" = "web" ]; then
  python manage.py migrate --noinput
  python manage.py collectstatic --noinput
  exec gunicorn imrsite.wsgi \
    --bind "0.0.0.0:${PORT:-8000}" \
    --workers "${WEB_CONCURRENCY:-3}" \
    --timeout "${GUNICORN_TIMEOUT:-60}" \
    --access-logfile -
fi
exec "$@"
