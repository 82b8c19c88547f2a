# IMR Desk production image: gunicorn (web), Celery worker and beat all run from it
# (see docker-compose.yml). Settings come from the environment; SECRET_KEY is required.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=imrsite.settings \
    DEBUG=0 \
    IMR_VAR_DIR=/data/var \
    PRIVATE_MEDIA_ROOT=/data/private \
    STATIC_ROOT=/app/staticfiles

# WeasyPrint needs Pango and HarfBuzz's subsetter (2-2.6x slower renders without it);
# poppler-utils gives pdftotext and pdfsig; DejaVu is the fallback font, Noto CJK prints
# Chinese, Japanese and Korean.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils fonts-dejavu-core \
        fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 imr \
    && useradd --system --uid 10001 --gid imr --home-dir /app --shell /usr/sbin/nologin imr \
    && mkdir -p /app /data/var /data/private \
    && chown -R imr:imr /app /data

WORKDIR /app

# The project declares no importable packages (the apps run from /app), so installing it
# installs exactly the pinned dependencies: a layer that changes only with pyproject.toml.
COPY pyproject.toml ./
RUN pip install .

COPY --chown=imr:imr . .
RUN chmod +x scripts/docker-entrypoint.sh

USER imr
# The static files are part of the image; a throwaway key only lets the settings load here.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

EXPOSE 8000
ENTRYPOINT ["scripts/docker-entrypoint.sh"]
CMD ["web"]
